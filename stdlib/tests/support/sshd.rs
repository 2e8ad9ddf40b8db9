//! A real OpenSSH server for the SSH tests: its own host key, client key,
//! `sshd_config` and log in a temporary directory, listening on a free port
//! of 127.0.0.1, killed when dropped.
//!
//! Needs `/usr/sbin/sshd` (Debian's `openssh-server`). Without it, or when
//! a test needs root (a password user, sudo) and we are not root, the test
//! is skipped with a printed reason, except under `CI=true`, where it fails.

#![allow(dead_code)]

use std::io::Write;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The password test user (created when we are root).
pub const TEST_USER: &str = "jftest";
/// Its password.
pub const TEST_PASSWORD: &str = "Jf-test-pw-7431";

/// Skips the test (prints why) or, under CI, fails it.
#[macro_export]
macro_rules! require {
    ($opt:expr) => {
        match $opt {
            Ok(v) => v,
            Err(reason) => {
                if std::env::var("CI").is_ok_and(|v| v == "true") {
                    panic!("required for this test under CI: {reason}");
                }
                eprintln!("skipped: {reason}");
                return;
            }
        }
    };
}

/// A running sshd.
pub struct Sshd {
    dir: tempfile::TempDir,
    /// Its port on 127.0.0.1.
    pub port: u16,
    child: Child,
    /// The client private key (ed25519, no passphrase) authorized for every user.
    pub client_key: PathBuf,
    /// The sshd log (LogLevel VERBOSE).
    pub log: PathBuf,
    /// The host's public key line (`type base64`).
    pub host_public_key: String,
    config: PathBuf,
}

