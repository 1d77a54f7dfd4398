//! A student's side: the lesson map with progress, what to practise next, and attempts —
//! recorded, scored, saved (before the result is shown) and kept for the teacher.

use serde::Serialize;
use shiliu_audio::RecorderEvent;
use shiliu_prosody::SpeakerProfile;
use shiliu_speech::ScoreRequest;
use shiliu_speech::result::{ScoreResult, Verdict};
use shiliu_store::{
    ItemId, NewAttempt, NewRecording, NextReason, PackId, ProblemKind, Scores, StudentId, SyllableOutcome,
    SyllableProblem, Timestamp, UnitId,
};

use crate::app::App;
use crate::catalog::{ItemView, UnitView};
use crate::error::CoreError;
use crate::people::parse;

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export_to = "UnitProgressView.ts")]
pub struct UnitProgressView {
    pub unit: UnitView,
    pub tried: u32,
    pub mastered: u32,
    pub mean_best: Option<f32>,
    pub reviews_due: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export_to = "NextItemView.ts")]
pub struct NextItemView {
    pub item: ItemView,
    /// "review", "weak:<contrast or tone>" or "new".
    pub reason: String,
}

/// A scored attempt as the practice screen shows it.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export_to = "AttemptOutcome.ts")]
pub struct AttemptOutcome {
    pub attempt_id: String,
    pub result: ScoreResult,
    /// 0–3 stars: encouragement, never punishment.
    pub stars: u8,
}

pub fn stars(overall: f32) -> u8 {
    match overall {
        o if o >= 90.0 => 3,
        o if o >= 75.0 => 2,
        o if o >= 50.0 => 1,
        _ => 0,
    }
}

fn profile_key(student: &str) -> String {
    format!("pitch_profile:{student}")
}

/// The scorer's judgement in the store's terms.
/// How many syllables a text has, and how many phrases its punctuation splits it into (the
/// scorer's phrases: 一、二、三 has three).
fn syllables_and_phrases(text: &str) -> (usize, usize) {
    let said = shiliu_pinyin::surface(&shiliu_pinyin::to_pinyin(text));
    (said.len(), said.last().map_or(0, |s| s.phrase + 1))
}

fn outcome(s: &shiliu_speech::result::SyllableResult) -> SyllableOutcome {
    SyllableOutcome {
        hanzi: s.hanzi.clone(),
        expected: s.expected.clone(),
        heard: s.heard.clone(),
        initial_ok: s.initial_ok,
        final_ok: s.final_ok,
        tone_ok: Some(s.tone_ok),
        tone_expected: s.tone_expected,
        tone_heard: s.tone_heard,
        verdict: match s.verdict {
            Verdict::Ok => shiliu_store::Verdict::Ok,
            Verdict::Defect => shiliu_store::Verdict::Defect,
            Verdict::Error => shiliu_store::Verdict::Error,
        },
        score: s.score,
        problem: s.problem.as_ref().map(|p| SyllableProblem {
            kind: match p.kind {
                shiliu_speech::result::ProblemKind::Initial => ProblemKind::Initial,
                shiliu_speech::result::ProblemKind::Final => ProblemKind::Final,
                shiliu_speech::result::ProblemKind::Tone => ProblemKind::Tone,
                shiliu_speech::result::ProblemKind::Omitted => ProblemKind::Omitted,
                shiliu_speech::result::ProblemKind::Misread => ProblemKind::Misread,
            },
            expected: p.expected.clone(),
            heard: p.heard.clone(),
            contrast: p.contrast.clone(),
        }),
    }
}

