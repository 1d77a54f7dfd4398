//! The teacher's side: who needs help with which sound, what to drill next, each student's
//! history, their kept recordings, and the teacher's own model recordings.

use serde::Serialize;
use shiliu_store::{ClassId, ItemId, NewReferenceAudio, PackId, RecordingId, StudentId, Timestamp, UnitId};

use crate::app::App;
use crate::error::CoreError;
use crate::people::parse;

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export_to = "HeatmapView.ts")]
pub struct HeatmapView {
    pub students: Vec<(String, String)>,
    /// (kind: initial|final|tone|contrast, name)
    pub sounds: Vec<(String, String)>,
    /// `cells[student][sound]` = [tries, misses], null when never tried.
    pub cells: Vec<Vec<Option<[u32; 2]>>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export_to = "DrillView.ts")]
pub struct DrillView {
    pub item: String,
    pub unit: Option<String>,
    pub hanzi: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export_to = "ConfusionView.ts")]
pub struct ConfusionView {
    pub kind: String,
    pub expected: String,
    pub heard: Option<String>,
    pub contrast: Option<String>,
    pub count: u32,
    pub students: u32,
    pub drills: Vec<DrillView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export_to = "WeakSoundView.ts")]
pub struct WeakSoundView {
    pub kind: String,
    pub sound: String,
    pub tries: u32,
    pub misses: u32,
    pub error_rate: f32,
    /// improving | worsening | steady | unknown
    pub trend: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export_to = "AttemptSummary.ts")]
pub struct AttemptSummary {
    pub id: String,
    pub item: String,
    pub hanzi: String,
    /// Milliseconds since the Unix epoch.
    #[ts(type = "number")]
    pub at: i64,
    pub overall: f32,
    pub tone: f32,
    pub psc_band: String,
    pub mistakes: Vec<String>,
    pub recording: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export_to = "StudentReport.ts")]
pub struct StudentReport {
    pub name: String,
    pub weakest: Vec<WeakSoundView>,
    /// Weekly PSC trend: [week start ms, mean percent, band].
    pub psc: Vec<(f64, f32, String)>,
    pub recent: Vec<AttemptSummary>,
    pub units_tried: u32,
    pub items_mastered: u32,
}

impl App {
    pub fn class_heatmap(&self, class: &str) -> Result<HeatmapView, CoreError> {
        let class: ClassId = parse(class, "class")?;
        let h = self.store().class_heatmap(class, None)?;
        Ok(HeatmapView {
            students: h.students.into_iter().map(|(id, n)| (id.to_string(), n)).collect(),
            sounds: h.sounds.into_iter().map(|(k, n)| (k.name().to_owned(), n)).collect(),
            cells: h
                .cells
                .into_iter()
                .map(|row| row.into_iter().map(|c| c.map(|c| [c.tries, c.misses])).collect())
                .collect(),
        })
    }

    pub fn class_confusions(&self, class: &str, limit: usize) -> Result<Vec<ConfusionView>, CoreError> {
        let class: ClassId = parse(class, "class")?;
        let list = self.store().class_confusions(class, None, limit, Some(&self.curriculum()))?;
        let catalog = self.catalog();
        Ok(list
            .into_iter()
            .map(|c| ConfusionView {
                drills: c
                    .drills
                    .iter()
                    .filter_map(|d| {
                        let item = catalog.item(d.item.as_str())?;
                        Some(DrillView { item: item.id, unit: Some(item.unit), hanzi: item.hanzi })
                    })
                    .collect(),
                kind: c.kind,
                expected: c.expected,
                heard: c.heard,
                contrast: c.contrast,
                count: c.count,
                students: c.students,
            })
            .collect())
    }

    /// "Assign a drill for this": makes the unit holding the drill item part of the class's work.
    pub fn assign_unit(&self, class: &str, unit: &str, assigned: bool) -> Result<(), CoreError> {
        let class: ClassId = parse(class, "class")?;
        let pack = self
            .catalog()
            .packs()
            .iter()
            .find(|p| p.units.iter().any(|u| u.id.as_str() == unit))
            .map(|p| p.manifest.id.to_string())
            .ok_or_else(|| CoreError::NotFound(format!("the unit {unit}")))?;
        self.store().transact(|tx| tx.set_assignment(class, &PackId::new(&pack), &UnitId::new(unit), assigned))?;
        Ok(())
    }

    pub fn class_assignments(&self, class: &str) -> Result<Vec<String>, CoreError> {
        let class: ClassId = parse(class, "class")?;
        Ok(self.store().assignments(class)?.into_iter().map(|a| a.unit.to_string()).collect())
    }

