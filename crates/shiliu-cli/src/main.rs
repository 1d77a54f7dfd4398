//! `shiliu`: the command-line face of Shiliu for volunteers, admins, tests and benchmarks.
//! Each subcommand is a thin layer over a GUI-free crate; the app calls the same code.

mod commands;
mod progress;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "shiliu", version, about = "Shiliu 石榴 — offline Putonghua pronunciation tutor")]
struct Cli {
    /// Data directory (default: SHILIU_DATA_DIR, else the platform's app-data folder).
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Get, import, inspect or export the speech model.
    #[command(subcommand)]
    Model(commands::model::ModelCommand),
    /// Judge a recording against a target: syllables, initials, finals, tones, scores.
    Score(commands::score::ScoreArgs),
    /// Run the scorer over a labelled corpus manifest and print accuracy tables.
    Eval(commands::eval::EvalArgs),
    /// Print what a WAV file says (simplified Chinese).
    Transcribe(commands::transcribe::TranscribeArgs),
    /// Record from the microphone into a WAV file (16 kHz mono).
    Record(commands::audio::RecordArgs),
    /// List microphones.
    Devices(commands::audio::DevicesArgs),
    /// Can this PC hear and score? Shows model and microphone status.
    Status(commands::audio::StatusArgs),
    /// Benchmarks that print timings (medians over several runs).
    #[command(subcommand)]
    Bench(commands::bench::BenchCommand),
    /// Lesson packs: check, build and sign, verify, trust, install, list.
    #[command(subcommand)]
    Pack(commands::pack::PackCommand),
    /// Classes: add, list, assign lesson units.
    Class(commands::class::ClassArgs),
    /// Students: add, list, edit.
    Student(commands::student::StudentArgs),
    /// Progress reports for a class or a student (tables; CSV files with --csv DIR).
    Report(commands::report::ReportArgs),
    /// The progress database: backup, restore, backups, check.
    Db(commands::db::DbArgs),
    /// This PC's school: create, write a join file, join, show.
    School(commands::school::SchoolArgs),
    /// The school's devices: list, revoke, rename this PC.
    Device(commands::device::DeviceArgs),
    /// Progress sync: USB bundles (export, import), status, conflicts, hub.
    Sync(commands::sync::SyncArgs),
}

impl Command {
    /// Reads local files and prints, with no network connection that a closed pipe's signal
    /// could cut short.
    fn only_prints(&self) -> bool {
        if let Command::Sync(args) = self {
            return !args.uses_network();
        }
        matches!(
            self,
            Command::Score(_)
                | Command::Eval(_)
                | Command::Transcribe(_)
                | Command::Report(_)
                | Command::Class(_)
                | Command::Student(_)
                | Command::Bench(_)
                | Command::Pack(_)
                | Command::Db(_)
                | Command::School(_)
                | Command::Device(_)
                | Command::Devices(_)
                | Command::Status(_)
        )
    }
}

/// A reader that stops early (`shiliu eval … | head`) closes the pipe: end quietly there, as
/// other command-line tools do, instead of panicking at the next line printed.
fn end_quietly_when_the_reader_stops() {
    // SAFETY: puts back the default action for SIGPIPE (Rust's runtime ignores it) at start-up,
    // before any other thread exists; nothing else in the process sets a handler for it.
    #[cfg(unix)]
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn main() -> ExitCode {
    shiliu_speech::cpu::ensure_runnable();
    let cli = Cli::parse();
    if cli.command.only_prints() {
        end_quietly_when_the_reader_stops();
    }
    let data = match cli.data_dir {
        Some(dir) => shiliu_paths::DataDir::at(dir),
        None => match shiliu_paths::DataDir::default_for_user() {
            Some(d) => d,
            None => {
                eprintln!("error: cannot find a home directory for Shiliu's data; pass --data-dir");
                return ExitCode::FAILURE;
            }
        },
    };
    let result = match cli.command {
        Command::Model(cmd) => commands::model::run(cmd, &data),
        Command::Transcribe(args) => commands::transcribe::run(args, &data),
        Command::Score(args) => commands::score::run(args, &data),
        Command::Eval(args) => commands::eval::run(args, &data),
        Command::Record(args) => commands::audio::record(args),
        Command::Devices(args) => commands::audio::devices(args),
        Command::Status(args) => commands::audio::status(args, &data),
        Command::Bench(cmd) => commands::bench::run(cmd, &data),
        Command::Pack(cmd) => commands::pack::run(cmd, &data),
        Command::Class(args) => commands::class::run(args, &data),
        Command::Student(args) => commands::student::run(args, &data),
        Command::Report(args) => commands::report::run(args, &data),
        Command::Db(args) => commands::db::run(args, &data),
        Command::School(args) => commands::school::run(args, &data),
        Command::Device(args) => commands::device::run(args, &data),
        Command::Sync(args) => commands::sync::run(args, &data),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", describe(&e));
            ExitCode::FAILURE
        }
    }
}

/// The error and its causes on one line, leaving out a cause whose words the message before
/// it already gave (the crates' errors name their cause in their own message).
fn describe(error: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if !line.contains(&text) {
            if !line.is_empty() {
                line.push_str(": ");
            }
            line.push_str(&text);
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::describe;

    #[test]
    fn an_error_chain_names_each_cause_once() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "No such file or directory");
        let inner = anyhow::Error::new(io).context("cannot read a.wav: No such file or directory");
        assert_eq!(describe(&inner), "cannot read a.wav: No such file or directory");
        let outer = inner.context("scoring failed");
        assert_eq!(describe(&outer), "scoring failed: cannot read a.wav: No such file or directory");
    }
}
