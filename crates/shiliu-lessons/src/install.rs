//! Installing add-on packs into `<data>/packs/<id>/`, and listing what is installed.
//!
//! An install is staged, then swapped in:
//!
//! 1. verify the pack file (signature, names, sizes, see [`crate::archive`]) and refuse a
//!    built-in id, a downgrade, or the same version again unless reinstalling;
//! 2. extract it into a fresh hidden folder in `<data>/packs/` (the same file system, so the
//!    swap is a rename), checking every file's size and hash as it is written, and run the full
//!    pack [`check`] on what landed;
//! 3. move the installed version aside, rename the new one into place, then delete the old one.
//!
//! Any failure before step 3 leaves `<data>/packs/` exactly as it was (the staging folder is
//! removed); a failure during step 3 moves the old version back. If the power goes between the
//! two renames, the next look at the packs folder finds the old version aside with nothing in its
//! place and puts it back. Progress is keyed on item ids, so replacing a pack loses nothing.
//! One install at a time: a second concurrent install may remove the first one's staging folder.

use std::path::{Path, PathBuf};

use serde::Serialize;
use shiliu_paths::DataDir;

use crate::archive::{Limits, MANIFEST_JSON, MANIFEST_SIG, SignedManifest, open_pack};
use crate::check::{Issue, check};
use crate::embedded::{builtin_pack_ids, builtin_packs};
use crate::error::{LessonError, Result};
use crate::fsutil::{sync_dir, unique_suffix, write_atomic};
use crate::ids::PackId;
use crate::keys::{PublicKey, trusted_keys};
use crate::load::{PACK_TOML, load_folder, parse_toml};
use crate::model::{Manifest, Pack, PackOrigin};

const STAGING_PREFIX: &str = ".staging-";
const OLD_PREFIX: &str = ".old-";

/// How to install.
#[derive(Debug, Clone, Copy, Default)]
pub struct InstallOptions {
    /// Replace the same version (a damaged install, or a re-issued file).
    pub reinstall: bool,
    pub limits: Limits,
}

/// What an install did.
#[derive(Debug, Clone, Serialize)]
pub struct Installed {
    pub id: PackId,
    pub version: semver::Version,
    /// The version it replaced, if any.
    pub replaced: Option<semver::Version>,
    /// The trusted publisher's name.
    pub publisher: String,
    pub dir: PathBuf,
}

/// A verified, extracted and checked pack waiting to be swapped in. Dropping it without
/// [`StagedPack::commit`] removes the staging folder and changes nothing.
#[derive(Debug)]
pub struct StagedPack {
    staging: PathBuf,
    target: PathBuf,
    installed: Installed,
    committed: bool,
}

/// Verifies, stages and swaps in a pack file.
pub fn install_pack(data: &DataDir, file: &Path, options: &InstallOptions) -> Result<Installed> {
    stage_pack(data, file, options)?.commit()
}

/// Steps 1 and 2 of the module doc.
pub fn stage_pack(data: &DataDir, file: &Path, options: &InstallOptions) -> Result<StagedPack> {
    let packs = data.packs();
    std::fs::create_dir_all(&packs).map_err(LessonError::file("create", &packs))?;
    recover_interrupted(&packs, true)?;
    let trusted = trusted_keys(data)?;
    let mut opened = open_pack(file, &trusted, &options.limits)?;
    let (id, version) = (opened.manifest.id.clone(), opened.manifest.version.clone());
    if builtin_pack_ids().contains(&id) {
        return Err(LessonError::Conflict { id: id.to_string() });
    }
    let target = packs.join(id.as_str());
    let replaced = installed_version(&target);
    match &replaced {
        Some(old) if *old > version => {
            return Err(LessonError::Downgrade { id: id.to_string(), installed: old.clone(), offered: version });
        }
        Some(old) if *old == version && !options.reinstall => {
            return Err(LessonError::AlreadyInstalled { id: id.to_string(), version });
        }
        _ => {}
    }
    let staging = packs.join(format!("{STAGING_PREFIX}{id}-{}", unique_suffix()));
    std::fs::create_dir(&staging).map_err(LessonError::file("create", &staging))?;
    let installed = Installed { id, version, replaced, publisher: opened.publisher.name.clone(), dir: target.clone() };
    // From here on the staging folder belongs to `staged`, whose drop removes it on any error.
    let staged = StagedPack { staging, target, installed, committed: false };
    opened.check_contents(Some(&staged.staging))?;
    write_atomic(&staged.staging.join(MANIFEST_JSON), &opened.manifest_bytes)?;
    write_atomic(&staged.staging.join(MANIFEST_SIG), &opened.signature_bytes)?;
    check_staged(&staged.staging, &opened.manifest)?;
    sync_dir(&staged.staging)?;
    Ok(staged)
}

