//! F0 tracking: a probabilistic YIN in the manner of pYIN (Mauch & Dixon 2014), decoded with
//! a small Viterbi over per-frame pitch candidates plus an unvoiced state.
//!
//! Every 10 ms a 25 ms window is compared with lagged copies of itself (YIN's cumulative mean
//! normalised difference, CMNDF). Each dip of the CMNDF is a pitch candidate; instead of one
//! fixed threshold, pYIN's idea is kept: the threshold is uncertain (a Beta prior), and a
//! candidate's probability is the prior mass of the thresholds for which YIN would pick it.
//! Periodicity alone mistakes breath and fricative noise for voice now and then, so each
//! frame's voicing evidence is multiplied by an energy gate relative to the loudest part of
//! the clip. The Viterbi then prefers smooth paths: a jump of an octave costs far more than
//! any single frame's evidence can pay, which is what removes octave errors. Across unvoiced
//! gaps the path remembers its last pitch, with a looser tolerance.
//!
//! Frames keep their energy, periodicity and zero-crossing rate even when unvoiced, so later
//! stages can tell a creaky low ending (loud, weakly periodic) from silence.

use serde::{Deserialize, Serialize};

/// Input sample rate the crate works at.
pub const SAMPLE_RATE: u32 = 16_000;
/// Frame step of the track.
pub const HOP_MS: u32 = 10;
/// Lowest F0 searched: below a low male voice.
pub const MIN_F0_HZ: f32 = 60.0;
/// Highest F0 searched: above children's tone-1 and tone-4 peaks (~500 Hz).
pub const MAX_F0_HZ: f32 = 600.0;

const HOP: usize = 160;
/// 25 ms: at least 1.5 periods of the lowest F0.
const WINDOW: usize = 400;
const TAU_MIN: usize = (SAMPLE_RATE as f32 / MAX_F0_HZ) as usize;
const TAU_MAX: usize = (SAMPLE_RATE as f32 / MIN_F0_HZ) as usize + 1;
const MAX_CANDIDATES: usize = 5;
/// Beta(2, b) prior over YIN thresholds; b = 10 puts the mean threshold at 1/6, a little more
/// lenient than pYIN's default (0.1) so breathy and noisy voices stay voiced.
const THRESHOLD_BETA: f32 = 10.0;
/// Per-frame probability of switching between voiced and unvoiced.
const SWITCH_PROB: f32 = 0.02;
/// Frame-to-frame pitch change tolerated inside a voiced run, in semitones (Gaussian sd).
/// Fast falls move ~0.5 st per 10 ms; an octave (12 st) then costs 32 nats.
const STEP_SD_ST: f32 = 1.5;
/// Tolerance across an unvoiced gap grows with the gap (√frames × the step tolerance) up to
/// this: a new syllable may start elsewhere, but not an octave away.
const GAP_SD_ST: f32 = 5.0;
/// Energy gate: frames this far below the clip's speech level are half as likely voiced.
const GATE_MID_DB: f32 = -30.0;
const GATE_WIDTH_DB: f32 = 4.0;
/// Anything quieter than this is digital silence or hum, whatever its periodicity.
const ABSOLUTE_FLOOR_DB: f32 = -75.0;
/// Loud frames with clear but imperfect periodicity are voice (creak, breathy vowels, nasals):
/// pYIN's threshold prior alone gives a CMNDF dip of 0.25 only a ~20 % voicing chance, and
/// the third tone's creaky low stretch would vanish from the track. Voiceless fricatives and
/// aspiration stay well below this periodicity.
const CREAK_PERIODICITY: f32 = 0.6;
const CREAK_LOUDNESS_DB: f32 = -20.0;