impl App {
    pub fn lesson_map(&self, student: &str) -> Result<Vec<UnitProgressView>, CoreError> {
        let id: StudentId = parse(student, "student")?;
        let progress = self.store().student_progress(id, Timestamp::now(), Some(&self.curriculum()))?;
        Ok(self
            .catalog()
            .units()
            .into_iter()
            .map(|unit| {
                let p = progress.iter().find(|p| p.unit.as_str() == unit.id);
                UnitProgressView {
                    tried: p.map_or(0, |p| p.items_tried),
                    mastered: p.map_or(0, |p| p.items_mastered),
                    mean_best: p.and_then(|p| p.mean_best_score),
                    reviews_due: p.map_or(0, |p| p.reviews_due),
                    unit,
                }
            })
            .collect())
    }

    pub fn unit_items(&self, unit: &str) -> Vec<ItemView> {
        self.catalog().unit(unit)
    }

    pub fn item(&self, item: &str) -> Result<ItemView, CoreError> {
        self.catalog().item(item).ok_or_else(|| CoreError::NotFound(format!("the item {item}")))
    }

    /// The review queue: due reviews, drills for weak contrasts, then new items.
    pub fn next_items(&self, student: &str, limit: usize) -> Result<Vec<NextItemView>, CoreError> {
        let id: StudentId = parse(student, "student")?;
        let next = self.store().next_items(id, Timestamp::now(), limit, &self.curriculum())?;
        let catalog = self.catalog();
        Ok(next
            .into_iter()
            .filter_map(|n| {
                let item = catalog.item(n.item.as_str())?;
                let reason = match n.reason {
                    NextReason::Review { .. } => "review".to_owned(),
                    NextReason::WeakFocus { focus } => format!("weak:{focus}"),
                    NextReason::New => "new".to_owned(),
                };
                Some(NextItemView { item, reason })
            })
            .collect())
    }

    /// Starts recording an attempt at `target` (its hanzi; empty when unknown: the first pause
    /// after any speech ends it). Until its syllables could have been said, in as many
    /// stretches as its punctuation makes phrases, the recording waits through longer pauses.
    pub fn start_recording(
        &self,
        target: &str,
        on_event: impl FnMut(RecorderEvent) + Send + 'static,
    ) -> Result<(), CoreError> {
        let device = self.store().setting("microphone")?.filter(|d| !d.is_empty());
        let (syllables, phrases) = syllables_and_phrases(target);
        self.practice.start_recording(device, syllables, phrases, on_event)
    }

    /// Stops the recording, scores it against the item and saves the attempt (and the
    /// recording, for the teacher) before returning.
    pub fn finish_attempt(&self, student: &str, item_id: &str) -> Result<AttemptOutcome, CoreError> {
        let student_id: StudentId = parse(student, "student")?;
        let item = self.item(item_id)?;
        let catalog_contrasts = self.catalog().contrasts_of(&item);
        let speaker: Option<SpeakerProfile> =
            self.store().setting(&profile_key(student))?.and_then(|json| serde_json::from_str(&json).ok());
        let request = ScoreRequest {
            text: item.hanzi.clone(),
            pinyin: Some(item.pinyin.clone()),
            contrasts: catalog_contrasts,
            speaker,
            diagnostics: false,
        };
        let (result, samples) = self.practice.finish_and_score(&request)?;
        let attempt_id = self.save_attempt(student_id, &item, &result, &samples)?;
        if let Some(p) = &result.speaker {
            let json = serde_json::to_string(p).map_err(|e| CoreError::Data(e.to_string()))?;
            let key = profile_key(student);
            self.store().transact(|tx| tx.set_setting(&key, &json))?;
        }
        Ok(AttemptOutcome { attempt_id, stars: stars(result.overall), result })
    }

    /// A long passage read aloud in parts of at most a sentence or two (the recogniser takes
    /// 30 s at once): the parts' texts.
    pub fn passage_parts(&self, item_id: &str) -> Result<Vec<String>, CoreError> {
        Ok(split_passage(&self.item(item_id)?.hanzi))
    }

