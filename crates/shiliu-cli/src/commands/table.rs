//! Plain-text tables and CSV files for the teacher-facing commands.
//!
//! Tables line up Chinese names: CJK characters take two columns in a terminal. CSV files
//! start with a UTF-8 byte-order mark, which is how Excel on a Chinese Windows PC recognises
//! UTF-8 (without it, names come out garbled), and quote fields per RFC 4180.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// A table with a header row.
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    /// Columns aligned to the right (numbers).
    right: Vec<bool>,
}

impl Table {
    pub fn new(header: &[&str]) -> Table {
        Table {
            header: header.iter().map(|h| (*h).to_owned()).collect(),
            rows: Vec::new(),
            right: vec![false; header.len()],
        }
    }

    /// Aligns the given columns to the right.
    pub fn numeric(mut self, columns: &[usize]) -> Table {
        for &c in columns {
            self.right[c] = true;
        }
        self
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The table as aligned text, two spaces between columns.
    pub fn render(&self) -> String {
        let mut widths: Vec<usize> = self.header.iter().map(|h| width(h)).collect();
        for row in &self.rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(width(cell));
            }
        }
        let mut out = String::new();
        let mut line = |cells: &[String]| {
            let mut text = String::new();
            for (i, (cell, w)) in cells.iter().zip(&widths).enumerate() {
                let pad = " ".repeat(w - width(cell));
                if i > 0 {
                    text.push_str("  ");
                }
                if self.right[i] {
                    text.push_str(&pad);
                    text.push_str(cell);
                } else {
                    text.push_str(cell);
                    text.push_str(&pad);
                }
            }
            out.push_str(text.trim_end());
            out.push('\n');
        };
        line(&self.header);
        line(&widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>());
        for row in &self.rows {
            line(row);
        }
        out
    }

    /// Writes the table as `dir/name.csv` and returns the path.
    pub fn write_csv(&self, dir: &Path, name: &str) -> Result<PathBuf> {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let path = dir.join(format!("{name}.csv"));
        let mut text = String::from("\u{feff}");
        for row in std::iter::once(&self.header).chain(&self.rows) {
            let cells: Vec<String> = row.iter().map(|c| csv_field(c)).collect();
            text.push_str(&cells.join(","));
            text.push_str("\r\n");
        }
        let mut file = std::fs::File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
        file.write_all(text.as_bytes()).with_context(|| format!("cannot write {}", path.display()))?;
        Ok(path)
    }
}

/// One CSV field, quoted when it holds a comma, quote or line break. Text that a spreadsheet
/// would run as a formula (a student named `=HYPERLINK(…)`, typed on a shared PC) is written
/// behind an apostrophe, which spreadsheets show as plain text.
pub fn csv_field(value: &str) -> String {
    let formula = value.starts_with(['=', '+', '-', '@', '\t', '\r']) && value.parse::<f64>().is_err();
    let value = if formula { format!("'{value}") } else { value.to_owned() };
    if value.contains([',', '"', '\n', '\r']) { format!("\"{}\"", value.replace('"', "\"\"")) } else { value }
}

/// Terminal columns a string takes: two for East Asian wide characters.
pub fn width(text: &str) -> usize {
    text.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF |
        0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 |
        0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

/// A percentage with no decimals, or "–" when unknown.
pub fn percent(rate: Option<f32>) -> String {
    rate.map_or_else(|| "–".to_owned(), |r| format!("{:.0}%", r * 100.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_names_line_up() {
        let mut t = Table::new(&["name", "n"]).numeric(&[1]);
        t.row(vec!["卓玛".into(), "3".into()]);
        t.row(vec!["Ann".into(), "12".into()]);
        assert_eq!(t.render(), "name   n\n----  --\n卓玛   3\nAnn   12\n");
    }

    #[test]
    fn csv_fields_are_quoted_only_when_needed() {
        assert_eq!(csv_field("卓玛"), "卓玛");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }

    #[test]
    fn csv_text_that_a_spreadsheet_would_run_is_written_as_text() {
        assert_eq!(csv_field("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_field("-3.5"), "-3.5", "numbers stay numbers");
    }
}
