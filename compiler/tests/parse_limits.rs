// Limits and robustness: long chains and operator sequences parse without
// deep recursion, nesting beyond 500 is E003 whatever the depth, a 1 MiB
// generated flow parses, and no input makes the parser panic.

#[path = "parse_support/generate.rs"]
mod generate;

use jobflow_compiler::diagnostics::Code;
use jobflow_compiler::syntax::parse;

#[test]
fn a_chain_of_100_000_jobs() {
    let mut src = "[a] -> ".repeat(100_000);
    src.push_str("[b]");
    let parsed = parse(&src);
    assert!(parsed.diagnostics.is_empty());
    let body = parsed.program.body.expect("body");
    assert_eq!(body.jobs.len(), 100_001);
    assert_eq!(body.connectors.len(), 100_000);
}

#[test]
fn a_sum_of_100_000_terms() {
    // The tree is 100 000 levels deep on its left; parsing is iterative and
    // dropping the tree is too, so this runs on the test thread's own stack.
    let src = format!("[x = a{}]", " + a".repeat(100_000));
    let parsed = parse(&src);
    assert_eq!(parsed.diagnostics.len(), 0);
    drop(parsed);
}

#[test]
fn nesting_beyond_500_is_e003_at_the_opening_token() {
    let ok = format!("[x = {}1{}]", "(".repeat(499), ")".repeat(499));
    assert!(parse(&ok).diagnostics.is_empty());
    let blocks = format!("{}[x]{}", "{".repeat(499), "}".repeat(499));
    assert!(parse(&blocks).diagnostics.is_empty());

    // A too-deep region is one error, even at job position.
    let blocks = format!("{}[x]{} -> [y = 2 +]", "{".repeat(500), "}".repeat(500));
    let codes: Vec<Code> = parse(&blocks).diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, vec![Code::E003, Code::E002]);

    let deep = format!("[x = {}1{}] -> [y = 2 +]", "(".repeat(501), ")".repeat(501));
    let parsed = parse(&deep);
    let codes: Vec<Code> = parsed.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, vec![Code::E003, Code::E002]);
    // The job's `[` is the first level: the 500th `(` is the 501st level.
    assert_eq!(parsed.diagnostics[0].span.start, 5 + 499);
}

#[test]
fn one_hundred_thousand_open_parentheses_do_not_crash() {
    let src = format!("[x = {}", "(".repeat(100_000));
    let parsed = parse(&src);
    assert!(parsed.diagnostics.iter().any(|d| d.code == Code::E003));
    let src = "{".repeat(100_000);
    assert!(parse(&src).diagnostics.iter().any(|d| d.code == Code::E003));
    let src = format!("[x = {}1]", "-".repeat(100_000));
    assert!(parse(&src).diagnostics.iter().any(|d| d.code == Code::E003));
}

#[test]
fn a_generated_one_mebibyte_flow_parses() {
    let src = generate::generate_flow(1 << 20);
    assert!(src.len() >= 1 << 20);
    let parsed = parse(&src);
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics.first());
    assert!(parsed.program.body.expect("body").jobs.len() > 10_000);
}

/// xorshift64*: deterministic pseudo-random numbers.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

#[test]
fn no_input_makes_the_parser_panic() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let alphabet: &[u8] = b"[](){}<>|,.:=-+*/%!?$#'\"\\ \nabrgein0123456789_->=>>";
    // Random byte strings, biased towards the language's own characters.
    for _ in 0..2000 {
        let len = (rng.next() % 80) as usize;
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                let r = rng.next();
                if r % 4 == 0 {
                    (r >> 8) as u8
                } else {
                    alphabet[(r >> 8) as usize % alphabet.len()]
                }
            })
            .collect();
        let _ = parse(&String::from_utf8_lossy(&bytes));
    }
    // Truncations and byte flips of the valid fixtures.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/parse/valid");
    for entry in std::fs::read_dir(dir).expect("fixtures").filter_map(Result::ok) {
        let Ok(text) = std::fs::read(entry.path()) else {
            continue;
        };
        for _ in 0..300 {
            let mut bytes = text.clone();
            let cut = (rng.next() as usize) % (bytes.len() + 1);
            bytes.truncate(cut);
            for _ in 0..(rng.next() % 4) {
                if bytes.is_empty() {
                    break;
                }
                let i = (rng.next() as usize) % bytes.len();
                bytes[i] = alphabet[(rng.next() as usize) % alphabet.len()];
            }
            let _ = parse(&String::from_utf8_lossy(&bytes));
        }
    }
}
