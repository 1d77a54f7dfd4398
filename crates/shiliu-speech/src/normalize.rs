//! Making recogniser output comparable with a target: simplified characters, numbers written
//! as hanzi, no punctuation, no runaway repetitions.

/// Traditional → simplified, digits → hanzi, punctuation and spaces removed, Latin lowercased.
pub fn normalize(text: &str) -> String {
    let simplified = fast2s::convert(text);
    let spelled = spell_numbers(&simplified);
    spelled.chars().filter(|c| c.is_alphanumeric()).flat_map(|c| c.to_lowercase()).collect()
}

const DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

fn digit_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => c.to_digit(10),
        '０'..='９' => Some(c as u32 - '０' as u32),
        _ => None,
    }
}

/// Writes runs of digits as a speaker would read them.
pub(crate) fn spell_numbers(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if digit_value(chars[i]).is_none() {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && digit_value(chars[i]).is_some() {
            i += 1;
        }
        let digits: Vec<u32> = chars[start..i].iter().filter_map(|&c| digit_value(c)).collect();
        let spelled_from = out.len();
        let next = chars.get(i).copied();
        // Years, phone numbers, codes and numbers with a leading zero are read digit by digit.
        let read_digitwise =
            next == Some('年') && digits.len() == 4 || digits.len() > 8 || (digits.len() > 1 && digits[0] == 0);
        if read_digitwise {
            out.extend(digits.iter().map(|&d| DIGITS[d as usize]));
        } else {
            out.push_str(&spell_integer(digits.iter().fold(0u64, |n, &d| n * 10 + d as u64)));
        }
        // A decimal part is read digit by digit after 点.
        if matches!(next, Some('.') | Some('．')) && chars.get(i + 1).and_then(|&c| digit_value(c)).is_some() {
            out.push('点');
            i += 1;
            while i < chars.len() {
                let Some(d) = digit_value(chars[i]) else { break };
                out.push(DIGITS[d as usize]);
                i += 1;
            }
        }
        if matches!(chars.get(i), Some('%') | Some('％')) {
            // "50%" is read 百分之五十: the percent comes first.
            out.insert_str(spelled_from, "百分之");
            i += 1;
        }
    }
    out
}

/// Reads a non-negative integer in Mandarin (up to 亿 scale).
pub fn spell_integer(n: u64) -> String {
    if n == 0 {
        return "零".into();
    }
    fn below_10k(n: u64, out: &mut String, pad: bool) {
        let units = ['千', '百', '十'];
        let parts = [n / 1000, n / 100 % 10, n / 10 % 10];
        let mut zero_pending = pad;
        let mut started = false;
        for (d, u) in parts.iter().zip(units) {
            if *d == 0 {
                if started || zero_pending {
                    zero_pending = true;
                }
                continue;
            }
            if zero_pending && (started || pad) {
                out.push('零');
            }
            zero_pending = false;
            out.push(DIGITS[*d as usize]);
            out.push(u);
            started = true;
        }
        let ones = n % 10;
        if ones != 0 {
            if zero_pending && (started || pad) {
                out.push('零');
            }
            out.push(DIGITS[ones as usize]);
        }
    }
    let mut out = String::new();
    let groups = [(n / 100_000_000, '亿'), (n / 10_000 % 10_000, '万'), (n % 10_000, ' ')];
    let mut started = false;
    for (g, unit) in groups {
        if g == 0 {
            continue;
        }
        below_10k(g, &mut out, started && g < 1000);
        if unit != ' ' {
            out.push(unit);
        }
        started = true;
    }
    // 一十X is said 十X at the start of a number.
    if out.starts_with("一十") {
        out.remove(0);
    }
    out
}

/// Cuts runaway repetitions that a recogniser produces on short or unclear audio: a unit of one
/// character repeated more than three times, or of 2–6 characters repeated more than twice.
pub fn collapse_repetitions(text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    let mut changed = true;
    while changed {
        changed = false;
        'scan: for unit in 1..=6usize {
            let allowed = if unit == 1 { 3 } else { 2 };
            for start in 0..chars.len() {
                let mut reps = 1;
                while start + (reps + 1) * unit <= chars.len()
                    && chars[start..start + unit] == chars[start + reps * unit..start + (reps + 1) * unit]
                {
                    reps += 1;
                }
                if reps > allowed {
                    chars.drain(start + allowed * unit..start + reps * unit);
                    changed = true;
                    break 'scan;
                }
            }
        }
    }
    chars.into_iter().collect()
}

/// Character error rate: edit distance over the reference length.
pub fn character_error_rate(reference: &str, hypothesis: &str) -> f64 {
    let r: Vec<char> = reference.chars().collect();
    let h: Vec<char> = hypothesis.chars().collect();
    if r.is_empty() {
        return if h.is_empty() { 0.0 } else { 1.0 };
    }
    let mut prev: Vec<usize> = (0..=h.len()).collect();
    for (i, rc) in r.iter().enumerate() {
        let mut cur = vec![i + 1; h.len() + 1];
        for (j, hc) in h.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(rc != hc)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[h.len()] as f64 / r.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traditional_characters_become_simplified() {
        assert_eq!(normalize("我們是學生。"), "我们是学生");
    }

    #[test]
    fn punctuation_and_spaces_are_dropped() {
        assert_eq!(normalize("你好，老師！ 早上好?"), "你好老师早上好");
    }

    #[test]
    fn integers_are_read_in_mandarin() {
        assert_eq!(spell_integer(40), "四十");
        assert_eq!(spell_integer(14), "十四");
        assert_eq!(spell_integer(105), "一百零五");
        assert_eq!(spell_integer(1010), "一千零一十");
        assert_eq!(spell_integer(36), "三十六");
        assert_eq!(spell_integer(20_008), "二万零八");
        assert_eq!(spell_integer(300_000_000), "三亿");
    }

    #[test]
    fn digits_in_text_become_hanzi() {
        assert_eq!(normalize("我有40个"), "我有四十个");
        assert_eq!(normalize("2024年"), "二零二四年");
        assert_eq!(normalize("3.5公斤"), "三点五公斤");
        assert_eq!(normalize("50%"), "百分之五十");
        assert_eq!(normalize("电话13800138000"), "电话一三八零零一三八零零零");
    }

    #[test]
    fn runaway_repetitions_are_cut_but_real_doubling_kept() {
        assert_eq!(collapse_repetitions("谢谢你"), "谢谢你");
        assert_eq!(collapse_repetitions("哈哈哈"), "哈哈哈");
        assert_eq!(collapse_repetitions("我我我我我我我我"), "我我我");
        assert_eq!(collapse_repetitions("老师好老师好老师好老师好"), "老师好老师好");
    }

    #[test]
    fn character_error_rate_counts_edits() {
        assert_eq!(character_error_rate("老师好", "老师好"), 0.0);
        assert!((character_error_rate("老师好", "老鼠好") - 1.0 / 3.0).abs() < 1e-9);
        assert!((character_error_rate("你好", "你好吗") - 0.5).abs() < 1e-9);
        assert_eq!(character_error_rate("", ""), 0.0);
    }
}
