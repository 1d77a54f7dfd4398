//! Recording conditions worse than the test corpora's. The corpora are close-miked and quiet;
//! classrooms are not. `shiliu eval --channel NAME` plays every clip through one of these
//! before scoring, so the scorer's tables can be measured on noise, a narrow-band headset, a
//! child's higher and quicker voice, a bare room's echo, or a learner's slow or halting reading
//! without recordings of each.
//! Deterministic: a clip always comes out the same.

use std::str::FromStr;

use crate::SAMPLE_RATE;
use crate::error::{AudioError, Result};
use crate::filter::Biquad;

const RATE: f32 = SAMPLE_RATE as f32;

/// One way a recording can reach the scorer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    /// As recorded.
    Clean,
    /// Steady room noise (a fan, traffic) 15 dB under the speech.
    Noise,
    /// A narrow-band headset: 300–3400 Hz through an 8 kHz link, as Bluetooth hands-free sends.
    Phone,
    /// Everything 25 % higher and 20 % quicker: roughly a child's shorter vocal tract and
    /// higher voice, from an adult's recording.
    Child,
    /// A bare classroom heard from a desk microphone: echo dying away over half a second, as
    /// loud in all as the voice's direct sound.
    Room,
    /// Mains hum from a microphone on a laptop's charger: 50 Hz and its next two multiples,
    /// 10 dB under the speech.
    Hum,
    /// Everything a third longer at the same pitch: a learner reading slowly and carefully.
    Slow,
    /// A pause of a third of a second wherever the voice dips between sounds: a learner reading
    /// word by word, or syllable by syllable.
    Halting,
}

impl Channel {
    pub const ALL: [Channel; 8] = [
        Channel::Clean,
        Channel::Noise,
        Channel::Phone,
        Channel::Child,
        Channel::Room,
        Channel::Hum,
        Channel::Slow,
        Channel::Halting,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Channel::Clean => "clean",
            Channel::Noise => "noise",
            Channel::Phone => "phone",
            Channel::Child => "child",
            Channel::Room => "room",
            Channel::Hum => "hum",
            Channel::Slow => "slow",
            Channel::Halting => "halting",
        }
    }

    /// The 16 kHz mono `samples` as heard through this channel.
    pub fn apply(self, samples: &[f32]) -> Result<Vec<f32>> {
        Ok(match self {
            Channel::Clean => samples.to_vec(),
            Channel::Noise => with_noise(samples, NOISE_BELOW_SPEECH_DB),
            Channel::Phone => {
                let mut band = samples.to_vec();
                for cutoff in [PHONE_LOW_HZ, PHONE_LOW_HZ] {
                    Biquad::high_pass(cutoff, RATE).run(&mut band);
                }
                for cutoff in [PHONE_HIGH_HZ, PHONE_HIGH_HZ] {
                    Biquad::low_pass(cutoff, RATE).run(&mut band);
                }
                let narrow = crate::resample::resample(&band, SAMPLE_RATE, 8_000)?;
                crate::resample::resample(&narrow, 8_000, SAMPLE_RATE)?
            }
            // Played 25 % fast: read as 20 kHz audio and brought back to 16 kHz.
            Channel::Child => crate::resample::resample(samples, SAMPLE_RATE * 5 / 4, SAMPLE_RATE)?,
            Channel::Room => with_echo(samples),
            Channel::Hum => with_hum(samples, HUM_BELOW_SPEECH_DB),
            Channel::Slow => stretched(samples, SLOW_STRETCH),
            Channel::Halting => with_pauses(samples),
        })
    }
}

impl FromStr for Channel {
    type Err = AudioError;

    fn from_str(s: &str) -> Result<Channel> {
        Channel::ALL.into_iter().find(|c| c.name() == s).ok_or_else(|| {
            let names: Vec<&str> = Channel::ALL.iter().map(|c| c.name()).collect();
            AudioError::Unsupported(format!("no recording channel \"{s}\"; choose one of {}", names.join(", ")))
        })
    }
}

