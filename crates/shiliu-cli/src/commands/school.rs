//! `shiliu school create|join-file|join|show`: this PC's membership of a school.
//!
//! The join code that opens a join file is shown on the enrolled PC's screen and typed on the
//! new PC; it is never written to the stick, so a lost stick gives nothing away.

use std::io::{BufRead, Write};
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use shiliu_paths::DataDir;

use super::db::DbArg;

#[derive(Args)]
pub struct SchoolArgs {
    #[command(flatten)]
    db: DbArg,
    #[command(subcommand)]
    command: SchoolCommand,
}

#[derive(Subcommand)]
enum SchoolCommand {
    /// Found a school with this PC as its first device.
    Create { name: String },
    /// Write a join file (onto a stick) that lets other PCs join this PC's school.
    JoinFile {
        /// The folder to write it into (the stick).
        #[arg(long, value_name = "DIR")]
        to: PathBuf,
        /// A passphrase of at least 8 characters instead of a generated join code.
        #[arg(long)]
        code: Option<String>,
        /// Days the file stays usable (1-90).
        #[arg(long, default_value_t = 7, value_parser = clap::value_parser!(u32).range(1..=90))]
        days: u32,
    },
    /// Join the school of a join file; asks for the join code when --code is not given.
    Join {
        file: PathBuf,
        #[arg(long)]
        code: Option<String>,
    },
    /// Show the school this PC belongs to.
    Show,
}

pub fn run(args: SchoolArgs, data: &DataDir) -> Result<()> {
    match args.command {
        SchoolCommand::Create { name } => {
            let mut store = args.db.open(data)?;
            let school = shiliu_sync::create_school(&mut store, &name)?;
            println!("founded the school {} ({})", school.name, school.id);
            println!("this pc: {} ({})", store.device().name, school.this_device);
            println!("next: `shiliu school join-file --to DIR` writes a join file for the school's other PCs");
        }
        SchoolCommand::JoinFile { to, code, days } => {
            let store = args.db.open_existing(data)?;
            // Without --code the sync crate makes a fresh code (shiliu_sync::new_join_code).
            let join = shiliu_sync::write_join_file(&store, &to, code.as_deref(), days)?;
            println!("wrote {}", join.path.display());
            println!("join code: {}", join.code);
            println!("valid until {} UTC", join.expires.date_time());
            println!("tell the code to whoever joins a pc (`shiliu school join FILE`); it is not on the stick");
        }
        SchoolCommand::Join { file, code } => {
            let mut store = args.db.open(data)?;
            // (A pc whose database was restored from a backup joins its school again.)
            if let Some(school) = shiliu_sync::school(&store)?.filter(|s| s.this_device == store.device().id) {
                bail!("this pc already belongs to the school {:?}", school.name);
            }
            let code = match code {
                Some(c) => c,
                None => ask_code()?,
            };
            let school = shiliu_sync::join_school(&mut store, &file, &code)?;
            println!("joined the school {} ({})", school.name, school.id);
            println!("this pc: {} ({})", store.device().name, school.this_device);
        }
        SchoolCommand::Show => {
            let store = args.db.open_existing(data)?;
            let Some(school) = shiliu_sync::school(&store)? else {
                println!("this pc has not joined a school: `shiliu school create NAME` or `shiliu school join FILE`");
                return Ok(());
            };
            let devices = shiliu_sync::devices(&store)?;
            let active = devices.iter().filter(|d| d.valid && d.revoked.is_none() && d.retired.is_none()).count();
            println!("school:   {}", school.name);
            println!("id:       {}", school.id);
            println!("this pc:  {} ({})", store.device().name, school.this_device);
            println!("joined:   {} UTC", school.joined.date_time());
            println!("devices:  {} ({} active, {} revoked)", devices.len(), active, devices.len() - active);
        }
    }
    Ok(())
}

/// Reads the join code from standard input (typed by the teacher or piped in).
fn ask_code() -> Result<String> {
    eprint!("join code: ");
    std::io::stderr().flush().ok();
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).context("cannot read the join code")?;
    let code = line.trim();
    if code.is_empty() {
        bail!("no join code given: type the code shown on the pc that wrote the join file, or pass --code");
    }
    Ok(code.to_owned())
}
