//! Built-in jobs the host performs: decode the request the job's `prepare`
//! encoded, perform it, encode the result for its `finish`.

use super::command::unsupported_conntype;
use super::{local_files, Shared};
use crate::exec::ssh::{RebootError, SshSettings, TransferError};
use crate::jobs::{decode, encode, PayloadError, RebootRequest, TransferRequest};
use crate::net::{mailto, urlopen, PendingMail, UrlRequest};
use jobflow_vm::bytecode::JobBuiltin;
use jobflow_vm::effect::{HostCall, HostOutcome};
use std::time::Duration;

/// The tracing target of the details of host jobs, beside the scheduler's
/// start and end events (`jobflow run -v`).
const TARGET: &str = "jobflow::job";

/// A URL for a progress line: no user information and no query (either
/// may hold a secret).
fn shown_url(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut u) => {
            let had_query = u.query().is_some();
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.set_query(None);
            u.set_fragment(None);
            if had_query {
                format!("{u}?…")
            } else {
                u.to_string()
            }
        }
        Err(_) => "(not a URL)".to_string(),
    }
}

fn failed(detail: impl ToString) -> HostOutcome {
    HostOutcome::Failed {
        detail: crate::error_text::without_os_error(&detail.to_string()),
    }
}

fn done<T: serde::Serialize>(what: &'static str, value: &T) -> HostOutcome {
    match encode(what, value) {
        Ok(bytes) => HostOutcome::Done(bytes),
        Err(e) => failed(e),
    }
}

/// The SSH settings of a remote job, or how the job ends without them.
fn ssh_settings(call: &HostCall) -> Result<SshSettings, HostOutcome> {
    SshSettings::from_command_settings(&call.settings).map_err(|e| {
        if e.is_connection_failure() {
            HostOutcome::ConnectionFailure {
                message: crate::error_text::without_os_error(&e.to_string()),
            }
        } else {
            failed(e)
        }
    })
}

fn transfer_outcome(result: Result<Vec<String>, TransferError>) -> HostOutcome {
    match result {
        Ok(paths) => done("transferred paths", &paths),
        Err(e) if e.is_connection_failure() => HostOutcome::ConnectionFailure {
            message: crate::error_text::without_os_error(&e.to_string()),
        },
        Err(e) => failed(e),
    }
}

/// Performs one call to its end.
pub(crate) async fn perform(shared: &Shared, call: HostCall) -> HostOutcome {
    match perform_decoded(shared, &call).await {
        Ok(outcome) => outcome,
        Err(e) => failed(e),
    }
}

async fn perform_decoded(shared: &Shared, call: &HostCall) -> Result<HostOutcome, PayloadError> {
    let remote = call.settings.host.as_deref().is_some_and(|h| !h.is_empty());
    if matches!(call.job, JobBuiltin::Put | JobBuiltin::Get | JobBuiltin::Reboot) {
        // As for commands: any other connection type is a connection failure.
        if let Some(message) = unsupported_conntype(&call.settings) {
            return Ok(HostOutcome::ConnectionFailure { message });
        }
    }
    Ok(match call.job {
        JobBuiltin::Put | JobBuiltin::Get => {
            let request: TransferRequest = decode("transfer request", &call.payload)?;
            let put = call.job == JobBuiltin::Put;
            tracing::info!(target: TARGET, job = call.job.name(), source = %request.source, dest = %request.dest, "file transfer");
            if !remote {
                let dir = call.settings.dir.clone();
                let result = tokio::task::spawn_blocking(move || {
                    if put {
                        local_files::put(&request.source, &request.dest, dir.as_deref())
                    } else {
                        local_files::get(&request.source, &request.dest, dir.as_deref())
                    }
                })
                .await;
                return Ok(match result {
                    Ok(r) => transfer_outcome(r),
                    Err(e) => failed(format!("the copy could not run: {e}")),
                });
            }
            let settings = match ssh_settings(call) {
                Ok(s) => s,
                Err(outcome) => return Ok(outcome),
            };
            tracing::debug!(endpoint = %settings.target, put, "file transfer");
            let result = if put {
                shared.pool.put(&settings, &request.source, &request.dest).await
            } else {
                shared.pool.get(&settings, &request.source, &request.dest).await
            };
            transfer_outcome(result)
        }
        JobBuiltin::Reboot => {
            let request: RebootRequest = decode("reboot request", &call.payload)?;
            tracing::info!(target: TARGET, wait = request.wait, "reboot");
            let settings = match ssh_settings(call) {
                Ok(s) => s,
                Err(outcome) => return Ok(outcome),
            };
            let wait = Duration::try_from_secs_f64(request.wait).unwrap_or(Duration::MAX);
            match shared.pool.reboot(&settings, wait).await {
                Ok(()) => done("reboot outcome", &()),
                Err(e @ RebootError::Connection(_)) => HostOutcome::ConnectionFailure {
                    message: crate::error_text::without_os_error(&e.to_string()),
                },
                Err(RebootError::Settings(e)) if e.is_connection_failure() => HostOutcome::ConnectionFailure {
                    message: crate::error_text::without_os_error(&e.to_string()),
                },
                Err(e) => failed(e),
            }
        }
        JobBuiltin::Urlopen => {
            let request: UrlRequest = decode("urlopen request", &call.payload)?;
            tracing::info!(target: TARGET, method = ?request.method, url = %shown_url(&request.url), "urlopen");
            match urlopen(&request).await {
                Ok(response) => done("urlopen response", &response),
                Err(e) => failed(e),
            }
        }
        JobBuiltin::Mailto => {
            let pending: PendingMail = decode("mailto request", &call.payload)?;
            let config = match shared.mail_config() {
                Ok(c) => c,
                Err(e) => return Ok(failed(e)),
            };
            match pending.resolve(config) {
                Ok(request) => {
                    tracing::info!(
                        target: TARGET,
                        to = ?request.to,
                        cc = ?request.cc,
                        bcc = request.bcc.len(),
                        server = %format_args!("{}:{}", request.server.hostname, request.server.port),
                        "mailto"
                    );
                    match mailto(&request).await {
                        Ok(outcome) => done("mailto outcome", &outcome),
                        Err(e) => failed(e),
                    }
                }
                Err(e) => failed(e),
            }
        }
        other => failed(format!("{} is not a job the host performs", other.name())),
    })
}
