//! Syllable timing: N spans for N expected syllables, by dynamic programming over boundaries.
//!
//! A boundary before a syllable is likely where the audio changes the way that syllable's
//! initial makes it change:
//!
//! * before a voiceless obstruent (b p d t g k f h j q x zh ch sh z c s) voicing stops:
//!   the boundary sits where the voice ends and the consonant begins;
//! * before a sonorant or a vowel (m n l r, zero initial) voicing goes on, and the boundary
//!   is an energy dip, often with a jump in F0;
//! * inside a pause any boundary is good.
//!
//! A log-normal duration prior around the mean syllable length keeps the spans plausible
//! when the evidence is weak, and optional recogniser spans (token timestamps) pull the
//! boundaries towards themselves.

use shiliu_pinyin::{Initial, Syllable};

use crate::activity::speech_frames;
use crate::pitch::{PitchTrack, hz_to_st};
use crate::tone::has_voiced_onset;

/// Spread of syllable durations around the mean, in natural-log units.
const DURATION_SIGMA: f32 = 0.45;
/// How far a recogniser's boundary may be off before it stops helping (frames, 1 sd).
const HINT_SD_FRAMES: f32 = 5.0;
/// The most a boundary far from the recogniser's is penalised (3 sd): its timestamps can be
/// off by whole syllables across pauses, and then the audio's own evidence must win.
const HINT_MAX_PULL: f32 = 4.5;
/// The shortest syllable span considered.
const MIN_FRAMES: usize = 4;
/// The longest span considered, in standard deviations of the duration prior above the mean.
const LONGEST_SPAN_SD: f32 = 6.0;
/// A silence this long (frames) is a pause between syllables, never inside one: a stop's
/// closure, and an aspiration too quiet to count as speech (糖's t), last up to about 200 ms.
/// Read as a list (一、二、三, a row of the PSC's single syllables) or haltingly, speech has
/// such pauses, and the recogniser's timestamps drift across them by whole syllables.
const PAUSE_FRAMES: usize = 30;
/// Cost of a span with speech on both sides of such a pause: high, but not impossible, so
/// that a syllable said in two goes or more pauses than syllables still get N spans.
const ACROSS_A_PAUSE_COST: f32 = 10.0;

fn is_voiceless_obstruent(initial: Initial) -> bool {
    !has_voiced_onset(initial)
}

/// Per-frame evidence, computed once.
struct Evidence {
    speech: Vec<bool>,
    voiced: Vec<bool>,
    /// How deep the frame sits in an energy valley, dB (0 on a peak).
    valley_db: Vec<f32>,
    /// Size of the F0 step into this frame, semitones (0 if either side is unvoiced).
    f0_step: Vec<f32>,
}

fn evidence(track: &PitchTrack) -> Evidence {
    let n = track.frames.len();
    let level: Vec<f32> = (0..n).map(|i| track.smoothed_rms_db(i)).collect();
    // Depth below the lower of the two highest levels within 80 ms on either side.
    let reach = 8;
    let valley_db = (0..n)
        .map(|i| {
            let left = level[i.saturating_sub(reach)..=i].iter().copied().fold(f32::NEG_INFINITY, f32::max);
            let right = level[i..(i + reach + 1).min(n)].iter().copied().fold(f32::NEG_INFINITY, f32::max);
            (left.min(right) - level[i]).max(0.0)
        })
        .collect();
    let f0_step = (0..n)
        .map(|i| match (i.checked_sub(1).and_then(|j| track.frames[j].f0_hz), track.frames[i].f0_hz) {
            (Some(a), Some(b)) => (hz_to_st(b) - hz_to_st(a)).abs(),
            _ => 0.0,
        })
        .collect();
    Evidence {
        speech: speech_frames(track),
        voiced: track.frames.iter().map(|f| f.f0_hz.is_some()).collect(),
        valley_db,
        f0_step,
    }
}

/// Reward (in nats, higher is better) for putting the boundary before `next` at frame `f`.
fn boundary_reward(e: &Evidence, f: usize, next: Initial) -> f32 {
    if !e.speech[f] {
        return 3.0;
    }
    let valley = (e.valley_db[f] / 6.0).min(2.0);
    let jump = ((e.f0_step[f] - 1.0) / 2.0).clamp(0.0, 1.0);
    let voice_stops = f > 0 && e.voiced[f - 1] && !e.voiced[f];
    let voice_starts = f > 0 && !e.voiced[f - 1] && e.voiced[f];
    if is_voiceless_obstruent(next) {
        2.5 * voice_stops as u8 as f32 + 0.5 * valley + 0.5 * (!e.voiced[f]) as u8 as f32
    } else {
        1.5 * valley + jump + 0.5 * voice_starts as u8 as f32
    }
}

