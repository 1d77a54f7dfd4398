//! Syllables a student did not say, where the recogniser, walked along the text, would
//! "hear" them anyway: a doubled syllable said once, at the end of a word or inside it.

use shiliu_tests::require_shared;

use crate::scoring::score;

#[test]
fn a_child_who_says_ma_once_for_mama_is_told_the_second_ma_was_not_said() {
    let shared = require_shared!();
    // The recogniser transcribes a lone 妈 as 妈妈妈, so it "hears" the repeat.
    let v = score(&["--text", "妈妈"], &shared.join("corpus/wav/syllables/cw_ma1.wav"));
    let s = v["syllables"].as_array().unwrap();
    assert_ne!(s[0]["verdict"], "error", "{v}");
    assert_eq!(s[1]["verdict"], "error", "{v}");
    assert!(s[1]["heard"].is_null(), "{v}");
    assert!(v["tip"]["zh"].as_str().unwrap().starts_with("第2个字「妈」没有读出来"), "{}", v["tip"]);
    // Native speakers saying the whole word keep both syllables.
    for word in ["se_ma1ma5", "yt_ma1ma5", "se_ge1ge5"] {
        let hanzi = if word.contains("ge") { "哥哥" } else { "妈妈" };
        let v = score(&["--text", hanzi], &shared.join(format!("corpus/wav/words/{word}.wav")));
        assert!(v["syllables"].as_array().unwrap().iter().all(|x| x["verdict"] != "error"), "{word}: {v}");
        assert!(v["overall"].as_f64().unwrap() >= 85.0, "{word}: {}", v["overall"]);
    }
}

#[test]
fn a_doubled_syllable_said_once_inside_a_word_is_not_said() {
    let shared = require_shared!();
    let laoshi = shared.join("corpus/wav/words/yt_lao3shi1.wav");
    // 老师 said against 老老师: at the second 老 the recogniser would rather hear 师.
    let v = score(&["--text", "老老师"], &laoshi);
    let s = v["syllables"].as_array().unwrap();
    assert_eq!(s[1]["verdict"], "error", "{v}");
    assert!(s[1]["heard"].is_null(), "{v}");
    assert!(v["completeness"].as_f64().unwrap() < 100.0, "{v}");
    assert_ne!(s[2]["verdict"], "error", "{v}");
    // Against its own text the same recording has every syllable said.
    let v = score(&["--text", "老师"], &laoshi);
    assert!(v["syllables"].as_array().unwrap().iter().all(|x| x["verdict"] == "ok"), "{v}");
}

/// The recording cut between its two syllables (the scorer's own boundary, in the middle of
/// the gap), only the first kept, with 300 ms of silence around it.
fn first_syllable_only(whole: &std::path::Path, text: &str, to: &std::path::Path) {
    let v = score(&["--text", text], whole);
    let s = v["syllables"].as_array().unwrap();
    let cut_ms = (s[0]["end_ms"].as_f64().unwrap() + s[1]["start_ms"].as_f64().unwrap()) / 2.0;
    let samples = shiliu_audio::wav::load_16k_mono(whole).unwrap();
    let pad = vec![0.0f32; 4800];
    let kept = &samples[..(cut_ms * 16.0) as usize];
    shiliu_audio::wav::write_wav_16k(to, &[&pad[..], kept, &pad[..]].concat()).unwrap();
}

#[test]
fn a_student_who_says_only_the_first_syllable_of_a_word_is_told_the_second_was_not_said() {
    let shared = require_shared!();
    let dir = tempfile::tempdir().unwrap();
    // The recogniser, walked along the text, "hears" 啡 in the fading vowel of 咖 (and the free
    // transcript of 咖 alone is 咖啡), but the voice never stops for the f.
    for (word, text) in
        [("yt_ka1fei1", "咖啡"), ("yt_shi2jian1", "时间"), ("yt_jin1tian1", "今天"), ("se_gong1si1", "公司")]
    {
        let whole = shared.join(format!("corpus/wav/words/{word}.wav"));
        let v = score(&["--text", text], &whole);
        assert!(v["syllables"].as_array().unwrap().iter().all(|x| x["verdict"] != "error"), "{word}: {v}");
        let half = dir.path().join(format!("{word}_first.wav"));
        first_syllable_only(&whole, text, &half);
        let v = score(&["--text", text], &half);
        let s = v["syllables"].as_array().unwrap();
        assert_ne!(s[0]["verdict"], "error", "{word}: {v}");
        assert_eq!(s[1]["verdict"], "error", "{word}: {v}");
        assert!(s[1]["heard"].is_null(), "{word}: {v}");
        assert!(v["tip"]["zh"].as_str().unwrap().starts_with("第2个字"), "{word}: {}", v["tip"]);
    }
}
