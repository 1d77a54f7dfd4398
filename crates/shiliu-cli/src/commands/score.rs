//! `shiliu score`: judge one recording against a target, as the app does.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use shiliu_model::ModelStore;
use shiliu_paths::DataDir;
use shiliu_prosody::SpeakerProfile;
use shiliu_speech::result::{ScoreResult, Verdict};
use shiliu_speech::{ScoreRequest, Scorer};

#[derive(Args)]
pub struct ScoreArgs {
    /// The target text (hanzi), e.g. 老师.
    #[arg(long)]
    text: String,
    /// Pinyin with tone digits (citation tones), overriding the dictionary: "lao3 shi1".
    #[arg(long)]
    pinyin: Option<String>,
    /// A confusable item to choose between (repeatable): --contrast 老鼠, or the same
    /// characters read another way: --contrast "东西:dong1 xi1".
    #[arg(long = "contrast")]
    contrasts: Vec<String>,
    /// Print exactly one JSON object.
    #[arg(long)]
    json: bool,
    /// Include the raw evidence behind each verdict.
    #[arg(long)]
    diagnostics: bool,
    #[arg(long, default_value_t = 2)]
    threads: usize,
    /// Use this ggml model instead of the installed one.
    #[arg(long)]
    model: Option<PathBuf>,
    /// Read FILE as headerless 16-bit little-endian PCM at this rate (Hz) instead of WAV.
    #[arg(long, value_name = "HZ")]
    pcm_rate: Option<u32>,
    /// Channels of the raw PCM (with --pcm-rate).
    #[arg(long, value_name = "N", default_value_t = 1, requires = "pcm_rate")]
    pcm_channels: u16,
    /// The speaker's profile (pitch range, own flat and retroflex hisses) as JSON: read from
    /// this file if it exists, and the profile updated by this attempt written back, as the app
    /// keeps one per student.
    #[arg(long, value_name = "FILE")]
    profile: Option<PathBuf>,
    /// The recording (WAV: any rate, channel count, bit depth, float or A-/μ-law; raw PCM with --pcm-rate).
    file: PathBuf,
}

/// The profile stored at `path`, `None` when there is none yet. A damaged one (a crash while
/// it was written elsewhere, a hand edit) is set aside as `<name>.damaged` with a warning and
/// a new one is started: it is only what earlier attempts taught about the voice, and must not
/// stop the student from being scored.
fn read_profile(path: &std::path::Path) -> Result<Option<SpeakerProfile>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("cannot read the profile {}", path.display())),
    };
    let parsed = serde_json::from_str::<SpeakerProfile>(&text)
        .map_err(|e| e.to_string())
        .and_then(|p| p.validate().map(|()| p).map_err(|e| e.to_string()));
    match parsed {
        Ok(profile) => Ok(Some(profile)),
        Err(why) => {
            let aside = path.with_extension("json.damaged");
            std::fs::rename(path, &aside).with_context(|| format!("cannot set aside {}", path.display()))?;
            eprintln!(
                "warning: the profile {} is damaged ({why}); it was kept as {} and a new one is started",
                path.display(),
                aside.display()
            );
            Ok(None)
        }
    }
}

/// Replaces the profile at `path` whole (a new file renamed over the old), so an interrupted
/// write never leaves half a profile.
fn write_profile(path: &std::path::Path, profile: &SpeakerProfile) -> Result<()> {
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, serde_json::to_string_pretty(profile)?)
        .with_context(|| format!("cannot write the profile {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write the profile {}", path.display()))?;
    Ok(())
}

pub fn load_scorer(model: Option<PathBuf>, threads: usize, data: &DataDir) -> Result<Scorer> {
    let path = match model {
        Some(m) => m,
        None => ModelStore::new(data.models()).active_path()?,
    };
    let scorer = Scorer::new(shiliu_speech::Engine::load(&path, threads)?);
    // Made now, Whisper's decoding state is not made during the first clip: a single `score`
    // run reports 40–50 ms less (the app makes it while the student speaks instead).
    scorer.engine().warm_up();
    Ok(scorer)
}

