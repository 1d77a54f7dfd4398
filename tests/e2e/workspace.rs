//! Rules about the shape of the workspace that CI enforces.

use std::collections::{BTreeMap, BTreeSet};

use shiliu_tests::workspace_root;

/// Package name → names of its dependencies, read from Cargo.lock.
fn lock_graph() -> BTreeMap<String, Vec<String>> {
    let text = std::fs::read_to_string(workspace_root().join("Cargo.lock")).expect("Cargo.lock");
    let mut graph = BTreeMap::new();
    for block in text.split("[[package]]").skip(1) {
        let name = block.lines().find_map(|l| l.strip_prefix("name = ")).expect("name").trim_matches('"').to_owned();
        let deps = block
            .split_once("dependencies = [")
            .map(|(_, rest)| {
                rest.split(']')
                    .next()
                    .unwrap_or_default()
                    .lines()
                    .filter_map(|l| {
                        let entry = l.trim().trim_end_matches(',').trim_matches('"');
                        (!entry.is_empty()).then(|| entry.split(' ').next().unwrap().to_owned())
                    })
                    .collect()
            })
            .unwrap_or_default();
        graph.entry(name).or_insert(deps);
    }
    graph
}

#[test]
fn no_crate_under_crates_depends_on_tauri_even_indirectly() {
    let graph = lock_graph();
    let crates: Vec<String> = std::fs::read_dir(workspace_root().join("crates"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().join("Cargo.toml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(crates.len() >= 5, "found crates {crates:?}");
    for krate in crates {
        let mut seen = BTreeSet::new();
        let mut stack = vec![krate.clone()];
        while let Some(p) = stack.pop() {
            if !seen.insert(p.clone()) {
                continue;
            }
            assert!(!p.starts_with("tauri") && p != "wry", "{krate} depends on {p}: crates/ must stay GUI-free");
            stack.extend(graph.get(&p).cloned().unwrap_or_default());
        }
    }
}

#[test]
fn the_app_shell_does_depend_on_tauri_so_the_check_above_can_fail() {
    let graph = lock_graph();
    assert!(graph["shiliu-app"].iter().any(|d| d == "tauri"));
}
