//! The legacy ggml file format whisper.cpp loads, written and checked here.
//!
//! Layout: magic, eleven i32 hyper-parameters, the mel filterbank, the vocabulary, then tensors
//! (dims, name length, type, dims in ggml order — innermost first — name, data) until the end of
//! the file. The validator mirrors whisper.cpp's loader: every tensor it expects must be present
//! once, with the right shape, type and byte count, and nothing else may follow.

use std::io::Write;

use serde::{Deserialize, Serialize};

mod validate;
pub use validate::{GgmlInfo, looks_like_ggml, validate};

pub const GGML_MAGIC: u32 = 0x6767_6d6c;
/// whisper.cpp stores `ftype + 1000 * GGML_QNT_VERSION` in quantised files.
pub const QNT_VERSION_FACTOR: i32 = 1000;
pub const QNT_VERSION: i32 = 2;

/// A ggml element type: its id in the file, block length and bytes per block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GgmlType {
    F32,
    F16,
    Q4_0,
    Q4_1,
    Q5_0,
    Q5_1,
    Q8_0,
    Q2K,
    Q3K,
    Q4K,
    Q5K,
    Q6K,
}

impl GgmlType {
    pub fn id(self) -> i32 {
        match self {
            GgmlType::F32 => 0,
            GgmlType::F16 => 1,
            GgmlType::Q4_0 => 2,
            GgmlType::Q4_1 => 3,
            GgmlType::Q5_0 => 6,
            GgmlType::Q5_1 => 7,
            GgmlType::Q8_0 => 8,
            GgmlType::Q2K => 10,
            GgmlType::Q3K => 11,
            GgmlType::Q4K => 12,
            GgmlType::Q5K => 13,
            GgmlType::Q6K => 14,
        }
    }

    pub fn from_id(id: i32) -> Option<Self> {
        [
            GgmlType::F32,
            GgmlType::F16,
            GgmlType::Q4_0,
            GgmlType::Q4_1,
            GgmlType::Q5_0,
            GgmlType::Q5_1,
            GgmlType::Q8_0,
            GgmlType::Q2K,
            GgmlType::Q3K,
            GgmlType::Q4K,
            GgmlType::Q5K,
            GgmlType::Q6K,
        ]
        .into_iter()
        .find(|t| t.id() == id)
    }

    /// (elements per block, bytes per block)
    pub fn block(self) -> (u64, u64) {
        match self {
            GgmlType::F32 => (1, 4),
            GgmlType::F16 => (1, 2),
            GgmlType::Q4_0 => (32, 18),
            GgmlType::Q4_1 => (32, 20),
            GgmlType::Q5_0 => (32, 22),
            GgmlType::Q5_1 => (32, 24),
            GgmlType::Q8_0 => (32, 34),
            GgmlType::Q2K => (256, 84),
            GgmlType::Q3K => (256, 110),
            GgmlType::Q4K => (256, 144),
            GgmlType::Q5K => (256, 176),
            GgmlType::Q6K => (256, 210),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            GgmlType::F32 => "f32",
            GgmlType::F16 => "f16",
            GgmlType::Q4_0 => "q4_0",
            GgmlType::Q4_1 => "q4_1",
            GgmlType::Q5_0 => "q5_0",
            GgmlType::Q5_1 => "q5_1",
            GgmlType::Q8_0 => "q8_0",
            GgmlType::Q2K => "q2_k",
            GgmlType::Q3K => "q3_k",
            GgmlType::Q4K => "q4_k",
            GgmlType::Q5K => "q5_k",
            GgmlType::Q6K => "q6_k",
        }
    }

    /// The weight type a file's `ftype` (without the quantisation version) selects.
    pub fn from_ftype(ftype: i32) -> Option<Self> {
        Some(match ftype {
            0 => GgmlType::F32,
            1 => GgmlType::F16,
            2 => GgmlType::Q4_0,
            3 => GgmlType::Q4_1,
            7 => GgmlType::Q8_0,
            8 => GgmlType::Q5_0,
            9 => GgmlType::Q5_1,
            10 => GgmlType::Q2K,
            11 => GgmlType::Q3K,
            12 => GgmlType::Q4K,
            13 => GgmlType::Q5K,
            14 => GgmlType::Q6K,
            _ => return None,
        })
    }

