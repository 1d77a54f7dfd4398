//! `cargo bench -p shiliu-tests --bench app`: the whole app's start-up time, the time from the
//! end of a recording to the result on screen, and its memory with the model loaded — in the
//! real window (Xvfb), with the virtual microphone and real corpus clips. Prints medians.
//!
//! * start-up: from the `shiliu-app` process's start (kernel start time) to the
//!   `shiliu:interactive` mark the start screen sets once the class's pictures are drawn;
//! * result: the practice screen's own measure, from stop to the result drawn (`data-ms`);
//! * memory: PSS (shared pages divided among their users, so nothing is counted twice) summed
//!   over `shiliu-app` and every process under it (the WebKit web and network processes).

use std::path::Path;
use std::time::Duration;

use shiliu_tests::display::Display;
use shiliu_tests::vmic::VirtualMic;
use shiliu_tests::webdriver::AppSession;
use shiliu_tests::{bin, run, shared_dir, shiliu, test_model};

const WAIT: Duration = Duration::from_secs(60);
const RUNS: usize = 5;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Clock ticks since boot → milliseconds since the epoch, for a process's start time.
fn process_start_epoch_ms(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let after_name = &stat[stat.rfind(')').unwrap() + 2..];
    let ticks: f64 = after_name.split_whitespace().nth(19).unwrap().parse().unwrap();
    let btime: f64 = std::fs::read_to_string("/proc/stat")
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("btime "))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let hz = 100.0; // USER_HZ on Linux x86-64
    (btime + ticks / hz) * 1000.0
}

fn parent_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat[stat.rfind(')')? + 2..].split_whitespace().nth(1)?.parse().ok()
}

fn all_pids() -> Vec<u32> {
    std::fs::read_dir("/proc").unwrap().flatten().filter_map(|e| e.file_name().to_str()?.parse().ok()).collect()
}

fn newest_app_pid() -> u32 {
    all_pids()
        .into_iter()
        .filter(|p| std::fs::read_to_string(format!("/proc/{p}/comm")).is_ok_and(|c| c.trim() == "shiliu-app"))
        .max_by_key(|p| process_start_epoch_ms(*p) as i64)
        .expect("shiliu-app is running")
}

/// PSS in KiB of `root` and all its descendants, with their names and the anonymous (heap)
/// and file-backed (code, fonts, the mapped model) parts.
fn pss_tree(root: u32) -> Vec<(String, u64, u64, u64)> {
    let pids = all_pids();
    let mut tree = vec![root];
    let mut i = 0;
    while i < tree.len() {
        let p = tree[i];
        tree.extend(pids.iter().copied().filter(|c| parent_of(*c) == Some(p)));
        i += 1;
    }
    tree.into_iter()
        .filter_map(|p| {
            let rollup = std::fs::read_to_string(format!("/proc/{p}/smaps_rollup")).ok()?;
            let field = |key: &str| -> Option<u64> {
                rollup.lines().find_map(|l| l.strip_prefix(key))?.trim().trim_end_matches("kB").trim().parse().ok()
            };
            let name = std::fs::read_to_string(format!("/proc/{p}/comm")).unwrap_or_default().trim().to_owned();
            Some((name, field("Pss:")?, field("Pss_Anon:").unwrap_or(0), field("Pss_File:").unwrap_or(0)))
        })
        .collect()
}

fn open(data: &Path, display: &Display, mic: &VirtualMic, web: &Path) -> AppSession {
    AppSession::open(
        &bin("shiliu-app"),
        &[
            ("DISPLAY", display.name.clone()),
            ("PULSE_SERVER", mic.server()),
            ("SHILIU_DATA_DIR", data.display().to_string()),
            ("XDG_DATA_HOME", web.display().to_string()),
            // Measure the app as it runs in classrooms (software drawing; no screenshots here).
            ("WEBKIT_DISABLE_COMPOSITING_MODE", "1".to_owned()),
        ],
    )
}