/// The extracted pack must parse, pass every check, and be the pack the signed manifest names.
fn check_staged(staging: &Path, signed: &SignedManifest) -> Result<()> {
    let pack = load_folder(staging, PackOrigin::Folder { dir: staging.to_path_buf() })?.into_result()?;
    let mut report = check(&pack);
    if pack.id() != &signed.id || pack.version() != &signed.version {
        report.errors.push(Issue {
            rule: "manifest.signed",
            file: PACK_TOML.into(),
            line: None,
            id: None,
            field: None,
            message: format!(
                "pack.toml says {} {} but the signed manifest says {} {}",
                pack.id(),
                pack.version(),
                signed.id,
                signed.version
            ),
        });
    }
    report.pack = Some(signed.id.to_string());
    report.into_result()
}

fn installed_version(dir: &Path) -> Option<semver::Version> {
    let path = dir.join(PACK_TOML);
    let text = std::fs::read_to_string(&path).ok()?;
    // A damaged installed pack counts as absent so it can be replaced.
    parse_toml::<Manifest>(&path.display().to_string(), &text).ok().map(|m| m.version)
}

impl StagedPack {
    /// The pack that will be installed.
    pub fn installed(&self) -> &Installed {
        &self.installed
    }

    /// Step 3: swap the staged pack into place.
    pub fn commit(mut self) -> Result<Installed> {
        swap_into_place(&self.staging, &self.target, &|_| Ok(()))?;
        self.committed = true;
        Ok(self.installed.clone())
    }
}

impl Drop for StagedPack {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

/// The two renames of a swap, named so tests can make either fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SwapStep {
    MoveOldAside,
    MoveNewIn,
}

fn swap_into_place(staging: &Path, target: &Path, fail: &dyn Fn(SwapStep) -> std::io::Result<()>) -> Result<()> {
    let packs = target.parent().expect("a pack folder is inside <data>/packs");
    let id = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let old = packs.join(format!("{OLD_PREFIX}{id}-{}", unique_suffix()));
    let had_old = target.exists();
    if had_old {
        fail(SwapStep::MoveOldAside)
            .and_then(|()| std::fs::rename(target, &old))
            .map_err(LessonError::file("move aside", target))?;
    }
    if let Err(e) = fail(SwapStep::MoveNewIn).and_then(|()| std::fs::rename(staging, target)) {
        if had_old {
            // Put the old version back; if even that fails, the next look at the folder will.
            let _ = std::fs::rename(&old, target);
        }
        return Err(LessonError::File { op: "move into place", path: target.into(), source: e });
    }
    sync_dir(packs)?;
    if had_old {
        // A failure here only leaves a hidden folder that the next install removes.
        let _ = std::fs::remove_dir_all(&old);
    }
    Ok(())
}