    /// Scores one part of a passage (see [`App::passage_parts`]) and saves it as an attempt of
    /// the passage item.
    pub fn finish_passage_part(&self, student: &str, item_id: &str, part: usize) -> Result<AttemptOutcome, CoreError> {
        let student_id: StudentId = parse(student, "student")?;
        let item = self.item(item_id)?;
        let parts = split_passage(&item.hanzi);
        let text = parts.get(part).ok_or_else(|| CoreError::NotFound(format!("part {part} of {item_id}")))?;
        // The part's pinyin: the item's syllables for the hanzi that precede and fill the part.
        let before: usize =
            parts[..part].iter().map(|p| p.chars().filter(|c| shiliu_speech::expected::is_hanzi(*c)).count()).sum();
        let count = text.chars().filter(|c| shiliu_speech::expected::is_hanzi(*c)).count();
        let pinyin: Vec<&str> = item.pinyin.split_whitespace().skip(before).take(count).collect();
        let request = ScoreRequest { text: text.clone(), pinyin: Some(pinyin.join(" ")), ..ScoreRequest::default() };
        let (result, samples) = self.practice.finish_and_score(&request)?;
        let attempt_id = self.save_attempt(student_id, &item, &result, &samples)?;
        Ok(AttemptOutcome { attempt_id, stars: stars(result.overall), result })
    }

    /// The first-run microphone test: the teacher or student says 你好 and sees it scored.
    /// Nothing is saved.
    pub fn microphone_test(&self) -> Result<ScoreResult, CoreError> {
        let request =
            ScoreRequest { text: "你好".into(), pinyin: Some("ni3 hao3".into()), ..ScoreRequest::default() };
        Ok(self.practice.finish_and_score(&request)?.0)
    }

    fn save_attempt(
        &self,
        student: StudentId,
        item: &ItemView,
        result: &ScoreResult,
        samples: &[f32],
    ) -> Result<String, CoreError> {
        let catalog = self.catalog();
        let pack = catalog
            .packs()
            .iter()
            .find(|p| p.units.iter().any(|u| u.id.as_str() == item.unit))
            .ok_or_else(|| CoreError::NotFound(format!("the pack of {}", item.id)))?;
        let new = NewAttempt {
            student,
            pack: PackId::new(pack.manifest.id.as_str()),
            pack_version: pack.manifest.version.to_string(),
            unit: UnitId::new(&item.unit),
            item: ItemId::new(&item.id),
            at: Timestamp::now(),
            duration_ms: (samples.len() / 16) as u32,
            scores: Scores {
                overall: result.overall,
                accuracy: result.accuracy,
                completeness: result.completeness,
                fluency: result.fluency,
                tone: result.tone,
            },
            psc_band: result.psc.band.clone(),
            psc_percent: result.psc.part_percent,
            quality: result.quality.iter().map(|f| f.name().to_owned()).collect(),
            model_id: self.model_id(),
            syllables: result.syllables.iter().map(outcome).collect(),
        };
        drop(catalog);
        // Keep the recording for the teacher (stays on this PC; pruned by the retention policy).
        let relative = format!("{}/{}.wav", chrono_month(), uuid_like(&new));
        let path = self.data.recordings().join(&relative);
        let saved_file = std::fs::create_dir_all(path.parent().expect("has a parent")).is_ok()
            && shiliu_audio::wav::write_wav_16k(&path, samples).is_ok();
        let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        let id = self.store().transact(|tx| {
            let id = tx.add_attempt(&new)?;
            if saved_file {
                tx.add_recording(&NewRecording {
                    student,
                    attempt: Some(id),
                    file: relative.clone(),
                    bytes,
                    duration_ms: new.duration_ms,
                    created: new.at,
                })?;
            }
            Ok(id)
        })?;
        Ok(id.to_string())
    }

    fn model_id(&self) -> String {
        shiliu_model::ModelStore::new(self.data.models()).active().ok().flatten().map(|m| m.sha256).unwrap_or_default()
    }

