//! The lessons as the app shows them: units with their titles, items with pinyin in tone marks,
//! glosses and the pitch curve to aim for. Built-in packs plus add-ons installed from USB sticks.

use serde::Serialize;
use shiliu_lessons::{Item, Pack};
use shiliu_paths::DataDir;

/// A unit on the lesson map.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export_to = "UnitView.ts")]
pub struct UnitView {
    pub id: String,
    pub pack: String,
    pub number: usize,
    pub title_zh: String,
    pub title_en: String,
    pub summary_zh: Option<String>,
    pub summary_en: Option<String>,
    pub items: usize,
}

/// One syllable of an item, for drawing pinyin over hanzi.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export_to = "SyllableView.ts")]
pub struct SyllableView {
    pub hanzi: String,
    /// Surface pinyin with tone marks (after sandhi): what to say.
    pub marked: String,
    /// 1–4, 5 neutral.
    pub tone: u8,
}

/// An item ready to practise.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export_to = "ItemView.ts")]
pub struct ItemView {
    pub id: String,
    pub unit: String,
    pub kind: String,
    pub hanzi: String,
    /// Citation pinyin with tone digits (what the scorer is given).
    pub pinyin: String,
    pub syllables: Vec<SyllableView>,
    pub gloss_en: String,
    /// Glosses in learners' first languages, by language code.
    pub glosses: Vec<(String, String)>,
    pub prompt_zh: Option<String>,
    pub prompt_en: Option<String>,
    /// The target pitch: [syllable position (index + fraction), semitones].
    pub target: Vec<[f32; 2]>,
    pub has_pack_audio: bool,
    pub contrasts: Vec<String>,
    /// For listening drills: the items to choose between.
    pub choices: Vec<ChoiceView>,
}

/// One option of a listening drill.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export_to = "ChoiceView.ts")]
pub struct ChoiceView {
    pub id: String,
    pub hanzi: String,
    /// Surface pinyin with tone marks.
    pub marked: String,
}

pub struct Catalog {
    packs: Vec<Pack>,
}

impl Catalog {
    /// Built-in packs and those installed in the data folder. A broken add-on is left out
    /// rather than stopping the app; `shiliu pack check` explains it.
    pub fn load(data: &DataDir) -> Catalog {
        let packs = shiliu_lessons::all_packs(data).or_else(|_| shiliu_lessons::builtin_packs()).unwrap_or_default();
        Catalog { packs }
    }

    pub fn from_packs(packs: Vec<Pack>) -> Catalog {
        Catalog { packs }
    }

    pub fn packs(&self) -> &[Pack] {
        &self.packs
    }

    pub fn units(&self) -> Vec<UnitView> {
        self.packs
            .iter()
            .flat_map(|p| {
                p.units.iter().enumerate().map(move |(i, u)| UnitView {
                    id: u.id.to_string(),
                    pack: p.manifest.id.to_string(),
                    number: i,
                    title_zh: u.title.zh.clone(),
                    title_en: u.title.en.clone(),
                    summary_zh: u.summary.as_ref().map(|s| s.zh.clone()),
                    summary_en: u.summary.as_ref().map(|s| s.en.clone()),
                    items: u.items.len(),
                })
            })
            .collect()
    }

    /// Item ids of each unit in order (what the review scheduler needs).
    pub fn unit_items(&self) -> Vec<(String, Vec<String>)> {
        self.packs
            .iter()
            .flat_map(|p| p.units.iter())
            .map(|u| (u.id.to_string(), u.items.iter().map(|i| i.id.to_string()).collect()))
            .collect()
    }

    fn find(&self, id: &str) -> Option<(&Pack, &shiliu_lessons::Unit, &Item)> {
        self.packs
            .iter()
            .find_map(|p| p.units.iter().find_map(|u| u.items.iter().find(|i| i.id.as_str() == id).map(|i| (p, u, i))))
    }

    pub fn item(&self, id: &str) -> Option<ItemView> {
        self.find(id).map(|(p, u, i)| view(p, u, i))
    }

    /// The texts an item's recording is told apart from: its contrast items, each with its
    /// reading, so that one with the item's own characters (东西 dong1 xi1 for dong1 xi5) is
    /// told apart by the reading.
    pub fn contrasts_of(&self, item: &ItemView) -> Vec<shiliu_speech::Contrast> {
        item.contrasts
            .iter()
            .filter_map(|c| self.item(c))
            .filter(|c| (&c.hanzi, &c.pinyin) != (&item.hanzi, &item.pinyin))
            .map(|c| shiliu_speech::Contrast { text: c.hanzi, pinyin: Some(c.pinyin) })
            .collect()
    }

    pub fn unit(&self, id: &str) -> Vec<ItemView> {
        self.packs
            .iter()
            .flat_map(|p| {
                p.units
                    .iter()
                    .filter(|u| u.id.as_str() == id)
                    .flat_map(move |u| u.items.iter().map(move |i| view(p, u, i)))
            })
            .collect()
    }

