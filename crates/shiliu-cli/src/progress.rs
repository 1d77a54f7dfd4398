//! Progress on stderr: one updating line on a terminal, occasional lines in a log.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use shiliu_model::Progress;

pub struct ProgressLine {
    tty: bool,
    last: Option<Instant>,
    last_label: String,
}

impl ProgressLine {
    pub fn new() -> Self {
        ProgressLine { tty: std::io::stderr().is_terminal(), last: None, last_label: String::new() }
    }

    pub fn update(&mut self, p: &Progress) {
        let (label, line) = match p {
            Progress::Download { file, done, total } => (
                format!("download {file}"),
                format!("downloading {file}: {:.1} / {:.1} MB", *done as f64 / 1e6, *total as f64 / 1e6),
            ),
            Progress::Join => ("join".into(), "joining the model parts".into()),
            Progress::Convert { done, total } => {
                ("convert".into(), format!("converting to ggml: tensor {done} / {total}"))
            }
            Progress::Copy { done, total } => {
                ("copy".into(), format!("copying: {:.1} / {:.1} MB", *done as f64 / 1e6, *total as f64 / 1e6))
            }
            Progress::Verify => ("verify".into(), "verifying".into()),
        };
        let finished = match p {
            Progress::Download { done, total, .. } | Progress::Copy { done, total } => done == total,
            Progress::Convert { done, total } => done == total,
            _ => true,
        };
        let due = self.last.is_none_or(|t| t.elapsed() > Duration::from_millis(if self.tty { 100 } else { 3000 }));
        if !(due || finished || label != self.last_label) {
            return;
        }
        self.last = Some(Instant::now());
        self.last_label = label;
        let mut err = std::io::stderr();
        if self.tty {
            let _ = write!(err, "\r\x1b[2K{line}");
            if finished {
                let _ = writeln!(err);
            }
        } else {
            let _ = writeln!(err, "{line}");
        }
        let _ = err.flush();
    }
}
