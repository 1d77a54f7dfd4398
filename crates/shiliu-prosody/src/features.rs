//! A handful of numbers that describe one syllable's pitch movement, for the tone model.
//!
//! The same extractor runs on real syllables (from the pitch track) and on the synthetic
//! contours the model is fitted on, so the two can only differ in the contours themselves.
//! Pitch is in drawing-scale semitones (see [`crate::profile`]); time runs from the first
//! voiced frame to the end of the syllable's loud part, so a creaky ending that drops out of
//! the track shows up as a `tail` rather than squeezing the contour.

/// One syllable, frame by frame (10 ms), as the tone model sees it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SyllablePitch {
    /// Pitch on the drawing scale (see [`crate::Reference`]), `None` where unvoiced.
    pub st: Vec<Option<f32>>,
    /// Loud enough to be part of the syllable's nucleus (voiced or creaky), not a fricative.
    pub loud: Vec<bool>,
    /// Duration relative to the utterance's median syllable (1 for an isolated syllable).
    pub dur_ratio: f32,
}

/// Number of features: level, start, end, low (heights); early and late slope, positions of
/// the minimum and maximum, fall after the maximum, creaky tail share (shape); duration ratio
/// and log2 of the tone-bearing span relative to a citation syllable (timing).
pub(crate) const DIM: usize = 12;
/// The first four features are heights; an error in the speaker reference shifts them together.
pub(crate) const REGISTER_DIMS: usize = 4;
/// Citation syllables last about this long from voicing onset to the end of the nucleus; the
/// `log2_span` feature is relative to it (a fourth tone is short, a third tone long).
const TYPICAL_SPAN_MS: f32 = 250.0;

/// The cleaned contour points `(t, st)` used for features and drawing, `t` in 0–1 over the
/// syllable's tone-bearing span, plus the tail share.
pub(crate) struct Points {
    pub points: Vec<(f32, f32)>,
    pub tail: f32,
    /// Frames from the first voiced frame to the end of the loud nucleus.
    pub span_frames: usize,
}

/// A drop of this much between voiced frames at most CREAK_GAP_FRAMES apart is no pitch
/// movement (the fastest falls move about 0.5 st in 10 ms): the tracker has jumped to a
/// subharmonic, as it does in creaky voice, often after a few frames it could not track.
const SUBHARMONIC_DROP_ST: f32 = 9.0;
const CREAK_GAP_FRAMES: usize = 12;

/// How many of the `voiced` frames come before a creaky ending that the tracker followed an
/// octave down. Creak is how a low third tone often ends; tracked as pitch it would read as
/// a fall of 15–20 semitones, the steepest fourth tone there is. Cut off, it counts as the
/// creaky tail it is. Only an ending that stays down is cut: a stray low frame is not creak.
fn before_creak_subharmonic(s: &SyllablePitch, voiced: &[usize]) -> usize {
    let st = |k: usize| s.st[voiced[k]].unwrap_or(0.0);
    for k in 1..voiced.len() {
        let adjacent = voiced[k] - voiced[k - 1] <= CREAK_GAP_FRAMES;
        let dropped = st(k) - st(k - 1) <= -SUBHARMONIC_DROP_ST;
        let stays_down = (k..voiced.len()).all(|j| st(j) <= st(k - 1) - SUBHARMONIC_DROP_ST / 1.5);
        if adjacent && dropped && stays_down {
            return k;
        }
    }
    voiced.len()
}

