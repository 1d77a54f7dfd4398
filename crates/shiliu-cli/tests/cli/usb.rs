//! `shiliu sync export|import|status|conflicts|resolve` by USB stick.

use std::path::Path;

use crate::helpers::{Pc, bundles_in, class, school, students, written};

fn export(pc: &Pc, to: &Path) -> String {
    written(&pc.ok(&["sync", "export", "--to", &to.display().to_string()]))
}

#[test]
fn a_student_added_on_one_pc_reaches_the_other_by_stick_once() {
    let dir = tempfile::tempdir().unwrap();
    let pcs = school(dir.path(), 2);
    let usb = dir.path().join("usb");
    class(&pcs[0], "一班", &["卓玛", "扎西"]);
    let out = pcs[0].ok(&["sync", "export", "--to", &usb.display().to_string()]);
    assert!(out.contains("rows"), "{out}");
    let bundle = written(&out);

    // A dry run shows what is new and changes nothing.
    let before = pcs[1].fingerprint();
    let preview = pcs[1].ok(&["sync", "import", &bundle, "--dry-run"]);
    assert!(preview.contains("students") && preview.contains("dry run"), "{preview}");
    assert_eq!(pcs[1].fingerprint(), before);

    let out = pcs[1].ok(&["sync", "import", &bundle]);
    let students_row = out.lines().find(|l| l.starts_with("students ")).unwrap_or_else(|| panic!("{out}"));
    assert_eq!(students_row.split_whitespace().nth(1), Some("2"), "two new students: {out}");
    let receipt = out.lines().find_map(|l| l.strip_prefix("receipt: ")).unwrap_or_else(|| panic!("{out}"));
    assert!(Path::new(receipt).starts_with(&usb), "the receipt lies next to the bundle: {receipt}");
    let text = std::fs::read_to_string(receipt).unwrap();
    assert!(text.contains("imported") && text.contains("pc1"), "{text}");
    let list = students(&pcs[1]);
    assert!(list.contains("卓玛") && list.contains("扎西") && list.contains("一班"), "{list}");

    let status = pcs[1].ok(&["sync", "status"]);
    assert!(status.contains("Xinglong Primary"), "{status}");
    assert!(status.lines().any(|l| l.starts_with("pc0 ")), "the peer is listed: {status}");

    // Importing it again (or the whole stick) does nothing.
    let before = pcs[1].fingerprint();
    let again = pcs[1].ok(&["sync", "import", &bundle]);
    assert!(again.contains("already imported") && again.contains("nothing new"), "{again}");
    pcs[1].ok(&["sync", "import", &usb.display().to_string()]);
    assert_eq!(pcs[1].fingerprint(), before, "a replay changes nothing");
    assert_eq!(students(&pcs[1]).lines().count(), 4, "header, rule and two students");
}

#[test]
fn a_stick_relays_bundles_of_many_pcs_in_one_import() {
    let dir = tempfile::tempdir().unwrap();
    let pcs = school(dir.path(), 4);
    let usb = dir.path().join("usb");
    class(&pcs[1], "一班", &["卓玛"]);
    class(&pcs[2], "二班", &["扎西"]);
    class(&pcs[3], "三班", &["阿依"]);
    for pc in &pcs[1..] {
        export(pc, &usb);
    }
    assert_eq!(bundles_in(&usb).len(), 3);
    let out = pcs[0].ok(&["sync", "import", &usb.display().to_string()]);
    assert!(out.contains("imported 3 bundles"), "{out}");
    assert_eq!(out.lines().filter(|l| l.starts_with("receipt: ")).count(), 3, "{out}");
    let list = students(&pcs[0]);
    for name in ["卓玛", "扎西", "阿依"] {
        assert!(list.contains(name), "{list}");
    }
    // pc0 now carries everything back: its export gives pc1 the two classes it lacks.
    let back = export(&pcs[0], &dir.path().join("usb2"));
    pcs[1].ok(&["sync", "import", &back]);
    let list = students(&pcs[1]);
    assert!(list.contains("扎西") && list.contains("阿依"), "{list}");
}

