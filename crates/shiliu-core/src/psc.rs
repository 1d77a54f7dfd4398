//! The mock PSC: the three read-aloud parts scored with the test's own deductions, so a student
//! and teacher see exactly where points went. Free speaking (命题说话) is practice only: the real
//! test has human raters for it, and so would any honest estimate.

use serde::{Deserialize, Serialize};

use crate::app::App;
use crate::catalog::ItemView;

/// The verdicts of one part, as counted by the UI during the test.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[ts(export_to = "PscPartTally.ts")]
pub struct PscPartTally {
    /// 1 single syllables, 2 words, 3 reading.
    pub part: u8,
    pub syllables: u32,
    pub errors: u32,
    pub defects: u32,
    /// Seconds over the time limit (reading: 4 min; 0 when on time).
    pub overtime_s: u32,
    /// 0–100 fluency of the reading.
    pub fluency: f32,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export_to = "PscPartScore.ts")]
pub struct PscPartScore {
    pub part: u8,
    pub points: f32,
    pub kept: f32,
    /// Each deduction with its reason, as a PSC examiner writes them.
    pub deductions: Vec<(String, f32)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export_to = "PscScore.ts")]
pub struct PscScore {
    pub parts: Vec<PscPartScore>,
    /// Points kept over the points of the parts taken, scaled to 100.
    pub percent: f32,
    pub band: String,
    pub band_en: String,
}

/// Scores the parts: part 1 is 10 points (−0.1 per error, −0.05 per defect, −0.5 per
/// 30 s over 3.5 min), part 2 is 20 points (−0.2, −0.1), part 3 is 30 points (−0.1 per error
/// syllable, −0.05 per defect, up to −2 for halting reading, −1 for going over 4 min).
pub fn score_psc(tallies: &[PscPartTally]) -> PscScore {
    let mut parts = Vec::new();
    for t in tallies {
        let (points, per_error, per_defect) = match t.part {
            1 => (10.0, 0.1, 0.05),
            2 => (20.0, 0.2, 0.1),
            _ => (30.0, 0.1, 0.05),
        };
        let mut deductions = vec![
            (format!("语音错误 {} 个 / {} errors", t.errors, t.errors), t.errors as f32 * per_error),
            (format!("语音缺陷 {} 个 / {} defects", t.defects, t.defects), t.defects as f32 * per_defect),
        ];
        if t.part == 3 {
            deductions.push(("朗读不流畅 / halting reading".into(), (2.0 * (1.0 - t.fluency / 100.0)).clamp(0.0, 2.0)));
        }
        if t.overtime_s > 0 {
            deductions.push(("超时 / over time".into(), if t.part == 3 { 1.0 } else { 0.5 }));
        }
        deductions.retain(|(_, d)| *d > 0.0);
        let lost: f32 = deductions.iter().map(|(_, d)| d).sum();
        parts.push(PscPartScore { part: t.part, points, kept: (points - lost).max(0.0), deductions });
    }
    let total: f32 = parts.iter().map(|p| p.points).sum();
    let kept: f32 = parts.iter().map(|p| p.kept).sum();
    let percent = if total > 0.0 { 100.0 * kept / total } else { 0.0 };
    let band = shiliu_pinyin::psc_band(percent);
    PscScore { parts, percent, band: band.zh.into(), band_en: band.en.into() }
}

impl App {
    pub fn psc_items(&self, part: u8) -> Vec<ItemView> {
        self.catalog().psc_items(part)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clean_test_is_grade_one_a_and_deductions_are_itemised() {
        let s = score_psc(&[
            PscPartTally { part: 1, syllables: 100, errors: 0, defects: 0, overtime_s: 0, fluency: 100.0 },
            PscPartTally { part: 2, syllables: 100, errors: 0, defects: 0, overtime_s: 0, fluency: 100.0 },
        ]);
        assert_eq!(s.band, "一级甲等");
        let t = score_psc(&[PscPartTally {
            part: 1,
            syllables: 100,
            errors: 10,
            defects: 4,
            overtime_s: 0,
            fluency: 100.0,
        }]);
        assert!((t.parts[0].kept - 8.8).abs() < 1e-4);
        assert_eq!(t.parts[0].deductions.len(), 2);
        assert_eq!(t.band, "二级甲等");
    }
}
