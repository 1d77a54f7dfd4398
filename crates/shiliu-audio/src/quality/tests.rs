use super::*;

/// A voiced "syllable": a 200 Hz tone with harmonics under a smooth envelope.
fn syllable(ms: usize, amp: f32) -> Vec<f32> {
    let n = ms * 16;
    (0..n)
        .map(|i| {
            let t = i as f32 / 16_000.0;
            let env = (std::f32::consts::PI * i as f32 / n as f32).sin();
            amp * env * ((t * 200.0 * std::f32::consts::TAU).sin() + 0.5 * (t * 400.0 * std::f32::consts::TAU).sin())
                / 1.5
        })
        .collect()
}

fn noise(ms: usize, amp: f32, seed: u32) -> Vec<f32> {
    let mut s = seed;
    (0..ms * 16)
        .map(|_| {
            s = s.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            amp * ((s >> 8) as f32 / (1 << 24) as f32 * 2.0 - 1.0)
        })
        .collect()
}

fn clip(lead_ms: usize, speech: Vec<f32>, tail_ms: usize) -> Vec<f32> {
    let mut v = vec![0.0; lead_ms * 16];
    v.extend(speech);
    v.extend(vec![0.0; tail_ms * 16]);
    v
}

#[test]
fn a_clean_syllable_has_no_flags_and_a_speech_span() {
    let r = assess(&clip(300, syllable(500, 0.7), 300));
    assert!(r.flags.is_empty(), "{r:?}");
    let (a, b) = r.speech_span.unwrap();
    assert!((250..=350).contains(&a) && (750..=850).contains(&b), "{a}-{b}");
}

#[test]
fn silence_is_no_speech() {
    assert_eq!(assess(&vec![0.0; 32_000]).flags, vec![QualityFlag::NoSpeech]);
    assert_eq!(assess(&noise(2000, 0.002, 7)).flags, vec![QualityFlag::NoSpeech]);
}

#[test]
fn loud_steady_noise_without_a_voice_is_no_speech_and_noisy() {
    assert_eq!(assess(&noise(2000, 0.2, 11)).flags, vec![QualityFlag::NoSpeech, QualityFlag::Noisy]);
    // Noise as quiet as a silent room's is just no speech.
    assert_eq!(assess(&noise(2000, 0.005, 11)).flags, vec![QualityFlag::NoSpeech]);
}

#[test]
fn a_clip_trimmed_to_the_syllable_is_still_speech() {
    let r = assess(&syllable(450, 0.3));
    assert!(r.flags.is_empty(), "{r:?}");
    assert!(r.speech_ms >= 300, "{}", r.speech_ms);
}

#[test]
fn a_dc_offset_neither_hides_speech_nor_makes_silence_loud() {
    let offset = |x: Vec<f32>| x.into_iter().map(|v| v + 0.25).collect::<Vec<f32>>();
    let r = assess(&offset(clip(300, syllable(500, 0.5), 300)));
    assert!(r.flags.is_empty(), "{r:?}");
    // The speech is found where it is, not across the whole offset recording.
    let (start, end) = r.speech_span.unwrap();
    assert!(start >= 200 && end <= 900, "{r:?}");
    assert_eq!(assess(&offset(vec![0.0; 16_000])).flags, vec![QualityFlag::NoSpeech]);
}

#[test]
fn faint_speech_is_too_quiet() {
    assert_eq!(assess(&clip(300, syllable(500, 0.03), 300)).flags, vec![QualityFlag::TooQuiet]);
}

#[test]
fn overloaded_speech_is_clipped() {
    let hot: Vec<f32> = syllable(500, 4.0).into_iter().map(|v| v.clamp(-1.0, 1.0)).collect();
    assert!(assess(&clip(300, hot, 300)).flags.contains(&QualityFlag::Clipped));
}

#[test]
fn speech_in_steady_noise_at_20_db_is_noisy() {
    let speech = clip(300, syllable(600, 0.5), 300);
    let speech_rms = (power(&speech[300 * 16..900 * 16])).sqrt();
    let n = noise(1200, speech_rms / 10.0 * 3f32.sqrt(), 3);
    let mixed: Vec<f32> = speech.iter().zip(&n).map(|(a, b)| a + b).collect();
    let r = assess(&mixed);
    assert!(r.flags.contains(&QualityFlag::Noisy), "{r:?}");
    assert!((15.0..25.0).contains(&r.snr_db.unwrap()), "{:?}", r.snr_db);
}

#[test]
fn speech_drowned_in_steady_noise_with_no_quiet_stretch_left_is_noisy() {
    for snr_db in [0.0f32, 5.0, 10.0] {
        let speech = clip(300, syllable(600, 0.5), 300);
        let speech_rms = (power(&speech[300 * 16..900 * 16])).sqrt();
        let n = noise(1200, speech_rms / 10f32.powf(snr_db / 20.0) * 3f32.sqrt(), 5);
        let mixed: Vec<f32> = speech.iter().zip(&n).map(|(a, b)| a + b).collect();
        let r = assess(&mixed);
        assert!(r.flags.contains(&QualityFlag::Noisy), "{snr_db} dB: {r:?}");
        assert!(r.snr_db.unwrap() < 15.0, "{snr_db} dB: {:?}", r.snr_db);
    }
}

#[test]
fn a_held_vowel_trimmed_tight_is_not_called_noisy() {
    // As steady as noise, at one level from end to end, but voiced throughout.
    let held: Vec<f32> = (0..800 * 16)
        .map(|i| {
            let t = i as f32 / 16_000.0;
            0.3 * ((t * 200.0 * std::f32::consts::TAU).sin() + 0.5 * (t * 400.0 * std::f32::consts::TAU).sin())
        })
        .collect();
    let r = assess(&held);
    assert!(r.flags.is_empty(), "{r:?}");
}

