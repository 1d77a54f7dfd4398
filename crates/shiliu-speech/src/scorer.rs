//! The pronunciation scorer: one recording and one target in, a full judgement out.
//!
//! Order of work: check the recording's quality; trim silence; one Whisper pass gives the free
//! transcript and, on the same encoded audio, teacher-forced evidence for every expected
//! syllable against its confusable neighbours; the pitch track gives timing and tones; pure
//! functions combine it all (`verdict`, `summary`).

use std::time::Instant;

use shiliu_audio::quality::{self, QualityReport};
use shiliu_pinyin::{Tone, target_contour};
use shiliu_prosody::{ProsodyAnalysis, ReferenceSource, SpeakerProfile};

use crate::align::{AlignOp, Alignment};
use crate::candidates::{Candidate, candidates_for, char_groups, inventory_groups, segments, strongest_unrelated};
use crate::engine::{Engine, ForcedChar, ForcingRequest, Recognition};
use crate::error::{Result, SpeechError};
use crate::expected::{Contrast, Expected};
use crate::forcing::PositionEvidence;
use crate::result::{ForcedChoice, ScoreResult, SyllableDiagnostics, SyllableResult, Timings, Verdict};
use crate::summary::{self, Judged};
use crate::verdict::{
    DEFECT_BAND, ERROR_CEILING, Judgement, MAX_SYLLABLES_FOR_BREAKS, SegmentEvidence, ToneEvidence, heard_after,
    heard_as_another, judge, next_heard_here, repeat_not_said, too_short_for, unbroken_by_initial,
    where_the_recording_ended,
};

mod choice;
mod onsets;
mod reading;
mod restart;
mod unscored;
use onsets::Onsets;
use reading::transcript_alignment;
use unscored::{unscored, wrong_text};

/// What to score a recording against.
#[derive(Debug, Clone, Default)]
pub struct ScoreRequest {
    /// The target in hanzi (or pinyin when there are no characters).
    pub text: String,
    /// The lesson's pinyin, overriding the dictionary (tone digits, citation tones).
    pub pinyin: Option<String>,
    /// Confusable items to choose between (老鼠 for 老师, or 东西 read dong1 xi1 for dong1
    /// xi5): a forced choice is reported.
    pub contrasts: Vec<Contrast>,
    /// The student's profile from earlier attempts (pitch range, flat and retroflex hisses).
    pub speaker: Option<SpeakerProfile>,
    /// Include the raw evidence per syllable in the result.
    pub diagnostics: bool,
}

pub struct Scorer {
    engine: Engine,
}

/// Builds now what the first attempt would otherwise build on its way (the word segmenter and
/// word lists, the candidate index, the tone model: about 120 ms), so the first student after
/// start-up waits no longer than the next.
fn warm_up() {
    shiliu_prosody::prepare();
    if let Ok(expected) = Expected::new("你好", None) {
        for s in &expected.syllables {
            let _ = candidates_for(&s.syllable());
            let _ = s.forced.chars().next().map(inventory_groups);
        }
    }
}

/// Keep this much audio either side of the detected speech.
const TRIM_MARGIN_MS: u32 = 200;

