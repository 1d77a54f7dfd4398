//! An export killed mid-write (a stick pulled, a power cut) never leaves a file that imports
//! under a bundle's name: the writer is this test binary run again with [`WRITER_ENV`] set,
//! exporting in a loop, and SIGKILLed at random moments.

use std::process::{Command, Stdio};
use std::time::Duration;

use shiliu_store::Store;
use shiliu_sync::{Registry, export_bundle, is_bundle_name, verify_bundle};

use crate::helpers::{attempts, class, school, stick};

const WRITER_ENV: &str = "SHILIU_SYNC_EXPORT_WRITER";
const KILLS: usize = 30;

#[test]
fn export_writer_child() {
    let Some(spec) = std::env::var_os(WRITER_ENV) else { return };
    let spec = spec.to_string_lossy().into_owned();
    let (db, dir) = spec.split_once('|').unwrap();
    let mut store = Store::open(db).unwrap();
    loop {
        export_bundle(&mut store, std::path::Path::new(dir), true).unwrap();
    }
}

#[test]
fn killing_an_export_at_random_moments_never_leaves_an_importable_partial_file() {
    let (dir, mut pcs) = school(2);
    let (_, s) = class(&mut pcs[0], "一班", 20);
    attempts(&mut pcs[0], &s, 8000);
    let db = pcs[0].path().to_owned();
    let identity = pcs[0].sync_identity().unwrap().unwrap();
    let registry = Registry::load(&pcs[0], &identity.school_id).unwrap();
    drop(pcs);
    let usb = stick(&dir, "usb");
    let exe = std::env::current_exe().unwrap();
    let mut rng = fastrand::Rng::with_seed(11);
    let mut partial_seen = 0;
    for _ in 0..KILLS {
        let mut child = Command::new(&exe)
            .args(["--exact", "killed_export::export_writer_child", "--nocapture"])
            .env(WRITER_ENV, format!("{}|{}", db.display(), usb.display()))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(rng.u64(120..500)));
        child.kill().unwrap();
        child.wait().unwrap();
        for entry in std::fs::read_dir(&usb).unwrap().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let bytes = std::fs::read(entry.path()).unwrap();
            if is_bundle_name(&name) {
                verify_bundle(&bytes, &identity.school_id, &registry)
                    .unwrap_or_else(|e| panic!("{name} is under a bundle's name but does not verify: {e}"));
            } else if name.ends_with(".partial") {
                partial_seen += 1;
                assert!(verify_bundle(&bytes, &identity.school_id, &registry).is_err() || bytes.len() > 16);
            }
        }
    }
    let bundles =
        std::fs::read_dir(&usb).unwrap().flatten().filter(|e| is_bundle_name(&e.file_name().to_string_lossy())).count();
    println!("killed {KILLS} exports: {bundles} complete bundles, {partial_seen} partial files seen (never imported)");
    assert!(bundles > 0);
}

#[test]
fn partial_files_on_a_stick_are_never_imported() {
    let (dir, mut pcs) = school(2);
    let (_, s) = class(&mut pcs[0], "一班", 2);
    attempts(&mut pcs[0], &s, 30);
    let usb = stick(&dir, "usb");
    let out = export_bundle(&mut pcs[0], &usb, false).unwrap();
    let bytes = std::fs::read(&out.path).unwrap();
    let name = out.path.file_name().unwrap().to_string_lossy().into_owned();
    std::fs::remove_file(&out.path).unwrap();
    // What a pulled stick leaves behind: the temporary file, cut at some point.
    std::fs::write(usb.join(format!(".{name}.partial")), &bytes[..bytes.len() / 2]).unwrap();
    assert_eq!(shiliu_sync::import_path(&mut pcs[1], &usb).unwrap_err().code(), "sync.invalid_input");
    assert_eq!(pcs[1].count_attempts().unwrap(), 0);
}
