//! The tone-evidence targets the scorer depends on, measured the way `shiliu-speech` uses them:
//! a connected-speech tone is a *defect* when the expected tone gets less than 0.1 and an
//! *error* when it gets less than 0.005 while the heard tone gets more than 0.97.
//!
//! Set `SHILIU_EVAL_DUMP=path.tsv` to write one line per judged syllable for inspection.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use shiliu_pinyin::{SurfaceSyllable, Tone, align_pinyin, readings_from_pinyin, surface};
use shiliu_prosody::{ProsodyAnalysis, analyse};

use crate::{expected_with_tones, load, manifest, pct, quantile};

/// Per-syllable outcomes of one group of clips.
#[derive(Default)]
pub struct Group {
    judged: usize,
    unheard: usize,
    defect: usize,
    error: usize,
    scores: Vec<f32>,
}

impl Group {
    fn add(&mut self, p_expected: f32, p_heard: f32, score: Option<f32>) {
        self.judged += 1;
        self.defect += (p_expected < 0.1) as usize;
        self.error += (p_expected < 0.005 && p_heard > 0.97) as usize;
        self.scores.extend(score);
    }

    fn row(&mut self, name: &str) {
        let (median, p10) = (quantile(&mut self.scores, 0.5), quantile(&mut self.scores, 0.1));
        println!(
            "    {name:24} {:>20} {:>20}   {median:5.1} {p10:5.1}   (unheard {})",
            pct(self.defect, self.judged),
            pct(self.error, self.judged),
            self.unheard
        );
    }

    fn merge(&mut self, other: &Group) {
        self.judged += other.judged;
        self.unheard += other.unheard;
        self.defect += other.defect;
        self.error += other.error;
        self.scores.extend(&other.scores);
    }
}

struct Dump(Option<std::fs::File>);

impl Dump {
    fn open() -> Dump {
        Dump(std::env::var_os("SHILIU_EVAL_DUMP").map(|p| std::fs::File::create(p).expect("dump file")))
    }

    fn write(&mut self, set: &str, clip: &str, a: &ProsodyAnalysis, spoken: Option<&[SurfaceSyllable]>) {
        let Some(f) = self.0.as_mut() else { return };
        for (i, s) in a.syllables.iter().enumerate() {
            let said = spoken.and_then(|sp| sp.get(i)).map_or(0, |x| x.syllable.tone.number());
            let probs: Vec<String> = s.tone.probs.iter().map(|p| format!("{p:.4}")).collect();
            writeln!(
                f,
                "{set}\t{clip}\t{i}\t{}\t{said}\t{}\t{}\t{:.1}\t{}\t{}",
                s.expected.number(),
                s.tone.heard.map_or(0, Tone::number),
                probs.join(","),
                s.tone_score.unwrap_or(-1.0),
                s.start_ms,
                s.end_ms
            )
            .expect("dump");
        }
    }
}

fn judge(group: &mut Group, a: &ProsodyAnalysis) {
    for s in a.syllables.iter().filter(|s| s.expected != Tone::Neutral) {
        match s.tone.heard {
            None => group.unheard += 1,
            Some(h) => group.add(s.tone.prob(s.expected), s.tone.prob(h), s.tone_score),
        }
    }
}