const NOISE_BELOW_SPEECH_DB: f32 = 15.0;
const HUM_BELOW_SPEECH_DB: f32 = 10.0;
/// The supply runs a little off its nominal 50 Hz, as grids do.
const HUM_HZ: f32 = 50.1;
const PHONE_LOW_HZ: f32 = 300.0;
const PHONE_HIGH_HZ: f32 = 3400.0;
/// Time for the echo to die away by 60 dB (s): a classroom with bare walls.
const ROOM_DECAY_S: f32 = 0.5;
/// How much longer the slow channel makes a clip.
const SLOW_STRETCH: f32 = 4.0 / 3.0;
/// The pause the halting channel puts into each dip of the voice (ms).
const PAUSE_MS: usize = 330;
/// A dip is this much quieter than the voice on both sides of it (dB).
const DIP_DB: f32 = 12.0;
/// How far either side of a dip the voice is looked for (ms).
const DIP_REACH_MS: usize = 200;
/// Echo pulses per second (velvet noise: sparse random ±1 pulses sound like a smooth tail).
const ROOM_PULSES_PER_S: f32 = 2_000.0;

/// A small deterministic random source, so that every run hears the same noise and echo (the
/// tone model has its own in shiliu-prosody; the two crates share no code).
struct Xorshift(u64);

impl Xorshift {
    fn next_unit(&mut self) -> f32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 40) as f32 / (1u64 << 24) as f32
    }

    /// Uniform in −1..1.
    fn next_signed(&mut self) -> f32 {
        2.0 * self.next_unit() - 1.0
    }
}

/// Power of the speech: the mean over 20 ms frames within 20 dB of the loudest one.
fn speech_power(samples: &[f32]) -> f32 {
    let powers: Vec<f32> = samples.chunks(320).map(|f| f.iter().map(|v| v * v).sum::<f32>() / f.len() as f32).collect();
    let loudest = powers.iter().copied().fold(0.0, f32::max);
    let loud: Vec<f32> = powers.into_iter().filter(|p| *p > loudest / 100.0).collect();
    loud.iter().sum::<f32>() / loud.len().max(1) as f32
}

/// `samples` with steady noise `below_db` under the speech: white noise tilted towards the low
/// frequencies, as fans and traffic are.
fn with_noise(samples: &[f32], below_db: f32) -> Vec<f32> {
    let mut rng = Xorshift(0x005E_ED0F_F00D);
    let mut low = 0.0f32;
    let mut noise: Vec<f32> = samples
        .iter()
        .map(|_| {
            let white = rng.next_signed();
            low = 0.98 * low + 0.1 * white;
            white + low
        })
        .collect();
    Biquad::high_pass(60.0, RATE).run(&mut noise);
    mixed_under(samples, &noise, below_db)
}

/// `samples` with mains hum `below_db` under the speech: a line at [`HUM_HZ`] and weaker ones
/// at its second and third multiples.
fn with_hum(samples: &[f32], below_db: f32) -> Vec<f32> {
    let w = std::f64::consts::TAU * f64::from(HUM_HZ) / f64::from(SAMPLE_RATE);
    let hum: Vec<f32> = (0..samples.len())
        .map(|i| {
            let t = w * i as f64;
            (t.sin() + 0.5 * (2.0 * t + 1.0).sin() + 0.3 * (3.0 * t + 2.0).sin()) as f32
        })
        .collect();
    mixed_under(samples, &hum, below_db)
}

/// `samples` with `sound` (as long) added at a level `below_db` under the speech's.
fn mixed_under(samples: &[f32], sound: &[f32], below_db: f32) -> Vec<f32> {
    let sound_power = sound.iter().map(|v| v * v).sum::<f32>() / sound.len().max(1) as f32;
    let gain = (speech_power(samples) / sound_power.max(1e-12) / 10f32.powf(below_db / 10.0)).sqrt();
    samples.iter().zip(sound).map(|(s, v)| s + gain * v).collect()
}

