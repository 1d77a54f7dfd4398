//! CTranslate2 → ggml conversion.
//!
//! CTranslate2 fuses the query/key/value projections into one matrix and names everything
//! differently; whisper.cpp wants them split and named as in OpenAI's checkpoint. Matrices are
//! stored row-major in both, so a tensor's bytes carry over once its dimensions are reversed.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::ct2::Ct2Model;
use crate::error::{ModelError, Result};
use crate::ggml::{self, GgmlType, GgmlWriter, Hparams};
use crate::{Precision, mel, quant, vocab};

/// How a ggml tensor is cut out of a CTranslate2 variable.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Source {
    variable: String,
    /// `Some((i, n))`: the i-th of n equal row blocks of a fused matrix or bias.
    part: Option<(usize, usize)>,
}

fn whole(v: String) -> Source {
    Source { variable: v, part: None }
}

fn rows(v: String, i: usize, n: usize) -> Source {
    Source { variable: v, part: Some((i, n)) }
}

/// Where each ggml tensor comes from in a CTranslate2 WhisperSpec model.
fn source_of(name: &str) -> Option<Source> {
    let ln = |suffix: &str| if suffix == "weight" { "gamma" } else { "beta" };
    Some(match name {
        "encoder.positional_embedding" => whole("encoder/position_encodings/encodings".into()),
        "decoder.positional_embedding" => whole("decoder/position_encodings/encodings".into()),
        "decoder.token_embedding.weight" => whole("decoder/embeddings/weight".into()),
        _ => {
            let parts: Vec<&str> = name.split('.').collect();
            match parts.as_slice() {
                ["encoder", conv @ ("conv1" | "conv2"), wb] => whole(format!("encoder/{conv}/{wb}")),
                ["encoder", "ln_post", wb] => whole(format!("encoder/layer_norm/{}", ln(wb))),
                ["decoder", "ln", wb] => whole(format!("decoder/layer_norm/{}", ln(wb))),
                [side @ ("encoder" | "decoder"), "blocks", i, rest @ ..] => {
                    let p = format!("{side}/layer_{i}");
                    match rest {
                        ["attn_ln", wb] => whole(format!("{p}/self_attention/layer_norm/{}", ln(wb))),
                        ["attn", "query", wb] => rows(format!("{p}/self_attention/linear_0/{wb}"), 0, 3),
                        ["attn", "key", "weight"] => rows(format!("{p}/self_attention/linear_0/weight"), 1, 3),
                        ["attn", "value", wb] => rows(format!("{p}/self_attention/linear_0/{wb}"), 2, 3),
                        ["attn", "out", wb] => whole(format!("{p}/self_attention/linear_1/{wb}")),
                        ["cross_attn_ln", wb] => whole(format!("{p}/attention/layer_norm/{}", ln(wb))),
                        ["cross_attn", "query", wb] => whole(format!("{p}/attention/linear_0/{wb}")),
                        ["cross_attn", "key", "weight"] => rows(format!("{p}/attention/linear_1/weight"), 0, 2),
                        ["cross_attn", "value", wb] => rows(format!("{p}/attention/linear_1/{wb}"), 1, 2),
                        ["cross_attn", "out", wb] => whole(format!("{p}/attention/linear_2/{wb}")),
                        ["mlp_ln", wb] => whole(format!("{p}/ffn/layer_norm/{}", ln(wb))),
                        ["mlp", "0", wb] => whole(format!("{p}/ffn/linear_0/{wb}")),
                        ["mlp", "2", wb] => whole(format!("{p}/ffn/linear_1/{wb}")),
                        _ => return None,
                    }
                }
                _ => return None,
            }
        }
    })
}

/// The key projections have no bias in Whisper; CTranslate2 stores zeros for them in the fused
/// bias. They are checked, then dropped.
fn dropped_key_bias(name: &str) -> Option<Source> {
    let weight = source_of(name)?;
    let (i, n) = weight.part?;
    name.ends_with("key.weight").then(|| rows(weight.variable.replace("/weight", "/bias"), i, n))
}

