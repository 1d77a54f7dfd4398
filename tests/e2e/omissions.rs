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