    /// Plays the model recording of an item: the teacher's own, else the pack's.
    pub fn play_item(&self, item_id: &str) -> Result<bool, CoreError> {
        match self.item_audio(item_id)? {
            Some(samples) => {
                shiliu_audio::playback::play(&samples)?;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    pub fn item_audio(&self, item_id: &str) -> Result<Option<Vec<f32>>, CoreError> {
        let item = self.item(item_id)?;
        let pack = self
            .catalog()
            .packs()
            .iter()
            .find(|p| p.units.iter().any(|u| u.id.as_str() == item.unit))
            .map(|p| p.manifest.id.to_string());
        if let Some(pack) = pack {
            let refs = self.store().reference_audio(&PackId::new(&pack), &ItemId::new(item_id))?;
            if let Some(r) = refs.first() {
                return Ok(Some(shiliu_audio::wav::load_16k_mono(&self.data.recordings().join(&r.file))?));
            }
        }
        match self.catalog().pack_audio(item_id) {
            Some(bytes) => {
                let decoded = shiliu_audio::wav::decode_wav(&bytes).map_err(CoreError::Data)?;
                Ok(Some(decoded.to_16k_mono()?))
            }
            None => Ok(None),
        }
    }

    pub fn has_item_audio(&self, item_id: &str) -> bool {
        self.item_audio(item_id).ok().flatten().is_some()
    }
}

/// Splits a passage after sentence-ending punctuation into parts of at most ~40 characters.
pub fn split_passage(text: &str) -> Vec<String> {
    let mut parts: Vec<String> = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        current.push(c);
        let end = matches!(c, '。' | '！' | '？' | '；' | '!' | '?' | ';');
        let soft = matches!(c, '，' | ',' | '、' | '：') && current.chars().count() >= 30;
        if end || soft {
            parts.push(std::mem::take(&mut current));
        }
    }
    if current.chars().any(shiliu_speech::expected::is_hanzi) {
        parts.push(current);
    }
    // Join very short parts to the previous one.
    let mut joined: Vec<String> = Vec::new();
    for p in parts {
        match joined.last_mut() {
            Some(last) if p.chars().count() < 8 && last.chars().count() + p.chars().count() <= 45 => last.push_str(&p),
            _ => joined.push(p),
        }
    }
    joined
}

/// `YYYY-MM` for grouping recordings by month.
fn chrono_month() -> String {
    let days = Timestamp::now().millis() / 86_400_000;
    // Civil-from-days (Howard Hinnant's algorithm), to avoid a date crate for one folder name.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}")
}

/// A unique file name for a recording: student, item and time.
fn uuid_like(a: &NewAttempt) -> String {
    let safe = |s: &str| s.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect::<String>();
    format!("{}-{}-{}", safe(&a.student.to_string()), safe(a.item.as_str()), a.at.millis())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_has_a_phrase_per_item_and_a_sentence_one_per_clause() {
        assert_eq!(syllables_and_phrases("一、二、三"), (3, 3));
        assert_eq!(syllables_and_phrases("老师"), (2, 1));
        assert_eq!(syllables_and_phrases("学校不大，可是很干净。"), (9, 2));
        assert_eq!(syllables_and_phrases(""), (0, 0));
    }

    #[test]
    fn stars_encourage_and_never_go_negative() {
        assert_eq!(stars(97.0), 3);
        assert_eq!(stars(80.0), 2);
        assert_eq!(stars(55.0), 1);
        assert_eq!(stars(10.0), 0);
    }

    #[test]
    fn a_passage_is_read_in_sentence_sized_parts() {
        let parts = split_passage("春天来了。小草绿了，花儿开了，小鸟在树上唱歌，我们一起去山上看风景吧！好。");
        assert_eq!(parts.len(), 2);
        assert!(parts.iter().all(|p| p.chars().count() <= 45));
        assert_eq!(parts.concat(), "春天来了。小草绿了，花儿开了，小鸟在树上唱歌，我们一起去山上看风景吧！好。");
    }

    #[test]
    fn recording_folders_are_named_by_month() {
        let m = chrono_month();
        assert_eq!(m.len(), 7);
        assert!(m.starts_with("20"));
    }
}