fn keygen(path: &Path, kind: &str, passphrase: &str) -> Result<(), String> {
    let status = Command::new("ssh-keygen")
        .args(["-q", "-t", kind, "-N", passphrase, "-C", "jobflow-test", "-f"])
        .arg(path)
        .stdin(Stdio::null())
        .status()
        .map_err(|e| format!("ssh-keygen: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("ssh-keygen failed: {status}"))
    }
}

/// What sshd logs when its port is taken (`Bind to port N on … failed`).
const PORT_TAKEN: &str = "Address already in use";

fn free_port() -> Result<u16, String> {
    let l = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(l.local_addr().map_err(|e| e.to_string())?.port())
}

/// Whether this process runs as root.
pub fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// The user the tests log in as by key: the current user.
pub fn current_user() -> String {
    jobflow_stdlib::exec::ssh::current_user()
}

/// Makes [`TEST_USER`] with [`TEST_PASSWORD`] (root only).
pub fn ensure_test_user() -> Result<(), String> {
    if !is_root() {
        return Err("creating the password test user needs root".into());
    }
    let exists = Command::new("id")
        .arg(TEST_USER)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !exists {
        let st = Command::new("useradd")
            .args(["-m", "-s", "/bin/bash", TEST_USER])
            .status()
            .map_err(|e| format!("useradd: {e}"))?;
        // Another test may have created it in the meantime.
        if !st.success()
            && !Command::new("id")
                .arg(TEST_USER)
                .stdout(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        {
            return Err(format!("useradd failed: {st}"));
        }
    }
    let mut child = Command::new("chpasswd")
        .stdin(Stdio::piped())
        .spawn()
        .map_err(|e| format!("chpasswd: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        writeln!(stdin, "{TEST_USER}:{TEST_PASSWORD}").map_err(|e| e.to_string())?;
    }
    let st = child.wait().map_err(|e| e.to_string())?;
    if !st.success() {
        return Err(format!("chpasswd failed: {st}"));
    }
    Ok(())
}

/// Lets [`TEST_USER`] use sudo with its password (root only, sudo installed).
pub fn ensure_test_sudo() -> Result<(), String> {
    ensure_test_user()?;
    if !Path::new("/usr/bin/sudo").exists() {
        return Err("sudo is not installed (apt-get install sudo)".into());
    }
    let rule = format!("{TEST_USER} ALL=(ALL) ALL\n");
    let path = Path::new("/etc/sudoers.d/jobflow-test");
    if std::fs::read_to_string(path).ok().as_deref() != Some(rule.as_str()) {
        std::fs::create_dir_all("/etc/sudoers.d").map_err(|e| e.to_string())?;
        std::fs::write(path, &rule).map_err(|e| format!("writing {}: {e}", path.display()))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o440)).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

impl Sshd {
    /// Starts an sshd with a new host key.
    pub fn start() -> Result<Self, String> {
        Self::start_on(None, None)
    }

    /// Starts an sshd on `port` (else a free one) with `host_key` (a private
    /// key file; else a new one).
    pub fn start_on(port: Option<u16>, host_key: Option<&Path>) -> Result<Self, String> {
        Self::start_with(port, host_key, 100)
    }

    /// Starts an sshd (free port, new host key) that accepts at most
    /// `max_sessions` channels per connection (`MaxSessions`; the other
    /// starts use 100).
    pub fn start_with_max_sessions(max_sessions: u32) -> Result<Self, String> {
        Self::start_with(None, None, max_sessions)
    }

    fn start_with(port: Option<u16>, host_key: Option<&Path>, max_sessions: u32) -> Result<Self, String> {
        // A free port can be taken by another test's sshd between
        // `free_port` and sshd's bind: then ours exits and we try another.
        let mut tries = 0;
        loop {
            match Self::start_once(port, host_key, max_sessions) {
                Err(e) if port.is_none() && e.contains(PORT_TAKEN) && tries < 5 => tries += 1,
                other => return other,
            }
        }
    }

    fn start_once(port: Option<u16>, host_key: Option<&Path>, max_sessions: u32) -> Result<Self, String> {
        let sshd = Path::new("/usr/sbin/sshd");
        if !sshd.exists() {
            return Err("/usr/sbin/sshd is missing (apt-get install openssh-server)".into());
        }
        if is_root() && !Path::new("/run/sshd").exists() {
            std::fs::create_dir_all("/run/sshd").map_err(|e| format!("creating /run/sshd: {e}"))?;
        }
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let host_key_path = dir.path().join("host_ed25519");
        match host_key {
            Some(k) => {
                std::fs::copy(k, &host_key_path).map_err(|e| e.to_string())?;
                std::fs::copy(k.with_extension("pub"), host_key_path.with_extension("pub"))
                    .map_err(|e| format!("the public half of {}: {e}", k.display()))?;
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    std::fs::set_permissions(&host_key_path, std::fs::Permissions::from_mode(0o600))
                        .map_err(|e| e.to_string())?;
                }
            }
            None => keygen(&host_key_path, "ed25519", "")?,
        }
        let client_key = dir.path().join("client_ed25519");
        keygen(&client_key, "ed25519", "")?;
        let authorized = dir.path().join("authorized_keys");
        std::fs::copy(client_key.with_extension("pub"), &authorized).map_err(|e| e.to_string())?;
        let host_pub = std::fs::read_to_string(host_key_path.with_extension("pub")).map_err(|e| e.to_string())?;
        let host_public_key = host_pub.split_whitespace().take(2).collect::<Vec<_>>().join(" ");
        let port = match port {
            Some(p) => p,
            None => free_port()?,
        };
        let log = dir.path().join("sshd.log");
        // `SetEnv SHLVL=1`: Debian's bash sources ~/.bashrc for commands run
        // by sshd unless it is a nested shell; a heavy ~/.bashrc (pyenv init
        // here, ~400 ms) would otherwise dominate every command's time.
        let config = dir.path().join("sshd_config");
        let text = format!(
            "Port {port}\nListenAddress 127.0.0.1\nHostKey {hk}\nAuthorizedKeysFile {ak}\n\
             PasswordAuthentication yes\nKbdInteractiveAuthentication yes\nPubkeyAuthentication yes\n\
             PermitRootLogin yes\nUsePAM no\nStrictModes no\nPidFile {pid}\nLogLevel VERBOSE\n\
             Subsystem sftp internal-sftp\nMaxSessions {max_sessions}\nMaxStartups 100\nPrintMotd no\n\
             SetEnv SHLVL=1\n",
            hk = host_key_path.display(),
            ak = authorized.display(),
            pid = dir.path().join("sshd.pid").display(),
        );
        std::fs::write(&config, text).map_err(|e| e.to_string())?;
        let child = Command::new(sshd)
            .arg("-D")
            .arg("-f")
            .arg(&config)
            .arg("-E")
            .arg(&log)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("starting sshd: {e}"))?;
        let mut me = Self {
            dir,
            port,
            child,
            client_key,
            log,
            host_public_key,
            config,
        };
        me.wait_ready()?;
        Ok(me)
    }

    /// Waits until this sshd says it listens and a connection goes through.
    /// A connection alone proves nothing: another test's sshd may hold the
    /// port while ours fails to bind it and exits.
    fn wait_ready(&mut self) -> Result<(), String> {
        let addr = SocketAddr::from(([127, 0, 0, 1], self.port));
        let listening = format!("Server listening on 127.0.0.1 port {}.", self.port);
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(Some(st)) = self.child.try_wait() {
                let log = std::fs::read_to_string(&self.log).unwrap_or_default();
                return Err(format!("sshd exited ({st}): {log}"));
            }
            let log = std::fs::read_to_string(&self.log).unwrap_or_default();
            if log.contains(&listening) && TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!("sshd did not start listening within 10 s: {log}"));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The pid of the listening sshd (its children are the connections).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Authorizes one more public key (an `ssh-keygen` `.pub` file) for
    /// every user.
    pub fn authorize(&self, public_key: &Path) -> Result<(), String> {
        let key = std::fs::read_to_string(public_key).map_err(|e| e.to_string())?;
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(self.dir.path().join("authorized_keys"))
            .map_err(|e| e.to_string())?;
        f.write_all(key.as_bytes()).map_err(|e| e.to_string())
    }

    /// Makes a new ed25519 key pair at `path` (and `path.pub`) encrypted
    /// with `passphrase` (empty: none).
    pub fn new_key(path: &Path, passphrase: &str) -> Result<(), String> {
        keygen(path, "ed25519", passphrase)
    }

    /// The temporary directory (also a good place for known_hosts files).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The host private key file.
    pub fn host_key(&self) -> PathBuf {
        self.dir.path().join("host_ed25519")
    }

    /// The sshd log so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// How many SSH connections logged in so far (the readiness probe's
    /// bare TCP connection does not count).
    pub fn connections(&self) -> usize {
        self.log_text()
            .lines()
            .filter(|l| l.starts_with("Accepted ") && l.contains(" for ") && l.contains(" from "))
            .count()
    }

    /// The pids of sshd's per-connection processes.
    pub fn connection_pids(&self) -> Vec<u32> {
        let me = self.child.id();
        let mut pids = Vec::new();
        let Ok(entries) = std::fs::read_dir("/proc") else {
            return pids;
        };
        for e in entries.flatten() {
            let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(e.path().join("stat")) else {
                continue;
            };
            // pid (comm) state ppid ...
            let ppid = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().nth(1))
                .and_then(|p| p.parse::<u32>().ok());
            if ppid == Some(me) {
                pids.push(pid);
            }
        }
        pids
    }

    /// Kills every per-connection process (the listener stays), as if the
    /// connections broke.
    pub fn kill_connections(&self) -> usize {
        let pids = self.connection_pids();
        for pid in &pids {
            let _ = Command::new("kill")
                .args(["-9", &pid.to_string()])
                .stderr(Stdio::null())
                .status();
        }
        pids.len()
    }

    /// Stops the server (connections it accepted are killed too).
    pub fn stop(&mut self) {
        self.kill_connections();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Sshd {
    fn drop(&mut self) {
        self.stop();
        let _ = &self.config;
    }
}
