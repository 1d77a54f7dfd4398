//! From syllable judgements to the numbers a student and teacher see: accuracy, tone,
//! completeness, fluency and overall scores, a PSC band estimate, and one tip.

use shiliu_pinyin::{Contrast, Tone};

use crate::expected::{ExpectedSyllable, Task};
use crate::result::{ProblemKind, PscEstimate, SyllableResult, Tip, Verdict};

/// Scores 0–100 for one attempt.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scores {
    pub overall: f32,
    pub accuracy: f32,
    pub tone: f32,
    pub completeness: f32,
    pub fluency: f32,
}

pub struct Judged<'a> {
    pub expected: &'a ExpectedSyllable,
    pub result: &'a SyllableResult,
    pub segment_score: f32,
    /// `None` when the tone could not be measured: it then does not count either way.
    pub tone_score: Option<f32>,
}

fn mean(xs: impl Iterator<Item = f32>) -> Option<f32> {
    let (sum, n) = xs.fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
    (n > 0).then(|| sum / n as f32)
}

/// What a syllable adds to the accuracy score: its segment score, except that a syllable whose
/// initial or final was judged an error counts as lost, as in the PSC (读错: the whole syllable
/// is deducted); otherwise one character read as another in a two-character word still left
/// the word a "good" 86.
fn accuracy_points(j: &Judged) -> f32 {
    let segments_wrong = !(j.result.initial_ok && j.result.final_ok);
    if j.result.verdict == Verdict::Error && segments_wrong { 0.0 } else { j.segment_score }
}

/// What a syllable adds to the tone score: none when it was surely read as another syllable
/// altogether (its pitch is that syllable's tone, not an attempt at the target's); nothing
/// either way when the pitch could not be measured.
fn tone_points(j: &Judged) -> Option<f32> {
    let misread = j.result.problem.as_ref().is_some_and(|p| p.kind == ProblemKind::Misread);
    if misread && j.result.verdict == Verdict::Error { Some(0.0) } else { j.tone_score }
}

/// A pause longer than this is hesitation wherever it falls: readers pause at phrase ends for
/// 0.3–0.8 s.
const HESITATION_MS: u32 = 1_000;
/// Fluency lost per second of a pause beyond [`HESITATION_MS`], up to three seconds' worth.
const POINTS_PER_HESITANT_SECOND: f32 = 10.0;

/// Fluency from the speaking rate and the pauses (their lengths in ms). Single syllables and
/// short words are not judged on rate; a reader is expected at 2–6 syllables a second without
/// long pauses. The text's own punctuation (`phrase_breaks` of it: 一、二、三 has two) asks
/// for a pause each.
pub fn fluency_score(
    task: Task,
    syllables_per_second: f32,
    pauses_ms: &[u32],
    syllables: usize,
    phrase_breaks: usize,
) -> f32 {
    let rate = match task {
        Task::Syllable | Task::Word => 100.0,
        Task::Reading if syllables_per_second <= 0.0 => 0.0,
        Task::Reading if syllables_per_second < 2.0 => 100.0 * (syllables_per_second / 2.0).powf(0.7),
        Task::Reading if syllables_per_second > 7.0 => 90.0,
        Task::Reading => 100.0,
    };
    // One pause per eight syllables, or at each punctuation mark, is phrasing; more is
    // hesitation, and so is a long one.
    let allowed = (syllables / 8).max(phrase_breaks);
    let extra_pauses = pauses_ms.len().saturating_sub(allowed);
    let hesitant_seconds: f32 =
        pauses_ms.iter().map(|&ms| (ms.saturating_sub(HESITATION_MS) as f32 / 1000.0).min(3.0)).sum();
    (rate - 10.0 * extra_pauses as f32 - POINTS_PER_HESITANT_SECOND * hesitant_seconds).clamp(0.0, 100.0)
}

