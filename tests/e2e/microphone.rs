//! Recording through the same capture code the app uses, from a virtual microphone fed with a
//! corpus clip, and what happens when there is no sound system at all.

use std::time::Duration;

use shiliu_tests::vmic::VirtualMic;
use shiliu_tests::{require_shared, run, shiliu};

/// Best normalised cross-correlation of `b` against `a` over lags up to ±`max_lag` samples.
fn best_correlation(a: &[f32], b: &[f32], max_lag: usize) -> f32 {
    let corr_at = |lag: isize, step: usize| -> f32 {
        let (mut ab, mut aa, mut bb) = (0f64, 0f64, 0f64);
        let mut i = 0usize;
        while i < a.len() {
            let j = i as isize + lag;
            if j >= 0 && (j as usize) < b.len() {
                let (x, y) = (a[i] as f64, b[j as usize] as f64);
                ab += x * y;
                aa += x * x;
                bb += y * y;
            }
            i += step;
        }
        if aa == 0.0 || bb == 0.0 { 0.0 } else { (ab / (aa.sqrt() * bb.sqrt())) as f32 }
    };
    // Coarse search on every 4th sample and lag, then refine around the best lag.
    let coarse = (-(max_lag as isize)..=max_lag as isize)
        .step_by(4)
        .max_by(|&x, &y| corr_at(x, 4).total_cmp(&corr_at(y, 4)))
        .unwrap();
    (coarse - 8..=coarse + 8).map(|lag| corr_at(lag, 1)).fold(f32::MIN, f32::max)
}

#[test]
fn recording_from_a_virtual_microphone_matches_the_clip_played_into_it() {
    let shared = require_shared!();
    let clip = shared.join("corpus/wav/sentences/aishell1_BAC009S0764W0121.wav");
    let mic = VirtualMic::start();
    let data = tempfile::tempdir().unwrap();
    let recording = data.path().join("recording.wav");

    let mut cmd = shiliu(data.path());
    cmd.env("PULSE_SERVER", mic.server()).args(["record", "--seconds", "7"]).arg(&recording);
    let recorder = std::thread::spawn(move || run(&mut cmd));
    std::thread::sleep(Duration::from_millis(1200));
    mic.play(&clip);
    let out = recorder.join().unwrap();
    assert!(out.status.success());

    let source = shiliu_audio::wav::load_16k_mono(&clip).unwrap();
    let got = shiliu_audio::wav::load_16k_mono(&recording).unwrap();
    assert!(
        got.len() as f32 >= source.len() as f32 * 0.9,
        "recorded {} samples for a clip of {}",
        got.len(),
        source.len()
    );
    let corr = best_correlation(&source, &got, 16_000);
    eprintln!("normalised cross-correlation with the source: {corr:.4}");
    assert!(corr > 0.9, "the recording does not match the clip (correlation {corr})");
}

#[test]
fn with_no_sound_server_the_microphone_is_reported_missing_not_a_crash() {
    let data = tempfile::tempdir().unwrap();
    let out = run(shiliu(data.path()).env("PULSE_SERVER", "unix:/nonexistent/pulse").args(["status", "--json"]));
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["microphone"]["state"], "unavailable", "{v}");
    assert!(!v["microphone"]["message"].as_str().unwrap().is_empty());
    assert_eq!(v["model"]["state"], "missing");
}
