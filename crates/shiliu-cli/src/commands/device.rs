//! `shiliu device list|revoke|rename`: the school's PCs as this PC knows them.

use anyhow::Result;
use clap::{Args, Subcommand};
use shiliu_paths::DataDir;

use super::db::DbArg;
use super::table::Table;

#[derive(Args)]
pub struct DeviceArgs {
    #[command(flatten)]
    db: DbArg,
    #[command(subcommand)]
    command: DeviceCommand,
}

#[derive(Subcommand)]
enum DeviceCommand {
    /// List the school's devices: who enrolled them, whether revoked, what this PC holds of each.
    List,
    /// Revoke a device (a lost or stolen PC): its bundles are refused from now on, on every PC
    /// the revocation reaches with the next sync.
    Revoke {
        /// The device's id, the start of its id (at least 4 characters) or its name.
        device: String,
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Rename this PC (the other PCs show the new name once its next bundle reaches them).
    Rename { name: String },
}

pub fn run(args: DeviceArgs, data: &DataDir) -> Result<()> {
    match args.command {
        DeviceCommand::List => {
            let store = args.db.open_existing(data)?;
            let mut table =
                Table::new(&["device", "status", "enrolled", "enrolled by", "changes held here", "id"]).numeric(&[4]);
            let all = shiliu_sync::devices(&store)?;
            // "join file from <id>" reads better with the enrolling PC's name.
            let named = |text: &str| all.iter().fold(text.to_owned(), |t, d| t.replace(&d.id.to_string(), &d.name));
            for d in all.iter().cloned() {
                let status = match (d.valid, d.revoked, d.retired) {
                    (_, Some(when), _) => format!("revoked {}", when.date()),
                    (true, None, Some((when, by))) => {
                        format!("restored {} as {}", when.date(), named(&by.to_string()))
                    }
                    (false, None, _) => "invalid certificate".to_owned(),
                    (true, None, None) if d.is_self => "this pc".to_owned(),
                    (true, None, None) => "active".to_owned(),
                };
                table.row(vec![
                    d.name,
                    status,
                    d.enrolled.date(),
                    named(&d.enrolled_by),
                    d.held_here.to_string(),
                    d.id.to_string(),
                ]);
            }
            print!("{}", table.render());
        }
        DeviceCommand::Revoke { device, reason } => {
            let mut store = args.db.open_existing(data)?;
            let found = shiliu_sync::find_device(&store, &device)?;
            if found.revoked.is_some() {
                println!("{} ({}) is already revoked", found.name, found.id);
                return Ok(());
            }
            shiliu_sync::revoke_device(&mut store, found.id, &reason)?;
            println!("revoked {} ({})", found.name, found.id);
            println!("other pcs learn of it with the next export, import or hub sync");
        }
        DeviceCommand::Rename { name } => {
            let mut store = args.db.open(data)?;
            store.transact(|tx| tx.rename_device(&name))?;
            println!("this pc is now called {}", name.trim());
            println!("the other pcs learn the new name from its next bundle (`shiliu sync export` or a hub exchange)");
        }
    }
    Ok(())
}
