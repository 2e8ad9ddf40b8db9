//! Sequential `true` commands over one cached russh connection, against
//! OpenSSH's `ssh` with ControlMaster, both to the same local sshd in the
//! same run.
//!
//! `cargo bench -p jobflow-stdlib --bench ssh` runs criterion's per-command
//! measurements and then a summary of `JOBFLOW_SSH_BENCH_N` (default 1000,
//! the figure) sequential commands each way, printing
//! the per-command milliseconds and the ratio. The same summary runs the
//! issue's best client, paramiko with TCP_NODELAY (`paramiko_client.py`,
//! `/usr/bin/python3` with `python3-paramiko`), over one connection to the
//! same sshd. Skipped (with a message) when `/usr/sbin/sshd` is missing;
//! the paramiko line alone is skipped when paramiko is.

#[path = "../tests/support/sshd.rs"]
mod sshd;

use criterion::{criterion_group, criterion_main, Criterion};
use jobflow_stdlib::exec::ssh::{ClientOptions, SshPool, SshSettings};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

struct Setup {
    sshd: sshd::Sshd,
    runtime: tokio::runtime::Runtime,
    pool: SshPool,
    settings: SshSettings,
    control: PathBuf,
}

impl Setup {
    fn new() -> Option<Self> {
        let sshd = match sshd::Sshd::start() {
            Ok(s) => s,
            Err(reason) => {
                eprintln!("ssh bench skipped: {reason}");
                return None;
            }
        };
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .ok()?;
        let pool = SshPool::new(ClientOptions {
            known_hosts: Some(sshd.dir().join("known_hosts")),
            ..ClientOptions::default()
        });
        let mut settings = SshSettings::new("127.0.0.1", sshd.port, sshd::current_user());
        settings.credentials.keyfile = Some(sshd.client_key.clone());
        let control = sshd.dir().join("cm-%C");
        Some(Self {
            sshd,
            runtime,
            pool,
            settings,
            control,
        })
    }

    fn russh_once(&self) {
        let out = self.runtime.block_on(self.pool.run_raw(&self.settings, "true", &[]));
        assert!(matches!(out, Ok(ref o) if o.status == 0), "{out:?}");
    }

    fn openssh(&self, args: &[&str]) -> Command {
        let mut c = Command::new("ssh");
        c.args(["-o", "ControlMaster=auto"])
            .arg("-o")
            .arg(format!("ControlPath={}", self.control.display()))
            .args(["-o", "ControlPersist=60", "-o", "BatchMode=yes"])
            .args(["-o", "StrictHostKeyChecking=accept-new"])
            .arg("-o")
            .arg(format!(
                "UserKnownHostsFile={}",
                self.sshd.dir().join("known_hosts_openssh").display()
            ))
            .arg("-i")
            .arg(&self.sshd.client_key)
            .arg("-p")
            .arg(self.sshd.port.to_string())
            .arg(format!("{}@127.0.0.1", self.settings.target.user))
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        c
    }

    /// Milliseconds per command of `paramiko_client.py` over `n` commands.
    fn paramiko(&self, n: u32) -> Result<f64, String> {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/paramiko_client.py");
        let out = Command::new("/usr/bin/python3")
            .arg(script)
            .args(["127.0.0.1", &self.sshd.port.to_string(), &self.settings.target.user])
            .arg(&self.sshd.client_key)
            .arg(n.to_string())
            .stderr(Stdio::piped())
            .output()
            .map_err(|e| format!("cannot start /usr/bin/python3: {e}"))?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        stdout
            .trim()
            .strip_prefix("paramiko ")
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| {
                let stderr = String::from_utf8_lossy(&out.stderr);
                format!(
                    "{} (apt-get install -y python3-paramiko)",
                    stderr.trim().lines().last().unwrap_or("no output")
                )
            })
    }

    fn openssh_once(&self) {
        let st = self.openssh(&["true"]).status();
        assert!(matches!(st, Ok(s) if s.success()), "{st:?}");
    }
}

impl Drop for Setup {
    fn drop(&mut self) {
        let _ = self.openssh(&["-O", "exit"]).status();
    }
}

fn per_command(n: u32, f: impl Fn()) -> Duration {
    let start = Instant::now();
    for _ in 0..n {
        f();
    }
    start.elapsed() / n
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn bench(c: &mut Criterion) {
    let Some(setup) = Setup::new() else {
        return;
    };
    // Warm both: log in, start the master.
    setup.russh_once();
    setup.openssh_once();
    let mut group = c.benchmark_group("ssh_true");
    group.sample_size(20).measurement_time(Duration::from_secs(5));
    group.bench_function("russh_cached", |b| b.iter(|| setup.russh_once()));
    group.bench_function("openssh_controlmaster", |b| b.iter(|| setup.openssh_once()));
    group.finish();

    let n: u32 = std::env::var("JOBFLOW_SSH_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let russh = per_command(n, || setup.russh_once());
    let openssh = per_command(n, || setup.openssh_once());
    println!(
        "ssh summary: {n} sequential commands: russh cached {:.3} ms/command, OpenSSH ControlMaster {:.3} ms/command, \
         ratio {:.2}x ({} login(s), {} sshd connection(s))",
        ms(russh),
        ms(openssh),
        openssh.as_secs_f64() / russh.as_secs_f64().max(1e-9),
        setup.pool.logins(),
        setup.sshd.connections(),
    );
    match setup.paramiko(n) {
        Ok(ms_per_command) => println!(
            "ssh summary: paramiko (TCP_NODELAY) {ms_per_command:.3} ms/command; russh is {:.2}x paramiko's time",
            ms(russh) / ms_per_command.max(1e-9),
        ),
        Err(reason) => println!("ssh summary: paramiko comparison skipped: {reason}"),
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