/// One 10 ms frame of the track.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PitchFrame {
    /// Centre of the frame.
    pub t_ms: u32,
    /// F0 on the decoded path; `None` where the path is unvoiced.
    pub f0_hz: Option<f32>,
    /// Periodicity evidence times the energy gate, 0–1.
    pub voiced_prob: f32,
    /// The deepest CMNDF dip's frequency, voiced or not: in creak, where the path drops out,
    /// this still says roughly how low the voice went.
    pub raw_hz: Option<f32>,
    /// 1 minus the lowest CMNDF dip: near 1 for clean voice, ~0.5–0.8 in creak, low in noise.
    pub periodicity: f32,
    /// Frame energy in dB relative to full scale.
    pub rms_db: f32,
    /// Zero crossings per sample, high in fricatives and aspiration.
    pub zcr: f32,
}

/// The pitch track of one recording.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PitchTrack {
    pub hop_ms: u32,
    pub frames: Vec<PitchFrame>,
    /// The loudness of the speech in the clip (95th percentile of frame energy), dBFS.
    pub speech_level_db: f32,
    /// The recording lingers like a reverberant room's (see `echo`): a syllable's quiet end
    /// is then mostly the echo of its start.
    pub reverberant: bool,
}

impl PitchTrack {
    /// Duration covered by the frames.
    pub fn duration_ms(&self) -> u32 {
        self.frames.len() as u32 * self.hop_ms
    }

    /// Frame energy relative to the clip's speech level.
    pub fn relative_db(&self, i: usize) -> f32 {
        self.frames[i].rms_db - self.speech_level_db
    }

    /// Frame `i`'s level (dB) averaged with its two neighbours: 30 ms, enough to even out one
    /// frame's glitch and short enough to keep a consonant's dip.
    pub fn smoothed_rms_db(&self, i: usize) -> f32 {
        let (lo, hi) = (i.saturating_sub(1), (i + 2).min(self.frames.len()));
        self.frames[lo..hi].iter().map(|f| f.rms_db).sum::<f32>() / (hi - lo) as f32
    }

    /// F0 values of voiced frames.
    pub fn voiced_hz(&self) -> impl Iterator<Item = f32> + '_ {
        self.frames.iter().filter_map(|f| f.f0_hz)
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Candidate {
    /// Semitones above 1 Hz (log scale for the transition costs).
    pub(crate) st: f32,
    pub(crate) hz: f32,
    pub(crate) prob: f32,
    /// The pitch of a deeper dip at twice this one's lag, if there is one: the period this
    /// candidate may be half of.
    pub(crate) deeper_below_hz: Option<f32>,
}

pub(crate) struct FrameAnalysis {
    pub(crate) candidates: Vec<Candidate>,
    pub(crate) deepest_hz: Option<f32>,
    pub(crate) periodicity: f32,
    pub(crate) rms_db: f32,
    pub(crate) zcr: f32,
}

pub(crate) fn hz_to_st(hz: f32) -> f32 {
    12.0 * hz.log2()
}

pub(crate) fn st_to_hz(st: f32) -> f32 {
    (st / 12.0).exp2()
}

/// Tracks F0 of 16 kHz mono audio at a 10 ms hop.
pub fn track_pitch(samples_16k: &[f32]) -> PitchTrack {
    let n_frames = samples_16k.len().div_ceil(HOP);
    // A first-order high-pass at ~40 Hz removes DC and rumble, which would otherwise fill the
    // long-lag end of the difference function. The pitch is sought with a reverberant room's
    // late echo taken out, which would hold a syllable's loud start over its quiet end (see
    // `echo`); the loudness of each frame is the recording's own.
    let heard = high_pass(samples_16k);
    let dry = crate::echo::without_late_echo(&heard);
    // `without_late_echo` copies only a recording it finds reverberant (a dry one is lent back).
    let reverberant = matches!(dry, std::borrow::Cow::Owned(_));
    let mut scratch = Scratch::default();
    let analyses: Vec<FrameAnalysis> =
        (0..n_frames).map(|i| analyse_frame(&dry, &heard, i * HOP, &mut scratch)).collect();

    let mut levels: Vec<f32> = analyses.iter().map(|a| a.rms_db).collect();
    levels.sort_by(f32::total_cmp);
    let speech_level_db = levels.get(levels.len().saturating_sub(1) * 95 / 100).copied().unwrap_or(-120.0);

    let voicing: Vec<f32> = analyses.iter().map(|a| frame_voicing(a, speech_level_db)).collect();
    let path = viterbi(&analyses, &voicing);
    let f0 = crate::octave::fold_octave_slips(&analyses, &path);

    let frames = analyses
        .iter()
        .zip(&voicing)
        .zip(&f0)
        .enumerate()
        .map(|(i, ((a, &voiced_prob), &f0_hz))| PitchFrame {
            t_ms: i as u32 * HOP_MS,
            f0_hz,
            voiced_prob,
            raw_hz: a.deepest_hz,
            periodicity: a.periodicity,
            rms_db: a.rms_db,
            zcr: a.zcr,
        })
        .collect();
    PitchTrack { hop_ms: HOP_MS, frames, speech_level_db, reverberant }
}

fn high_pass(x: &[f32]) -> Vec<f32> {
    let a = (-std::f32::consts::TAU * 40.0 / SAMPLE_RATE as f32).exp();
    let (mut prev_x, mut prev_y) = (0.0f32, 0.0f32);
    x.iter()
        .map(|&s| {
            let y = a * (prev_y + s - prev_x);
            prev_x = s;
            prev_y = y;
            y
        })
        .collect()
}

#[derive(Default)]
struct Scratch {
    heard: Vec<f32>,
    segment: Vec<f32>,
    diff: Vec<f32>,
}

/// Beta(2, b) cumulative distribution: the share of thresholds below `x`.
fn threshold_cdf(x: f32) -> f32 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    1.0 - (1.0 - x).powf(THRESHOLD_BETA) * (1.0 + THRESHOLD_BETA * x)
}

