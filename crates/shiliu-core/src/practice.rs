//! Speaking practice: record from the microphone, stop when the student has finished, score.
//!
//! The speech model takes about a second to load, so it is loaded once, in the background, as
//! soon as the app starts; the first attempt then costs only the scoring itself.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use shiliu_audio::{RecordOptions, Recorder, RecorderEvent};
use shiliu_model::ModelStore;
use shiliu_paths::DataDir;
use shiliu_speech::result::ScoreResult;
use shiliu_speech::{Engine, ScoreRequest, Scorer};

use crate::error::CoreError;

/// The least speech a syllable takes, even read fast (natives say five or six a second, with
/// pauses between words): until a target's syllables have had this much, the recording waits
/// through longer pauses instead of ending at the first.
const SPEECH_PER_SYLLABLE: Duration = Duration::from_millis(120);

/// Recognition threads: two cores is what a classroom PC has.
const THREADS: usize = 2;

enum ScorerSlot {
    NotLoaded,
    Ready(Arc<Scorer>),
}

/// The app's speech side: one scorer, at most one recording at a time.
pub struct Practice {
    data: DataDir,
    scorer: Mutex<ScorerSlot>,
    recorder: Mutex<Option<Recorder>>,
}

impl Practice {
    pub fn new(data: DataDir) -> Practice {
        Practice { data, scorer: Mutex::new(ScorerSlot::NotLoaded), recorder: Mutex::new(None) }
    }

    /// Loads the model now (call from a background thread at start-up); later calls are free.
    pub fn scorer(&self) -> Result<Arc<Scorer>, CoreError> {
        let mut slot = self.scorer.lock().expect("scorer lock");
        if let ScorerSlot::Ready(s) = &*slot {
            return Ok(s.clone());
        }
        let loaded = ModelStore::new(self.data.models())
            .active_path()
            .map_err(CoreError::from)
            .and_then(|path| Engine::load(&path, THREADS).map_err(CoreError::from));
        // A failed load is not remembered: the next attempt retries (a model may have been
        // imported meanwhile).
        let s = Arc::new(Scorer::new(loaded?));
        *slot = ScorerSlot::Ready(s.clone());
        Ok(s)
    }

    /// Forgets the loaded model (after a new one is installed).
    pub fn reload_model(&self) {
        *self.scorer.lock().expect("scorer lock") = ScorerSlot::NotLoaded;
    }

    /// Starts recording a target of `syllables` read in `stretches` between pauses (its items,
    /// for a list; 0 and 0 when unknown); `on_event` gets levels and the automatic stop.
    pub fn start_recording(
        &self,
        device: Option<String>,
        syllables: usize,
        stretches: usize,
        on_event: impl FnMut(RecorderEvent) + Send + 'static,
    ) -> Result<(), CoreError> {
        let mut slot = self.recorder.lock().expect("recorder lock");
        // A recording left running (a closed screen) is discarded, not scored.
        slot.take();
        let options = RecordOptions {
            device,
            max_duration: Duration::from_secs(30),
            speech_expected: SPEECH_PER_SYLLABLE * syllables as u32,
            stretches_expected: stretches as u32,
            ..RecordOptions::default()
        };
        *slot = Some(Recorder::start(options, on_event)?);
        // Whisper's decoding state is made while the student speaks, not after: on the first
        // attempt, and after a pause (when the kept one has been given back). Not at start-up,
        // where it would slow the first screen.
        if let ScorerSlot::Ready(scorer) = &*self.scorer.lock().expect("scorer lock")
            && !scorer.engine().is_warm()
        {
            let scorer = scorer.clone();
            let _ = std::thread::Builder::new().name("shiliu-warm-up".into()).spawn(move || scorer.engine().warm_up());
        }
        Ok(())
    }

    /// Stops the recording (if it has not stopped by itself) and scores it.
    pub fn finish_and_score(&self, request: &ScoreRequest) -> Result<(ScoreResult, Vec<f32>), CoreError> {
        let recorder = self.recorder.lock().expect("recorder lock").take().ok_or(CoreError::NotRecording)?;
        let recording = recorder.stop()?;
        let scorer = self.scorer()?;
        let result = scorer.score(&recording.samples, request)?;
        Ok((result, recording.samples))
    }

    /// Stops the recording and returns its samples, unscored.
    pub fn finish_recording(&self) -> Result<Vec<f32>, CoreError> {
        let recorder = self.recorder.lock().expect("recorder lock").take().ok_or(CoreError::NotRecording)?;
        Ok(recorder.stop()?.samples)
    }

    /// Throws away a running recording.
    pub fn cancel_recording(&self) {
        self.recorder.lock().expect("recorder lock").take();
    }

    /// Scores audio already in hand (a file, a test).
    pub fn score_samples(&self, samples: &[f32], request: &ScoreRequest) -> Result<ScoreResult, CoreError> {
        Ok(self.scorer()?.score(samples, request)?)
    }
}
