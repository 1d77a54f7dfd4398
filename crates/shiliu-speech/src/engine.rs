//! The only file that talks to whisper-rs. It loads the model once and offers bounded free
//! transcription; everything that interprets the result lives in pure modules.
//!
//! Recognition is bounded so no clip can take seconds: the encoder sees only as much context as
//! the clip needs, the decoder gets a token budget from the clip length, there is no
//! temperature fallback, and decoding ends as soon as the output starts to loop.
//!
//! whisper.cpp's `whisper_full` is used only to encode the audio and read the prompt (its public
//! API has no other way to encode with a short audio context); the free transcript is decoded
//! by [`crate::greedy`] on the same state, after teacher forcing, whose path it reuses.

use std::ffi::c_void;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use whisper_rs::{FullParams, SamplingStrategy, WhisperContext, WhisperContextParameters};

use crate::error::{Result, SpeechError};
use crate::forcing::{self, NextTokenModel, Position, PositionEvidence};
use crate::greedy::{self, KnownPath};
use crate::normalize::{collapse_repetitions, normalize};
use crate::spare::Spare;
use crate::vocab::{TokenId, VocabIndex};

/// A fixed, generic prompt that steers base towards simplified Mandarin sentences (CER 19.5 % →
/// 17.3 % on the real-speech corpus). It never names the target: a target prompt makes the
/// recogniser hear what it was told and hides the learner's mistakes.
const GENERIC_PROMPT: &str = "以下是普通话的句子。";

/// Whisper's audio window and the number of encoder frames covering it.
const WINDOW_SECS: f32 = 30.0;
const FULL_AUDIO_CTX: usize = 1500;

/// The encoder context needed for `secs` of audio: proportional, plus a margin, in steps of 32.
pub fn audio_ctx_for(secs: f32) -> usize {
    let frames = (secs / WINDOW_SECS * FULL_AUDIO_CTX as f32).ceil() as usize + 64;
    frames.div_ceil(32).saturating_mul(32).min(FULL_AUDIO_CTX)
}

/// A generous token budget for `secs` of Mandarin: about 7 syllables a second, up to two
/// byte-level tokens each, never below a floor for very short clips.
pub fn max_tokens_for(secs: f32) -> usize {
    ((secs * 14.0).ceil() as usize + 8).clamp(16, 220)
}

/// The budget when the expected text is known (scoring): three tokens a character (a hanzi is
/// three UTF-8 bytes, and a rare one is spelled byte by byte, so two a character could cut a
/// sentence of rare characters short) and a few to spare for punctuation. Beyond that the
/// transcript is a loop or a hallucination, which the alignment cannot use and which costs a
/// decoder step per token.
pub fn max_tokens_when_expecting(secs: f32, expected_chars: usize) -> usize {
    max_tokens_for(secs).min(3 * expected_chars + 6)
}

/// Free transcription of one clip.
#[derive(Debug, Clone)]
pub struct Transcript {
    /// Normalised: simplified characters, numbers as hanzi, no punctuation.
    pub text: String,
    /// As the recogniser wrote it.
    pub raw_text: String,
    pub audio_secs: f32,
    pub elapsed: Duration,
    /// True when decoding was stopped because the output began to repeat itself.
    pub repetition_stopped: bool,
}

pub struct Engine {
    ctx: WhisperContext,
    threads: usize,
    vocab: VocabIndex,
    /// [prev, generic prompt…, SOT, zh, transcribe, no-timestamps]: what teacher forcing follows.
    forcing_prefix: Vec<TokenId>,
    /// The decoding state of the last clip, kept for the next while clips keep coming (see
    /// [`Spare`]). Making one sets up and first touches buffers for every graph Whisper runs:
    /// a short clip's median latency went from 346 to 290 ms on a slow 2-core PC with it kept.
    /// Each recognition starts it afresh (mel, encoder output and caches are rewritten), so
    /// nothing of an earlier clip reaches the next result. One is enough: a class's clips are
    /// scored in turn (two at once would make a second).
    spare_state: Spare<whisper_rs::WhisperState>,
    /// A warm-up is running: another (a recording started, cancelled and started again) would
    /// only make a second state and compete for the cores.
    warming: AtomicBool,
}