impl Scorer {
    pub fn new(engine: Engine) -> Scorer {
        warm_up();
        Scorer { engine }
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Scores 16 kHz mono samples against the request.
    pub fn score(&self, samples: &[f32], request: &ScoreRequest) -> Result<ScoreResult> {
        let result = self.score_once(samples, request, restart::MAX_RESTARTS);
        crate::engine::give_back_freed_memory();
        result
    }

    /// The answer for a recording whose file could not be read as audio: nothing is scored,
    /// and the `unreadable` flag and its tip say why (for callers that always want a result,
    /// such as `shiliu score --json`).
    pub fn unreadable(request: &ScoreRequest) -> Result<ScoreResult> {
        let expected =
            Expected::new(&request.text, request.pinyin.as_deref()).map_err(|e| SpeechError::Target(e.to_string()))?;
        Ok(unscored::unreadable(&expected))
    }

    /// One scoring pass; a recording that holds several attempts is scored again for its last
    /// one, up to `restarts_left` times (see [`restart`]).
    fn score_once(&self, samples: &[f32], request: &ScoreRequest, restarts_left: usize) -> Result<ScoreResult> {
        let started = Instant::now();
        let expected =
            Expected::new(&request.text, request.pinyin.as_deref()).map_err(|e| SpeechError::Target(e.to_string()))?;
        let contrast_readings =
            expected.check_contrasts(&request.contrasts).map_err(|e| SpeechError::Target(e.to_string()))?;
        // A sound card's DC offset and mains hum are no sound: the recogniser and the pitch get
        // the audio without them.
        let (report, cleaned) = quality::assess_and_clean(samples);
        if report.flags.iter().any(|f| f.prevents_scoring()) {
            return Ok(unscored(&expected, &report, started));
        }
        let samples = &cleaned;
        let mut audio = quality::trim(samples, &report, TRIM_MARGIN_MS);
        quality::normalise_gain(&mut audio);
        // Other children talking around a lone syllable: hear only the student's own voice.
        if expected.syllables.len() == 1 {
            shiliu_prosody::silence_other_voices(&mut audio);
        }
        let offset_ms = report.speech_span.map_or(0, |(a, _)| a.saturating_sub(TRIM_MARGIN_MS));

        let candidates: Vec<Vec<Candidate>> =
            expected.syllables.iter().map(|s| candidates_for(&s.syllable())).collect();
        let mut forcing = ForcingRequest::default();
        let mut position_of = Vec::with_capacity(expected.syllables.len());
        for (s, cands) in expected.syllables.iter().zip(&candidates) {
            position_of.push(forcing.positions.len());
            for (k, ch) in s.forced.chars().enumerate() {
                let groups = if k == 0 { char_groups(ch, cands) } else { vec![vec![ch]] };
                // A lone syllable is also weighed against every other syllable (see `verdict`).
                let others = if k == 0 && expected.syllables.len() == 1 { inventory_groups(ch) } else { Vec::new() };
                forcing.positions.push(ForcedChar { ch, groups, others });
            }
        }
        if !request.contrasts.is_empty() {
            forcing.choices = std::iter::once(expected.chars.iter().collect::<String>())
                .chain(request.contrasts.iter().map(|c| fast2s::convert(&c.text)))
                .collect();
        }
        let recognition = self.engine.recognise(&audio, &forcing)?;
        let surfaces: Vec<_> = expected.syllables.iter().map(|s| s.surface.clone()).collect();
        let speaker = usable_profile(request.speaker);
        // No voice found, or only a steady machine tone (a beep or hum the recogniser would
        // happily "hear" words in): nothing was said, or nothing could be heard through the
        // noise, if the recording was noisy.
        let prosody = match shiliu_prosody::analyse(&audio, &surfaces, speaker.as_ref(), None) {
            Ok(p) if !p.steady_tone => p,
            _ => {
                use shiliu_audio::QualityFlag::{NoSpeech, Noisy};
                let flags = if report.flags.contains(&Noisy) { vec![NoSpeech, Noisy] } else { vec![NoSpeech] };
                return Ok(unscored(&expected, &QualityReport { flags, ..report }, started));
            }
        };
        let onsets = Onsets::measure(&expected, &audio, &prosody, &report);
        let transcribed = reading::transcribed_syllables(&recognition);
        let alignment = transcript_alignment(&expected, transcribed.as_deref());
        let recognised = Recognised {
            recognition: &recognition,
            position_of: &position_of,
            alignment: &alignment,
            transcribed: transcribed.as_deref().unwrap_or_default(),
        };
        let speech_ms = report.speech_span.map_or(0, |(start, end)| end.saturating_sub(start));
        let not_the_target = reading::not_the_target(&expected, &recognised, speech_ms);
        let (mut result, said_there) = match not_the_target {
            Some(why) => (wrong_text(&expected, why, report, &recognition, prosody.analysis_ms, started), Vec::new()),
            None => combine(&expected, &candidates, &recognised, &prosody, &onsets, &report, offset_ms, started),
        };
        result.forced_choice = forced_choice(&expected, &contrast_readings, &recognition, &said_there);
        if request.diagnostics {
            result.diagnostics = Some(diagnostics(&expected, &candidates, &recognised, &prosody, &onsets));
        }
        let Some(at) = restart::last_attempt_at(&expected, &recognition.transcript.text, &prosody, restarts_left)
        else {
            result.elapsed_ms = started.elapsed().as_secs_f32() * 1000.0;
            return Ok(result);
        };
        let last = self.score_once(&restart::silenced_before(samples, offset_ms + at), request, restarts_left - 1)?;
        Ok(restart::better(result, last, started))
    }
}

/// The stored profile, unless it is damaged: then the student is scored as a new speaker (and
/// the profile this attempt returns replaces it) rather than not at all.
fn usable_profile(profile: Option<SpeakerProfile>) -> Option<SpeakerProfile> {
    profile.filter(|p| p.validate().is_ok())
}

/// What the recogniser made of one recording: its evidence, where each expected syllable's
/// first character sits in it, and the free transcript's syllables (none if it is not Chinese)
/// lined up with the target.
struct Recognised<'a> {
    recognition: &'a Recognition,
    position_of: &'a [usize],
    alignment: &'a Alignment,
    transcribed: &'a [shiliu_pinyin::Syllable],
}

