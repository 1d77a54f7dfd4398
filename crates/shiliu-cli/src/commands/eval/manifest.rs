//! Reading a corpus manifest: a tab-separated table with a header row. Both layouts in
//! ../shared are understood (real recordings: `transcript_hanzi`, `pinyin_with_tone_numbers`;
//! labelled synthetic errors: `target_hanzi`, `target_pinyin`, `label`, `error_index`,
//! `variant`, `spoken_pinyin`), and the plain names `hanzi`/`text` and `pinyin`. The pinyin
//! column may be missing or a cell empty: the text's own citation reading is used then.
//!
//! A spreadsheet's byte-order mark, Windows line ends, blank lines and `#` comments are
//! tolerated. A row that cannot be used is named with its line number instead of ending the
//! run: one bad row should not hide the measurements of the rest.

use std::path::Path;

use anyhow::{Context, Result, bail};

/// One clip to score.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Row {
    pub file: String,
    pub text: String,
    /// Citation pinyin, one tone-numbered syllable per character.
    pub pinyin: String,
    /// Synthetic set: the label, the changed syllable and the variant.
    pub label: Option<String>,
    pub error_index: Option<usize>,
    pub variant: String,
    pub spoken: Option<String>,
    /// Texts the recording is to be told apart from (`--contrasts`), and which was said.
    pub contrast: Option<super::contrasts::Contrasted>,
}

/// The rows, and the rows that could not be read: (where, why).
#[derive(Debug)]
pub(crate) struct Manifest {
    pub rows: Vec<Row>,
    pub unusable: Vec<(String, String)>,
}

const TEXT_COLUMNS: [&str; 4] = ["target_hanzi", "transcript_hanzi", "hanzi", "text"];
const PINYIN_COLUMNS: [&str; 3] = ["target_pinyin", "pinyin_with_tone_numbers", "pinyin"];

pub(crate) fn read(path: &Path) -> Result<Manifest> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    parse(&text).with_context(|| format!("{} is not a corpus manifest this command knows", path.display()))
}

pub(crate) fn parse(text: &str) -> Result<Manifest> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'));
    let (_, header) = lines.next().context("it is empty")?;
    let header: Vec<&str> = header.split('\t').map(str::trim).collect();
    let col = |name: &str| header.iter().position(|h| h.eq_ignore_ascii_case(name));
    let first_of = |names: &[&str]| names.iter().find_map(|n| col(n));
    let file_col = col("file").context("its header has no `file` column")?;
    let Some(text_col) = first_of(&TEXT_COLUMNS) else {
        bail!("its header has no text column (one of {})", TEXT_COLUMNS.join(", "));
    };
    let pinyin_col = first_of(&PINYIN_COLUMNS);
    let (label_col, index_col, variant_col, spoken_col) =
        (col("label"), col("error_index"), col("variant"), col("spoken_pinyin"));

    let mut manifest = Manifest { rows: Vec::new(), unusable: Vec::new() };
    for (i, line) in lines {
        let fields: Vec<&str> = line.split('\t').map(str::trim).collect();
        let get = |c: Option<usize>| c.and_then(|c| fields.get(c)).filter(|s| !s.is_empty()).map(|s| s.to_string());
        let (Some(file), Some(text)) = (get(Some(file_col)), get(Some(text_col))) else {
            manifest.unusable.push((format!("line {}", i + 1), "no file or no text in this row".into()));
            continue;
        };
        let pinyin = match get(pinyin_col) {
            Some(p) => p,
            None => match citation_pinyin(&text) {
                Some(p) => p,
                None => {
                    manifest.unusable.push((file, format!("no pinyin given, and {text} has no reading")));
                    continue;
                }
            },
        };
        manifest.rows.push(Row {
            file,
            text,
            pinyin,
            label: get(label_col),
            error_index: get(index_col).and_then(|s| s.parse().ok()),
            variant: get(variant_col).unwrap_or_else(|| "real".into()),
            spoken: get(spoken_col),
            contrast: None,
        });
    }
    Ok(manifest)
}

/// The text's citation reading, one tone-numbered syllable per character.
fn citation_pinyin(text: &str) -> Option<String> {
    let syllables: Vec<String> =
        shiliu_pinyin::to_pinyin(text).iter().filter_map(|r| r.syllable.as_ref().map(|s| s.to_numbered())).collect();
    (!syllables.is_empty()).then(|| syllables.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_synthetic_layout_gives_labels_indices_and_variants() {
        let m = parse(
            "file\ttarget_hanzi\ttarget_pinyin\ttarget_surface_pinyin\tspoken_pinyin\tlabel\terror_index\tvariant\n\
             wav/a.wav\t妈\tma1\tma1\tma4\ttone\t0\tclean\n\
             wav/b.wav\t妈\tma1\tma1\tma1\tcorrect\t-1\tquiet\n",
        )
        .unwrap();
        assert_eq!(m.rows.len(), 2);
        assert_eq!(m.rows[0].label.as_deref(), Some("tone"));
        assert_eq!(m.rows[0].error_index, Some(0));
        assert_eq!(m.rows[0].spoken.as_deref(), Some("ma4"));
        assert_eq!(m.rows[1].error_index, None, "-1 means no error");
        assert_eq!(m.rows[1].variant, "quiet");
    }

    #[test]
    fn the_real_layout_is_a_real_recording_with_its_pinyin() {
        let m = parse("file\ttranscript_hanzi\tpinyin_with_tone_numbers\tnotes\nwav/x.wav\t老师\tlao3 shi1\tspeaker\n")
            .unwrap();
        let r = &m.rows[0];
        assert_eq!((r.file.as_str(), r.text.as_str(), r.pinyin.as_str()), ("wav/x.wav", "老师", "lao3 shi1"));
        assert_eq!((r.label.as_deref(), r.variant.as_str()), (None, "real"));
    }

    #[test]
    fn a_spreadsheet_export_with_a_byte_order_mark_and_windows_line_ends_reads_the_same() {
        let plain = parse("file\thanzi\tpinyin\nwav/x.wav\t老师\tlao3 shi1\n").unwrap();
        let exported = parse("\u{feff}file\thanzi\tpinyin\r\n\r\nwav/x.wav\t老师\tlao3 shi1\r\n").unwrap();
        assert_eq!(plain.rows, exported.rows);
    }

    #[test]
    fn without_pinyin_the_texts_own_reading_is_used() {
        let m = parse("file\ttext\n# a comment\nwav/x.wav\t银行\n").unwrap();
        assert_eq!(m.rows[0].pinyin, "yin2 hang2");
    }

    #[test]
    fn a_short_or_empty_row_is_named_not_fatal() {
        let m = parse("file\thanzi\tpinyin\nwav/x.wav\nwav/y.wav\t老师\tlao3 shi1\n\t老师\tlao3 shi1\n\t\t\n").unwrap();
        assert_eq!(m.rows.len(), 1);
        assert_eq!(m.unusable.len(), 2);
        assert!(m.unusable[0].0.contains("line 2"), "{:?}", m.unusable);
    }

    #[test]
    fn a_table_without_file_or_text_columns_is_refused() {
        assert!(parse("").is_err());
        assert!(parse("path\thanzi\n").unwrap_err().to_string().contains("file"));
        assert!(parse("file\tnotes\n").unwrap_err().to_string().contains("text column"));
    }
}