/// One expected character to walk the decoder along, and the character groups to measure there.
#[derive(Debug, Clone, Default)]
pub struct ForcedChar {
    pub ch: char,
    /// Candidate groups (group 0: the target's own sound; see `candidates`).
    pub groups: Vec<Vec<char>>,
    /// Groups measured but not rivals (the whole inventory, for a lone syllable); usually none.
    pub others: Vec<Vec<char>>,
}

/// What to force and compare after recognising a clip.
#[derive(Debug, Clone, Default)]
pub struct ForcingRequest {
    /// The expected characters in order.
    pub positions: Vec<ForcedChar>,
    /// Whole texts to compare for a forced choice (the target and its contrast items).
    pub choices: Vec<String>,
}

/// Free transcription plus teacher-forced evidence, from one encoder pass.
#[derive(Debug, Clone)]
pub struct Recognition {
    pub transcript: Transcript,
    pub positions: Vec<PositionEvidence>,
    /// Log-probability that the text ends right after the expected characters (see
    /// [`forcing::Walk::end_after_lp`]); 0 when there were none to walk.
    pub end_after_lp: f32,
    /// Log-probability of each forced-choice text, in request order.
    pub choices: Vec<(String, f32)>,
    /// Time spent in encoding plus free transcription, and in teacher forcing.
    pub recognise: Duration,
    pub forcing: Duration,
}

/// Whisper's decoder on one encoded clip, as a rewindable next-token model.
struct StateModel<'a> {
    state: &'a mut whisper_rs::WhisperState,
    threads: usize,
    /// Tokens already in the decoder's cache from position 0: free transcription decoded the
    /// same prompt first, and later feeds only ever write after it.
    cached_prefix: &'a [TokenId],
    /// What follows the cached prompt, once worked out: the walk and every forced-choice text
    /// start there. (Whatever a later feed left after the prompt, the next feed after it
    /// removes before writing.)
    after_prefix: Option<Vec<f32>>,
}

impl NextTokenModel for StateModel<'_> {
    fn feed(&mut self, tokens: &[TokenId], n_past: usize) -> std::result::Result<Vec<f32>, String> {
        let is_prefix = n_past == 0 && tokens == self.cached_prefix;
        if is_prefix && let Some(lp) = &self.after_prefix {
            return Ok(lp.clone());
        }
        let (tokens, n_past) = still_to_decode(tokens, n_past, self.cached_prefix);
        let Some((&last, init)) = tokens.split_last() else { return Err("nothing to decode".into()) };
        // whisper.cpp keeps logits only for the last token of a batch, and whisper-rs reads
        // the first row: so the last token always goes alone.
        if !init.is_empty() {
            self.state.decode(init, n_past, self.threads).map_err(|e| e.to_string())?;
        }
        self.state.decode(&[last], n_past + init.len(), self.threads).map_err(|e| e.to_string())?;
        let lp = log_softmax(self.state.get_logits().map_err(|e| e.to_string())?);
        if is_prefix {
            self.after_prefix = Some(lp.clone());
        }
        Ok(lp)
    }
}

/// The part of a feed the decoder must still run: feeding the cached prompt again only needs
/// its last token, for the logits that follow it.
fn still_to_decode<'t>(tokens: &'t [TokenId], n_past: usize, cached: &[TokenId]) -> (&'t [TokenId], usize) {
    if n_past == 0 && !tokens.is_empty() && tokens == cached {
        (&tokens[tokens.len() - 1..], tokens.len() - 1)
    } else {
        (tokens, n_past)
    }
}

