use crate::helpers::Pc;

#[test]
fn a_backup_to_a_new_path_without_an_extension_makes_that_folder_with_a_dated_backup_in_it() {
    let dir = tempfile::tempdir().unwrap();
    let pc = Pc::new(dir.path(), "pc0");
    let folder = dir.path().join("stick").join("备份");
    pc.ok(&["db", "backup", "--to", &folder.display().to_string()]);
    assert!(folder.is_dir(), "the folder was made, not a file of that name");
    let inside: Vec<_> = std::fs::read_dir(&folder).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(inside.len(), 1);
    assert!(inside[0].to_string_lossy().starts_with("shiliu-") && inside[0].to_string_lossy().ends_with(".sqlite3"));

    let file = dir.path().join("stick").join("mine.sqlite3");
    pc.ok(&["db", "backup", "--to", &file.display().to_string()]);
    assert!(file.is_file());
    pc.ok(&["db", "check"]);
}
