//! The connection cache: one logged-in connection per jump chain, host,
//! port, user and credentials ([`PoolKey`]), shared by every command and
//! every process (each command is its own channel on it). A connection
//! found dead is replaced.

use super::client::{self, ClientOptions, Connection};
use super::config::SshSettings;
use super::error::ConnectError;
use super::pool_key::PoolKey;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// One cache slot; its async lock makes concurrent first uses share one
/// login instead of racing.
type Slot = Arc<tokio::sync::Mutex<Option<Arc<Connection>>>>;

/// A connection handed out for one job.
pub(crate) struct Lease {
    /// The connection.
    pub(crate) conn: Arc<Connection>,
    /// Whether it came from (and stays in) the cache.
    pub(crate) cached: bool,
    /// Whether it was made for this lease (not reused).
    pub(crate) fresh: bool,
}

/// Cached SSH connections and the options used to make them.
pub struct SshPool {
    pub(crate) options: ClientOptions,
    slots: Mutex<HashMap<PoolKey, Slot>>,
    logins: AtomicU64,
}

impl std::fmt::Debug for SshPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SshPool")
            .field("options", &self.options)
            .field("logins", &self.logins())
            .finish_non_exhaustive()
    }
}

impl Default for SshPool {
    fn default() -> Self {
        Self::new(ClientOptions::default())
    }
}

impl SshPool {
    /// An empty cache with these options.
    pub fn new(options: ClientOptions) -> Self {
        Self {
            options,
            slots: Mutex::new(HashMap::new()),
            logins: AtomicU64::new(0),
        }
    }

    /// The client options.
    pub fn options(&self) -> &ClientOptions {
        &self.options
    }

    /// How many logins (new connections) this pool has made so far.
    pub fn logins(&self) -> u64 {
        self.logins.load(Ordering::Relaxed)
    }

    fn slot(&self, key: PoolKey) -> Slot {
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        slots.entry(key).or_default().clone()
    }

    async fn login(&self, settings: &SshSettings) -> Result<Arc<Connection>, ConnectError> {
        let conn = client::connect(settings, &self.options).await?;
        self.logins.fetch_add(1, Ordering::Relaxed);
        Ok(Arc::new(conn))
    }

    /// A connection for `settings`: the cached one if it is alive (unless
    /// `__use_cache__` is false), else a new login.
    pub(crate) async fn acquire(&self, settings: &SshSettings) -> Result<Lease, ConnectError> {
        if !settings.use_cache {
            let conn = self.login(settings).await?;
            return Ok(Lease {
                conn,
                cached: false,
                fresh: true,
            });
        }
        let slot = self.slot(PoolKey::of(settings));
        let mut guard = slot.lock().await;
        if let Some(conn) = guard.as_ref() {
            if !conn.is_closed() {
                return Ok(Lease {
                    conn: conn.clone(),
                    cached: true,
                    fresh: false,
                });
            }
            tracing::debug!(endpoint = %conn.endpoint, "cached connection is dead; logging in again");
        }
        let conn = self.login(settings).await?;
        *guard = Some(conn.clone());
        Ok(Lease {
            conn,
            cached: true,
            fresh: true,
        })
    }

    /// Ends a lease: an uncached connection is closed.
    pub(crate) async fn release(&self, lease: Lease) {
        if !lease.cached {
            lease.conn.disconnect().await;
        }
    }

    /// Drops `conn` from the cache (it broke), if it is still the cached one.
    pub(crate) async fn invalidate(&self, settings: &SshSettings, conn: &Arc<Connection>) {
        let slot = self.slot(PoolKey::of(settings));
        let mut guard = slot.lock().await;
        if guard.as_ref().is_some_and(|c| Arc::ptr_eq(c, conn)) {
            *guard = None;
        }
    }

    /// Forgets the cached connection for `settings` and disconnects it.
    pub async fn forget(&self, settings: &SshSettings) {
        let slot = self.slot(PoolKey::of(settings));
        let old = slot.lock().await.take();
        if let Some(conn) = old {
            conn.disconnect().await;
        }
    }

    /// Disconnects every cached connection.
    pub async fn close_all(&self) {
        let slots: Vec<Slot> = {
            let mut map = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
            map.drain().map(|(_, s)| s).collect()
        };
        for slot in slots {
            if let Some(conn) = slot.lock().await.take() {
                conn.disconnect().await;
            }
        }
    }
}
