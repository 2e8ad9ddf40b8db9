//! Snapshot tests of `jobflow fmt` output: every fixture flow under
//! `tests/format/` formatted with the default options.

use jobflow_compiler::format::format_source;
use std::path::Path;

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/format").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn formatted(name: &str) -> String {
    let src = fixture(name);
    let out = format_source(&src).unwrap_or_else(|e| panic!("{name}: {e}"));
    let again = format_source(&out).unwrap_or_else(|e| panic!("{name} (second pass): {e}"));
    assert_eq!(out, again, "{name}: formatting is not idempotent");
    out
}

macro_rules! snapshot {
    ($test:ident, $file:literal) => {
        #[test]
        fn $test() {
            insta::assert_snapshot!(stringify!($test), formatted($file));
        }
    };
}

snapshot!(web_recover, "web_recover.jf");
snapshot!(constructs, "constructs.jf");
snapshot!(comments, "comments.jf");
snapshot!(long_lines, "long_lines.jf");
snapshot!(japanese, "japanese.jf");
snapshot!(blank_lines, "blank_lines.jf");