/// `samples` in a reverberant room: the direct sound plus an exponentially dying tail of
/// sparse random echoes whose energy equals the direct sound's. The tail runs on after the
/// clip, as a recording that stops late would keep it.
fn with_echo(samples: &[f32]) -> Vec<f32> {
    let mut rng = Xorshift(0xEC40_1234);
    let len = (ROOM_DECAY_S * SAMPLE_RATE as f32) as usize;
    let spacing = SAMPLE_RATE as f32 / ROOM_PULSES_PER_S;
    // Amplitude falls by 60 dB (a factor 1000) over the decay time.
    let rate = 1000f32.ln() / len as f32;
    let mut taps: Vec<(usize, f32)> = Vec::new();
    let mut slot = 1.0f32;
    while (slot as usize) < len {
        let at = (slot + rng.next_unit() * spacing) as usize;
        let sign = if rng.next_unit() < 0.5 { -1.0 } else { 1.0 };
        taps.push((at.min(len - 1), sign * (-rate * at as f32).exp()));
        slot += spacing;
    }
    let tail_energy: f32 = taps.iter().map(|(_, a)| a * a).sum();
    let scale = 1.0 / tail_energy.max(1e-12).sqrt();
    let mut out = vec![0.0f32; samples.len() + len / 2];
    for (i, &s) in samples.iter().enumerate() {
        out[i] += s;
        for &(at, a) in &taps {
            if let Some(o) = out.get_mut(i + at) {
                *o += scale * a * s;
            }
        }
    }
    // Keep the loudest sample where it was: the echo is no reason to clip.
    let (before, after) = (peak(samples), peak(&out));
    if after > 0.0 {
        out.iter_mut().for_each(|v| *v *= before / after);
    }
    out
}

/// `samples` made `factor` times as long at the same pitch, by waveform-similarity overlap-add:
/// 40 ms Hann-windowed pieces are laid down every 20 ms, each taken from near where the
/// stretched time maps back to, shifted by up to 10 ms to where it best continues the piece
/// before it. Cutting at matching points keeps voiced sounds' periods whole, so the pitch and
/// the voice quality stay as they were.
fn stretched(samples: &[f32], factor: f32) -> Vec<f32> {
    const PIECE: usize = 640;
    const HOP: usize = PIECE / 2;
    const SEARCH: usize = 160;
    let window: Vec<f32> =
        (0..PIECE).map(|i| 0.5 - 0.5 * (std::f32::consts::TAU * i as f32 / PIECE as f32).cos()).collect();
    let at = |i: isize| if i >= 0 { samples.get(i as usize).copied().unwrap_or(0.0) } else { 0.0 };
    let pieces = (samples.len() as f32 * factor / HOP as f32).ceil() as usize + 1;
    let mut out = vec![0.0f32; pieces * HOP + PIECE];
    // Where the previous piece was taken from: its natural continuation starts HOP later.
    let mut previous: Option<isize> = None;
    for k in 0..pieces {
        let nominal = (k as f32 * HOP as f32 / factor) as isize;
        let from = match previous {
            None => nominal,
            Some(p) => {
                let continuation = p + HOP as isize;
                let similarity =
                    |start: isize| (0..HOP as isize).map(|j| at(start + j) * at(continuation + j)).sum::<f32>();
                (nominal - SEARCH as isize..=nominal + SEARCH as isize)
                    .max_by(|a, b| similarity(*a).total_cmp(&similarity(*b)))
                    .unwrap_or(nominal)
            }
        };
        for (j, w) in window.iter().enumerate() {
            out[k * HOP + j] += w * at(from + j as isize);
        }
        previous = Some(from);
    }
    // The first half piece had no partner in the overlap: drop it with the padding at the end.
    let len = (samples.len() as f32 * factor) as usize;
    out.drain(..HOP);
    out.truncate(len);
    out
}