pub fn scores(judged: &[Judged], fluency: f32) -> Scores {
    let n = judged.len().max(1) as f32;
    let omitted = judged.iter().filter(|j| j.result.heard.is_none()).count() as f32;
    let accuracy = mean(judged.iter().map(accuracy_points)).unwrap_or(0.0);
    let tone = mean(judged.iter().filter(|j| j.expected.syllable().tone != Tone::Neutral).filter_map(tone_points))
        .unwrap_or(accuracy);
    let completeness = 100.0 * (1.0 - omitted / n);
    let overall = (0.45 * accuracy + 0.3 * tone + 0.15 * completeness + 0.1 * fluency).clamp(0.0, 100.0);
    Scores { overall, accuracy, tone, completeness, fluency }
}

/// Projects this attempt onto the PSC part it resembles, with the official deductions:
/// single syllables (10 points, 100 syllables: −0.1 error, −0.05 defect), words (20 points,
/// 100 syllables: −0.2, −0.1), reading (30 points, 400 syllables: −0.1 per error syllable,
/// −0.05 per defect, plus fluency).
pub fn psc(task: Task, results: &[SyllableResult], fluency: f32) -> PscEstimate {
    let n = results.len().max(1) as f32;
    let errors = results.iter().filter(|r| r.verdict == Verdict::Error).count() as f32;
    let defects = results.iter().filter(|r| r.verdict == Verdict::Defect).count() as f32;
    let (points, syllables, per_error, per_defect) = match task {
        Task::Syllable => (10.0, 100.0, 0.1, 0.05),
        Task::Word => (20.0, 100.0, 0.2, 0.1),
        Task::Reading => (30.0, 400.0, 0.1, 0.05),
    };
    let mut deductions = syllables * (errors * per_error + defects * per_defect) / n;
    if task == Task::Reading {
        // 朗读不流畅: up to 2 points.
        deductions += 2.0 * (1.0 - fluency / 100.0);
    }
    let deductions = deductions.min(points);
    let part_percent = 100.0 * (points - deductions) / points;
    let band = shiliu_pinyin::psc_band(part_percent);
    PscEstimate { task, deductions, part_points: points, part_percent, band: band.zh.into(), band_en: band.en.into() }
}

fn tone_name_zh(n: &str) -> String {
    n.parse::<u8>().ok().and_then(Tone::from_number).map(|t| t.label_zh().to_owned()).unwrap_or_else(|| n.to_owned())
}

fn tone_name_en(n: &str) -> String {
    n.parse::<u8>().ok().and_then(Tone::from_number).map(|t| t.label_en().to_owned()).unwrap_or_else(|| n.to_owned())
}

fn contrast_zh(c: &Option<String>) -> String {
    c.as_deref()
        .and_then(|n| Contrast::from_name(n).ok())
        .filter(|c| *c != Contrast::Tone)
        .map(|c| format!("（{}）", c.label_zh()))
        .unwrap_or_default()
}

/// The tip for a recording of another text: what it sounded like, so the student sees the
/// line they read by mistake.
pub fn wrong_text_tip(target: &str, heard: &str) -> Tip {
    let (target, heard) = (shortened(target), shortened(said_once(heard)));
    Tip {
        zh: format!("读的好像不是「{target}」，听起来像「{heard}」。请看清楚再读一遍。"),
        en: format!("That did not sound like “{target}”; it sounded like “{heard}”. Look again and read it once more."),
        syllable: None,
    }
}

/// The tip for a recording that went on past the target: say just the target.
pub fn read_on_tip(target: &str, heard: &str) -> Tip {
    let (target, heard) = (shortened(target), shortened(heard));
    Tip {
        zh: format!("只读「{target}」就可以了。你读得比它多，听起来像「{heard}」。"),
        en: format!("Say just “{target}”. You said more; it sounded like “{heard}”."),
        syllable: None,
    }
}

