//! `put`, `get` and `reboot` (`stdlib.md` 2): the arguments become plain
//! requests; the host performs them over SSH on the host the control
//! variables name (`put`/`get` act locally when there is none).

use super::payload::{decode, encode};
use crate::functions::args::Params;
use jobflow_vm::effect::CommandSettings;
use jobflow_vm::native::{CallArgs, NativeContext, NativeError, Prepared};
use jobflow_vm::Value;
use serde::{Deserialize, Serialize};

/// `reboot`'s default wait, in seconds.
pub const DEFAULT_REBOOT_WAIT: f64 = 120.0;

/// A `put` or `get`: copy the files matching `source` to `dest`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferRequest {
    /// `put`: the local path (wildcards allowed); `get`: the remote one.
    pub source: String,
    /// `put`: the remote path; `get`: the local one.
    pub dest: String,
}

/// A `reboot`: how long to wait for the host to come back.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RebootRequest {
    /// Seconds (`wait`, default 120).
    pub wait: f64,
}

const PUT: Params<2> = Params::new("put", ["local_path", "remote_path"], 2);
const GET: Params<2> = Params::new("get", ["remote_path", "local_path"], 2);
const REBOOT: Params<1> = Params::new("reboot", ["wait"], 0);

/// A path argument: a String as it is (other values in their string form,
/// as Kompira's `str()` would give them); `null` is refused.
fn path_arg(value: Option<&Value>, name: &str) -> Result<String, NativeError> {
    match value {
        Some(Value::Str(s)) => Ok(s.as_str().to_owned()),
        None | Some(Value::Null) => Err(NativeError::new(format!("{name} must be a path, not null"))),
        Some(other) => Ok(other.to_str_form()),
    }
}

fn transfer(params: &Params<2>, args: CallArgs<'_>) -> Result<Prepared, NativeError> {
    let [source, dest] = params.bind(args)?;
    let request = TransferRequest {
        source: path_arg(source, params.names[0])?,
        dest: path_arg(dest, params.names[1])?,
    };
    Ok(Prepared::Host(encode("transfer request", &request)?))
}

/// `put(local_path, remote_path)`.
pub(super) fn prepare_put(
    _cx: &mut dyn NativeContext,
    args: CallArgs<'_>,
    _settings: &CommandSettings,
) -> Result<Prepared, NativeError> {
    transfer(&PUT, args)
}

/// `get(remote_path, local_path)`.
pub(super) fn prepare_get(
    _cx: &mut dyn NativeContext,
    args: CallArgs<'_>,
    _settings: &CommandSettings,
) -> Result<Prepared, NativeError> {
    transfer(&GET, args)
}

/// The Array of paths written.
pub(super) fn finish_paths(_cx: &mut dyn NativeContext, bytes: &[u8]) -> Result<Value, NativeError> {
    let paths: Vec<String> = decode("transferred paths", bytes)?;
    Ok(Value::array(paths.into_iter().map(Value::str).collect()))
}

/// `reboot(wait=120)`. The VM refuses it before this when there is no
/// host (`reboot: no remote host`).
pub(super) fn prepare_reboot(
    _cx: &mut dyn NativeContext,
    args: CallArgs<'_>,
    _settings: &CommandSettings,
) -> Result<Prepared, NativeError> {
    let [wait] = REBOOT.bind(args)?;
    let wait = match wait {
        None | Some(Value::Null) => DEFAULT_REBOOT_WAIT,
        Some(Value::Int(i)) => *i as f64,
        Some(Value::BigInt(b)) => num_traits::ToPrimitive::to_f64(b.as_ref()).unwrap_or(f64::MAX),
        Some(Value::Float(f)) if f.is_finite() => *f,
        Some(other) => {
            return Err(NativeError::new(format!(
                "wait must be a number of seconds, not {}",
                other.to_repr()
            )))
        }
    };
    let request = RebootRequest { wait: wait.max(0.0) };
    Ok(Prepared::Host(encode("reboot request", &request)?))
}

/// `$RESULT` after a reboot: `null`.
pub(super) fn finish_reboot(_cx: &mut dyn NativeContext, bytes: &[u8]) -> Result<Value, NativeError> {
    let () = decode("reboot outcome", bytes)?;
    Ok(Value::Null)
}
