//! What a suspended process asks of the outside world, and what it is told
//! back.
//!
//! An [`Effect`] is plain data (serde), so a process suspended on one can be
//! written down with it and picked up again. The driver performs the effect
//! (the `jobflow` binary synchronously; an embedding service through its own
//! executors) and hands the [`EffectOutcome`] to
//! [`Process::resume`](crate::process::Process::resume).

use serde::{Deserialize, Serialize};

/// Why a process stopped before its end.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Effect {
    /// Run a command (or script) with these settings; resume with
    /// [`EffectOutcome::Command`].
    RunCommand(Box<CommandRequest>),
    /// Wait until this instant (UTC, as a Unix timestamp in nanoseconds);
    /// resume with [`EffectOutcome::Done`].
    Sleep {
        /// Nanoseconds since the Unix epoch.
        until_nanos: i128,
    },
    /// `suspend()`: park until the embedder (or SIGCONT under `jobflow run`)
    /// resumes; resume with [`EffectOutcome::Done`].
    Suspend,
    /// Wait for processes or channels: an event job, a `choice`, a fork or
    /// pfor waiting for its children or for a place under the process
    /// limit. What is waited for is registered in the scheduler's
    /// [`World`](crate::sched::World), which also holds the timeout and,
    /// when the wait ends, what it delivered; resume with
    /// [`EffectOutcome::Done`].
    Wait,
    /// A built-in job the host performs (`urlopen`, `mailto`, `put`, `get`,
    /// `reboot`…); resume with [`EffectOutcome::Host`].
    Host(Box<HostCall>),
}

/// A built-in job for the host: its arguments, checked and encoded on the
/// VM's thread by the job's [`JobHooks::prepare`](crate::native::JobHooks),
/// and the control variables at the job.
///
/// The payload is opaque to the VM (the library that prepared it decodes
/// it), so the VM does not depend on HTTP, mail or SSH types, and an effect
/// stays plain, `Send` data that a snapshot can hold.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct HostCall {
    /// Which built-in job.
    pub job: crate::bytecode::JobBuiltin,
    /// The request as the library encoded it.
    pub payload: Vec<u8>,
    /// The control variables visible at the job.
    pub settings: CommandSettings,
}

impl std::fmt::Debug for HostCall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The payload may hold passwords (urlopen's `password`, SMTP logins).
        f.debug_struct("HostCall")
            .field("job", &self.job)
            .field("payload", &format_args!("<{} bytes>", self.payload.len()))
            .field("settings", &self.settings)
            .finish()
    }
}

/// How a [`HostCall`] ended.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum HostOutcome {
    /// It succeeded: `$STATUS` 0, and `$RESULT` from this encoded result
    /// through the job's [`JobHooks::finish`](crate::native::JobHooks).
    Done(Vec<u8>),
    /// It failed: `$STATUS` 1, `$ERROR` `'NAME' failed: DETAIL`, `$RESULT`
    /// unchanged (`stdlib.md` 0).
    Failed {
        /// The DETAIL.
        detail: String,
    },
    /// The host could not be reached or logged in to: `$STATUS` -1,
    /// `$RESULT` `''`, `$ERROR` the message (`language.md` 7).
    ConnectionFailure {
        /// What went wrong, in a sentence.
        message: String,
    },
}

/// What to run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CommandLine {
    /// A command string, run through `__shell__ -c` (or split into words when
    /// `__use_shell__` is false).
    Shell(String),
    /// A ScriptJob: the script file and its arguments (string forms).
    Script {
        /// The script file on disk.
        path: String,
        /// Its command-line arguments.
        args: Vec<String>,
    },
}

/// A command job, with every control variable the executor needs
/// (`language.md` 4.4), already reduced to plain values.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct CommandRequest {
    /// What to run.
    pub command: CommandLine,
    /// Standard input (after `<<`): the string form as UTF-8… encoded with
    /// `settings.encoding` by the executor, or raw bytes for a Binary.
    pub stdin: Option<StdinData>,
    /// The control variables.
    pub settings: CommandSettings,
}

impl std::fmt::Debug for CommandRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CommandRequest")
            .field("command", &self.command)
            .field("stdin", &self.stdin.as_ref().map(|_| "…"))
            .field("settings", &self.settings)
            .finish()
    }
}

/// Standard input of a command.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StdinData {
    /// Text, to be encoded with `__encoding__`.
    Text(String),
    /// Bytes, sent as they are.
    Bytes(Vec<u8>),
}

