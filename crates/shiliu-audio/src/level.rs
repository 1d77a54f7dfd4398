//! Loudness measures for level meters and speech end-pointing.

use crate::filter::Biquad;

/// Root-mean-square level in dB relative to full scale (−100 for silence).
pub fn rms_dbfs(x: &[f32]) -> f32 {
    if x.is_empty() {
        return -100.0;
    }
    let ms = x.iter().map(|v| v * v).sum::<f32>() / x.len() as f32;
    to_db(ms.sqrt())
}

/// The RMS level of the sound alone, without the frame's mean: what a live microphone with a DC
/// offset is heard at (its offset would otherwise read as a loud, steady background).
pub fn sound_dbfs(x: &[f32]) -> f32 {
    if x.is_empty() {
        return -100.0;
    }
    let mean = x.iter().sum::<f32>() / x.len() as f32;
    let ms = x.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / x.len() as f32;
    to_db(ms.sqrt())
}

pub fn peak_dbfs(x: &[f32]) -> f32 {
    to_db(x.iter().fold(0f32, |m, v| m.max(v.abs())))
}

/// The samples with their mean taken out. A sound card's DC offset (a constant added to every
/// sample) is no sound, but it fills every level measure and would hide the speech's own: the
/// THCHS-30 recordings carry −39 dBFS of it, which read as background noise. An offset under
/// −60 dBFS is left alone, so an ordinary recording reaches the recogniser exactly as it was.
fn without_dc(x: &[f32]) -> Vec<f32> {
    let mean = (x.iter().map(|&v| f64::from(v)).sum::<f64>() / x.len().max(1) as f64) as f32;
    if mean.abs() < DC_NEGLIGIBLE {
        return x.to_vec();
    }
    x.iter().map(|v| v - mean).collect()
}

/// −60 dBFS.
const DC_NEGLIGIBLE: f32 = 1e-3;

/// The samples without what the recording chain adds that is no sound: a DC offset and mains
/// hum (see [`crate::hum`]). A recording with neither comes back exactly as it was.
pub fn without_offset_or_hum(x: &[f32]) -> Vec<f32> {
    crate::hum::without_hum(&without_dc(x))
}

fn to_db(amplitude: f32) -> f32 {
    if amplitude <= 1e-5 { -100.0 } else { 20.0 * amplitude.log10() }
}

/// Decides when a student has finished speaking: speech is a run of frames well above the
/// background; the recording ends after a stretch of silence that follows speech, or when no
/// speech starts at all within the patience window.
#[derive(Debug, Clone)]
pub struct Endpointer {
    pub silence_to_stop_ms: u32,
    pub no_speech_timeout_ms: u32,
    floor_db: f32,
    /// Speech the target needs at the least, and how many stretches of it between pauses
    /// (see [`Endpointer::expecting_speech`]).
    speech_expected_ms: u32,
    stretches_expected: u32,
    stretches: u32,
    speech_ms: u32,
    silence_ms: u32,
    elapsed_ms: u32,
    heard_speech: bool,
    /// The student's usual speech level (dBFS): a slow average of their speech frames, each
    /// over three frames so a click weighs little.
    voice_db: Option<f32>,
    recent_db: [f32; 3],
    /// The band levels are measured in ([`LEVEL_FROM_HZ`]–[`LEVEL_TO_HZ`]), set up at the
    /// first frame's rate, and the frame filtered through it.
    band: Option<[Biquad; 4]>,
    in_band: Vec<f32>,
}

/// What the end-pointer concluded after a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    Waiting,
    Speaking,
    /// Speech was followed by enough silence.
    Finished,
    /// Nothing that sounded like speech arrived in time.
    NoSpeech,
}

