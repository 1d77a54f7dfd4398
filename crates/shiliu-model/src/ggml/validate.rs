//! Checking a ggml model file the way whisper.cpp's loader reads it: every tensor it expects
//! present once, with the right shape, type and byte count, and nothing after them.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{GGML_MAGIC, GgmlType, Hparams, expected_tensors};
use crate::error::{ModelError, Result};

/// What a valid ggml Whisper model file holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GgmlInfo {
    pub hparams: Hparams,
    /// "tiny", "base", "small", …
    pub size_name: String,
    /// The matrix weight type: "f16", "q8_0", …
    pub quantisation: String,
    pub multilingual: bool,
    pub tensors: usize,
    pub bytes: u64,
}

/// True when the file starts with the ggml magic number.
pub fn looks_like_ggml(path: &Path) -> bool {
    let mut b = [0u8; 4];
    File::open(path).and_then(|mut f| f.read_exact(&mut b)).is_ok() && u32::from_le_bytes(b) == GGML_MAGIC
}

/// Reads a ggml model file end to end and checks it is complete and loadable.
pub fn validate(path: &Path) -> Result<GgmlInfo> {
    let file = File::open(path).map_err(ModelError::file("open", path))?;
    let bytes = file.metadata().map_err(ModelError::file("inspect", path))?.len();
    let mut r = BufReader::with_capacity(1 << 20, file);
    let not_a_model = |why: String| ModelError::NotAModel { path: path.to_owned(), why };
    let invalid = |detail: String| ModelError::Invalid { path: path.to_owned(), detail };
    let truncated = |detail: String| ModelError::Truncated { path: path.to_owned(), detail };

    let magic = read_i32(&mut r).map_err(|_| not_a_model("the file is too short to have a header".into()))? as u32;
    if magic != GGML_MAGIC {
        return Err(not_a_model("it does not start with the ggml magic number".into()));
    }
    let mut a = [0i32; 11];
    for v in a.iter_mut() {
        *v = read_i32(&mut r).map_err(|_| truncated("it ends inside the header".into()))?;
    }
    let hparams = Hparams::from_array(a);
    hparams.check().map_err(not_a_model)?;
    let wtype = hparams.weight_type().expect("checked");

    let n_mel = read_i32(&mut r).map_err(|_| truncated("it ends before the mel filters".into()))?;
    let n_fft = read_i32(&mut r).map_err(|_| truncated("it ends before the mel filters".into()))?;
    if n_mel != hparams.n_mels || n_fft != 201 {
        return Err(invalid(format!("its mel filterbank is {n_mel}×{n_fft}, expected {}×201", hparams.n_mels)));
    }
    skip(&mut r, n_mel as u64 * n_fft as u64 * 4).map_err(|_| truncated("it ends inside the mel filters".into()))?;

    let n_tokens = read_i32(&mut r).map_err(|_| truncated("it ends before the vocabulary".into()))?;
    if n_tokens <= 0 || n_tokens > hparams.n_vocab {
        return Err(invalid(format!("it lists {n_tokens} vocabulary tokens for a model of {}", hparams.n_vocab)));
    }
    for i in 0..n_tokens {
        let len = read_i32(&mut r).map_err(|_| truncated(format!("it ends inside vocabulary token {i}")))?;
        if !(0..=1024).contains(&len) {
            return Err(invalid(format!("vocabulary token {i} claims {len} bytes")));
        }
        skip(&mut r, len as u64).map_err(|_| truncated(format!("it ends inside vocabulary token {i}")))?;
    }

    let expected = expected_tensors(&hparams);
    let mut seen = vec![false; expected.len()];
    let mut loaded = 0usize;
    loop {
        let mut first = [0u8; 4];
        match read_exact_or_eof(&mut r, &mut first) {
            Ok(false) => break,
            Ok(true) => {}
            Err(_) => return Err(truncated(format!("it ends inside the header of tensor {}", loaded + 1))),
        }
        let n_dims = i32::from_le_bytes(first);
        let header_cut =
            |_| truncated(format!("it ends inside the header of tensor {} of {}", loaded + 1, expected.len()));
        let name_len = read_i32(&mut r).map_err(header_cut)?;
        let ttype = read_i32(&mut r).map_err(header_cut)?;
        if !(1..=4).contains(&n_dims) || !(1..=256).contains(&name_len) {
            return Err(invalid(format!("tensor {} has a malformed header", loaded + 1)));
        }
        let mut ne = Vec::with_capacity(n_dims as usize);
        for _ in 0..n_dims {
            ne.push(read_i32(&mut r).map_err(header_cut)? as i64);
        }
        let mut name = vec![0u8; name_len as usize];
        r.read_exact(&mut name).map_err(header_cut)?;
        let name = String::from_utf8_lossy(&name).into_owned();
        let Some(idx) = expected.iter().position(|e| e.name == name) else {
            return Err(invalid(format!("it holds a tensor whisper.cpp does not know: {name}")));
        };
        if seen[idx] {
            return Err(invalid(format!("the tensor {name} appears twice")));
        }
        let want = &expected[idx];
        let got_ne: Vec<u64> = ne.iter().map(|&d| d.max(0) as u64).collect();
        if got_ne != want.ne {
            return Err(invalid(format!("the tensor {name} has shape {got_ne:?}, expected {:?}", want.ne)));
        }
        let want_type = want.stored_type(wtype);
        let got_type = GgmlType::from_id(ttype);
        if got_type != Some(want_type) {
            return Err(invalid(format!("the tensor {name} is stored as type {ttype}, expected {}", want_type.name())));
        }
        let nbytes = want_type
            .bytes_for(want.elements())
            .ok_or_else(|| invalid(format!("the tensor {name} cannot be stored as {}", want_type.name())))?;
        skip(&mut r, nbytes)
            .map_err(|_| truncated(format!("it ends inside tensor {} of {} ({name})", loaded + 1, expected.len())))?;
        seen[idx] = true;
        loaded += 1;
    }
    if let Some(missing) = seen.iter().position(|s| !s) {
        return Err(truncated(format!(
            "it holds {loaded} of the {} tensors a {} model needs (first missing: {})",
            expected.len(),
            hparams.size_name(),
            expected[missing].name
        )));
    }
    Ok(GgmlInfo {
        size_name: hparams.size_name().to_owned(),
        quantisation: wtype.name().to_owned(),
        multilingual: hparams.n_vocab >= 51_865,
        tensors: loaded,
        hparams,
        bytes,
    })
}

