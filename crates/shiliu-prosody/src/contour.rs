//! A syllable's pitch cut out of the track, on the drawing scale, for the tone model and the UI.
//!
//! The UI draws the student's points over [`shiliu_pinyin::target_contour`], whose scale is
//! Chao level 3 = 0 st and 2.5 st per level. Student points are mapped to it with
//! [`Reference::normalise`]: semitones from the centre of the speaker's range, rescaled by the
//! speaker's range when a trusted profile knows it. Their time is in ms from the start of the
//! recording, so the UI can place them under the target stretched over the syllable's span.

use crate::features::SyllablePitch;
use crate::pitch::PitchTrack;
use crate::profile::Reference;

/// Frames quieter than this below the syllable's loudest frame are not part of its nucleus.
const NUCLEUS_DB: f32 = 20.0;
/// Above this zero-crossing rate a frame is frication, not a (creaky) vowel.
const FRICATION_ZCR: f32 = 0.25;

fn frame_range(track: &PitchTrack, span: (u32, u32)) -> std::ops::Range<usize> {
    let hop = track.hop_ms.max(1);
    let a = (span.0 / hop) as usize;
    let b = (span.1.div_ceil(hop) as usize).min(track.frames.len());
    a.min(b)..b
}

/// The syllable's frames in `span` (ms), normalised with `reference`.
pub fn syllable_pitch(track: &PitchTrack, span: (u32, u32), reference: &Reference, dur_ratio: f32) -> SyllablePitch {
    let range = frame_range(track, span);
    let frames = &track.frames[range];
    let peak = frames.iter().map(|f| f.rms_db).fold(f32::NEG_INFINITY, f32::max);
    SyllablePitch {
        st: frames.iter().map(|f| f.f0_hz.map(|hz| reference.normalise(hz))).collect(),
        loud: frames.iter().map(|f| f.rms_db > peak - NUCLEUS_DB && f.zcr < FRICATION_ZCR).collect(),
        dur_ratio,
    }
}

/// The voiced points of a span as `[ms, semitones]` on the drawing scale.
pub fn contour_points(track: &PitchTrack, span: (u32, u32), reference: &Reference) -> Vec<[f32; 2]> {
    track.frames[frame_range(track, span)]
        .iter()
        .filter_map(|f| f.f0_hz.map(|hz| [f.t_ms as f32, reference.normalise(hz)]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pitch::PitchFrame;
    use crate::profile::ReferenceSource;

    fn track() -> PitchTrack {
        let frames = (0..50)
            .map(|i| PitchFrame {
                t_ms: i * 10,
                f0_hz: (10..40).contains(&i).then_some(220.0),
                voiced_prob: 1.0,
                raw_hz: None,
                periodicity: 0.9,
                rms_db: if (10..45).contains(&i) { -20.0 } else { -80.0 },
                zcr: 0.05,
            })
            .collect();
        PitchTrack { hop_ms: 10, frames, speech_level_db: -20.0, reverberant: false }
    }

    fn reference_at(hz: f32) -> Reference {
        Reference { centre_st: 12.0 * hz.log2(), scale: 1.0, uncertainty_st: 1.0, source: ReferenceSource::Profile }
    }

    #[test]
    fn points_sit_at_the_speakers_centre_when_pitch_equals_it() {
        let pts = contour_points(&track(), (0, 500), &reference_at(220.0));
        assert_eq!(pts.len(), 30);
        assert_eq!(pts[0][0], 100.0);
        assert!(pts.iter().all(|p| p[1].abs() < 1e-3));
        let higher = contour_points(&track(), (0, 500), &reference_at(110.0));
        assert!((higher[0][1] - 12.0).abs() < 1e-3, "an octave above the centre is +12 st");
    }

    #[test]
    fn loud_unvoiced_frames_are_kept_as_nucleus() {
        let s = syllable_pitch(&track(), (0, 500), &reference_at(220.0), 1.0);
        assert_eq!(s.st.len(), 50);
        assert!(s.loud[42] && s.st[42].is_none());
        assert!(!s.loud[47]);
    }
}