    pub fn student_report(&self, student: &str) -> Result<StudentReport, CoreError> {
        let id: StudentId = parse(student, "student")?;
        let now = Timestamp::now();
        let store = self.store();
        let s = store.get_student(id)?;
        let weakest = store
            .weakest_sounds(id, now, 12)?
            .into_iter()
            .map(|w| WeakSoundView {
                kind: w.kind.name().to_owned(),
                sound: w.sound,
                tries: w.tries,
                misses: w.misses,
                error_rate: w.error_rate,
                trend: format!("{:?}", w.trend).to_lowercase(),
            })
            .collect();
        let psc =
            store.psc_trend(id)?.into_iter().map(|w| (w.week_start.millis() as f64, w.mean_percent, w.band)).collect();
        let recordings = store.recordings(id)?;
        let catalog = self.catalog();
        let recent = store
            .recent_attempts(id, 30)?
            .into_iter()
            .map(|a| AttemptSummary {
                id: a.id.to_string(),
                hanzi: catalog.item(a.item.as_str()).map(|i| i.hanzi).unwrap_or_else(|| a.item.to_string()),
                item: a.item.to_string(),
                at: a.at.millis(),
                overall: a.scores.overall,
                tone: a.scores.tone,
                psc_band: a.psc_band,
                mistakes: a
                    .syllables
                    .iter()
                    .filter_map(|s| {
                        let p = s.problem.as_ref()?;
                        Some(format!("{} {}→{}", s.hanzi, p.expected, p.heard.clone().unwrap_or_else(|| "—".into())))
                    })
                    .collect(),
                recording: recordings.iter().find(|r| r.attempt == Some(a.id)).map(|r| r.id.to_string()),
            })
            .collect();
        let progress = store.student_progress(id, now, Some(&self.curriculum()))?;
        Ok(StudentReport {
            name: s.name,
            weakest,
            psc,
            recent,
            units_tried: progress.iter().filter(|p| p.items_tried > 0).count() as u32,
            items_mastered: progress.iter().map(|p| p.items_mastered).sum(),
        })
    }

    /// Plays a student's kept recording.
    pub fn play_recording(&self, student: &str, recording: &str) -> Result<(), CoreError> {
        let sid: StudentId = parse(student, "student")?;
        let rid: RecordingId = parse(recording, "recording")?;
        let file = self
            .store()
            .recordings(sid)?
            .into_iter()
            .find(|r| r.id == rid)
            .map(|r| r.file)
            .ok_or_else(|| CoreError::NotFound(format!("the recording {recording}")))?;
        let samples = shiliu_audio::wav::load_16k_mono(&self.data.recordings().join(file))?;
        shiliu_audio::playback::play(&samples)?;
        Ok(())
    }

    /// Keeps the teacher's recording as this school's model for the item (it replaces the pack's).
    pub fn finish_reference(&self, item_id: &str) -> Result<u32, CoreError> {
        let item = self.item(item_id)?;
        let samples = self.practice.finish_recording()?;
        let report = shiliu_audio::quality::assess(&samples);
        if let Some(f) = report.flags.iter().find(|f| f.prevents_scoring()) {
            return Err(CoreError::Invalid(f.message_en().into()));
        }
        let trimmed = shiliu_audio::quality::trim(&samples, &report, 250);
        let pack = self
            .catalog()
            .packs()
            .iter()
            .find(|p| p.units.iter().any(|u| u.id.as_str() == item.unit))
            .map(|p| p.manifest.id.to_string())
            .ok_or_else(|| CoreError::NotFound(format!("the pack of {item_id}")))?;
        let safe: String = item_id.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
        let relative = format!("reference/{safe}-{}.wav", Timestamp::now().millis());
        let path = self.data.recordings().join(&relative);
        std::fs::create_dir_all(path.parent().expect("has parent")).map_err(|e| CoreError::Data(e.to_string()))?;
        shiliu_audio::wav::write_wav_16k(&path, &trimmed)?;
        let duration_ms = (trimmed.len() / 16) as u32;
        let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        self.store().transact(|tx| {
            tx.add_reference_audio(&NewReferenceAudio {
                teacher: None,
                pack: PackId::new(&pack),
                item: ItemId::new(item_id),
                file: relative.clone(),
                bytes,
                duration_ms,
                sample_rate: 16_000,
                note: None,
            })
        })?;
        Ok(duration_ms)
    }
}
