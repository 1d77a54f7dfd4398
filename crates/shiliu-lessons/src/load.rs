//! Reading a pack's files into a [`Pack`], from a folder on disk or from the embedded copy.
//!
//! Loading is lenient about *how many* problems it reports: every unit file is parsed even after
//! one fails, so `shiliu pack check` lists all parse errors at once. Each error names the file,
//! the line and the field (`item[3].kind`), which is what a content author needs to fix it.

use std::collections::BTreeSet;
use std::path::Path;

use serde::Deserialize;

use crate::error::{LessonError, Result};
use crate::ids::UnitId;
use crate::model::{Focus, Item, Manifest, Pack, PackOrigin, Text, Unit};

/// The manifest's file name inside a pack folder.
pub const PACK_TOML: &str = "pack.toml";
/// Where unit files live inside a pack folder.
pub const UNITS_DIR: &str = "units";

/// A pack as far as it could be read, and everything that stopped it reading further.
#[derive(Debug)]
pub(crate) struct Loaded {
    pub pack: Option<Pack>,
    pub errors: Vec<LessonError>,
}

impl Loaded {
    /// The pack, or the first problem.
    pub fn into_result(self) -> Result<Pack> {
        match (self.pack, self.errors.into_iter().next()) {
            (Some(pack), None) => Ok(pack),
            (_, Some(first)) => Err(first),
            (None, None) => unreachable!("a load without a pack always records why"),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UnitFile {
    unit: UnitHeader,
    #[serde(default)]
    item: Vec<toml::Spanned<Item>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UnitHeader {
    id: UnitId,
    title: Text,
    #[serde(default)]
    summary: Option<Text>,
    #[serde(default)]
    focus: Vec<Focus>,
}

/// Reads a pack from its file list and a reader for each file.
pub(crate) fn load(origin: PackOrigin, files: BTreeSet<String>, read: &dyn Fn(&str) -> Result<Vec<u8>>) -> Loaded {
    let mut errors = Vec::new();
    let shown = |file: &str| origin.display_path(file);
    if !files.contains(PACK_TOML) {
        let e = parse_error(&shown(PACK_TOML), None, None, "the pack has no pack.toml".into());
        return Loaded { pack: None, errors: vec![e] };
    }
    let manifest: Manifest =
        match read_text(PACK_TOML, &shown(PACK_TOML), read).and_then(|t| parse_toml(&shown(PACK_TOML), &t)) {
            Ok(m) => m,
            Err(e) => return Loaded { pack: None, errors: vec![e] },
        };
    let mut units = Vec::new();
    for (index, name) in manifest.units.iter().enumerate() {
        let field = Some(format!("units[{index}]"));
        if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
            let why = format!("{name:?} must be a file name inside units/");
            errors.push(parse_error(&shown(PACK_TOML), None, field, why));
            continue;
        }
        let file = format!("{UNITS_DIR}/{name}");
        if !files.contains(&file) {
            errors.push(parse_error(&shown(PACK_TOML), None, field, format!("{file} does not exist")));
            continue;
        }
        match read_text(&file, &shown(&file), read).and_then(|t| parse_unit(&file, &shown(&file), &t)) {
            Ok(unit) => units.push(unit),
            Err(e) => errors.push(e),
        }
    }
    let pack = errors.is_empty().then(|| Pack { manifest, units, origin: origin.clone(), files });
    Loaded { pack, errors }
}

fn read_text(file: &str, shown: &str, read: &dyn Fn(&str) -> Result<Vec<u8>>) -> Result<String> {
    String::from_utf8(read(file)?)
        .map_err(|e| parse_error(shown, None, None, format!("not UTF-8 text (byte {})", e.utf8_error().valid_up_to())))
}

fn parse_unit(file: &str, shown: &str, text: &str) -> Result<Unit> {
    let raw: UnitFile = parse_toml(shown, text)?;
    let items = raw
        .item
        .into_iter()
        .map(|spanned| {
            let line = line_of(text, spanned.span().start);
            let mut item = spanned.into_inner();
            item.line = line;
            item
        })
        .collect();
    Ok(Unit {
        id: raw.unit.id,
        title: raw.unit.title,
        summary: raw.unit.summary,
        focus: raw.unit.focus,
        items,
        file: file.to_owned(),
    })
}

/// Parses TOML into `T`, turning errors into `file:line: field: message`.
pub(crate) fn parse_toml<T: serde::de::DeserializeOwned>(shown: &str, text: &str) -> Result<T> {
    let de = toml::Deserializer::parse(text)
        .map_err(|e| parse_error(shown, e.span().map(|s| line_of(text, s.start)), None, e.message().to_owned()))?;
    serde_path_to_error::deserialize(de).map_err(|e| {
        // toml::Spanned shows up as a private field in the path; readers want `item[3].kind`.
        let path = e.path().to_string().replace(".$__serde_spanned_private_value", "");
        let field = (path != "." && !path.is_empty()).then_some(path);
        let inner = e.into_inner();
        parse_error(shown, inner.span().map(|s| line_of(text, s.start)), field, inner.message().to_owned())
    })
}

fn parse_error(file: &str, line: Option<usize>, field: Option<String>, message: String) -> LessonError {
    LessonError::Parse { file: file.to_owned(), line, field, message }
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())].iter().filter(|&&b| b == b'\n').count() + 1
}

/// Every regular file under `dir`, as `/`-separated relative paths. Hidden files (editor swap
/// files, `.DS_Store`) and links are left out: they are never part of a pack.
pub(crate) fn list_folder(dir: &Path) -> Result<BTreeSet<String>> {
    let mut out = BTreeSet::new();
    let mut pending = vec![(dir.to_path_buf(), String::new())];
    while let Some((folder, prefix)) = pending.pop() {
        for entry in std::fs::read_dir(&folder).map_err(LessonError::file("list", &folder))? {
            let entry = entry.map_err(LessonError::file("list", &folder))?;
            let Some(name) = entry.file_name().to_str().map(str::to_owned) else { continue };
            if name.starts_with('.') {
                continue;
            }
            let kind = entry.file_type().map_err(LessonError::file("inspect", entry.path()))?;
            let relative = format!("{prefix}{name}");
            if kind.is_dir() {
                pending.push((entry.path(), format!("{relative}/")));
            } else if kind.is_file() {
                out.insert(relative);
            }
        }
    }
    Ok(out)
}

/// Loads a pack folder, collecting every parse error.
pub(crate) fn load_folder(dir: &Path, origin: PackOrigin) -> Result<Loaded> {
    let files = list_folder(dir)?;
    let read = |file: &str| {
        let path = dir.join(file);
        std::fs::read(&path).map_err(LessonError::file("read", path))
    };
    Ok(load(origin, files, &read))
}

impl Pack {
    /// Loads the pack in `dir` (a folder with a `pack.toml`), failing on the first parse error.
    /// It is not checked: see [`crate::check`].
    pub fn load_dir(dir: &Path) -> Result<Pack> {
        load_folder(dir, PackOrigin::Folder { dir: dir.to_path_buf() })?.into_result()
    }

