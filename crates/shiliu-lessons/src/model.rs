//! What a pack holds, as `lessons/FORMAT.md` describes it.
//!
//! These types mirror the TOML one to one (unknown fields are refused, so a typo such as
//! `contrast_sets` is a parse error, not a silently ignored line). Rules that need the whole pack
//! — ids, references, the dictionary — live in [`crate::check`], so a broken pack still loads
//! far enough to be told everything that is wrong with it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use shiliu_pinyin::{Contrast, Final, Initial, SandhiRule, Tone};

use crate::ids::{ItemId, PackId, UnitId};

/// A loaded pack: its manifest, its units in the order students see them, and where it came from.
#[derive(Debug, Clone, Serialize)]
pub struct Pack {
    pub manifest: Manifest,
    pub units: Vec<Unit>,
    pub origin: PackOrigin,
    /// Every file of the pack, as `/`-separated paths relative to its folder.
    #[serde(skip)]
    pub(crate) files: BTreeSet<String>,
}

/// Where a pack was loaded from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum PackOrigin {
    /// Compiled into the app from `lessons/<folder>/` in the workspace.
    BuiltIn { folder: String },
    /// An add-on installed under `<data>/packs/<id>/`.
    Installed { dir: PathBuf },
    /// A folder being written or checked (`shiliu pack check DIR`).
    Folder { dir: PathBuf },
}

/// `pack.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub id: PackId,
    /// Semver; a higher version replaces a lower one.
    pub version: semver::Version,
    pub title: Text,
    pub licence: String,
    #[serde(default)]
    pub attributions: Vec<String>,
    /// The oldest app that can use the pack; absent means any.
    #[serde(default = "any_version")]
    pub min_app_version: semver::Version,
    /// Unit files under `units/`, in the order shown to students.
    pub units: Vec<String>,
}

fn any_version() -> semver::Version {
    semver::Version::new(0, 0, 0)
}

/// Text shown to teachers and students in both interface languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub zh: String,
    pub en: String,
}

/// One unit file.
#[derive(Debug, Clone, Serialize)]
pub struct Unit {
    pub id: UnitId,
    pub title: Text,
    pub summary: Option<Text>,
    pub focus: Vec<Focus>,
    pub items: Vec<Item>,
    /// The file it came from, relative to the pack folder (`units/02-tones.toml`).
    pub file: String,
}

/// One thing a student hears, says or chooses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub id: ItemId,
    pub kind: ItemKind,
    pub hanzi: String,
    /// Citation pinyin, one syllable per hanzi.
    pub pinyin: String,
    /// A manual surface pinyin (after sandhi) when the rules get it wrong.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub surface: Option<String>,
    /// English is required; other keys are learners' first languages (`ug`, `bo`, …).
    #[serde(default)]
    pub gloss: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub focus: Vec<Focus>,
    /// Confusable items; minimal pairs list each other.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contrasts: Vec<ItemId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contrast_set: Option<Contrast>,
    /// A reference recording, as a path inside the pack.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio: Option<String>,
    /// For `listening`: the other items offered; the item itself is always an option.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<ItemId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt: Option<Text>,
    /// 1, 2 or 3 for mock-PSC items (single syllables, words, passage).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub psc_part: Option<u8>,
    /// Line of the `[[item]]` header in its unit file, for messages.
    #[serde(skip)]
    pub line: usize,
}

/// What kind of exercise an item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    Syllable,
    Word,
    MinimalPair,
    Sentence,
    Passage,
    ToneDrill,
    Listening,
}

impl ItemKind {
    pub const ALL: [ItemKind; 7] = [
        ItemKind::Syllable,
        ItemKind::Word,
        ItemKind::MinimalPair,
        ItemKind::Sentence,
        ItemKind::Passage,
        ItemKind::ToneDrill,
        ItemKind::Listening,
    ];

    /// The name the TOML uses.
    pub fn name(self) -> &'static str {
        match self {
            ItemKind::Syllable => "syllable",
            ItemKind::Word => "word",
            ItemKind::MinimalPair => "minimal_pair",
            ItemKind::Sentence => "sentence",
            ItemKind::Passage => "passage",
            ItemKind::ToneDrill => "tone_drill",
            ItemKind::Listening => "listening",
        }
    }
}

/// What an item or unit trains: `initial:zh`, `final:ang`, `tone:3`, `contrast:n_l`,
/// `sandhi:third`, `neutral`, `erhua`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Focus {
    Initial(Initial),
    Final(Final),
    Tone(Tone),
    Contrast(Contrast),
    Sandhi(SandhiRule),
    Neutral,
    Erhua,
}

/// The name a focus entry uses for a sandhi rule (`sandhi:third`).
pub fn sandhi_name(rule: SandhiRule) -> &'static str {
    match rule {
        SandhiRule::ThirdTone => "third",
        SandhiRule::Yi => "yi",
        SandhiRule::Bu => "bu",
    }
}

impl FromStr for Focus {
    type Err = String;