/// Sum of squared differences between `a` and `b`, written with eight independent
/// accumulators so the compiler can vectorise it (a single float accumulator cannot be
/// reordered, which would make this loop scalar).
fn squared_distance(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0.0f32; 8];
    let chunks_a = a.chunks_exact(8);
    let chunks_b = b.chunks_exact(8);
    let tail: f32 = chunks_a.remainder().iter().zip(chunks_b.remainder()).map(|(x, y)| (x - y) * (x - y)).sum();
    for (ca, cb) in chunks_a.zip(chunks_b) {
        for k in 0..8 {
            let d = ca[k] - cb[k];
            acc[k] += d * d;
        }
    }
    acc.iter().sum::<f32>() + tail
}

/// The pitch of frame `centre` from `x`, its loudness and zero crossings from `level`.
fn analyse_frame(x: &[f32], level: &[f32], centre: usize, s: &mut Scratch) -> FrameAnalysis {
    // The window is centred on the frame time; the lagged copy extends TAU_MAX beyond it.
    let start = centre as isize - (WINDOW / 2) as isize;
    let sample = |signal: &[f32], k: usize| {
        let j = start + k as isize;
        if j >= 0 && (j as usize) < signal.len() { signal[j as usize] } else { 0.0 }
    };
    s.heard.clear();
    s.heard.extend((0..WINDOW).map(|k| sample(level, k)));
    let rms_db = 10.0 * (s.heard.iter().map(|v| v * v).sum::<f32>() / WINDOW as f32 + 1e-12).log10();
    let crossings = s.heard.windows(2).filter(|w| (w[0] >= 0.0) != (w[1] >= 0.0)).count();
    let zcr = crossings as f32 / WINDOW as f32;
    s.segment.clear();
    s.segment.extend((0..WINDOW + TAU_MAX + 1).map(|k| sample(x, k)));
    let window = &s.segment[..WINDOW];
    let energy: f32 = window.iter().map(|v| v * v).sum();
    if energy < 1e-10 {
        return FrameAnalysis { candidates: Vec::new(), deepest_hz: None, periodicity: 0.0, rms_db, zcr };
    }

    // Cumulative mean normalised difference (YIN step 3).
    s.diff.clear();
    s.diff.resize(TAU_MAX + 1, 1.0);
    let mut running = 0.0f32;
    for tau in 1..=TAU_MAX {
        let d = squared_distance(window, &s.segment[tau..tau + WINDOW]);
        running += d;
        s.diff[tau] = if running > 0.0 { d * tau as f32 / running } else { 1.0 };
    }
    let d = &s.diff;

    // Dips of the CMNDF, in order of lag, refined by a parabola through the neighbours.
    let mut dips: Vec<(f32, f32)> = Vec::new();
    for tau in TAU_MIN.max(2)..TAU_MAX {
        if d[tau] < d[tau - 1] && d[tau] <= d[tau + 1] && d[tau] < 1.0 {
            let (a, b, c) = (d[tau - 1], d[tau], d[tau + 1]);
            let denom = a - 2.0 * b + c;
            let shift = if denom > 1e-9 { (0.5 * (a - c) / denom).clamp(-0.5, 0.5) } else { 0.0 };
            let value = (b - 0.25 * (a - c) * shift).max(0.0);
            dips.push((tau as f32 + shift, value));
        }
    }
    let periodicity = dips.iter().map(|&(_, v)| 1.0 - v).fold(0.0f32, f32::max);
    // A dip that is only half a period (see `is_half_period`) is no pitch candidate: YIN would
    // take it for the period because it comes first.
    let dips: Vec<(f32, f32)> =
        dips.iter().copied().filter(|&(tau, value)| !crate::octave::is_half_period(tau, value, &dips)).collect();

    // pYIN: the threshold is Beta-distributed; YIN picks the first dip below it, so dip j wins
    // for thresholds between its own depth and the lowest depth of the dips before it.
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut lowest_before = f32::INFINITY;
    for &(tau, value) in &dips {
        let upper = threshold_cdf(lowest_before.min(1.0));
        let prob = upper - threshold_cdf(value);
        if prob > 1e-4 {
            let hz = SAMPLE_RATE as f32 / tau;
            candidates.push(Candidate {
                st: hz_to_st(hz),
                hz,
                prob,
                deeper_below_hz: crate::octave::deeper_double(tau, value, &dips),
            });
        }
        lowest_before = lowest_before.min(value);
    }
    // The deepest dip always stays in play with a little mass, so a weakly periodic frame in
    // the middle of loud speech (creak, a nasal) can still continue the path.
    let deepest = dips.iter().min_by(|a, b| a.1.total_cmp(&b.1)).copied();
    if let Some((tau, value)) = deepest {
        let hz = SAMPLE_RATE as f32 / tau;
        let floor = 0.01 * (1.0 - value);
        match candidates.iter_mut().find(|c| (c.hz - hz).abs() < 1e-3) {
            Some(c) => c.prob = c.prob.max(floor),
            None => candidates.push(Candidate {
                st: hz_to_st(hz),
                hz,
                prob: floor,
                deeper_below_hz: crate::octave::deeper_double(tau, value, &dips),
            }),
        }
    }
    candidates.sort_by(|a, b| b.prob.total_cmp(&a.prob));
    candidates.truncate(MAX_CANDIDATES);
    FrameAnalysis { candidates, deepest_hz: deepest.map(|(tau, _)| SAMPLE_RATE as f32 / tau), periodicity, rms_db, zcr }
}