    /// The pack's own recording of an item, if it has one.
    pub fn pack_audio(&self, id: &str) -> Option<Vec<u8>> {
        let (p, _, i) = self.find(id)?;
        p.read_file(i.audio.as_ref()?).ok()
    }

    /// Every item of a mock-PSC part (1: syllables, 2: words, 3: passage).
    pub fn psc_items(&self, part: u8) -> Vec<ItemView> {
        let mut out = Vec::new();
        for p in &self.packs {
            for u in &p.units {
                out.extend(u.items.iter().filter(|i| i.psc_part == Some(part)).map(|i| view(p, u, i)));
            }
        }
        out
    }
}

fn view(pack: &Pack, unit: &shiliu_lessons::Unit, item: &Item) -> ItemView {
    let surface = item.surface().unwrap_or_default();
    let syllables = surface
        .iter()
        .map(|s| SyllableView {
            hanzi: item.hanzi.chars().skip(s.chars.start).take(s.chars.len()).collect(),
            marked: s.syllable.to_marked(),
            tone: s.syllable.tone.number(),
        })
        .collect();
    let target = item
        .target_contour()
        .unwrap_or_default()
        .iter()
        .map(|p| [p.syllable_index as f32 + p.t, p.semitones])
        .collect();
    ItemView {
        id: item.id.to_string(),
        unit: unit.id.to_string(),
        kind: item.kind.name().to_owned(),
        hanzi: item.hanzi.clone(),
        pinyin: item.pinyin.clone(),
        syllables,
        gloss_en: item.gloss.get("en").cloned().unwrap_or_default(),
        glosses: item.gloss.iter().filter(|(k, _)| k.as_str() != "en").map(|(k, v)| (k.clone(), v.clone())).collect(),
        prompt_zh: item.prompt.as_ref().map(|p| p.zh.clone()),
        prompt_en: item.prompt.as_ref().map(|p| p.en.clone()),
        target,
        has_pack_audio: item.audio.as_ref().is_some_and(|a| pack.has_file(a)),
        contrasts: item.contrasts.iter().map(|c| c.to_string()).collect(),
        choices: item
            .listening_options()
            .iter()
            .filter_map(|c| pack.item(c))
            .map(|c| ChoiceView {
                id: c.id.to_string(),
                hanzi: c.hanzi.clone(),
                marked: c.surface_marked().unwrap_or_else(|_| c.pinyin.clone()),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_contrast_in_the_starter_pack_can_be_scored_against_its_item() {
        let c = Catalog::from_packs(shiliu_lessons::builtin_packs().unwrap());
        let mut checked = 0;
        let mut same_characters = 0;
        for unit in c.units() {
            for item in c.unit(&unit.id).iter().filter(|i| !i.contrasts.is_empty()) {
                let contrasts = c.contrasts_of(item);
                assert_eq!(contrasts.len(), item.contrasts.len(), "{}: {:?}", item.id, item.contrasts);
                let target = shiliu_speech::expected::Expected::new(&item.hanzi, Some(&item.pinyin)).unwrap();
                if let Err(e) = target.check_contrasts(&contrasts) {
                    panic!("{} {}: {e}", item.id, item.hanzi);
                }
                checked += contrasts.len();
                same_characters += contrasts.iter().filter(|k| k.text == item.hanzi).count();
            }
        }
        assert!(checked > 300, "{checked}");
        assert!(same_characters >= 2, "东西 and 大意 are contrasted by reading: {same_characters}");
    }

    #[test]
    fn the_starter_pack_is_on_the_map_with_its_items() {
        let c = Catalog::from_packs(shiliu_lessons::builtin_packs().unwrap());
        let units = c.units();
        assert!(units.len() >= 15);
        let first = c.unit(&units[2].id);
        assert!(!first.is_empty());
        let item = &first[0];
        assert_eq!(
            item.syllables.len(),
            item.hanzi.chars().filter(|c| !c.is_ascii_punctuation()).count().min(item.syllables.len())
        );
        assert!(!item.target.is_empty());
        assert!(c.item(&item.id).is_some());
    }

    #[test]
    fn a_third_tone_pair_is_shown_as_said() {
        let c = Catalog::from_packs(shiliu_lessons::builtin_packs().unwrap());
        let nihao =
            c.packs().iter().flat_map(|p| p.items()).find(|i| i.hanzi == "你好").expect("你好 is in the starter pack");
        let v = c.item(nihao.id.as_str()).unwrap();
        assert_eq!(v.syllables[0].marked, "ní");
        assert_eq!(v.syllables[1].marked, "hǎo");
    }

    #[test]
    fn the_mock_psc_has_a_hundred_single_syllables() {
        let c = Catalog::from_packs(shiliu_lessons::builtin_packs().unwrap());
        assert_eq!(c.psc_items(1).len(), 100);
        assert_eq!(c.psc_items(3).len(), 1);
    }
}
