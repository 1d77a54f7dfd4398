//! `shiliu transcribe FILE.wav…`: bounded free recognition, the model loaded once for all files.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use shiliu_model::ModelStore;
use shiliu_paths::DataDir;

#[derive(Args)]
pub struct TranscribeArgs {
    /// WAV files (any rate, mono or stereo).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// CPU threads for recognition.
    #[arg(long, default_value_t = 2)]
    threads: usize,
    /// Use this ggml model instead of the installed one.
    #[arg(long)]
    model: Option<PathBuf>,
    /// One JSON object per file (text, raw text, timings).
    #[arg(long)]
    json: bool,
}

pub fn run(args: TranscribeArgs, data: &DataDir) -> Result<()> {
    let model = match args.model {
        Some(m) => m,
        None => ModelStore::new(data.models()).active_path()?,
    };
    let engine = shiliu_speech::Engine::load(&model, args.threads)?;
    let many = args.files.len() > 1;
    for file in &args.files {
        let samples = shiliu_audio::wav::load_16k_mono(file)?;
        let t = engine.transcribe(&samples)?;
        if args.json {
            println!(
                "{}",
                serde_json::json!({
                    "file": file,
                    "text": t.text,
                    "raw_text": t.raw_text,
                    "audio_ms": (t.audio_secs * 1000.0).round(),
                    "elapsed_ms": t.elapsed.as_secs_f64() * 1000.0,
                    "repetition_stopped": t.repetition_stopped,
                })
            );
        } else if many {
            println!("{}\t{}", file.display(), t.text);
        } else {
            println!("{}", t.text);
        }
    }
    Ok(())
}