    /// The header `ftype` for a model whose weights are of this type.
    pub fn header_ftype(self) -> i32 {
        let base = match self {
            GgmlType::F32 => 0,
            GgmlType::F16 => 1,
            GgmlType::Q4_0 => 2,
            GgmlType::Q4_1 => 3,
            GgmlType::Q8_0 => 7,
            GgmlType::Q5_0 => 8,
            GgmlType::Q5_1 => 9,
            GgmlType::Q2K => 10,
            GgmlType::Q3K => 11,
            GgmlType::Q4K => 12,
            GgmlType::Q5K => 13,
            GgmlType::Q6K => 14,
        };
        if matches!(self, GgmlType::F32 | GgmlType::F16) { base } else { base + QNT_VERSION * QNT_VERSION_FACTOR }
    }

    pub fn bytes_for(self, elements: u64) -> Option<u64> {
        let (blk, size) = self.block();
        elements.is_multiple_of(blk).then(|| elements / blk * size)
    }
}

/// Whisper's hyper-parameters, in file order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hparams {
    pub n_vocab: i32,
    pub n_audio_ctx: i32,
    pub n_audio_state: i32,
    pub n_audio_head: i32,
    pub n_audio_layer: i32,
    pub n_text_ctx: i32,
    pub n_text_state: i32,
    pub n_text_head: i32,
    pub n_text_layer: i32,
    pub n_mels: i32,
    pub ftype: i32,
}

impl Hparams {
    fn as_array(&self) -> [i32; 11] {
        [
            self.n_vocab,
            self.n_audio_ctx,
            self.n_audio_state,
            self.n_audio_head,
            self.n_audio_layer,
            self.n_text_ctx,
            self.n_text_state,
            self.n_text_head,
            self.n_text_layer,
            self.n_mels,
            self.ftype,
        ]
    }

    fn from_array(a: [i32; 11]) -> Self {
        Hparams {
            n_vocab: a[0],
            n_audio_ctx: a[1],
            n_audio_state: a[2],
            n_audio_head: a[3],
            n_audio_layer: a[4],
            n_text_ctx: a[5],
            n_text_state: a[6],
            n_text_head: a[7],
            n_text_layer: a[8],
            n_mels: a[9],
            ftype: a[10],
        }
    }

    /// The Whisper size whisper.cpp infers from the encoder depth.
    pub fn size_name(&self) -> &'static str {
        match self.n_audio_layer {
            4 => "tiny",
            6 => "base",
            12 => "small",
            24 => "medium",
            32 => "large",
            _ => "unknown",
        }
    }

    pub fn weight_type(&self) -> Option<GgmlType> {
        GgmlType::from_ftype(self.ftype % QNT_VERSION_FACTOR)
    }

    /// Checks the numbers are ones whisper.cpp can build a model from.
    fn check(&self) -> std::result::Result<(), String> {
        let positive = self.as_array()[..10].iter().all(|&v| v > 0);
        if !positive {
            return Err(format!("its hyper-parameters are not all positive: {self:?}"));
        }
        if !(51_864..=51_866).contains(&self.n_vocab) {
            return Err(format!("its vocabulary size {} is not Whisper's", self.n_vocab));
        }
        if ![4, 6, 12, 24, 32].contains(&self.n_audio_layer) {
            return Err(format!("its encoder has {} layers; no Whisper model has", self.n_audio_layer));
        }
        if self.n_audio_state != self.n_text_state {
            return Err("its encoder and decoder widths differ".into());
        }
        if ![80, 128].contains(&self.n_mels) {
            return Err(format!("it expects {} mel bands; Whisper uses 80 or 128", self.n_mels));
        }
        if self.n_audio_state > 4096 || self.n_audio_ctx > 4096 || self.n_text_ctx > 4096 {
            return Err("its dimensions are implausibly large".into());
        }
        if self.weight_type().is_none() {
            return Err(format!("its ftype {} is not one whisper.cpp supports", self.ftype));
        }
        Ok(())
    }
}