/// What the logits filter keeps of `whisper_full`'s first step, passed through whisper.cpp as
/// a raw pointer.
struct FirstStep {
    eot: i32,
    n_vocab: usize,
    /// Row of the prompt's last token in the state's logits.
    row: usize,
    /// The raw logits after the prompt, before any filtering.
    logits: Vec<f32>,
}

/// Ends `whisper_full`'s own decoding at its first step, keeping the logits after the prompt:
/// it is run only to encode the audio and read the prompt.
unsafe extern "C" fn end_at_once(
    _ctx: *mut whisper_rs::whisper_rs_sys::whisper_context,
    state: *mut whisper_rs::whisper_rs_sys::whisper_state,
    _tokens: *const whisper_rs::whisper_rs_sys::whisper_token_data,
    _n_tokens: std::ffi::c_int,
    logits: *mut f32,
    user_data: *mut c_void,
) {
    if user_data.is_null() || logits.is_null() || state.is_null() {
        return;
    }
    // SAFETY: whisper.cpp passes back the FirstStep we registered for this call to `full`, and
    // a logits row of the vocabulary's size to filter. The state's own logits hold one row per
    // prompt token, the prompt being exactly the one whose last row `row` names.
    let first = unsafe { &mut *(user_data as *mut FirstStep) };
    let raw = unsafe { whisper_rs::whisper_rs_sys::whisper_get_logits_from_state(state) };
    if !raw.is_null() && first.logits.is_empty() {
        first.logits =
            unsafe { std::slice::from_raw_parts(raw.add(first.row * first.n_vocab), first.n_vocab) }.to_vec();
    }
    let row = unsafe { std::slice::from_raw_parts_mut(logits, first.n_vocab) };
    for (i, l) in row.iter_mut().enumerate() {
        *l = if i as i32 == first.eot { 0.0 } else { f32::NEG_INFINITY };
    }
}

/// Log-probabilities from logits.
fn log_softmax(logits: &[f32]) -> Vec<f32> {
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let lse = max + logits.iter().map(|l| (l - max).exp()).sum::<f32>().ln();
    logits.iter().map(|l| l - lse).collect()
}

impl Engine {
    /// Loads a ggml model; whisper.cpp may use `threads` CPU threads, as many as this process
    /// has cores for (see [`crate::cpu::usable_threads`]).
    pub fn load(path: &Path, threads: usize) -> Result<Engine> {
        whisper_rs::install_logging_hooks();
        let load_err = |detail: String| SpeechError::ModelLoad { path: path.to_owned(), detail };
        if !path.is_file() {
            return Err(load_err("the file does not exist".into()));
        }
        let mut params = WhisperContextParameters::default();
        params.use_gpu(false);
        let ctx = WhisperContext::new_with_params(path, params).map_err(|e| {
            // whisper.cpp only says it failed; the validator says why (not a model, cut short …).
            load_err(shiliu_model::ggml::validate(path).err().map_or_else(|| e.to_string(), |why| why.to_string()))
        })?;
        if !ctx.is_multilingual() {
            return Err(load_err("it is an English-only model; Shiliu needs a multilingual one".into()));
        }
        let eot = ctx.token_eot();
        let tokens: Vec<Vec<u8>> =
            (0..eot).map(|t| ctx.token_to_bytes(t).map(<[u8]>::to_vec).unwrap_or_default()).collect();
        let lang = whisper_rs::get_lang_id("zh").ok_or_else(|| load_err("the model has no Chinese".into()))?;
        let mut forcing_prefix = vec![ctx.token_prev()];
        forcing_prefix.extend(ctx.tokenize(GENERIC_PROMPT, 64).map_err(|e| load_err(e.to_string()))?);
        forcing_prefix.extend([ctx.token_sot(), ctx.token_lang(lang), ctx.token_transcribe(), ctx.token_not()]);
        let spare_state = Spare::new();
        spare_state.drop_when_idle(give_back_freed_memory);
        Ok(Engine {
            ctx,
            threads: crate::cpu::usable_threads(threads),
            vocab: VocabIndex::new(tokens),
            forcing_prefix,
            spare_state,
            warming: AtomicBool::new(false),
        })
    }

    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Runs one short recognition on a made-up voice, so that the first real clip finds a
    /// decoding state ready and its buffers touched (about 250 ms of work on two cores). Call
    /// it off the UI thread before a clip is due: when a recording starts (the spare state is
    /// given up when idle), or after loading for a one-off run. Does nothing when a spare state
    /// is already waiting or another warm-up is making one.
    pub fn warm_up(&self) {
        if self.is_warm() || self.warming.swap(true, Ordering::AcqRel) {
            return;
        }
        let request = ForcingRequest {
            positions: vec![ForcedChar { ch: '你', groups: vec![vec!['你', '泥']], others: Vec::new() }],
            choices: Vec::new(),
        };
        // A failed warm-up only means the first clip makes its own state.
        let _ = self.recognise(&warm_up_voice(), &request);
        self.warming.store(false, Ordering::Release);
    }