/// Splits the speech into one span (start, end ms) per expected syllable.
///
/// `hints`, if given, are one span per syllable from a recogniser; boundaries are drawn
/// towards them. Spans are trimmed of silence at their edges, so a pause falls between spans.
pub fn segment_syllables(track: &PitchTrack, expected: &[Syllable], hints: Option<&[(u32, u32)]>) -> Vec<(u32, u32)> {
    let n_syl = expected.len();
    if n_syl == 0 || track.frames.is_empty() {
        return Vec::new();
    }
    let e = evidence(track);
    let hop = track.hop_ms.max(1);
    let first = e.speech.iter().position(|&s| s).unwrap_or(0);
    let last = e.speech.iter().rposition(|&s| s).map_or(track.frames.len(), |l| l + 1);
    let frames = last - first;
    let speaking = e.speech[first..last].iter().filter(|&&s| s).count().max(1);
    let mean = (speaking as f32 / n_syl as f32).max(MIN_FRAMES as f32);

    // Speech frames before each frame, so a span's speaking length is a difference.
    let mut spoken = vec![0usize; track.frames.len() + 1];
    for i in 0..track.frames.len() {
        spoken[i + 1] = spoken[i] + e.speech[i] as usize;
    }
    // The duration cost depends only on a span's speaking length: tabulated once, it keeps
    // logarithms out of the search's inner loop.
    let cost_of_length: Vec<f32> = (0..=spoken[track.frames.len()])
        .map(|d| {
            let z = (d.max(1) as f32 / mean).ln() / DURATION_SIGMA;
            0.5 * z * z
        })
        .collect();
    let dur_cost = |a: usize, b: usize| cost_of_length[spoken[b] - spoken[a]];
    let pause_end_after = pause_ends(&e.speech[first..last]);
    let across_a_pause = |g: usize, f: usize| pause_end_after[g] < f;
    let hint_at = |k: usize| -> Option<f32> {
        let h = hints?;
        let (prev_end, start) = (h.get(k - 1)?.1, h.get(k)?.0);
        let boundary = if prev_end <= start { (prev_end + start) / 2 } else { start };
        Some(boundary as f32 / hop as f32)
    };

    if n_syl == 1 || frames < n_syl * MIN_FRAMES {
        let step = frames as f32 / n_syl as f32;
        let cuts: Vec<usize> = (0..=n_syl).map(|k| first + (k as f32 * step).round() as usize).collect();
        return spans_from_cuts(&cuts, &e.speech, hop);
    }

    // cost[k][f]: best cost with syllable k starting at frame f (k ≥ 1), boundaries before.
    // A span is searched only up to LONGEST_SPAN_SD of the duration prior (its cost there is
    // 18 nats, beyond anything the boundary evidence can repay): this keeps a 30-s passage
    // linear in its length instead of quadratic. If that leaves no path, search everything.
    let solve = |max_spoken: Option<usize>| -> Option<Vec<usize>> {
        let inf = f32::INFINITY;
        let width = frames + 1;
        let mut cost = vec![vec![inf; width]; n_syl + 1];
        let mut back = vec![vec![0usize; width]; n_syl + 1];
        cost[0][0] = 0.0;
        for k in 1..=n_syl {
            let reward = |f: usize| -> f32 {
                if k == n_syl {
                    return 0.0;
                }
                let mut r = boundary_reward(&e, first + f, expected[k].initial);
                if let Some(h) = hint_at(k) {
                    let z = (first as f32 + f as f32 - h) / HINT_SD_FRAMES;
                    r -= (0.5 * z * z).min(HINT_MAX_PULL);
                }
                r
            };
            let range: Vec<usize> =
                if k == n_syl { vec![frames] } else { (k * MIN_FRAMES..=frames - (n_syl - k) * MIN_FRAMES).collect() };
            for f in range {
                let r = reward(f);
                let mut lo = (k - 1) * MIN_FRAMES;
                if let Some(max) = max_spoken {
                    // The earliest start whose span holds at most `max` speech frames.
                    let end_spoken = spoken[first + f];
                    lo = lo.max(spoken[first..=first + f].partition_point(|&s| s + max < end_spoken));
                }
                for g in lo..=f.saturating_sub(MIN_FRAMES) {
                    let c = cost[k - 1][g];
                    if !c.is_finite() {
                        continue;
                    }
                    let pause = if across_a_pause(g, f) { ACROSS_A_PAUSE_COST } else { 0.0 };
                    let total = c + dur_cost(first + g, first + f) + pause - r;
                    if total < cost[k][f] {
                        cost[k][f] = total;
                        back[k][f] = g;
                    }
                }
            }
        }
        if !cost[n_syl][frames].is_finite() {
            return None;
        }
        let mut cuts = vec![0usize; n_syl + 1];
        cuts[n_syl] = frames;
        for k in (1..=n_syl).rev() {
            cuts[k - 1] = back[k][cuts[k]];
        }
        Some(cuts)
    };
    let longest = (mean * (LONGEST_SPAN_SD * DURATION_SIGMA).exp()).ceil() as usize;
    let cuts = solve(Some(longest)).or_else(|| solve(None)).unwrap_or_else(|| {
        let step = frames as f32 / n_syl as f32;
        (0..=n_syl).map(|k| (k as f32 * step).round() as usize).collect()
    });
    let cuts: Vec<usize> = cuts.into_iter().map(|c| c + first).collect();
    spans_from_cuts(&cuts, &e.speech, hop)
}