#[test]
fn damaged_tampered_and_foreign_bundles_are_refused_with_the_database_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let pcs = school(dir.path(), 2);
    let usb = dir.path().join("usb");
    class(&pcs[0], "一班", &["卓玛"]);
    let bundle = export(&pcs[0], &usb);
    let bytes = std::fs::read(&bundle).unwrap();
    let bad = dir.path().join("bad");
    std::fs::create_dir_all(&bad).unwrap();
    let before = pcs[1].fingerprint();
    let check = |name: &str, content: &[u8], expect: &str| {
        let path = bad.join(name);
        std::fs::write(&path, content).unwrap();
        let err = pcs[1].fails(&["sync", "import", &path.display().to_string()]);
        assert!(err.contains(expect), "{name}: {err}");
        assert_eq!(pcs[1].fingerprint(), before, "{name} changed the database");
        std::fs::remove_file(&path).unwrap();
    };

    check("notes.shbundle", b"shopping list: rice, salt", "not a shiliu bundle");
    check("truncated.shbundle", &bytes[..bytes.len() / 2], "cut off");
    let needle = b"\"students\":1";
    let at = bytes.windows(needle.len()).position(|w| w == needle).expect("the manifest counts students");
    let mut tampered = bytes.clone();
    tampered[at + needle.len() - 1] = b'9';
    check("tampered-manifest.shbundle", &tampered, "signature does not match");
    let mut flipped = bytes.clone();
    let mid = bytes.len() - 200;
    flipped[mid] ^= 0x10;
    check("flipped.shbundle", &flipped, "changed or damaged");

    let other = Pc::new(dir.path(), "elsewhere");
    other.ok(&["school", "create", "Another School"]);
    class(&other, "外班", &["外人"]);
    let foreign = std::fs::read(export(&other, &dir.path().join("usb-other"))).unwrap();
    check("foreign.shbundle", &foreign, "belongs to another school");

    let err = pcs[1].fails(&["sync", "import", &dir.path().join("missing.shbundle").display().to_string()]);
    assert!(err.contains("missing.shbundle"), "{err}");
    // The good bundle still imports afterwards.
    pcs[1].ok(&["sync", "import", &bundle]);
    assert!(students(&pcs[1]).contains("卓玛"));
}

#[test]
fn a_folder_with_a_refused_bundle_imports_the_rest_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let pcs = school(dir.path(), 2);
    let usb = dir.path().join("usb");
    class(&pcs[0], "一班", &["卓玛"]);
    export(&pcs[0], &usb);
    std::fs::write(usb.join("broken.shbundle"), b"SHLUBNDL but not really").unwrap();
    let out = pcs[1].run(&["sync", "import", &usb.display().to_string()]);
    let (stdout, stderr) = crate::helpers::texts(&out);
    assert!(!out.status.success());
    assert!(stdout.contains("refused: broken.shbundle"), "{stdout}");
    assert!(stderr.contains("1 of 2 bundles") && stderr.contains("the others were"), "{stderr}");
    assert!(students(&pcs[1]).contains("卓玛"));
}

#[test]
fn concurrent_edits_become_a_conflict_the_teacher_resolves() {
    let dir = tempfile::tempdir().unwrap();
    let pcs = school(dir.path(), 2);
    class(&pcs[0], "一班", &["卓玛"]);
    let b = export(&pcs[0], &dir.path().join("usb1"));
    pcs[1].ok(&["sync", "import", &b]);
    pcs[0].ok(&["student", "edit", "卓玛", "--name", "卓玛A"]);
    std::thread::sleep(std::time::Duration::from_millis(20));
    pcs[1].ok(&["student", "edit", "卓玛", "--name", "卓玛B"]);
    let a = export(&pcs[0], &dir.path().join("usb2"));
    let out = pcs[1].ok(&["sync", "import", &a]);
    assert!(out.contains("1 conflict:"), "{out}");
    let list = pcs[1].ok(&["sync", "conflicts"]);
    assert!(list.contains("卓玛A") && list.contains("卓玛B"), "{list}");
    let id = list.lines().nth(2).and_then(|l| l.split_whitespace().next()).unwrap().to_owned();
    let out = pcs[1].ok(&["sync", "resolve", &id[..8], "--keep", "theirs"]);
    assert!(out.contains("brought back"), "{out}");
    assert!(students(&pcs[1]).contains("卓玛A"));
    assert!(pcs[1].ok(&["sync", "conflicts"]).contains("no open conflicts"));
    assert!(pcs[1].fails(&["sync", "resolve", &id, "--keep", "mine"]).contains("already resolved"));
}

#[test]
fn a_stick_folder_is_read_whatever_the_case_of_its_names_and_an_empty_one_is_an_error_in_a_dry_run_too() {
    let dir = tempfile::tempdir().unwrap();
    let pcs = school(dir.path(), 2);
    class(&pcs[0], "一班", &["卓玛"]);
    let stick = dir.path().join("STICK");
    let out = pcs[0].ok(&["sync", "export", "--to", &stick.display().to_string()]);
    let bundle = std::path::PathBuf::from(written(&out));
    std::fs::rename(&bundle, stick.join("BUNDLE.SHBUNDLE")).unwrap();
    let stick_arg = stick.display().to_string();
    assert!(pcs[1].ok(&["sync", "import", &stick_arg, "--dry-run"]).contains("would be imported"));
    pcs[1].ok(&["sync", "import", &stick_arg]);
    assert!(students(&pcs[1]).contains("卓玛"));
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let empty_arg = empty.display().to_string();
    for args in [vec!["sync", "import", &empty_arg, "--dry-run"], vec!["sync", "import", &empty_arg]] {
        assert!(pcs[1].fails(&args).contains("holds no shiliu bundles"));
    }
}
