//! A student who starts again. Children often say a line twice, or break off and begin anew
//! ("这是我……这是我的老师"); the attempt that counts is the last one. Scored as one reading,
//! the syllables would be spread over all the attempts and their pitch drawn in the wrong
//! places.
//!
//! The audio must have a long pause where a new attempt could start. Where the free transcript
//! ends with the whole target and has more before it, the pause must split the speech in
//! about the same proportion; the recogniser alone is not enough, as it loops on single words
//! (老师老师 for one 老师), but a loop has no pause to cut at. The last attempt is then scored
//! on its own, and kept only if it scores better than the whole recording did: a slow reader's
//! pause inside the line would leave syllables out, and score worse.

use std::time::Instant;

use shiliu_audio::SAMPLE_RATE;

use shiliu_prosody::ProsodyAnalysis;

use crate::expected::Expected;
use crate::result::ScoreResult;

/// Passes after the first: a line said four times is cut down to its last in three.
pub(super) const MAX_RESTARTS: usize = 3;
/// Shortest silence between two attempts: longer than the pauses inside a fluent reading of
/// one line (a comma's pause runs 250–400 ms).
const MIN_GAP_MS: u32 = 400;
/// A word has no commas: any pause in it (250 ms, [`shiliu_prosody::PAUSE_MS`]) may be where a
/// child started again (妈妈 said twice 300 ms apart was scored as one attempt, its first 妈
/// heard falling). A word read syllable by syllable is still one attempt: its last part alone
/// scores worse.
const MAX_WORD_SYLLABLES: usize = 4;
/// How far the speech after the cut may stray from the transcript's share of it (a factor).
const SHARE_TOLERANCE: f32 = 1.6;
/// Without the transcript's word, only short targets (words, short lines) are looked at: those
/// are what students say again, and a longer text's pauses for breath would cost a second pass
/// on most readings (4 of the 24 native read sentences).
const MAX_SYLLABLES_BY_PAUSE_ALONE: usize = 10;
/// Without the transcript's word: the last attempt must have time for each syllable at a
/// brisk pace, and be at least this share of all the speech.
const MIN_SYLLABLE_MS: u32 = 150;
const MIN_LAST_SHARE: f32 = 0.35;
/// Audio kept before the last attempt's first sound: its onset's faint start.
const LEAD_MS: u32 = 100;

/// Where (ms into the scored audio) a last attempt may start, if passes are left, from the
/// speech and pauses the prosody analysis found there.
pub(super) fn last_attempt_at(
    expected: &Expected,
    transcript: &str,
    prosody: &ProsodyAnalysis,
    passes_left: usize,
) -> Option<u32> {
    if passes_left == 0 {
        return None;
    }
    let share = share_of_last_attempt(&expected.chars, transcript);
    last_attempt_start(share, expected.syllables.len(), &speech_stretches(prosody.speech_span, &prosody.pauses))
}

/// The last attempt's result if it scored better than the whole recording's (and was a
/// reading of the target at all); either way timed from the first pass's start.
pub(super) fn better(whole: ScoreResult, last: ScoreResult, started: Instant) -> ScoreResult {
    let better = if last.overall > whole.overall && !last.quality.contains(&shiliu_audio::QualityFlag::WrongText) {
        last
    } else {
        whole
    };
    ScoreResult { elapsed_ms: started.elapsed().as_secs_f32() * 1000.0, ..better }
}

/// When the free transcript ends with the whole target and has at least half as much again
/// before it, the last attempt's share of what was said (by characters); else `None`.
/// `target` is the expected characters, `transcript` the normalised free transcript.
pub(super) fn share_of_last_attempt(target: &[char], transcript: &str) -> Option<f32> {
    let heard = crate::wrong_text::hanzi_in(transcript);
    let n = target.len();
    // A lone syllable's transcript is too unreliable to say it was repeated.
    if n < 2 || heard.len() < n + n.div_ceil(2) || !heard.ends_with(target) {
        return None;
    }
    Some(n as f32 / heard.len() as f32)
}

