//! `shiliu class add|list|assign`: classes for teachers and volunteers.

use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::{Args, Subcommand};
use shiliu_paths::DataDir;
use shiliu_store::{PackId, UnitId};

use super::db::DbArg;
use super::table::Table;

#[derive(Args)]
pub struct ClassArgs {
    #[command(flatten)]
    db: DbArg,
    #[command(subcommand)]
    command: ClassCommand,
}

#[derive(Subcommand)]
enum ClassCommand {
    /// Add a class (the school is created with the first class).
    Add {
        name: String,
        /// School grade, 1-12.
        #[arg(long)]
        grade: Option<u8>,
        /// The school's name, when this is the PC's first class.
        #[arg(long, default_value = "School")]
        school: String,
        /// A teacher of the class (added when new).
        #[arg(long)]
        teacher: Option<String>,
    },
    /// List classes.
    List {
        /// Also write classes.csv into this folder.
        #[arg(long, value_name = "DIR")]
        csv: Option<PathBuf>,
    },
    /// Assign lesson units to a class, in teaching order.
    Assign {
        class: String,
        /// The lesson pack the units belong to (default: the built-in pack).
        #[arg(long)]
        pack: Option<String>,
        #[arg(required = true)]
        units: Vec<String>,
        /// Withdraw the units instead.
        #[arg(long)]
        remove: bool,
    },
}

pub fn run(args: ClassArgs, data: &DataDir) -> Result<()> {
    match args.command {
        ClassCommand::Add { name, grade, school, teacher } => {
            let mut store = args.db.open(data)?;
            let existing_teacher = match &teacher {
                Some(t) => store.teachers()?.into_iter().find(|x| x.name == t.trim()).map(|x| x.id),
                None => None,
            };
            let class = store.transact(|tx| {
                let facility = tx.ensure_facility(&school)?;
                let class = tx.add_class(facility, &name, grade)?;
                if let Some(t) = &teacher {
                    let id = match existing_teacher {
                        Some(id) => id,
                        None => tx.add_teacher(facility, t)?,
                    };
                    tx.set_class_teacher(class, id, true)?;
                }
                Ok(class)
            })?;
            println!("added class {} ({class})", name.trim());
        }
        ClassCommand::List { csv } => {
            let store = args.db.open_existing(data)?;
            let mut table = Table::new(&["class", "grade", "students", "teachers", "units", "id"]).numeric(&[1, 2, 4]);
            for c in store.classes()? {
                let teachers: Vec<String> = store.class_teachers(c.id)?.into_iter().map(|t| t.name).collect();
                table.row(vec![
                    c.name,
                    c.grade.map(|g| g.to_string()).unwrap_or_default(),
                    c.students.to_string(),
                    teachers.join(", "),
                    store.assignments(c.id)?.len().to_string(),
                    c.id.to_string(),
                ]);
            }
            if table.is_empty() {
                println!("no classes yet: `shiliu class add NAME`");
            } else {
                print!("{}", table.render());
            }
            if let Some(dir) = csv {
                println!("wrote {}", table.write_csv(&dir, "classes")?.display());
            }
        }
        ClassCommand::Assign { class, pack, units, remove } => {
            let mut store = args.db.open(data)?;
            let class = store.find_class(&class)?;
            let pack = PackId::new(checked_pack(data, pack.as_deref(), &units, remove)?);
            store.transact(|tx| {
                units.iter().try_for_each(|u| tx.set_assignment(class.id, &pack, &UnitId::new(u.as_str()), !remove))
            })?;
            let now: Vec<String> =
                store.assignments(class.id)?.into_iter().map(|a| format!("{}/{}", a.pack, a.unit)).collect();
            println!("{} now has: {}", class.name, if now.is_empty() { "no units".to_owned() } else { now.join(", ") });
        }
    }
    Ok(())
}

/// The pack id to assign units of, after checking that the pack is here and has those units:
/// an assignment typed wrong would reach every PC of the school and show no lesson anywhere.
/// Withdrawing is not checked, so units of a pack since removed can still be withdrawn.
fn checked_pack(data: &DataDir, pack: Option<&str>, units: &[String], remove: bool) -> Result<String> {
    let packs = shiliu_lessons::all_packs(data)?;
    let Some(found) = (match pack {
        Some(id) => packs.iter().find(|p| p.id().as_str() == id),
        None => packs.first(),
    }) else {
        let known: Vec<&str> = packs.iter().map(|p| p.id().as_str()).collect();
        bail!("no lesson pack {:?} on this pc (packs: {})", pack.unwrap_or_default(), known.join(", "));
    };
    if !remove {
        for unit in units {
            if !found.units.iter().any(|u| u.id.as_str() == unit) {
                let known: Vec<&str> = found.units.iter().map(|u| u.id.as_str()).collect();
                bail!("the pack {} has no unit {unit:?} (its units: {})", found.id(), known.join(", "));
            }
        }
    }
    Ok(found.id().as_str().to_owned())
}
