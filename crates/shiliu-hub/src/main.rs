//! `shiliu-hub serve`: the district hub.
//!
//! ```sh
//! shiliu-hub serve --listen 0.0.0.0:8750 --sqlite /var/lib/shiliu-hub/hub.sqlite3
//! shiliu-hub serve --listen 0.0.0.0:8750 --postgres "host=/run/postgresql user=shiliu dbname=shiliu_hub"
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use shiliu_hub::{HubError, PostgresStorage, SqliteStorage};

#[derive(Parser)]
#[command(
    name = "shiliu-hub",
    version,
    about = "Shiliu's district hub: relays encrypted progress bundles between classroom PCs"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the hub until interrupted (Ctrl-C or SIGTERM).
    Serve {
        /// Address and port to listen on.
        #[arg(long, default_value = "127.0.0.1:8750")]
        listen: String,
        /// SQLite database file (the default storage).
        #[arg(long, value_name = "PATH", default_value = "shiliu-hub.sqlite3", conflicts_with = "postgres")]
        sqlite: PathBuf,
        /// PostgreSQL connection settings (libpq style) instead of SQLite.
        #[arg(long, value_name = "CONFIG")]
        postgres: Option<String>,
        /// PostgreSQL connections to keep open.
        #[arg(long, default_value_t = 8)]
        pool: usize,
    },
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

async fn run(cli: Cli) -> Result<(), HubError> {
    let Command::Serve { listen, sqlite, postgres, pool } = cli.command;
    let listener =
        tokio::net::TcpListener::bind(&listen).await.map_err(|e| HubError::Start(format!("{listen}: {e}")))?;
    let addr = listener.local_addr().map_err(|e| HubError::Start(e.to_string()))?;
    match postgres {
        Some(config) => {
            let storage = PostgresStorage::connect(&config, pool).await?;
            println!("shiliu-hub listening on http://{addr} (postgresql)");
            shiliu_hub::serve(listener, storage, shutdown()).await
        }
        None => {
            let storage = SqliteStorage::open(&sqlite)?;
            println!("shiliu-hub listening on http://{addr} (sqlite {})", sqlite.display());
            shiliu_hub::serve(listener, storage, shutdown()).await
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