/// `samples` with a pause of [`PAUSE_MS`] at every dip between two stretches of voice, filled
/// with the recording's own background noise. A dip is the quietest 10 ms frame within
/// [`DIP_REACH_MS`] either way, [`DIP_DB`] under the loudest frame on each side, and those
/// loudest frames are speech (within 30 dB of the clip's loudest).
fn with_pauses(samples: &[f32]) -> Vec<f32> {
    const FRAME: usize = 160;
    let levels: Vec<f32> = samples.chunks(FRAME).map(crate::level::rms_dbfs).collect();
    let loudest = levels.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let reach = DIP_REACH_MS / 10;
    let mut dips: Vec<usize> = Vec::new();
    for i in 1..levels.len().saturating_sub(1) {
        let before = &levels[i.saturating_sub(reach)..i];
        let after = &levels[i + 1..(i + 1 + reach).min(levels.len())];
        let max_of = |xs: &[f32]| xs.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let min_of = |xs: &[f32]| xs.iter().copied().fold(f32::INFINITY, f32::min);
        let (b, a) = (max_of(before), max_of(after));
        // Strictly quieter than before, so a flat silent gap has one dip, at its start.
        let quietest_here = levels[i] < min_of(before) && levels[i] <= min_of(after);
        let voice_both_sides = b > loudest - 30.0 && a > loudest - 30.0;
        if quietest_here && voice_both_sides && levels[i] < b.min(a) - DIP_DB {
            dips.push(i * FRAME + FRAME / 2);
        }
    }
    // The background: the quietest 100 ms of the clip, repeated as long as a pause.
    let floor = samples
        .windows(1600)
        .step_by(FRAME)
        .map(|w| (crate::level::rms_dbfs(w), w))
        .min_by(|x, y| x.0.total_cmp(&y.0))
        .map_or(&[][..], |(_, w)| w);
    let pause: Vec<f32> = if floor.is_empty() {
        vec![0.0; PAUSE_MS * 16]
    } else {
        floor.iter().copied().cycle().take(PAUSE_MS * 16).collect()
    };
    let mut out = Vec::with_capacity(samples.len() + dips.len() * pause.len());
    let mut from = 0;
    for at in dips {
        out.extend_from_slice(&samples[from..at]);
        out.extend_from_slice(&pause);
        from = at;
    }
    out.extend_from_slice(&samples[from..]);
    out
}