/// Target 2: real native words and sentences, citation pinyin turned into surface tones.
fn real(root: &Path, dump: &mut Dump) -> BTreeMap<&'static str, Group> {
    let mut groups: BTreeMap<&'static str, Group> = BTreeMap::new();
    for r in manifest(&root.join("corpus/manifest.tsv")) {
        let file = &r["file"];
        let kind = if file.starts_with("wav/sentences/") {
            "sentences"
        } else if file.starts_with("wav/words/") {
            "words"
        } else {
            continue;
        };
        let (hanzi, pinyin) = (&r["transcript_hanzi"], &r["pinyin_with_tone_numbers"]);
        let readings = match align_pinyin(hanzi, pinyin) {
            Ok(readings) => readings,
            Err(_) => {
                // Without the hanzi, 一/不 sandhi cannot be applied; these syllables are skipped.
                println!("  (pinyin of {file} does not align with its hanzi: skipped)");
                let _ = readings_from_pinyin(pinyin);
                continue;
            }
        };
        let expected = surface(&readings);
        let a = analyse(&load(&root.join("corpus").join(file)), &expected, None, None).expect("analysis");
        let key = match (kind, expected.len()) {
            ("words", 1) => "words, 1 syllable",
            ("words", _) => "words, 2+ syllables",
            _ => "sentences",
        };
        judge(groups.entry(key).or_default(), &a);
        dump.write("real", file, &a, None);
    }
    groups
}

/// Target 3: the synthetic voice, words and sentences only.
fn synthetic(root: &Path, dump: &mut Dump) -> (Group, (usize, usize), (usize, usize)) {
    let mut correct = Group::default();
    let (mut caught, mut errors) = ((0, 0), (0, 0));
    for r in manifest(&root.join("corpus-synth/manifest.tsv")) {
        let kind = r["notes"].split(';').next().unwrap_or("").trim_start_matches("kind=").to_string();
        if kind == "syllable" || !(r["label"] == "correct" || r["label"] == "tone") {
            continue;
        }
        let expected = expected_with_tones(&r["target_hanzi"], &r["target_surface_pinyin"]);
        let spoken = expected_with_tones(&r["target_hanzi"], &r["spoken_pinyin"]);
        let a = analyse(&load(&root.join("corpus-synth").join(&r["file"])), &expected, None, None).expect("analysis");
        dump.write(&format!("synth-{}", r["label"]), &r["file"], &a, Some(&spoken));
        if r["label"] == "correct" {
            judge(&mut correct, &a);
            continue;
        }
        let i: usize = r["error_index"].parse().expect("error index");
        let s = &a.syllables[i];
        let p = s.tone.prob(s.expected);
        caught.1 += 1;
        caught.0 += (p < 0.1) as usize;
        errors.1 += 1;
        errors.0 += s.tone.heard.is_some_and(|h| h != s.expected && p < 0.005 && s.tone.prob(h) > 0.97) as usize;
    }
    (correct, caught, errors)
}

/// Prints the target table; `isolated` is target 1 (heard = said on the real syllables).
pub fn report(root: &Path, isolated: (usize, usize)) {
    println!("\n== Targets (tone evidence as the scorer reads it) ==");
    let mut dump = Dump::open();
    let mut groups = real(root, &mut dump);
    let (mut correct, caught, errors) = synthetic(root, &mut dump);
    println!(
        "  1. real isolated syllables, heard = said (no profile): {}   [target ≥ 95 %]",
        pct(isolated.0, isolated.1)
    );
    println!("  2. real native speech, non-neutral syllables [targets: ≤ 5 %, ≤ 1 %, median ≥ 85, p10 ≥ 60]");
    println!("    {:24} {:>20} {:>20}   {:>5} {:>5}", "", "p(exp) < 0.1", "error (.005/.97)", "med", "p10");
    let mut connected = Group::default();
    let mut all = Group::default();
    for (name, g) in groups.iter_mut() {
        g.row(name);
        all.merge(g);
        if *name != "words, 1 syllable" {
            connected.merge(g);
        }
    }
    connected.row("connected (2+ syllables)");
    all.row("all words and sentences");
    println!("  3. synthetic voice, words and sentences");
    println!(
        "    tone errors: error syllable p(exp) < 0.1 {}   [target ≥ 85 %]; scorer error {}",
        pct(caught.0, caught.1),
        pct(errors.0, errors.1)
    );
    correct.row("correct clips");
    println!("    (correct clips, p(exp) < 0.1 target ≤ 5 %)");
}
