//! Encoding the requests and results that cross between the VM's thread
//! and the host (postcard: compact, and plain data a snapshot can hold).

use jobflow_vm::native::NativeError;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// A payload that could not be encoded or decoded: a host and a library
/// that disagree about a job's format (never the user's doing).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed {what}: {detail}")]
pub struct PayloadError {
    /// What was being encoded or decoded.
    pub what: &'static str,
    /// postcard's reason.
    pub detail: String,
}

impl From<PayloadError> for NativeError {
    fn from(e: PayloadError) -> Self {
        NativeError::new(e.to_string())
    }
}

/// Encodes `value` (`what` names it in the error).
pub fn encode<T: Serialize>(what: &'static str, value: &T) -> Result<Vec<u8>, PayloadError> {
    postcard::to_stdvec(value).map_err(|e| PayloadError {
        what,
        detail: e.to_string(),
    })
}

/// Decodes a `T` from `bytes` (`what` names it in the error).
pub fn decode<T: DeserializeOwned>(what: &'static str, bytes: &[u8]) -> Result<T, PayloadError> {
    postcard::from_bytes(bytes).map_err(|e| PayloadError {
        what,
        detail: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_garbage() {
        let bytes = encode("paths", &vec!["a".to_string(), "b".to_string()]).unwrap();
        let back: Vec<String> = decode("paths", &bytes).unwrap();
        assert_eq!(back, ["a", "b"]);
        let e = decode::<Vec<String>>("paths", &[0xff, 0xff, 0xff]).unwrap_err();
        assert!(e.to_string().starts_with("malformed paths: "), "{e}");
    }
}
