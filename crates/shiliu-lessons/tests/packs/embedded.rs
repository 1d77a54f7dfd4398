//! The built-in packs: every embedded pack must pass `check`, so a broken lesson never lands.

use std::path::Path;

use shiliu_lessons::{Issue, builtin_folders, builtin_pack_ids, builtin_packs, check, embedded_bytes};

#[test]
fn every_embedded_pack_passes_check() {
    let packs = builtin_packs().unwrap_or_else(|e| panic!("{e}"));
    for pack in &packs {
        let report = check(pack);
        let errors: Vec<String> = report.errors.iter().map(Issue::to_string).collect();
        assert!(errors.is_empty(), "{} has errors:\n{}", pack.id(), errors.join("\n"));
        eprintln!(
            "{} {}: {} units, {} items, {} warnings",
            pack.id(),
            pack.version(),
            report.coverage.units,
            report.coverage.items,
            report.warnings.len()
        );
    }
    eprintln!("embedded lesson files: {} bytes", embedded_bytes());
}

#[test]
fn the_starter_pack_is_embedded_once_it_exists() {
    let starter = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../lessons/starter/pack.toml");
    if !starter.exists() {
        return;
    }
    assert!(builtin_folders().contains(&"starter".to_owned()), "{:?}", builtin_folders());
    assert!(builtin_pack_ids().iter().any(|id| id == "starter"));
    let packs = builtin_packs().unwrap_or_else(|e| panic!("{e}"));
    assert!(packs.iter().any(|p| p.id() == "starter"));
}

#[test]
fn format_md_is_documentation_not_a_pack_file() {
    assert!(builtin_folders().iter().all(|f| !f.contains("FORMAT")));
    for pack in builtin_packs().unwrap_or_default() {
        assert!(pack.files().all(|f| !f.ends_with("FORMAT.md")));
    }
}

#[test]
fn every_embedded_item_has_a_surface_form_and_a_contour() {
    for pack in builtin_packs().unwrap_or_else(|e| panic!("{e}")) {
        for item in pack.items() {
            let said = item.surface().unwrap_or_else(|e| panic!("{e}"));
            let curve = item.target_contour().unwrap();
            assert_eq!(curve.len(), said.len() * shiliu_pinyin::POINTS_PER_SYLLABLE, "{}", item.id);
        }
    }
}