/// Reads the hyper-parameters off the CTranslate2 variables.
fn hparams_of(m: &mut Ct2Model, precision: Precision) -> Result<Hparams> {
    let dims = |m: &Ct2Model, name: &str| -> Result<Vec<u32>> { Ok(m.require(name)?.shape) };
    let emb = dims(m, "decoder/embeddings/weight")?;
    let enc_pos = dims(m, "encoder/position_encodings/encodings")?;
    let dec_pos = dims(m, "decoder/position_encodings/encodings")?;
    let conv1 = dims(m, "encoder/conv1/weight")?;
    let layers = |m: &Ct2Model, side: &str| {
        let mut n = 0;
        while m.variable(&format!("{side}/layer_{n}/ffn/linear_0/weight")).is_some() {
            n += 1;
        }
        n
    };
    let bad = |what: &str| ModelError::Invalid {
        path: m.path().to_owned(),
        detail: format!("{what} has an unexpected shape"),
    };
    if emb.len() != 2 || enc_pos.len() != 2 || dec_pos.len() != 2 || conv1.len() != 3 {
        return Err(bad("an embedding or convolution"));
    }
    let n_audio_state = enc_pos[1] as i32;
    let heads = |m: &mut Ct2Model, side: &str| {
        m.read_int(&format!("{side}/num_heads")).map(|h| h as i32).unwrap_or((n_audio_state / 64).max(1))
    };
    Ok(Hparams {
        n_vocab: emb[0] as i32,
        n_audio_ctx: enc_pos[0] as i32,
        n_audio_state,
        n_audio_head: heads(m, "encoder"),
        n_audio_layer: layers(m, "encoder"),
        n_text_ctx: dec_pos[0] as i32,
        n_text_state: emb[1] as i32,
        n_text_head: heads(m, "decoder"),
        n_text_layer: layers(m, "decoder"),
        n_mels: conv1[1] as i32,
        ftype: precision.ggml_type().header_ftype(),
    })
}

/// Reads the values a source selects.
fn read_source(m: &mut Ct2Model, src: &Source) -> Result<Vec<f32>> {
    let var = m.require(&src.variable)?;
    let values = m.read_f32(&var)?;
    let Some((i, n)) = src.part else { return Ok(values) };
    let rows = var.shape.first().copied().unwrap_or(1) as usize;
    if !rows.is_multiple_of(n) {
        return Err(ModelError::Invalid {
            path: m.path().to_owned(),
            detail: format!("{} has {rows} rows, which do not split into {n} parts", src.variable),
        });
    }
    let per_part = values.len() / n;
    Ok(values[i * per_part..(i + 1) * per_part].to_vec())
}

/// A summary of a finished conversion.
#[derive(Debug, Clone)]
pub struct Converted {
    pub bytes: u64,
    pub sha256: String,
    pub hparams: Hparams,
}

