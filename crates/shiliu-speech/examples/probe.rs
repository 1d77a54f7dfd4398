use std::time::Instant;
use whisper_rs::{FullParams, SamplingStrategy, WhisperContext, WhisperContextParameters};
fn main() {
    whisper_rs::install_logging_hooks();
    let ctx = WhisperContext::new_with_params("/tmp/sd1/models/whisper-base-q8_0-5facc8c72b62.bin", WhisperContextParameters::default()).unwrap();
    let text = std::fs::read_to_string("/work/main/crates/shiliu-pinyin/data/standard-chars.txt").unwrap();
    let chars: Vec<char> = text.lines().filter(|l| !l.starts_with('#')).flat_map(|l| l.chars()).collect();
    let mut hist = [0usize; 5];
    for c in &chars { let t = ctx.tokenize(&c.to_string(), 8).unwrap(); hist[t.len().min(4)] += 1; }
    println!("chars {} token-count hist {:?}", chars.len(), hist);
    // common chars
    let common = "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持取设始版双历越史商千片容研像找友孩站广改议形委早房音火际则首单据导影失拿网香似斯专石若兵弟谁校读志飞观争究包组造落视济喜离虽坐集编宝谈府拉黑且随格尽剑讲布杀微怕母调局根曾准团段终乐切级克精哪官示冷域读";
    let mut single = 0; let mut n = 0;
    for c in common.chars() { n += 1; if ctx.tokenize(&c.to_string(), 8).unwrap().len() == 1 { single += 1; } }
    println!("common {} single-token {}", n, single);
    for w in ["老师", "老鼠", "你好", "我们", "鼠", "习", "普通话"] { println!("{w}: {:?} per-char {:?}", ctx.tokenize(w, 16).unwrap(), w.chars().map(|c| ctx.tokenize(&c.to_string(), 8).unwrap()).collect::<Vec<_>>()); }
    let samples = shiliu_audio::wav::load_16k_mono(std::path::Path::new("/work/shared/corpus/wav/sentences/aishell3_SSB17280177.wav")).unwrap();
    let mut state = ctx.create_state().unwrap();
    let mut p = FullParams::new(SamplingStrategy::Greedy { best_of: 1 });
    p.set_language(Some("zh")); p.set_n_threads(2); p.set_audio_ctx(160); p.set_single_segment(true); p.set_no_timestamps(true); p.set_temperature_inc(0.0);
    let t = Instant::now(); state.full(p, &samples).unwrap(); println!("full {:?}", t.elapsed());
    let sot = ctx.token_sot(); let zh = ctx.token_lang(whisper_rs::get_lang_id("zh").unwrap()); let tr = ctx.token_transcribe(); let nts = ctx.token_not();
    let prefix = [sot, zh, tr, nts];
    let t = Instant::now(); state.decode(&prefix[..3], 0, 2).unwrap(); state.decode(&prefix[3..], 3, 2).unwrap(); println!("prefix {:?}", t.elapsed());
    let target: Vec<i32> = "不但没嫁出去".chars().flat_map(|c| ctx.tokenize(&c.to_string(), 8).unwrap()).collect();
    let mut n_past = 4; let mut total = 0.0;
    let t = Instant::now();
    for &tok in &target {
        let logits = state.get_logits().unwrap();
        let max = logits.iter().cloned().fold(f32::MIN, f32::max);
        let lse = max + logits.iter().map(|l| (l - max).exp()).sum::<f32>().ln();
        let lp = logits[tok as usize] - lse; total += lp;
        let best = logits.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).unwrap().0;
        print!("[{} lp {:.2} best {}] ", ctx.token_to_str_lossy(tok).unwrap(), lp, ctx.token_to_str_lossy(best as i32).unwrap());
        state.decode(&[tok], n_past, 2).unwrap(); n_past += 1;
    }
    println!("\nteacher forced {} tokens in {:?}, total lp {total:.2}", target.len(), t.elapsed());
}