/// With `--json` every outcome is one JSON object on standard output: the result, the
/// `unreadable` result for a file that is no audio, or `{"error": {"code", "message"}}` for
/// anything else that stops scoring (a bad target text, no model), with a failing exit status.
pub fn run(args: ScoreArgs, data: &DataDir) -> Result<()> {
    let json = args.json;
    let outcome = score(args, data);
    if let Err(e) = &outcome
        && json
        && e.downcast_ref::<shiliu_audio::AudioError>().is_none_or(|a| a.code() != "audio.unreadable")
    {
        // The causes, each once (many messages already quote the one below them).
        let message = e.chain().map(ToString::to_string).fold(String::new(), |text, cause| match text.as_str() {
            "" => cause,
            _ if text.contains(&cause) => text,
            _ => format!("{text}: {cause}"),
        });
        let error = serde_json::json!({ "error": { "code": error_code(e), "message": message } });
        println!("{error}");
    }
    outcome
}

/// The stable code of the error that stopped scoring, when it has one.
fn error_code(e: &anyhow::Error) -> &'static str {
    e.chain()
        .find_map(|cause| {
            (cause.downcast_ref::<shiliu_speech::SpeechError>().map(|e| e.code()))
                .or_else(|| cause.downcast_ref::<shiliu_audio::AudioError>().map(|e| e.code()))
                .or_else(|| cause.downcast_ref::<shiliu_model::ModelError>().map(|e| e.code()))
        })
        .unwrap_or("cli.error")
}

fn score(args: ScoreArgs, data: &DataDir) -> Result<()> {
    let request = ScoreRequest {
        text: args.text,
        pinyin: args.pinyin,
        contrasts: args.contrasts.iter().map(|c| shiliu_speech::Contrast::parse(c)).collect(),
        speaker: args.profile.as_deref().map(read_profile).transpose()?.flatten(),
        diagnostics: args.diagnostics,
    };
    let read = match args.pcm_rate {
        Some(rate) => shiliu_audio::wav::read_pcm_s16le(&args.file, rate, args.pcm_channels),
        None => shiliu_audio::wav::read_wav(&args.file),
    };
    let samples = match read.and_then(|d| d.to_16k_mono()) {
        Ok(samples) => samples,
        // A file that is no readable audio still gets its one JSON answer (flagged
        // `unreadable`), and the error and a failing exit status besides.
        Err(e @ shiliu_audio::AudioError::Unreadable { .. }) if args.json => {
            println!("{}", serde_json::to_string(&Scorer::unreadable(&request)?)?);
            return Err(e.into());
        }
        Err(e) => return Err(e.into()),
    };
    let scorer = load_scorer(args.model, args.threads, data)?;
    let result = scorer.score(&samples, &request)?;
    if args.json {
        println!("{}", serde_json::to_string(&result)?);
    } else {
        print_human(&result);
    }
    // After the result is shown: a profile that cannot be written does not hide the score.
    if let (Some(path), Some(profile)) = (&args.profile, &result.speaker) {
        write_profile(path, profile)?;
    }
    Ok(())
}

fn print_human(r: &ScoreResult) {
    println!(
        "{}  overall {:.0}  (accuracy {:.0}, tone {:.0}, completeness {:.0}, fluency {:.0})",
        r.text, r.overall, r.accuracy, r.tone, r.completeness, r.fluency
    );
    if !r.quality.is_empty() {
        for f in &r.quality {
            println!("  recording: {}", f.message_zh());
        }
    }
    println!("  heard: {}", r.transcript);
    for s in &r.syllables {
        let mark = match s.verdict {
            Verdict::Ok => "✓",
            Verdict::Defect => "~",
            Verdict::Error => "✗",
        };
        let tone = if s.tone_ok {
            format!("{} ✓", s.tone_expected)
        } else {
            format!("{}→{}", s.tone_expected, s.tone_heard.map_or("?".into(), |t| t.to_string()))
        };
        println!(
            "  {mark} {:<4} expected {:<7} heard {:<7} tone {tone:<5}  {:>5.1}",
            s.hanzi,
            s.expected,
            s.heard.as_deref().unwrap_or("—"),
            s.score
        );
    }
    if let Some(c) = &r.forced_choice {
        // Each option as its characters and reading: two options may share the characters.
        let option = |text: &str, pinyin: &str| format!("{text} [{pinyin}]");
        let options =
            c.options.iter().zip(&c.pinyin).map(|((t, p), py)| format!("{} {:.0}%", option(t, py), p * 100.0));
        println!(
            "  forced choice: said {} ({})",
            option(&c.said, &c.said_pinyin),
            options.collect::<Vec<_>>().join(", ")
        );
    }
    println!("  PSC estimate: {} ({:.0}% of the part)", r.psc.band, r.psc.part_percent);
    println!("  {}", r.tip.zh);
    println!("  {}", r.tip.en);
    println!("  ({:.0} ms)", r.elapsed_ms);
}