    /// The bytes of one of the pack's files (a reference recording).
    pub fn read_file(&self, file: &str) -> Result<Vec<u8>> {
        if !self.files.contains(file) {
            let path = self.display_path(file);
            return Err(LessonError::File {
                op: "read",
                path: path.into(),
                source: std::io::ErrorKind::NotFound.into(),
            });
        }
        match &self.origin {
            PackOrigin::BuiltIn { folder } => crate::embedded::read(&format!("{folder}/{file}")),
            PackOrigin::Installed { dir } | PackOrigin::Folder { dir } => {
                let path = dir.join(file);
                std::fs::read(&path).map_err(LessonError::file("read", path))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const UNIT: &str = r#"[unit]
id = "t.u01"
title = { zh = "声调", en = "Tones" }

[[item]]
id = "t.u01.0001"
kind = "syllable"
hanzi = "妈"
pinyin = "ma1"
gloss = { en = "mum" }

[[item]]
id = "t.u01.0002"
kind = "sylable"
hanzi = "麻"
pinyin = "ma2"
"#;

    #[test]
    fn a_bad_field_is_named_with_its_file_line_and_path() {
        let err = parse_unit("units/01.toml", "t/units/01.toml", UNIT).unwrap_err();
        let LessonError::Parse { file, line, field, message } = &err else { panic!("{err}") };
        assert_eq!(file, "t/units/01.toml");
        assert_eq!(*line, Some(14));
        assert_eq!(field.as_deref(), Some("item[1].kind"));
        assert!(message.contains("sylable"), "{message}");
    }

    #[test]
    fn items_remember_the_line_of_their_header() {
        let unit = parse_unit("units/01.toml", "x", &UNIT.replace("sylable", "syllable")).unwrap();
        assert_eq!(unit.items.iter().map(|i| i.line).collect::<Vec<_>>(), [5, 12]);
        assert_eq!(unit.file, "units/01.toml");
    }

    #[test]
    fn unknown_fields_are_refused_not_ignored() {
        let text =
            UNIT.replace("sylable", "syllable").replace("pinyin = \"ma2\"", "pinyin = \"ma2\"\ncontrast_sets = []");
        let err = parse_unit("units/01.toml", "x", &text).unwrap_err();
        assert!(err.to_string().contains("contrast_sets"), "{err}");
        assert!(err.to_string().contains(":17:"), "{err}");
    }

    #[test]
    fn toml_syntax_errors_give_the_line() {
        let err = parse_unit("units/01.toml", "x", "[unit]\nid = = 3\n").unwrap_err();
        let LessonError::Parse { line, .. } = err else { panic!() };
        assert_eq!(line, Some(2));
    }
}
