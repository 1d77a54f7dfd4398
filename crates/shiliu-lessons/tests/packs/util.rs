//! Shared helpers: the fixture pack, broken copies of it, signed and hand-crafted pack files,
//! and snapshots of a folder to prove nothing changed.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use shiliu_lessons::{
    CheckReport, FileEntry, Limits, MANIFEST_JSON, MANIFEST_SIG, SecretKey, SignedManifest, build_pack, check_dir,
};
use shiliu_paths::DataDir;

pub fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid")
}

/// A copy of the fixture pack in a temporary folder, to break or change.
pub struct Copy {
    pub _root: tempfile::TempDir,
    pub dir: PathBuf,
}

pub fn copy_fixture() -> Copy {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("fixture");
    copy_dir(&fixture(), &dir);
    Copy { _root: root, dir }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

impl Copy {
    /// Replaces the first `from` in `file` with `to`; panics if `from` is not there, so a test
    /// never passes because its edit silently did nothing.
    pub fn edit(&self, file: &str, from: &str, to: &str) -> &Copy {
        let path = self.dir.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{file} has no {from:?}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
        self
    }

    pub fn write(&self, file: &str, contents: &[u8]) -> &Copy {
        let path = self.dir.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
        self
    }

    pub fn check(&self) -> CheckReport {
        check_dir(&self.dir).unwrap()
    }

    /// Sets the version in pack.toml.
    pub fn version(&self, version: &str) -> &Copy {
        self.edit("pack.toml", "version = \"1.0.0\"", &format!("version = \"{version}\""))
    }
}

/// The rules of a report's errors, for short assertions.
pub fn error_rules(report: &CheckReport) -> Vec<&'static str> {
    report.errors.iter().map(|i| i.rule).collect()
}

pub fn publisher() -> SecretKey {
    SecretKey::from_seed([42; 32])
}

pub fn stranger() -> SecretKey {
    SecretKey::from_seed([13; 32])
}

/// A data folder that trusts [`publisher`].
pub fn data_dir() -> (tempfile::TempDir, DataDir) {
    let root = tempfile::tempdir().unwrap();
    let data = DataDir::at(root.path().join("data"));
    shiliu_lessons::trust_key(&data, publisher().public(), "Test publisher").unwrap();
    (root, data)
}

/// The fixture at `version`, built and signed by `key` into `dir`.
pub fn built(dir: &Path, version: &str, key: &SecretKey) -> PathBuf {
    let copy = copy_fixture();
    if version != "1.0.0" {
        copy.version(version);
    }
    let out = dir.join(format!("fixture-{version}.shiliupack"));
    build_pack(&copy.dir, &out, key, &Limits::default()).unwrap();
    out
}

/// Every entry of a zip, in order.
pub fn read_zip(path: &Path) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).unwrap();
            (f.name().unwrap().into_owned(), bytes)
        })
        .collect()
}

/// Writes entries to a zip as given, however wrong they are.
pub fn write_zip(path: &Path, entries: &[(String, Vec<u8>)]) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        zip.start_file(name.as_str(), options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A manifest for `files`, signed by `key`: the two entries to add to a crafted pack.
pub fn sign(id: &str, version: &str, files: &[(String, Vec<u8>)], key: &SecretKey) -> [(String, Vec<u8>); 2] {
    let manifest = SignedManifest {
        format: 1,
        id: id.into(),
        version: version.parse().unwrap(),
        publisher: key.public(),
        files: files
            .iter()
            .map(|(path, bytes)| FileEntry { path: path.clone(), size: bytes.len() as u64, sha256: sha256_hex(bytes) })
            .collect(),
    };
    signed(&manifest, key)
}

pub fn signed(manifest: &SignedManifest, key: &SecretKey) -> [(String, Vec<u8>); 2] {
    let json = serde_json::to_vec_pretty(manifest).unwrap();
    let sig = format!("{}\n", hex::encode(key.sign(&json))).into_bytes();
    [(MANIFEST_JSON.to_owned(), json), (MANIFEST_SIG.to_owned(), sig)]
}

/// The fixture's files with their contents, as a pack file would hold them.
pub fn fixture_files(version: &str) -> Vec<(String, Vec<u8>)> {
    let copy = copy_fixture();
    if version != "1.0.0" {
        copy.version(version);
    }
    let mut files = Vec::new();
    collect(&copy.dir, "", &mut files);
    files.sort();
    files
}

fn collect(dir: &Path, prefix: &str, out: &mut Vec<(String, Vec<u8>)>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
        if entry.file_type().unwrap().is_dir() {
            collect(&entry.path(), &format!("{name}/"), out);
        } else {
            out.push((name, std::fs::read(entry.path()).unwrap()));
        }
    }
}

/// Every file and folder under `dir` with a hash of each file's contents.
pub fn snapshot(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    snap(dir, dir, &mut out);
    out
}

fn snap(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let rel = entry.path().strip_prefix(root).unwrap().display().to_string();
        if entry.file_type().unwrap().is_dir() {
            out.insert(format!("{rel}/"), String::new());
            snap(root, &entry.path(), out);
        } else {
            out.insert(rel, sha256_hex(&std::fs::read(entry.path()).unwrap()));
        }
    }
}
