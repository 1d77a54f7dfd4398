//! `shiliu pack labelled-set`: plans a labelled test set from a pack's items, to measure the
//! scorer on texts and slips its test corpora do not have.
//!
//! Every syllable, word and sentence item is listed once as written and once with one syllable
//! changed to a confusable neighbour: its initial, its final or its tone, taking the three in
//! turn from item to item. The plan is a manifest in the layout of the synthetic corpus, which
//! `shiliu eval` reads; `scripts/synth-labelled-set.py` records it with a speech synthesiser.

use std::collections::HashSet;

use anyhow::Result;
use shiliu_lessons::{ItemKind, Pack};
use shiliu_pinyin::{Contrast, Syllable, Tone, confusable_neighbours, is_hanzi};

/// What a planned clip says instead of the text, if anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Label {
    Correct,
    Initial,
    Final,
    Tone,
}

impl Label {
    fn name(self) -> &'static str {
        match self {
            Label::Correct => "correct",
            Label::Initial => "initial",
            Label::Final => "final",
            Label::Tone => "tone",
        }
    }

    /// The part of a syllable a slip of `contrast` changes.
    fn of(contrast: Contrast) -> Label {
        match contrast {
            Contrast::Tone => Label::Tone,
            Contrast::FrontBackNasal | Contrast::UnroundedRounded => Label::Final,
            _ => Label::Initial,
        }
    }
}

/// One clip to record.
#[derive(Debug, Clone)]
pub(crate) struct Planned {
    pub file: String,
    pub item: String,
    pub text: String,
    pub citation: Vec<Syllable>,
    pub surface: Vec<Syllable>,
    /// What the clip says: the surface reading, with one syllable changed unless correct.
    pub spoken: Vec<Syllable>,
    pub label: Label,
    pub error_index: Option<usize>,
}

/// A small deterministic generator (SplitMix64), so one seed always plans the same set.
struct SplitMix(u64);

impl SplitMix {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) % n as u64) as usize
    }
}

/// The plan for `pack`: each text once (the first item that has it), as said and with one slip.
pub(crate) fn plan(pack: &Pack, seed: u64) -> Vec<Planned> {
    let mut rng = SplitMix(seed);
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    let order = [Label::Initial, Label::Final, Label::Tone];
    let mut n = 0;
    for item in pack.items() {
        if !matches!(item.kind, ItemKind::Syllable | ItemKind::Word | ItemKind::Sentence) {
            continue;
        }
        let text: String = item.hanzi.chars().filter(|&c| is_hanzi(c)).collect();
        // As the lesson has it said, with its own surface reading where it gives one.
        let Ok(said) = item.surface() else { continue };
        // 儿化 merges two characters into one syllable: the synthesiser spells those otherwise.
        if text.is_empty() || said.len() != text.chars().count() || !seen.insert(text.clone()) {
            continue;
        }
        let citation: Vec<Syllable> = said.iter().map(|s| s.citation).collect();
        let surface: Vec<Syllable> = said.iter().map(|s| s.syllable).collect();
        let stem = format!("l{n:04}");
        let row = |label: Label, error_index: Option<usize>, spoken: Vec<Syllable>| Planned {
            file: format!("wav/{stem}_{}.wav", label.name()),
            item: item.id.to_string(),
            text: text.clone(),
            citation: citation.clone(),
            surface: surface.clone(),
            spoken,
            label,
            error_index,
        };
        out.push(row(Label::Correct, None, surface.clone()));
        // The slip: the kind whose turn it is, or the next kind this text allows. A neutral
        // syllable is never changed (its pitch is its neighbours').
        let slips = |want: Label| -> Vec<(usize, Syllable)> {
            surface
                .iter()
                .enumerate()
                .filter(|(_, s)| s.tone != Tone::Neutral)
                .flat_map(|(i, s)| {
                    confusable_neighbours(s)
                        .into_iter()
                        .filter(|(_, c)| Label::of(*c) == want)
                        .map(move |(o, _)| (i, o))
                })
                .collect()
        };
        if let Some((label, options)) =
            (0..3).map(|k| order[(n + k) % 3]).map(|l| (l, slips(l))).find(|(_, o)| !o.is_empty())
        {
            let (i, other) = options[rng.below(options.len())];
            let mut spoken = surface.clone();
            spoken[i] = other;
            out.push(row(label, Some(i), spoken));
        }
        n += 1;
    }
    out
}

