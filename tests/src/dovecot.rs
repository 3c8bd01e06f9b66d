//! A real Dovecot IMAP server on a free loopback port, for tests: generated config, a passwd-file
//! user, maildir storage in a temp folder; stopped when dropped. Needs Debian's `dovecot-imapd`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const USER: &str = "support@kindly.test";
pub const PASSWORD: &str = "correct horse battery staple";
/// The environment variable tests hand the mailbox password in.
pub const PASSWORD_VAR: &str = "KINDLY_TEST_IMAP_PASSWORD";

/// Runs `kindly --db DB ARGS…` with the mailbox password in its environment (and `env` added).
pub fn kindly_mail(db: &Path, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = Command::new(crate::kindly_bin());
    cmd.arg("--db").arg(db).args(args).env(PASSWORD_VAR, PASSWORD);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run kindly")
}

pub struct Dovecot {
    dir: tempfile::TempDir,
    /// Plain IMAP (STARTTLS offered).
    pub port: u16,
    /// Implicit TLS (imaps), with the self-signed certificate in `ca_file()`.
    pub tls_port: u16,
    child: Child,
}

fn openssl(args: &[&str], dir: &Path) {
    let ok = Command::new("openssl").args(args).current_dir(dir).stdout(Stdio::null()).stderr(Stdio::null()).status();
    assert!(ok.expect("openssl").success(), "openssl {args:?} failed");
}

fn make_certificates(dir: &Path) {
    let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    openssl(
        &[
            &["req", "-x509"],
            &ec[..],
            &["-days", "2", "-subj", "/CN=Kindly Test CA", "-keyout", "ca.key", "-out", "ca.pem"],
        ]
        .concat(),
        dir,
    );
    openssl(
        &[&["req"], &ec[..], &["-subj", "/CN=127.0.0.1", "-keyout", "key.pem", "-out", "server.csr"]].concat(),
        dir,
    );
    std::fs::write(
        dir.join("server.ext"),
        "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n",
    )
    .unwrap();
    openssl(
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            "server.ext",
            "-out",
            "cert.pem",
        ],
        dir,
    );
}

