//! The real app window, driven through WebDriver (tauri-driver + WebKitWebDriver) under Xvfb,
//! with a virtual microphone. Screenshots land in target/<profile>/e2e-screenshots/.

use std::time::Duration;

use shiliu_tests::display::Display;
use shiliu_tests::vmic::VirtualMic;
use shiliu_tests::webdriver::AppSession;
use shiliu_tests::{bin, run, screenshot_dir, shiliu, test_model};

const WAIT: Duration = Duration::from_secs(20);

/// Opens the app with its own web storage (a fresh XDG_DATA_HOME), so language choices made by
/// one test do not leak into the next.
fn open_app(
    display: &Display,
    mic: &VirtualMic,
    data_dir: &std::path::Path,
    web_storage: &std::path::Path,
) -> AppSession {
    AppSession::open(
        &bin("shiliu-app"),
        &[
            ("DISPLAY", display.name.clone()),
            ("PULSE_SERVER", mic.server()),
            ("SHILIU_DATA_DIR", data_dir.display().to_string()),
            ("XDG_DATA_HOME", web_storage.display().to_string()),
        ],
    )
}

/// A data folder whose school is already set up (so the start screen, not first run, opens),
/// with the model when `with_model`.
fn school_data_dir(with_model: bool) -> tempfile::TempDir {
    let data = tempfile::tempdir().unwrap();
    if with_model {
        assert!(run(shiliu(data.path()).args(["model", "import"]).arg(test_model())).status.success());
    }
    assert!(
        run(shiliu(data.path()).args(["class", "add", "三年级一班", "--school", "石榴小学", "--teacher", "王老师"]))
            .status
            .success()
    );
    data
}

#[test]
fn the_home_screen_reports_an_installed_model_and_a_working_microphone() {
    let data = school_data_dir(true);
    let display = Display::start();
    let mic = VirtualMic::start();
    let web = tempfile::tempdir().unwrap();
    let app = open_app(&display, &mic, data.path(), web.path());

    let readiness = app.wait_for("[data-testid=readiness][data-ready=true]", WAIT);
    assert!(app.text(&readiness).contains("一切就绪"), "{}", app.text(&readiness));
    app.screenshot(&screenshot_dir().join("home-ready-zh.png"));

    let switch = app.wait_for("[data-testid=lang-switch]", WAIT);
    app.click(&switch);
    let readiness = app.wait_for("[data-testid=readiness]", WAIT);
    assert!(app.text(&readiness).contains("ready to practise"), "{}", app.text(&readiness));
    app.screenshot(&screenshot_dir().join("home-ready-en.png"));

    // The details are in Settings: which model, which microphone.
    app.click(&app.wait_for("[data-testid=settings]", WAIT));
    let model = app.wait_for("[data-testid=model-status][data-state=installed]", WAIT);
    assert!(app.text(&model).contains("Whisper base"), "{}", app.text(&model));
    let microphone = app.wait_for("[data-testid=mic-status]", WAIT);
    assert_eq!(app.attribute(&microphone, "data-state").as_deref(), Some("ready"));
}

#[test]
fn without_a_model_the_home_screen_shows_how_to_bring_one_by_usb() {
    let data = school_data_dir(false);
    let display = Display::start();
    let mic = VirtualMic::start();
    let web = tempfile::tempdir().unwrap();
    let app = open_app(&display, &mic, data.path(), web.path());

    app.wait_for("[data-testid=readiness][data-ready=false]", WAIT);
    let model = app.wait_for("[data-testid=model-status][data-state=missing]", WAIT);
    let text = app.text(&model);
    assert!(text.contains("shiliu model import"), "{text}");
    app.screenshot(&screenshot_dir().join("home-no-model-zh.png"));
}
