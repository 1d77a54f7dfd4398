//! The grades of the Putonghua Proficiency Test (普通话水平测试, PSC): the share of its points a
//! candidate must keep for each. The scorer's per-attempt estimate, the mock test and the weekly
//! reports all grade with this one table.

/// A PSC grade, in Chinese and English.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PscBand {
    pub zh: &'static str,
    pub en: &'static str,
}

/// Each grade with the percentage of points it needs (97 of 100 for 一级甲等, and so on).
const BANDS: [(f32, PscBand); 6] = [
    (97.0, PscBand { zh: "一级甲等", en: "Grade 1-A" }),
    (92.0, PscBand { zh: "一级乙等", en: "Grade 1-B" }),
    (87.0, PscBand { zh: "二级甲等", en: "Grade 2-A" }),
    (80.0, PscBand { zh: "二级乙等", en: "Grade 2-B" }),
    (70.0, PscBand { zh: "三级甲等", en: "Grade 3-A" }),
    (60.0, PscBand { zh: "三级乙等", en: "Grade 3-B" }),
];
const BELOW_ALL: PscBand = PscBand { zh: "不入级", en: "Below grade 3-B" };

/// The grade a candidate keeping `percent` of the points earns.
pub fn psc_band(percent: f32) -> PscBand {
    BANDS.iter().find(|(min, _)| percent >= *min).map_or(BELOW_ALL, |(_, band)| *band)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_grade_starts_at_its_share_of_the_points() {
        assert_eq!(psc_band(100.0).zh, "一级甲等");
        assert_eq!(psc_band(97.0).zh, "一级甲等");
        assert_eq!(psc_band(96.9).zh, "一级乙等");
        assert_eq!(psc_band(87.0).en, "Grade 2-A");
        assert_eq!(psc_band(60.0).zh, "三级乙等");
        assert_eq!(psc_band(59.9), BELOW_ALL);
        assert_eq!(psc_band(f32::NAN), BELOW_ALL);
    }
}
