//! End-to-end tests, one binary with a module per area. They run the built `shiliu` and
//! `shiliu-app` binaries the way people do. Tests that need `../shared` skip with a reason when
//! it is absent; everything else they need (the model, Xvfb, PulseAudio, tauri-driver) is
//! installed by `./dev test`.

mod app_window;
mod classroom_app;
mod evaluation;
mod lists;
mod microphone;
mod model_pipeline;
mod omissions;
mod one_scorer_many_clips;
mod other_texts;
mod scoring;
mod sync_screen;
mod transcription;
mod workspace;
