//! Prints the quality flags of every clip in a corpus manifest, grouped by variant.
//! `cargo run --release -p shiliu-audio --example quality_scan -- ../shared/corpus-synth`
use std::collections::BTreeMap;

fn main() {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).expect("corpus folder"));
    let manifest = std::fs::read_to_string(dir.join("manifest.tsv")).expect("manifest.tsv");
    let mut header = Vec::new();
    let mut tally: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for (i, line) in manifest.lines().enumerate() {
        let cols: Vec<&str> = line.split('\t').collect();
        if i == 0 {
            header = cols.iter().map(|s| s.to_string()).collect();
            continue;
        }
        let variant =
            header.iter().position(|h| h == "variant").map(|j| cols[j].to_string()).unwrap_or_else(|| "real".into());
        let samples = shiliu_audio::wav::load_16k_mono(&dir.join(cols[0])).expect("wav");
        let r = shiliu_audio::quality::assess(&samples);
        let key = if r.flags.is_empty() {
            "-".to_string()
        } else {
            r.flags.iter().map(|f| f.name()).collect::<Vec<_>>().join("+")
        };
        if variant == "real" && !r.flags.is_empty() || variant == "clean" && !r.flags.is_empty() {
            println!("{} {:?} snr {:?} peak {:.1}", cols[0], r.flags, r.snr_db, r.peak_dbfs);
        }
        *tally.entry(variant).or_default().entry(key).or_default() += 1;
    }
    for (v, t) in tally {
        println!("{v:>8}: {t:?}");
    }
}
