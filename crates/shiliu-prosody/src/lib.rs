//! Pitch, syllable timing, speaker-normalised contours and tone classification for Shiliu:
//! the model-free half of the pronunciation scorer.
//!
//! Everything runs on 16 kHz mono `f32` audio on one core, in a few milliseconds per second of
//! audio, with no model file:
//!
//! * [`track_pitch`] is a probabilistic YIN (pYIN-like) F0 tracker at a 10 ms hop. Each
//!   [`PitchFrame`] keeps energy, periodicity and zero-crossing rate too, so a creaky third-tone
//!   ending that drops out of the pitch track is still visible as loud, weakly periodic frames.
//! * [`speech_span`], [`pauses`] and [`fluency`] find the speech and measure pauses and rate;
//!   [`voice_breaks`] finds where the voice stops inside it (a voiceless consonant, or nothing
//!   said there).
//! * [`segment_syllables`] cuts the speech into one span per expected syllable, by dynamic
//!   programming over boundary evidence chosen by each syllable's initial (voicing breaks
//!   before voiceless obstruents, energy dips before sonorants) and a duration prior;
//!   recogniser token times can be blended in.
//! * [`SpeakerProfile`] says where a speaker's voice sits; [`Reference`] maps Hz to the
//!   semitone scale of [`shiliu_pinyin::target_contour`] (Chao level 3 = 0 st, 2.5 st a level).
//! * [`classify`] says which tone was *heard* in a syllable said alone: a Gaussian model over a
//!   dozen contour features, fitted at first use on contours synthesised from Chao's tone
//!   values with realistic variation (see the `synth` module's docs). The expected tone is not
//!   a prior; context only tells the model what a half third or a sonorant onset look like.
//! * In words and sentences every syllable is instead judged *contrastively in context* (the
//!   `context` module): its height and movement are compared with what the expected tone
//!   sequence predicts once the speaker's level, range and declination are fitted to the other
//!   syllables, against the same sequence with this syllable's tone swapped. Probabilities are
//!   heavy-tailed on purpose, so compressed native tones are not called wrong; the tone score
//!   measures how strongly the evidence contradicts the expected tone, not template distance.
//! * [`OnsetFrames`] measures how long a stop's release is noisy before its vowel (burst plus
//!   aspiration, the voice onset time): long for p t k, short for b d g. Its
//!   [`OnsetFrames::hiss_low_share`] says how low a sibilant's hiss sits, which a
//!   [`SibilantReference`] of the speaker's own hisses reads as flat (z c s) or retroflex
//!   (zh ch sh).
//! * [`analyse`] does all of it for one attempt and returns JSON-ready results.
//!
//! ```
//! use shiliu_pinyin::{Tone, readings_from_pinyin, surface};
//! use shiliu_prosody::{SAMPLE_RATE, analyse};
//!
//! // Half a second of a falling "voice", 320 → 160 Hz, after 200 ms of silence.
//! let mut audio = vec![0.0f32; 3200];
//! let mut phase = 0.0f32;
//! for i in 0..8000 {
//!     let t = i as f32 / SAMPLE_RATE as f32;
//!     phase += std::f32::consts::TAU * 320.0 * 0.5f32.powf(t / 0.5) / SAMPLE_RATE as f32;
//!     audio.push(0.3 * (phase.sin() + 0.5 * (2.0 * phase).sin()));
//! }
//! audio.extend(vec![0.0f32; 3200]);
//!
//! let expected = surface(&readings_from_pinyin("ma4")?);
//! let result = analyse(&audio, &expected, None, None)?;
//! let syllable = &result.syllables[0];
//! assert_eq!(syllable.tone.heard, Some(Tone::Fourth));
//! assert!(syllable.tone_score.unwrap() > 50.0);
//! assert!(result.fluency.pause_count == 0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod activity;
mod analyse;
mod breaks;
mod context;
mod contour;
mod echo;
mod error;
mod features;
mod model;
mod octave;
mod onset;
mod pitch;
mod profile;
mod recent;
mod regress;
mod rng;
mod rounding;
mod segment;
mod sibilant;
mod synth;
mod tone;

pub use activity::{Fluency, PAUSE_MS, fluency, pauses, silence_other_voices, speech_frames, speech_span};
pub use analyse::{ProsodyAnalysis, SyllableProsody, analyse, positions, score_spans, tone_context};
pub use breaks::{stops_the_voice, voice_breaks};
pub use contour::{contour_points, syllable_pitch};
pub use error::{Error, Result};
pub use features::SyllablePitch;
pub use onset::{Onset, OnsetFrames, is_stop};
pub use pitch::{HOP_MS, MAX_F0_HZ, MIN_F0_HZ, PitchFrame, PitchTrack, SAMPLE_RATE, track_pitch};
pub use profile::{Reference, ReferenceSource, SpeakerProfile};
pub use recent::RecentValues;
pub use rounding::{BAND_SCALES, Brightness, Rounding, RoundingReference, VowelMeasure, rounding_of};
pub use segment::segment_syllables;
pub use sibilant::{Place, SibilantReference, place_of};
pub use synth::Position;
pub use tone::{ToneContext, ToneEstimate, classify, has_voiced_onset, prepare};
