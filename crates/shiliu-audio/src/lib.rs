//! Audio in and out for Shiliu, with no speech model involved: reading WAV files of any rate
//! and channel count, resampling to the 16 kHz mono the scorer uses, level metering, deciding
//! when a speaker has finished, and recording from the microphone.
//!
//! ```no_run
//! let samples = shiliu_audio::wav::load_16k_mono(std::path::Path::new("clip.wav"))?;
//! println!("{:.2} s", samples.len() as f32 / shiliu_audio::SAMPLE_RATE as f32);
//! # Ok::<(), shiliu_audio::AudioError>(())
//! ```

pub mod capture;
pub mod channel;
mod error;
mod filter;
pub mod hum;
pub mod level;
pub mod playback;
pub mod quality;
pub mod resample;
pub mod wav;

pub use capture::{
    InputDevice, MicStatus, RecordOptions, Recorder, RecorderEvent, Recording, StopReason, all_input_devices,
    input_devices, microphone_status,
};
pub use channel::Channel;
pub use error::{AudioError, Result};
pub use quality::{QualityFlag, QualityReport};

/// The sample rate everything after capture works at.
pub const SAMPLE_RATE: u32 = 16_000;
