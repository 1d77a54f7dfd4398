//! Octave slips: a pitch read at twice its true value.
//!
//! Through a microphone that cuts everything below ~300 Hz (a telephone-grade headset,
//! Bluetooth hands-free) a low voice keeps only its harmonics, and when its even ones are the
//! strong ones, half its period looks almost like a period. YIN takes the first deep-enough dip
//! and reads the pitch an octave high. Three checks undo that: a frame whose dip at twice the
//! lag is far deeper drops the half-period candidate; a stretch the decoded path lifted an
//! octave above its neighbour is folded back when most of its frames point to the longer
//! period; and such a stretch without that evidence is left out when it is the shorter side.

use std::collections::BTreeSet;

use crate::pitch::{Candidate, FrameAnalysis, SAMPLE_RATE};

/// A dip is taken for half a period only when it is at least this shallow (below it, both
/// dips are too close to zero for their ratio to mean anything) ...
const HALF_PERIOD_MIN_DEPTH: f32 = 0.04;
/// ... and the dip at twice its lag is less than this share of its depth.
const HALF_PERIOD_RATIO: f32 = 0.4;
/// A jump of at least this many semitones between neighbouring voiced frames is an octave slip
/// (voices glide at most a few semitones in 10 ms) ...
const OCTAVE_SLIP_MIN_ST: f32 = 9.0;
/// ... within one stretch of voice: unvoiced gaps up to this many frames.
const OCTAVE_SLIP_MAX_GAP: usize = 4;

/// Whether a dip at lag `other` sits at twice the lag `tau` (within 4 %).
fn at_twice_the_lag(tau: f32, other: f32) -> bool {
    (other - 2.0 * tau).abs() <= 0.04 * other
}

/// The pitch of a dip at twice the lag `tau` that is deeper than its `value`, if any.
pub(crate) fn deeper_double(tau: f32, value: f32, dips: &[(f32, f32)]) -> Option<f32> {
    dips.iter()
        .find(|&&(other, v)| at_twice_the_lag(tau, other) && v < value)
        .map(|&(other, _)| SAMPLE_RATE as f32 / other)
}

/// Whether the dip at lag `tau` is half the true period: the dip at twice the lag is much
/// deeper. Without its fundamental (a band-limited headset or telephone-grade microphone cuts
/// everything below ~300 Hz) a low voice's even harmonics line up at half its period, and
/// YIN, which takes the first deep-enough dip, reads the pitch an octave high. With the
/// fundamental present the half-period dip is shallow (0.5 and up) and the two dips of a truly
/// periodic voice are about equally deep, so this never moves a correct pitch.
pub(crate) fn is_half_period(tau: f32, value: f32, dips: &[(f32, f32)]) -> bool {
    value >= HALF_PERIOD_MIN_DEPTH
        && dips.iter().any(|&(other, v)| at_twice_the_lag(tau, other) && v < HALF_PERIOD_RATIO * value)
}

