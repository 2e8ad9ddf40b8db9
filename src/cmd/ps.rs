//! `jobflow ps --state-dir DIR`: the processes of a durable run and what
//! each waits on, as of its last checkpoint (docs/durable-runs.md).
//!
//! One line per process, under a header: pid, parent, state, when it
//! started, the flow it runs now, and what it waits on (a command line with
//! `__password__` and `__passphrase__` replaced by `***`, a sleep's end, the
//! channels and processes of an event, children, `suspend()`). It reads the
//! directory without locking it, so it works while a run writes it.
//!
//! Exit status: 0; 2 when the directory holds no readable run.

use jobflow_vm::durable::{read_listing, Summary};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `jobflow ps`.
#[derive(clap::Args, Debug)]
pub struct PsArgs {
    /// The state directory of the run.
    #[arg(long, value_name = "DIR")]
    state_dir: PathBuf,
}

/// The table `jobflow ps` prints.
fn table(rows: &[Summary]) -> String {
    let head = ["PID", "PARENT", "STATE", "STARTED", "FLOW", "WAITS ON"];
    let cells: Vec<[String; 6]> = rows
        .iter()
        .map(|s| {
            [
                s.pid.to_string(),
                s.parent.map_or_else(|| "-".to_string(), |p| p.to_string()),
                s.state.clone(),
                s.started(),
                s.flow.clone(),
                s.waits.clone(),
            ]
        })
        .collect();
    let mut widths = head.map(|h| h.chars().count());
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cols: [&str; 6]| {
        let mut l = String::new();
        for (i, (c, w)) in cols.iter().zip(widths).enumerate() {
            if i + 1 == cols.len() {
                l.push_str(c);
            } else {
                l.push_str(&format!("{c:<w$}  "));
            }
        }
        out.push_str(l.trim_end());
        out.push('\n');
    };
    line(head);
    for row in &cells {
        line([&row[0], &row[1], &row[2], &row[3], &row[4], &row[5]]);
    }
    out
}

/// Runs `jobflow ps`.
pub fn run(args: PsArgs) -> ExitCode {
    match read_listing(&args.state_dir) {
        Ok(listing) => {
            print!("{}", table(&listing.processes));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
