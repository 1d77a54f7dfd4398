//! Where the voice stops inside the speech: the evidence that a syllable starting with a
//! voiceless consonant was said at all.
//!
//! Between two vowels, an f, s, sh, x, h, an affricate or an aspirated stop always silences the
//! voice for a few tens of milliseconds. A student who says only 咖 for 咖啡 has one unbroken
//! voiced stretch where two syllables were expected, though the recogniser, walked along the
//! text, happily "hears" 啡 in the fading vowel of 咖.

use shiliu_pinyin::Initial;

use crate::pitch::PitchTrack;

/// An unvoiced stretch this long between voiced frames is a consonant (or a pause): shorter
/// ones are the tracker losing a frame or two in a vowel. The shortest fricative between two
/// vowels lasts about 50 ms.
const BREAK_MIN_MS: u32 = 30;
/// A voice that stops this long before the speech ends and does not come back is a break too:
/// the last syllable's consonant came and its vowel was creaky or whispered (a low third tone, a
/// neutral tone), as in 开始 or 认识 said naturally, and 多少 said quickly by a child (130 ms). A
/// syllable said alone mostly fades out in less (its trailing breath): of the native test
/// set's two-syllable words cut in two and said half at a time, 100, 120 or 150 ms here catch
/// the same missing syllables but one.
const VOICELESS_END_MIN_MS: u32 = 120;

/// Whether a syllable with this initial silences the voice after the vowel before it. The
/// unaspirated stops b, d, g are left out: between vowels they are often voiced.
pub fn stops_the_voice(initial: Initial) -> bool {
    use Initial::*;
    matches!(initial, P | T | K | F | H | J | Q | X | Zh | Ch | Sh | Z | C | S)
}

/// The stretches inside `speech` (ms) where the voice stops: unvoiced runs of [`BREAK_MIN_MS`]
/// or more between voiced frames, and a voiceless end of [`VOICELESS_END_MIN_MS`] or more, as
/// (start, end) ms.
pub fn voice_breaks(track: &PitchTrack, speech: (u32, u32)) -> Vec<(u32, u32)> {
    let hop = track.hop_ms.max(1);
    let n = track.frames.len();
    let (first, last) = (((speech.0 / hop) as usize).min(n), ((speech.1 / hop) as usize).min(n));
    let voiced: Vec<usize> = (first..last).filter(|&i| track.frames[i].f0_hz.is_some()).collect();
    let mut breaks: Vec<(u32, u32)> = voiced
        .windows(2)
        .map(|w| ((w[0] as u32 + 1) * hop, w[1] as u32 * hop))
        .filter(|(a, b)| b - a >= BREAK_MIN_MS)
        .collect();
    if let Some(&end_of_voice) = voiced.last() {
        let end_of_voice = (end_of_voice as u32 + 1) * hop;
        if speech.1.saturating_sub(end_of_voice) >= VOICELESS_END_MIN_MS {
            breaks.push((end_of_voice, speech.1));
        }
    }
    breaks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pitch::PitchFrame;

    /// A track of 10 ms frames, voiced where `pattern` has `v`.
    fn track(pattern: &str) -> PitchTrack {
        let frames = pattern
            .chars()
            .enumerate()
            .map(|(i, c)| PitchFrame {
                t_ms: i as u32 * 10,
                f0_hz: (c == 'v').then_some(200.0),
                voiced_prob: if c == 'v' { 1.0 } else { 0.0 },
                raw_hz: None,
                periodicity: 0.5,
                rms_db: -20.0,
                zcr: 0.1,
            })
            .collect();
        PitchTrack { hop_ms: 10, frames, speech_level_db: -20.0, reverberant: false }
    }

    #[test]
    fn a_fricative_between_two_vowels_is_a_break() {
        let t = track("vvvvvvvvvv-----vvvvvvvvvv");
        assert_eq!(voice_breaks(&t, (0, 250)), vec![(100, 150)]);
    }

    #[test]
    fn a_frame_or_two_lost_in_a_vowel_is_not() {
        let t = track("vvvvvvvvvv--vvvvvvvvvvvvv");
        assert!(voice_breaks(&t, (0, 250)).is_empty());
    }

    #[test]
    fn a_voice_that_stops_long_before_the_speech_ends_is_a_break() {
        // 开始 with a whispered 始: the voice stops after 开, the hiss goes on.
        let t = track("vvvvvvvvvv--------------------");
        assert_eq!(voice_breaks(&t, (0, 300)), vec![(100, 300)]);
        // A lone syllable's breathy tail is not.
        assert!(voice_breaks(&t, (0, 200)).is_empty());
    }

    #[test]
    fn only_the_speech_is_looked_at() {
        let t = track("vvvv------vvvvvvvvvvvvvv-----vvvv");
        assert!(voice_breaks(&t, (100, 240)).is_empty());
    }

    #[test]
    fn unaspirated_stops_and_sonorants_need_not_stop_the_voice() {
        for i in [Initial::B, Initial::D, Initial::G, Initial::M, Initial::L, Initial::Zero] {
            assert!(!stops_the_voice(i), "{i:?}");
        }
        for i in [Initial::F, Initial::Sh, Initial::K, Initial::Z] {
            assert!(stops_the_voice(i), "{i:?}");
        }
    }
}
