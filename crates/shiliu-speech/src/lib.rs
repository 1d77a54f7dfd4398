//! Shiliu's on-device speech: loading the Whisper model, bounded recognition and the
//! pronunciation scorer. This is the only crate that uses whisper-rs, and only `engine.rs` calls
//! it; normalisation and everything after recognition are pure functions.
//!
//! How a recording is scored (`scorer.rs` runs the steps):
//! 1. `expected`: the target's surface syllables (sandhi, neutral tone, 儿化) from hanzi or pinyin.
//! 2. Audio quality and trimming (shiliu-audio), then one Whisper pass (`engine`): on the encoded
//!    audio, teacher forcing (`forcing`) of the expected characters against the characters of
//!    each syllable's confusable neighbours (`candidates`), and for a lone syllable against every
//!    syllable of the inventory; then a bounded free transcript (`greedy`), which decodes only
//!    where the recogniser would have left the expected path.
//! 3. The transcript is aligned syllable by syllable (`align`), the pitch is tracked and
//!    classified into tones, and in syllables and words each stop's release noise (burst plus
//!    aspiration) and each sibilant's hiss are measured (both in shiliu-prosody); the hiss is
//!    read against the speaker's own earlier hisses, kept in their profile. A steady machine
//!    tone stops here as no speech, and a recording of another text altogether, or of more
//!    than the target, as `wrong_text` (`wrong_text`).
//! 4. `verdict` judges each syllable (ok / defect / error, with the problem named), and `summary`
//!    turns the verdicts into scores, a PSC band and one tip.
//!
//! ```no_run
//! let engine = shiliu_speech::Engine::load(std::path::Path::new("whisper-base-q8_0.bin"), 2)?;
//! let samples = shiliu_audio::wav::load_16k_mono(std::path::Path::new("clip.wav"))?;
//! println!("{}", engine.transcribe(&samples)?.text);
//! # Ok::<(), shiliu_speech::SpeechError>(())
//! ```

pub mod align;
pub mod candidates;
pub mod cpu;
mod engine;
mod error;
pub mod expected;
pub mod forcing;
pub mod greedy;
pub mod normalize;
pub mod result;
mod scorer;
mod spare;
pub mod summary;
pub mod verdict;
pub mod vocab;
pub mod wrong_text;

pub use engine::{Engine, ForcedChar, ForcingRequest, Recognition, Transcript, audio_ctx_for, max_tokens_for};
pub use error::{Result, SpeechError};
pub use expected::Contrast;
pub use scorer::{ScoreRequest, Scorer};
