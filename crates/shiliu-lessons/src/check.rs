//! Validation: everything `lessons/FORMAT.md` promises about a pack, checked before it is
//! embedded, built into a signed file or installed.
//!
//! A problem is an [`Issue`] with a stable `rule` name, the file and line, the item and field, and
//! a message for the content author. Errors stop a pack from shipping; warnings ask a person to
//! look (a polyphone read differently from the dictionary's choice is usually right, but not
//! always). The dictionary check is the heart of it: every reading must be one the dictionary
//! knows for that character, because a wrong target teaches a child the wrong sound.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;

use serde::Serialize;
use shiliu_pinyin::{
    Contrast, Error as PinyinError, Reading, ReadingSource, SurfaceSyllable, Syllable, Tone, char_readings,
    contrast_of, parse_pinyin_line, to_pinyin,
};

use crate::coverage::{Coverage, compute_coverage};
use crate::error::{LessonError, Result};
use crate::ids::{ItemId, is_valid_item_id, is_valid_pack_id, is_valid_unit_id};
use crate::load::{PACK_TOML, UNITS_DIR, load_folder};
use crate::model::{Focus, Item, ItemKind, Pack, PackOrigin, Unit};

/// This app's version; packs needing a newer one are refused.
pub const APP_VERSION: &str = env!("CARGO_PKG_VERSION");

/// One problem found in a pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issue {
    /// Stable name of the rule broken (`pinyin.mismatch`, `ref.unknown`, …).
    pub rule: &'static str,
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// The item or unit id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub message: String,
}

impl std::fmt::Display for Issue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        f.write_str(":")?;
        if let Some(id) = &self.id {
            write!(f, " {id}")?;
        }
        if let Some(field) = &self.field {
            write!(f, " {field}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// What `check` found: errors, warnings and what the pack drills.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    pub pack: Option<String>,
    pub version: Option<String>,
    pub errors: Vec<Issue>,
    pub warnings: Vec<Issue>,
    #[serde(flatten)]
    pub coverage: Coverage,
}

impl CheckReport {
    /// No errors (warnings allowed).
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }

    /// Errors whose rule is `rule`, for tests and tools.
    pub fn errors_of(&self, rule: &str) -> Vec<&Issue> {
        self.errors.iter().filter(|i| i.rule == rule).collect()
    }

    pub fn warnings_of(&self, rule: &str) -> Vec<&Issue> {
        self.warnings.iter().filter(|i| i.rule == rule).collect()
    }

    /// `Ok` when there are no errors, else [`LessonError::Invalid`] carrying them.
    pub fn into_result(self) -> Result<()> {
        match self.errors.is_empty() {
            true => Ok(()),
            false => Err(LessonError::Invalid { pack: self.pack.unwrap_or_default(), errors: self.errors }),
        }
    }
}

/// Checks a pack folder on disk: parse errors of every file, then, if it parsed, every rule.
/// Fails only when the folder cannot be read at all.
pub fn check_dir(dir: &Path) -> Result<CheckReport> {
    let loaded = load_folder(dir, PackOrigin::Folder { dir: dir.to_path_buf() })?;
    Ok(match loaded.pack {
        Some(pack) => check(&pack),
        None => CheckReport {
            pack: None,
            version: None,
            errors: loaded.errors.iter().map(parse_issue).collect(),
            warnings: Vec::new(),
            coverage: Coverage::default(),
        },
    })
}

fn parse_issue(e: &LessonError) -> Issue {
    match e {
        LessonError::Parse { file, line, field, message } => Issue {
            rule: "parse",
            file: file.clone(),
            line: *line,
            id: None,
            field: field.clone(),
            message: message.clone(),
        },
        other => {
            Issue { rule: "parse", file: String::new(), line: None, id: None, field: None, message: other.to_string() }
        }
    }
}

