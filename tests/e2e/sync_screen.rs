//! The sync screen in the real window: a PC founds its school from first run, is pointed at a
//! real hub on loopback, and syncs with it in the background; the hub's report sees the school.

use std::io::BufRead;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use shiliu_tests::display::Display;
use shiliu_tests::webdriver::AppSession;
use shiliu_tests::{bin, screenshot_dir, terminate};

const WAIT: Duration = Duration::from_secs(30);

#[test]
fn a_new_pc_founds_its_school_and_syncs_with_the_hub_in_the_background() {
    let hub_dir = tempfile::tempdir().unwrap();
    let hub = Command::new(bin("shiliu-hub"))
        .args(["serve", "--listen", "127.0.0.1:0", "--sqlite"])
        .arg(hub_dir.path().join("hub.sqlite3"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut hub = Stopped(hub);
    let mut line = String::new();
    std::io::BufReader::new(hub.0.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url =
        line.split_whitespace().find(|w| w.starts_with("http://")).expect("the hub prints its address").to_owned();

    let data = tempfile::tempdir().unwrap();
    let web = tempfile::tempdir().unwrap();
    let display = Display::start();
    let app = AppSession::open(
        &bin("shiliu-app"),
        &[
            ("DISPLAY", display.name.clone()),
            ("SHILIU_DATA_DIR", data.path().display().to_string()),
            ("XDG_DATA_HOME", web.path().display().to_string()),
        ],
    );

    app.click(&app.wait_for("[data-testid=setup-join]", WAIT));
    app.type_text(&app.wait_for("[data-testid=school-name]", WAIT), "石榴小学");
    app.screenshot(&screenshot_dir().join("16-sync-no-school.png"));
    app.click(&app.wait_for("[data-testid=create-school]", WAIT));
    let name = app.wait_for("[data-testid=sync-school-name]", WAIT);
    assert_eq!(app.text(&name), "石榴小学");

    app.type_text(&app.wait_for("[data-testid=hub-url]", WAIT), &url);
    app.click(&app.wait_for("[data-testid=save-hub]", WAIT));
    let state = app.wait_for("[data-testid=hub-state]", WAIT);
    let deadline = Instant::now() + WAIT;
    while app.find_all("[data-testid=hub-state][data-state=ok]").is_empty() {
        let text = app.text(&app.wait_for("[data-testid=hub-state]", WAIT));
        if Instant::now() > deadline {
            app.screenshot(&screenshot_dir().join("17-sync-hub-failed.png"));
            panic!("the hub sync did not succeed: {text}");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let _ = state;
    app.screenshot(&screenshot_dir().join("17-sync-hub.png"));

    // The hub holds this school's bundle now (its report counts bundles, never names).
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().new_agent();
    let deadline = Instant::now() + WAIT;
    let report = loop {
        let body = agent.get(format!("{url}/v1/report")).call().unwrap().body_mut().read_to_string().unwrap();
        let report: serde_json::Value = serde_json::from_str(&body).unwrap();
        if report.as_array().is_some_and(|a| !a.is_empty()) || Instant::now() > deadline {
            break report;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let schools = report.as_array().expect("a list of schools");
    assert_eq!(schools.len(), 1, "{report}");
    assert!(schools[0]["bundles"].as_u64().unwrap() >= 1, "{report}");
    assert!(!report.to_string().contains("石榴小学"), "the hub never sees names");

    drop(app);
}

/// Stops the hub however the test ends.
struct Stopped(std::process::Child);

impl Drop for Stopped {
    fn drop(&mut self) {
        terminate(&mut self.0);
    }
}
