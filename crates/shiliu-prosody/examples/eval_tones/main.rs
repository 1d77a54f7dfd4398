//! Measures tone classification, false alarms, syllable timing and speed on the shared test
//! corpora. Run: `cargo run --release --example eval_tones -p shiliu-prosody`;
//! the table of targets comes last.
//!
//! Nothing is tuned here: it only reads `../shared/corpus` and `../shared/corpus-synth`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use shiliu_pinyin::{SurfaceSyllable, Tone, align_pinyin, readings_from_pinyin, surface};
use shiliu_prosody::{SpeakerProfile, analyse, track_pitch};

mod targets;

fn shared() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    p.is_dir().then_some(p)
}

pub(crate) fn load(path: &Path) -> Vec<f32> {
    let mut r = hound::WavReader::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(r.spec().sample_rate, 16_000, "{}", path.display());
    r.samples::<i16>().map(|s| s.expect("sample") as f32 / 32768.0).collect()
}

pub(crate) fn manifest(path: &Path) -> Vec<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(path).expect("manifest");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split('\t').collect();
    lines.map(|l| header.iter().zip(l.split('\t')).map(|(h, v)| (h.to_string(), v.to_string())).collect()).collect()
}

pub(crate) fn pct(a: usize, b: usize) -> String {
    if b == 0 { "n/a".into() } else { format!("{:.1} % ({a}/{b})", 100.0 * a as f64 / b as f64) }
}

pub(crate) fn quantile(v: &mut [f32], q: f32) -> f32 {
    if v.is_empty() {
        return f32::NAN;
    }
    v.sort_by(f32::total_cmp);
    v[((v.len() - 1) as f32 * q).round() as usize]
}

/// Expected surface syllables with the tones forced to `tones` (the manifest's own surface).
pub(crate) fn expected_with_tones(hanzi: &str, pinyin: &str) -> Vec<SurfaceSyllable> {
    let readings = align_pinyin(hanzi, pinyin).or_else(|_| readings_from_pinyin(pinyin)).expect("pinyin parses");
    let mut out = surface(&readings);
    let tones: Vec<Tone> = pinyin
        .split_whitespace()
        .map(|t| Tone::from_number(t.chars().last().and_then(|c| c.to_digit(10)).unwrap_or(5) as u8).unwrap())
        .collect();
    if out.len() == tones.len() {
        let n = out.len();
        for (i, (s, t)) in out.iter_mut().zip(tones).enumerate() {
            s.syllable.tone = t;
            s.half_third = t == Tone::Third && i + 1 < n;
        }
    }
    out
}

struct Confusion([[usize; 6]; 5]);

impl Confusion {
    fn print(&self, title: &str) {
        let total: usize = self.0.iter().flatten().sum();
        let right: usize = (0..5).map(|i| self.0[i][i]).sum();
        println!("  {title}: accuracy {}", pct(right, total));
        println!("    said\\heard    1    2    3    4    5    -");
        for (i, row) in self.0.iter().enumerate() {
            let n: usize = row.iter().sum();
            if n == 0 {
                continue;
            }
            let cells: String = row.iter().map(|c| format!("{c:5}")).collect();
            println!("    tone {}   {cells}   {}", i + 1, pct(row[i], n));
        }
    }
}

fn idx(t: Option<Tone>) -> usize {
    t.map_or(5, |t| t.number() as usize - 1)
}

/// Returns (right, total) without a speaker profile.
fn isolated_syllables(root: &Path, times: &mut Vec<f32>) -> (usize, usize) {
    println!("== Real isolated syllables (corpus/wav/syllables, one female speaker) ==");
    let rows: Vec<_> = manifest(&root.join("corpus/manifest.tsv"))
        .into_iter()
        .filter(|r| r["file"].starts_with("wav/syllables/"))
        .collect();
    let clips: Vec<(Vec<f32>, Vec<SurfaceSyllable>, Tone)> = rows
        .iter()
        .map(|r| {
            let expected = surface(&readings_from_pinyin(&r["pinyin_with_tone_numbers"]).expect("pinyin"));
            let tone = expected[0].syllable.tone;
            (load(&root.join("corpus").join(&r["file"])), expected, tone)
        })
        .collect();
    let single: Vec<Option<SpeakerProfile>> =
        clips.iter().map(|(x, _, _)| SpeakerProfile::estimate_from(&track_pitch(x))).collect();
    let mut no_profile = (0, 0);
    for mode in ["no speaker profile", "leave-one-out profile from the speaker's other 127 clips"] {
        let mut conf = Confusion([[0; 6]; 5]);
        for (i, (x, expected, said)) in clips.iter().enumerate() {
            let profile = (mode != "no speaker profile").then(|| {
                let mut others = single.iter().enumerate().filter(|(j, _)| *j != i).filter_map(|(_, p)| *p);
                let mut p = others.next().expect("profiles");
                others.for_each(|o| p.merge(&o));
                p
            });
            let a = analyse(x, expected, profile.as_ref(), None).expect("analysis");
            times.push(a.analysis_ms);
            conf.0[said.number() as usize - 1][idx(a.syllables[0].tone.heard)] += 1;
        }
        conf.print(mode);
        if mode == "no speaker profile" {
            no_profile = ((0..5).map(|i| conf.0[i][i]).sum(), conf.0.iter().flatten().sum());
        }
    }
    no_profile
}

