//! Reading and writing WAV files, and turning any of them into 16 kHz mono samples.

mod finite;
mod g711;

use std::path::Path;

use crate::SAMPLE_RATE;
use crate::error::{AudioError, Result};
use crate::resample::{mix_to_mono, resample};

/// Decoded audio as it was in the file.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// Interleaved samples in [-1, 1].
    pub samples: Vec<f32>,
    pub sample_rate: u32,
    pub channels: u16,
}

/// Reads a WAV file: 8/16/24/32-bit integer PCM, 32/64-bit float, A-law or μ-law.
pub fn read_wav(path: &Path) -> Result<Decoded> {
    let bytes = std::fs::read(path).map_err(|source| AudioError::File { op: "read", path: path.to_owned(), source })?;
    decode_wav(&bytes).map_err(|detail| AudioError::Unreadable {
        path: path.to_owned(),
        expected: "a WAV file",
        detail,
    })
}

/// Decodes WAV bytes held in memory: integer PCM, 32- or 64-bit float, A-law or μ-law.
/// A file whose header gets the data size wrong is read for the audio it actually holds:
/// recorders writing to a pipe leave the size at 0 or 0xFFFFFFFF, and a recording cut short
/// (the program killed, the USB stick pulled) declares more than is there. Chunks hound stumbles
/// on (an odd-sized one before the data, whose pad byte it does not skip) are passed over. Whole
/// frames only; a damaged header beyond that is still refused.
pub fn decode_wav(bytes: &[u8]) -> std::result::Result<Decoded, String> {
    finite::without_non_numbers(decode_wav_samples(bytes)?)
}

fn decode_wav_samples(bytes: &[u8]) -> std::result::Result<Decoded, String> {
    let layout = Layout::of(bytes);
    if let Some((layout, codec)) = layout.as_ref().and_then(|l| l.codec_hound_lacks().map(|c| (l, c))) {
        return decode_with(bytes, layout, codec);
    }
    match decode_as_declared(bytes) {
        Ok(d) if !d.samples.is_empty() => Ok(d),
        declared => match layout.and_then(|l| l.canonical(bytes)) {
            Some(plain) => decode_as_declared(&plain).or(declared),
            None => declared,
        },
    }
}

/// What the `fmt ` chunk says and where the `data` chunk starts.
struct Layout {
    format_tag: u16,
    channels: u16,
    sample_rate: u32,
    block_align: u16,
    bits_per_sample: u16,
    /// The `fmt ` chunk's body, as written.
    fmt_body: std::ops::Range<usize>,
    /// Offset of the data chunk's header.
    data_at: usize,
    declared_size: u32,
}

/// Sample encodings hound does not read.
#[derive(Clone, Copy)]
enum Codec {
    ALaw,
    MuLaw,
    Float64,
}

const FORMAT_FLOAT: u16 = 3;
const FORMAT_A_LAW: u16 = 6;
const FORMAT_MU_LAW: u16 = 7;
const FORMAT_EXTENSIBLE: u16 = 0xFFFE;

impl Layout {
    /// Walks the RIFF chunks up to `data`; `None` when there is no `fmt ` and `data` to go by.
    fn of(bytes: &[u8]) -> Option<Layout> {
        let u16_at = |i: usize| bytes.get(i..i + 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
        let u32_at = |i: usize| bytes.get(i..i + 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
        if bytes.get(0..4)? != b"RIFF" || bytes.get(8..12)? != b"WAVE" {
            return None;
        }
        let mut at = 12usize;
        let mut fmt = None;
        while at + 8 <= bytes.len() {
            let id = &bytes[at..at + 4];
            let size = u32_at(at + 4)?;
            if id == b"fmt " {
                let body = at + 8;
                let mut format_tag = u16_at(body)?;
                // WAVE_FORMAT_EXTENSIBLE names the real format in the first two bytes of its
                // sub-format GUID.
                if format_tag == FORMAT_EXTENSIBLE && size >= 40 {
                    format_tag = u16_at(body + 24)?;
                }
                let body_end = body.checked_add(size as usize).filter(|&end| end <= bytes.len())?;
                fmt = Some((
                    format_tag,
                    u16_at(body + 2)?,
                    u32_at(body + 4)?,
                    u16_at(body + 12)?,
                    u16_at(body + 14)?,
                    body..body_end,
                ));
            } else if id == b"data" {
                let (format_tag, channels, sample_rate, block_align, bits_per_sample, fmt_body) = fmt?;
                return Some(Layout {
                    format_tag,
                    channels,
                    sample_rate,
                    block_align,
                    bits_per_sample,
                    fmt_body,
                    data_at: at,
                    declared_size: size,
                });
            }
            // Chunks are padded to an even length.
            at = at.checked_add(8 + size as usize + size as usize % 2)?;
        }
        None
    }

    fn codec_hound_lacks(&self) -> Option<Codec> {
        match (self.format_tag, self.bits_per_sample) {
            (FORMAT_A_LAW, 8) => Some(Codec::ALaw),
            (FORMAT_MU_LAW, 8) => Some(Codec::MuLaw),
            (FORMAT_FLOAT, 64) => Some(Codec::Float64),
            _ => None,
        }
    }

    /// The whole frames the file holds after the data chunk's header, in bytes.
    fn held_whole_frames(&self, bytes: &[u8]) -> Option<usize> {
        let held = bytes.len().checked_sub(self.data_at + 8)?;
        let align = usize::from(self.block_align).max(1);
        Some(held - held % align)
    }

    /// The data as the header declares it, or as much as the file holds when the size is
    /// unknown (0 or 0xFFFFFFFF) or larger than what is there; whole frames only.
    fn data<'a>(&self, bytes: &'a [u8]) -> &'a [u8] {
        let whole = self.held_whole_frames(bytes).unwrap_or(0);
        let declared = self.declared_size as usize;
        let len = if declared == 0 || self.declared_size == u32::MAX { whole } else { declared.min(whole) };
        let len = len - len % usize::from(self.block_align).max(1);
        &bytes[self.data_at + 8..self.data_at + 8 + len]
    }

