//! Just enough of the W3C WebDriver protocol to drive the real app window through
//! tauri-driver (which forwards to WebKitWebDriver).

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{Value, json};

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A running tauri-driver and one session with the app open in it.
pub struct AppSession {
    base: String,
    session: String,
    agent: ureq::Agent,
    driver: Child,
}

impl AppSession {
    /// Starts tauri-driver with `env` (display, data dir, audio server) and opens `app`.
    pub fn open(app: &Path, env: &[(&str, String)]) -> AppSession {
        let port = free_port();
        let mut cmd = Command::new(crate::system_tool("tauri-driver"));
        cmd.args(["--port", &port.to_string(), "--native-port", &(port + 1).to_string()]);
        // WebKitWebDriver's screenshots wait for a composited frame, which never comes with the
        // app's default software drawing; sessions composite unless the caller says otherwise.
        cmd.env("WEBKIT_DISABLE_COMPOSITING_MODE", "0");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let driver = cmd.stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("start tauri-driver");
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        let base = format!("http://127.0.0.1:{port}");
        let caps = json!({"capabilities": {"alwaysMatch": {"tauri:options": {"application": app}}}});
        let started = Instant::now();
        let session = loop {
            match agent.post(format!("{base}/session")).send_json(&caps) {
                Ok(mut resp) if resp.status() == 200 => {
                    let v: Value = resp.body_mut().read_json().expect("session JSON");
                    break v["value"]["sessionId"].as_str().expect("session id").to_owned();
                }
                other if started.elapsed() > Duration::from_secs(30) => panic!("no WebDriver session: {other:?}"),
                _ => std::thread::sleep(Duration::from_millis(300)),
            }
        };
        AppSession { base, session, agent, driver }
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}/session/{}{path}", self.base, self.session);
        let resp = match (method, body) {
            ("GET", _) => self.agent.get(&url).call(),
            ("DELETE", _) => self.agent.delete(&url).call(),
            (_, b) => self.agent.post(&url).send_json(b.unwrap_or(json!({}))),
        };
        let v: Value = resp.expect("WebDriver request").body_mut().read_json().expect("WebDriver JSON");
        if let Some(err) = v["value"].get("error") {
            panic!("WebDriver {method} {path}: {err} {}", v["value"]["message"]);
        }
        v["value"].clone()
    }

    /// Waits up to `timeout` for an element matching `css` and returns its id.
    pub fn wait_for(&self, css: &str, timeout: Duration) -> String {
        let started = Instant::now();
        loop {
            let url = format!("{}/session/{}/element", self.base, self.session);
            let v: Value = self
                .agent
                .post(&url)
                .send_json(json!({"using": "css selector", "value": css}))
                .expect("find element")
                .body_mut()
                .read_json()
                .expect("JSON");
            if let Some(id) = v["value"][ELEMENT_KEY].as_str() {
                return id.to_owned();
            }
            assert!(started.elapsed() < timeout, "no element {css} after {timeout:?}");
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    pub fn text(&self, element: &str) -> String {
        self.call("GET", &format!("/element/{element}/text"), None).as_str().unwrap_or_default().to_owned()
    }

    pub fn attribute(&self, element: &str, name: &str) -> Option<String> {
        self.call("GET", &format!("/element/{element}/attribute/{name}"), None).as_str().map(str::to_owned)
    }

    /// Types into an input.
    pub fn type_text(&self, element: &str, text: &str) {
        self.call("POST", &format!("/element/{element}/value"), Some(json!({"text": text})));
    }

    /// Every element matching `css`, right now.
    pub fn find_all(&self, css: &str) -> Vec<String> {
        self.call("POST", "/elements", Some(json!({"using": "css selector", "value": css})))
            .as_array()
            .map(|a| a.iter().filter_map(|e| e[ELEMENT_KEY].as_str().map(str::to_owned)).collect())
            .unwrap_or_default()
    }

    /// Waits until `css` matches nothing (a spinner gone, a screen left).
    pub fn wait_gone(&self, css: &str, timeout: Duration) {
        let started = Instant::now();
        while !self.find_all(css).is_empty() {
            assert!(started.elapsed() < timeout, "{css} still there after {timeout:?}");
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Runs `script` (a function body) in the page and returns what it returns.
    pub fn execute(&self, script: &str) -> Value {
        self.call("POST", "/execute/sync", Some(json!({"script": script, "args": []})))
    }

    pub fn click(&self, element: &str) {
        self.call("POST", &format!("/element/{element}/click"), Some(json!({})));
    }

    /// Saves a PNG of the window; waits briefly first because the frame can lag the DOM.
    pub fn screenshot(&self, path: &Path) {
        std::thread::sleep(Duration::from_millis(600));
        let b64 = self.call("GET", "/screenshot", None);
        let png = base64::engine::general_purpose::STANDARD.decode(b64.as_str().expect("base64")).expect("decode");
        std::fs::write(path, png).expect("write screenshot");
        eprintln!("screenshot: {}", path.display());
    }
}

impl Drop for AppSession {
    fn drop(&mut self) {
        let _ = self.agent.delete(format!("{}/session/{}", self.base, self.session)).call();
        crate::terminate(&mut self.driver);
    }
}

fn free_port() -> u16 {
    // Two consecutive free ports (tauri-driver and WebKitWebDriver).
    for _ in 0..50 {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let p = l.local_addr().unwrap().port();
        if p < 65000 && std::net::TcpListener::bind(("127.0.0.1", p + 1)).is_ok() {
            return p;
        }
    }
    panic!("no free ports");
}
