use shiliu_speech::candidates::{candidates_for, char_groups};
use shiliu_speech::{Engine, ForcingRequest};
fn main() {
    let engine = Engine::load(std::path::Path::new("/tmp/sd1/models/whisper-base-q8_0-5facc8c72b62.bin"), 2).unwrap();
    let manifest = std::fs::read_to_string("/work/shared/corpus-synth/manifest.tsv").unwrap();
    let filter = std::env::args().nth(1).unwrap_or_default();
    for line in manifest.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        if !f[0].contains(&filter) || f[7] != "clean" { continue; }
        let readings = shiliu_pinyin::align_pinyin(f[1], f[2]).unwrap();
        let surf = shiliu_pinyin::surface(&readings);
        let chars: Vec<char> = f[1].chars().filter(|c| !c.is_ascii_punctuation()).collect();
        let mut req = ForcingRequest::default();
        let mut cands = vec![];
        for s in &surf {
            let c = chars[s.chars.start];
            let cs = candidates_for(&s.syllable);
            req.positions.push((c, char_groups(c, &cs)));
            cands.push(cs);
        }
        let samples = shiliu_audio::wav::load_16k_mono(&std::path::Path::new("/work/shared/corpus-synth").join(f[0])).unwrap();
        let r = engine.recognise(&samples, &req).unwrap();
        let mut out = format!("{:<34} {:<8} {:>5}ms+{:>4}ms [{}] ", f[0].trim_start_matches("wav/"), f[5], r.recognise.as_millis(), r.forcing.as_millis(), r.transcript.text);
        for (i, ev) in r.positions.iter().enumerate() {
            let best_alt = ev.group_lp.iter().enumerate().skip(1).max_by(|a, b| a.1.total_cmp(b.1));
            let (alt_name, alt_lp) = best_alt.map(|(j, lp)| (cands[i][j].syllable.to_numbered(), *lp)).unwrap_or(("-".into(), f32::NEG_INFINITY));
            let mark = if f[6] == i.to_string() { "*" } else { "" };
            out += &format!(" {mark}{}:{:.1}/{}:{:.1}", surf[i].syllable.to_numbered(), ev.group_lp[0], alt_name, alt_lp);
        }
        println!("{out}");
    }
}