/// Puts back a pack moved aside by a swap that never finished, and removes what an interrupted
/// install left behind. `clean` also removes staging folders and finished swaps' leftovers
/// (only an installer should, since another install may be using them).
fn recover_interrupted(packs: &Path, clean: bool) -> Result<()> {
    let Ok(entries) = std::fs::read_dir(packs) else { return Ok(()) };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(rest) = name.strip_prefix(OLD_PREFIX) {
            // `.old-<id>-<pid>-<nanos>-<n>`: the id is everything before the last three parts.
            let id = rest.rsplitn(4, '-').nth(3).unwrap_or_default();
            let target = packs.join(id);
            if !id.is_empty() && !target.exists() {
                std::fs::rename(entry.path(), &target).map_err(LessonError::file("restore", &target))?;
            } else if clean {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        } else if clean && name.starts_with(STAGING_PREFIX) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
    Ok(())
}

/// Every installed add-on pack, by id. Parsed, not re-checked: they were checked on install.
pub fn installed_packs(data: &DataDir) -> Result<Vec<Pack>> {
    let packs_dir = data.packs();
    if !packs_dir.is_dir() {
        return Ok(Vec::new());
    }
    recover_interrupted(&packs_dir, false)?;
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&packs_dir)
        .map_err(LessonError::file("list", &packs_dir))?
        .flatten()
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.') && e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .collect();
    dirs.sort();
    dirs.iter().map(|dir| load_folder(dir, PackOrigin::Installed { dir: dir.clone() })?.into_result()).collect()
}

/// The built-in packs, then the installed add-ons. An add-on with a built-in pack's id (possible
/// only if a newer app adopted the id) is left out: the built-in pack wins.
pub fn all_packs(data: &DataDir) -> Result<Vec<Pack>> {
    let mut packs = builtin_packs()?;
    for pack in installed_packs(data)? {
        if !packs.iter().any(|p| p.id() == pack.id()) {
            packs.push(pack);
        }
    }
    Ok(packs)
}

/// The publisher key an installed pack was signed with (from its kept `manifest.json`).
pub fn installed_publisher(pack: &Pack) -> Option<PublicKey> {
    let PackOrigin::Installed { dir } = &pack.origin else { return None };
    let bytes = std::fs::read(dir.join(MANIFEST_JSON)).ok()?;
    serde_json::from_slice::<SignedManifest>(&bytes).ok().map(|m| m.publisher)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder_with(dir: &Path, file: &str, text: &str) {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join(file), text).unwrap();
    }

    #[test]
    fn a_failed_final_rename_puts_the_old_pack_back() {
        let root = tempfile::tempdir().unwrap();
        let (staging, target) = (root.path().join(".staging-x-1"), root.path().join("x"));
        folder_with(&staging, "pack.toml", "new");
        folder_with(&target, "pack.toml", "old");
        let fail = |step| match step {
            SwapStep::MoveNewIn => Err(std::io::Error::other("disk full")),
            SwapStep::MoveOldAside => Ok(()),
        };
        assert_eq!(swap_into_place(&staging, &target, &fail).unwrap_err().code(), "lessons.file");
        assert_eq!(std::fs::read_to_string(target.join("pack.toml")).unwrap(), "old");
    }

    #[test]
    fn a_swap_cut_between_its_renames_is_undone_on_the_next_look() {
        let root = tempfile::tempdir().unwrap();
        folder_with(&root.path().join(".old-my-pack-123-456-0"), "pack.toml", "old");
        folder_with(&root.path().join(".staging-my-pack-123-456-1"), "pack.toml", "new");
        recover_interrupted(root.path(), false).unwrap();
        assert_eq!(std::fs::read_to_string(root.path().join("my-pack/pack.toml")).unwrap(), "old");
        assert!(root.path().join(".staging-my-pack-123-456-1").exists(), "readers leave staging alone");
        recover_interrupted(root.path(), true).unwrap();
        let left: Vec<_> = std::fs::read_dir(root.path()).unwrap().flatten().map(|e| e.file_name()).collect();
        assert_eq!(left, ["my-pack"]);
    }

    #[test]
    fn a_successful_swap_leaves_only_the_new_pack() {
        let root = tempfile::tempdir().unwrap();
        let (staging, target) = (root.path().join(".staging-x-1"), root.path().join("x"));
        folder_with(&staging, "pack.toml", "new");
        folder_with(&target, "pack.toml", "old");
        swap_into_place(&staging, &target, &|_| Ok(())).unwrap();
        assert_eq!(std::fs::read_to_string(target.join("pack.toml")).unwrap(), "new");
        assert_eq!(std::fs::read_dir(root.path()).unwrap().count(), 1);
    }
}
