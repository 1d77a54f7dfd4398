//! `shiliu student add|list|edit`: students, their picture, PIN and background.

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Subcommand};
use shiliu_paths::DataDir;
use shiliu_store::{NewStudent, Store, StudentEdit};

use super::db::DbArg;
use super::table::Table;

#[derive(Args)]
pub struct StudentArgs {
    #[command(flatten)]
    db: DbArg,
    #[command(subcommand)]
    command: StudentCommand,
}

#[derive(Subcommand)]
enum StudentCommand {
    /// Add a student to a class.
    Add {
        name: String,
        /// The class (name or id).
        #[arg(long)]
        class: String,
        /// The picture the child taps to log in.
        #[arg(long)]
        picture: Option<String>,
        /// A 4-6 digit PIN.
        #[arg(long)]
        pin: Option<String>,
        #[arg(long)]
        grade: Option<u8>,
        /// First language ("bo", "ug", "za", "yue"…).
        #[arg(long)]
        language: Option<String>,
        /// Dialect background ("southwest_mandarin"…).
        #[arg(long)]
        dialect: Option<String>,
    },
    /// List students, all or one class's.
    List {
        #[arg(long)]
        class: Option<String>,
        /// Also write students.csv into this folder.
        #[arg(long, value_name = "DIR")]
        csv: Option<PathBuf>,
    },
    /// Change a student (name or id; --class tells two students of the same name apart).
    Edit {
        student: String,
        #[arg(long)]
        class: Option<String>,
        #[arg(long)]
        name: Option<String>,
        #[arg(long, conflicts_with = "no_picture")]
        picture: Option<String>,
        #[arg(long)]
        no_picture: bool,
        #[arg(long, conflicts_with = "no_pin")]
        pin: Option<String>,
        #[arg(long)]
        no_pin: bool,
        #[arg(long)]
        grade: Option<u8>,
        #[arg(long)]
        language: Option<String>,
        #[arg(long)]
        dialect: Option<String>,
        /// Put the student in this class too.
        #[arg(long, value_name = "CLASS")]
        join: Option<String>,
        /// Take the student out of this class.
        #[arg(long, value_name = "CLASS")]
        leave: Option<String>,
    },
}

pub fn run(args: StudentArgs, data: &DataDir) -> Result<()> {
    match args.command {
        StudentCommand::Add { name, class, picture, pin, grade, language, dialect } => {
            let mut store = args.db.open(data)?;
            let class = store.find_class(&class)?;
            let new = NewStudent {
                name,
                avatar: picture,
                pin,
                grade: grade.or(class.grade),
                first_language: language,
                dialect,
            };
            let id = store.transact(|tx| {
                let id = tx.add_student(class.facility, &new)?;
                tx.set_class_member(class.id, id, true)?;
                Ok(id)
            })?;
            println!("added {} to {} ({id})", new.name.trim(), class.name);
        }
        StudentCommand::List { class, csv } => {
            let store = args.db.open_existing(data)?;
            let students = match &class {
                Some(c) => store.class_students(store.find_class(c)?.id)?,
                None => store.students()?,
            };
            let mut table = Table::new(&["name", "classes", "grade", "language", "dialect", "picture", "pin", "id"]);
            for s in students {
                let classes: Vec<String> = store.classes_of_student(s.id)?.into_iter().map(|c| c.name).collect();
                table.row(vec![
                    s.name,
                    classes.join(", "),
                    s.grade.map(|g| g.to_string()).unwrap_or_default(),
                    s.first_language.unwrap_or_default(),
                    s.dialect.unwrap_or_default(),
                    s.avatar.unwrap_or_default(),
                    if s.has_pin { "yes".into() } else { String::new() },
                    s.id.to_string(),
                ]);
            }
            if table.is_empty() {
                println!("no students yet: `shiliu student add NAME --class CLASS`");
            } else {
                print!("{}", table.render());
            }
            if let Some(dir) = csv {
                println!("wrote {}", table.write_csv(&dir, "students")?.display());
            }
        }
        StudentCommand::Edit {
            student,
            class,
            name,
            picture,
            no_picture,
            pin,
            no_pin,
            grade,
            language,
            dialect,
            join,
            leave,
        } => {
            let mut store = args.db.open(data)?;
            let within = class.as_deref().map(|c| store.find_class(c)).transpose()?.map(|c| c.id);
            let found = store.find_student(&student, within)?;
            let clear_or = |clear: bool, value: Option<String>| if clear { Some(None) } else { value.map(Some) };
            let edit = StudentEdit {
                name,
                avatar: clear_or(no_picture, picture),
                pin: clear_or(no_pin, pin),
                grade: grade.map(Some),
                first_language: language.map(Some),
                dialect: dialect.map(Some),
            };
            let join = join.as_deref().map(|c| store.find_class(c)).transpose()?;
            let leave = leave.as_deref().map(|c| store.find_class(c)).transpose()?;
            store.transact(|tx| {
                tx.edit_student(found.id, &edit)?;
                if let Some(c) = &join {
                    tx.set_class_member(c.id, found.id, true)?;
                }
                if let Some(c) = &leave {
                    tx.set_class_member(c.id, found.id, false)?;
                }
                Ok(())
            })?;
            describe(&store, found.id)?;
        }
    }
    Ok(())
}

fn describe(store: &Store, id: shiliu_store::StudentId) -> Result<()> {
    let s = store.get_student(id)?;
    let classes: Vec<String> = store.classes_of_student(id)?.into_iter().map(|c| c.name).collect();
    println!(
        "{}: class {}, grade {}, language {}, dialect {}, picture {}, {}",
        s.name,
        if classes.is_empty() { "none".to_owned() } else { classes.join(", ") },
        s.grade.map_or("–".to_owned(), |g| g.to_string()),
        s.first_language.as_deref().unwrap_or("–"),
        s.dialect.as_deref().unwrap_or("–"),
        s.avatar.as_deref().unwrap_or("–"),
        if s.has_pin { "PIN set" } else { "no PIN" }
    );
    Ok(())
}