/// For each frame `g` (and one past the end), where the first pause that starts after `g`
/// ends; `usize::MAX` when none does. A span from `g` to `f` has speech on both sides of a
/// pause exactly when that end comes before `f`.
fn pause_ends(speech: &[bool]) -> Vec<usize> {
    let mut out = vec![usize::MAX; speech.len() + 1];
    let mut next_end = usize::MAX;
    let mut run_end = None;
    for i in (0..speech.len()).rev() {
        out[i] = next_end;
        if speech[i] {
            run_end = None;
            continue;
        }
        let end = *run_end.get_or_insert(i + 1);
        // A long enough silence starts at i (speech or the clip's start before it).
        if end - i >= PAUSE_FRAMES && (i == 0 || speech[i - 1]) {
            next_end = end;
        }
    }
    out
}

fn spans_from_cuts(cuts: &[usize], speech: &[bool], hop: u32) -> Vec<(u32, u32)> {
    cuts.windows(2)
        .map(|w| {
            let (mut a, mut b) = (w[0], w[1].max(w[0] + 1));
            // Trim silence at the edges, unless the span is all silence.
            while a + 1 < b && !speech.get(a).copied().unwrap_or(true) {
                a += 1;
            }
            while b > a + 1 && !speech.get(b - 1).copied().unwrap_or(true) {
                b -= 1;
            }
            (a as u32 * hop, b as u32 * hop)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pitch::{SAMPLE_RATE, track_pitch};

    fn syllables(s: &str) -> Vec<Syllable> {
        s.split_whitespace().map(|t| Syllable::parse(t).unwrap()).collect()
    }

    /// Voiced bursts with noise bursts (a fricative) and dips between them.
    fn signal(parts: &[(&str, usize, f32)]) -> Vec<f32> {
        let mut x = vec![0.0f32; 4800];
        let mut seed = 7u32;
        for &(kind, ms, f0) in parts {
            let n = ms * SAMPLE_RATE as usize / 1000;
            for i in 0..n {
                let t = i as f32 / SAMPLE_RATE as f32;
                let env = (std::f32::consts::PI * i as f32 / n as f32).sin().powf(0.5);
                let v = match kind {
                    "pause" => 0.0,
                    "voice" => {
                        0.3 * env
                            * ((std::f32::consts::TAU * f0 * t).sin()
                                + 0.4 * (std::f32::consts::TAU * 2.0 * f0 * t).sin())
                    }
                    _ => {
                        seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                        0.05 * env * ((seed >> 9) as f32 / (1u32 << 22) as f32 - 1.0)
                    }
                };
                x.push(v);
            }
        }
        x.extend(std::iter::repeat_n(0.0, 4800));
        x
    }

    #[test]
    fn three_syllables_split_at_the_fricatives() {
        // "sa sa sa" at 300 ms lead-in: s (80 ms) + a (200 ms) each.
        let x = signal(&[
            ("noise", 80, 0.0),
            ("voice", 200, 220.0),
            ("noise", 80, 0.0),
            ("voice", 200, 180.0),
            ("noise", 80, 0.0),
            ("voice", 200, 240.0),
        ]);
        let spans = segment_syllables(&track_pitch(&x), &syllables("sa1 sa1 sa1"), None);
        assert_eq!(spans.len(), 3);
        let expected_starts = [300, 580, 860];
        for (span, want) in spans.iter().zip(expected_starts) {
            assert!((span.0 as i32 - want).abs() <= 30, "{spans:?}");
        }
        assert!((spans[2].1 as i32 - 1140).abs() <= 30, "{spans:?}");
    }

    #[test]
    fn a_long_passage_splits_at_every_fricative() {
        // 60 "sa" syllables (about 17 s), with a 600 ms pause after every tenth.
        let mut parts = Vec::new();
        for k in 0..60 {
            parts.push(("noise", 80, 0.0));
            parts.push(("voice", 200, 180.0 + 4.0 * (k % 10) as f32));
            if k % 10 == 9 {
                parts.push(("pause", 600, 0.0));
            }
        }
        let x = signal(&parts);
        let text = ["sa1"; 60].join(" ");
        let spans = segment_syllables(&track_pitch(&x), &syllables(&text), None);
        assert_eq!(spans.len(), 60);
        let mut start = 300;
        for (k, span) in spans.iter().enumerate() {
            assert!((span.0 as i32 - start).abs() <= 30, "syllable {k}: {span:?}, want {start}");
            start += 280 + if k % 10 == 9 { 600 } else { 0 };
        }
    }

    #[test]
    fn a_text_much_longer_than_the_speech_still_gets_one_span_per_syllable() {
        // Two syllables said, twelve expected: no span can be of plausible length.
        let x = signal(&[("noise", 80, 0.0), ("voice", 400, 200.0), ("noise", 80, 0.0), ("voice", 400, 200.0)]);
        let text = ["sa1"; 12].join(" ");
        let spans = segment_syllables(&track_pitch(&x), &syllables(&text), None);
        assert_eq!(spans.len(), 12);
        assert!(spans.windows(2).all(|w| w[0].1 <= w[1].0 + 10), "{spans:?}");
    }

    #[test]
    fn sonorant_syllables_split_at_energy_dips() {
        // "ma ma": two voiced bursts with a sine envelope, touching at 500 ms.
        let x = signal(&[("voice", 200, 200.0), ("voice", 200, 200.0)]);
        let spans = segment_syllables(&track_pitch(&x), &syllables("ma1 ma1"), None);
        assert!((spans[1].0 as i32 - 500).abs() <= 30, "{spans:?}");
    }

    #[test]
    fn a_list_read_with_pauses_gets_a_syllable_to_each_stretch_of_speech_whatever_the_hints() {
        // 妈、马、妈、马 read as a list: short and long syllables, 600 ms pauses between them.
        // The recogniser's timestamps have drifted: they put each boundary a syllable late.
        let x = signal(&[
            ("voice", 150, 220.0),
            ("pause", 600, 0.0),
            ("voice", 450, 180.0),
            ("pause", 600, 0.0),
            ("voice", 150, 220.0),
            ("pause", 600, 0.0),
            ("voice", 450, 180.0),
        ]);
        let starts = [300, 1050, 2100, 2850];
        let drifted = [(300, 2000), (2000, 2800), (2800, 3250), (3250, 3300)];
        let spans = segment_syllables(&track_pitch(&x), &syllables("ma1 ma3 ma1 ma3"), Some(&drifted));
        for (span, want) in spans.iter().zip(starts) {
            assert!((span.0 as i32 - want).abs() <= 40, "{spans:?}");
        }
    }

    #[test]
    fn recogniser_hints_decide_when_the_audio_cannot() {
        // One long steady vowel said as two syllables: only the hint says where to cut.
        let x = signal(&[("voice", 600, 200.0)]);
        let track = track_pitch(&x);
        let hinted = segment_syllables(&track, &syllables("a1 a1"), Some(&[(300, 700), (700, 900)]));
        assert!((hinted[1].0 as i32 - 700).abs() <= 30, "{hinted:?}");
    }

    #[test]
    fn one_syllable_is_the_whole_speech() {
        let x = signal(&[("voice", 300, 200.0)]);
        let spans = segment_syllables(&track_pitch(&x), &syllables("ma1"), None);
        assert_eq!(spans.len(), 1);
        assert!((spans[0].0 as i32 - 300).abs() <= 30 && (spans[0].1 as i32 - 600).abs() <= 30, "{spans:?}");
    }
}
