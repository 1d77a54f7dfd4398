//! The pitch tracker on synthetic audio: harmonic voices with known F0 contours, silence and noise.

use super::*;

fn harmonic(f0: impl Fn(f32) -> f32, seconds: f32, harmonics: &[f32]) -> Vec<f32> {
    let n = (seconds * SAMPLE_RATE as f32) as usize;
    let mut phase = 0.0f32;
    (0..n)
        .map(|i| {
            let t = i as f32 / SAMPLE_RATE as f32;
            phase += std::f32::consts::TAU * f0(t) / SAMPLE_RATE as f32;
            harmonics.iter().enumerate().map(|(h, a)| a * ((h + 1) as f32 * phase).sin()).sum::<f32>() * 0.3
        })
        .collect()
}

fn voiced_f0(track: &PitchTrack, from_ms: u32, to_ms: u32) -> Vec<f32> {
    track.frames.iter().filter(|f| f.t_ms >= from_ms && f.t_ms < to_ms).filter_map(|f| f.f0_hz).collect()
}

#[test]
fn steady_harmonic_tone_is_recovered_within_one_percent() {
    for f0 in [80.0f32, 120.0, 220.0, 310.0, 480.0] {
        let track = track_pitch(&harmonic(|_| f0, 0.6, &[1.0, 0.6, 0.4, 0.3]));
        let got = voiced_f0(&track, 50, 550);
        assert!(got.len() >= 48, "{f0} Hz: only {} voiced frames", got.len());
        for g in got {
            assert!((g - f0).abs() / f0 < 0.01, "{f0} Hz tracked as {g}");
        }
    }
}

#[test]
fn weak_fundamental_does_not_cause_octave_errors() {
    // Most energy in harmonics 2 and 3: the classic trap for autocorrelation trackers.
    let track = track_pitch(&harmonic(|_| 150.0, 0.5, &[0.15, 1.0, 0.8, 0.2]));
    let got = voiced_f0(&track, 30, 470);
    assert!(!got.is_empty());
    assert!(got.iter().all(|g| (g - 150.0).abs() < 3.0), "{got:?}");
}

#[test]
fn a_voice_without_its_fundamental_is_not_read_an_octave_high() {
    // A headset that cuts everything below 300 Hz: a 150 Hz voice keeps only its harmonics,
    // the even ones strongest, so half its period looks almost like a period.
    for f0 in [110.0f32, 150.0, 190.0] {
        let track = track_pitch(&harmonic(|_| f0, 0.5, &[0.0, 1.0, 0.2, 0.8, 0.1, 0.5]));
        let got = voiced_f0(&track, 30, 470);
        assert!(got.len() >= 40, "{f0} Hz: only {} voiced frames", got.len());
        assert!(got.iter().all(|g| (g - f0).abs() / f0 < 0.02), "{f0} Hz tracked as {got:?}");
    }
}

#[test]
fn gliding_fourth_tone_is_followed() {
    // 320 Hz falling to 160 Hz over 400 ms, an octave, faster than most real falls.
    let track = track_pitch(&harmonic(|t| 320.0 * (0.5f32).powf(t / 0.4), 0.4, &[1.0, 0.5, 0.3]));
    for f in &track.frames[3..37] {
        let expected = 320.0 * 0.5f32.powf(f.t_ms as f32 / 400.0);
        let got = f.f0_hz.expect("voiced");
        assert!((got - expected).abs() / expected < 0.02, "{} ms: {got} vs {expected}", f.t_ms);
    }
}

#[test]
fn silence_and_noise_are_unvoiced() {
    let mut x = vec![0.0f32; 8000];
    let mut seed = 1u32;
    x.extend((0..8000).map(|_| {
        seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        (seed >> 9) as f32 / (1u32 << 23) as f32 * 0.2 - 0.1
    }));
    let track = track_pitch(&x);
    let voiced = track.frames.iter().filter(|f| f.f0_hz.is_some()).count();
    assert!(voiced <= 2, "{voiced} of {} frames voiced", track.frames.len());
    assert!(track.frames[10].rms_db < -100.0);
    assert!(track.frames[75].zcr > 0.3, "white noise crosses zero often");
}

#[test]
fn frames_are_every_ten_ms_and_cover_the_audio() {
    let track = track_pitch(&vec![0.0; 16_000]);
    assert_eq!(track.frames.len(), 100);
    assert_eq!(track.frames[7].t_ms, 70);
    assert_eq!(track.duration_ms(), 1000);
}
