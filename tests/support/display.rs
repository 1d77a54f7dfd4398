//! A private X display (Xvfb) for window tests, at the 1366×768 of a typical classroom PC.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct Display {
    pub name: String,
    child: Child,
}

impl Display {
    pub fn start() -> Display {
        let xvfb = crate::system_tool("Xvfb");
        for n in 90..200 {
            if std::path::Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
                || std::path::Path::new(&format!("/tmp/.X{n}-lock")).exists()
            {
                continue;
            }
            let name = format!(":{n}");
            let mut child = Command::new(&xvfb)
                .args([name.as_str(), "-screen", "0", "1366x768x24", "-nolisten", "tcp"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start Xvfb");
            for _ in 0..50 {
                if std::path::Path::new(&format!("/tmp/.X11-unix/X{n}")).exists() {
                    return Display { name, child };
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            crate::terminate(&mut child);
            panic!("Xvfb did not come up on {name}");
        }
        panic!("no free X display number");
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        crate::terminate(&mut self.child);
    }
}
