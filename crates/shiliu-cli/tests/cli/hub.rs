//! `shiliu sync hub`: two PCs exchanging through a real hub on loopback, an unreachable hub,
//! and the --watch loop.

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use crate::helpers::{class, school, students};

/// A hub (SQLite storage) served by this process on loopback until dropped.
struct Hub {
    url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    _dir: tempfile::TempDir,
}

impl Hub {
    fn start() -> Hub {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hub.sqlite3");
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                addr_tx.send(listener.local_addr().unwrap()).unwrap();
                let storage = shiliu_hub::SqliteStorage::open(&path).unwrap();
                shiliu_hub::serve(listener, storage, async move {
                    let _ = stopped.await;
                })
                .await
                .unwrap();
            });
        });
        let addr = addr_rx.recv().unwrap();
        Hub { url: format!("http://{addr}"), stop: Some(stop), thread: Some(thread), _dir: dir }
    }
}

impl Drop for Hub {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[test]
fn two_pcs_meet_through_the_hub() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::start();
    let pcs = school(dir.path(), 2);
    class(&pcs[0], "一班", &["卓玛"]);
    class(&pcs[1], "二班", &["扎西"]);
    let out = pcs[0].ok(&["sync", "hub", "--url", &hub.url]);
    assert!(out.contains("synced with") && out.contains("pushed"), "{out}");
    let out = pcs[1].ok(&["sync", "hub", "--url", &hub.url]);
    assert!(out.contains("pulled"), "{out}");
    pcs[0].ok(&["sync", "hub", "--url", &hub.url]);
    for pc in &pcs {
        let list = students(pc);
        assert!(list.contains("卓玛") && list.contains("扎西"), "{list}");
    }
    // Nothing new: the next exchange moves nothing and changes no row.
    let out = pcs[1].ok(&["sync", "hub", "--url", &hub.url]);
    assert!(out.contains("pushed 0 rows") && out.contains("pulled 0 rows"), "{out}");
    let status = pcs[1].ok(&["sync", "status"]);
    assert!(status.contains(&format!("hub {}", hub.url)) && status.contains("last success: 20"), "{status}");
}

#[test]
fn an_unreachable_hub_is_a_clear_error_and_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let pcs = school(dir.path(), 1);
    class(&pcs[0], "一班", &["卓玛"]);
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("http://127.0.0.1:{port}");
    let err = pcs[0].fails(&["sync", "hub", "--url", &url]);
    assert!(err.contains("cannot be reached"), "{err}");
    assert!(students(&pcs[0]).contains("卓玛"));
    let status = pcs[0].ok(&["sync", "status"]);
    assert!(status.contains("last success: never") && status.contains("last error"), "{status}");
}

#[test]
fn watching_the_hub_prints_each_exchange() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::start();
    let pcs = school(dir.path(), 1);
    class(&pcs[0], "一班", &["卓玛"]);
    let mut child = pcs[0]
        .command(&["sync", "hub", "--url", &hub.url, "--watch", "--interval", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut oks = Vec::new();
    while oks.len() < 2 {
        let line = lines.next().expect("the loop keeps printing").unwrap();
        if line.contains(" ok: ") {
            oks.push(line);
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(oks[0].contains("pushed") && !oks[0].contains("pushed 0 rows"), "{oks:?}");
    assert!(oks[1].contains("pushed 0 rows"), "the second exchange has nothing new: {oks:?}");
}

#[test]
fn after_a_pc_is_revoked_the_others_keep_syncing_through_the_hub_without_its_unseen_changes() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::start();
    let pcs = school(dir.path(), 3);
    class(&pcs[0], "一班", &["卓玛"]);
    for pc in [0, 1, 2, 0] {
        pcs[pc].ok(&["sync", "hub", "--url", &hub.url]);
    }
    // pc1 adds a student and pushes it; pc0 has not pulled it when pc1 is reported stolen.
    pcs[1].ok(&["student", "add", "被盗后", "--class", "一班"]);
    pcs[1].ok(&["sync", "hub", "--url", &hub.url]);
    pcs[0].ok(&["device", "revoke", "pc1", "--reason", "stolen"]);
    pcs[0].ok(&["student", "add", "扎西", "--class", "一班"]);
    let out = pcs[0].ok(&["sync", "hub", "--url", &hub.url]);
    assert!(out.contains("synced with"), "{out}");
    let out = pcs[2].ok(&["sync", "hub", "--url", &hub.url]);
    assert!(out.contains("synced with"), "{out}");
    let list = students(&pcs[2]);
    assert!(list.contains("扎西"), "pc0's changes reach pc2 through the hub: {list}");
    assert!(pcs[2].ok(&["device", "list"]).contains("revoked"), "and so does the revocation");
    // Both keep syncing afterwards; the revoked pc is shut out.
    pcs[0].ok(&["sync", "hub", "--url", &hub.url]);
    pcs[2].ok(&["sync", "hub", "--url", &hub.url]);
    assert!(pcs[1].fails(&["sync", "hub", "--url", &hub.url]).contains("revoked"));
}

#[test]
fn a_hub_address_without_http_is_refused_with_a_hint_and_not_remembered() {
    let dir = tempfile::tempdir().unwrap();
    let pcs = school(dir.path(), 1);
    let err = pcs[0].fails(&["sync", "hub", "--url", "127.0.0.1:8750"]);
    assert!(err.contains("http://127.0.0.1:8750"), "{err}");
    assert!(pcs[0].fails(&["sync", "hub", "--url", "ftp://hub"]).contains("only http:// and https://"));
    assert!(!pcs[0].ok(&["sync", "status"]).contains("8750"), "no hub was recorded");
}

#[test]
fn an_address_where_another_web_server_answers_is_named_as_not_a_hub() {
    let dir = tempfile::tempdir().unwrap();
    let pcs = school(dir.path(), 1);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        use std::io::{Read, Write};
        for mut stream in listener.incoming().flatten() {
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let page = "<html><body>It works!</body></html>";
            let _ = write!(
                stream,
                "HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{page}",
                page.len()
            );
        }
    });
    let err = pcs[0].fails(&["sync", "hub", "--url", &url]);
    assert!(err.contains("does not answer like a shiliu hub") && !err.contains("<html>"), "{err}");
}
