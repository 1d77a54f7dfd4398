//! `shiliu transcribe` on real recordings: accuracy after normalisation, and bounded time.

use shiliu_speech::normalize::{character_error_rate, normalize};
use shiliu_tests::{data_dir_with_model, manifest, require_shared, run, shiliu};

#[test]
fn corpus_sentences_are_transcribed_close_to_their_transcripts_without_loops() {
    let shared = require_shared!();
    let rows: Vec<_> = manifest(&shared.join("corpus/manifest.tsv"))
        .into_iter()
        .filter(|r| r["file"].starts_with("wav/sentences/"))
        .collect();
    assert!(rows.len() >= 20);
    let mut cmd = shiliu(data_dir_with_model());
    cmd.args(["transcribe", "--json"]);
    for r in &rows {
        cmd.arg(shared.join("corpus").join(&r["file"]));
    }
    let out = run(&mut cmd);
    assert!(out.status.success());
    let (mut edits, mut chars) = (0.0, 0.0);
    for (line, row) in String::from_utf8(out.stdout).unwrap().lines().zip(&rows) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let reference = normalize(&row["transcript_hanzi"]);
        let cer = character_error_rate(&reference, v["text"].as_str().unwrap());
        edits += cer * reference.chars().count() as f64;
        chars += reference.chars().count() as f64;
        // A loose bound that only a repetition loop or fallback could break; timings are
        // measured by the benchmark, not asserted here.
        assert!(v["elapsed_ms"].as_f64().unwrap() < 5000.0, "{} took {} ms", row["file"], v["elapsed_ms"]);
    }
    let cer = edits / chars;
    eprintln!("corpus sentence CER: {:.1} %", cer * 100.0);
    assert!(cer < 0.25, "CER {cer:.3}");
}

#[test]
fn a_stereo_44k_recording_reads_the_same_as_its_16k_mono_original() {
    let shared = require_shared!();
    let original = shared.join("corpus/wav/sentences/aishell1_BAC009S0764W0122.wav");
    let mono = shiliu_audio::wav::load_16k_mono(&original).unwrap();
    let stereo_44k = shiliu_audio::resample::resample(&mono, 16_000, 44_100).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let converted = dir.path().join("stereo44k.wav");
    let interleaved: Vec<f32> = stereo_44k.iter().flat_map(|s| [*s, *s * 0.8]).collect();
    write_pcm16_wav(&converted, 44_100, 2, &interleaved);
    let out = run(shiliu(data_dir_with_model()).arg("transcribe").arg(&original).arg(&converted));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().map(|l| l.split('\t').nth(1).unwrap_or("")).collect();
    assert_eq!(lines.len(), 2);
    assert!(character_error_rate(lines[0], lines[1]) < 0.15, "{lines:?}");
}

#[test]
fn three_seconds_of_silence_come_back_quickly_and_nearly_empty() {
    let dir = tempfile::tempdir().unwrap();
    let silence = dir.path().join("silence.wav");
    shiliu_audio::wav::write_wav_16k(&silence, &vec![0.0; 48_000]).unwrap();
    let out = run(shiliu(data_dir_with_model()).args(["transcribe", "--json"]).arg(&silence));
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["text"].as_str().unwrap().chars().count() <= 12, "no runaway text: {v}");
    assert!(v["elapsed_ms"].as_f64().unwrap() < 5000.0, "bounded: {v}");
}

/// Writes a canonical 16-bit PCM WAV by hand: this test checks our reader, so it should not
/// share its writer.
fn write_pcm16_wav(path: &std::path::Path, rate: u32, channels: u16, interleaved: &[f32]) {
    let data: Vec<u8> =
        interleaved.iter().flat_map(|s| ((s.clamp(-1.0, 1.0) * 32767.0) as i16).to_le_bytes()).collect();
    let mut out = Vec::with_capacity(44 + data.len());
    out.extend(b"RIFF");
    out.extend(((36 + data.len()) as u32).to_le_bytes());
    out.extend(b"WAVEfmt ");
    out.extend(16u32.to_le_bytes());
    out.extend(1u16.to_le_bytes());
    out.extend(channels.to_le_bytes());
    out.extend(rate.to_le_bytes());
    out.extend((rate * channels as u32 * 2).to_le_bytes());
    out.extend((channels * 2).to_le_bytes());
    out.extend(16u16.to_le_bytes());
    out.extend(b"data");
    out.extend((data.len() as u32).to_le_bytes());
    out.extend(data);
    std::fs::write(path, out).unwrap();
}
