//! The answers for recordings that are not scored as a reading of the target: no speech (or
//! too short or too long to score), and another text read altogether.

use std::time::Instant;

use shiliu_audio::quality::QualityReport;

use crate::engine::Recognition;
use crate::expected::Expected;
use crate::result::{Problem, ProblemKind, ScoreResult, SyllableResult, Timings, Tip, Verdict};
use crate::summary;

/// Why a recording is not a reading of the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NotTheTarget {
    /// Another text altogether.
    AnotherText,
    /// The target and more (see [`crate::wrong_text::read_on_past_the_target`]).
    ReadOn,
}

/// The answer for a recording of another text, or of more than the target: not scored as a
/// reading of the target, with what it sounded like instead.
pub(super) fn wrong_text(
    expected: &Expected,
    why: NotTheTarget,
    report: QualityReport,
    recognition: &Recognition,
    pitch_ms: f32,
    started: Instant,
) -> ScoreResult {
    let mut flags = report.flags.clone();
    flags.push(shiliu_audio::QualityFlag::WrongText);
    let mut result = unscored(expected, &QualityReport { flags, ..report }, started);
    result.transcript = summary::as_reported(&recognition.transcript.text, expected.syllables.len()).to_owned();
    result.tip = match why {
        NotTheTarget::AnotherText => summary::wrong_text_tip(&expected.text, &result.transcript),
        NotTheTarget::ReadOn => summary::read_on_tip(&expected.text, &result.transcript),
    };
    result.timings = Timings {
        recognise_ms: recognition.recognise.as_secs_f32() * 1000.0,
        forcing_ms: recognition.forcing.as_secs_f32() * 1000.0,
        pitch_ms,
    };
    result
}

/// The answer for a file that could not be read as audio at all.
pub(super) fn unreadable(expected: &Expected) -> ScoreResult {
    let report = QualityReport {
        flags: vec![shiliu_audio::QualityFlag::Unreadable],
        duration_ms: 0,
        speech_span: None,
        speech_ms: 0,
        peak_dbfs: f32::NEG_INFINITY,
        speech_dbfs: f32::NEG_INFINITY,
        snr_db: None,
        clipped_ratio: 0.0,
    };
    unscored(expected, &report, Instant::now())
}

/// The answer for a recording that cannot be scored as speech (silence, a click, too long):
/// nothing counts as said, and the tip is the recording problem.
pub(super) fn unscored(expected: &Expected, report: &QualityReport, started: Instant) -> ScoreResult {
    let results: Vec<SyllableResult> = expected
        .syllables
        .iter()
        .map(|s| SyllableResult {
            hanzi: s.hanzi.clone(),
            expected: s.syllable().to_numbered(),
            citation: s.surface.citation.to_numbered(),
            heard: None,
            initial_ok: false,
            final_ok: false,
            tone_ok: false,
            tone_expected: s.syllable().tone.number(),
            tone_heard: None,
            verdict: Verdict::Error,
            score: 0.0,
            start_ms: 0,
            end_ms: 0,
            pitch: vec![],
            target_pitch: vec![],
            problem: Some(Problem {
                kind: ProblemKind::Omitted,
                expected: s.syllable().to_numbered(),
                heard: None,
                contrast: None,
            }),
        })
        .collect();
    let flag = report.flags.iter().find(|f| f.prevents_scoring()).or(report.flags.first()).copied();
    let tip = match flag {
        Some(f) => Tip { zh: f.message_zh().into(), en: f.message_en().into(), syllable: None },
        None => Tip { zh: "没有听到说话声。".into(), en: "No speech was heard.".into(), syllable: None },
    };
    ScoreResult {
        text: expected.text.clone(),
        task: expected.task,
        overall: 0.0,
        accuracy: 0.0,
        completeness: 0.0,
        fluency: 0.0,
        tone: 0.0,
        quality: report.flags.clone(),
        elapsed_ms: started.elapsed().as_secs_f32() * 1000.0,
        psc: summary::psc(expected.task, &results, 0.0),
        syllables: results,
        transcript: String::new(),
        tip,
        forced_choice: None,
        syllables_per_second: 0.0,
        pause_count: 0,
        speaker: None,
        timings: Timings::default(),
        diagnostics: None,
    }
}