/// What role a tensor plays, which decides its stored type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TensorKind {
    /// 1-D vectors, biases and positional embeddings: always f32.
    F32,
    /// Convolution kernels: f16 unless the whole model is f32.
    Conv,
    /// Matrix weights: the model's weight type (f16 or quantised).
    Weight,
}

/// A tensor whisper.cpp expects, with its shape in ggml order (innermost dimension first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedTensor {
    pub name: String,
    pub ne: Vec<u64>,
    pub kind: TensorKind,
}

impl ExpectedTensor {
    pub fn elements(&self) -> u64 {
        self.ne.iter().product()
    }

    pub fn stored_type(&self, wtype: GgmlType) -> GgmlType {
        match self.kind {
            TensorKind::F32 => GgmlType::F32,
            TensorKind::Conv if wtype == GgmlType::F32 => GgmlType::F32,
            TensorKind::Conv => GgmlType::F16,
            TensorKind::Weight => wtype,
        }
    }
}

/// Every tensor of a Whisper model, in the order this project writes them.
pub fn expected_tensors(h: &Hparams) -> Vec<ExpectedTensor> {
    let (a, t) = (h.n_audio_state as u64, h.n_text_state as u64);
    let mut out = Vec::new();
    let mut push = |name: String, ne: &[u64], kind| out.push(ExpectedTensor { name, ne: ne.to_vec(), kind });
    use TensorKind::*;

    push("encoder.positional_embedding".into(), &[a, h.n_audio_ctx as u64], F32);
    push("encoder.conv1.weight".into(), &[3, h.n_mels as u64, a], Conv);
    push("encoder.conv1.bias".into(), &[1, a], F32);
    push("encoder.conv2.weight".into(), &[3, a, a], Conv);
    push("encoder.conv2.bias".into(), &[1, a], F32);
    for i in 0..h.n_audio_layer {
        let p = format!("encoder.blocks.{i}");
        block_tensors(&mut push, &p, a, false);
    }
    push("encoder.ln_post.weight".into(), &[a], F32);
    push("encoder.ln_post.bias".into(), &[a], F32);

    push("decoder.positional_embedding".into(), &[t, h.n_text_ctx as u64], F32);
    push("decoder.token_embedding.weight".into(), &[t, h.n_vocab as u64], Weight);
    for i in 0..h.n_text_layer {
        let p = format!("decoder.blocks.{i}");
        block_tensors(&mut push, &p, t, true);
    }
    push("decoder.ln.weight".into(), &[t], F32);
    push("decoder.ln.bias".into(), &[t], F32);
    out
}

fn block_tensors(push: &mut impl FnMut(String, &[u64], TensorKind), p: &str, n: u64, cross: bool) {
    use TensorKind::*;
    let attn = |push: &mut dyn FnMut(String, &[u64], TensorKind), a: &str| {
        push(format!("{p}.{a}_ln.weight"), &[n], F32);
        push(format!("{p}.{a}_ln.bias"), &[n], F32);
        push(format!("{p}.{a}.query.weight"), &[n, n], Weight);
        push(format!("{p}.{a}.query.bias"), &[n], F32);
        push(format!("{p}.{a}.key.weight"), &[n, n], Weight);
        push(format!("{p}.{a}.value.weight"), &[n, n], Weight);
        push(format!("{p}.{a}.value.bias"), &[n], F32);
        push(format!("{p}.{a}.out.weight"), &[n, n], Weight);
        push(format!("{p}.{a}.out.bias"), &[n], F32);
    };
    attn(push, "attn");
    if cross {
        attn(push, "cross_attn");
    }
    push(format!("{p}.mlp_ln.weight"), &[n], F32);
    push(format!("{p}.mlp_ln.bias"), &[n], F32);
    push(format!("{p}.mlp.0.weight"), &[n, 4 * n], Weight);
    push(format!("{p}.mlp.0.bias"), &[4 * n], F32);
    push(format!("{p}.mlp.2.weight"), &[4 * n, n], Weight);
    push(format!("{p}.mlp.2.bias"), &[n], F32);
}

/// Streams a ggml model file out.
pub struct GgmlWriter<W: Write> {
    out: W,
}

impl<W: Write> GgmlWriter<W> {
    pub fn new(out: W) -> Self {
        GgmlWriter { out }
    }

