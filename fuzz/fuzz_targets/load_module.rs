//! Fuzz target: any bytes given to the `.jfc` loader are refused with an
//! error or give a verified module; never a panic. The first byte picks the
//! mode: odd, the bytes are a whole file (header and checksum included);
//! even, the rest is a payload sealed behind a valid header, so the fuzzer
//! reaches the decoder and the verifier. A module that loads must survive
//! write → read unchanged, and list without a panic.
#![no_main]

use jobflow_vm::bytecode::disasm::disassemble;
use jobflow_vm::bytecode::format::{read_module, seal_module_payload, write_module};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let file = if mode & 1 == 1 {
        rest.to_vec()
    } else {
        match seal_module_payload(rest) {
            Ok(f) => f,
            Err(_) => return,
        }
    };
    if let Ok(module) = read_module(&file) {
        let again = write_module(&module).expect("a loaded module writes");
        let back = read_module(&again).expect("a written module reads");
        assert_eq!(back, module);
        let _ = disassemble(&module);
    }
});
