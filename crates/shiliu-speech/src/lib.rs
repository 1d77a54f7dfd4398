//! Shiliu's on-device speech: loading the Whisper model, bounded recognition and (next) the
//! pronunciation scorer. This is the only crate that uses whisper-rs, and only `engine.rs` calls
//! it; normalisation and everything after recognition are pure functions.
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
pub mod normalize;
pub mod result;
mod scorer;
pub mod summary;
pub mod verdict;
pub mod vocab;

pub use engine::{Engine, ForcingRequest, Recognition, Transcript, audio_ctx_for, is_looping, max_tokens_for};
pub use error::{Result, SpeechError};
pub use scorer::{ScoreRequest, Scorer};
