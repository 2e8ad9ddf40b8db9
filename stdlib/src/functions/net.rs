//! `iprange(address)` (`stdlib.md` 3).

use super::args::{expect_str, Params};
use jobflow_vm::native::{CallArgs, NativeContext, NativeError};
use jobflow_vm::value::MAX_ARRAY_LEN;
use jobflow_vm::Value;
use std::net::Ipv4Addr;

/// `iprange(address)`: every address of an IPv4 CIDR network, network and
/// broadcast addresses included; host bits in the input are ignored.
pub(crate) fn iprange(_: &mut dyn NativeContext, args: CallArgs<'_>) -> Result<Value, NativeError> {
    const P: Params<1> = Params::new("iprange", ["address"], 1);
    let [address] = P.bind(args)?;
    let text = expect_str("iprange", "address", address.unwrap_or(&Value::Null))?;
    let (first, count) =
        network(text).ok_or_else(|| NativeError::new(format!("'{text}' does not appear to be an IPv4 network")))?;
    if count > MAX_ARRAY_LEN as u64 {
        return Err(NativeError::new("size limit exceeded: Array"));
    }
    let items = (0..count)
        .map(|i| {
            let addr = Ipv4Addr::from(first.wrapping_add(u32::try_from(i).unwrap_or(0)));
            Value::str(addr.to_string())
        })
        .collect();
    Ok(Value::array(items))
}

/// The first address (as a number) and the size of the network `text`
/// (`a.b.c.d/n`, or one address).
pub(crate) fn network(text: &str) -> Option<(u32, u64)> {
    let text = text.trim();
    let (addr, prefix) = match text.split_once('/') {
        Some((a, p)) => {
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            (a, p.parse::<u32>().ok()?)
        }
        None => (text, 32),
    };
    if prefix > 32 {
        return None;
    }
    let addr: Ipv4Addr = addr.parse().ok()?;
    let mask = if prefix == 0 { 0 } else { u32::MAX << (32 - prefix) };
    let first = u32::from(addr) & mask;
    Some((first, 1u64 << (32 - prefix)))
}