fn read_i32(r: &mut impl Read) -> std::io::Result<i32> {
    let mut b = [0u8; 4];
    r.read_exact(&mut b)?;
    Ok(i32::from_le_bytes(b))
}

/// Reads exactly `buf.len()` bytes; Ok(false) at a clean end of file.
fn read_exact_or_eof(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<bool> {
    let mut filled = 0;
    while filled < buf.len() {
        match r.read(&mut buf[filled..])? {
            0 if filled == 0 => return Ok(false),
            0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            n => filled += n,
        }
    }
    Ok(true)
}

fn skip(r: &mut impl Read, n: u64) -> std::io::Result<()> {
    let copied = std::io::copy(&mut r.take(n), &mut std::io::sink())?;
    if copied == n { Ok(()) } else { Err(std::io::ErrorKind::UnexpectedEof.into()) }
}

#[cfg(test)]
mod tests {
    use std::fs::File;

    use super::*;
    use crate::ggml::GgmlWriter;
    use crate::ggml::tests::{tiny_hparams, write_tiny_model};

    #[test]
    fn a_complete_model_validates_and_reports_its_kind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.bin");
        write_tiny_model(&path, GgmlType::Q8_0);
        let info = validate(&path).unwrap();
        assert_eq!(info.quantisation, "q8_0");
        assert_eq!(info.size_name, "tiny");
        assert_eq!(info.tensors, expected_tensors(&tiny_hparams(GgmlType::Q8_0)).len());
        assert!(info.multilingual);
    }

    #[test]
    fn a_model_cut_short_names_the_tensor_where_it_ends() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.bin");
        write_tiny_model(&path, GgmlType::F16);
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() * 2 / 3]).unwrap();
        let err = validate(&path).unwrap_err();
        assert_eq!(err.code(), "model.truncated");
        assert!(err.to_string().contains("tensor"), "{err}");
    }

    #[test]
    fn a_model_missing_its_last_tensors_is_incomplete() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.bin");
        let h = tiny_hparams(GgmlType::F16);
        let mut w = GgmlWriter::new(File::create(&path).unwrap());
        w.header(&h).unwrap();
        w.mel_filters(80, 201, &crate::mel::mel_filters(80)).unwrap();
        w.vocabulary(&[b"a".to_vec()]).unwrap();
        for t in expected_tensors(&h).iter().take(10) {
            let ty = t.stored_type(GgmlType::F16);
            w.tensor(&t.name, &t.ne, ty, &vec![0u8; ty.bytes_for(t.elements()).unwrap() as usize]).unwrap();
        }
        drop(w);
        let err = validate(&path).unwrap_err();
        assert_eq!(err.code(), "model.truncated");
        assert!(err.to_string().contains("holds 10 of the"), "{err}");
    }

    #[test]
    fn a_file_without_the_magic_is_not_a_model() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("photo.jpg");
        std::fs::write(&path, b"\xff\xd8\xff\xe0 not a model at all").unwrap();
        assert_eq!(validate(&path).unwrap_err().code(), "model.not_a_model");
        assert!(!looks_like_ggml(&path));
    }
}