/// Minimum loudness that can count as speech, whatever the background.
const SPEECH_MIN_DB: f32 = -50.0;
/// How far above the background floor speech must be to start; once it has started, the
/// second line keeps their softer sounds going (a quiet microphone's speech sits only 7–14 dB
/// above its floor, and in steady noise a quick falling syllable clears the first line for
/// barely 100 ms).
const SPEECH_ABOVE_FLOOR_DB: f32 = 12.0;
const SPEECH_GOES_ON_ABOVE_FLOOR_DB: f32 = 9.0;
/// The background level is measured over this much audio at the start.
const CALIBRATION_MS: u32 = 200;
/// Speech must last this long before a pause can end the recording (ignores clicks). Replaying
/// the 303 native recordings with steady noise 15 dB under them, 25 lone syllables (mostly
/// quick fourth tones) never counted as speech with 150 ms and the first line throughout;
/// with 100 ms and the second line once started, 3 (clean, headset, echo and hum: none).
const MIN_SPEECH_MS: u32 = 100;
/// Once the student has spoken, sound this far under their usual level is not them: other
/// children talking in the room, whose bursts rise well above a floor measured in their gaps
/// and kept the recording going.
///
/// Both lines together, replayed on the native recordings: with 4 s of such chatter after
/// them, 63 of 101 ended by themselves (58 before); of the 303 clean ones, 3 ended during
/// their speech (6 before; the 3 are THCHS-30 readings with pauses of about a second).
const BELOW_VOICE_DB: f32 = 12.0;
/// How fast the usual level follows the student's speech frames.
const VOICE_RATE: f32 = 0.05;
/// Levels are measured in the band a voice's loudness is in (two sections each side, 24 dB an
/// octave), as a telephone passes it: mains hum (50 Hz and its first multiples) and the rumble
/// of traffic and fans lie below it, and much of a fan's or a computer's hiss above it; counted,
/// they lift the background to the voice's own level. Replaying the 303 native recordings
/// (0.5 s before, 3 s after): with hum 10 dB under the speech, 302 ended by themselves after
/// the speech (272 measured on the whole band: 25 went on, 6 ended in their middle); with steady
/// noise 15 dB under, 277 (202 on the whole band; see also [`MIN_SPEECH_MS`]). Clean, through
/// a headset or in an echoing room, all 303 did either way.
const LEVEL_FROM_HZ: f32 = 200.0;
const LEVEL_TO_HZ: f32 = 3400.0;
/// Until the speech a target needs has been heard, only a silence this long ends the
/// recording: a list read a syllable at a time (一、二、三) or a child stopping to work out the
/// next word pauses for a second or more, and was cut off after the first few syllables.
const PATIENT_SILENCE_MS: u32 = 2500;
/// Silence that separates two stretches of speech: longer than a stop's closure.
const STRETCH_PAUSE_MS: u32 = 300;

impl Endpointer {
    pub fn new(silence_to_stop_ms: u32, no_speech_timeout_ms: u32) -> Self {
        Endpointer {
            silence_to_stop_ms,
            no_speech_timeout_ms,
            floor_db: -60.0,
            speech_expected_ms: 0,
            stretches_expected: 0,
            stretches: 0,
            speech_ms: 0,
            silence_ms: 0,
            elapsed_ms: 0,
            heard_speech: false,
            voice_db: None,
            recent_db: [-100.0; 3],
            band: None,
            in_band: Vec::new(),
        }
    }

    /// Waits through longer pauses (up to [`PATIENT_SILENCE_MS`]) until `ms` of speech has been
    /// heard, in at least `stretches` stretches between pauses: what the target needs at the
    /// least (a list 一、二、三 is read in three).
    pub fn expecting_speech(mut self, ms: u32, stretches: u32) -> Self {
        self.speech_expected_ms = ms;
        self.stretches_expected = stretches;
        self
    }