    /// Whether a decoding state is ready for the next clip (see [`Engine::warm_up`]).
    pub fn is_warm(&self) -> bool {
        self.spare_state.is_kept()
    }

    /// Transcribes 16 kHz mono audio (at most 30 s) as Mandarin.
    pub fn transcribe(&self, samples: &[f32]) -> Result<Transcript> {
        Ok(self.recognise(samples, &ForcingRequest::default())?.transcript)
    }

    /// Recognises a clip once and then, on the same encoded audio, walks the decoder along the
    /// expected characters and the forced-choice texts.
    pub fn recognise(&self, samples: &[f32], request: &ForcingRequest) -> Result<Recognition> {
        let secs = samples.len() as f32 / shiliu_audio::SAMPLE_RATE as f32;
        let budget = match request.positions.len() {
            0 => max_tokens_for(secs),
            chars => max_tokens_when_expecting(secs, chars),
        };
        let started = Instant::now();
        let (mut state, after_prompt) = self.encode(samples)?;
        let encoded = started.elapsed();

        let walk_started = Instant::now();
        let mut positions = Vec::with_capacity(request.positions.len());
        for p in &request.positions {
            let tokens =
                self.ctx.tokenize(&p.ch.to_string(), 8).map_err(|e| SpeechError::Recognition(e.to_string()))?;
            positions.push(Position { ch: p.ch, tokens, groups: p.groups.clone(), others: p.others.clone() });
        }
        // The encoding pass read exactly `forcing_prefix` as its prompt (the same prompt text and
        // task tokens), so its cache entries and the logits after it are reused.
        let mut model = StateModel {
            state: &mut state,
            threads: self.threads,
            cached_prefix: &self.forcing_prefix,
            after_prefix: after_prompt.as_deref().map(log_softmax),
        };
        let rules = greedy::Rules { eot: self.ctx.token_eot(), blank: self.vocab.exact(b" "), budget };
        let mut known = KnownPath::default();
        let walk = if positions.is_empty() {
            forcing::Walk { positions: Vec::new(), end_after_lp: 0.0 }
        } else {
            known.tokens = positions.iter().flat_map(|p| p.tokens.iter().copied()).collect();
            let choices = &mut known.choices;
            let mut along = |lp: &[f32]| choices.push(greedy::choose(lp, &rules, choices.len()));
            forcing::force(&mut model, &self.vocab, &self.forcing_prefix, &positions, &mut along)
                .map_err(SpeechError::Recognition)?
        };
        let walked = walk_started.elapsed();

        let decode_started = Instant::now();
        let after_prefix = model.feed(&self.forcing_prefix, 0).map_err(SpeechError::Recognition)?;
        if known.choices.is_empty() {
            known.choices.push(greedy::choose(&after_prefix, &rules, 0));
        }
        let no_speech_prob = after_prefix.get(self.ctx.token_nosp() as usize).map_or(0.0, |l| l.exp());
        let decoded = greedy::decode(&mut model, &rules, self.forcing_prefix.len(), &known, no_speech_prob)
            .map_err(SpeechError::Recognition)?;
        let raw: Vec<u8> = decoded.tokens.iter().flat_map(|&t| self.vocab.token_bytes(t).iter().copied()).collect();
        let raw = String::from_utf8_lossy(&raw);
        let transcript = Transcript {
            text: without_prompt_echo(collapse_repetitions(&normalize(&raw))),
            raw_text: raw.trim().to_owned(),
            audio_secs: secs,
            elapsed: encoded + decode_started.elapsed(),
            repetition_stopped: decoded.loop_stopped,
        };

        let choices_started = Instant::now();
        let mut choices = Vec::with_capacity(request.choices.len());
        for text in &request.choices {
            let tokens = self.ctx.tokenize(text, 128).map_err(|e| SpeechError::Recognition(e.to_string()))?;
            let lp =
                forcing::sequence_lp(&mut model, &self.forcing_prefix, &tokens).map_err(SpeechError::Recognition)?;
            choices.push((text.clone(), lp));
        }
        self.spare_state.keep(state);
        Ok(Recognition {
            recognise: transcript.elapsed,
            forcing: walked + choices_started.elapsed(),
            transcript,
            positions: walk.positions,
            end_after_lp: walk.end_after_lp,
            choices,
        })
    }

