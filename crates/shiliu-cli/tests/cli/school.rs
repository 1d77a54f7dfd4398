//! `shiliu school` and `shiliu device`: founding, join files, joining, revoking.

use std::io::Write;
use std::process::Stdio;

use crate::helpers::{CODE, Pc, bundles_in, class, school, texts, written};

#[test]
fn a_new_pc_joins_with_the_code_typed_after_the_prompt() {
    let dir = tempfile::tempdir().unwrap();
    let founder = Pc::new(dir.path(), "teacher-pc");
    let out = founder.ok(&["school", "create", "Xinglong Primary"]);
    assert!(out.contains("founded the school Xinglong Primary"), "{out}");
    let out = founder.ok(&["school", "join-file", "--to", &dir.path().join("usb").display().to_string()]);
    let file = written(&out);
    let code = out.lines().find_map(|l| l.strip_prefix("join code: ")).expect("a generated join code").to_owned();
    assert_eq!(code.len(), 19, "four groups of four: {code}");
    assert!(!std::fs::read_to_string(&file).unwrap_or_default().contains(&code), "the code is not on the stick");

    let pc = Pc::new(dir.path(), "room-2");
    let mut child = pc
        .command(&["school", "join", &file])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{}", code.to_lowercase()).unwrap();
    let out = child.wait_with_output().unwrap();
    let (stdout, stderr) = texts(&out);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(stderr.contains("join code:"), "asks for the code: {stderr}");
    assert!(stdout.contains("joined the school Xinglong Primary"), "{stdout}");

    let show = pc.ok(&["school", "show"]);
    assert!(show.contains("Xinglong Primary") && show.contains("room-2"), "{show}");
    let list = pc.ok(&["device", "list"]);
    assert!(
        list.contains("teacher-pc") && list.contains("this pc") && list.contains("join file from teacher-pc"),
        "{list}"
    );
}

#[test]
fn a_wrong_join_code_is_refused_and_the_pc_stays_outside() {
    let dir = tempfile::tempdir().unwrap();
    let pcs = school(dir.path(), 1);
    let out =
        pcs[0].ok(&["school", "join-file", "--to", &dir.path().join("usb").display().to_string(), "--code", CODE]);
    let pc = Pc::new(dir.path(), "stranger");
    let err = pc.fails(&["school", "join", &written(&out), "--code", "not the passphrase"]);
    assert!(err.contains("join code or passphrase is wrong"), "{err}");
    assert!(pc.ok(&["school", "show"]).contains("has not joined a school"));
    let err = pc.fails(&["school", "join", &written(&out)]);
    assert!(err.contains("no join code given"), "empty stdin: {err}");
}

#[test]
fn a_pc_cannot_found_or_join_a_second_school() {
    let dir = tempfile::tempdir().unwrap();
    let pcs = school(dir.path(), 2);
    let err = pcs[1].fails(&["school", "create", "Another School"]);
    assert!(err.contains("already belongs to the school \"Xinglong Primary\""), "{err}");
    let file = bundles_in(&dir.path().join("join"));
    assert!(file.is_empty(), "join files are not bundles");
}

#[test]
fn bundles_of_a_revoked_pc_are_refused_everywhere_the_revocation_reaches() {
    let dir = tempfile::tempdir().unwrap();
    let pcs = school(dir.path(), 3);
    let usb = dir.path().join("usb");
    let usb_s = usb.display().to_string();
    // pc0 learns of pc2 from its first bundle; then pc2 is stolen: revoke it by name on pc0.
    let first = written(&pcs[2].ok(&["sync", "export", "--to", &dir.path().join("usb2").display().to_string()]));
    pcs[0].ok(&["sync", "import", &first]);
    class(&pcs[2], "三班", &["阿依"]);
    let out = pcs[0].ok(&["device", "revoke", "pc2", "--reason", "stolen"]);
    assert!(out.contains("revoked pc2"), "{out}");
    assert!(pcs[0].ok(&["device", "list"]).contains("revoked"));
    assert!(pcs[0].fails(&["device", "revoke", "pc0"]).contains("cannot revoke itself"));
    assert!(pcs[0].fails(&["device", "revoke", "nobody"]).contains("no device of this school is called"));

    let bundle = written(&pcs[2].ok(&["sync", "export", "--to", &usb_s]));
    let before = pcs[0].fingerprint();
    let err = pcs[0].fails(&["sync", "import", &bundle]);
    assert!(err.contains("revoked device") && err.contains("pc2"), "{err}");
    assert_eq!(pcs[0].fingerprint(), before, "a refused bundle changes nothing");

    // The revocation travels to pc1, which then refuses pc2 too.
    let from_pc0 = written(&pcs[0].ok(&["sync", "export", "--to", &dir.path().join("usb0").display().to_string()]));
    pcs[1].ok(&["sync", "import", &from_pc0]);
    let err = pcs[1].fails(&["sync", "import", &bundle]);
    assert!(err.contains("revoked device"), "{err}");
    assert!(!pcs[1].ok(&["student", "list"]).contains("阿依"));
}