/// Probability that a frame is voiced: pYIN's candidate mass, or loud-and-fairly-periodic,
/// whichever is stronger, times the energy gate.
fn frame_voicing(f: &FrameAnalysis, speech_level_db: f32) -> f32 {
    if f.rms_db < ABSOLUTE_FLOOR_DB || f.candidates.is_empty() {
        return 0.0;
    }
    let rel = f.rms_db - speech_level_db;
    let gate = logistic((rel - GATE_MID_DB) / GATE_WIDTH_DB);
    let mass: f32 = f.candidates.iter().map(|c| c.prob).sum::<f32>().min(1.0);
    let loud_periodic =
        logistic((f.periodicity - CREAK_PERIODICITY) / 0.04) * logistic((rel - CREAK_LOUDNESS_DB) / 3.0);
    (mass.max(loud_periodic) * gate).clamp(0.0, 1.0)
}

fn logistic(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// Best path through candidates; `None` marks an unvoiced frame.
fn viterbi(frames: &[FrameAnalysis], voicing: &[f32]) -> Vec<Option<usize>> {
    let n = frames.len();
    if n == 0 {
        return Vec::new();
    }
    let log_stay = (1.0 - SWITCH_PROB).ln();
    let log_switch = SWITCH_PROB.ln();
    let emission = |f: &FrameAnalysis, voicing: f32| -> (Vec<f32>, f32) {
        let mass: f32 = f.candidates.iter().map(|c| c.prob).sum::<f32>().max(1e-9);
        let voiced: Vec<f32> = f.candidates.iter().map(|c| (voicing * c.prob / mass).max(1e-9).ln()).collect();
        (voiced, (1.0 - voicing).max(1e-9).ln())
    };

    // Score, back-pointer per state; the unvoiced state (index = candidates.len()) also carries
    // the last voiced pitch of its best path.
    let mut scores: Vec<Vec<f32>> = Vec::with_capacity(n);
    let mut back: Vec<Vec<usize>> = Vec::with_capacity(n);
    let mut memory: Vec<Option<(f32, f32)>> = Vec::with_capacity(n);

    let (v0, u0) = emission(&frames[0], voicing[0]);
    let mut first = v0;
    first.push(u0);
    scores.push(first);
    back.push(vec![0; frames[0].candidates.len() + 1]);
    memory.push(None);

    for t in 1..n {
        let (prev, cur) = (&frames[t - 1], &frames[t]);
        let prev_scores = &scores[t - 1];
        let prev_u = prev.candidates.len();
        let (ve, ue) = emission(cur, voicing[t]);
        let mut row = Vec::with_capacity(cur.candidates.len() + 1);
        let mut ptr = Vec::with_capacity(cur.candidates.len() + 1);
        for (k, c) in cur.candidates.iter().enumerate() {
            let mut best = (f32::NEG_INFINITY, prev_u);
            for (j, p) in prev.candidates.iter().enumerate() {
                let z = (c.st - p.st) / STEP_SD_ST;
                let s = prev_scores[j] + log_stay - 0.5 * z * z;
                if s > best.0 {
                    best = (s, j);
                }
            }
            let gap_cost = memory[t - 1].map_or(0.0, |(m, gap)| {
                let sd = (STEP_SD_ST * (gap + 1.0).sqrt()).min(GAP_SD_ST);
                let z = (c.st - m) / sd;
                0.5 * z * z
            });
            let s = prev_scores[prev_u] + log_switch - gap_cost;
            if s > best.0 {
                best = (s, prev_u);
            }
            row.push(best.0 + ve[k]);
            ptr.push(best.1);
        }
        let mut best = (prev_scores[prev_u] + log_stay, prev_u);
        for (j, &score) in prev_scores.iter().enumerate().take(prev_u) {
            let s = score + log_switch;
            if s > best.0 {
                best = (s, j);
            }
        }
        let mem = if best.1 == prev_u {
            memory[t - 1].map(|(m, gap)| (m, gap + 1.0))
        } else {
            Some((prev.candidates[best.1].st, 1.0))
        };
        row.push(best.0 + ue);
        ptr.push(best.1);
        scores.push(row);
        back.push(ptr);
        memory.push(mem);
    }

    let last = &scores[n - 1];
    let mut state = (0..last.len()).max_by(|&a, &b| last[a].total_cmp(&last[b])).unwrap_or(0);
    let mut path = vec![None; n];
    for t in (0..n).rev() {
        path[t] = (state < frames[t].candidates.len()).then_some(state);
        state = back[t][state];
    }
    path
}

#[cfg(test)]
mod tests;