/// The plan as a manifest in the synthetic corpus's layout.
pub(crate) fn to_tsv(rows: &[Planned]) -> String {
    let numbered = |s: &[Syllable]| s.iter().map(Syllable::to_numbered).collect::<Vec<_>>().join(" ");
    let mut out = String::from(
        "file\ttarget_hanzi\ttarget_pinyin\ttarget_surface_pinyin\tspoken_pinyin\tlabel\terror_index\tvariant\tnotes\n",
    );
    for r in rows {
        let mut notes = format!("kind={}; item={}", super::eval::kind_of(r.surface.len()), r.item);
        if let Some(i) = r.error_index {
            let (from, to) = (r.surface[i].to_numbered(), r.spoken[i].to_numbered());
            notes.push_str(&format!("; error at syllable {i}: {from}->{to}"));
        }
        let index = r.error_index.map_or(-1, |i| i as i64);
        out.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{index}\tclean\t{notes}\n",
            r.file,
            r.text,
            numbered(&r.citation),
            numbered(&r.surface),
            numbered(&r.spoken),
            r.label.name(),
        ));
    }
    out
}

/// Writes the plan for the pack folder `dir` to `out` and says what it holds.
pub(crate) fn write(dir: &std::path::Path, out: &std::path::Path, seed: u64) -> Result<()> {
    let pack = Pack::load_dir(dir).map_err(super::pack::coded)?;
    let rows = plan(&pack, seed);
    std::fs::write(out, to_tsv(&rows))?;
    let count = |l: Label| rows.iter().filter(|r| r.label == l).count();
    println!(
        "{}: {} texts; slips: {} initial, {} final, {} tone",
        out.display(),
        count(Label::Correct),
        count(Label::Initial),
        count(Label::Final),
        count(Label::Tone)
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn starter() -> Pack {
        Pack::load_dir(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../lessons/starter")).unwrap()
    }

    #[test]
    fn every_text_is_planned_once_as_said_and_once_with_one_slip_of_the_labelled_kind() {
        let rows = plan(&starter(), 1);
        let correct: Vec<&Planned> = rows.iter().filter(|r| r.label == Label::Correct).collect();
        assert!(correct.len() > 300, "{}", correct.len());
        assert!(correct.iter().all(|r| r.spoken == r.surface && r.error_index.is_none()));
        let texts: HashSet<&str> = correct.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(texts.len(), correct.len(), "a text planned twice");
        for r in rows.iter().filter(|r| r.label != Label::Correct) {
            let i = r.error_index.unwrap();
            let changed: Vec<usize> = (0..r.spoken.len()).filter(|&k| r.spoken[k] != r.surface[k]).collect();
            assert_eq!(changed, [i], "{r:?}");
            let (said, meant) = (r.spoken[i], r.surface[i]);
            let kind = match r.label {
                Label::Tone => said.same_segments(&meant) && said.tone != meant.tone,
                Label::Initial => said.initial != meant.initial && said.tone == meant.tone,
                Label::Final => said.final_ != meant.final_ && said.tone == meant.tone,
                Label::Correct => unreachable!(),
            };
            assert!(kind, "{r:?}");
        }
    }

    #[test]
    fn the_three_kinds_of_slip_are_planned_in_turn_and_one_seed_always_plans_the_same() {
        let rows = plan(&starter(), 7);
        let count = |l: Label| rows.iter().filter(|r| r.label == l).count();
        for l in [Label::Initial, Label::Final, Label::Tone] {
            assert!(count(l) > 80, "{l:?}: {}", count(l));
        }
        let again = plan(&starter(), 7);
        let spoken = |rows: &[Planned]| rows.iter().map(|r| r.spoken.clone()).collect::<Vec<_>>();
        assert_eq!(spoken(&rows), spoken(&again));
        assert_ne!(spoken(&rows), spoken(&plan(&starter(), 8)));
    }

    #[test]
    fn the_manifest_is_one_the_eval_reads_with_labels_and_the_changed_syllable() {
        let rows = plan(&starter(), 1);
        let tsv = to_tsv(&rows);
        let manifest = crate::commands::eval::manifest::parse(&tsv).unwrap();
        assert_eq!(manifest.rows.len(), rows.len());
        assert!(manifest.unusable.is_empty());
        let slip = rows.iter().position(|r| r.label != Label::Correct).unwrap();
        assert_eq!(manifest.rows[slip].error_index, rows[slip].error_index);
        assert_eq!(manifest.rows[slip].label.as_deref(), Some(rows[slip].label.name()));
    }
}