    /// The file rewritten as a plain WAV: its `fmt ` chunk, then a data chunk sized to the
    /// audio it holds (see [`Layout::data`]); every other chunk left out. `None` when there is
    /// no whole frame.
    fn canonical(&self, bytes: &[u8]) -> Option<Vec<u8>> {
        let data = self.data(bytes);
        if self.block_align == 0 || data.is_empty() {
            return None;
        }
        let fmt = &bytes[self.fmt_body.clone()];
        let mut plain = Vec::with_capacity(28 + fmt.len() + data.len());
        plain.extend(b"RIFF");
        plain.extend(u32::try_from(4 + 8 + fmt.len() + fmt.len() % 2 + 8 + data.len()).ok()?.to_le_bytes());
        plain.extend(b"WAVEfmt ");
        plain.extend((fmt.len() as u32).to_le_bytes());
        plain.extend(fmt);
        if fmt.len() % 2 == 1 {
            plain.push(0);
        }
        plain.extend(b"data");
        plain.extend((data.len() as u32).to_le_bytes());
        plain.extend(data);
        Some(plain)
    }
}

/// Decodes the sample encodings hound lacks.
fn decode_with(bytes: &[u8], layout: &Layout, codec: Codec) -> std::result::Result<Decoded, String> {
    let Layout { channels, sample_rate, block_align, bits_per_sample, .. } = *layout;
    check_usable(channels, sample_rate)?;
    if usize::from(block_align) != usize::from(channels) * usize::from(bits_per_sample / 8) {
        return Err(format!(
            "the header is inconsistent: {channels} channels of {bits_per_sample} bits in frames of {block_align} bytes"
        ));
    }
    let data = layout.data(bytes);
    let samples = match codec {
        Codec::ALaw => data.iter().map(|&b| g711::a_law(b)).collect(),
        Codec::MuLaw => data.iter().map(|&b| g711::mu_law(b)).collect(),
        Codec::Float64 => {
            data.chunks_exact(8).map(|b| f64::from_le_bytes(b.try_into().expect("chunks of 8")) as f32).collect()
        }
    };
    Ok(Decoded { samples, sample_rate, channels })
}

fn check_usable(channels: u16, sample_rate: u32) -> std::result::Result<(), String> {
    if channels == 0 || !(4_000..=384_000).contains(&sample_rate) {
        return Err(format!("{channels} channels at {sample_rate} Hz is not audio we can use"));
    }
    Ok(())
}