/// A transcript the recogniser looped on, as said once: "公司公司" is "公司" (a repeated single
/// character such as 妈妈 is left alone: it is often what was said).
fn said_once(text: &str) -> &str {
    match repeated_unit(text) {
        Some((unit, _)) if unit >= 2 => first_chars(text, unit),
        _ => text,
    }
}

/// The transcript as shown to the student and in the JSON. On a short clip the recogniser
/// writes what it heard again and again (妈妈妈 for 妈, 老师老师 for 老师; about a third of
/// the native lone syllables and words): a transcript that is one unit repeated is shown with
/// only as many repeats as the target's syllables fill (妈妈 stays 妈妈 for 妈妈).
pub fn as_reported(heard: &str, target_syllables: usize) -> &str {
    match repeated_unit(heard) {
        Some((unit, times)) => first_chars(heard, unit * target_syllables.div_ceil(unit).clamp(1, times)),
        None => heard,
    }
}

/// The shortest unit (in characters) that the text is two or more copies of, and how many.
pub(crate) fn repeated_unit(text: &str) -> Option<(usize, usize)> {
    let chars: Vec<char> = text.chars().collect();
    let n = chars.len();
    (1..=n / 2)
        .filter(|&unit| n.is_multiple_of(unit))
        .find(|&unit| (unit..n).all(|i| chars[i] == chars[i % unit]))
        .map(|unit| (unit, n / unit))
}

fn first_chars(text: &str, n: usize) -> &str {
    text.char_indices().nth(n).map_or(text, |(cut, _)| &text[..cut])
}

