//! What the app computes from an item: its citation readings, what is actually said (sandhi,
//! 儿化, or the pack's `surface` override) and the pitch curve to aim for.
//!
//! Packs only store citation pinyin; the rules in `shiliu-pinyin` make the surface form, so a
//! fix to the rules fixes every pack. The override exists for the cases the rules get wrong, and
//! it only replaces syllables: the mapping back to characters and phrases stays the computed one.

use shiliu_pinyin::{
    ContourPoint, Reading, SandhiRule, SurfaceSyllable, Syllable, Tone, align_pinyin, parse_pinyin_line, target_contour,
};

use crate::error::{LessonError, Result};
use crate::model::Item;

impl Item {
    /// Citation readings: the hanzi's words and punctuation with the item's pinyin, one reading
    /// per hanzi (and one per run of other text).
    pub fn readings(&self) -> Result<Vec<Reading>> {
        align_pinyin(&self.hanzi, &self.pinyin).map_err(|source| self.pinyin_error(source))
    }

    /// The citation syllables, one per hanzi.
    pub fn citation(&self) -> Result<Vec<Syllable>> {
        Ok(self.readings()?.iter().filter_map(|r| r.syllable).collect())
    }

    /// The syllables as said: sandhi and 儿化 applied, or the `surface` override when the pack
    /// gives one.
    pub fn surface(&self) -> Result<Vec<SurfaceSyllable>> {
        let readings = self.readings()?;
        let mut said = shiliu_pinyin::surface(&readings);
        if let Some(written) = &self.surface {
            self.apply_override(&mut said, &readings, written)?;
        }
        Ok(said)
    }

    /// The surface syllables in tone-mark pinyin, for display: `ní hǎo`.
    pub fn surface_marked(&self) -> Result<String> {
        Ok(self.surface()?.iter().map(|s| s.syllable.to_marked()).collect::<Vec<_>>().join(" "))
    }

    /// The target pitch curve of the surface form.
    pub fn target_contour(&self) -> Result<Vec<ContourPoint>> {
        Ok(target_contour(&self.surface()?))
    }

    fn pinyin_error(&self, source: shiliu_pinyin::Error) -> LessonError {
        LessonError::Pinyin { item: self.id.to_string(), source }
    }

    fn apply_override(&self, said: &mut [SurfaceSyllable], readings: &[Reading], written: &str) -> Result<()> {
        let given = parse_pinyin_line(written).map_err(|source| self.pinyin_error(source))?;
        if given.len() != said.len() {
            return Err(LessonError::Surface { item: self.id.to_string(), expected: said.len(), given: given.len() });
        }
        for (s, new) in said.iter_mut().zip(given) {
            if new == s.syllable {
                continue;
            }
            s.rule = if new.tone == s.citation.tone {
                None
            } else {
                s.rule.or_else(|| likely_rule(readings[s.readings.start].hanzi_char(), &s.citation))
            };
            s.syllable = new;
        }
        // A third tone is said low whenever another syllable follows in its phrase; the override
        // may have made or unmade third tones.
        for k in 0..said.len() {
            let followed = said.get(k + 1).is_some_and(|n| n.phrase == said[k].phrase);
            said[k].half_third = said[k].syllable.tone == Tone::Third && followed;
        }
        Ok(())
    }
}

/// Which rule an override's tone change stands for, when the rules did not fire themselves.
fn likely_rule(hanzi: Option<char>, citation: &Syllable) -> Option<SandhiRule> {
    match hanzi {
        Some('一') => Some(SandhiRule::Yi),
        Some('不') => Some(SandhiRule::Bu),
        _ if citation.tone == Tone::Third => Some(SandhiRule::ThirdTone),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::ItemId;
    use crate::model::ItemKind;

    fn item(hanzi: &str, pinyin: &str, surface: Option<&str>) -> Item {
        Item {
            id: ItemId::new("t.u01.0001"),
            kind: ItemKind::Word,
            hanzi: hanzi.into(),
            pinyin: pinyin.into(),
            surface: surface.map(Into::into),
            gloss: [("en".to_owned(), "x".to_owned())].into(),
            focus: vec![],
            contrasts: vec![],
            contrast_set: None,
            audio: None,
            choices: vec![],
            prompt: None,
            psc_part: None,
            line: 1,
        }
    }

    fn numbered(item: &Item) -> Vec<String> {
        item.surface().unwrap().iter().map(|s| s.syllable.to_numbered()).collect()
    }

    #[test]
    fn surface_applies_sandhi_to_the_citation() {
        assert_eq!(numbered(&item("你好", "ni3 hao3", None)), ["ni2", "hao3"]);
        assert_eq!(numbered(&item("一个", "yi1 ge4", None)), ["yi2", "ge4"]);
        assert_eq!(numbered(&item("这儿", "zhe4 er5", None)), ["zher4"]);
        assert_eq!(item("你好", "ni3 hao3", None).surface_marked().unwrap(), "ní hǎo");
    }

    #[test]
    fn the_surface_override_replaces_the_rules_result() {
        // 小姐: the lexical neutral tone still triggers 3-3 sandhi, which the rules do not model.
        let said = item("小姐", "xiao3 jie5", Some("xiao2 jie5")).surface().unwrap();
        assert_eq!(said[0].syllable.to_numbered(), "xiao2");
        assert_eq!(said[0].rule, Some(SandhiRule::ThirdTone));
        assert!(!said[0].half_third);
        assert_eq!(said[0].citation.to_numbered(), "xiao3");
    }

    #[test]
    fn an_override_with_the_wrong_syllable_count_is_refused() {
        let err = item("你好", "ni3 hao3", Some("ni2")).surface().unwrap_err();
        assert_eq!(err.code(), "lessons.surface");
        assert!(err.to_string().contains("t.u01.0001"), "{err}");
    }

    #[test]
    fn the_contour_follows_the_surface_form() {
        let curve = item("你好", "ni3 hao3", None).target_contour().unwrap();
        assert_eq!(curve.len(), 2 * shiliu_pinyin::POINTS_PER_SYLLABLE);
        let first: Vec<f32> = curve.iter().filter(|p| p.syllable_index == 0).map(|p| p.semitones).collect();
        assert!(first[9] > first[0], "ni2 rises: {first:?}");
    }

    #[test]
    fn mismatched_pinyin_is_a_pinyin_error_naming_the_item() {
        let err = item("你好", "ni3", None).surface().unwrap_err();
        assert_eq!(err.code(), "lessons.pinyin");
        assert!(err.to_string().starts_with("item t.u01.0001"), "{err}");
    }
}
