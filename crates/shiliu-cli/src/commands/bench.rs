//! `shiliu bench …`: benchmarks that print figures (medians over several runs), for the speed
//! targets. They are not tests: nothing here passes or fails on time.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use shiliu_model::ModelStore;
use shiliu_paths::DataDir;

#[derive(Subcommand)]
pub enum BenchCommand {
    /// Transcription time against clip length (1, 3, 10, 30 s of real speech).
    Transcribe {
        /// The corpus folder with manifest.tsv (real recordings).
        #[arg(long, default_value = "../shared/corpus")]
        corpus: PathBuf,
        /// Runs per clip length (the median is reported).
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Thread counts to compare, e.g. 1,2.
        #[arg(long, value_delimiter = ',', default_value = "2")]
        threads: Vec<usize>,
        /// Models to compare (default: the installed one).
        #[arg(long)]
        model: Vec<PathBuf>,
    },
}

pub fn run(cmd: BenchCommand, data: &DataDir) -> Result<()> {
    match cmd {
        BenchCommand::Transcribe { corpus, runs, threads, model } => {
            let models = if model.is_empty() { vec![ModelStore::new(data.models()).active_path()?] } else { model };
            let speech = corpus_speech(&corpus)?;
            println!(
                "shiliu bench transcribe — {}; {} runs per cell, median (min–max) wall time",
                shiliu_speech::cpu::describe(),
                runs
            );
            println!("{:<34} {:>3} {:>6} {:>22} {:>8}", "model", "thr", "clip", "time ms", "RTF");
            for m in &models {
                for &t in &threads {
                    let engine = shiliu_speech::Engine::load(m, t)?;
                    // One warm-up so page faults of the first call are not counted.
                    engine.transcribe(&speech[..16_000])?;
                    for secs in [1usize, 3, 10, 30] {
                        let clip = &speech[..secs * 16_000];
                        let mut times: Vec<f64> = (0..runs)
                            .map(|_| {
                                let started = Instant::now();
                                engine.transcribe(clip).map(|_| started.elapsed().as_secs_f64() * 1000.0)
                            })
                            .collect::<std::result::Result<_, _>>()?;
                        times.sort_by(f64::total_cmp);
                        let median = times[times.len() / 2];
                        println!(
                            "{:<34} {:>3} {:>5}s {:>8.0} ({:>5.0}–{:>5.0}) {:>8.3}",
                            m.file_name().unwrap_or_default().to_string_lossy(),
                            t,
                            secs,
                            median,
                            times[0],
                            times[times.len() - 1],
                            median / 1000.0 / secs as f64
                        );
                    }
                }
            }
            Ok(())
        }
    }
}

/// 31 s of real read speech: corpus sentences (longest first) joined with short pauses.
fn corpus_speech(corpus: &Path) -> Result<Vec<f32>> {
    let manifest = corpus.join("manifest.tsv");
    let text = std::fs::read_to_string(&manifest)
        .with_context(|| format!("cannot read {} (pass --corpus)", manifest.display()))?;
    let mut clips: Vec<Vec<f32>> = Vec::new();
    for line in text.lines().skip(1) {
        let file = line.split('\t').next().unwrap_or_default();
        if file.starts_with("wav/sentences/") {
            clips.push(shiliu_audio::wav::load_16k_mono(&corpus.join(file))?);
        }
    }
    if clips.is_empty() {
        bail!("{} lists no sentences", manifest.display());
    }
    clips.sort_by_key(|c| std::cmp::Reverse(c.len()));
    let mut speech = Vec::new();
    for c in clips.iter().cycle().take(64) {
        speech.extend_from_slice(c);
        speech.extend(std::iter::repeat_n(0.0, 3_200));
        if speech.len() > 31 * 16_000 {
            return Ok(speech);
        }
    }
    bail!("not enough speech in {}", corpus.display())
}
