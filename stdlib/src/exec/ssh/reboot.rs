//! `reboot(wait)` (`stdlib.md` 2): reboot the target with sudo, then wait
//! for a new login to succeed on the rebooted system.

use super::config::SshSettings;
use super::error::{ConnectError, RebootError};
use super::exec::run_line;
use super::pool::SshPool;
use std::time::{Duration, Instant};

/// Linux's id of the running boot; it changes with every boot.
const BOOT_ID: &str = "cat /proc/sys/kernel/random/boot_id 2>/dev/null";

async fn boot_id(pool: &SshPool, settings: &SshSettings) -> Result<Option<String>, ConnectError> {
    let out = run_line(pool, settings, BOOT_ID, &[]).await?;
    let id = String::from_utf8_lossy(&out.stdout).trim().to_string();
    Ok((out.status == 0 && !id.is_empty()).then_some(id))
}

pub(crate) async fn reboot(pool: &SshPool, settings: &SshSettings, wait: Duration) -> Result<(), RebootError> {
    let before = boot_id(pool, settings).await?;
    let mut cmd_settings = settings.clone();
    cmd_settings.sudo = true;
    cmd_settings.use_shell = true;
    cmd_settings.use_pty = false;
    cmd_settings.timeout = None;
    let line =
        super::exec::remote_command_line(&cmd_settings, "(sleep 1; reboot || shutdown -r now) >/dev/null 2>&1 &")
            .map_err(RebootError::SudoRefused)?;
    // sudo must accept before the command goes to the background; check it first.
    let check = super::exec::remote_command_line(&cmd_settings, "true").map_err(RebootError::SudoRefused)?;
    let mut input = Vec::new();
    if let Some(pw) = &settings.credentials.password {
        input.extend_from_slice(pw.expose().as_bytes());
        input.push(b'\n');
    }
    let checked = run_line(pool, &cmd_settings, &check, &input).await?;
    if checked.status != 0 {
        return Err(RebootError::SudoRefused(
            String::from_utf8_lossy(&checked.stderr).trim().to_string(),
        ));
    }
    match run_line(pool, &cmd_settings, &line, &input).await {
        Ok(out) if out.status != 0 => {
            return Err(RebootError::SudoRefused(
                String::from_utf8_lossy(&out.stderr).trim().to_string(),
            ))
        }
        // The connection may drop as the host goes down.
        Ok(_) | Err(ConnectError::Broken { .. }) => {}
        Err(e) => return Err(e.into()),
    }
    pool.forget(settings).await;
    let deadline = Instant::now() + wait;
    let mut probe = settings.clone();
    probe.use_cache = false;
    probe.timeout = Some(Duration::from_secs(10));
    loop {
        tokio::time::sleep(Duration::from_secs(2)).await;
        if let Ok(now) = boot_id(pool, &probe).await {
            match (&before, &now) {
                (Some(b), Some(n)) if b != n => return Ok(()),
                (None, _) => return Ok(()),
                _ => {}
            }
        }
        if Instant::now() >= deadline {
            return Err(RebootError::NotBack(wait.as_secs_f64()));
        }
    }
}