#[test]
fn a_tightly_trimmed_clip_is_not_called_noisy() {
    let r = assess(&syllable(500, 0.7));
    assert!(!r.flags.contains(&QualityFlag::Noisy), "{r:?}");
}

#[test]
fn a_click_is_too_short() {
    let r = assess(&clip(400, syllable(60, 0.8), 400));
    assert!(r.flags.contains(&QualityFlag::TooShort), "{r:?}");
}

#[test]
fn a_quick_syllable_fading_into_steady_noise_is_not_too_short() {
    // Loud for 100 ms, 19 dB above steady noise (a quick 兔: the stressed start of the
    // vowel), then the vowel 10 dB softer and fading into the noise over 250 ms.
    let tone = syllable(350, 1.0);
    let voice: Vec<f32> = tone
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let ms = i as f32 / 16.0;
            let envelope = if ms < 100.0 { 1.0 } else { 0.3 * (-(ms - 100.0) / 150.0).exp() };
            // Undo the test syllable's own rise and fall: only this envelope shapes it.
            let own = (std::f32::consts::PI * i as f32 / tone.len() as f32).sin().max(0.05);
            0.5 * envelope * v / own
        })
        .collect();
    let mut x = clip(400, voice, 400);
    let hiss = noise(x.len() / 16, 0.05, 5);
    x.iter_mut().zip(hiss).for_each(|(a, b)| *a += b);
    let r = assess(&x);
    assert!(!r.flags.contains(&QualityFlag::TooShort), "{r:?}");
    assert!(r.flags.contains(&QualityFlag::Noisy), "{r:?}");
}

#[test]
fn more_than_thirty_seconds_of_reading_is_too_long() {
    // 31 s of syllables with short gaps, as a student reading on and on.
    let reading: Vec<f32> = (0..100).flat_map(|_| clip(0, syllable(250, 0.5), 60)).collect();
    let long = clip(100, reading, 100);
    assert!(assess(&long).flags.contains(&QualityFlag::TooLong), "{:?}", assess(&long));
}

#[test]
fn a_short_reading_with_half_a_minute_of_silence_around_it_is_not_too_long() {
    for (lead, tail) in [(100, 31_000), (31_000, 100)] {
        let r = assess(&clip(lead, syllable(1_300, 0.5), tail));
        assert!(r.flags.is_empty(), "{lead} {tail}: {r:?}");
    }
    let left_running = clip(100, syllable(1_300, 0.5), 11 * 60_000);
    assert!(assess(&left_running).flags.contains(&QualityFlag::TooLong));
}

#[test]
fn a_quiet_ending_over_background_noise_stays_in_the_span() {
    // Loud speech, then a last syllable 17 dB quieter, only some 6 dB above steady noise.
    let mut x = clip(500, syllable(800, 0.5), 0);
    x.extend(syllable(300, 0.07));
    x.extend(vec![0.0; 700 * 16]);
    let hiss = noise(x.len() / 16, 0.027, 3);
    x.iter_mut().zip(hiss).for_each(|(a, b)| *a += b);
    let (_, end) = assess(&x).speech_span.unwrap();
    assert!((1450..=1700).contains(&end), "{end}");
}

#[test]
fn trimming_keeps_the_speech_and_a_margin() {
    let x = clip(1000, syllable(500, 0.7), 1000);
    let r = assess(&x);
    let t = trim(&x, &r, 150);
    assert!((750 * 16..=900 * 16).contains(&t.len()), "{}", t.len() / 16);
}

#[test]
fn quiet_audio_is_raised_and_loud_audio_left_alone() {
    let mut quiet = vec![0.01, -0.02, 0.015];
    normalise_gain(&mut quiet);
    assert!((quiet[1] + 0.5).abs() < 1e-6);
    let mut loud = vec![0.9, -0.3];
    normalise_gain(&mut loud);
    assert_eq!(loud, vec![0.9, -0.3]);
}

#[test]
fn the_lag_correlations_of_a_voice_fading_out_of_its_frame_are_those_of_the_plain_formula() {
    // A 200 Hz voice loud in the first half of the frame and 60 dB quieter in the second. The
    // long lags see only the quiet half, whose energy is the frame's total less the loud start:
    // that subtraction must keep its precision.
    let frame: Vec<f32> = (0..320)
        .map(|i| {
            let level = if i < 160 { 0.5 } else { 0.0005 };
            level * (std::f32::consts::TAU * 200.0 * i as f32 / 16_000.0).sin()
        })
        .collect();
    let plain = |lag: usize| {
        let (a, b) = (&frame[..frame.len() - lag], &frame[lag..]);
        let num: f64 = a.iter().zip(b).map(|(x, y)| f64::from(x * y)).sum();
        let energy = |v: &[f32]| v.iter().map(|x| f64::from(x * x)).sum::<f64>();
        (num / (energy(a) * energy(b)).sqrt()) as f32
    };
    let r = lag_correlations(&frame).unwrap();
    for (k, lag) in (31..=267).enumerate() {
        assert!((r[k] - plain(lag)).abs() < 1e-3, "lag {lag}: {} vs {}", r[k], plain(lag));
    }
    // Three periods in, only the quiet half is compared with itself: a clean voice.
    assert!(r[240 - 31] > 0.99, "{}", r[240 - 31]);
    assert!(lag_correlations(&[0.0; 320]).is_none(), "silence has no correlation");
}
