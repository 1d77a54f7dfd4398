//! What a pack drills: how many items practise each initial, final, tone, sandhi rule, neutral
//! tone, 儿化 and contrast set, and how many items of each kind each unit has.
//!
//! Sounds are counted from the surface syllables actually said, every syllable of every item, not
//! only what the `focus` lists: a teacher wants to know whether zh is practised at all, wherever
//! it turns up. Contrast sets come from what the pack says it trains (a minimal pair's
//! `contrast_set` and `contrast:` focus entries), since a contrast is a choice of the author.
//! Each count is a number of items: an item with three zh syllables drills zh once.

use std::collections::BTreeSet;

use serde::{Serialize, Serializer};
use shiliu_pinyin::{Contrast, Final, Initial, SandhiRule, SurfaceSyllable, Tone};

use crate::model::{Focus, Item, ItemKind, Pack, sandhi_name};

/// Name → number, in a meaningful order (textbook order for sounds); serialises as a JSON object
/// in that order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts(Vec<(String, usize)>);

impl Counts {
    fn zeroed<'a>(names: impl IntoIterator<Item = &'a str>) -> Counts {
        Counts(names.into_iter().map(|n| (n.to_owned(), 0)).collect())
    }

    fn add(&mut self, name: &str) {
        match self.0.iter_mut().find(|(n, _)| n == name) {
            Some((_, count)) => *count += 1,
            None => self.0.push((name.to_owned(), 1)),
        }
    }

    /// The count for `name` (0 when absent).
    pub fn get(&self, name: &str) -> usize {
        self.0.iter().find(|(n, _)| n == name).map_or(0, |(_, c)| *c)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, usize)> {
        self.0.iter().map(|(n, c)| (n.as_str(), *c))
    }

    /// Names counted zero times: the gaps.
    pub fn missing(&self) -> impl Iterator<Item = &str> {
        self.iter().filter(|(_, c)| *c == 0).map(|(n, _)| n)
    }
}

impl Serialize for Counts {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(n, c)| (n, c)))
    }
}

/// One unit's size.
#[derive(Debug, Clone, Serialize)]
pub struct UnitCoverage {
    pub id: String,
    pub file: String,
    pub title: String,
    pub items: usize,
    pub kinds: Counts,
}

/// Everything counted over a pack.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Coverage {
    /// Number of units.
    pub units: usize,
    /// Number of items.
    pub items: usize,
    /// Items of each kind.
    pub kinds: Counts,
    pub per_unit: Vec<UnitCoverage>,
    /// Items saying each initial (`zero` for the zero initial).
    pub initials: Counts,
    /// Items saying each final, by `Final::name()`.
    pub finals: Counts,
    /// Items saying each full tone (`1`–`4`) in their surface form.
    pub tones: Counts,
    /// Items with a neutral-tone syllable.
    pub neutral: usize,
    /// Items with a 儿化 syllable.
    pub erhua: usize,
    /// Items where a sandhi rule changes a tone: `third`, `yi`, `bu`.
    pub sandhi: Counts,
    /// Items training each contrast set, by `Contrast::name()`.
    pub contrasts: Counts,
    /// Items whose pinyin could not be read (they are errors in the report) and so are not
    /// counted above.
    pub unreadable: usize,
}

/// Coverage of a pack, reading every item's surface form.
pub fn coverage(pack: &Pack) -> Coverage {
    compute_coverage(pack, &|item: &Item| item.surface().ok())
}

/// Coverage with the surface forms supplied (the checker has already computed them).
pub(crate) fn compute_coverage(pack: &Pack, surface_of: &dyn Fn(&Item) -> Option<Vec<SurfaceSyllable>>) -> Coverage {
    let kind_names = || ItemKind::ALL.map(ItemKind::name);
    let mut c = Coverage {
        units: pack.units.len(),
        kinds: Counts::zeroed(kind_names()),
        initials: Counts::zeroed(Initial::ALL.map(Initial::name)),
        finals: Counts::zeroed(Final::ALL.map(Final::name)),
        tones: Counts::zeroed(["1", "2", "3", "4"]),
        sandhi: Counts::zeroed([SandhiRule::ThirdTone, SandhiRule::Yi, SandhiRule::Bu].map(sandhi_name)),
        contrasts: Counts::zeroed(Contrast::ALL.map(Contrast::name)),
        ..Coverage::default()
    };
    for unit in &pack.units {
        let mut kinds = Counts::zeroed(kind_names());
        for item in &unit.items {
            c.items += 1;
            c.kinds.add(item.kind.name());
            kinds.add(item.kind.name());
            for contrast in contrasts_of(item) {
                c.contrasts.add(contrast.name());
            }
            match surface_of(item) {
                Some(said) => c.count_sounds(&said),
                None => c.unreadable += 1,
            }
        }
        c.per_unit.push(UnitCoverage {
            id: unit.id.to_string(),
            file: unit.file.clone(),
            title: unit.title.en.clone(),
            items: unit.items.len(),
            kinds,
        });
    }
    c
}

/// The contrast sets an item trains: its `contrast_set` and its `contrast:` focus entries.
fn contrasts_of(item: &Item) -> BTreeSet<Contrast> {
    let from_focus = item.focus.iter().filter_map(|f| match f {
        Focus::Contrast(c) => Some(*c),
        _ => None,
    });
    item.contrast_set.into_iter().chain(from_focus).collect()
}

impl Coverage {
    fn count_sounds(&mut self, said: &[SurfaceSyllable]) {
        let initials: BTreeSet<&str> = said.iter().map(|s| s.syllable.initial.name()).collect();
        let finals: BTreeSet<&str> = said.iter().map(|s| s.syllable.final_.name()).collect();
        let tones: BTreeSet<u8> =
            said.iter().map(|s| s.syllable.tone).filter(|t| *t != Tone::Neutral).map(Tone::number).collect();
        let rules: BTreeSet<&str> = said.iter().filter_map(|s| s.rule).map(sandhi_name).collect();
        initials.into_iter().for_each(|n| self.initials.add(n));
        finals.into_iter().for_each(|n| self.finals.add(n));
        tones.into_iter().for_each(|t| self.tones.add(&t.to_string()));
        rules.into_iter().for_each(|r| self.sandhi.add(r));
        self.neutral += usize::from(said.iter().any(|s| s.syllable.tone == Tone::Neutral));
        self.erhua += usize::from(said.iter().any(|s| s.syllable.erhua));
    }
}
