//! The built-in packs: every folder of the workspace `lessons/` directory with a `pack.toml`,
//! compiled into the binary by rust-embed (in debug builds rust-embed reads the folder at run
//! time instead, so editing a lesson needs no rebuild while developing).
//!
//! They are parsed and checked the first time they are asked for, not at start-up: the app
//! starts as fast with one pack as with ten, and a test checks every pack so a broken lesson
//! fails the build's tests rather than a classroom.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use rust_embed::RustEmbed;

use crate::check::check;
use crate::error::{LessonError, Result};
use crate::ids::PackId;
use crate::load::{PACK_TOML, load, parse_toml};
use crate::model::{Manifest, Pack, PackOrigin};

#[derive(RustEmbed)]
#[folder = "../../lessons/"]
#[exclude = "FORMAT.md"]
#[exclude = ".*"]
#[exclude = "*/.*"]
struct Lessons;

/// The bytes of one embedded file, by its path under `lessons/`.
pub(crate) fn read(path: &str) -> Result<Vec<u8>> {
    Lessons::get(path).map(|f| f.data.into_owned()).ok_or_else(|| LessonError::File {
        op: "read",
        path: format!("lessons/{path}").into(),
        source: std::io::ErrorKind::NotFound.into(),
    })
}

/// The folders under `lessons/` that hold a pack, in name order.
pub fn builtin_folders() -> Vec<String> {
    let folders: BTreeSet<String> = Lessons::iter()
        .filter_map(|p| p.strip_suffix(&format!("/{PACK_TOML}")).map(str::to_owned))
        .filter(|f| !f.contains('/'))
        .collect();
    folders.into_iter().collect()
}

/// Total size of the embedded lesson files, in bytes.
pub fn embedded_bytes() -> u64 {
    Lessons::iter().filter_map(|p| Lessons::get(&p)).map(|f| f.data.len() as u64).sum()
}

fn load_builtin(folder: &str) -> Result<Pack> {
    let prefix = format!("{folder}/");
    let files: BTreeSet<String> = Lessons::iter().filter_map(|p| p.strip_prefix(&prefix).map(str::to_owned)).collect();
    let read = |file: &str| read(&format!("{prefix}{file}"));
    load(PackOrigin::BuiltIn { folder: folder.to_owned() }, files, &read).into_result()
}

/// Every built-in pack, parsed and checked (cached after the first successful call). Fails on
/// any error in any pack: the tests see to it that this never happens in a release.
pub fn builtin_packs() -> Result<Vec<Pack>> {
    static PACKS: OnceLock<Vec<Pack>> = OnceLock::new();
    if let Some(packs) = PACKS.get() {
        return Ok(packs.clone());
    }
    let mut packs = Vec::new();
    for folder in builtin_folders() {
        let pack = load_builtin(&folder)?;
        let mut report = check(&pack);
        if pack.id().as_str() != folder {
            report.errors.push(crate::check::Issue {
                rule: "id.folder",
                file: pack.display_path(PACK_TOML),
                line: None,
                id: None,
                field: Some("id".into()),
                message: format!("a built-in pack's id is its folder name, {folder}"),
            });
        }
        report.into_result()?;
        packs.push(pack);
    }
    Ok(PACKS.get_or_init(|| packs).clone())
}

/// The ids of the built-in packs, from their manifests only (cheap; nothing is checked).
pub fn builtin_pack_ids() -> Vec<PackId> {
    builtin_folders()
        .iter()
        .filter_map(|folder| {
            let path = format!("{folder}/{PACK_TOML}");
            let text = String::from_utf8(read(&path).ok()?).ok()?;
            parse_toml::<Manifest>(&path, &text).ok().map(|m| m.id)
        })
        .collect()
}