/// `voiced_onset`: the syllable starts with a sonorant (m n l r, or a vowel or glide), whose
/// first voiced frames belong to the consonant and usually rise into the tone.
/// `connected`: in connected speech the previous syllable's pitch carries over into this one's
/// start, so more of the start is discounted.
pub(crate) fn points(s: &SyllablePitch, voiced_onset: bool, connected: bool) -> Option<Points> {
    let mut voiced: Vec<usize> = (0..s.st.len()).filter(|&i| s.st[i].is_some()).collect();
    voiced.truncate(before_creak_subharmonic(s, &voiced));
    // Voice fading out more than the nucleus's 20 dB below the syllable's peak is not the
    // tone's end: its pitch wavers as the folds stop, or is the room's echo of the start.
    // (Cut off: 2 more of 66 synthetic lone tones heard right; in sentences a few syllables
    // moved between ok and defect, one fewer native one flagged in all.)
    while voiced.len() > 3 && voiced.last().is_some_and(|&i| !s.loud[i]) {
        voiced.pop();
    }
    let (&first, &last) = (voiced.first()?, voiced.last()?);
    if voiced.len() < 3 {
        return None;
    }
    // The loud stretch after the last voiced frame is creak or a fading, unpitched ending.
    let mut end = last;
    while end + 1 < s.loud.len() && s.loud[end + 1] {
        end += 1;
    }
    let span = (end - first + 1) as f32;
    let tail = (end - last) as f32 / span;

    // Skip the onset's first frames: the sonorant or the release of a stop perturbs F0 for a
    // few tens of ms before the vowel carries the tone.
    let voiced_len = (last - first + 1) as f32;
    let skip = if voiced_onset {
        (0.25 * voiced_len).round().clamp(3.0, 12.0) as usize
    } else if connected {
        (0.2 * voiced_len).round().clamp(1.0, 6.0) as usize
    } else {
        (0.08 * voiced_len).round().clamp(1.0, 4.0) as usize
    };
    let start = first + skip;
    let raw: Vec<(usize, f32)> = (start..=last).filter_map(|i| s.st[i].map(|v| (i, v))).collect();
    if raw.len() < 3 {
        return None;
    }
    // Median of five, then drop any point far from it (a stray octave or creak subharmonic).
    let med: Vec<f32> = (0..raw.len())
        .map(|k| {
            let lo = k.saturating_sub(2);
            let hi = (k + 3).min(raw.len());
            let mut w: Vec<f32> = raw[lo..hi].iter().map(|p| p.1).collect();
            w.sort_by(f32::total_cmp);
            w[w.len() / 2]
        })
        .collect();
    let kept: Vec<(usize, f32)> =
        raw.iter().zip(&med).filter(|(p, m)| (p.1 - **m).abs() < 5.0).map(|(p, _)| *p).collect();
    if kept.len() < 3 {
        return None;
    }
    let denom = (end - start).max(1) as f32;
    // A three-point moving average takes out frame jitter.
    let points = (0..kept.len())
        .map(|k| {
            let lo = k.saturating_sub(1);
            let hi = (k + 2).min(kept.len());
            let mean = kept[lo..hi].iter().map(|p| p.1).sum::<f32>() / (hi - lo) as f32;
            ((kept[k].0 - start) as f32 / denom, mean)
        })
        .collect();
    Some(Points { points, tail, span_frames: end - first + 1 })
}

/// Least-squares slope of `st` over `t`, or 0 with fewer than two distinct times.
fn slope(points: &[(f32, f32)]) -> f32 {
    let n = points.len() as f32;
    if points.len() < 2 {
        return 0.0;
    }
    let mt = points.iter().map(|p| p.0).sum::<f32>() / n;
    let my = points.iter().map(|p| p.1).sum::<f32>() / n;
    let sxx: f32 = points.iter().map(|p| (p.0 - mt).powi(2)).sum();
    let sxy: f32 = points.iter().map(|p| (p.0 - mt) * (p.1 - my)).sum();
    if sxx < 1e-6 { 0.0 } else { sxy / sxx }
}

fn mean_of(points: &[(f32, f32)]) -> f32 {
    points.iter().map(|p| p.1).sum::<f32>() / points.len().max(1) as f32
}

