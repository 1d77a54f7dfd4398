//! The attested syllables of standard Mandarin, without tone.
//!
//! The list is data, not rules: every toneless syllable that some reading of a character in the
//! 2013 standard character list (通用规范汉字表, 8105 characters) has in mozillazg/pinyin-data,
//! which is what the `pinyin` crate ships. That is the ~400 syllables of the usual tables plus the
//! rare but real ones a dictionary lists (den 扽, tei 忒, chua 欻, nun 黁, lo 咯) and the
//! interjections (ê 欸, yo 哟, m 呣, n ng 嗯, hm 噷, hng 哼). Spellings are standard pinyin,
//! one line per initial.

use std::collections::HashSet;
use std::sync::OnceLock;

use crate::finals::Final;
use crate::initial::Initial;
use crate::spelling::split_spelling;

const SYLLABLES: &str = "
ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu
pa pai pan pang pao pei pen peng pi pian piao pie pin ping po pou pu
ma mai man mang mao me mei men meng mi mian miao mie min ming miu mo mou mu
fa fan fang fei fen feng fo fou fu
da dai dan dang dao de dei den deng di dia dian diao die ding diu dong dou du duan dui dun duo
ta tai tan tang tao te tei teng ti tian tiao tie ting tong tou tu tuan tui tun tuo
na nai nan nang nao ne nei nen neng ni nian niang niao nie nin ning niu nong nou nu nuan nun nuo nü nüe
la lai lan lang lao le lei len leng li lia lian liang liao lie lin ling liu lo long lou lu luan lun luo lü lüe
ga gai gan gang gao ge gei gen geng gong gou gu gua guai guan guang gui gun guo
ka kai kan kang kao ke kei ken keng kong kou ku kua kuai kuan kuang kui kun kuo
ha hai han hang hao he hei hen heng hm hng hong hou hu hua huai huan huang hui hun huo
ji jia jian jiang jiao jie jin jing jiong jiu ju juan jue jun
qi qia qian qiang qiao qie qin qing qiong qiu qu quan que qun
xi xia xian xiang xiao xie xin xing xiong xiu xu xuan xue xun
zha zhai zhan zhang zhao zhe zhei zhen zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun zhuo
cha chai chan chang chao che chen cheng chi chong chou chu chua chuai chuan chuang chui chun chuo
sha shai shan shang shao she shei shen sheng shi shou shu shua shuai shuan shuang shui shun shuo
ran rang rao re ren reng ri rong rou ru ruan rui run ruo
za zai zan zang zao ze zei zen zeng zi zong zou zu zuan zui zun zuo
ca cai can cang cao ce cen ceng ci cong cou cu cuan cui cun cuo
sa sai san sang sao se sen seng si song sou su suan sui sun suo
a ai an ang ao e ei en er m n ng o ou ê
ya yan yang yao ye yi yin ying yo yong you yu yuan yue yun
wa wai wan wang wei wen weng wo wu
";

struct Table {
    ordered: Vec<(Initial, Final)>,
    set: HashSet<(Initial, Final)>,
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let ordered: Vec<(Initial, Final)> = SYLLABLES
            .split_whitespace()
            .map(|s| match split_spelling(s) {
                Ok(parts) if !parts.erhua => (parts.initial, parts.final_),
                // The table is a constant checked by the tests below; a bad entry is a bug here.
                _ => panic!("syllable table entry {s:?} does not parse"),
            })
            .collect();
        let set = ordered.iter().copied().collect();
        Table { ordered, set }
    })
}

/// Whether this initial + final combination is a syllable of standard Mandarin.
pub fn is_attested(initial: Initial, final_: Final) -> bool {
    table().set.contains(&(initial, final_))
}

/// Every attested toneless syllable, grouped by initial in textbook order.
pub fn syllable_table() -> &'static [(Initial, Final)] {
    &table().ordered
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_four_hundred_and_seventeen_distinct_syllables() {
        assert_eq!(syllable_table().len(), 417);
        assert_eq!(table().set.len(), 417);
    }

    #[test]
    fn common_syllables_are_attested() {
        assert!(is_attested(Initial::Zh, Final::ApicalBack));
        assert!(is_attested(Initial::Z, Final::ApicalFront));
        assert!(is_attested(Initial::L, Final::V));
        assert!(is_attested(Initial::Zero, Final::Uei));
        assert!(is_attested(Initial::J, Final::Vn));
    }

    #[test]
    fn impossible_combinations_are_not_attested() {
        assert!(!is_attested(Initial::B, Final::V));
        assert!(!is_attested(Initial::Zh, Final::I));
        assert!(!is_attested(Initial::Z, Final::ApicalBack));
        assert!(!is_attested(Initial::J, Final::U));
        assert!(!is_attested(Initial::G, Final::I));
        assert!(!is_attested(Initial::F, Final::Iao));
        assert!(!is_attested(Initial::Zero, Final::Ong));
    }

    #[test]
    fn every_initial_has_syllables() {
        for i in Initial::ALL {
            assert!(syllable_table().iter().any(|(x, _)| *x == i), "{i}");
        }
    }
}
