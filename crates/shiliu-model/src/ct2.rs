//! Reading CTranslate2 model files (`model.bin`, the faster-whisper format).
//!
//! The file is a header (binary version, spec name, revision), then variables — each a name,
//! a shape, a data type and raw little-endian data — then aliases. Only the index is read up
//! front; tensors are read one at a time so a conversion never holds the whole model twice.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use crate::error::{ModelError, Result};

/// Element types as numbered by CTranslate2 (binary version ≥ 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ct2Type {
    F32,
    I8,
    I16,
    I32,
    F16,
    BF16,
}

impl Ct2Type {
    fn from_id(id: u8) -> Option<Self> {
        Some(match id {
            0 => Ct2Type::F32,
            1 => Ct2Type::I8,
            2 => Ct2Type::I16,
            3 => Ct2Type::I32,
            4 => Ct2Type::F16,
            5 => Ct2Type::BF16,
            _ => return None,
        })
    }

    fn from_item_size(size: u8) -> Option<Self> {
        Some(match size {
            4 => Ct2Type::F32,
            2 => Ct2Type::F16,
            1 => Ct2Type::I8,
            _ => return None,
        })
    }
}

/// One variable of the model: where its data lies in the file.
#[derive(Debug, Clone)]
pub struct Ct2Variable {
    pub name: String,
    pub shape: Vec<u32>,
    pub dtype: Ct2Type,
    pub offset: u64,
    pub nbytes: u64,
}

impl Ct2Variable {
    pub fn element_count(&self) -> u64 {
        self.shape.iter().map(|&d| d as u64).product()
    }
}

/// An opened CTranslate2 model: its index and a handle to read tensors.
pub struct Ct2Model {
    path: PathBuf,
    file: BufReader<File>,
    pub spec: String,
    pub variables: Vec<Ct2Variable>,
}

const MAX_NAME_BYTES: u16 = 1024;
const MAX_VARIABLES: u32 = 100_000;