    pub fn header(&mut self, h: &Hparams) -> std::io::Result<()> {
        self.out.write_all(&GGML_MAGIC.to_le_bytes())?;
        for v in h.as_array() {
            self.out.write_all(&v.to_le_bytes())?;
        }
        Ok(())
    }

    pub fn mel_filters(&mut self, n_mel: usize, n_fft: usize, data: &[f32]) -> std::io::Result<()> {
        self.out.write_all(&(n_mel as i32).to_le_bytes())?;
        self.out.write_all(&(n_fft as i32).to_le_bytes())?;
        for v in data {
            self.out.write_all(&v.to_le_bytes())?;
        }
        Ok(())
    }

    pub fn vocabulary(&mut self, tokens: &[Vec<u8>]) -> std::io::Result<()> {
        self.out.write_all(&(tokens.len() as i32).to_le_bytes())?;
        for t in tokens {
            self.out.write_all(&(t.len() as u32).to_le_bytes())?;
            self.out.write_all(t)?;
        }
        Ok(())
    }

    /// Writes one tensor; `ne` is in ggml order and `data` already in `ttype`'s encoding.
    pub fn tensor(&mut self, name: &str, ne: &[u64], ttype: GgmlType, data: &[u8]) -> std::io::Result<()> {
        self.out.write_all(&(ne.len() as i32).to_le_bytes())?;
        self.out.write_all(&(name.len() as i32).to_le_bytes())?;
        self.out.write_all(&ttype.id().to_le_bytes())?;
        for &d in ne {
            self.out.write_all(&(d as i32).to_le_bytes())?;
        }
        self.out.write_all(name.as_bytes())?;
        self.out.write_all(data)
    }

    pub fn into_inner(self) -> W {
        self.out
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::fs::File;
    use std::path::Path;

    use super::*;

    /// The smallest model that passes validation: one encoder and one decoder layer of width 32.
    pub(crate) fn tiny_hparams(wtype: GgmlType) -> Hparams {
        Hparams {
            n_vocab: 51_865,
            n_audio_ctx: 8,
            n_audio_state: 32,
            n_audio_head: 2,
            n_audio_layer: 4,
            n_text_ctx: 8,
            n_text_state: 32,
            n_text_head: 2,
            n_text_layer: 4,
            n_mels: 80,
            ftype: wtype.header_ftype(),
        }
    }

    pub(crate) fn write_tiny_model(path: &Path, wtype: GgmlType) {
        let h = tiny_hparams(wtype);
        let mut w = GgmlWriter::new(std::io::BufWriter::new(File::create(path).unwrap()));
        w.header(&h).unwrap();
        w.mel_filters(80, 201, &crate::mel::mel_filters(80)).unwrap();
        w.vocabulary(&[b"a".to_vec(), b"b".to_vec()]).unwrap();
        for t in expected_tensors(&h) {
            let ty = t.stored_type(wtype);
            let data = vec![0u8; ty.bytes_for(t.elements()).unwrap() as usize];
            w.tensor(&t.name, &t.ne, ty, &data).unwrap();
        }
        w.into_inner().flush().unwrap();
    }

    #[test]
    fn quantised_files_carry_the_quantisation_version_in_ftype() {
        assert_eq!(GgmlType::Q8_0.header_ftype(), 2007);
        assert_eq!(GgmlType::F16.header_ftype(), 1);
        assert_eq!(GgmlType::from_ftype(2007 % 1000), Some(GgmlType::Q8_0));
    }

    #[test]
    fn a_base_model_has_the_tensor_count_whisper_cpp_loads() {
        let h = Hparams {
            n_vocab: 51_865,
            n_audio_ctx: 1500,
            n_audio_state: 512,
            n_audio_head: 8,
            n_audio_layer: 6,
            n_text_ctx: 448,
            n_text_state: 512,
            n_text_head: 8,
            n_text_layer: 6,
            n_mels: 80,
            ftype: 1,
        };
        // 7 encoder globals + 15 per encoder layer, 4 decoder globals + 24 per decoder layer.
        assert_eq!(expected_tensors(&h).len(), 7 + 15 * 6 + 4 + 24 * 6);
    }
}
