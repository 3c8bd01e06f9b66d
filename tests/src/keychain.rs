//! A real OS keychain for tests: a private D-Bus session bus with gnome-keyring's Secret Service
//! on it, unlocked, in a home of its own. Processes given `env()` use it; dropping it stops both.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub struct Keychain {
    home: PathBuf,
    bus_address: String,
    bus_pid: u32,
}

impl Keychain {
    pub fn start(home: &Path) -> Keychain {
        for sub in ["data", "run"] {
            std::fs::create_dir_all(home.join(sub)).unwrap();
        }
        std::fs::set_permissions(home.join("run"), std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
        let out = Command::new("dbus-daemon")
            .args(["--session", "--fork", "--print-address=1", "--print-pid=1"])
            .stderr(Stdio::null())
            .output()
            .expect("dbus-daemon (apt-get install dbus-daemon)");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let mut lines = text.lines();
        let bus_address = lines.next().expect("bus address").trim().to_string();
        let bus_pid = lines.next().and_then(|l| l.trim().parse().ok()).expect("bus pid");
        let keychain = Keychain { home: home.to_path_buf(), bus_address, bus_pid };
        let mut daemon = Command::new("gnome-keyring-daemon")
            .args(["--unlock", "--components=secrets", "--daemonize"])
            .envs(keychain.env())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("gnome-keyring-daemon (apt-get install gnome-keyring)");
        daemon.stdin.take().unwrap().write_all(b"login keyring password").unwrap();
        assert!(daemon.wait().unwrap().success(), "gnome-keyring-daemon did not start");
        keychain
    }

    /// The environment that points a process at this keychain.
    pub fn env(&self) -> Vec<(String, String)> {
        let home = self.home.display().to_string();
        vec![
            ("DBUS_SESSION_BUS_ADDRESS".into(), self.bus_address.clone()),
            ("HOME".into(), home.clone()),
            ("XDG_DATA_HOME".into(), format!("{home}/data")),
            ("XDG_RUNTIME_DIR".into(), format!("{home}/run")),
        ]
    }
}

impl Drop for Keychain {
    fn drop(&mut self) {
        // gnome-keyring leaves with its session bus.
        let _ = Command::new("kill").arg(self.bus_pid.to_string()).status();
    }
}