/// Where (ms) the last attempt starts. `speech` is the stretches of speech between pauses, in
/// ms; only pauses of at least [`MIN_GAP_MS`] can separate attempts at a line, any pause
/// attempts at a word.
///
/// With the transcript's `share` of the last attempt: the pause that leaves closest to that
/// share of the speaking time after it, if one comes close enough. Without it, or when no
/// pause fits it (the recogniser often writes a line said twice only once, or loops): the last
/// pause after which there is still time for every one of the `syllables` and a good part of
/// all that was said. Either is only a candidate: the caller keeps the last attempt's score
/// only if it is the better one.
pub(super) fn last_attempt_start(share: Option<f32>, syllables: usize, speech: &[(u32, u32)]) -> Option<u32> {
    let total: u32 = speech.iter().map(|(a, b)| b - a).sum();
    let after = |k: usize| speech[k..].iter().map(|(a, b)| b - a).sum::<u32>() as f32 / total.max(1) as f32;
    let min_gap = if syllables <= MAX_WORD_SYLLABLES { shiliu_prosody::PAUSE_MS } else { MIN_GAP_MS };
    let gaps = (1..speech.len()).filter(|&k| speech[k].0 - speech[k - 1].1 >= min_gap);
    let by_share = share.and_then(|share| {
        gaps.clone()
            .map(|k| (k, (after(k) / share).ln().abs()))
            .filter(|&(_, misfit)| misfit <= SHARE_TOLERANCE.ln())
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(k, _)| k)
    });
    let by_pause_alone = || {
        (syllables <= MAX_SYLLABLES_BY_PAUSE_ALONE)
            .then(|| {
                gaps.clone().rev().find(|&k| {
                    let after_ms: u32 = speech[k..].iter().map(|(a, b)| b - a).sum();
                    after_ms >= syllables as u32 * MIN_SYLLABLE_MS && after(k) >= MIN_LAST_SHARE
                })
            })
            .flatten()
    };
    let k = by_share.or_else(by_pause_alone)?;
    Some(speech[k].0.saturating_sub(LEAD_MS))
}

/// The stretches of speech between the pauses inside `span` (all ms).
fn speech_stretches((start, end): (u32, u32), pauses: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let mut out = Vec::with_capacity(pauses.len() + 1);
    let mut from = start;
    for &(a, b) in pauses {
        out.push((from, a));
        from = b;
    }
    out.push((from, end));
    out
}

