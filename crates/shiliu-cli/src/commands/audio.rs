//! `shiliu record`, `shiliu devices`, `shiliu status`: the microphone path the app uses.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Result, bail};
use clap::Args;
use shiliu_audio::{MicStatus, RecordOptions, Recorder, StopReason};
use shiliu_model::{ModelStatus, ModelStore};
use shiliu_paths::DataDir;

#[derive(Args)]
pub struct RecordArgs {
    /// Where to write the recording (16 kHz mono WAV).
    out: PathBuf,
    /// Record for this many seconds (otherwise stop after speech and a pause).
    #[arg(long)]
    seconds: Option<f32>,
    /// Microphone id or name (default: the system default).
    #[arg(long)]
    device: Option<String>,
}

pub fn record(args: RecordArgs) -> Result<()> {
    let options = RecordOptions {
        device: args.device,
        max_duration: Duration::from_secs_f32(args.seconds.unwrap_or(30.0)),
        stop_after_silence: if args.seconds.is_some() { None } else { Some(Duration::from_millis(900)) },
        ..RecordOptions::default()
    };
    // Find out now, not after the student has spoken, that the file cannot be written.
    let folder = args.out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if !folder.is_dir() {
        bail!("cannot record into {}: the folder {} does not exist", args.out.display(), folder.display());
    }
    if args.out.is_dir() {
        bail!("cannot record into {}: it is a folder; name a .wav file", args.out.display());
    }
    let recorder = Recorder::start(options, |_| {})?;
    eprintln!("recording…");
    let rec = recorder.wait()?;
    shiliu_audio::wav::write_wav_16k(&args.out, &rec.samples)?;
    println!(
        "recorded {:.2} s from {} ({} Hz) into {} ({})",
        rec.samples.len() as f32 / shiliu_audio::SAMPLE_RATE as f32,
        rec.device,
        rec.device_rate,
        args.out.display(),
        match rec.stop_reason {
            StopReason::Requested => "stopped",
            StopReason::SpeechEnded => "speech ended",
            StopReason::NoSpeech => "no speech heard",
            StopReason::TimeLimit => "time limit reached",
        }
    );
    Ok(())
}

pub fn devices(args: DevicesArgs) -> Result<()> {
    let list = if args.all { shiliu_audio::all_input_devices() } else { shiliu_audio::input_devices() };
    if list.is_empty() {
        println!("no microphones found");
    }
    for d in list {
        println!("{}{}\t{}", if d.is_default { "* " } else { "  " }, d.id, d.name);
    }
    Ok(())
}

#[derive(Args)]
pub struct DevicesArgs {
    /// Also list ALSA's helper plugins (rate converters, mixers, null), which are not microphones.
    #[arg(long)]
    all: bool,
}

#[derive(Args)]
pub struct StatusArgs {
    #[arg(long)]
    json: bool,
}

pub fn status(args: StatusArgs, data: &DataDir) -> Result<()> {
    let model = ModelStore::new(data.models()).status();
    let mic = shiliu_audio::microphone_status(None);
    if args.json {
        println!("{}", serde_json::json!({ "model": model, "microphone": mic }));
        return Ok(());
    }
    match &model {
        ModelStatus::Installed { model, .. } => {
            println!("model:      ready (Whisper {} {})", model.size_name, model.quantisation)
        }
        ModelStatus::Missing => {
            println!("model:      missing — run `shiliu model install`, or `shiliu model import PATH` from a USB stick")
        }
        ModelStatus::Damaged { message, .. } => println!("model:      damaged — {message}"),
    }
    match &mic {
        MicStatus::Ready { device, sample_rate, channels } => {
            println!("microphone: ready ({device}, {sample_rate} Hz, {channels} ch)")
        }
        MicStatus::Unavailable { message, .. } => println!("microphone: none — {message}"),
    }
    Ok(())
}