struct SynthStats {
    by_kind: BTreeMap<String, (usize, usize)>,
    detected: (usize, usize),
    detected_right_tone: usize,
    false_alarms: BTreeMap<String, (usize, usize)>,
    unheard: usize,
    starts: Vec<f32>,
    inner: Vec<f32>,
    ends: Vec<f32>,
}

fn synthetic(root: &Path, times: &mut Vec<f32>) {
    println!("\n== Synthetic voice with labelled errors (corpus-synth, 300 clips) ==");
    let mut s = SynthStats {
        by_kind: BTreeMap::new(),
        detected: (0, 0),
        detected_right_tone: 0,
        false_alarms: BTreeMap::new(),
        unheard: 0,
        starts: Vec::new(),
        inner: Vec::new(),
        ends: Vec::new(),
    };
    let mut conf = Confusion([[0; 6]; 5]);
    for r in manifest(&root.join("corpus-synth/manifest.tsv")) {
        let x = load(&root.join("corpus-synth").join(&r["file"]));
        let expected = expected_with_tones(&r["target_hanzi"], &r["target_surface_pinyin"]);
        let spoken = expected_with_tones(&r["target_hanzi"], &r["spoken_pinyin"]);
        let kind = r["notes"].split(';').next().unwrap_or("").trim_start_matches("kind=").to_string();
        let a = analyse(&x, &expected, None, None).expect("analysis");
        times.push(a.analysis_ms);
        let error_index: i64 = r["error_index"].parse().unwrap_or(-1);
        for (i, (syl, said)) in a.syllables.iter().zip(&spoken).enumerate() {
            let heard = syl.tone.heard;
            if heard.is_none() {
                s.unheard += 1;
            }
            conf.0[said.syllable.tone.number() as usize - 1][idx(heard)] += 1;
            let e = s.by_kind.entry(kind.clone()).or_default();
            e.0 += (heard == Some(said.syllable.tone)) as usize;
            e.1 += 1;
            if r["label"] == "correct" {
                let f = s.false_alarms.entry(kind.clone()).or_default();
                f.0 += (heard.is_some() && heard != Some(syl.expected)) as usize;
                f.1 += 1;
            }
            if r["label"] == "tone" && i as i64 == error_index {
                s.detected.0 += (heard.is_some() && heard != Some(syl.expected)) as usize;
                s.detected.1 += 1;
                s.detected_right_tone += (heard == Some(said.syllable.tone)) as usize;
            }
        }
        // Boundary error against the TTS durations (approximate, ±30 ms).
        if let Some(times_s) = r["notes"].split("syl_times_s=").nth(1).and_then(|t| t.split_whitespace().next()) {
            let labels: Vec<(f32, f32)> = times_s
                .split(',')
                .filter_map(|p| p.split_once('-'))
                .filter_map(|(a, b)| Some((a.parse::<f32>().ok()? * 1000.0, b.parse::<f32>().ok()? * 1000.0)))
                .collect();
            if labels.len() == a.syllables.len() {
                for (k, (syl, lab)) in a.syllables.iter().zip(&labels).enumerate() {
                    let d = (syl.start_ms as f32 - lab.0).abs();
                    if k == 0 { s.starts.push(d) } else { s.inner.push(d) }
                }
                s.ends.push((a.syllables.last().expect("one").end_ms as f32 - labels.last().expect("one").1).abs());
            }
        }
    }
    println!("  per-syllable accuracy, heard = spoken tone:");
    for (k, (a, b)) in &s.by_kind {
        println!("    {k:9} {}", pct(*a, *b));
    }
    conf.print("all synthetic syllables (said = spoken)");
    println!(
        "  tone-error clips: error syllable heard != expected {}, heard = the tone actually spoken {}",
        pct(s.detected.0, s.detected.1),
        pct(s.detected_right_tone, s.detected.1)
    );
    println!("  false alarms on `correct` clips (heard != expected, per syllable):");
    let (mut fa, mut fb) = (0, 0);
    for (k, (a, b)) in &s.false_alarms {
        println!("    {k:9} {}", pct(*a, *b));
        fa += a;
        fb += b;
    }
    println!("    all       {}", pct(fa, fb));
    println!("  syllables with no pitch to judge: {}", s.unheard);
    println!("  syllable timing vs syl_times_s (|error| ms, median / p90):");
    for (name, v) in [("speech start", &mut s.starts), ("inner boundaries", &mut s.inner), ("speech end", &mut s.ends)]
    {
        let n = v.len();
        println!("    {name:17} {:5.0} / {:5.0}   (n = {n})", quantile(v, 0.5), quantile(v, 0.9));
    }
}