/// Converts the CTranslate2 model `ct2_path` with its vocabulary into a ggml file at `out`.
/// `progress(done, total)` is called after each tensor.
pub fn convert(
    ct2_path: &Path,
    vocabulary: &Path,
    out: &Path,
    precision: Precision,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Converted> {
    let mut model = Ct2Model::open(ct2_path)?;
    let tokens = vocab::load_vocabulary(vocabulary)?;
    let hparams = hparams_of(&mut model, precision)?;
    let wtype = precision.ggml_type();

    let file = File::create(out).map_err(ModelError::file("create", out))?;
    let mut w = GgmlWriter::new(HashingWriter::new(BufWriter::with_capacity(1 << 20, file)));
    let write_err = |e: std::io::Error| ModelError::File { op: "write", path: out.to_owned(), source: e };
    w.header(&hparams).map_err(write_err)?;
    w.mel_filters(hparams.n_mels as usize, mel::N_FFT / 2 + 1, &mel::mel_filters(hparams.n_mels as usize))
        .map_err(write_err)?;
    w.vocabulary(&tokens).map_err(write_err)?;

    let tensors = ggml::expected_tensors(&hparams);
    for (done, t) in tensors.iter().enumerate() {
        let src =
            source_of(&t.name).ok_or_else(|| ModelError::Unsupported(format!("no source for tensor {}", t.name)))?;
        let values = read_source(&mut model, &src)?;
        if values.len() as u64 != t.elements() {
            return Err(ModelError::Invalid {
                path: ct2_path.to_owned(),
                detail: format!(
                    "{} gives {} values for {}, which needs {}",
                    src.variable,
                    values.len(),
                    t.name,
                    t.elements()
                ),
            });
        }
        if let Some(bias) = dropped_key_bias(&t.name) {
            let b = read_source(&mut model, &bias)?;
            if b.iter().any(|v| *v != 0.0) {
                return Err(ModelError::Invalid {
                    path: ct2_path.to_owned(),
                    detail: format!("{} has a non-zero key bias, which whisper.cpp cannot represent", bias.variable),
                });
            }
        }
        let ttype = t.stored_type(wtype);
        let data = match ttype {
            GgmlType::F32 => quant::to_f32_bytes(&values),
            GgmlType::F16 => quant::to_f16_bytes(&values),
            GgmlType::Q8_0 => quant::to_q8_0_bytes(&values)
                .ok_or_else(|| ModelError::Unsupported(format!("{} cannot be split into q8_0 blocks", t.name)))?,
            other => return Err(ModelError::Unsupported(format!("cannot write {} tensors", other.name()))),
        };
        w.tensor(&t.name, &t.ne, ttype, &data).map_err(write_err)?;
        progress(done + 1, tensors.len());
    }
    let hashing = w.into_inner();
    let (bytes, sha256, mut inner) = hashing.finish();
    inner.flush().map_err(write_err)?;
    inner.into_inner().map_err(|e| write_err(e.into_error()))?.sync_all().map_err(write_err)?;
    Ok(Converted { bytes, sha256, hparams })
}

/// A writer that hashes and counts what passes through it.
pub(crate) struct HashingWriter<W> {
    inner: W,
    hasher: Sha256,
    bytes: u64,
}

impl<W: Write> HashingWriter<W> {
    pub(crate) fn new(inner: W) -> Self {
        HashingWriter { inner, hasher: Sha256::new(), bytes: 0 }
    }

    pub(crate) fn finish(self) -> (u64, String, W) {
        (self.bytes, hex(&self.hasher.finalize()), self.inner)
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ct2::tests::write_ct2;
    use crate::ggml::expected_tensors;

    #[test]
    fn fused_attention_is_split_into_query_key_and_value() {
        assert_eq!(
            source_of("encoder.blocks.3.attn.query.weight"),
            Some(rows("encoder/layer_3/self_attention/linear_0/weight".into(), 0, 3))
        );
        assert_eq!(
            source_of("decoder.blocks.0.attn.value.bias"),
            Some(rows("decoder/layer_0/self_attention/linear_0/bias".into(), 2, 3))
        );
        assert_eq!(
            source_of("decoder.blocks.5.cross_attn.key.weight"),
            Some(rows("decoder/layer_5/attention/linear_1/weight".into(), 0, 2))
        );
        assert_eq!(
            source_of("decoder.blocks.5.cross_attn.value.bias"),
            Some(rows("decoder/layer_5/attention/linear_1/bias".into(), 1, 2))
        );
        assert_eq!(
            source_of("decoder.blocks.1.cross_attn.out.weight"),
            Some(whole("decoder/layer_1/attention/linear_2/weight".into()))
        );
    }

    #[test]
    fn layer_norms_map_gamma_to_weight_and_beta_to_bias() {
        assert_eq!(source_of("encoder.ln_post.weight"), Some(whole("encoder/layer_norm/gamma".into())));
        assert_eq!(source_of("decoder.ln.bias"), Some(whole("decoder/layer_norm/beta".into())));
        assert_eq!(
            source_of("encoder.blocks.2.mlp_ln.bias"),
            Some(whole("encoder/layer_2/ffn/layer_norm/beta".into()))
        );
    }

    #[test]
    fn every_expected_tensor_of_a_base_model_has_a_source() {
        let h = crate::ggml::tests::tiny_hparams(GgmlType::F16);
        for t in expected_tensors(&Hparams { n_audio_layer: 6, n_text_layer: 6, ..h }) {
            assert!(source_of(&t.name).is_some(), "{}", t.name);
        }
    }

    #[test]
    fn only_key_weights_drop_a_bias() {
        assert!(dropped_key_bias("encoder.blocks.0.attn.key.weight").is_some());
        assert!(dropped_key_bias("encoder.blocks.0.attn.query.weight").is_none());
    }

    /// Builds a miniature CTranslate2 Whisper (width 32, 4+4 layers) with recognisable values.
    fn miniature_ct2(dir: &Path, key_bias: f32) -> (std::path::PathBuf, std::path::PathBuf) {
        let (n, vocab_n, mels) = (32u32, 51_865u32, 80u32);
        let mut vars: Vec<(String, Vec<u32>, Vec<f32>)> = Vec::new();
        let mut add = |name: String, shape: Vec<u32>| {
            let count: u32 = shape.iter().product();
            let seed = vars.len() as f32;
            let values = (0..count).map(|i| ((i as f32 * 0.013 + seed).sin()) * 0.5).collect();
            vars.push((name, shape, values));
        };
        add("decoder/embeddings/weight".into(), vec![vocab_n, n]);
        add("encoder/position_encodings/encodings".into(), vec![8, n]);
        add("decoder/position_encodings/encodings".into(), vec![8, n]);
        add("encoder/conv1/weight".into(), vec![n, mels, 3]);
        add("encoder/conv1/bias".into(), vec![n]);
        add("encoder/conv2/weight".into(), vec![n, n, 3]);
        add("encoder/conv2/bias".into(), vec![n]);
        for side in ["encoder", "decoder"] {
            add(format!("{side}/layer_norm/gamma"), vec![n]);
            add(format!("{side}/layer_norm/beta"), vec![n]);
            for l in 0..4 {
                let p = format!("{side}/layer_{l}");
                let mut blocks = vec!["self_attention"];
                if side == "decoder" {
                    blocks.push("attention");
                }
                for b in blocks {
                    add(format!("{p}/{b}/layer_norm/gamma"), vec![n]);
                    add(format!("{p}/{b}/layer_norm/beta"), vec![n]);
                }
                add(format!("{p}/self_attention/linear_0/weight"), vec![3 * n, n]);
                add(format!("{p}/self_attention/linear_0/bias"), vec![3 * n]);
                add(format!("{p}/self_attention/linear_1/weight"), vec![n, n]);
                add(format!("{p}/self_attention/linear_1/bias"), vec![n]);
                if side == "decoder" {
                    add(format!("{p}/attention/linear_0/weight"), vec![n, n]);
                    add(format!("{p}/attention/linear_0/bias"), vec![n]);
                    add(format!("{p}/attention/linear_1/weight"), vec![2 * n, n]);
                    add(format!("{p}/attention/linear_1/bias"), vec![2 * n]);
                    add(format!("{p}/attention/linear_2/weight"), vec![n, n]);
                    add(format!("{p}/attention/linear_2/bias"), vec![n]);
                }
                add(format!("{p}/ffn/layer_norm/gamma"), vec![n]);
                add(format!("{p}/ffn/layer_norm/beta"), vec![n]);
                add(format!("{p}/ffn/linear_0/weight"), vec![4 * n, n]);
                add(format!("{p}/ffn/linear_0/bias"), vec![4 * n]);
                add(format!("{p}/ffn/linear_1/weight"), vec![n, 4 * n]);
                add(format!("{p}/ffn/linear_1/bias"), vec![n]);
            }
        }
        // Zero the key parts of the fused biases, as CTranslate2 does.
        for (name, _, values) in vars.iter_mut() {
            let n = n as usize;
            if name.ends_with("self_attention/linear_0/bias") {
                values[n..2 * n].iter_mut().for_each(|v| *v = key_bias);
            }
            if name.ends_with("/attention/linear_1/bias") {
                values[..n].iter_mut().for_each(|v| *v = key_bias);
            }
        }
        let model = dir.join("model.bin");
        let borrowed: Vec<(&str, Vec<u32>, Vec<f32>)> =
            vars.iter().map(|(a, b, c)| (a.as_str(), b.clone(), c.clone())).collect();
        write_ct2(&model, "WhisperSpec", &borrowed);
        let vocab = dir.join("vocabulary.txt");
        let tokens: Vec<String> = (0..51_865).map(|i| format!("t{i}")).collect();
        std::fs::write(&vocab, tokens.join("\n")).unwrap();
        (model, vocab)
    }

    #[test]
    fn a_miniature_model_converts_to_a_valid_ggml_file_in_both_precisions() {
        let dir = tempfile::tempdir().unwrap();
        let (model, vocab) = miniature_ct2(dir.path(), 0.0);
        for precision in [Precision::Q8_0, Precision::F16] {
            let out = dir.path().join(format!("out-{precision}.bin"));
            let mut calls = 0;
            let done = convert(&model, &vocab, &out, precision, &mut |_, _| calls += 1).unwrap();
            let info = ggml::validate(&out).unwrap();
            assert_eq!(info.quantisation, precision.to_string());
            assert_eq!(info.tensors, calls);
            assert_eq!(done.bytes, std::fs::metadata(&out).unwrap().len());
            assert_eq!(done.hparams.n_audio_layer, 4);
            assert_eq!(done.hparams.n_mels, 80);
        }
    }

    #[test]
    fn conversion_is_deterministic() {
        let dir = tempfile::tempdir().unwrap();
        let (model, vocab) = miniature_ct2(dir.path(), 0.0);
        let a = convert(&model, &vocab, &dir.path().join("a.bin"), Precision::Q8_0, &mut |_, _| {}).unwrap();
        let b = convert(&model, &vocab, &dir.path().join("b.bin"), Precision::Q8_0, &mut |_, _| {}).unwrap();
        assert_eq!(a.sha256, b.sha256);
    }

    #[test]
    fn query_rows_come_from_the_top_of_the_fused_matrix() {
        let dir = tempfile::tempdir().unwrap();
        let (model, vocab) = miniature_ct2(dir.path(), 0.0);
        let out = dir.path().join("f16.bin");
        convert(&model, &vocab, &out, Precision::F16, &mut |_, _| {}).unwrap();
        // Compare the value tensor of encoder layer 0 with the last third of the fused source.
        let mut ct2 = Ct2Model::open(&model).unwrap();
        let fused = ct2.require("encoder/layer_0/self_attention/linear_0/weight").unwrap();
        let all = ct2.read_f32(&fused).unwrap();
        let expected_value = quant::to_f16_bytes(&all[2 * 32 * 32..]);
        let bytes = std::fs::read(&out).unwrap();
        let name = b"encoder.blocks.0.attn.value.weight";
        let at = bytes.windows(name.len()).position(|w| w == name).unwrap() + name.len();
        assert_eq!(&bytes[at..at + expected_value.len()], &expected_value[..]);
    }

    #[test]
    fn a_non_zero_key_bias_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let (model, vocab) = miniature_ct2(dir.path(), 0.25);
        let err = convert(&model, &vocab, &dir.path().join("x.bin"), Precision::F16, &mut |_, _| {}).unwrap_err();
        assert_eq!(err.code(), "model.invalid");
        assert!(err.to_string().contains("key bias"));
    }
}
