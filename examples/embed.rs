//! A small service embedding the jobflow VM: alerts come in on a
//! multi-threaded tokio runtime, each one spawns a flow that handles it,
//! and the service awaits them; a long-lived watcher is listed while it
//! runs and then cancelled.
//!
//! Run it with `cargo run --example embed`. The flows are in
//! `examples/embed-flows/`; their commands run locally here (pass
//! `__host__` to send them to a server over SSH).

use jobflow::{Engine, Param, ProcessInfo};
use std::path::Path;
use std::time::Duration;

/// Prints the engine's processes as a table.
fn print_list(title: &str, processes: &[ProcessInfo]) {
    println!("-- {title}");
    println!(
        "{:>4} {:>6} {:<8} {:<14} {:<14} waiting on",
        "pid", "parent", "state", "flow", "now in"
    );
    for p in processes {
        let parent = p.parent.map(|p| p.to_string()).unwrap_or_default();
        let waiting = p.waiting_on.as_ref().map(ToString::to_string).unwrap_or_default();
        println!(
            "{:>4} {:>6} {:<8} {:<14} {:<14} {waiting}",
            p.pid, parent, p.state, p.flow, p.current_flow
        );
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/embed-flows");
    // The default host runs commands locally and over SSH; `print` goes to
    // standard output. A service would pass its own sink and host.
    let engine = Engine::builder().root(&root).build()?;
    let handle_alert = engine.compile("handle_alert.jf")?;
    let watch = engine.compile("watch.jf")?;

    let watcher = engine.spawn(watch, [("host", Param::str("lb-01")), ("every", Param::Float(0.1))])?;

    // Each incoming alert is handled by a task of its own, which spawns a
    // process and awaits its outcome.
    let alerts = [("web-01", "httpd"), ("web-02", "nginx"), ("db-01", "postgresql")];
    let mut tasks = Vec::new();
    for (host, service) in alerts {
        let engine = engine.clone();
        tasks.push(tokio::spawn(async move {
            let pid = engine.spawn(
                handle_alert,
                [("host", Param::str(host)), ("service", Param::str(service))],
            )?;
            engine.join(pid).await
        }));
    }

    tokio::time::sleep(Duration::from_millis(100)).await;
    print_list("while the alerts are handled", &engine.list()?);

    for task in tasks {
        let outcome = task.await??;
        match outcome.result.as_str() {
            Some(text) if outcome.succeeded() => println!("process {}: {text}", outcome.pid),
            _ => println!("process {} failed: {:?} {}", outcome.pid, outcome.end, outcome.error),
        }
    }

    engine.cancel(watcher)?;
    let ended = engine.join(watcher).await?;
    println!("watcher {} ended: {:?}", ended.pid, ended.end);
    print_list("at the end", &engine.list()?);

    // Shutting down waits for the engine's thread: do it off the runtime.
    tokio::task::spawn_blocking(move || engine.shutdown()).await?;
    Ok(())
}
