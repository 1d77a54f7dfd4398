//! `shiliu eval MANIFEST.tsv`: runs the scorer over a labelled corpus and prints the tables the
//! scorer's targets are judged by. Understands both manifest layouts in ../shared (see
//! [`manifest`]).

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use shiliu_paths::DataDir;
use shiliu_prosody::SpeakerProfile;
use shiliu_speech::ScoreRequest;
use shiliu_speech::result::{ProblemKind, ScoreResult, Verdict};

mod altered;
mod contrasts;
pub(crate) mod manifest;
use altered::{MISREAD, OMITTED, OTHER_TEXT, READ_ON, Texts};
use manifest::Row;

#[derive(Args)]
pub struct EvalArgs {
    manifest: PathBuf,
    #[arg(long, default_value_t = 2)]
    threads: usize,
    #[arg(long)]
    model: Option<PathBuf>,
    /// Pitch profiles: "progressive" builds each speaker's profile from their earlier clips, as
    /// the app does for a student; "none" scores every clip cold.
    #[arg(long, default_value = "progressive")]
    profile: String,
    /// Also write every result as JSON lines here.
    #[arg(long)]
    results: Option<PathBuf>,
    /// Only rows whose file path contains this.
    #[arg(long)]
    only: Option<String>,
    /// Score each correct clip against another clip's text of the same kind instead (a
    /// student reading the wrong line), to measure how often that is caught as `wrong_text`.
    #[arg(long)]
    other_texts: bool,
    /// Score each correct clip of two or more syllables against the first half of its own text
    /// instead (a student reading on past the target), to measure how often that is caught as
    /// `wrong_text`.
    #[arg(long, conflicts_with = "other_texts")]
    read_on: bool,
    /// Score each correct clip of two or more syllables against its own text with the middle
    /// character swapped for one of another syllable altogether (a student misreading one
    /// character), to measure how often that syllable is flagged.
    #[arg(long, conflicts_with_all = ["other_texts", "read_on"])]
    misread: bool,
    /// Score each correct clip against its own text with the middle syllable's tone changed
    /// (level for low, rising for falling, and back), where that changes no other syllable's
    /// sandhi: a tone error in a real voice, to measure how often it is flagged as one.
    #[arg(long, conflicts_with_all = ["other_texts", "read_on", "misread"])]
    wrong_tone: bool,
    /// Score each correct lone syllable against its character doubled, the second neutral (妈
    /// for 妈妈): a child saying a doubled word's syllable once, to measure how often the
    /// second is caught as not said.
    #[arg(long, conflicts_with_all = ["other_texts", "read_on", "misread", "wrong_tone"])]
    said_once: bool,
    /// Score each correct lone syllable against a two-syllable word of the corpus that shares
    /// no syllable with it (a student saying one syllable for a word), to measure how often
    /// that is caught as `wrong_text` rather than scored as a reading.
    #[arg(long, conflicts_with_all = ["other_texts", "read_on", "misread", "wrong_tone", "said_once"])]
    syllable_for_word: bool,
    /// Score each clip with contrasts to choose between, as a lesson's minimal pairs have
    /// them: a correct clip against its middle syllable in other tones and, separately, a
    /// confusable neighbouring sound; a labelled mispronunciation against the text it says. To
    /// measure how often the forced choice names what was said.
    #[arg(long, conflicts_with_all = ["other_texts", "read_on", "misread", "wrong_tone", "said_once", "syllable_for_word"])]
    contrasts: bool,
    /// Play every clip through a worse recording channel first, to measure how the scorer
    /// holds up: clean, noise (steady, 15 dB under the speech), phone (300-3400 Hz through
    /// 8 kHz), child (25 % higher and quicker), room (half a second of echo), hum (50 Hz mains
    /// and two multiples, 10 dB under the speech).
    #[arg(long, default_value = "clean")]
    channel: shiliu_audio::Channel,
}

/// What a target is, by its number of syllables.
pub(crate) fn kind_of(syllables: usize) -> &'static str {
    match syllables {
        1 => "syllable",
        2..=4 => "word",
        _ => "sentence",
    }
}