/// The pitch of each frame on the decoded path, with octave slips folded back. Where the path
/// jumps by about an octave inside one stretch of voice and the stretch on the high side has,
/// in most frames, a deeper dip at twice its lag, that stretch was half-periods (a voice
/// without its fundamental whose even harmonics line up): it is moved down to the period.
pub(crate) fn fold_octave_slips(frames: &[FrameAnalysis], path: &[Option<usize>]) -> Vec<Option<f32>> {
    let chosen: Vec<(usize, &Candidate)> =
        path.iter().enumerate().filter_map(|(i, state)| state.map(|k| (i, &frames[i].candidates[k]))).collect();
    let mut f0: Vec<Option<f32>> = vec![None; path.len()];
    for &(i, c) in &chosen {
        f0[i] = Some(c.hz);
    }
    // Stretches of steady pitch: split where the path jumps by an octave or where voicing
    // stops for more than a few frames.
    let mut stretches: Vec<Vec<(usize, &Candidate)>> = Vec::new();
    // Stretches that sit an octave above a neighbouring one, with that neighbour.
    let mut high_sides: BTreeSet<(usize, usize)> = BTreeSet::new();
    for (n, &(i, c)) in chosen.iter().enumerate() {
        let step = n.checked_sub(1).map(|m| (i - chosen[m].0, c.st - chosen[m].1.st));
        match step {
            Some((gap, _)) if gap > OCTAVE_SLIP_MAX_GAP => stretches.push(vec![(i, c)]),
            Some((_, st)) if st.abs() >= OCTAVE_SLIP_MIN_ST => {
                let (before, after) = (stretches.len() - 1, stretches.len());
                high_sides.insert(if st < 0.0 { (before, after) } else { (after, before) });
                stretches.push(vec![(i, c)]);
            }
            Some(_) => stretches.last_mut().expect("a stretch is open").push((i, c)),
            None => stretches.push(vec![(i, c)]),
        }
    }
    for (stretch, low_side) in high_sides.into_iter().map(|(high, low)| (&stretches[high], &stretches[low])) {
        let halves = stretch.iter().filter(|(_, c)| c.deeper_below_hz.is_some()).count();
        // In at least 3 frames of 5: a frame or two of any voice can look that way.
        if halves * 5 >= stretch.len() * 3 {
            for &(i, c) in stretch {
                f0[i] = Some(c.deeper_below_hz.unwrap_or(c.hz / 2.0));
            }
        } else if stretch.len() < low_side.len() {
            // Without that evidence the shorter side is still the slip: a voice does not leap
            // an octave up for a moment. Band-limited, the creaky end of a low fall is read an
            // octave high (a falling 是 ended in a rise, heard as a second tone); its true
            // period is uncertain, so the stretch is left out rather than guessed.
            for &(i, _) in stretch {
                f0[i] = None;
            }
        }
    }
    f0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pitch::hz_to_st;

    fn frame(hz: f32, deeper_below_hz: Option<f32>) -> FrameAnalysis {
        let candidates = vec![Candidate { st: hz_to_st(hz), hz, prob: 0.9, deeper_below_hz }];
        FrameAnalysis { candidates, deepest_hz: Some(hz), periodicity: 0.9, rms_db: -20.0, zcr: 0.05 }
    }

    #[test]
    fn a_stretch_an_octave_high_with_deeper_dips_at_twice_its_lag_is_folded_down() {
        // 150 Hz, then the path slips to 300 Hz where the true period's dip is the deeper one.
        let mut frames: Vec<FrameAnalysis> = (0..6).map(|_| frame(150.0, None)).collect();
        frames.extend((0..6).map(|k| frame(300.0, (k != 2).then_some(150.0))));
        let path = vec![Some(0); frames.len()];
        let f0 = fold_octave_slips(&frames, &path);
        assert!(f0[6..].iter().all(|f| (f.unwrap() - 150.0).abs() < 1.0), "{f0:?}");
        // A leap with no such evidence between equally long stretches is left as measured.
        let mut plain: Vec<FrameAnalysis> = (0..6).map(|_| frame(150.0, None)).collect();
        plain.extend((0..6).map(|_| frame(300.0, None)));
        let f0 = fold_octave_slips(&plain, &path);
        assert!(f0[6..].iter().all(|f| *f == Some(300.0)), "{f0:?}");
    }

    #[test]
    fn a_short_stretch_an_octave_above_a_longer_one_is_left_out_without_evidence() {
        // A fall from 220 to 150 Hz whose last frames, after a two-frame gap, read twice as high.
        let mut frames: Vec<FrameAnalysis> = (0..12).map(|k| frame(220.0 - 6.0 * k as f32, None)).collect();
        frames.extend((0..2).map(|_| frame(150.0, None)));
        frames.extend((0..5).map(|k| frame(290.0 - 5.0 * k as f32, None)));
        let mut path = vec![Some(0); frames.len()];
        path[12] = None;
        path[13] = None;
        let f0 = fold_octave_slips(&frames, &path);
        assert!(f0[..12].iter().all(Option::is_some), "{f0:?}");
        assert!(f0[14..].iter().all(Option::is_none), "{f0:?}");
        // The same short stretch an octave below is a voice breaking into creak: kept.
        let mut creak: Vec<FrameAnalysis> = (0..12).map(|k| frame(220.0 - 6.0 * k as f32, None)).collect();
        creak.extend((0..5).map(|_| frame(75.0, None)));
        let f0 = fold_octave_slips(&creak, &vec![Some(0); creak.len()]);
        assert!(f0.iter().all(Option::is_some), "{f0:?}");
    }
}
