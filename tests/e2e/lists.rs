//! Targets read as lists, a syllable at a time with pauses between (一、二、三, a row of the
//! PSC's single syllables): each syllable's pitch must come from its own stretch of speech.

use shiliu_tests::{NATIVE_ROW, native_syllable_row, require_shared};

use crate::scoring::score;

#[test]
fn a_row_of_lone_syllables_read_with_pauses_has_each_tone_heard_where_it_was_said() {
    let shared = require_shared!();
    let dir = tempfile::tempdir().unwrap();
    // Ten native lone syllables, half a second apart: across the pauses the recogniser's
    // timestamps drifted by a syllable, and 妈 was heard falling (大's tone), 大 rising (图's).
    let wav = dir.path().join("row.wav");
    shiliu_audio::wav::write_wav_16k(&wav, &native_syllable_row(&shared, &NATIVE_ROW, 0.5)).unwrap();

    let v = score(&["--text", "笔、妈、大、图、糖、底、福、嚼、七、毛", "--pinyin", &NATIVE_ROW.join(" ")], &wav);
    let syllables = v["syllables"].as_array().unwrap();
    assert_eq!(syllables.len(), 10);
    let tones_as_said = syllables.iter().filter(|s| s["tone_heard"] == s["tone_expected"]).count();
    assert!(tones_as_said >= 9, "{tones_as_said} of 10 tones heard as said: {v}");
    assert!(syllables.iter().all(|s| s["verdict"] != "error"), "{v}");
}