/// Control variables as the executor needs them. `None` means unset/null:
/// the executor applies the defaults of `language.md` 4.4.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CommandSettings {
    /// `__host__` (an empty string counts as unset).
    pub host: Option<String>,
    /// `__user__`.
    pub user: Option<String>,
    /// `__password__` (never logged).
    pub password: Option<String>,
    /// `__keyfile__`.
    pub keyfile: Option<String>,
    /// `__passphrase__` (never logged).
    pub passphrase: Option<String>,
    /// `__port__`.
    pub port: Option<i64>,
    /// `__conntype__`.
    pub conntype: Option<String>,
    /// A String `__proxy__` (`[user@]host[:port]`, comma-separated for a
    /// chain); a NodeInfo one is resolved into `jumps`.
    pub proxy: Option<String>,
    /// `__timeout__` in seconds (0 or unset: none).
    pub timeout: Option<f64>,
    /// `__sudo__`.
    pub sudo: bool,
    /// `__dir__`.
    pub dir: Option<String>,
    /// `__shell__` (default `/bin/bash`).
    pub shell: Option<String>,
    /// `__use_shell__` (default true).
    pub use_shell: bool,
    /// `__use_pty__`.
    pub use_pty: bool,
    /// `__use_cache__` (default true).
    pub use_cache: bool,
    /// `__raw_stdout__`: `$RESULT` as untouched Binary.
    pub raw_stdout: bool,
    /// `__raw_stderr__`: `$ERROR` as untouched Binary.
    pub raw_stderr: bool,
    /// `__encoding__` (default UTF-8).
    pub encoding: Option<String>,
    /// The private key itself, when it came as a File (`__keyfile__`, or an
    /// AccountInfo's `keyfile`): used instead of `keyfile`, never logged.
    pub key: Option<KeyMaterial>,
    /// Jump hosts from NodeInfo objects (the node's `proxy` chain, or a
    /// NodeInfo `__proxy__`), the first one reached directly; used when
    /// `proxy` is unset (`stdlib.md` 5.5).
    pub jumps: Vec<JumpHost>,
}

impl std::fmt::Debug for CommandSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Secrets never appear in logs or errors.
        f.debug_struct("CommandSettings")
            .field("host", &self.host)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("keyfile", &self.keyfile)
            .field("passphrase", &self.passphrase.as_ref().map(|_| "***"))
            .field("port", &self.port)
            .field("conntype", &self.conntype)
            .field("proxy", &self.proxy)
            .field("timeout", &self.timeout)
            .field("sudo", &self.sudo)
            .field("dir", &self.dir)
            .field("shell", &self.shell)
            .field("use_shell", &self.use_shell)
            .field("use_pty", &self.use_pty)
            .field("use_cache", &self.use_cache)
            .field("raw_stdout", &self.raw_stdout)
            .field("raw_stderr", &self.raw_stderr)
            .field("encoding", &self.encoding)
            .field("key", &self.key)
            .field("jumps", &self.jumps)
            .finish()
    }
}

/// A private key given as data (a File value), with the file's name for
/// messages. `Debug` shows the name and the size, never the bytes.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyMaterial {
    /// The File's name (`id_ed25519`), used in error messages.
    pub name: String,
    /// The key file's contents (OpenSSH or PEM text).
    pub data: Vec<u8>,
}

impl std::fmt::Debug for KeyMaterial {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KeyMaterial({:?}, <{} bytes>)", self.name, self.data.len())
    }
}

/// One SSH jump host taken from a NodeInfo (its address, port and the
/// credentials of its `account`). A credential left `None` falls back to
/// the target's: the user, and the password and key as a whole when the
/// hop has neither a password nor a key of its own.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct JumpHost {
    /// The NodeInfo's `ipaddr`, else its `hostname`.
    pub host: String,
    /// Its `port` (default 22).
    pub port: Option<i64>,
    /// The account's `user`.
    pub user: Option<String>,
    /// The account's `password` (never logged).
    pub password: Option<String>,
    /// The account's `keyfile`, as a path.
    pub keyfile: Option<String>,
    /// The account's `keyfile`, as a File (never logged).
    pub key: Option<KeyMaterial>,
    /// The account's `passphrase` (never logged).
    pub passphrase: Option<String>,
}

impl std::fmt::Debug for JumpHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JumpHost")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("keyfile", &self.keyfile)
            .field("key", &self.key)
            .field("passphrase", &self.passphrase.as_ref().map(|_| "***"))
            .finish()
    }
}

/// The result of an effect, given to
/// [`Process::resume`](crate::process::Process::resume).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum EffectOutcome {
    /// A command ended (or could not run).
    Command(CommandOutcome),
    /// A sleep or suspension is over.
    Done,
    /// A [`HostCall`] ended.
    Host(HostOutcome),
}

/// How a command ended.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum CommandOutcome {
    /// It ran: exit status and its output, decoded (trailing newlines
    /// removed) or raw. An output that did not decode is reported as
    /// status 1, empty stdout and the reason in stderr (`language.md` 4.4).
    Completed {
        /// The exit status.
        status: i64,
        /// Standard output.
        stdout: Output,
        /// Standard error.
        stderr: Output,
    },
    /// It could not reach or log in to its host, or timed out: `$STATUS`
    /// -1, `$RESULT` `''`, `$ERROR` the message.
    ConnectionFailure {
        /// What went wrong.
        message: String,
    },
}

/// A command's stdout or stderr as the status variables take it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Output {
    /// Decoded text, trailing `\n`/`\r\n` removed.
    Text(String),
    /// Untouched bytes (`__raw_stdout__`, `__raw_stderr__`).
    Bytes(Vec<u8>),
}