fn real_words(root: &Path, times: &mut Vec<f32>) {
    println!("\n== Real words (corpus/wav/words, two speakers; sandhi applied from the hanzi) ==");
    let rows: Vec<_> = manifest(&root.join("corpus/manifest.tsv"))
        .into_iter()
        .filter(|r| r["file"].starts_with("wav/words/"))
        .collect();
    let mut by_pos: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut conf = Confusion([[0; 6]; 5]);
    let mut examples = Vec::new();
    let mut unheard = 0;
    for r in &rows {
        let x = load(&root.join("corpus").join(&r["file"]));
        let Ok(readings) = align_pinyin(&r["transcript_hanzi"], &r["pinyin_with_tone_numbers"]) else {
            println!("  skipped {} (pinyin does not align with the hanzi)", r["file"]);
            continue;
        };
        let expected = surface(&readings);
        let a = analyse(&x, &expected, None, None).expect("analysis");
        times.push(a.analysis_ms);
        let key = if expected.len() == 1 { "1 syllable" } else { "2+ syllables" };
        for syl in &a.syllables {
            if syl.tone.heard.is_none() {
                unheard += 1;
                continue;
            }
            conf.0[syl.expected.number() as usize - 1][idx(syl.tone.heard)] += 1;
            let e = by_pos.entry(key.to_string()).or_default();
            let wrong = syl.tone.heard != Some(syl.expected);
            e.0 += wrong as usize;
            e.1 += 1;
            if wrong && examples.len() < 40 {
                examples.push(format!(
                    "{}:{}→{}",
                    r["transcript_hanzi"],
                    syl.expected.number(),
                    syl.tone.heard.map_or(0, Tone::number)
                ));
            }
        }
    }
    println!("  false alarms (heard != expected surface tone), no speaker profile:");
    for (k, (a, b)) in &by_pos {
        println!("    {k:13} {}", pct(*a, *b));
    }
    let (a, b) = by_pos.values().fold((0, 0), |s, v| (s.0 + v.0, s.1 + v.1));
    println!("    all           {}", pct(a, b));
    conf.print("expected (rows) vs heard");
    println!("  unvoiced syllables not judged: {unheard}");
    println!("  flagged: {}", examples.join(" "));
}

fn main() {
    let Some(root) = shared() else {
        println!("skipped: ../shared (the test corpora) is not next to the workspace");
        return;
    };
    // Warm up the tone model (fitted once per process) so it does not count as clip time.
    let fit = Instant::now();
    shiliu_prosody::prepare();
    println!("tone model fitted in {:.1} ms (once per process)\n", fit.elapsed().as_secs_f32() * 1000.0);

    let mut times = Vec::new();
    let isolated = isolated_syllables(&root, &mut times);
    synthetic(&root, &mut times);
    real_words(&root, &mut times);
    targets::report(&root, isolated);

    // Pitch tracking alone on 3 s of real speech (three syllable clips back to back).
    let dir = root.join("corpus/wav/syllables");
    let mut three: Vec<f32> =
        ["cw_ma1.wav", "cw_shu3.wav", "cw_xi3.wav"].iter().flat_map(|f| load(&dir.join(f))).collect();
    three.truncate(48_000);
    let mut track_times: Vec<f32> = (0..30)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(track_pitch(std::hint::black_box(&three)));
            t.elapsed().as_secs_f32() * 1000.0
        })
        .collect();
    println!("\n== Speed (release, one core) ==");
    println!(
        "  track_pitch on 3.0 s of audio: median {:.2} ms, max {:.2} ms",
        quantile(&mut track_times, 0.5),
        quantile(&mut track_times, 1.0)
    );
    let n = times.len();
    println!(
        "  analyse() per clip ({n} clips): median {:.2} ms, max {:.2} ms",
        quantile(&mut times, 0.5),
        quantile(&mut times, 1.0)
    );
}