    /// Time to encode a clip alone and read the prompt (for benchmarks).
    pub fn encode_only(&self, samples: &[f32]) -> Result<Duration> {
        let started = Instant::now();
        let (state, _) = self.encode(samples)?;
        let elapsed = started.elapsed();
        self.spare_state.keep(state);
        Ok(elapsed)
    }

    /// The spare decoding state, or a new one when another clip is using it.
    fn state(&self) -> Result<whisper_rs::WhisperState> {
        match self.spare_state.take() {
            Some(state) => Ok(state),
            None => self.ctx.create_state().map_err(|e| SpeechError::Recognition(e.to_string())),
        }
    }

    /// Encodes a clip and reads the prompt: `whisper_full` ended at its first step. Returns the
    /// state, its decoder cache holding the prompt, and the raw logits after the prompt.
    fn encode(&self, samples: &[f32]) -> Result<(whisper_rs::WhisperState, Option<Vec<f32>>)> {
        if samples.is_empty() {
            return Err(SpeechError::EmptyAudio);
        }
        let secs = samples.len() as f32 / shiliu_audio::SAMPLE_RATE as f32;
        let mut state = self.state()?;
        let n_vocab = self.ctx.n_vocab() as usize;
        let mut first =
            FirstStep { eot: self.ctx.token_eot(), n_vocab, row: self.forcing_prefix.len() - 1, logits: Vec::new() };

        let mut params = FullParams::new(SamplingStrategy::Greedy { best_of: 1 });
        params.set_language(Some("zh"));
        params.set_initial_prompt(GENERIC_PROMPT);
        params.set_translate(false);
        params.set_n_threads(self.threads as i32);
        params.set_audio_ctx(audio_ctx_for(secs) as i32);
        // The filter ends decoding at once; the budget is a second bound.
        params.set_max_tokens(1);
        params.set_single_segment(true);
        params.set_no_context(true);
        params.set_no_timestamps(true);
        params.set_temperature(0.0);
        params.set_temperature_inc(0.0);
        params.set_print_progress(false);
        params.set_print_realtime(false);
        params.set_print_special(false);
        params.set_print_timestamps(false);
        // SAFETY: `first` outlives the `full` call below, which is the only user of the pointer.
        unsafe {
            params.set_filter_logits_callback(Some(end_at_once));
            params.set_filter_logits_callback_user_data(&mut first as *mut FirstStep as *mut c_void);
        }
        state.full(params, samples).map_err(|e| SpeechError::Recognition(e.to_string()))?;
        let logits = (first.logits.len() == n_vocab).then_some(first.logits);
        Ok((state, logits))
    }
}

