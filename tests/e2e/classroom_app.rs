//! The classroom app end to end, in the real window with a virtual microphone: first run, a
//! teacher adds a student, the student logs in by picture and practises four items by
//! "speaking" corpus clips (one with a labelled error, one a tone minimal pair said as its
//! pair), and the teacher's heatmap shows them.
//! Every screen is saved as a screenshot in target/<profile>/e2e-screenshots/.

use std::path::Path;
use std::time::Duration;

use shiliu_tests::display::Display;
use shiliu_tests::vmic::VirtualMic;
use shiliu_tests::webdriver::AppSession;
use shiliu_tests::{bin, require_shared, run, screenshot_dir, shiliu, test_model};

const WAIT: Duration = Duration::from_secs(30);

fn shot(app: &AppSession, name: &str) {
    app.screenshot(&screenshot_dir().join(format!("{name}.png")));
}

/// Clicks record, plays the clip into the virtual microphone, stops, and waits for the result.
fn speak(app: &AppSession, mic: &VirtualMic, clip: &Path) {
    let record = app.wait_for("[data-testid=record][data-recording=false]", WAIT);
    app.click(&record);
    app.wait_for("[data-testid=record][data-recording=true]", WAIT);
    std::thread::sleep(Duration::from_millis(500));
    mic.play(clip);
    std::thread::sleep(Duration::from_millis(300));
    let stop = app.wait_for("[data-testid=record][data-recording=true]", WAIT);
    app.click(&stop);
    app.wait_for("[data-testid=result]", WAIT);
}

fn jump_to(app: &AppSession, item: &str) {
    let all = app.wait_for("[data-testid=all-items]", WAIT);
    app.click(&all);
    let target = app.wait_for(&format!("[data-testid=jump][data-item='{item}']"), WAIT);
    app.click(&target);
    app.wait_for(&format!("[data-testid=item][data-item='{item}']"), WAIT);
}

fn verdicts(app: &AppSession) -> Vec<String> {
    app.find_all("[data-testid=result-syllable]")
        .iter()
        .map(|e| app.attribute(e, "data-verdict").unwrap_or_default())
        .collect()
}