/// Checks every rule of the format and measures coverage.
pub fn check(pack: &Pack) -> CheckReport {
    let mut c = Checker { pack, errors: Vec::new(), warnings: Vec::new() };
    c.manifest();
    let ids: HashSet<&ItemId> = pack.items().map(|i| &i.id).collect();
    let mut seen_units = HashSet::new();
    let mut seen_items = HashSet::new();
    let mut surfaces: HashMap<ItemId, Vec<SurfaceSyllable>> = HashMap::new();
    for unit in &pack.units {
        c.unit(unit, &mut seen_units);
        for item in &unit.items {
            let at = At { file: &unit.file, line: Some(item.line), id: item.id.as_str() };
            if !is_valid_item_id(item.id.as_str(), &unit.id) {
                c.error(&at, "id.item", "id", format!("item ids are `{}.` and four digits", unit.id));
            }
            if !seen_items.insert(&item.id) {
                c.error(&at, "id.duplicate", "id", "another item has this id".into());
            }
            if let Some(said) = c.phonology(&at, item) {
                c.focus_present(&at, item, &said);
                surfaces.insert(item.id.clone(), said);
            }
            c.fields(&at, item, &ids);
        }
    }
    c.minimal_pairs();
    let coverage = compute_coverage(pack, &|item: &Item| surfaces.get(&item.id).cloned());
    CheckReport {
        pack: Some(pack.id().to_string()),
        version: Some(pack.version().to_string()),
        errors: c.errors,
        warnings: c.warnings,
        coverage,
    }
}

/// Where an issue is.
struct At<'a> {
    file: &'a str,
    line: Option<usize>,
    id: &'a str,
}

struct Checker<'p> {
    pack: &'p Pack,
    errors: Vec<Issue>,
    warnings: Vec<Issue>,
}