/// At most a dozen characters of a text, for a one-line tip.
fn shortened(text: &str) -> String {
    const MAX_CHARS: usize = 12;
    match text.char_indices().nth(MAX_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// One sentence about the most important mistake: errors before defects, then the lowest
/// score, then the earliest (where a student stopped short, the first syllable not said);
/// praise when there is none.
pub fn tip(results: &[SyllableResult]) -> Tip {
    let worst = results
        .iter()
        .enumerate()
        .filter(|(_, r)| r.verdict != Verdict::Ok && r.problem.is_some())
        .rev()
        .max_by(|(_, a), (_, b)| a.verdict.cmp(&b.verdict).then(b.score.total_cmp(&a.score)));
    let Some((i, r)) = worst else {
        let all_ok = results.iter().all(|r| r.verdict == Verdict::Ok);
        return if all_ok {
            Tip {
                zh: "读得很好！每个字都读对了。".into(),
                en: "Well done! Every syllable was right.".into(),
                syllable: None,
            }
        } else {
            Tip {
                zh: "有的字读得不够清楚，再听一遍示范，慢一点读。".into(),
                en: "Some syllables were unclear. Listen to the model again and read a little slower.".into(),
                syllable: None,
            }
        };
    };
    let p = r.problem.as_ref().expect("filtered");
    let n = i + 1;
    let heard = p.heard.clone().unwrap_or_default();
    let soft = r.verdict == Verdict::Defect;
    // For initials and finals: a defect only sounded like the other sound, an error was it.
    let verb_zh = if soft { "听起来像" } else { "你读成了" };
    let verb_en = if soft { "it sounded like" } else { "you said" };
    let whole_syllables = || {
        let said = r.heard.as_deref().map(marked).unwrap_or_default();
        let should = marked(&r.expected);
        (
            format!("第{n}个字「{}」：应读 {should}，{verb_zh} {said}。", r.hanzi),
            format!("Syllable {n} ({}): it should be {should}; {verb_en} {said}.", r.hanzi),
        )
    };
    let (zh, en) = match p.kind {
        ProblemKind::Omitted => (
            format!("第{n}个字「{}」没有读出来，注意不要漏读。", r.hanzi),
            format!("Syllable {n} ({}) was not said. Try not to skip it.", r.hanzi),
        ),
        ProblemKind::Tone if soft => (
            format!(
                "第{n}个字「{}」：声调应为{}，听起来有点像{}。",
                r.hanzi,
                tone_name_zh(&p.expected),
                tone_name_zh(&heard)
            ),
            format!(
                "Syllable {n} ({}): the tone should be the {}; it sounded a little like the {}.",
                r.hanzi,
                tone_name_en(&p.expected),
                tone_name_en(&heard)
            ),
        ),
        ProblemKind::Tone => (
            format!(
                "第{n}个字「{}」：声调应为{}，你读成了{}。",
                r.hanzi,
                tone_name_zh(&p.expected),
                tone_name_zh(&heard)
            ),
            format!(
                "Syllable {n} ({}): the tone should be the {}; you said the {}.",
                r.hanzi,
                tone_name_en(&p.expected),
                tone_name_en(&heard)
            ),
        ),
        // Another syllable altogether, or no initial on one side (一 yi heard as bai, where "the
        // initial should be ''" says nothing): name the whole syllables.
        ProblemKind::Misread => whole_syllables(),
        ProblemKind::Initial if p.expected.is_empty() || heard.is_empty() => whole_syllables(),
        ProblemKind::Initial | ProblemKind::Final => {
            let (part_zh, part_en) =
                if p.kind == ProblemKind::Initial { ("声母", "initial") } else { ("韵母", "final") };
            (
                format!(
                    "第{n}个字「{}」：{part_zh}应为 {}{}，{verb_zh} {}。",
                    r.hanzi,
                    p.expected,
                    contrast_zh(&p.contrast),
                    heard
                ),
                format!("Syllable {n} ({}): the {part_en} should be {}; {verb_en} {}.", r.hanzi, p.expected, heard),
            )
        }
    };
    Tip { zh, en, syllable: Some(i) }
}

/// A numbered syllable ("yi2") as a student reads it ("yí"); left as it is if it is not pinyin.
fn marked(numbered: &str) -> String {
    shiliu_pinyin::Syllable::parse(numbered).map(|s| s.to_marked()).unwrap_or_else(|_| numbered.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::result::Problem;

    fn result(hanzi: &str, verdict: Verdict, score: f32, problem: Option<Problem>) -> SyllableResult {
        SyllableResult {
            hanzi: hanzi.into(),
            expected: "shi1".into(),
            citation: "shi1".into(),
            heard: Some("shi1".into()),
            initial_ok: true,
            final_ok: true,
            tone_ok: problem.as_ref().is_none_or(|p| p.kind != ProblemKind::Tone),
            tone_expected: 1,
            tone_heard: Some(1),
            verdict,
            score,
            start_ms: 0,
            end_ms: 100,
            pitch: vec![],
            target_pitch: vec![],
            problem,
        }
    }

    #[test]
    fn a_character_read_as_another_costs_the_whole_syllable_as_in_the_psc() {
        let expected = crate::expected::Expected::new("老鸡", None).unwrap();
        let misread =
            Problem { kind: ProblemKind::Misread, expected: "ji".into(), heard: Some("shi".into()), contrast: None };
        let lao = result("老", Verdict::Ok, 100.0, None);
        let ji =
            SyllableResult { initial_ok: false, final_ok: false, ..result("鸡", Verdict::Error, 40.0, Some(misread)) };
        let judged = |second: &SyllableResult| {
            let judged = [
                Judged {
                    expected: &expected.syllables[0],
                    result: &lao,
                    segment_score: 100.0,
                    tone_score: Some(100.0),
                },
                Judged {
                    expected: &expected.syllables[1],
                    result: second,
                    segment_score: 40.0,
                    tone_score: Some(100.0),
                },
            ];
            scores(&judged, 100.0)
        };
        let s = judged(&ji);
        assert_eq!(s.accuracy, 50.0);
        assert_eq!(s.tone, 50.0, "a misread syllable's pitch is no attempt at the target's tone");
        assert!(s.overall < 75.0, "one of two characters misread is no good reading: {s:?}");
        // A tone error leaves the segments' points where they were (the tone score takes it).
        let tone = Problem { kind: ProblemKind::Tone, expected: "1".into(), heard: Some("4".into()), contrast: None };
        assert_eq!(judged(&result("鸡", Verdict::Error, 40.0, Some(tone))).accuracy, 70.0);
    }

    #[test]
    fn the_tip_names_the_syllable_the_tone_expected_and_the_tone_heard() {
        let p = Problem {
            kind: ProblemKind::Tone,
            expected: "3".into(),
            heard: Some("2".into()),
            contrast: Some("tone".into()),
        };
        let results = vec![result("你", Verdict::Ok, 95.0, None), result("好", Verdict::Error, 30.0, Some(p))];
        let t = tip(&results);
        assert_eq!(t.zh, "第2个字「好」：声调应为第三声，你读成了第二声。");
        assert!(t.en.contains("third tone") && t.en.contains("second tone"), "{}", t.en);
        assert_eq!(t.syllable, Some(1));
    }

    #[test]
    fn an_error_outranks_a_worse_scoring_defect() {
        let d = Problem {
            kind: ProblemKind::Final,
            expected: "an".into(),
            heard: Some("ang".into()),
            contrast: Some("front_back_nasal".into()),
        };
        let e = Problem {
            kind: ProblemKind::Initial,
            expected: "sh".into(),
            heard: Some("s".into()),
            contrast: Some("flat_retroflex".into()),
        };
        let results = vec![result("山", Verdict::Defect, 10.0, Some(d)), result("师", Verdict::Error, 35.0, Some(e))];
        let t = tip(&results);
        assert!(t.zh.starts_with("第2个字「师」：声母应为 sh（平翘舌），你读成了 s"), "{}", t.zh);
    }

    #[test]
    fn a_syllable_without_an_initial_is_named_whole_rather_than_as_an_empty_initial() {
        let p = Problem { kind: ProblemKind::Initial, expected: "".into(), heard: Some("b".into()), contrast: None };
        let mut r = result("一", Verdict::Defect, 60.0, Some(p));
        r.expected = "yi2".into();
        r.heard = Some("bai1".into());
        let t = tip(&[r]);
        assert_eq!(t.zh, "第1个字「一」：应读 yí，听起来像 bāi。");
        assert_eq!(t.en, "Syllable 1 (一): it should be yí; it sounded like bāi.");
    }

    #[test]
    fn of_equal_mistakes_the_first_is_named() {
        let omitted = || Problem { kind: ProblemKind::Omitted, expected: "hao3".into(), heard: None, contrast: None };
        let results = vec![
            result("老", Verdict::Ok, 95.0, None),
            result("们", Verdict::Error, 0.0, Some(omitted())),
            result("好", Verdict::Error, 0.0, Some(omitted())),
        ];
        assert_eq!(tip(&results).syllable, Some(1));
    }

    #[test]
    fn a_clean_attempt_gets_praise() {
        assert!(tip(&[result("好", Verdict::Ok, 97.0, None)]).zh.contains("读得很好"));
    }

    #[test]
    fn psc_deductions_follow_the_part_rules() {
        let mut rs: Vec<SyllableResult> = (0..10).map(|_| result("字", Verdict::Ok, 95.0, None)).collect();
        assert_eq!(psc(Task::Syllable, &rs, 100.0).band, "一级甲等");
        rs[0].verdict = Verdict::Error; // 1 in 10 wrong → 10 of 100 → −1.0 of 10 points
        let e = psc(Task::Syllable, &rs, 100.0);
        assert!((e.deductions - 1.0).abs() < 1e-4 && (e.part_percent - 90.0).abs() < 1e-3);
        assert_eq!(e.band, "二级甲等");
        let w = psc(Task::Word, &rs, 100.0);
        assert!((w.deductions - 2.0).abs() < 1e-4, "{}", w.deductions);
    }

    #[test]
    fn slow_halting_reading_loses_fluency_but_words_do_not() {
        assert_eq!(fluency_score(Task::Word, 1.0, &[], 2, 0), 100.0);
        assert!(fluency_score(Task::Reading, 1.0, &[400, 500, 600], 10, 0) < 60.0);
        assert_eq!(fluency_score(Task::Reading, 4.0, &[600], 16, 0), 100.0);
    }

    #[test]
    fn a_list_is_read_with_a_pause_at_each_of_its_commas() {
        // 笔、妈、大、图、糖: four pauses the text asks for, none of them hesitation.
        let pauses = [700, 800, 600, 900];
        assert_eq!(fluency_score(Task::Reading, 3.0, &pauses, 5, 4), 100.0);
        assert_eq!(fluency_score(Task::Reading, 3.0, &pauses, 5, 0), 60.0, "the same pauses unasked for");
    }

    #[test]
    fn a_long_pause_is_hesitation_even_where_a_phrase_could_end() {
        // Sixteen syllables allow one phrasing pause, but not one of three seconds.
        assert_eq!(fluency_score(Task::Reading, 4.0, &[3_000], 16, 0), 80.0);
        assert_eq!(fluency_score(Task::Reading, 4.0, &[3_000], 5, 0), 70.0);
        assert_eq!(fluency_score(Task::Reading, 4.0, &[10_000], 16, 0), 70.0, "at most three seconds' worth");
    }

    #[test]
    fn a_transcript_the_recogniser_repeated_is_shown_as_often_as_the_target_needs() {
        assert_eq!(as_reported("妈妈妈", 1), "妈");
        assert_eq!(as_reported("老师老师", 2), "老师");
        assert_eq!(as_reported("谢谢谢", 2), "谢谢");
        assert_eq!(as_reported("妈妈", 2), "妈妈");
        assert_eq!(as_reported("老师老师", 4), "老师老师");
        assert_eq!(as_reported("baba", 1), "ba");
        // Anything that is not one unit over and over is shown as heard.
        assert_eq!(as_reported("老师好", 2), "老师好");
        assert_eq!(as_reported("我们我们好", 1), "我们我们好");
        assert_eq!(as_reported("", 2), "");
    }

    #[test]
    fn the_read_on_tip_asks_for_just_the_target_and_says_what_was_heard() {
        let tip = read_on_tip("老", "老师好");
        assert!(tip.zh.starts_with("只读「老」"), "{}", tip.zh);
        assert!(tip.zh.contains("「老师好」") && tip.en.contains("“老师好”"), "{tip:?}");
    }

    #[test]
    fn the_wrong_text_tip_says_what_was_read_instead_and_keeps_to_one_line() {
        let tip = wrong_text_tip("大学", "公司");
        assert!(tip.zh.contains("「大学」") && tip.zh.contains("「公司」"), "{}", tip.zh);
        assert!(tip.en.contains("大学") && tip.en.contains("公司"), "{}", tip.en);
        assert!(wrong_text_tip("大学", "公司公司").zh.contains("「公司」"));
        assert!(wrong_text_tip("奶奶", "妈妈").zh.contains("「妈妈」"));
        assert!(wrong_text_tip("你好", "我们我们我们").zh.contains("「我们」"));
        let long = wrong_text_tip("一二三四五六七八九十一二三四五", "好");
        assert!(long.zh.contains("「一二三四五六七八九十一二…」"), "{}", long.zh);
    }

    #[test]
    fn a_misread_syllable_is_named_as_whole_syllables() {
        let problem =
            Problem { kind: ProblemKind::Misread, expected: "bai".into(), heard: Some("yuan".into()), contrast: None };
        let mut r = result("百", Verdict::Error, 30.0, Some(problem));
        r.expected = "bai3".into();
        r.heard = Some("yuan4".into());
        let t = tip(&[r]);
        assert!(t.zh.contains("应读 bǎi") && t.zh.contains("你读成了 yuàn"), "{}", t.zh);
        assert!(t.en.contains("it should be bǎi; you said yuàn"), "{}", t.en);
    }
}