/// The verdicts, scores and tip of a reading of the target, and what each syllable says about
/// what was said there (for the forced choice).
#[allow(clippy::too_many_arguments)]
fn combine(
    expected: &Expected,
    candidates: &[Vec<Candidate>],
    recognised: &Recognised,
    prosody: &ProsodyAnalysis,
    onsets: &Onsets,
    report: &QualityReport,
    offset_ms: u32,
    started: Instant,
) -> (ScoreResult, Vec<choice::SaidThere>) {
    let Recognised { recognition, position_of, alignment, transcribed } = *recognised;
    let surfaces: Vec<_> = expected.syllables.iter().map(|s| s.surface.clone()).collect();
    let target = target_contour(&surfaces);
    let connected = expected.syllables.len() > 1;
    let speech_ms = match (prosody.syllables.first(), prosody.syllables.last()) {
        (Some(first), Some(last)) => last.end_ms.saturating_sub(first.start_ms),
        _ => 0,
    };
    let too_short_for_all = too_short_for(expected.syllables.len(), speech_ms);
    let noisy = report.flags.contains(&shiliu_audio::QualityFlag::Noisy);
    let missing = PositionEvidence {
        target_lp: f32::NEG_INFINITY,
        group_lp: vec![f32::NEG_INFINITY],
        other_lp: Vec::new(),
        top: None,
        end_lp: f32::NEG_INFINITY,
    };
    let forced_at: Vec<&PositionEvidence> =
        position_of.iter().map(|&p| recognition.positions.get(p).unwrap_or(&missing)).collect();
    let syllables: Vec<_> = expected.syllables.iter().map(|s| s.syllable()).collect();
    let last = syllables.len().saturating_sub(1);
    // A reverberant room's echo fills the quiet consonant between two syllables.
    let dip_before_last = prosody.syllables.get(last).and_then(|p| p.dip_before_db).filter(|_| !prosody.reverberant);
    let repeat_unsaid = connected && repeat_not_said(&syllables, dip_before_last, forced_at[last]);
    let ended_at = if connected { where_the_recording_ended(&forced_at) } else { None };
    let ended_at = ended_at.filter(|&k| !heard_after(&alignment.ops, &syllables, k));
    let ended_at = ended_at.or(repeat_unsaid.then_some(last));

    // Hisses and ü vowels are judged against the speaker's own from earlier attempts, and this
    // attempt's are kept for next time.
    let mut speaker = prosody.speaker;
    let sounded = onsets.against(speaker.as_ref());

    let mut evidence: Vec<(SegmentEvidence, ToneEvidence)> = Vec::with_capacity(syllables.len());
    for (k, &syl) in syllables.iter().enumerate() {
        let forced = forced_at[k];
        let pros = &prosody.syllables[k];
        let tone_ev = ToneEvidence {
            expected: syl.tone,
            heard: pros.tone.heard,
            probs: pros.tone.probs,
            fit: pros.tone_score,
            connected,
            register_known: prosody.reference.source != ReferenceSource::Population,
            reverberant: prosody.reverberant,
        };
        let unrelated = strongest_unrelated(&syl, &forced.other_lp);
        let segs = SegmentEvidence {
            candidates: &candidates[k],
            forced,
            aligned: alignment.ops[k],
            alone: !connected,
            release: onsets.releases[k],
            hiss_sounded: sounded.hisses[k],
            vowel_sounded: sounded.vowels[k],
            too_short_for_all,
            after_the_end: ended_at.is_some_and(|e| k >= e),
            voice_never_stopped: false,
            after_one_heard_as_another: k > 0 && heard_as_another(alignment.ops[k - 1], forced_at[k - 1]),
            next_heard_here: next_heard_here(forced, &syl, syllables.get(k + 1)),
            unrelated,
            unrelated_transcribed: transcribed.len() > syllables.len()
                && unrelated.is_some_and(|(h, _)| transcribed.iter().any(|t| t.same_segments(&h))),
            noisy,
        };
        evidence.push((segs, tone_ev));
    }
    let mut judgements: Vec<Judgement> =
        syllables.iter().zip(&evidence).map(|(syl, (segs, tone))| judge(syl, segs, tone)).collect();
    // A short item read with nothing found wrong, whose voice never stopped where a syllable's
    // voiceless initial should have stopped it: that syllable was most likely not said. (Noise
    // and a room's echo fill the gaps in the voice, so they are left alone.)
    let checked_for_breaks = connected && syllables.len() <= MAX_SYLLABLES_FOR_BREAKS && !noisy && !prosody.reverberant;
    if checked_for_breaks && judgements.iter().all(|j| j.verdict != Verdict::Error) {
        let starts: Vec<u32> = prosody.syllables.iter().map(|p| p.start_ms).collect();
        for k in unbroken_by_initial(&syllables, &starts, &prosody.voice_breaks) {
            evidence[k].0.voice_never_stopped = true;
            judgements[k] = judge(&syllables[k], &evidence[k].0, &evidence[k].1);
        }
    }

    let mut results = Vec::with_capacity(expected.syllables.len());
    let mut parts = Vec::with_capacity(expected.syllables.len());
    let mut said_there = Vec::with_capacity(expected.syllables.len());
    for (k, (s, j)) in expected.syllables.iter().zip(judgements).enumerate() {
        let syl = s.syllable();
        let forced = forced_at[k];
        let pros = &prosody.syllables[k];
        if let Some(p) = speaker.as_mut() {
            onsets.record(k, &j, &sounded, p);
        }
        said_there.push(choice::SaidThere {
            heard: j.heard.as_ref().map(segments),
            tone_probs: pros.tone.heard.map(|_| pros.tone.probs_with_neutral()),
            tone_ok: j.tone_ok,
            sounds: candidates[k].iter().map(|c| segments(&c.syllable)).zip(forced.group_lp.iter().copied()).collect(),
        });
        let tone_heard = pros.tone.heard.map(Tone::number);
        let tone_judged = if j.tone_ok { syl.tone } else { pros.tone.heard.unwrap_or(syl.tone) };
        let heard = j.heard.map(|h| h.with_tone(tone_judged).to_numbered());
        let (start, end) = (pros.start_ms + offset_ms, pros.end_ms + offset_ms);
        let span = (end - start) as f32;
        let target_pitch =
            target.iter().filter(|p| p.syllable_index == k).map(|p| [start as f32 + p.t * span, p.semitones]).collect();
        let pitch = pros.contour.iter().map(|[ms, st]| [ms + offset_ms as f32, *st]).collect();
        let tone_weight = if syl.tone == Tone::Neutral { 0.15 } else { 0.4 };
        let mut score = match j.tone_score {
            Some(tone) => (1.0 - tone_weight) * j.segment_score + tone_weight * tone,
            None => j.segment_score,
        };
        score = match j.verdict {
            Verdict::Error => score.min(ERROR_CEILING),
            Verdict::Defect => score.clamp(DEFECT_BAND.0, DEFECT_BAND.1),
            Verdict::Ok => score,
        };
        results.push(SyllableResult {
            hanzi: s.hanzi.clone(),
            expected: syl.to_numbered(),
            citation: s.surface.citation.to_numbered(),
            heard,
            initial_ok: j.initial_ok,
            final_ok: j.final_ok,
            tone_ok: j.tone_ok,
            tone_expected: syl.tone.number(),
            tone_heard,
            verdict: j.verdict,
            score: round1(score),
            start_ms: start,
            end_ms: end,
            pitch,
            target_pitch,
            problem: j.problem,
        });
        parts.push((j.segment_score, j.tone_score));
    }
    let judged: Vec<Judged> = expected
        .syllables
        .iter()
        .zip(&results)
        .zip(&parts)
        .map(|((e, r), (seg, tone))| Judged { expected: e, result: r, segment_score: *seg, tone_score: *tone })
        .collect();
    let pauses_ms: Vec<u32> = prosody.pauses.iter().map(|(start, end)| end - start).collect();
    let phrase_breaks = expected.syllables.last().map_or(0, |s| s.surface.phrase);
    let fluency = summary::fluency_score(
        expected.task,
        prosody.fluency.syllables_per_second,
        &pauses_ms,
        results.len(),
        phrase_breaks,
    );
    let scores = summary::scores(&judged, fluency);
    let psc = summary::psc(expected.task, &results, fluency);
    let tip = summary::tip(&results);
    let result = ScoreResult {
        text: expected.text.clone(),
        task: expected.task,
        overall: round1(scores.overall),
        accuracy: round1(scores.accuracy),
        completeness: round1(scores.completeness),
        fluency: round1(scores.fluency),
        tone: round1(scores.tone),
        quality: report.flags.clone(),
        elapsed_ms: started.elapsed().as_secs_f32() * 1000.0,
        syllables: results,
        transcript: summary::as_reported(&recognition.transcript.text, expected.syllables.len()).to_owned(),
        psc,
        tip,
        forced_choice: None,
        syllables_per_second: prosody.fluency.syllables_per_second,
        pause_count: prosody.fluency.pause_count,
        speaker,
        timings: Timings {
            recognise_ms: recognition.recognise.as_secs_f32() * 1000.0,
            forcing_ms: recognition.forcing.as_secs_f32() * 1000.0,
            pitch_ms: prosody.analysis_ms,
        },
        diagnostics: None,
    };
    (result, said_there)
}

