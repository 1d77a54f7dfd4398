//! The scorer as the app holds it: loaded once in the process and used for clip after clip.

use shiliu_tests::require_shared;

#[test]
fn a_clip_scored_after_others_on_the_same_scorer_gets_what_a_fresh_scorer_gives() {
    // The engine keeps one clip's decoding state for the next: nothing of the earlier clips
    // (a longer sentence, another target) may show in a later result.
    let shared = require_shared!();
    let load = || {
        let engine = shiliu_speech::Engine::load(&shiliu_tests::test_model(), 2).unwrap();
        shiliu_speech::Scorer::new(engine)
    };
    let request = |text: &str| shiliu_speech::ScoreRequest {
        text: text.into(),
        pinyin: None,
        contrasts: vec![],
        speaker: None,
        diagnostics: true,
    };
    let audio = |path: &str| shiliu_audio::wav::load_16k_mono(&shared.join(path)).unwrap();
    let without_timings = |result: &shiliu_speech::result::ScoreResult| {
        let mut v = serde_json::to_value(result).unwrap();
        let object = v.as_object_mut().unwrap();
        object.remove("elapsed_ms");
        object.remove("timings");
        v
    };
    let word = audio("corpus/wav/words/yt_lao3shi1.wav");

    let fresh = load().score(&word, &request("老师")).unwrap();
    let used = load();
    used.score(&audio("corpus/wav/sentences/aishell1_BAC009S0764W0121.wav"), &request("甚至出现交易几乎停滞的情况"))
        .unwrap();
    used.score(&audio("corpus/wav/syllables/cw_ma3.wav"), &request("马")).unwrap();
    let after_others = used.score(&word, &request("老师")).unwrap();

    assert_eq!(without_timings(&after_others), without_timings(&fresh));
}

#[test]
fn a_warmed_up_engine_has_its_decoding_state_ready_before_the_first_clip() {
    // Made before the clip (at load for one `shiliu score` run, while the student speaks in the
    // app), so nobody waits for it; it is still there after a clip, for the next.
    let shared = require_shared!();
    let scorer = shiliu_speech::Scorer::new(shiliu_speech::Engine::load(&shiliu_tests::test_model(), 2).unwrap());
    assert!(!scorer.engine().is_warm(), "a loaded engine has made no decoding state yet");
    scorer.engine().warm_up();
    assert!(scorer.engine().is_warm());
    let word = shiliu_audio::wav::load_16k_mono(&shared.join("corpus/wav/words/yt_lao3shi1.wav")).unwrap();
    let request = shiliu_speech::ScoreRequest { text: "老师".into(), ..Default::default() };
    let result = scorer.score(&word, &request).unwrap();
    assert!(result.overall >= 85.0, "{}", result.overall);
    assert!(scorer.engine().is_warm());
}
