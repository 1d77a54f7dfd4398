//! The scorer's answer, as the CLI prints it (`--json`) and the app draws it.

use serde::Serialize;
use shiliu_audio::QualityFlag;

use crate::expected::Task;

/// PSC-style judgement of one syllable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export_to = "Verdict.ts"))]
pub enum Verdict {
    Ok,
    /// 语音缺陷: not wrong, but not right either.
    Defect,
    /// 语音错误: another sound was said, or nothing.
    Error,
}

/// Which part of a syllable went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export_to = "ProblemKind.ts"))]
pub enum ProblemKind {
    Initial,
    Final,
    Tone,
    Omitted,
    /// Read as another syllable altogether, with neither initial nor final in common (百 read
    /// as 院): `expected` and `heard` are whole syllables, not parts.
    Misread,
}

/// The most important thing wrong with a syllable.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export_to = "Problem.ts"))]
pub struct Problem {
    pub kind: ProblemKind,
    /// The expected part ("sh", "ang", "3").
    pub expected: String,
    /// What was heard instead, when known.
    pub heard: Option<String>,
    /// The classic confusion it belongs to (`flat_retroflex`, `front_back_nasal`, `n_l`, …).
    pub contrast: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export_to = "SyllableResult.ts"))]
pub struct SyllableResult {
    pub hanzi: String,
    /// Surface pinyin with tone digit (after sandhi), e.g. "ni2".
    pub expected: String,
    /// Citation pinyin, e.g. "ni3".
    pub citation: String,
    /// What was judged said: the initial and final heard, with the tone heard where the tone
    /// was judged wrong and the expected tone otherwise; null when nothing was said.
    pub heard: Option<String>,
    pub initial_ok: bool,
    pub final_ok: bool,
    /// False when the tone was judged wrong (a defect or an error), like `initial_ok` and
    /// `final_ok`; this, not `tone_heard`, says whether to mark the tone.
    pub tone_ok: bool,
    pub tone_expected: u8,
    /// The pitch classifier's most likely tone, 1–4, 5 for neutral; null when the pitch could
    /// not be measured. In connected speech it is often unsure, and a most likely tone other
    /// than the expected one is no mistake until it is sure enough (see `tone_ok`).
    pub tone_heard: Option<u8>,
    pub verdict: Verdict,
    pub score: f32,
    pub start_ms: u32,
    pub end_ms: u32,
    /// The student's pitch: [ms, semitones] on the scale of `target_pitch`.
    pub pitch: Vec<[f32; 2]>,
    /// The pitch to aim for, stretched over this syllable's time span.
    pub target_pitch: Vec<[f32; 2]>,
    pub problem: Option<Problem>,
}

/// The PSC band this performance would earn if a whole test part went the same way.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export_to = "PscEstimate.ts"))]
pub struct PscEstimate {
    pub task: Task,
    /// Points deducted per the PSC rules, scaled to the whole part.
    pub deductions: f32,
    pub part_points: f32,
    /// Share of the part's points kept, 0–100.
    pub part_percent: f32,
    /// 一级甲等 … 三级乙等, or 不入级.
    pub band: String,
    pub band_en: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export_to = "Tip.ts"))]
pub struct Tip {
    pub zh: String,
    pub en: String,
    /// The syllable it is about, if any.
    pub syllable: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export_to = "ForcedChoice.ts"))]
pub struct ForcedChoice {
    /// The option most likely said.
    pub said: String,
    /// Its surface pinyin (tone digits): what tells two readings of the same characters apart.
    pub said_pinyin: String,
    pub target_said: bool,
    /// Each option with its probability among the options.
    pub options: Vec<(String, f32)>,
    /// Each option's surface pinyin, in the same order (empty where it could not be read).
    pub pinyin: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export_to = "ScoreResult.ts"))]
pub struct ScoreResult {
    pub text: String,
    pub task: Task,
    pub overall: f32,
    pub accuracy: f32,
    pub completeness: f32,
    pub fluency: f32,
    pub tone: f32,
    /// Problems with the recording (`no_speech`, `too_quiet`, `clipped`, `noisy`, `too_short`,
    /// `too_long`); empty when clean.
    pub quality: Vec<QualityFlag>,
    pub elapsed_ms: f32,
    pub syllables: Vec<SyllableResult>,
    /// The free transcription, normalised; a recogniser loop on a short clip (妈妈妈 for 妈) is
    /// shown with only as many repeats as the target needs.
    pub transcript: String,
    pub psc: PscEstimate,
    pub tip: Tip,
    pub forced_choice: Option<ForcedChoice>,
    /// Speaking rate (syllables per second) and pauses.
    pub syllables_per_second: f32,
    pub pause_count: u32,
    /// Where the time went.
    pub timings: Timings,
    /// The raw evidence behind each syllable's verdict, when asked for (`shiliu eval`,
    /// `shiliu score --diagnostics`): for tuning and for curious teachers.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(skip))]
    pub diagnostics: Option<Vec<SyllableDiagnostics>>,
    /// The speaker's profile (pitch range, own flat and retroflex hisses) after this attempt,
    /// to keep for the next one.
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub speaker: Option<shiliu_prosody::SpeakerProfile>,
}

/// What the recogniser and the pitch said about one syllable.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SyllableDiagnostics {
    /// Log-probability mass of the target's segments at its position (teacher forcing).
    pub target_lp: f32,
    /// The strongest neighbour's segments and their log-probability mass.
    pub best_alternative: Option<(String, f32)>,
    /// Every candidate group (the target first) with its log-probability mass.
    pub groups: Vec<(String, f32)>,
    /// The transcript's view: "match", `"substituted:<pinyin>"` or "omitted".
    pub transcript: String,
    /// Tone probabilities (1–4, neutral) from the pitch.
    pub tone_probs: [f32; 5],
    pub tone_fit: Option<f32>,
    /// A stop's release noise (burst and aspiration) in ms, when measured.
    pub release_noise_ms: Option<u32>,
    /// A sibilant's hiss: the share of its 2–7.8 kHz energy below 4.5 kHz, when measured.
    pub hiss_low_share: Option<f32>,
    /// An i or ü vowel's brightness in the unscaled bands (see `shiliu_prosody::VowelMeasure`),
    /// where measured.
    pub vowel_brightness: Option<f32>,
    /// Log-probability the recogniser gave the text ending just before this syllable.
    pub end_lp: Option<f32>,
    /// The deepest valley in the level across the syllable before and this one, dB.
    pub dip_before_db: Option<f32>,
    /// The character the recogniser found likeliest at this position, and its log-probability.
    pub top: Option<(char, f32)>,
    /// For a lone syllable: the likeliest syllable with neither initial nor final in common
    /// with the target, and its log-probability mass.
    pub strongest_unrelated: Option<(String, f32)>,
}

/// Milliseconds spent in each stage of one scoring.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export_to = "Timings.ts"))]
pub struct Timings {
    /// Encoder plus free transcription.
    pub recognise_ms: f32,
    /// Teacher forcing and forced choice on the encoded audio.
    pub forcing_ms: f32,
    /// Pitch tracking, timing and tones.
    pub pitch_ms: f32,
}