fn main() {
    let Some(shared) = shared_dir() else {
        println!("skipped: ../shared (the corpus) is not there");
        return;
    };
    let data = tempfile::tempdir().unwrap();
    assert!(run(shiliu(data.path()).args(["model", "import"]).arg(test_model())).status.success());
    assert!(
        run(shiliu(data.path()).args(["class", "add", "三年级一班", "--school", "石榴小学", "--teacher", "王老师"]))
            .status
            .success()
    );
    assert!(run(shiliu(data.path()).args(["student", "add", "阿依古丽", "--class", "三年级一班"])).status.success());
    let display = Display::start();
    let mic = VirtualMic::start();
    let web = tempfile::tempdir().unwrap();

    // Start-up, RUNS times (the first is the coldest this machine allows without a reboot).
    let mut starts = Vec::new();
    for _ in 0..RUNS {
        let app = open(data.path(), &display, &mic, web.path());
        app.wait_for("[data-testid=student]", WAIT);
        let mark = app.execute(
            "const m = performance.getEntriesByName('shiliu:interactive')[0]; return m ? performance.timeOrigin + m.startTime : null;",
        );
        let pid = newest_app_pid();
        let started = process_start_epoch_ms(pid);
        starts.push(mark.as_f64().expect("the start screen sets shiliu:interactive") - started);
        drop(app);
        std::thread::sleep(Duration::from_millis(500));
    }

    // Results and memory in one session.
    let app = open(data.path(), &display, &mic, web.path());
    let pid = newest_app_pid();
    app.click(&app.wait_for("[data-testid=student]", WAIT));
    app.click(&app.wait_for("[data-testid=unit][data-unit='starter.u00']", WAIT));
    let (item, clip) = ("starter.u00.0001", shared.join("corpus/wav/syllables/cw_bi3.wav"));
    let mut results = Vec::new();
    for _ in 0..RUNS {
        app.click(&app.wait_for("[data-testid=all-items]", WAIT));
        app.click(&app.wait_for(&format!("[data-testid=jump][data-item='{item}']"), WAIT));
        app.wait_for(&format!("[data-testid=item][data-item='{item}']"), WAIT);
        app.wait_gone("[data-testid=result-shown]", WAIT);
        app.click(&app.wait_for("[data-testid=record][data-recording=false]", WAIT));
        app.wait_for("[data-testid=record][data-recording=true]", WAIT);
        std::thread::sleep(Duration::from_millis(400));
        mic.play(&clip);
        std::thread::sleep(Duration::from_millis(300));
        app.click(&app.wait_for("[data-testid=record][data-recording=true]", WAIT));
        let shown = app.wait_for("[data-testid=result-shown]:not([data-ms='0'])", WAIT);
        results.push(app.attribute(&shown, "data-ms").unwrap().parse::<f64>().unwrap());
        // Leave the item so the next round starts clean.
        app.click(&app.wait_for("[data-testid=all-items]", WAIT));
        app.click(&app.wait_for("[data-testid=jump][data-item='starter.u00.0002']", WAIT));
        app.wait_for("[data-testid=item][data-item='starter.u00.0002']", WAIT);
    }
    let memory = pss_tree(pid);
    let total: u64 = memory.iter().map(|m| m.1).sum();

    println!(
        "app start-up to interactive: median {:.0} ms over {RUNS} runs {:?}",
        median(starts.clone()),
        starts.iter().map(|s| s.round()).collect::<Vec<_>>()
    );
    println!(
        "end of recording to result on screen: median {:.0} ms over {} attempts {:?}",
        median(results.clone()),
        results.len(),
        results
    );
    println!("memory with the model loaded (PSS): {:.1} MiB in total", total as f64 / 1024.0);
    for (name, pss, anon, file) in &memory {
        let mib = |k: &u64| *k as f64 / 1024.0;
        println!("  {name:<24} {:>7.1} MiB (heap {:.1}, files {:.1})", mib(pss), mib(anon), mib(file));
    }
    println!("goals: start-up ≤ 2000 ms, result ≤ 500 ms, memory ≤ 400 MiB");
}