fn spawn_dovecot(config: &Path) -> Child {
    Command::new("dovecot")
        .arg("-F")
        .arg("-c")
        .arg(config)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start dovecot (apt-get install dovecot-imapd)")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

impl Dovecot {
    pub fn start() -> Dovecot {
        Self::start_with(None)
    }

    /// The same server, also accepting OAuth2 bearer tokens (SASL XOAUTH2 and OAUTHBEARER) through
    /// an `oauth2` passdb that POSTs each token to `introspection_url` (RFC 7662 style: the answer
    /// must say `"active": true` and name the user in `email`). Passwords keep working.
    pub fn start_oauth2(introspection_url: &str) -> Dovecot {
        Self::start_with(Some((introspection_url, "xoauth2 oauthbearer")))
    }

    /// A server that speaks only the standard OAUTHBEARER (RFC 7628), not Google's XOAUTH2.
    pub fn start_oauthbearer_only(introspection_url: &str) -> Dovecot {
        Self::start_with(Some((introspection_url, "oauthbearer")))
    }

    /// `oauth`: the token introspection address and the OAuth2 mechanisms offered.
    fn start_with(oauth: Option<(&str, &str)>) -> Dovecot {
        let introspection_url = oauth.map(|(url, _)| url);
        let dir = tempfile::tempdir().expect("temp dir");
        let (port, tls_port) = (free_port(), free_port());
        let root = dir.path();
        // A small CA of the tests' own signs the server certificate for 127.0.0.1: Kindly trusts it
        // only through KINDLY_EXTRA_CA_FILE, as it would a self-hosted mail server's CA.
        make_certificates(root);
        for sub in ["run", "state", "mail"] {
            std::fs::create_dir_all(root.join(sub)).unwrap();
        }
        let config = format!(
            r#"base_dir = {root}/run
state_dir = {root}/state
instance_name = kindly-test-{port}
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
disable_plaintext_auth = no
auth_mechanisms = {mechanisms}
mail_location = maildir:{root}/mail/%u
first_valid_uid = 1
passdb {{
  driver = passwd-file{password_mechanisms}
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
{oauth2_passdb}
userdb {{
  driver = static
  args = uid=dovecot gid=dovecot home={root}/mail/%u{all_users}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    port = 0
  }}
}}
protocol imap {{
  mail_max_userip_connections = 100
}}
"#,
            root = root.display(),
            // doveadm's user lookups (the SMTP sink delivers with `doveadm save`) would otherwise
            // ask the oauth2 passdb too, which has no token to check.
            password_mechanisms = if introspection_url.is_some() { "\n  mechanisms = plain login" } else { "" },
            all_users = if introspection_url.is_some() { " allow_all_users=yes" } else { "" },
            mechanisms = match oauth {
                Some((_, oauth_mechanisms)) => format!("plain login {oauth_mechanisms}"),
                None => "plain login".into(),
            },
            oauth2_passdb = match oauth {
                Some((_, oauth_mechanisms)) => format!(
                    "passdb {{\n  driver = oauth2\n  mechanisms = {oauth_mechanisms}\n  args = {}/oauth2.conf.ext\n}}",
                    root.display()
                ),
                None => String::new(),
            },
        );
        std::fs::write(root.join("dovecot.conf"), config).unwrap();
        if let Some(url) = introspection_url {
            std::fs::write(
                root.join("oauth2.conf.ext"),
                format!(
                    "introspection_mode = post\nintrospection_url = {url}\nforce_introspection = yes\n\
                     username_attribute = email\nactive_attribute = active\nactive_value = true\n"
                ),
            )
            .unwrap();
        }
        std::fs::write(root.join("passwd"), format!("{USER}:{{PLAIN}}{PASSWORD}\n")).unwrap();
        // Mail processes run as the package's `dovecot` user, never as root.
        let status = Command::new("chown").args(["-R", "dovecot:dovecot"]).arg(root.join("mail")).status().unwrap();
        assert!(status.success(), "chown of the test maildir failed");
        std::fs::set_permissions(root, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
        let child = spawn_dovecot(&root.join("dovecot.conf"));
        let server = Dovecot { dir, port, tls_port, child };
        server.wait_ready();
        server
    }

    /// Stops the server hard (as a crash would) and starts it again on the same port and mail.
    pub fn restart(&mut self) {
        let _ = Command::new("kill").arg("-9").arg(self.child.id().to_string()).status();
        let _ = self.child.wait();
        // Its worker processes go with it; wait until the port is free again.
        let _ = Command::new("pkill").args(["-9", "-f", &format!("kindly-test-{}", self.port)]).status();
        std::thread::sleep(Duration::from_millis(200));
        self.child = spawn_dovecot(&self.config());
        self.wait_ready();
    }

    fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(s) = TcpStream::connect(("127.0.0.1", self.port)) {
                let mut line = String::new();
                if BufReader::new(s).read_line(&mut line).is_ok() && line.starts_with("* OK") {
                    return;
                }
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "dovecot did not start; log:\n{}",
            std::fs::read_to_string(self.dir.path().join("dovecot.log")).unwrap_or_default()
        );
    }

    /// The test CA to trust for `tls_port` and STARTTLS.
    pub fn ca_file(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }

    pub fn config(&self) -> PathBuf {
        self.dir.path().join("dovecot.conf")
    }

    /// Runs `doveadm -c CONFIG ARGS…` and returns stdout.
    pub fn doveadm(&self, args: &[&str]) -> String {
        let out = Command::new("doveadm").arg("-c").arg(self.config()).args(args).output().expect("doveadm");
        assert!(out.status.success(), "doveadm {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// `kindly account add` for this server's mailbox (SMTP on `smtp_port`), plain IMAP.
    pub fn add_account(&self, db: &Path, smtp_port: u16) {
        let (imap, smtp) = (format!("127.0.0.1:{}", self.port), format!("127.0.0.1:{smtp_port}"));
        let args = ["account", "add", "--email", USER, "--imap", &imap, "--smtp", &smtp, "--user", USER];
        let out = kindly_mail(db, &[&args[..], &["--security", "none", "--password-env", PASSWORD_VAR]].concat(), &[]);
        assert!(out.status.success(), "account add: {}", String::from_utf8_lossy(&out.stderr));
    }

    /// This server's mailbox as Kindly stores it (plain IMAP, SMTP on `smtp_port`), with the
    /// password read from PASSWORD_VAR: for tests and benchmarks that use kindly-core directly.
    pub fn account(&self, smtp_port: u16) -> kindly_core::store::accounts::Account {
        kindly_core::store::accounts::Account {
            id: 0,
            email: USER.into(),
            imap_host: "127.0.0.1".into(),
            imap_port: self.port,
            smtp_host: "127.0.0.1".into(),
            smtp_port,
            username: USER.into(),
            security: "none".into(),
            password_env: Some(PASSWORD_VAR.into()),
            keychain_entry: None,
            oauth_provider: None,
        }
    }

    /// An IMAP session for seeding and inspecting the mailbox.
    pub fn client(&self) -> RawImap {
        RawImap::login(self.port)
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg(self.child.id().to_string()).status();
        let _ = self.child.wait();
    }
}

/// A few IMAP commands over a plain socket: enough to seed and inspect a test mailbox without
/// going through the code under test.
pub struct RawImap {
    stream: BufReader<TcpStream>,
    tag: u32,
}

impl RawImap {
    fn login(port: u16) -> RawImap {
        let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to dovecot");
        stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        let mut imap = RawImap { stream: BufReader::new(stream), tag: 0 };
        let mut greeting = String::new();
        imap.stream.read_line(&mut greeting).unwrap();
        imap.command(&format!("LOGIN \"{USER}\" \"{PASSWORD}\""));
        imap
    }

    /// Sends a command, returns the untagged lines; panics unless the server says OK.
    pub fn command(&mut self, command: &str) -> Vec<String> {
        self.send(command.as_bytes(), None)
    }

    fn send(&mut self, command: &[u8], literal: Option<&[u8]>) -> Vec<String> {
        self.tag += 1;
        let tag = format!("t{}", self.tag);
        let out = self.stream.get_mut();
        out.write_all(format!("{tag} ").as_bytes()).unwrap();
        out.write_all(command).unwrap();
        if let Some(body) = literal {
            out.write_all(format!(" {{{}+}}\r\n", body.len()).as_bytes()).unwrap();
            out.write_all(body).unwrap();
        }
        out.write_all(b"\r\n").unwrap();
        let (lines, _) = self.read_until_tagged(&tag, command);
        lines
    }

    /// Reads responses up to the tagged one: the untagged lines, and the literals (message
    /// bodies) in the order they came. Panics unless the server says OK.
    fn read_until_tagged(&mut self, tag: &str, command: &[u8]) -> (Vec<String>, Vec<Vec<u8>>) {
        let (mut lines, mut literals) = (Vec::new(), Vec::new());
        loop {
            let mut line = Vec::new();
            self.stream.read_until(b'\n', &mut line).unwrap();
            let text = String::from_utf8_lossy(&line).into_owned();
            let literal =
                text.trim_end().strip_suffix('}').and_then(|t| t.rsplit_once('{')).and_then(|(_, n)| n.parse().ok());
            if let Some(n) = literal {
                let mut body = vec![0; n];
                self.stream.read_exact(&mut body).unwrap();
                literals.push(body);
            }
            if text.starts_with(&format!("{tag} ")) {
                assert!(text.starts_with(&format!("{tag} OK")), "IMAP {}: {text}", String::from_utf8_lossy(command));
                return (lines, literals);
            }
            lines.push(text);
        }
    }

    pub fn append(&mut self, folder: &str, message: &[u8]) {
        self.send(format!("APPEND \"{folder}\"").as_bytes(), Some(message));
    }

    pub fn create(&mut self, folder: &str) {
        self.command(&format!("CREATE \"{folder}\""));
    }

    /// The flags of every message in `folder`, in UID order.
    pub fn flags(&mut self, folder: &str) -> Vec<String> {
        self.command(&format!("SELECT \"{folder}\""));
        self.command("UID FETCH 1:* (FLAGS)").into_iter().filter(|l| l.contains("FETCH")).collect()
    }
}

/// A real SMTP server (tests/support/smtp_sink.py, aiosmtpd) that delivers into `folder` of the
/// test Dovecot. `set_mode` makes it answer 4xx or 5xx.
pub struct SmtpSink {
    pub port: u16,
    child: Child,
    mode: PathBuf,
}

impl SmtpSink {
    pub fn start(dovecot: &Dovecot, folder: &str) -> SmtpSink {
        Self::start_on(dovecot, folder, free_port())
    }

    pub fn start_on(dovecot: &Dovecot, folder: &str, port: u16) -> SmtpSink {
        Self::spawn(dovecot, folder, port, false, None)
    }

    /// The same server, requiring STARTTLS with the test CA's certificate.
    pub fn start_starttls_on(dovecot: &Dovecot, folder: &str, port: u16) -> SmtpSink {
        Self::spawn(dovecot, folder, port, true, None)
    }

    /// The same server, also offering AUTH XOAUTH2: the bearer token is checked by POSTing it to
    /// `introspection_url`, as the OAuth2 Dovecot does.
    pub fn start_oauth2(dovecot: &Dovecot, folder: &str, introspection_url: &str) -> SmtpSink {
        Self::spawn(dovecot, folder, free_port(), false, Some(introspection_url))
    }

    fn spawn(dovecot: &Dovecot, folder: &str, port: u16, starttls: bool, introspection: Option<&str>) -> SmtpSink {
        let mut imap = dovecot.client();
        if !imap
            .command("LIST \"\" \"*\"")
            .iter()
            .any(|l| l.trim_end().ends_with(&format!("\"{folder}\"")) || l.trim_end().ends_with(&format!(" {folder}")))
        {
            imap.create(folder);
        }
        let mode = dovecot.root().join(format!("smtp-mode-{port}"));
        let script = crate::repo_root().join("tests/support/smtp_sink.py");
        let mut child = Command::new("python3")
            .arg(script)
            .arg(port.to_string())
            .arg(dovecot.config())
            .arg(USER)
            .arg(folder)
            .arg(&mode)
            .arg(USER)
            .arg(PASSWORD)
            .args(if starttls { vec![dovecot.root().join("cert.pem"), dovecot.root().join("key.pem")] } else { vec![] })
            .envs(introspection.map(|url| ("SMTP_SINK_INTROSPECTION_URL", url)))
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(dovecot.root().join(format!("smtp-{port}.log"))).expect("smtp log"))
            .spawn()
            .expect("start the SMTP sink (python3 -m pip install aiosmtpd)");
        let mut ready = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut ready).unwrap();
        assert_eq!(ready.trim(), "ready", "the SMTP sink did not start");
        SmtpSink { port, child, mode }
    }

    pub fn set_mode(&self, mode: &str) {
        std::fs::write(&self.mode, mode).unwrap();
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl RawImap {
    /// How many messages `folder` holds.
    pub fn count(&mut self, folder: &str) -> usize {
        self.command(&format!("STATUS \"{folder}\" (MESSAGES)"))
            .iter()
            .find_map(|l| l.split("MESSAGES ").nth(1).and_then(|n| n.trim_end_matches([')', '\r', '\n']).parse().ok()))
            .unwrap_or(0)
    }

    /// The raw messages of `folder`, in UID order.
    pub fn messages(&mut self, folder: &str) -> Vec<String> {
        self.command(&format!("EXAMINE \"{folder}\""));
        if self.count(folder) == 0 {
            return Vec::new();
        }
        self.tag += 1;
        let tag = format!("t{}", self.tag);
        let command = b"UID FETCH 1:* BODY.PEEK[]";
        let out = self.stream.get_mut();
        out.write_all(format!("{tag} ").as_bytes()).unwrap();
        out.write_all(command).unwrap();
        out.write_all(b"\r\n").unwrap();
        let (_, bodies) = self.read_until_tagged(&tag, command);
        bodies.into_iter().map(|b| String::from_utf8_lossy(&b).into_owned()).collect()
    }
}

/// A loopback TCP proxy to `upstream` that, while `cut_at` is non-zero, drops a connection just
/// before the server's `cut_at`-th FETCH response, after a complete one (as when a server is
/// killed between two messages of a FETCH): the stream just ends, with no error.
pub struct CuttingProxy {
    pub port: u16,
    cut_at: std::sync::Arc<std::sync::atomic::AtomicU64>,
    /// Stall instead of cutting: hold the client, sending nothing more, until the server goes away.
    stall: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// Set once a connection reached its cut.
    reached: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl CuttingProxy {
    pub fn start(upstream: u16, cut_at: u64) -> CuttingProxy {
        use std::sync::atomic::{AtomicU64, Ordering};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let cut = std::sync::Arc::new(AtomicU64::new(cut_at));
        let stall = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let reached = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (setting, stalling, reaching) = (cut.clone(), stall.clone(), reached.clone());
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)) else { continue };
                let cut_at = setting.load(Ordering::SeqCst);
                let (stall, reached) = (stalling.load(Ordering::SeqCst), reaching.clone());
                let (mut c_read, mut s_write) = (client.try_clone().unwrap(), server.try_clone().unwrap());
                std::thread::spawn(move || std::io::copy(&mut c_read, &mut s_write));
                std::thread::spawn(move || {
                    let (mut server, client) = forward_until_cut(server, client, cut_at);
                    if server.is_some() {
                        reached.store(true, Ordering::SeqCst);
                    }
                    if let (true, Some(server)) = (stall, server.as_mut()) {
                        let _ = std::io::copy(server, &mut std::io::sink());
                    }
                    let _ = client.shutdown(std::net::Shutdown::Both);
                    if let Some(server) = server {
                        let _ = server.shutdown(std::net::Shutdown::Both);
                    }
                });
            }
        });
        CuttingProxy { port, cut_at: cut, stall, reached }
    }

    /// At the cut, hold the connection open (sending nothing) until the server goes away.
    pub fn stall_at(&self, n: u64) {
        self.stall.store(true, std::sync::atomic::Ordering::SeqCst);
        self.cut_at(n);
    }

    /// Whether a connection has reached its cut (or stall).
    pub fn reached(&self) -> bool {
        self.reached.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// New connections are cut before their `n`-th FETCH response (0: never).
    pub fn cut_at(&self, n: u64) {
        self.cut_at.store(n, std::sync::atomic::Ordering::SeqCst);
    }

    pub fn stop_cutting(&self) {
        self.stall.store(false, std::sync::atomic::Ordering::SeqCst);
        self.cut_at(0);
    }
}