/// The feature vector of one syllable, or `None` when it has too little voicing to judge.
pub(crate) fn features(s: &SyllablePitch, voiced_onset: bool, connected: bool) -> Option<[f32; DIM]> {
    let Points { points, tail, span_frames } = points(s, voiced_onset, connected)?;
    let t_end = points.last()?.0.max(1e-3);
    let first_fifth: Vec<_> = points.iter().copied().filter(|p| p.0 <= 0.2 * t_end).collect();
    let last_fifth: Vec<_> = points.iter().copied().filter(|p| p.0 >= 0.8 * t_end).collect();
    let early: Vec<_> = points.iter().copied().filter(|p| p.0 <= 0.5 * t_end).collect();
    let late: Vec<_> = points.iter().copied().filter(|p| p.0 >= 0.5 * t_end).collect();
    let (_, &(t_min, low)) = points.iter().enumerate().min_by(|a, b| a.1.1.total_cmp(&b.1.1))?;
    let (_, &(t_max, high)) = points.iter().enumerate().max_by(|a, b| a.1.1.total_cmp(&b.1.1))?;
    let end = mean_of(&last_fifth);
    Some([
        mean_of(&points),
        mean_of(&first_fifth),
        end,
        low,
        slope(&early),
        slope(&late),
        t_min,
        t_max,
        high - end,
        tail,
        s.dur_ratio,
        (span_frames as f32 * 10.0 / TYPICAL_SPAN_MS).log2(),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(st: &[Option<f32>], loud_extra: usize) -> SyllablePitch {
        let mut st = st.to_vec();
        let mut loud = vec![true; st.len()];
        st.extend(std::iter::repeat_n(None, loud_extra));
        loud.extend(std::iter::repeat_n(true, loud_extra));
        st.push(None);
        loud.push(false);
        SyllablePitch { st, loud, dur_ratio: 1.0 }
    }

    #[test]
    fn a_fall_has_negative_slopes_and_its_maximum_first() {
        let st: Vec<Option<f32>> = (0..30).map(|i| Some(5.0 - i as f32 / 3.0)).collect();
        let f = features(&frames(&st, 0), false, false).unwrap();
        assert!(f[4] < -5.0 && f[5] < -5.0, "{f:?}");
        assert!(f[7] < 0.1 && f[6] > 0.9, "{f:?}");
        assert!(f[1] > f[2]);
        assert_eq!(f[9], 0.0);
    }

    #[test]
    fn a_faint_voiced_ending_is_not_the_tones_end() {
        // A level tone whose last frames, 20 dB down, waver down as the voice dies.
        let mut st: Vec<Option<f32>> = (0..20).map(|_| Some(2.0)).collect();
        st.extend((0..6).map(|i| Some(1.0 - 1.5 * i as f32)));
        let mut s = frames(&st, 0);
        s.loud[20..26].iter_mut().for_each(|l| *l = false);
        let f = features(&s, false, false).unwrap();
        assert!(f[2] > 1.5 && f[3] > 1.5, "end and low are the level tone's: {f:?}");
        // The same frames heard loud are the tone's end.
        let f = features(&frames(&st, 0), false, false).unwrap();
        assert!(f[2] < 0.0, "{f:?}");
    }

    #[test]
    fn a_loud_unvoiced_ending_is_measured_as_tail() {
        let st: Vec<Option<f32>> = (0..20).map(|_| Some(-3.0)).collect();
        let f = features(&frames(&st, 10), false, false).unwrap();
        assert!((f[9] - 10.0 / 30.0).abs() < 0.01, "{f:?}");
    }

    #[test]
    fn a_stray_octave_frame_does_not_become_the_minimum() {
        let mut st: Vec<Option<f32>> = (0..30).map(|_| Some(4.0)).collect();
        st[15] = Some(-8.0);
        let f = features(&frames(&st, 0), false, false).unwrap();
        assert!(f[3] > 3.0, "{f:?}");
    }

    #[test]
    fn a_creaky_ending_tracked_an_octave_down_is_a_tail_not_a_fall() {
        // 马 said alone: low and falling, then creak the tracker followed at half the pitch.
        let mut st: Vec<Option<f32>> = (0..24).map(|i| Some(1.0 - i as f32 * 0.3)).collect();
        st.extend((0..7).map(|_| None));
        st.extend((0..10).map(|_| Some(-18.5)));
        let f = features(&frames(&st, 0), false, false).unwrap();
        assert!(f[3] > -8.0, "the low point is the voice's, not the subharmonic's: {f:?}");
        assert!((f[9] - 17.0 / 41.0).abs() < 0.01, "the creak is the tail: {f:?}");
    }

    #[test]
    fn a_fall_that_comes_back_up_is_not_cut_as_creak() {
        let mut st: Vec<Option<f32>> = (0..20).map(|_| Some(2.0)).collect();
        st.extend((0..3).map(|_| Some(-9.0)));
        st.extend((0..10).map(|_| Some(1.5)));
        let f = features(&frames(&st, 0), false, false).unwrap();
        assert_eq!(f[9], 0.0, "{f:?}");
    }

    #[test]
    fn two_voiced_frames_are_not_enough() {
        let f = features(&frames(&[Some(1.0), Some(1.0)], 0), false, false);
        assert!(f.is_none());
    }
}