/// The forced choice among the target and its contrasts, when there are any: the
/// recognition's `choices` hold each text (the target first) with the recogniser's
/// log-likelihood of it, `contrast_readings` each contrast's syllables; `said_there` is the
/// evidence at each of the target's syllables (none when the recording was no reading of the
/// target).
fn forced_choice(
    expected: &Expected,
    contrast_readings: &[Vec<shiliu_pinyin::Syllable>],
    recognition: &Recognition,
    said_there: &[choice::SaidThere],
) -> Option<ForcedChoice> {
    let target: Vec<_> = expected.syllables.iter().map(|s| s.syllable()).collect();
    let readings = std::iter::once(&target).chain(contrast_readings);
    let options: Vec<choice::Choice> = recognition
        .choices
        .iter()
        .zip(readings)
        .map(|((text, lp), syllables)| choice::Choice { text, lp: *lp, syllables: syllables.clone() })
        .collect();
    // As reported: a transcript the recogniser looped on (四十四十) counts once.
    let heard = summary::as_reported(&recognition.transcript.text, target.len());
    choice::forced_choice(&target, &options, said_there, heard)
}

fn diagnostics(
    expected: &Expected,
    candidates: &[Vec<Candidate>],
    recognised: &Recognised,
    prosody: &ProsodyAnalysis,
    onsets: &Onsets,
) -> Vec<SyllableDiagnostics> {
    let Recognised { recognition, position_of, alignment, .. } = *recognised;
    (0..expected.syllables.len())
        .map(|k| {
            let ev = recognition.positions.get(position_of[k]);
            let groups: Vec<(String, f32)> = ev.map_or_else(Vec::new, |e| {
                e.group_lp.iter().zip(&candidates[k]).map(|(lp, c)| (c.syllable.to_numbered(), *lp)).collect()
            });
            SyllableDiagnostics {
                target_lp: groups.first().map_or(f32::NEG_INFINITY, |g| g.1),
                best_alternative: groups.iter().skip(1).max_by(|a, b| a.1.total_cmp(&b.1)).cloned(),
                groups,
                transcript: match alignment.ops[k] {
                    AlignOp::Match(_) => "match".into(),
                    AlignOp::Substituted(h) => format!("substituted:{}", h.to_numbered()),
                    AlignOp::Omitted => "omitted".into(),
                },
                tone_probs: prosody.syllables[k].tone.probs,
                tone_fit: prosody.syllables[k].tone_score,
                release_noise_ms: onsets.releases[k].map(|r| r.noise_ms()),
                hiss_low_share: onsets.hisses[k].map(|(_, share)| share),
                vowel_brightness: onsets.vowels[k].map(|(_, m)| m.brightness[0]),
                end_lp: ev.map(|e| e.end_lp),
                dip_before_db: prosody.syllables[k].dip_before_db,
                top: ev.and_then(|e| e.top),
                strongest_unrelated: ev
                    .and_then(|e| strongest_unrelated(&expected.syllables[k].syllable(), &e.other_lp))
                    .map(|(s, lp)| (s.to_numbered(), lp)),
            }
        })
        .collect()
}