    /// Feeds one frame (any length) of `frame_ms` milliseconds.
    pub fn push(&mut self, frame: &[f32], frame_ms: u32) -> Endpoint {
        let rate = frame.len() as f32 * 1000.0 / frame_ms.max(1) as f32;
        let sections = self.band.get_or_insert_with(|| {
            let high = || Biquad::high_pass(LEVEL_FROM_HZ, rate);
            let low = || Biquad::low_pass(LEVEL_TO_HZ.min(rate * 0.45), rate);
            [high(), high(), low(), low()]
        });
        self.in_band.clear();
        self.in_band.extend_from_slice(frame);
        sections.iter_mut().for_each(|s| s.run(&mut self.in_band));
        let db = sound_dbfs(&self.in_band);
        self.elapsed_ms += frame_ms;
        if self.elapsed_ms <= CALIBRATION_MS {
            // The first moments set the background level; nobody speaks that fast.
            self.floor_db = if self.elapsed_ms == frame_ms { db } else { self.floor_db + (db - self.floor_db) * 0.5 };
            return Endpoint::Waiting;
        }
        self.recent_db.rotate_left(1);
        self.recent_db[2] = db;
        let under_voice = self.heard_speech && self.voice_db.is_some_and(|v| db < v - BELOW_VOICE_DB);
        let started = self.heard_speech || self.speech_ms > 0;
        let floor_margin = if started { SPEECH_GOES_ON_ABOVE_FLOOR_DB } else { SPEECH_ABOVE_FLOOR_DB };
        let is_speech = db > SPEECH_MIN_DB && db > self.floor_db + floor_margin && !under_voice;
        if is_speech {
            let smoothed = self.recent_db.iter().sum::<f32>() / 3.0;
            self.voice_db = Some(self.voice_db.map_or(smoothed, |v| v + (smoothed - v) * VOICE_RATE));
        }
        // The floor follows quiet frames quickly and loud ones very slowly.
        let rate = if db < self.floor_db {
            0.3
        } else if is_speech {
            0.002
        } else {
            0.05
        };
        self.floor_db += (db - self.floor_db) * rate;
        if is_speech {
            if self.stretches == 0 || (self.heard_speech && self.silence_ms >= STRETCH_PAUSE_MS) {
                self.stretches += 1;
            }
            self.speech_ms += frame_ms;
            self.silence_ms = 0;
            if self.speech_ms >= MIN_SPEECH_MS {
                self.heard_speech = true;
            }
        } else {
            self.silence_ms += frame_ms;
            if !self.heard_speech && self.silence_ms > 300 {
                self.speech_ms = 0;
            }
        }
        if self.heard_speech {
            let heard_enough = self.speech_ms >= self.speech_expected_ms && self.stretches >= self.stretches_expected;
            let enough =
                if heard_enough { self.silence_to_stop_ms } else { self.silence_to_stop_ms.max(PATIENT_SILENCE_MS) };
            if self.silence_ms >= enough { Endpoint::Finished } else { Endpoint::Speaking }
        } else if self.elapsed_ms >= self.no_speech_timeout_ms {
            Endpoint::NoSpeech
        } else {
            Endpoint::Waiting
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dc_offset_is_taken_out_and_the_sound_kept() {
        let tone: Vec<f32> = (0..1600).map(|i| 0.3 * (i as f32 * 0.2).sin()).collect();
        let offset: Vec<f32> = tone.iter().map(|v| v + 0.25).collect();
        let cleaned = without_dc(&offset);
        assert!(cleaned.iter().zip(&tone).all(|(a, b)| (a - b).abs() < 0.01));
        assert!(without_dc(&[]).is_empty());
    }

    fn frame(amplitude: f32) -> Vec<f32> {
        (0..160).map(|i| (i as f32 * 0.3).sin() * amplitude).collect()
    }

    /// Feeds `ms` of 10 ms frames, the k-th made by `frame_at(k)`; the last verdict.
    fn feed(ep: &mut Endpointer, ms: u32, frame_at: impl Fn(u32) -> Vec<f32>) -> Endpoint {
        (0..ms / 10).fold(Endpoint::Waiting, |_, k| ep.push(&frame_at(k), 10))
    }

    fn run(ep: &mut Endpointer, amplitude: f32, ms: u32) -> Endpoint {
        feed(ep, ms, |_| frame(amplitude))
    }

    #[test]
    fn levels_of_a_full_scale_sine_are_minus_three_and_zero_db() {
        let x: Vec<f32> = (0..1600).map(|i| (i as f32 * 0.1).sin()).collect();
        assert!((rms_dbfs(&x) + 3.01).abs() < 0.1);
        assert!(peak_dbfs(&x).abs() < 0.01);
        assert_eq!(rms_dbfs(&[0.0; 10]), -100.0);
    }

    #[test]
    fn a_reader_short_of_the_targets_speech_is_waited_for_through_longer_pauses() {
        // A five-syllable list read a syllable at a time: 200 ms of speech, a 1.5 s pause.
        let mut ep = Endpointer::new(900, 5000).expecting_speech(600, 0);
        assert_eq!(run(&mut ep, 0.001, 500), Endpoint::Waiting);
        for _ in 0..2 {
            assert_eq!(run(&mut ep, 0.3, 200), Endpoint::Speaking);
            assert_eq!(run(&mut ep, 0.001, 1500), Endpoint::Speaking, "waited for the rest");
        }
        assert_eq!(run(&mut ep, 0.3, 200), Endpoint::Speaking);
        // 600 ms of speech heard: an ordinary pause ends it now.
        assert_eq!(run(&mut ep, 0.001, 1000), Endpoint::Finished);
        // Without the expectation, the first pause ended the recording.
        let mut ep = Endpointer::new(900, 5000);
        run(&mut ep, 0.001, 500);
        run(&mut ep, 0.3, 200);
        assert_eq!(run(&mut ep, 0.001, 1500), Endpoint::Finished);
        // Even short of it, a long silence ends the recording: the student has stopped.
        let mut ep = Endpointer::new(900, 5000).expecting_speech(5000, 0);
        run(&mut ep, 0.001, 500);
        run(&mut ep, 0.3, 200);
        assert_eq!(run(&mut ep, 0.001, 2600), Endpoint::Finished);
    }

    #[test]
    fn a_list_is_waited_for_until_each_of_its_items_has_been_said() {
        // 一、二、三 read slowly: long syllables, 1.5 s pauses. The speech is enough after the
        // second, but the list has three items.
        let mut ep = Endpointer::new(900, 5000).expecting_speech(360, 3);
        run(&mut ep, 0.001, 500);
        for _ in 0..2 {
            assert_eq!(run(&mut ep, 0.3, 400), Endpoint::Speaking);
            assert_eq!(run(&mut ep, 0.001, 1500), Endpoint::Speaking, "waited for the next item");
        }
        assert_eq!(run(&mut ep, 0.3, 400), Endpoint::Speaking);
        assert_eq!(run(&mut ep, 0.001, 1000), Endpoint::Finished);
    }

    #[test]
    fn speech_then_silence_finishes_the_recording() {
        let mut ep = Endpointer::new(700, 5000);
        assert_eq!(run(&mut ep, 0.001, 500), Endpoint::Waiting);
        assert_eq!(run(&mut ep, 0.3, 800), Endpoint::Speaking);
        assert_eq!(run(&mut ep, 0.001, 400), Endpoint::Speaking, "a short pause does not end it");
        assert_eq!(run(&mut ep, 0.3, 300), Endpoint::Speaking);
        assert_eq!(run(&mut ep, 0.001, 800), Endpoint::Finished);
    }

    #[test]
    fn silence_alone_times_out_as_no_speech() {
        let mut ep = Endpointer::new(700, 3000);
        assert_eq!(run(&mut ep, 0.0005, 3000), Endpoint::NoSpeech);
    }

    #[test]
    fn a_click_is_not_speech() {
        let mut ep = Endpointer::new(700, 3000);
        run(&mut ep, 0.001, 500);
        run(&mut ep, 0.5, 50);
        assert_eq!(run(&mut ep, 0.001, 1000), Endpoint::Waiting);
    }

    #[test]
    fn a_microphone_with_a_dc_offset_still_hears_speech_start_and_stop() {
        let mut ep = Endpointer::new(700, 5000);
        let offset = |amplitude: f32| move |_| frame(amplitude).into_iter().map(|v| v + 0.2).collect();
        feed(&mut ep, 500, offset(0.001));
        feed(&mut ep, 800, offset(0.3));
        assert_eq!(feed(&mut ep, 800, offset(0.001)), Endpoint::Finished);
    }

    #[test]
    fn children_talking_in_the_room_do_not_keep_the_recording_going() {
        // Bursts of other voices 20 dB under the student, with short gaps.
        let chatter = |ep: &mut Endpointer, ms: u32| feed(ep, ms, |k| frame(if k % 25 < 20 { 0.03 } else { 0.001 }));
        let mut ep = Endpointer::new(700, 5000);
        run(&mut ep, 0.001, 300);
        assert_eq!(run(&mut ep, 0.3, 600), Endpoint::Speaking);
        assert_eq!(chatter(&mut ep, 500), Endpoint::Speaking);
        assert_eq!(chatter(&mut ep, 500), Endpoint::Finished);
        // A soft last syllable 10 dB under is still the student.
        let mut ep = Endpointer::new(700, 5000);
        run(&mut ep, 0.001, 300);
        run(&mut ep, 0.3, 600);
        assert_eq!(run(&mut ep, 0.095, 650), Endpoint::Speaking);
    }

    #[test]
    fn a_quiet_microphone_keeps_recording_through_the_softer_sounds() {
        // Speech 16 dB over the floor, then 11 dB over it: enough to go on, not to start.
        let mut ep = Endpointer::new(700, 5000);
        run(&mut ep, 0.002, 300);
        assert_eq!(run(&mut ep, 0.0126, 400), Endpoint::Speaking);
        assert_eq!(run(&mut ep, 0.0071, 1000), Endpoint::Speaking);
        assert_eq!(run(&mut ep, 0.002, 800), Endpoint::Finished);
        let mut ep = Endpointer::new(700, 3000);
        run(&mut ep, 0.002, 300);
        assert_eq!(run(&mut ep, 0.0071, 2700), Endpoint::NoSpeech);
    }

    #[test]
    fn steady_background_noise_is_not_mistaken_for_speech() {
        let mut ep = Endpointer::new(700, 4000);
        // A fan at −35 dBFS: loud enough to pass the absolute minimum, but it is the floor.
        assert_eq!(run(&mut ep, 0.025, 1000), Endpoint::Waiting);
        assert_eq!(run(&mut ep, 0.3, 600), Endpoint::Speaking);
        assert_eq!(run(&mut ep, 0.025, 800), Endpoint::Finished);
    }
}