/// Copies the server's bytes to the client, counting untagged FETCH responses ("\r\n* 12 FETCH");
/// with `cut_at` > 0, stops right before the `cut_at`-th and returns the server connection (None
/// when the server or the client went away first).
fn forward_until_cut(mut from: TcpStream, mut to: TcpStream, cut_at: u64) -> (Option<TcpStream>, TcpStream) {
    use std::io::{Read, Write};
    let (mut seen, mut buf, mut tail) = (0u64, [0u8; 8192], Vec::<u8>::new());
    while let Ok(n @ 1..) = from.read(&mut buf) {
        // The previous chunk's last bytes, so a response start split across reads still counts.
        let carried = tail.len();
        let mut window = std::mem::take(&mut tail);
        window.extend_from_slice(&buf[..n]);
        let mut cut = None;
        let mut i = 0;
        while let Some(p) = window[i..].windows(4).position(|w| w == b"\r\n* ") {
            let start = i + p + 4;
            let digits = window[start..].iter().take_while(|b| b.is_ascii_digit()).count();
            // Counted once: a response start seen whole in the carried bytes was counted before.
            let whole = digits > 0 && window[start + digits..].starts_with(b" FETCH");
            if whole && start + digits + 6 > carried {
                seen += 1;
                if cut_at > 0 && seen >= cut_at {
                    cut = Some(i + p + 2);
                    break;
                }
            }
            i = start;
        }
        let keep = cut.map_or(window.len(), |c| c);
        if keep > carried && to.write_all(&window[carried..keep]).is_err() {
            break;
        }
        if cut.is_some() {
            return (Some(from), to);
        }
        tail = window[window.len().saturating_sub(24)..].to_vec();
    }
    let _ = from.shutdown(std::net::Shutdown::Both);
    (None, to)
}
