//! The read-only report page: schools, their PCs and how much practice their bundles carried,
//! from public manifests only (the hub never holds a school key). No scripts, no remote
//! content: one self-contained HTML page.

use std::fmt::Write;

use shiliu_store::Timestamp;

use crate::storage::SchoolReport;

const DAYS: i64 = 14;

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The page for `schools` as of `now`.
pub fn page(schools: &[SchoolReport], now: Timestamp) -> String {
    let mut out = String::from(concat!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Shiliu hub</title>",
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        "<style>body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}",
        "td,th{border-bottom:1px solid #ddd;padding:.3em .8em;text-align:left}td.n{text-align:right}",
        ".bar{display:inline-block;width:10px;background:#c0392b;margin-right:1px;vertical-align:bottom}",
        ".days{height:40px;display:flex;align-items:flex-end}.muted{color:#888}</style></head><body>",
        "<h1>石榴 Shiliu hub</h1><p class=\"muted\">Counts from bundle manifests: the hub stores encrypted bundles ",
        "and never sees names or scores.</p>"
    ));
    if schools.is_empty() {
        out.push_str("<p>No school has synced yet.</p>");
    }
    for s in schools {
        let _ = write!(
            out,
            "<h2>School {}</h2><p>{} bundles, {:.1} MB, {} attempts, last bundle {}</p>",
            escape(&s.school[..s.school.len().min(8)]),
            s.bundles,
            s.bytes as f64 / 1e6,
            s.attempts,
            if s.last_received_ms > 0 {
                Timestamp::from_millis(s.last_received_ms).date_time() + " UTC"
            } else {
                "never".into()
            }
        );
        let max =
            (0..DAYS).map(|i| s.days.get(&now.minus_days(i).date()).copied().unwrap_or(0)).max().unwrap_or(0).max(1);
        out.push_str("<div class=\"days\" title=\"attempts per day, last 14 days\">");
        for i in (0..DAYS).rev() {
            let day = now.minus_days(i).date();
            let n = s.days.get(&day).copied().unwrap_or(0);
            let _ =
                write!(out, "<span class=\"bar\" style=\"height:{}px\" title=\"{day}: {n}\"></span>", 1 + n * 39 / max);
        }
        out.push_str("</div><table><tr><th>PC</th><th>device</th><th>attempts</th><th>state</th></tr>");
        for d in &s.devices {
            let _ = write!(
                out,
                "<tr><td>{}</td><td class=\"muted\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
                escape(&d.name),
                escape(&d.device[d.device.len().saturating_sub(8)..]),
                d.attempts,
                if d.revoked { "revoked" } else { "enrolled" }
            );
        }
        out.push_str("</table>");
    }
    out.push_str("</body></html>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::DeviceReport;

    #[test]
    fn names_are_escaped_and_nothing_remote_is_loaded() {
        let s = SchoolReport {
            school: "0123456789abcdef".into(),
            devices: vec![DeviceReport {
                device: "d".into(),
                name: "<script>x</script>".into(),
                attempts: 3,
                revoked: false,
            }],
            attempts: 3,
            ..Default::default()
        };
        let html = page(&[s], Timestamp::from_millis(1_709_510_400_000));
        assert!(html.contains("&lt;script&gt;"));
        assert!(!html.contains("<script>"));
        assert!(!html.contains("http://") && !html.contains("https://"));
    }
}