/// The speaker a clip belongs to: its file-name prefix (cw_, yt_, se_, …); the synthetic set is
/// one voice.
fn speaker_of(row: &Row) -> String {
    if row.label.is_some() {
        return "synthetic".into();
    }
    let name = row.file.rsplit('/').next().unwrap_or(&row.file);
    name.split('_').next().unwrap_or(name).to_string()
}

fn tone_digits(pinyin: &str) -> Vec<u8> {
    pinyin
        .split_whitespace()
        .filter_map(|s| s.chars().last()?.to_digit(10).map(|d| if d == 0 { 5 } else { d as u8 }))
        .collect()
}

/// Tones heard against tones said, one count per syllable: a row per tone said (1–4, neutral),
/// a column per tone heard (1–4, neutral) and one for a syllable whose pitch could not be judged.
#[derive(Default)]
struct ToneConfusion([[usize; 6]; 5]);

impl ToneConfusion {
    fn add(&mut self, said: u8, heard: Option<u8>) {
        if let 1..=5 = said {
            let column = heard.filter(|t| (1..=5).contains(t)).map_or(5, |t| t as usize - 1);
            self.0[said as usize - 1][column] += 1;
        }
    }

    /// Syllables heard with the tone said, and syllables whose tone was judged at all.
    fn agreement(&self) -> (usize, usize) {
        let right = (0..5).map(|t| self.0[t][t]).sum();
        let judged = self.0.iter().map(|row| row[..5].iter().sum::<usize>()).sum();
        (right, judged)
    }

    fn print(&self, title: &str) {
        let unjudged: usize = self.0.iter().map(|row| row[5]).sum();
        let (right, judged) = self.agreement();
        if judged + unjudged == 0 {
            return;
        }
        let not_judged = if unjudged > 0 { format!("; {unjudged} too faint to judge") } else { String::new() };
        println!("\n{title}: {:.1} % ({right}/{judged}){not_judged}", 100.0 * right as f32 / judged.max(1) as f32);
        println!("  said\\heard    1    2    3    4    5    ?");
        for (t, row) in self.0.iter().enumerate() {
            if row.iter().sum::<usize>() > 0 {
                println!("  tone {}    {}", t + 1, row.iter().map(|n| format!("{n:>4}")).collect::<Vec<_>>().join(" "));
            }
        }
    }
}

fn percentile(sorted: &[f32], p: f32) -> f32 {
    if sorted.is_empty() {
        return f32::NAN;
    }
    sorted[((sorted.len() - 1) as f32 * p).round() as usize]
}

fn peak_memory_mib() -> Option<f32> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    Some(line.split_whitespace().nth(1)?.parse::<f32>().ok()? / 1024.0)
}