fn peak(x: &[f32]) -> f32 {
    x.iter().fold(0.0f32, |m, v| m.max(v.abs()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::level::rms_dbfs;

    fn tone(hz: f32, ms: usize) -> Vec<f32> {
        (0..ms * 16).map(|i| 0.3 * (std::f32::consts::TAU * hz * i as f32 / SAMPLE_RATE as f32).sin()).collect()
    }

    /// The strongest frequency of `x` between 50 and 1000 Hz, by a plain search.
    fn strongest_hz(x: &[f32]) -> f32 {
        let power = |hz: f32| {
            let w = std::f32::consts::TAU * hz / SAMPLE_RATE as f32;
            let (c, s) = x
                .iter()
                .enumerate()
                .fold((0.0f32, 0.0f32), |(c, s), (i, v)| (c + v * (w * i as f32).cos(), s + v * (w * i as f32).sin()));
            c * c + s * s
        };
        (50..1000).map(|hz| hz as f32).max_by(|a, b| power(*a).total_cmp(&power(*b))).unwrap()
    }

    #[test]
    fn the_phone_channel_keeps_the_speech_band_and_drops_the_fundamental_and_the_hiss() {
        let through = |hz: f32| {
            let out = Channel::Phone.apply(&tone(hz, 500)).unwrap();
            rms_dbfs(&out[2000..6000]) - rms_dbfs(&tone(hz, 500)[2000..6000])
        };
        assert!(through(1000.0).abs() < 1.5, "{}", through(1000.0));
        assert!(through(120.0) < -15.0, "{}", through(120.0));
        assert!(through(5000.0) < -30.0, "{}", through(5000.0));
    }

    #[test]
    fn the_child_channel_is_a_quarter_higher_and_a_fifth_shorter() {
        let out = Channel::Child.apply(&tone(200.0, 1000)).unwrap();
        assert!((out.len() as f32 / 16_000.0 - 0.8).abs() < 0.01, "{}", out.len());
        assert!((strongest_hz(&out) - 250.0).abs() <= 2.0, "{}", strongest_hz(&out));
    }

    #[test]
    fn the_slow_channel_makes_a_clip_a_third_longer_at_the_same_pitch_and_level() {
        let clip = tone(200.0, 1200);
        let out = Channel::Slow.apply(&clip).unwrap();
        assert!((out.len() as f32 / 16_000.0 - 1.6).abs() < 0.01, "{}", out.len());
        assert!((strongest_hz(&out) - 200.0).abs() <= 2.0, "{}", strongest_hz(&out));
        // Pieces cut at matching points add up without beating: the level holds steady.
        let level_at = |ms: usize| rms_dbfs(&out[ms * 16..(ms + 100) * 16]);
        for ms in [100, 500, 900, 1300] {
            assert!((level_at(ms) - rms_dbfs(&clip)).abs() < 0.5, "{ms} ms: {}", level_at(ms));
        }
    }

    #[test]
    fn the_halting_channel_pauses_between_sounds_but_not_inside_one() {
        // Two "syllables" with a short quiet gap between them, and one long steady vowel.
        let mut clip = vec![0.0; 3200];
        clip.extend(tone(220.0, 250));
        clip.extend(vec![0.0; 16 * 60]);
        clip.extend(tone(180.0, 250));
        clip.extend(vec![0.0; 3200]);
        let out = Channel::Halting.apply(&clip).unwrap();
        assert_eq!(out.len(), clip.len() + PAUSE_MS * 16);
        let quiet_frames = |x: &[f32]| x.chunks(160).filter(|f| rms_dbfs(f) < -60.0).count();
        assert_eq!(quiet_frames(&out), quiet_frames(&clip) + PAUSE_MS / 10);
        let vowel = tone(200.0, 800);
        assert_eq!(Channel::Halting.apply(&vowel).unwrap(), vowel);
    }

    #[test]
    fn the_noise_channel_sets_steady_noise_15_db_under_the_speech() {
        let mut clip = vec![0.0; 5000];
        clip.extend(tone(220.0, 600));
        clip.extend(vec![0.0; 5000]);
        let out = Channel::Noise.apply(&clip).unwrap();
        let report = crate::quality::assess(&out);
        let snr = report.snr_db.expect("a stretch of plain noise to measure");
        assert!((12.0..18.0).contains(&snr), "{snr}");
        assert!(report.flags.contains(&crate::QualityFlag::Noisy), "{report:?}");
        // The same clip always gets the same noise.
        assert_eq!(out, Channel::Noise.apply(&clip).unwrap());
    }

    #[test]
    fn the_hum_channel_adds_mains_lines_10_db_under_the_speech_that_the_hum_filter_finds() {
        let clip = tone(220.0, 1500);
        let out = Channel::Hum.apply(&clip).unwrap();
        let added: Vec<f32> = out.iter().zip(&clip).map(|(o, c)| o - c).collect();
        let under = rms_dbfs(&clip) - rms_dbfs(&added);
        assert!((9.0..11.0).contains(&under), "{under}");
        let hum = crate::hum::find(&out).expect("hum found");
        assert!((hum.lines_hz[0] - f64::from(HUM_HZ)).abs() <= 0.05, "{hum:?}");
    }

    #[test]
    fn the_room_channel_lets_a_sound_die_away_over_half_a_second() {
        let mut clip = tone(220.0, 300);
        clip.extend(vec![0.0; 16 * 700]);
        let out = Channel::Room.apply(&clip).unwrap();
        let level_at = |ms: usize| rms_dbfs(&out[ms * 16..(ms + 50) * 16]) - rms_dbfs(&out[1600..4000]);
        assert!(level_at(350) > -20.0, "the echo is heard just after: {}", level_at(350));
        assert!(level_at(350) < level_at(300) - 1.0);
        assert!(level_at(850) < -45.0, "and has died away half a second later: {}", level_at(850));
        assert!(peak(&out) <= peak(&clip) + 1e-6);
    }

    #[test]
    fn an_unknown_channel_is_refused_with_the_names_to_choose_from() {
        let e = "telephone".parse::<Channel>().unwrap_err().to_string();
        assert!(e.contains("telephone") && e.contains("phone, child, room"), "{e}");
        assert_eq!("room".parse::<Channel>().unwrap(), Channel::Room);
    }
}