/// A copy of `samples` silenced before `ms`, so the last attempt is scored where it was said
/// and its times still count from the start of the recording.
pub(super) fn silenced_before(samples: &[f32], ms: u32) -> Vec<f32> {
    let cut = (ms as usize * SAMPLE_RATE as usize / 1000).min(samples.len());
    let mut out = samples.to_vec();
    out[..cut].iter_mut().for_each(|s| *s = 0.0);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    fn start(target: &str, transcript: &str, speech: &[(u32, u32)]) -> Option<u32> {
        last_attempt_start(share_of_last_attempt(&chars(target), transcript), target.chars().count(), speech)
    }

    #[test]
    fn a_line_said_twice_with_a_gap_is_scored_from_its_second_start() {
        let speech = [(300, 1500), (2200, 3400)];
        assert_eq!(start("这是我的老师", "这是我的老师这是我的老师", &speech), Some(2100));
    }

    #[test]
    fn a_broken_off_start_counts_for_its_share_of_the_speech() {
        // 这是我 … 这是我的老师: the first half is a third of the speech.
        let speech = [(300, 900), (1500, 2700)];
        assert_eq!(start("这是我的老师", "这是我这是我的老师", &speech), Some(1400));
    }

    #[test]
    fn a_recogniser_loop_without_a_pause_is_one_attempt() {
        assert_eq!(share_of_last_attempt(&chars("老师"), "老师老师"), Some(0.5));
        assert_eq!(start("老师", "老师老师", &[(300, 900)]), None);
        assert_eq!(start("老师", "老师", &[(300, 900)]), None);
    }

    #[test]
    fn a_pause_inside_the_line_is_no_restart() {
        // The loop says the line was said twice, but the only pause leaves a sixth after it.
        let speech = [(300, 2300), (2700, 3100)];
        assert_eq!(start("我想喝一杯水", "我想喝一杯水", &speech), None);
        assert_eq!(start("我想喝一杯水", "我想喝一杯水我想喝一杯水", &speech), None);
    }

    #[test]
    fn a_line_written_once_but_said_twice_is_found_by_its_pause() {
        let speech = [(300, 1500), (2200, 3400)];
        assert_eq!(start("这是我的老师", "这是我的老师", &speech), Some(2100));
        // Four times: the last pause leaves only a quarter, so the cut comes a pause earlier
        // (and the caller looks again in what is left).
        let four = [(300, 1500), (2000, 3200), (3700, 4900), (5400, 6600)];
        assert_eq!(start("这是我的老师", "这是我的老师", &four), Some(3600));
    }

    #[test]
    fn a_transcript_that_looped_on_the_last_attempt_still_finds_its_pause() {
        // 公司 … 老师, heard as 公司老师老师: the share by characters fits no pause.
        assert_eq!(start("老师", "公司老师老师", &[(0, 400), (1000, 1600)]), Some(900));
    }

    #[test]
    fn a_long_text_read_with_a_pause_for_breath_is_one_attempt() {
        let text = "一二线城市虽然也处于调整中但因为聚集效应";
        let speech = [(300, 3000), (3500, 6000)];
        assert_eq!(start(text, text, &speech), None);
    }

    #[test]
    fn a_pause_before_the_last_syllables_is_no_restart() {
        // 这是我的……老师: two syllables cannot be all six again.
        let speech = [(300, 1200), (1800, 2300)];
        assert_eq!(start("这是我的老师", "这是我的老师", &speech), None);
    }

    #[test]
    fn a_short_gap_is_not_a_new_start() {
        let speech = [(300, 1500), (1800, 3000)];
        assert_eq!(start("这是我的老师", "这是我的老师这是我的老师", &speech), None);
    }

    #[test]
    fn a_word_said_twice_a_short_pause_apart_is_scored_from_its_second_start() {
        // 妈妈 … 妈妈, 300 ms apart: a word has no commas to pause at.
        let speech = [(300, 870), (1170, 1740)];
        assert_eq!(start("妈妈", "妈妈", &speech), Some(1070));
        // The same gap in a line is its phrasing.
        let speech = [(300, 1500), (1800, 3000)];
        assert_eq!(start("这是我的老师", "这是我的老师", &speech), None);
    }

    #[test]
    fn more_after_the_target_or_too_little_before_it_is_no_restart() {
        for (target, transcript) in
            [("这是我的老师", "这是我的老师这是我的老师好"), ("这是我的老师", "啊这是我的老师"), ("妈", "妈妈妈")]
        {
            assert_eq!(share_of_last_attempt(&chars(target), transcript), None, "{transcript}");
        }
    }

    #[test]
    fn the_stretches_of_speech_lie_between_the_pauses() {
        assert_eq!(speech_stretches((300, 3400), &[(1500, 2200)]), vec![(300, 1500), (2200, 3400)]);
        assert_eq!(speech_stretches((300, 900), &[]), vec![(300, 900)]);
    }

    #[test]
    fn silencing_keeps_the_length_and_the_rest() {
        let x = vec![0.5f32; 32_000];
        let y = silenced_before(&x, 1000);
        assert_eq!(y.len(), x.len());
        assert!(y[..16_000].iter().all(|&s| s == 0.0) && y[16_000..].iter().all(|&s| s == 0.5));
    }
}