pub fn run(args: EvalArgs, data: &DataDir) -> Result<()> {
    let manifest::Manifest { rows, unusable } = manifest::read(&args.manifest)?;
    let texts = Texts::chosen(&[
        (args.other_texts, Texts::Another),
        (args.read_on, Texts::FirstHalf),
        (args.misread, Texts::Misread),
        (args.wrong_tone, Texts::WrongTone),
        (args.said_once, Texts::Doubled),
        (args.syllable_for_word, Texts::WordForSyllable),
        (args.contrasts, Texts::Contrasted),
    ]);
    let rows = texts.alter(rows);
    let base = args.manifest.parent().map(PathBuf::from).unwrap_or_default();
    let scorer = super::score::load_scorer(args.model.clone(), args.threads, data)?;
    let threads = scorer.engine().threads();
    let progressive = args.profile == "progressive";
    let mut profiles: HashMap<String, SpeakerProfile> = HashMap::new();
    let mut out = args.results.as_ref().map(std::fs::File::create).transpose()?;

    // Tallies.
    let mut tone_confusion = ToneConfusion::default();
    // Full tones of correct words and sentences: heard against expected (after sandhi).
    let mut tones_in_context: BTreeMap<&'static str, ToneConfusion> = BTreeMap::new();
    let (mut err_total, mut err_flagged, mut err_kind_right) = (0usize, 0usize, 0usize);
    let mut by_type: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    let (mut clean_correct, mut clean_correct_error, mut clean_correct_defect) = (0usize, 0usize, 0usize);
    let mut correct_scores: BTreeMap<String, Vec<f32>> = BTreeMap::new();
    // Syllables of correct clean (or real) clips: how many were flagged, by kind — (n, defect, error).
    let mut false_alarms: BTreeMap<&'static str, (usize, usize, usize)> = BTreeMap::new();
    let mut latency_short: Vec<f32> = Vec::new();
    let mut latency_all: Vec<f32> = Vec::new();
    let mut flags: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    // Clips scored against another clip's text, the start of their own or their own with a
    // character misread, by kind: overall scores, and how many were flagged wrong_text.
    let mut not_the_target: BTreeMap<&'static str, (Vec<f32>, usize)> = BTreeMap::new();
    // Forced choices, by kind, what told the texts apart and whether the target was said:
    // (n, choices naming what was said).
    let mut choices: BTreeMap<(&'static str, &'static str, bool), (usize, usize)> = BTreeMap::new();

    // Rows whose file cannot be read, or whose target cannot be scored: named at the end
    // rather than ending the run (one bad row should not hide the measurements of the rest).
    let mut not_scored: Vec<(String, String)> = unusable;

    let started = std::time::Instant::now();
    for row in rows.iter().filter(|r| args.only.as_ref().is_none_or(|o| r.file.contains(o))) {
        let heard = shiliu_audio::wav::load_16k_mono(&base.join(&row.file)).and_then(|s| args.channel.apply(&s));
        let samples = match heard {
            Ok(samples) => samples,
            Err(e) => {
                not_scored.push((row.file.clone(), e.to_string()));
                continue;
            }
        };
        let speaker = speaker_of(row);
        let request = ScoreRequest {
            text: row.text.clone(),
            pinyin: Some(row.pinyin.clone()),
            contrasts: row.contrast.as_ref().map(|c| c.contrasts.clone()).unwrap_or_default(),
            speaker: if progressive { profiles.get(&speaker).copied() } else { None },
            diagnostics: args.results.is_some(),
        };
        let r: ScoreResult = match scorer.score(&samples, &request) {
            Ok(r) => r,
            Err(e @ shiliu_speech::SpeechError::Target(_)) => {
                not_scored.push((row.file.clone(), e.to_string()));
                continue;
            }
            Err(e) => return Err(e).with_context(|| format!("scoring {}", row.file)),
        };
        if progressive && let Some(p) = r.speaker {
            profiles.insert(speaker, p);
        }
        if let Some(f) = out.as_mut() {
            use std::io::Write;
            writeln!(
                f,
                "{}",
                serde_json::json!({"file": row.file, "label": row.label, "error_index": row.error_index, "result": r})
            )?;
        }
        let secs = samples.len() as f32 / 16_000.0;
        latency_all.push(r.elapsed_ms);
        if secs <= 3.0 {
            latency_short.push(r.elapsed_ms);
        }
        let flag_key = if r.quality.is_empty() {
            "-".to_string()
        } else {
            r.quality.iter().map(|f| f.name()).collect::<Vec<_>>().join("+")
        };
        *flags.entry(row.variant.clone()).or_default().entry(flag_key).or_default() += 1;

        // Tone accuracy on isolated syllables: heard vs the tone actually said.
        let said_pinyin = row.spoken.as_deref().unwrap_or(&row.pinyin);
        let said = tone_digits(said_pinyin);
        let scored_against_the_target = !matches!(row.label.as_deref(), Some(OTHER_TEXT | READ_ON));
        if r.syllables.len() == 1 && said.len() == 1 && scored_against_the_target {
            tone_confusion.add(said[0], r.syllables[0].tone_heard);
        }
        let kind = kind_of(r.syllables.len());
        if let Some(c) = &row.contrast {
            let t = choices.entry((kind, c.by, c.target_said)).or_default();
            t.0 += 1;
            t.1 +=
                r.forced_choice.as_ref().is_some_and(|f| (&f.said, &f.said_pinyin) == (&c.said.0, &c.said.1)) as usize;
        }
        if matches!(row.label.as_deref(), Some(OTHER_TEXT | READ_ON | MISREAD)) {
            let t = not_the_target.entry(kind).or_default();
            t.0.push(r.overall);
            t.1 += r.quality.contains(&shiliu_audio::QualityFlag::WrongText) as usize;
        }
        match row.label.as_deref() {
            Some(OTHER_TEXT | READ_ON) => {}
            Some("correct") | None => {
                correct_scores.entry(format!("{kind} ({})", row.variant)).or_default().push(r.overall);
                if row.variant == "clean" || row.variant == "real" {
                    let t = false_alarms.entry(kind).or_default();
                    t.0 += r.syllables.len();
                    t.1 += r.syllables.iter().filter(|s| s.verdict == Verdict::Defect).count();
                    t.2 += r.syllables.iter().filter(|s| s.verdict == Verdict::Error).count();
                    if r.syllables.len() > 1 {
                        let tones = tones_in_context.entry(kind).or_default();
                        // A neutral syllable is never judged wrong from its pitch (see the verdicts).
                        for s in r.syllables.iter().filter(|s| s.tone_expected != 5) {
                            tones.add(s.tone_expected, s.tone_heard);
                        }
                    }
                }
                if row.variant == "clean" {
                    clean_correct += 1;
                    if r.syllables.iter().any(|s| s.verdict == Verdict::Error) {
                        clean_correct_error += 1;
                    } else if r.syllables.iter().any(|s| s.verdict == Verdict::Defect) {
                        clean_correct_defect += 1;
                    }
                }
            }
            Some(label) => {
                let Some(i) = row.error_index.filter(|i| *i < r.syllables.len()) else { continue };
                let s = &r.syllables[i];
                let flagged = s.verdict != Verdict::Ok;
                let want = match label {
                    "tone" => ProblemKind::Tone,
                    "initial" => ProblemKind::Initial,
                    MISREAD => ProblemKind::Misread,
                    OMITTED => ProblemKind::Omitted,
                    _ => ProblemKind::Final,
                };
                let right_kind = flagged && s.problem.as_ref().is_some_and(|p| p.kind == want);
                err_total += 1;
                err_flagged += flagged as usize;
                err_kind_right += right_kind as usize;
                let t = by_type.entry(format!("{label:<8} {kind}")).or_default();
                t.0 += 1;
                t.1 += flagged as usize;
                t.2 += right_kind as usize;
            }
        }
    }

    println!(
        "shiliu eval {} — {} clips in {:.0} s, profile: {}, channel: {}, scored against {}",
        args.manifest.display(),
        latency_all.len(),
        started.elapsed().as_secs_f32(),
        args.profile,
        args.channel.name(),
        texts.described()
    );
    tone_confusion.print("Tone heard vs tone said, isolated syllables");
    for (kind, tones) in &tones_in_context {
        tones.print(&format!("Tone heard vs tone expected, full tones of correct {kind}s (in context)"));
    }
    if err_total > 0 {
        println!(
            "\nLabelled errors flagged at the right syllable: {:.1} % ({err_flagged}/{err_total}); right kind: {:.1} % ({err_kind_right}/{err_total}), {:.1} % of those flagged",
            100.0 * err_flagged as f32 / err_total as f32,
            100.0 * err_kind_right as f32 / err_total as f32,
            100.0 * err_kind_right as f32 / err_flagged.max(1) as f32
        );
        println!("  {:<18} {:>5} {:>9} {:>11}", "type", "n", "flagged", "right kind");
        for (k, (n, f, rk)) in &by_type {
            println!(
                "  {k:<18} {n:>5} {:>8.0}% {:>10.0}%",
                100.0 * *f as f32 / *n as f32,
                100.0 * *rk as f32 / *n as f32
            );
        }
    }
    if clean_correct > 0 {
        println!(
            "\nClean correct clips with any syllable flagged error: {:.1} % ({clean_correct_error}/{clean_correct}); only defects: {:.1} %",
            100.0 * clean_correct_error as f32 / clean_correct as f32,
            100.0 * clean_correct_defect as f32 / clean_correct as f32
        );
    }
    if !false_alarms.is_empty() {
        println!("\nSyllables of correct clips flagged anyway (false alarms):");
        println!("  {:<10} {:>5} {:>8} {:>8}", "kind", "n", "defect", "error");
        for (k, (n, d, e)) in &false_alarms {
            let pct = |x: usize| 100.0 * x as f32 / (*n).max(1) as f32;
            println!("  {k:<10} {n:>5} {:>7.1}% {:>7.1}%", pct(*d), pct(*e));
        }
    }
    if !not_the_target.is_empty() {
        println!("\nClips scored against {}:", texts.described());
        println!("  {:<10} {:>5} {:>11} {:>7} {:>6} {:>6}", "kind", "n", "wrong_text", "median", "≥60", "≥85");
        for (k, (scores, flagged)) in not_the_target.iter_mut() {
            scores.sort_by(f32::total_cmp);
            let n = scores.len();
            let pct = |x: usize| 100.0 * x as f32 / n.max(1) as f32;
            println!(
                "  {k:<10} {n:>5} {:>10.1}% {:>7.1} {:>5.0}% {:>5.0}%",
                pct(*flagged),
                percentile(scores, 0.5),
                pct(scores.iter().filter(|s| **s >= 60.0).count()),
                pct(scores.iter().filter(|s| **s >= 85.0).count())
            );
        }
    }
    if !choices.is_empty() {
        let right: usize = choices.values().map(|t| t.1).sum();
        let n: usize = choices.values().map(|t| t.0).sum();
        println!("\nForced choice names what was said: {:.1} % ({right}/{n})", 100.0 * right as f32 / n.max(1) as f32);
        println!("  {:<10} {:<9} {:<10} {:>5} {:>8}", "kind", "contrast", "said", "n", "named");
        for ((kind, by, target), (n, right)) in &choices {
            let said = if *target { "target" } else { "contrast" };
            println!("  {kind:<10} {by:<9} {said:<10} {n:>5} {:>7.1}%", 100.0 * *right as f32 / (*n).max(1) as f32);
        }
    }
    if !correct_scores.is_empty() {
        println!("\nOverall score of correct clips:");
        println!("  {:<22} {:>4} {:>6} {:>6} {:>6} {:>6} {:>8}", "kind", "n", "p5", "p25", "median", "min", "≥85");
    }
    for (k, v) in correct_scores.iter_mut() {
        v.sort_by(f32::total_cmp);
        let good = v.iter().filter(|s| **s >= 85.0).count();
        println!(
            "  {k:<22} {:>4} {:>6.1} {:>6.1} {:>6.1} {:>6.1} {:>7.1}%",
            v.len(),
            percentile(v, 0.05),
            percentile(v, 0.25),
            percentile(v, 0.5),
            v[0],
            100.0 * good as f32 / v.len() as f32
        );
    }
    println!("\nQuality flags by variant:");
    for (v, t) in &flags {
        println!("  {v:<8} {}", t.iter().map(|(k, n)| format!("{k}: {n}")).collect::<Vec<_>>().join(", "));
    }
    for (name, lat) in [("≤ 3 s clips", &mut latency_short), ("all clips", &mut latency_all)] {
        lat.sort_by(f32::total_cmp);
        if !lat.is_empty() {
            println!(
                "\nLatency, {name} (end of audio → result, {} threads): median {:.0} ms, p95 {:.0} ms, max {:.0} ms (n={})",
                threads,
                percentile(lat, 0.5),
                percentile(lat, 0.95),
                lat[lat.len() - 1],
                lat.len()
            );
        }
    }
    if let Some(m) = peak_memory_mib() {
        println!("Peak memory (VmHWM): {m:.0} MiB");
    }
    if !not_scored.is_empty() {
        println!("\nRows not scored ({}), left out of every table above:", not_scored.len());
        for (file, why) in &not_scored {
            println!("  {file}: {why}");
        }
        if latency_all.is_empty() {
            anyhow::bail!("no row of {} could be scored", args.manifest.display());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::ToneConfusion;

    #[test]
    fn tones_heard_are_counted_against_tones_said_and_unjudged_ones_apart() {
        let mut c = ToneConfusion::default();
        c.add(4, Some(4));
        c.add(4, Some(1));
        c.add(2, Some(2));
        c.add(3, None);
        assert_eq!(c.0[3][3], 1);
        assert_eq!(c.0[3][0], 1);
        assert_eq!(c.0[2][5], 1, "a tone too faint to judge goes in the last column");
        assert_eq!(c.agreement(), (2, 3), "two of the three judged were heard as said");
    }

    #[test]
    fn a_tone_number_outside_one_to_five_is_not_counted() {
        let mut c = ToneConfusion::default();
        c.add(0, Some(1));
        c.add(6, Some(1));
        c.add(1, Some(9));
        assert_eq!(c.agreement(), (0, 0));
        assert_eq!(c.0[0][5], 1, "a heard tone out of range is no judgement");
    }
}