impl Ct2Model {
    /// Opens `path` and reads its variable index, checking that every variable's data is there.
    pub fn open(path: &Path) -> Result<Self> {
        let file = File::open(path).map_err(ModelError::file("open", path))?;
        let len = file.metadata().map_err(ModelError::file("inspect", path))?.len();
        let mut r = BufReader::new(file);
        let not_a_model = |why: &str| ModelError::NotAModel { path: path.to_owned(), why: why.to_owned() };
        let truncated = |detail: String| ModelError::Truncated { path: path.to_owned(), detail };

        let version = read_u32(&mut r).map_err(|_| not_a_model("the file is too short to have a header"))?;
        if !(1..=6).contains(&version) {
            return Err(not_a_model("it does not start with a CTranslate2 or ggml header"));
        }
        let spec = if version >= 2 {
            let spec = read_string(&mut r).map_err(|_| not_a_model("its header is not a CTranslate2 header"))?;
            let _revision = read_u32(&mut r).map_err(|_| not_a_model("its header is cut short"))?;
            spec
        } else {
            String::new()
        };
        if spec != "WhisperSpec" {
            return Err(not_a_model(&format!("it is a CTranslate2 model of kind {spec:?}, not WhisperSpec")));
        }
        let count = read_u32(&mut r).map_err(|_| truncated("the header ends before the variable count".into()))?;
        if count == 0 || count > MAX_VARIABLES {
            return Err(not_a_model(&format!("it claims {count} variables")));
        }

        let mut variables = Vec::with_capacity(count as usize);
        let mut pos: u64;
        for i in 0..count {
            let cut =
                |what: &str| truncated(format!("it ends inside the header of variable {} of {count} ({what})", i + 1));
            let name = read_string(&mut r).map_err(|_| cut("name"))?;
            let rank = read_u8(&mut r).map_err(|_| cut("rank"))?;
            let mut shape = Vec::with_capacity(rank as usize);
            for _ in 0..rank {
                shape.push(read_u32(&mut r).map_err(|_| cut("shape"))?);
            }
            let (dtype, nbytes) = if version >= 4 {
                let id = read_u8(&mut r).map_err(|_| cut("type"))?;
                let dtype = Ct2Type::from_id(id).ok_or_else(|| ModelError::Invalid {
                    path: path.to_owned(),
                    detail: format!("variable {name} has unknown type {id}"),
                })?;
                (dtype, read_u32(&mut r).map_err(|_| cut("size"))? as u64)
            } else {
                let item = read_u8(&mut r).map_err(|_| cut("item size"))?;
                let dtype = Ct2Type::from_item_size(item).ok_or_else(|| ModelError::Invalid {
                    path: path.to_owned(),
                    detail: format!("variable {name} has item size {item}"),
                })?;
                (dtype, read_u32(&mut r).map_err(|_| cut("size"))? as u64 * item as u64)
            };
            pos = r.stream_position().map_err(ModelError::file("read", path))?;
            if pos + nbytes > len {
                return Err(truncated(format!(
                    "it ends inside variable {} of {count} ({name}): {len} bytes present, at least {} needed",
                    i + 1,
                    pos + nbytes
                )));
            }
            variables.push(Ct2Variable { name, shape, dtype, offset: pos, nbytes });
            r.seek_relative(nbytes as i64).map_err(ModelError::file("read", path))?;
        }
        Ok(Ct2Model { path: path.to_owned(), file: r, spec, variables })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn variable(&self, name: &str) -> Option<&Ct2Variable> {
        self.variables.iter().find(|v| v.name == name)
    }

    /// The variable called `name`, or an error naming what is missing.
    pub fn require(&self, name: &str) -> Result<Ct2Variable> {
        self.variable(name).cloned().ok_or_else(|| ModelError::Invalid {
            path: self.path.clone(),
            detail: format!("the variable {name} is missing"),
        })
    }

    /// Reads a floating-point variable as f32, whatever its stored precision.
    pub fn read_f32(&mut self, var: &Ct2Variable) -> Result<Vec<f32>> {
        let raw = self.read_raw(var)?;
        let values: Vec<f32> = match var.dtype {
            Ct2Type::F32 => raw.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect(),
            Ct2Type::F16 => raw.chunks_exact(2).map(|b| half::f16::from_le_bytes([b[0], b[1]]).to_f32()).collect(),
            Ct2Type::BF16 => raw.chunks_exact(2).map(|b| half::bf16::from_le_bytes([b[0], b[1]]).to_f32()).collect(),
            other => {
                return Err(ModelError::Unsupported(format!(
                    "variable {} is stored as {other:?}; only float models (f32, f16, bf16) can be converted",
                    var.name
                )));
            }
        };
        if values.len() as u64 != var.element_count() {
            return Err(ModelError::Invalid {
                path: self.path.clone(),
                detail: format!(
                    "variable {} holds {} values but its shape needs {}",
                    var.name,
                    values.len(),
                    var.element_count()
                ),
            });
        }
        Ok(values)
    }

    /// Reads an integer scalar such as `encoder/num_heads`.
    pub fn read_int(&mut self, name: &str) -> Result<i64> {
        let var = self.require(name)?;
        let raw = self.read_raw(&var)?;
        Ok(match (var.dtype, raw.len()) {
            (Ct2Type::I8, 1) => raw[0] as i8 as i64,
            (Ct2Type::I16, 2) => i16::from_le_bytes([raw[0], raw[1]]) as i64,
            (Ct2Type::I32, 4) => i32::from_le_bytes([raw[0], raw[1], raw[2], raw[3]]) as i64,
            _ => {
                return Err(ModelError::Invalid {
                    path: self.path.clone(),
                    detail: format!("{name} is not an integer scalar"),
                });
            }
        })
    }

    fn read_raw(&mut self, var: &Ct2Variable) -> Result<Vec<u8>> {
        let mut buf = vec![0u8; var.nbytes as usize];
        self.file.seek(SeekFrom::Start(var.offset)).map_err(ModelError::file("read", &self.path))?;
        self.file.read_exact(&mut buf).map_err(ModelError::file("read", &self.path))?;
        Ok(buf)
    }
}

fn read_u8(r: &mut impl Read) -> std::io::Result<u8> {
    let mut b = [0u8; 1];
    r.read_exact(&mut b)?;
    Ok(b[0])
}

fn read_u16(r: &mut impl Read) -> std::io::Result<u16> {
    let mut b = [0u8; 2];
    r.read_exact(&mut b)?;
    Ok(u16::from_le_bytes(b))
}

fn read_u32(r: &mut impl Read) -> std::io::Result<u32> {
    let mut b = [0u8; 4];
    r.read_exact(&mut b)?;
    Ok(u32::from_le_bytes(b))
}

/// A CTranslate2 string: u16 length (including a trailing NUL), then the bytes.
fn read_string(r: &mut impl Read) -> std::io::Result<String> {
    let n = read_u16(r)?;
    if n == 0 || n > MAX_NAME_BYTES {
        return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, "bad string length"));
    }
    let mut b = vec![0u8; n as usize];
    r.read_exact(&mut b)?;
    if b.pop() != Some(0) {
        return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, "string without NUL"));
    }
    String::from_utf8(b).map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "string not UTF-8"))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Write;

    /// Writes a tiny CTranslate2 file with the given (name, shape, f16 values) variables.
    pub(crate) fn write_ct2(path: &Path, spec: &str, vars: &[(&str, Vec<u32>, Vec<f32>)]) {
        let mut out = Vec::new();
        out.extend(6u32.to_le_bytes());
        put_string(&mut out, spec);
        out.extend(3u32.to_le_bytes());
        out.extend((vars.len() as u32).to_le_bytes());
        for (name, shape, values) in vars {
            put_string(&mut out, name);
            out.push(shape.len() as u8);
            for d in shape {
                out.extend(d.to_le_bytes());
            }
            out.push(4); // f16
            out.extend(((values.len() * 2) as u32).to_le_bytes());
            for v in values {
                out.extend(half::f16::from_f32(*v).to_le_bytes());
            }
        }
        out.extend(0u32.to_le_bytes()); // no aliases
        std::fs::File::create(path).unwrap().write_all(&out).unwrap();
    }

    fn put_string(out: &mut Vec<u8>, s: &str) {
        out.extend(((s.len() + 1) as u16).to_le_bytes());
        out.extend(s.as_bytes());
        out.push(0);
    }

    #[test]
    fn reads_the_index_and_values_of_a_small_model() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("model.bin");
        write_ct2(
            &path,
            "WhisperSpec",
            &[("a/b", vec![2, 2], vec![1.0, -2.0, 0.5, 3.0]), ("c", vec![3], vec![0.0, 1.0, 2.0])],
        );
        let mut m = Ct2Model::open(&path).unwrap();
        assert_eq!(m.variables.len(), 2);
        let a = m.require("a/b").unwrap();
        assert_eq!(a.shape, vec![2, 2]);
        assert_eq!(m.read_f32(&a).unwrap(), vec![1.0, -2.0, 0.5, 3.0]);
    }

    #[test]
    fn a_file_cut_inside_a_tensor_is_reported_as_truncated_with_the_variable() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("model.bin");
        write_ct2(&path, "WhisperSpec", &[("first", vec![4], vec![1.0; 4]), ("second", vec![100], vec![2.0; 100])]);
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 60]).unwrap();
        let err = Ct2Model::open(&path).err().unwrap();
        assert_eq!(err.code(), "model.truncated");
        assert!(err.to_string().contains("variable 2 of 2 (second)"), "{err}");
    }

    #[test]
    fn another_kind_of_ctranslate2_model_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("model.bin");
        write_ct2(&path, "TransformerSpec", &[("x", vec![1], vec![1.0])]);
        let err = Ct2Model::open(&path).err().unwrap();
        assert_eq!(err.code(), "model.not_a_model");
        assert!(err.to_string().contains("TransformerSpec"));
    }

    #[test]
    fn random_bytes_are_not_a_model() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("noise.bin");
        let noise: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
        std::fs::write(&path, noise).unwrap();
        assert_eq!(Ct2Model::open(&path).err().unwrap().code(), "model.not_a_model");
    }
}
