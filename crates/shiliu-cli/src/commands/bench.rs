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
    /// Scoring latency against clip length (≈1, 3, 10, 30 s of real speech), with the time
    /// split into encoder, free decoding, teacher forcing and pitch.
    Score {
        #[arg(long, default_value = "../shared/corpus")]
        corpus: PathBuf,
        #[arg(long, default_value_t = 5)]
        runs: usize,
        #[arg(long, value_delimiter = ',', default_value = "1,2")]
        threads: Vec<usize>,
        /// Models to compare (default: the installed one), e.g. the q8_0 and f16 files.
        #[arg(long)]
        model: Vec<PathBuf>,
    },
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
        BenchCommand::Score { corpus, runs, threads, model } => bench_score(&corpus, runs, &threads, model, data),
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
                    let t = engine.threads();
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

/// A real-speech clip of about `secs` seconds with its transcript: the corpus word nearest one
/// second, or sentences joined until the length is reached.
fn clip_of(rows: &[(String, String, Vec<f32>)], secs: f32) -> (String, Vec<f32>) {
    let len = |c: &Vec<f32>| c.len() as f32 / 16_000.0;
    if secs <= 1.5 {
        let (_, text, audio) = rows
            .iter()
            .filter(|r| r.0.starts_with("wav/words/"))
            .min_by(|a, b| (len(&a.2) - secs).abs().total_cmp(&(len(&b.2) - secs).abs()))
            .expect("corpus words");
        return (text.clone(), audio.clone());
    }
    let mut sentences: Vec<&(String, String, Vec<f32>)> =
        rows.iter().filter(|r| r.0.starts_with("wav/sentences/") && r.1.chars().all(|c| !c.is_ascii_digit())).collect();
    sentences.sort_by(|a, b| (len(&a.2) - secs).abs().total_cmp(&(len(&b.2) - secs).abs()));
    if len(&sentences[0].2) >= secs * 0.8 {
        return (sentences[0].1.clone(), sentences[0].2.clone());
    }
    sentences.sort_by(|a, b| len(&b.2).total_cmp(&len(&a.2)));
    let (mut text, mut audio) = (String::new(), Vec::new());
    for s in sentences {
        // Stay under the 30 s the recogniser takes at once.
        if len(&audio) + len(&s.2) > (secs + 1.0).min(29.9) {
            continue;
        }
        text.push_str(&s.1);
        text.push('。');
        audio.extend_from_slice(&s.2);
        if len(&audio) >= secs - 1.0 {
            break;
        }
    }
    (text, audio)
}

fn median(mut v: Vec<f32>) -> f32 {
    v.sort_by(f32::total_cmp);
    v[v.len() / 2]
}

fn bench_score(corpus: &Path, runs: usize, threads: &[usize], model: Vec<PathBuf>, data: &DataDir) -> Result<()> {
    let models = if model.is_empty() { vec![ModelStore::new(data.models()).active_path()?] } else { model };
    let manifest = corpus.join("manifest.tsv");
    let text = std::fs::read_to_string(&manifest)
        .with_context(|| format!("cannot read {} (pass --corpus)", manifest.display()))?;
    let mut rows = Vec::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() > 1 && (f[0].starts_with("wav/words/") || f[0].starts_with("wav/sentences/")) {
            rows.push((f[0].to_string(), f[1].to_string(), shiliu_audio::wav::load_16k_mono(&corpus.join(f[0]))?));
        }
    }
    let clips: Vec<(String, Vec<f32>)> = [1.0, 3.0, 10.0, 30.0].iter().map(|&s| clip_of(&rows, s)).collect();
    println!("shiliu bench score — {}; {runs} runs per cell, medians in ms", shiliu_speech::cpu::describe());
    println!(
        "{:<34} {:>3} {:>6} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7}",
        "model", "thr", "clip", "total", "max", "encode", "decode", "force", "pitch"
    );
    for m in &models {
        for &t in threads {
            let scorer = shiliu_speech::Scorer::new(shiliu_speech::Engine::load(m, t)?);
            let t = scorer.engine().threads();
            let warm = shiliu_speech::ScoreRequest { text: clips[0].0.clone(), ..Default::default() };
            scorer.score(&clips[0].1, &warm)?;
            for (text, audio) in &clips {
                let request = shiliu_speech::ScoreRequest { text: text.clone(), ..Default::default() };
                let (mut total, mut enc, mut dec, mut force, mut pitch) = (vec![], vec![], vec![], vec![], vec![]);
                for _ in 0..runs {
                    let r = scorer.score(audio, &request)?;
                    let e = scorer.engine().encode_only(audio)?.as_secs_f32() * 1000.0;
                    total.push(r.elapsed_ms);
                    enc.push(e);
                    dec.push((r.timings.recognise_ms - e).max(0.0));
                    force.push(r.timings.forcing_ms);
                    pitch.push(r.timings.pitch_ms);
                }
                let max = total.iter().copied().fold(0.0, f32::max);
                println!(
                    "{:<34} {:>3} {:>5.1}s {:>7.0} {:>7.0} {:>7.0} {:>7.0} {:>7.0} {:>7.1}",
                    m.file_name().unwrap_or_default().to_string_lossy(),
                    t,
                    audio.len() as f32 / 16_000.0,
                    median(total),
                    max,
                    median(enc),
                    median(dec),
                    median(force),
                    median(pitch)
                );
            }
        }
    }
    Ok(())
}