fn round1(x: f32) -> f32 {
    (x * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_cannot_be_read_is_answered_with_the_unreadable_flag_and_its_tip() {
        let r = Scorer::unreadable(&ScoreRequest { text: "老师".into(), ..ScoreRequest::default() }).unwrap();
        assert_eq!(r.quality, vec![shiliu_audio::QualityFlag::Unreadable]);
        assert_eq!(r.syllables.len(), 2);
        assert!(r.tip.zh.contains("打不开"), "{}", r.tip.zh);
    }

    #[test]
    fn silence_is_not_scored_as_speech() {
        let e = Expected::new("老师", None).unwrap();
        let r = unscored(&e, &quality::assess(&vec![0.0; 16_000]), Instant::now());
        assert_eq!(r.quality, vec![shiliu_audio::QualityFlag::NoSpeech]);
        assert!(r.syllables.iter().all(|s| s.verdict == Verdict::Error && s.heard.is_none()));
        assert_eq!(r.overall, 0.0);
        assert!(r.tip.zh.contains("没有听到"));
    }

    #[test]
    fn a_damaged_stored_profile_is_set_aside_instead_of_failing_every_attempt() {
        let good: SpeakerProfile =
            serde_json::from_str(r#"{"median_hz": 220.0, "low_hz": 180.0, "high_hz": 300.0, "n_frames": 500}"#)
                .unwrap();
        assert_eq!(usable_profile(Some(good)), Some(good), "a stored profile from before the hisses still loads");
        let damaged = SpeakerProfile { low_hz: 400.0, ..good };
        assert_eq!(usable_profile(Some(damaged)), None);
    }
}