#[test]
fn a_student_practises_four_items_and_the_teacher_sees_them_in_the_heatmap() {
    let shared = require_shared!();
    let data = tempfile::tempdir().unwrap();
    assert!(run(shiliu(data.path()).arg("model").arg("import").arg(test_model())).status.success());
    let display = Display::start();
    let mic = VirtualMic::start();
    let web = tempfile::tempdir().unwrap();
    let app = AppSession::open(
        &bin("shiliu-app"),
        &[
            ("DISPLAY", display.name.clone()),
            ("PULSE_SERVER", mic.server()),
            ("SHILIU_DATA_DIR", data.path().display().to_string()),
            ("XDG_DATA_HOME", web.path().display().to_string()),
        ],
    );

    // First run: school, teacher, class.
    let school = app.wait_for("[data-testid=setup-school]", WAIT);
    shot(&app, "01-first-run");
    app.type_text(&school, "石榴小学");
    app.type_text(&app.wait_for("[data-testid=setup-teacher]", WAIT), "王老师");
    app.type_text(&app.wait_for("[data-testid=setup-class]", WAIT), "三年级一班");
    app.click(&app.wait_for("[data-testid=setup-save]", WAIT));
    app.wait_for("[data-testid=model-status][data-state=installed]", WAIT);
    shot(&app, "02-first-run-model");
    app.click(&app.wait_for("[data-testid=setup-next]", WAIT));
    app.wait_for("[data-testid=setup-done]", WAIT);
    shot(&app, "03-first-run-microphone");
    app.click(&app.wait_for("[data-testid=setup-done]", WAIT));

    // The teacher adds a student.
    app.click(&app.wait_for("[data-testid=teacher]", WAIT));
    app.click(&app.wait_for("[data-testid=tab-roster]", WAIT));
    app.click(&app.wait_for("[data-testid=add-student]", WAIT));
    app.type_text(&app.wait_for("[data-testid=student-name]", WAIT), "阿依古丽");
    shot(&app, "04-teacher-roster");
    app.click(&app.wait_for("[data-testid=student-save]", WAIT));
    app.wait_gone("[data-testid=student-save]", WAIT);

    // Picture login.
    app.click(&app.wait_for("header .home", WAIT));
    let student = app.wait_for("[data-testid=student][data-name='阿依古丽']", WAIT);
    shot(&app, "05-picture-login");
    app.click(&student);
    app.wait_for("[data-testid=units]", WAIT);
    shot(&app, "06-lesson-map");
    app.click(&app.wait_for("[data-testid=unit][data-unit='starter.u00']", WAIT));

    // 1. 笔 said correctly by a native speaker.
    jump_to(&app, "starter.u00.0001");
    shot(&app, "07-practice");
    speak(&app, &mic, &shared.join("corpus/wav/syllables/cw_bi3.wav"));
    assert!(verdicts(&app).iter().all(|v| v != "error"), "{:?}", verdicts(&app));
    // The student's pitch is drawn over the target's where the screen shows it without scrolling.
    let chart_bottom = app.execute(
        "const c = document.querySelector('[data-testid=pitch-chart]'); \
         return c ? c.getBoundingClientRect().bottom - window.innerHeight : null;",
    );
    assert!(chart_bottom.as_f64().is_some_and(|below| below <= 0.0), "pitch chart past the fold by {chart_bottom}");
    shot(&app, "08-result-correct");

    // 2. 山 said with a back nasal (shang1): the syllable is flagged and the tip names its final.
    jump_to(&app, "starter.u00.0023");
    speak(&app, &mic, &shared.join("corpus-synth/wav/a012_syl_final_clean.wav"));
    let v = verdicts(&app);
    assert!(v.len() == 1 && v[0] != "ok", "{v:?}");
    let tip = app.text(&app.wait_for("[data-testid=tip]", WAIT));
    assert!(tip.contains("韵母") && tip.contains("ang"), "{tip}");
    shot(&app, "09-result-final-error");

    // 3. 老师 said by a native speaker.
    jump_to(&app, "starter.u00.0032");
    speak(&app, &mic, &shared.join("corpus/wav/words/yt_lao3shi1.wav"));
    assert_eq!(verdicts(&app).len(), 2);
    shot(&app, "10-result-word");

    // 4. A tone minimal pair: 闻 (wen2) said as 问 (wen4). The choice between the pair names 问.
    app.click(&app.wait_for("header .home", WAIT));
    app.click(&app.wait_for("[data-testid=unit][data-unit='starter.u02']", WAIT));
    jump_to(&app, "starter.u02.0079");
    speak(&app, &mic, &shared.join("corpus/wav/syllables/cw_wen4.wav"));
    let choice = app.wait_for("[data-testid=choice]", WAIT);
    assert_eq!(app.attribute(&choice, "data-said").as_deref(), Some("问"));
    assert_eq!(app.attribute(&choice, "data-target-said").as_deref(), Some("false"));
    assert!(app.text(&choice).contains("问"), "{}", app.text(&choice));
    shot(&app, "10b-result-minimal-pair");

    // 5. The mock test: characters alone, as in the real one; each answer moves on to the next.
    app.click(&app.wait_for("[data-testid=psc]", WAIT));
    app.click(&app.wait_for("[data-testid=psc-part-1]", WAIT));
    app.wait_for("[data-testid=psc-progress][data-index='0']", WAIT);
    let pinyin_shown = app.execute("return [...document.querySelectorAll('rt')].map((r) => r.textContent).join('');");
    assert_eq!(pinyin_shown.as_str(), Some(""), "the mock test shows no pinyin");
    assert!(app.find_all(".gloss").is_empty(), "nor the meaning");
    shot(&app, "10c-mock-psc");
    app.click(&app.wait_for("[data-testid=record][data-recording=false]", WAIT));
    app.wait_for("[data-testid=record][data-recording=true]", WAIT);
    std::thread::sleep(Duration::from_millis(500));
    mic.play(&shared.join("corpus/wav/syllables/cw_ba3.wav"));
    std::thread::sleep(Duration::from_millis(300));
    app.click(&app.wait_for("[data-testid=record][data-recording=true]", WAIT));
    app.wait_for("[data-testid=psc-progress][data-index='1']", WAIT);

    // The teacher's class overview now shows the attempts.
    app.click(&app.wait_for("[data-testid=log-out]", WAIT));
    app.click(&app.wait_for("[data-testid=teacher]", WAIT));
    app.wait_for("[data-testid=heatmap]", WAIT);
    let cells = app.find_all("[data-testid=heat-cell]");
    let tries: u32 =
        cells.iter().map(|c| app.attribute(c, "data-tries").and_then(|t| t.parse().ok()).unwrap_or(0)).sum();
    let misses: u32 =
        cells.iter().map(|c| app.attribute(c, "data-misses").and_then(|t| t.parse().ok()).unwrap_or(0)).sum();
    assert!(tries >= 4, "tries {tries}");
    assert!(misses >= 1, "the back-nasal error is in the heatmap");
    app.wait_for("[data-testid=confusion]", WAIT);
    shot(&app, "11-teacher-heatmap");
    // The student tab offers the class's students to pick from.
    app.click(&app.wait_for("[data-testid=tab-student]", WAIT));
    app.wait_for("[data-testid=student-select] option:nth-child(2)", WAIT);
    app.execute(
        "const s = document.querySelector('[data-testid=student-select]'); \
         s.selectedIndex = 1; s.dispatchEvent(new Event('change'));",
    );
    app.wait_for("[data-testid=report-name]", WAIT);
    shot(&app, "12-teacher-student");
    for (tab, name) in [("lessons", "13-teacher-lessons"), ("classroom", "14-classroom-mode")] {
        app.click(&app.wait_for(&format!("[data-testid=tab-{tab}]"), WAIT));
        std::thread::sleep(Duration::from_millis(800));
        shot(&app, name);
    }
    app.click(&app.wait_for("header .home", WAIT));
    app.click(&app.wait_for("[data-testid=lang-switch]", WAIT));
    std::thread::sleep(Duration::from_millis(500));
    shot(&app, "15-start-english");
}