fn decode_as_declared(bytes: &[u8]) -> std::result::Result<Decoded, String> {
    let reader = hound::WavReader::new(std::io::Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let spec = reader.spec();
    check_usable(spec.channels, spec.sample_rate)?;
    let samples: std::result::Result<Vec<f32>, hound::Error> = match spec.sample_format {
        hound::SampleFormat::Float => reader.into_samples::<f32>().collect(),
        hound::SampleFormat::Int => {
            let scale = 1.0 / (1u64 << (spec.bits_per_sample - 1)) as f32;
            reader.into_samples::<i32>().map(|s| s.map(|v| v as f32 * scale)).collect()
        }
    };
    let samples = samples.map_err(|e| format!("the audio data is damaged: {e}"))?;
    Ok(Decoded { samples, sample_rate: spec.sample_rate, channels: spec.channels })
}

/// Reads a headerless file of little-endian 16-bit PCM (what `arecord -f S16_LE -t raw` and
/// many recorders write), whose rate and channel count the caller must know.
pub fn read_pcm_s16le(path: &Path, sample_rate: u32, channels: u16) -> Result<Decoded> {
    let unreadable =
        |detail: String| AudioError::Unreadable { path: path.to_owned(), expected: "raw 16-bit PCM", detail };
    check_usable(channels, sample_rate).map_err(unreadable)?;
    let bytes = std::fs::read(path).map_err(|source| AudioError::File { op: "read", path: path.to_owned(), source })?;
    let frame_bytes = 2 * channels as usize;
    if bytes.len() % frame_bytes != 0 {
        return Err(unreadable(format!(
            "{} bytes is not a whole number of {channels}-channel 16-bit frames: is it really raw PCM?",
            bytes.len()
        )));
    }
    if bytes.starts_with(b"RIFF") {
        return Err(unreadable("it has a WAV header: read it as WAV, without the raw-PCM options".to_owned()));
    }
    Ok(decode_pcm_s16le(&bytes, sample_rate, channels))
}

/// Interprets raw little-endian 16-bit PCM.
pub fn decode_pcm_s16le(bytes: &[u8], sample_rate: u32, channels: u16) -> Decoded {
    let samples = bytes.chunks_exact(2).map(|b| i16::from_le_bytes([b[0], b[1]]) as f32 / 32768.0).collect();
    Decoded { samples, sample_rate, channels }
}

impl Decoded {
    /// Mixes to mono and resamples to 16 kHz.
    pub fn to_16k_mono(&self) -> Result<Vec<f32>> {
        let mono = mix_to_mono(&self.samples, self.channels as usize);
        resample(&mono, self.sample_rate, SAMPLE_RATE)
    }

    pub fn duration_secs(&self) -> f32 {
        self.samples.len() as f32 / self.channels.max(1) as f32 / self.sample_rate as f32
    }
}

/// Reads any WAV file as 16 kHz mono.
pub fn load_16k_mono(path: &Path) -> Result<Vec<f32>> {
    read_wav(path)?.to_16k_mono()
}

/// Writes 16 kHz mono samples as a 16-bit PCM WAV file.
pub fn write_wav_16k(path: &Path, samples: &[f32]) -> Result<()> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: SAMPLE_RATE,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let io = |e: hound::Error| AudioError::File {
        op: "write",
        path: path.to_owned(),
        source: match e {
            hound::Error::IoError(io) => io,
            other => std::io::Error::other(other.to_string()),
        },
    };
    let mut w = hound::WavWriter::create(path, spec).map_err(io)?;
    for &s in samples {
        w.write_sample((s.clamp(-1.0, 1.0) * 32767.0).round() as i16).map_err(io)?;
    }
    w.finalize().map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, spec: hound::WavSpec, frames: usize) {
        let mut w = hound::WavWriter::create(path, spec).unwrap();
        for i in 0..frames {
            let v = (i as f32 * 0.05).sin() * 0.5;
            for _ in 0..spec.channels {
                match (spec.sample_format, spec.bits_per_sample) {
                    (hound::SampleFormat::Float, _) => w.write_sample(v).unwrap(),
                    (_, 16) => w.write_sample((v * 32767.0) as i16).unwrap(),
                    (_, 24) => w.write_sample((v * 8_388_607.0) as i32).unwrap(),
                    _ => unreachable!(),
                }
            }
        }
        w.finalize().unwrap();
    }

    #[test]
    fn stereo_44k_float_and_24_bit_files_all_become_16k_mono() {
        let dir = tempfile::tempdir().unwrap();
        let cases = [
            (hound::SampleFormat::Float, 32, 2, 44_100),
            (hound::SampleFormat::Int, 24, 1, 48_000),
            (hound::SampleFormat::Int, 16, 2, 8_000),
        ];
        for (fmt, bits, channels, rate) in cases {
            let path = dir.path().join(format!("{bits}-{channels}-{rate}.wav"));
            let spec = hound::WavSpec { channels, sample_rate: rate, bits_per_sample: bits, sample_format: fmt };
            write(&path, spec, rate as usize); // one second
            let out = load_16k_mono(&path).unwrap();
            assert!((out.len() as i64 - 16_000).abs() < 40, "{bits}/{channels}/{rate}: {}", out.len());
            let peak = out.iter().fold(0f32, |m, v| m.max(v.abs()));
            assert!((peak - 0.5).abs() < 0.05, "peak {peak}");
        }
    }

    #[test]
    fn a_text_file_is_reported_unreadable_with_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.wav");
        std::fs::write(&path, "this is not audio").unwrap();
        let err = read_wav(&path).unwrap_err();
        assert_eq!(err.code(), "audio.unreadable");
        assert!(err.to_string().contains("notes.wav"));
    }

    #[test]
    fn a_recording_cut_short_or_streamed_is_read_for_the_audio_it_holds() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.wav");
        let x: Vec<f32> = (0..3200).map(|i| (i as f32 * 0.1).sin() * 0.3).collect();
        write_wav_16k(&path, &x).unwrap();
        let whole = std::fs::read(&path).unwrap();
        let data_size_at = 40; // hound writes a 44-byte header: RIFF, fmt (16 bytes), data
        assert_eq!(&whole[36..40], b"data");
        // Cut off mid-sample, as a pulled USB stick leaves it: the whole samples before the cut.
        let cut = &whole[..whole.len() - 1001];
        assert_eq!(decode_wav(cut).unwrap().samples.len(), (cut.len() - 44) / 2);
        // Written to a pipe: the sizes were never filled in.
        for unknown in [0u32, u32::MAX] {
            let mut streamed = whole.clone();
            streamed[4..8].copy_from_slice(&unknown.to_le_bytes());
            streamed[data_size_at..data_size_at + 4].copy_from_slice(&unknown.to_le_bytes());
            assert_eq!(decode_wav(&streamed).unwrap().samples, decode_wav(&whole).unwrap().samples);
        }
        // A header alone, or part of one, is still damaged.
        assert!(decode_wav(&whole[..30]).is_err());
        assert!(decode_wav(&whole[..44]).is_err());
    }

    /// A WAV file with a plain (18-byte) or extensible (40-byte) `fmt ` chunk.
    fn wav_bytes(tag: u16, channels: u16, rate: u32, bits: u16, extensible: bool, data: &[u8]) -> Vec<u8> {
        let align = channels * bits / 8;
        let mut fmt = Vec::new();
        fmt.extend((if extensible { FORMAT_EXTENSIBLE } else { tag }).to_le_bytes());
        fmt.extend(channels.to_le_bytes());
        fmt.extend(rate.to_le_bytes());
        fmt.extend((rate * u32::from(align)).to_le_bytes());
        fmt.extend(align.to_le_bytes());
        fmt.extend(bits.to_le_bytes());
        if extensible {
            fmt.extend(22u16.to_le_bytes());
            fmt.extend(bits.to_le_bytes());
            fmt.extend(0u32.to_le_bytes());
            fmt.extend(tag.to_le_bytes());
            fmt.extend([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71]);
        } else {
            fmt.extend(0u16.to_le_bytes());
        }
        let mut out = b"RIFF".to_vec();
        out.extend(((4 + 8 + fmt.len() + 8 + data.len()) as u32).to_le_bytes());
        out.extend(b"WAVEfmt ");
        out.extend((fmt.len() as u32).to_le_bytes());
        out.extend(fmt);
        out.extend(b"data");
        out.extend((data.len() as u32).to_le_bytes());
        out.extend(data);
        out
    }

    #[test]
    fn a_file_with_odd_sized_chunks_before_its_audio_is_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.wav");
        let x: Vec<f32> = (0..1600).map(|i| (i as f32 * 0.1).sin() * 0.3).collect();
        write_wav_16k(&path, &x).unwrap();
        let plain = std::fs::read(&path).unwrap();
        // An odd-sized chunk padded to even length, as some recorders write their notes.
        let mut noted = plain[..36].to_vec();
        noted.extend(b"note");
        noted.extend(3u32.to_le_bytes());
        noted.extend(b"abc\0");
        noted.extend(&plain[36..]);
        let riff_size = (noted.len() - 8) as u32;
        noted[4..8].copy_from_slice(&riff_size.to_le_bytes());
        assert_eq!(decode_wav(&noted).unwrap().samples, decode_wav(&plain).unwrap().samples);
    }

    #[test]
    fn telephone_a_law_and_mu_law_files_are_expanded_to_linear_samples() {
        // Silence, the loudest positive and the loudest negative code of each law.
        let mu = decode_wav(&wav_bytes(FORMAT_MU_LAW, 1, 8_000, 8, false, &[0xFF, 0x80, 0x00])).unwrap();
        assert_eq!((mu.sample_rate, mu.channels), (8_000, 1));
        assert_eq!(mu.samples, vec![0.0, 32124.0 / 32768.0, -32124.0 / 32768.0]);
        let a = decode_wav(&wav_bytes(FORMAT_A_LAW, 2, 8_000, 8, true, &[0xD5, 0xAA, 0x2A, 0x55])).unwrap();
        assert_eq!(a.channels, 2);
        assert_eq!(a.samples, vec![8.0 / 32768.0, 32256.0 / 32768.0, -32256.0 / 32768.0, -8.0 / 32768.0]);
    }

    #[test]
    fn double_precision_float_files_are_read() {
        let data: Vec<u8> = [0.25f64, -0.5, 1.0].iter().flat_map(|v| v.to_le_bytes()).collect();
        for extensible in [false, true] {
            let d = decode_wav(&wav_bytes(FORMAT_FLOAT, 1, 44_100, 64, extensible, &data)).unwrap();
            assert_eq!(d.samples, vec![0.25, -0.5, 1.0]);
        }
    }

    #[test]
    fn companded_files_cut_short_or_streamed_keep_their_whole_frames() {
        let whole = wav_bytes(FORMAT_MU_LAW, 2, 8_000, 8, false, &[0xFF; 10]);
        assert_eq!(decode_wav(&whole[..whole.len() - 3]).unwrap().samples.len(), 6);
        let mut streamed = whole.clone();
        let data_size_at = whole.len() - 10 - 4;
        streamed[data_size_at..data_size_at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(decode_wav(&streamed).unwrap().samples.len(), 10);
    }

    #[test]
    fn a_companded_file_whose_frames_do_not_fit_its_channels_is_refused() {
        let mut bytes = wav_bytes(FORMAT_A_LAW, 2, 8_000, 8, false, &[0xD5; 4]);
        bytes[32] = 3; // block align: 3 bytes for 2 one-byte channels
        assert!(decode_wav(&bytes).unwrap_err().contains("inconsistent"));
        let silent_rate = wav_bytes(FORMAT_A_LAW, 1, 100, 8, false, &[0xD5; 4]);
        assert!(decode_wav(&silent_rate).unwrap_err().contains("100 Hz"));
    }

    #[test]
    fn a_missing_file_is_a_file_error() {
        assert_eq!(read_wav(Path::new("/nonexistent/x.wav")).unwrap_err().code(), "audio.file");
    }

    #[test]
    fn written_files_read_back_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.wav");
        let x: Vec<f32> = (0..1600).map(|i| (i as f32 * 0.1).sin() * 0.3).collect();
        write_wav_16k(&path, &x).unwrap();
        let y = load_16k_mono(&path).unwrap();
        assert_eq!(y.len(), x.len());
        assert!(x.iter().zip(&y).all(|(a, b)| (a - b).abs() < 1e-4));
    }

    #[test]
    fn raw_pcm_is_understood() {
        let bytes: Vec<u8> = [0i16, 16384, -16384, 32767].iter().flat_map(|v| v.to_le_bytes()).collect();
        let d = decode_pcm_s16le(&bytes, 16_000, 1);
        assert_eq!(d.samples[1], 0.5);
        assert_eq!(d.samples[2], -0.5);
    }

    #[test]
    fn a_raw_pcm_file_is_read_at_the_rate_the_caller_names() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.pcm");
        let bytes: Vec<u8> = (0..3200i32).flat_map(|i| ((i % 100) as i16 * 100).to_le_bytes()).collect();
        std::fs::write(&path, &bytes).unwrap();
        let d = read_pcm_s16le(&path, 8_000, 2).unwrap();
        assert_eq!((d.sample_rate, d.channels), (8_000, 2));
        assert!((d.duration_secs() - 0.2).abs() < 1e-6);
        assert_eq!(d.to_16k_mono().unwrap().len(), 3200);
    }

    #[test]
    fn raw_pcm_that_cannot_be_whole_frames_or_is_a_wav_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let odd = dir.path().join("odd.pcm");
        std::fs::write(&odd, [0u8; 7]).unwrap();
        assert!(matches!(read_pcm_s16le(&odd, 16_000, 1), Err(AudioError::Unreadable { .. })));
        let wav = dir.path().join("x.wav");
        write_wav_16k(&wav, &[0.0; 1600]).unwrap();
        let err = read_pcm_s16le(&wav, 16_000, 1).unwrap_err();
        assert!(err.to_string().contains("WAV header"), "{err}");
        assert!(matches!(read_pcm_s16le(&odd, 100, 1), Err(AudioError::Unreadable { .. })));
    }
}
