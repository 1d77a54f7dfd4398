//! A virtual microphone: a private PulseAudio server whose default source is the monitor of a
//! null sink. Whatever is played into the sink is what the app "hears".

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct VirtualMic {
    dir: tempfile::TempDir,
    child: Child,
}

impl VirtualMic {
    pub fn start() -> VirtualMic {
        let pulseaudio = crate::system_tool("pulseaudio");
        let dir = tempfile::Builder::new().prefix("shiliu-vmic").tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("home")).unwrap();
        std::fs::create_dir_all(root.join("run")).unwrap();
        let script = format!(
            "load-module module-native-protocol-unix auth-anonymous=1 socket={sock}\n\
             load-module module-null-sink sink_name=vspk rate=48000 sink_properties=device.description=VirtualSpeaker\n\
             set-default-sink vspk\n\
             set-default-source vspk.monitor\n",
            sock = root.join("native").display()
        );
        std::fs::write(root.join("vmic.pa"), script).unwrap();
        let child = Command::new(pulseaudio)
            .args([
                "--daemonize=no",
                "--exit-idle-time=-1",
                "--disallow-exit",
                "--use-pid-file=no",
                "--disable-shm=yes",
                "-n",
                "-F",
            ])
            .arg(root.join("vmic.pa"))
            .env("HOME", root.join("home"))
            .env("XDG_RUNTIME_DIR", root.join("run"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start pulseaudio");
        let mic = VirtualMic { dir, child };
        for _ in 0..100 {
            if mic.socket().exists() {
                std::thread::sleep(Duration::from_millis(200));
                return mic;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("the virtual microphone's PulseAudio server did not start");
    }

    fn socket(&self) -> PathBuf {
        self.dir.path().join("native")
    }

    /// The value for PULSE_SERVER that routes a process's audio here.
    pub fn server(&self) -> String {
        format!("unix:{}", self.socket().display())
    }

    /// Plays a WAV file into the virtual microphone (blocks until done).
    pub fn play(&self, wav: &Path) {
        let status = Command::new(crate::system_tool("paplay"))
            .arg("--device=vspk")
            .arg(wav)
            .env("PULSE_SERVER", self.server())
            .status()
            .expect("run paplay");
        assert!(status.success(), "paplay failed");
    }
}

impl Drop for VirtualMic {
    fn drop(&mut self) {
        crate::terminate(&mut self.child);
    }
}