impl Checker<'_> {
    fn issue(&self, at: &At, rule: &'static str, field: &str, message: String) -> Issue {
        Issue {
            rule,
            file: self.pack.display_path(at.file),
            line: at.line,
            id: (!at.id.is_empty()).then(|| at.id.to_owned()),
            field: (!field.is_empty()).then(|| field.to_owned()),
            message,
        }
    }

    fn error(&mut self, at: &At, rule: &'static str, field: &str, message: String) {
        let issue = self.issue(at, rule, field, message);
        self.errors.push(issue);
    }

    fn warn(&mut self, at: &At, rule: &'static str, field: &str, message: String) {
        let issue = self.issue(at, rule, field, message);
        self.warnings.push(issue);
    }

    fn manifest(&mut self) {
        let m = &self.pack.manifest;
        let at = At { file: PACK_TOML, line: None, id: "" };
        if !is_valid_pack_id(m.id.as_str()) {
            self.error(
                &at,
                "id.pack",
                "id",
                format!("{:?} must be lowercase letters, digits and hyphens", m.id.as_str()),
            );
        }
        let app = semver::Version::parse(APP_VERSION).expect("the crate version is semver");
        if m.min_app_version > app {
            let why = format!("the pack needs app {} or later; this app is {app}", m.min_app_version);
            self.error(&at, "app_version", "min_app_version", why);
        }
        if m.licence.trim().is_empty() {
            self.error(&at, "manifest.licence", "licence", "a pack must name its licence".into());
        }
        if m.units.is_empty() {
            self.error(&at, "manifest.units", "units", "the pack lists no units".into());
        }
        let mut listed = HashSet::new();
        for name in &m.units {
            if !listed.insert(name.as_str()) {
                self.error(&at, "manifest.units", "units", format!("{name} is listed twice"));
            }
        }
        let prefix = format!("{UNITS_DIR}/");
        let unlisted: Vec<String> = self
            .pack
            .files()
            .filter_map(|f| f.strip_prefix(&prefix))
            .filter(|name| name.ends_with(".toml") && !name.contains('/') && !listed.contains(name))
            .map(str::to_owned)
            .collect();
        for name in unlisted {
            let file = format!("{prefix}{name}");
            let at = At { file: &file, line: None, id: "" };
            self.warn(&at, "unit.unlisted", "", "not listed in pack.toml, so students never see it".into());
        }
    }

    fn unit<'u>(&mut self, unit: &'u Unit, seen: &mut HashSet<&'u str>) {
        let at = At { file: &unit.file, line: Some(1), id: unit.id.as_str() };
        if !is_valid_unit_id(unit.id.as_str(), self.pack.id()) {
            self.error(
                &at,
                "id.unit",
                "unit.id",
                format!("unit ids are `{}.` and a name of [a-z0-9_-]", self.pack.id()),
            );
        }
        if !seen.insert(unit.id.as_str()) {
            self.error(&at, "id.duplicate", "unit.id", "another unit has this id".into());
        }
        if unit.items.is_empty() {
            self.warn(&at, "unit.empty", "", "the unit has no items".into());
        }
    }

    /// Pinyin against the hanzi and the dictionary, and the surface override. Returns the
    /// surface form when the item's phonology is sound.
    fn phonology(&mut self, at: &At, item: &Item) -> Option<Vec<SurfaceSyllable>> {
        if item.hanzi.trim().is_empty() {
            self.error(at, "hanzi.empty", "hanzi", "an item needs its text".into());
            return None;
        }
        let readings = match shiliu_pinyin::align_pinyin(&item.hanzi, &item.pinyin) {
            Ok(r) => r,
            Err(e @ PinyinError::AlignmentMismatch { .. }) => {
                self.error(at, "pinyin.mismatch", "pinyin", format!("{e}; write one syllable per hanzi"));
                return None;
            }
            Err(e) => {
                self.error(at, "pinyin.syllable", "pinyin", e.to_string());
                return None;
            }
        };
        if !self.dictionary(at, item, &readings) {
            return None;
        }
        if let Some(written) = &item.surface
            && let Err(e) = parse_pinyin_line(written)
        {
            self.error(at, "surface.syllable", "surface", e.to_string());
            return None;
        }
        match item.surface() {
            Ok(said) => {
                if item.kind == ItemKind::Syllable && said.len() != 1 {
                    let why = format!("a `syllable` item is said as one syllable, this one as {}", said.len());
                    self.warn(at, "kind.syllable", "kind", why);
                }
                Some(said)
            }
            Err(e) => {
                self.error(at, "surface.mismatch", "surface", e.to_string());
                None
            }
        }
    }

    /// Every given reading must be one the dictionary has for its character; one that differs
    /// from the dictionary's own choice in this text is flagged for review.
    fn dictionary(&mut self, at: &At, item: &Item, readings: &[Reading]) -> bool {
        let guessed = to_pinyin(&item.hanzi);
        let mut sound = true;
        for (given, dict) in readings.iter().zip(&guessed) {
            let (Some(c), Some(g)) = (given.hanzi_char(), given.syllable) else { continue };
            let options = char_readings(c);
            let g = g.with_erhua(false);
            if options.is_empty() {
                let why = format!("the dictionary has no reading for {c}; check {g} by hand");
                self.warn(at, "pinyin.unknown_char", "pinyin", why);
                continue;
            }
            if !options.iter().any(|o| is_reading_of(&g, o)) {
                let known: Vec<String> = options.iter().map(Syllable::to_numbered).collect();
                let mut why = format!("{c} is written {g}, but the dictionary reads it {}", known.join(", "));
                if matches!(c, '一' | '不') {
                    why.push_str(" (write the citation tone; sandhi is applied automatically)");
                }
                self.error(at, "pinyin.mismatch", "pinyin", why);
                sound = false;
                continue;
            }
            let Some(d) = dict.syllable else { continue };
            // 一 and 不 written in their citation tone are always right: sandhi makes the rest.
            let citation_yi_bu = (c == '一' && g.tone == Tone::First) || (c == '不' && g.tone == Tone::Fourth);
            if citation_yi_bu {
                continue;
            }
            let word_known = matches!(dict.source, ReadingSource::Word | ReadingSource::Rule);
            if g != d.with_erhua(false) && (options.len() > 1 || word_known) {
                let why = format!("review: {c} is written {g}; the dictionary reads {d} in {}", item.hanzi);
                self.warn(at, "pinyin.review", "pinyin", why);
            }
        }
        sound
    }

    /// Focus entries that name a sound the item does not contain are probably slips.
    fn focus_present(&mut self, at: &At, item: &Item, said: &[SurfaceSyllable]) {
        let has = |f: &Focus| {
            said.iter().any(|s| {
                let (syl, cit) = (&s.syllable, &s.citation);
                match f {
                    Focus::Initial(i) => syl.initial == *i,
                    Focus::Final(x) => syl.final_ == *x,
                    Focus::Tone(t) => syl.tone == *t || cit.tone == *t,
                    Focus::Sandhi(r) => s.rule == Some(*r),
                    Focus::Neutral => syl.tone == Tone::Neutral,
                    Focus::Erhua => syl.erhua,
                    Focus::Contrast(_) => true,
                }
            })
        };
        for f in &item.focus {
            if !has(f) {
                self.warn(at, "focus.absent", "focus", format!("{f} is not in what the item says"));
            }
        }
    }

    fn fields(&mut self, at: &At, item: &Item, ids: &HashSet<&ItemId>) {
        if item.gloss.get("en").is_none_or(|g| g.trim().is_empty()) {
            self.error(at, "gloss.en", "gloss.en", "every item needs an English gloss".into());
        }
        for (field, list) in [("contrasts", &item.contrasts), ("choices", &item.choices)] {
            for id in list {
                if !ids.contains(id) {
                    self.error(at, "ref.unknown", field, format!("no item {id} in this pack"));
                } else if id == &item.id && field == "contrasts" {
                    self.error(at, "ref.self", field, "an item cannot contrast with itself".into());
                }
            }
        }
        if item.kind == ItemKind::MinimalPair {
            if item.contrast_set.is_none() {
                self.error(
                    at,
                    "minimal_pair.contrast_set",
                    "contrast_set",
                    "a minimal pair names its contrast_set".into(),
                );
            }
            if item.contrasts.is_empty() {
                self.error(
                    at,
                    "minimal_pair.contrasts",
                    "contrasts",
                    "a minimal pair lists at least one contrast".into(),
                );
            }
        }
        let distinct: BTreeSet<&ItemId> = item.choices.iter().collect();
        if item.kind == ItemKind::Listening && distinct.len() < 2 {
            self.error(
                at,
                "listening.choices",
                "choices",
                format!("a listening item needs 2 or more choices, not {}", distinct.len()),
            );
        } else if item.kind != ItemKind::Listening && !item.choices.is_empty() {
            self.warn(at, "choices.unused", "choices", "only listening items use choices".into());
        }
        if let Some(audio) = &item.audio {
            if let Err(why) = crate::paths::check_relative(audio) {
                self.error(at, "audio.path", "audio", format!("{audio:?}: {why}"));
            } else if !self.pack.has_file(audio) {
                self.error(at, "audio.missing", "audio", format!("{audio} is not in the pack"));
            }
        }
        if item.psc_part.is_some_and(|p| !(1..=3).contains(&p)) {
            self.error(at, "psc_part", "psc_part", "psc_part is 1, 2 or 3".into());
        }
    }

    /// Minimal pairs list each other and differ by their contrast set (warnings: the author may
    /// know better, e.g. a pair that also differs in tone on purpose).
    fn minimal_pairs(&mut self) {
        let by_id: HashMap<&ItemId, (&Item, &Unit)> =
            self.pack.units.iter().flat_map(|u| u.items.iter().map(move |i| (&i.id, (i, u)))).collect();
        for unit in &self.pack.units {
            for item in unit.items.iter().filter(|i| i.kind == ItemKind::MinimalPair) {
                let at = At { file: &unit.file, line: Some(item.line), id: item.id.as_str() };
                for other_id in &item.contrasts {
                    let Some((other, _)) = by_id.get(other_id) else { continue };
                    if other.kind == ItemKind::MinimalPair && !other.contrasts.contains(&item.id) {
                        self.warn(
                            &at,
                            "minimal_pair.mutual",
                            "contrasts",
                            format!("{other_id} does not list {} back", item.id),
                        );
                    }
                    if let (Some(set), Ok(a), Ok(b)) = (item.contrast_set, item.citation(), other.citation())
                        && let Some(why) = pair_difference(&a, &b, set)
                    {
                        self.warn(&at, "minimal_pair.difference", "contrasts", format!("{other_id}: {why}"));
                    }
                }
            }
        }
    }
}

/// Whether a given citation reading is the dictionary reading `o`: same sounds, and the same tone
/// unless written neutral (lexical neutral tones, 儿 as er5).
fn is_reading_of(g: &Syllable, o: &Syllable) -> bool {
    g.same_segments(&o.with_erhua(false)) && (g.tone == o.tone || g.tone == Tone::Neutral)
}

/// Why two pinyin sequences are not a minimal pair for `set`, if they are not.
fn pair_difference(a: &[Syllable], b: &[Syllable], set: Contrast) -> Option<String> {
    if a.len() != b.len() {
        return None; // Different lengths are a deliberate choice; nothing to compare.
    }
    let differing: Vec<(&Syllable, &Syllable)> = a.iter().zip(b).filter(|(x, y)| x != y).collect();
    if differing.is_empty() {
        return Some("the two items have the same pinyin".into());
    }
    differing
        .iter()
        .find(|(x, y)| contrast_of(x, y) != Some(set))
        .map(|(x, y)| format!("{x} and {y} do not differ by {}", set.name()))
}