    fn from_str(s: &str) -> Result<Focus, String> {
        let named = |e: shiliu_pinyin::Error| format!("{s:?}: {e}");
        match s.split_once(':') {
            None if s == "neutral" => Ok(Focus::Neutral),
            None if s == "erhua" => Ok(Focus::Erhua),
            Some(("initial", name)) => Initial::from_name(name).map(Focus::Initial).map_err(named),
            Some(("final", name)) => Final::from_name(name).map(Focus::Final).map_err(named),
            Some(("tone", name)) => Tone::parse(name).map(Focus::Tone).map_err(named),
            Some(("contrast", name)) => Contrast::from_name(name).map(Focus::Contrast).map_err(named),
            Some(("sandhi", "third")) => Ok(Focus::Sandhi(SandhiRule::ThirdTone)),
            Some(("sandhi", "yi")) => Ok(Focus::Sandhi(SandhiRule::Yi)),
            Some(("sandhi", "bu")) => Ok(Focus::Sandhi(SandhiRule::Bu)),
            Some(("sandhi", other)) => Err(format!("{s:?}: unknown sandhi rule {other:?} (third, yi, bu)")),
            _ => Err(format!(
                "{s:?} is not a focus: use initial:<name>, final:<name>, tone:<1-5>, contrast:<name>, \
                 sandhi:<third|yi|bu>, neutral or erhua"
            )),
        }
    }
}

impl std::fmt::Display for Focus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Focus::Initial(i) => write!(f, "initial:{}", i.name()),
            Focus::Final(x) => write!(f, "final:{}", x.name()),
            Focus::Tone(t) => write!(f, "tone:{}", t.number()),
            Focus::Contrast(c) => write!(f, "contrast:{}", c.name()),
            Focus::Sandhi(r) => write!(f, "sandhi:{}", sandhi_name(*r)),
            Focus::Neutral => f.write_str("neutral"),
            Focus::Erhua => f.write_str("erhua"),
        }
    }
}

impl Serialize for Focus {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Focus {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Focus, D::Error> {
        String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
    }
}

impl Pack {
    pub fn id(&self) -> &PackId {
        &self.manifest.id
    }

    pub fn version(&self) -> &semver::Version {
        &self.manifest.version
    }

    /// Every item, unit by unit.
    pub fn items(&self) -> impl Iterator<Item = &Item> {
        self.units.iter().flat_map(|u| &u.items)
    }

    pub fn item(&self, id: &ItemId) -> Option<&Item> {
        self.items().find(|i| &i.id == id)
    }

    pub fn unit(&self, id: &UnitId) -> Option<&Unit> {
        self.units.iter().find(|u| &u.id == id)
    }

    /// Every file of the pack (`pack.toml`, `units/…`, `audio/…`), relative to its folder.
    pub fn files(&self) -> impl Iterator<Item = &str> {
        self.files.iter().map(String::as_str)
    }

    pub fn has_file(&self, path: &str) -> bool {
        self.files.contains(path)
    }

    /// How a message names a file of this pack.
    pub fn display_path(&self, file: &str) -> String {
        self.origin.display_path(file)
    }
}

impl PackOrigin {
    /// How a message names a file of the pack: `lessons/starter/units/02-tones.toml` for a built-in pack,
    /// the full path for a folder on disk.
    pub fn display_path(&self, file: &str) -> String {
        match self {
            PackOrigin::BuiltIn { folder } => format!("lessons/{folder}/{file}"),
            PackOrigin::Installed { dir } | PackOrigin::Folder { dir } => dir.join(file).display().to_string(),
        }
    }
}

impl Item {
    /// The options of a `listening` item: the item itself, then its choices.
    pub fn listening_options(&self) -> Vec<ItemId> {
        let mut out = vec![self.id.clone()];
        for c in &self.choices {
            if !out.contains(c) {
                out.push(c.clone());
            }
        }
        out
    }

    /// The gloss in a learner's first language, falling back to English.
    pub fn gloss_in(&self, language: &str) -> Option<&str> {
        self.gloss.get(language).or_else(|| self.gloss.get("en")).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn focus_entries_round_trip_through_their_names() {
        for s in [
            "initial:zh",
            "initial:zero",
            "final:ang",
            "final:ü",
            "tone:3",
            "tone:5",
            "contrast:n_l",
            "contrast:i_ü",
            "sandhi:third",
            "sandhi:yi",
            "sandhi:bu",
            "neutral",
            "erhua",
        ] {
            let f: Focus = s.parse().unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(f.to_string(), s);
        }
    }

    #[test]
    fn bad_focus_entries_say_what_is_allowed() {
        for bad in ["initial:q2", "final:xyz", "tone:6", "contrast:x_y", "sandhi:four", "tones:3", "zh"] {
            let err = bad.parse::<Focus>().unwrap_err();
            assert!(err.contains(bad), "{err}");
        }
    }

    #[test]
    fn listening_options_start_with_the_item_and_skip_repeats() {
        let mut item: Item = toml::from_str(
            r#"id = "p.u.0001"
               kind = "listening"
               hanzi = "妈"
               pinyin = "ma1"
               choices = ["p.u.0001", "p.u.0002"]"#,
        )
        .unwrap();
        assert_eq!(item.listening_options(), [ItemId::new("p.u.0001"), ItemId::new("p.u.0002")]);
        item.choices = vec![ItemId::new("p.u.0003")];
        assert_eq!(item.listening_options().len(), 2);
    }

    #[test]
    fn item_kinds_use_snake_case_names() {
        for kind in ItemKind::ALL {
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.name()));
        }
    }
}
