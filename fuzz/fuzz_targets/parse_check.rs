//! Fuzz target: any bytes, decoded lossily, must parse without a panic,
//! and every diagnostic span must lie inside the text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let parsed = jobflow_compiler::syntax::parse(&text);
    for d in &parsed.diagnostics {
        assert!(d.span.start <= d.span.end && d.span.end <= text.len(), "{d:?}");
    }
});