/// Half a second of a quiet vowel-like buzz (a 180 Hz voice with a few harmonics) between
/// short silences: enough for the encoder and decoder to run every graph a clip needs.
fn warm_up_voice() -> Vec<f32> {
    let rate = shiliu_audio::SAMPLE_RATE as usize;
    let silence = vec![0.0f32; rate / 5];
    let voice = (0..rate / 2).map(|i| {
        let t = i as f32 / rate as f32;
        (1..=4).map(|h| 0.05 / h as f32 * (std::f32::consts::TAU * 180.0 * h as f32 * t).sin()).sum::<f32>()
    });
    silence.iter().copied().chain(voice).chain(silence.iter().copied()).collect()
}

/// The recogniser sometimes writes out its own prompt instead of the speech, mostly for a
/// syllable that starts like it (一二三四五 as 以下是普, 一共 as 以下是普通话的句子, through a
/// noisy or narrow-band channel). That is no transcript of what was said: nothing heard.
/// Four characters of the prompt in a row are no way a reading begins.
fn without_prompt_echo(text: String) -> String {
    const ECHO_CHARS: usize = 4;
    let echo: String = GENERIC_PROMPT.chars().take(ECHO_CHARS).collect();
    if text.starts_with(&echo) { String::new() } else { text }
}

/// A clip's working memory (the padded 30-s mel, resampled and cleaned audio, results) is freed
/// after each clip, but glibc keeps freed heap for reuse, so a classroom PC would carry the peak
/// for the rest of the lesson. Returning it costs well under a millisecond. (The one decoding
/// state kept for the next clip is the exception, while clips keep coming; see [`Spare`].)
pub(crate) fn give_back_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free heap pages; it touches no live allocation.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prompt_written_out_instead_of_the_speech_is_nothing_heard() {
        assert_eq!(without_prompt_echo("以下是普通话的句子".into()), "");
        assert_eq!(without_prompt_echo("以下是普".into()), "");
        // A reading that only shares the prompt's first words, or its words elsewhere, stays.
        assert_eq!(without_prompt_echo("以下是我的家".into()), "以下是我的家");
        assert_eq!(without_prompt_echo("我会说普通话".into()), "我会说普通话");
    }

    #[test]
    fn the_encoder_context_grows_with_the_clip_and_is_capped() {
        assert_eq!(audio_ctx_for(1.0), 128);
        assert_eq!(audio_ctx_for(3.0), 224);
        assert_eq!(audio_ctx_for(30.0), 1500);
        assert_eq!(audio_ctx_for(60.0), 1500);
        assert_eq!(audio_ctx_for(3.0) % 32, 0);
    }

    #[test]
    fn a_feed_of_the_cached_prompt_decodes_only_its_last_token() {
        let prompt = [50361, 220, 50258, 50260];
        assert_eq!(still_to_decode(&prompt, 0, &prompt), (&prompt[3..], 3));
        // Anything else is decoded in full where it was asked for.
        assert_eq!(still_to_decode(&prompt[..3], 0, &prompt), (&prompt[..3], 0));
        assert_eq!(still_to_decode(&[7, 8], 4, &prompt), (&[7, 8][..], 4));
        assert_eq!(still_to_decode(&prompt, 0, &[]), (&prompt[..], 0));
    }

    #[test]
    fn scoring_caps_the_budget_at_three_tokens_a_character() {
        assert_eq!(max_tokens_when_expecting(2.0, 2), 12);
        // 32 characters in 9.6 s: room for every one spelled in three byte tokens.
        assert_eq!(max_tokens_when_expecting(9.6, 32), 102);
        assert_eq!(max_tokens_when_expecting(1.0, 40), max_tokens_for(1.0));
    }

    #[test]
    fn the_token_budget_is_bounded_both_ways() {
        assert_eq!(max_tokens_for(0.2), 16);
        assert!(max_tokens_for(2.0) >= 30);
        assert_eq!(max_tokens_for(60.0), 220);
    }
}
