//! The connection cache: logged-in connections per jump chain, host, port,
//! user and credentials ([`PoolKey`]), shared by every command and every
//! process (each command is its own channel on one of them).
//!
//! Servers limit the channels one connection may hold at once (OpenSSH's
//! `MaxSessions`, 10 by default) and refuse further channel opens with
//! `SSH_MSG_CHANNEL_OPEN_FAILURE` while the connection stays alive. So a key
//! holds a small list of connections, each counting the channels leased on
//! it:
//!
//! - a lease goes to the first connection with free capacity; a connection's
//!   capacity is unknown (unbounded) until the server refuses a channel on
//!   it, then it is the number of channels that were open at the refusal
//!   (the largest such number seen, since a channel the server has not yet
//!   finished closing can make a refusal come early); a new connection of
//!   the key starts with the largest capacity learned for the key;
//! - when every connection is full, one new login is made (concurrent
//!   leases share it), up to [`SshPool::MAX_CONNECTIONS_PER_KEY`] connections; past
//!   that, leases wait for a channel to be released instead of logging in;
//! - a dead connection (closed transport) is dropped from the list and
//!   replaced transparently.
//!
//! Leases release their channel count when dropped, so errors and
//! cancellation cannot leak capacity.

use super::client::{self, ClientOptions, Connection};
use super::config::SshSettings;
use super::error::ConnectError;
use super::pool_key::PoolKey;
use russh::client::Msg;
use russh::Channel;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::sync::watch;

/// The most connections kept for one key; when all are full, leases wait
/// for a free channel.
const MAX_CONNECTIONS_PER_KEY: usize = 8;

/// How many channel-open refusals one job tolerates before failing.
const MAX_REFUSALS: u32 = 64;

/// The pause before retrying after a refusal that came while fewer channels
/// than the known capacity were open (the server is still closing one).
const REFUSAL_PAUSE: Duration = Duration::from_millis(20);

/// One cached connection and its channel accounting.
struct Member {
    conn: Arc<Connection>,
    /// Channels leased on it now.
    in_use: usize,
    /// How many channels the server accepts at once, once it has refused one.
    limit: Option<usize>,
}

impl Member {
    fn has_room(&self) -> bool {
        self.limit.is_none_or(|l| self.in_use < l)
    }
}

#[derive(Default)]
struct GroupState {
    members: Vec<Member>,
    /// The largest capacity learned on any connection of the key.
    hint: Option<usize>,
}

/// The connections of one key.
struct Group {
    state: Mutex<GroupState>,
    /// Serializes logins, so concurrent first uses share one.
    login: tokio::sync::Mutex<()>,
    /// Bumped whenever a channel is released or a connection leaves.
    changed: watch::Sender<()>,
}

impl Default for Group {
    fn default() -> Self {
        Self {
            state: Mutex::default(),
            login: tokio::sync::Mutex::new(()),
            changed: watch::channel(()).0,
        }
    }
}

impl Group {
    fn lock(&self) -> std::sync::MutexGuard<'_, GroupState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes a channel on the first connection with room, dropping dead ones.
    fn take(state: &mut GroupState) -> Option<Arc<Connection>> {
        state.members.retain(|m| !m.conn.is_closed());
        let member = state.members.iter_mut().find(|m| m.has_room())?;
        member.in_use += 1;
        Some(member.conn.clone())
    }

    fn release(&self, conn: &Arc<Connection>) {
        {
            let mut state = self.lock();
            if let Some(m) = state.members.iter_mut().find(|m| Arc::ptr_eq(&m.conn, conn)) {
                m.in_use = m.in_use.saturating_sub(1);
            }
        }
        self.changed.send_modify(|()| {});
    }
}

/// A connection handed out for one job; holds one channel's worth of the
/// connection's capacity until dropped.
pub(crate) struct Lease {
    /// The connection.
    pub(crate) conn: Arc<Connection>,
    /// Whether it came from (and stays in) the cache.
    pub(crate) cached: bool,
    /// Whether it was made for this lease (not reused).
    pub(crate) fresh: bool,
    /// The key's connections, for a cached lease.
    group: Option<Arc<Group>>,
}

impl Drop for Lease {
    fn drop(&mut self) {
        if let Some(group) = &self.group {
            group.release(&self.conn);
        }
    }
}

/// Cached SSH connections and the options used to make them.
pub struct SshPool {
    pub(crate) options: ClientOptions,
    groups: Mutex<HashMap<PoolKey, Arc<Group>>>,
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
    /// The most connections kept for one key (jump chain, host, port, user,
    /// credentials). When the server has refused channels on all of them,
    /// further jobs wait for a channel to close rather than log in again.
    pub const MAX_CONNECTIONS_PER_KEY: usize = MAX_CONNECTIONS_PER_KEY;

    /// An empty cache with these options.
    pub fn new(options: ClientOptions) -> Self {
        Self {
            options,
            groups: Mutex::new(HashMap::new()),
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

    fn group(&self, key: PoolKey) -> Arc<Group> {
        let mut groups = self.groups.lock().unwrap_or_else(PoisonError::into_inner);
        groups.entry(key).or_default().clone()
    }

    async fn login(&self, settings: &SshSettings) -> Result<Arc<Connection>, ConnectError> {
        let conn = client::connect(settings, &self.options).await?;
        self.logins.fetch_add(1, Ordering::Relaxed);
        Ok(Arc::new(conn))
    }

    /// A connection for `settings`: a cached live one with room for a
    /// channel (unless `__use_cache__` is false), else a new login, else
    /// (at [`Self::MAX_CONNECTIONS_PER_KEY`]) the first one to free a channel.
    pub(crate) async fn acquire(&self, settings: &SshSettings) -> Result<Lease, ConnectError> {
        if !settings.use_cache {
            let conn = self.login(settings).await?;
            return Ok(Lease {
                conn,
                cached: false,
                fresh: true,
                group: None,
            });
        }
        let group = self.group(PoolKey::of(settings));
        let lease = |conn, fresh, group: &Arc<Group>| Lease {
            conn,
            cached: true,
            fresh,
            group: Some(group.clone()),
        };
        loop {
            let mut changed = {
                let mut state = group.lock();
                if let Some(conn) = Group::take(&mut state) {
                    return Ok(lease(conn, false, &group));
                }
                (state.members.len() >= MAX_CONNECTIONS_PER_KEY).then(|| group.changed.subscribe())
            };
            if let Some(rx) = changed.as_mut() {
                tracing::debug!(host = %settings.target.host, "every cached connection is full; waiting for a channel");
                // The sender lives in `group`, which we hold: this cannot fail.
                let _ = rx.changed().await;
                continue;
            }
            let _login = group.login.lock().await;
            {
                let mut state = group.lock();
                if let Some(conn) = Group::take(&mut state) {
                    return Ok(lease(conn, false, &group));
                }
                if state.members.len() >= MAX_CONNECTIONS_PER_KEY {
                    continue;
                }
            }
            let conn = self.login(settings).await?;
            {
                let mut state = group.lock();
                let limit = state.hint;
                state.members.push(Member {
                    conn: conn.clone(),
                    in_use: 1,
                    limit,
                });
                tracing::debug!(
                    endpoint = %conn.endpoint,
                    connections = state.members.len(),
                    "new cached connection"
                );
            }
            return Ok(lease(conn, true, &group));
        }
    }

    /// Records that the server refused a channel on `lease`'s connection
    /// although it is alive: the connection is full at the channels open
    /// besides this lease. Returns (channels open besides this lease, the
    /// connection's capacity as now known).
    fn mark_full(lease: &Lease) -> (usize, usize) {
        let Some(group) = &lease.group else {
            return (0, 0);
        };
        let mut state = group.lock();
        let mut learned = None;
        let mut open = 0;
        if let Some(m) = state.members.iter_mut().find(|m| Arc::ptr_eq(&m.conn, &lease.conn)) {
            open = m.in_use.saturating_sub(1);
            let limit = m.limit.unwrap_or(0).max(open).max(1);
            m.limit = Some(limit);
            learned = Some(limit);
        }
        let known = learned.unwrap_or(open);
        state.hint = Some(state.hint.unwrap_or(0).max(known));
        (open, known)
    }

    /// Opens a session channel on a connection for `settings`. A refusal on
    /// a live connection marks it full and moves on to another connection
    /// (see the module doc); a dead cached connection is replaced once,
    /// transparently.
    pub(crate) async fn open_channel(&self, settings: &SshSettings) -> Result<(Channel<Msg>, Lease), ConnectError> {
        let mut dead = 0;
        let mut refusals = 0;
        loop {
            let lease = self.acquire(settings).await?;
            let err = match lease.conn.handle.channel_open_session().await {
                Ok(channel) => return Ok((channel, lease)),
                Err(e) => e,
            };
            let reason = client::describe_russh_error(&err);
            if matches!(err, russh::Error::ChannelOpenFailure(_)) && !lease.conn.is_closed() {
                refusals += 1;
                let (open, known) = Self::mark_full(&lease);
                let cached = lease.cached;
                let fresh = lease.fresh && open == 0;
                drop(lease);
                // A refusal of the first channel of a new connection is no
                // capacity limit: the server will not open channels at all.
                if !cached || fresh || refusals > MAX_REFUSALS {
                    return Err(ConnectError::ChannelRefused {
                        host: settings.target.host.clone(),
                        reason,
                    });
                }
                tracing::debug!(%reason, open, known, "channel refused; the connection is full");
                if open < known {
                    tokio::time::sleep(REFUSAL_PAUSE * refusals.min(10)).await;
                }
                continue;
            }
            dead += 1;
            let fresh = lease.fresh;
            self.invalidate(settings, &lease.conn).await;
            self.release(lease).await;
            if dead >= 2 || fresh {
                return Err(ConnectError::Broken {
                    host: settings.target.host.clone(),
                    reason,
                });
            }
            tracing::debug!(%reason, "cached connection failed; logging in again");
        }
    }

    /// Ends a lease: an uncached connection is closed. (A cached lease's
    /// channel count is given back when it is dropped, here or elsewhere.)
    pub(crate) async fn release(&self, lease: Lease) {
        if !lease.cached {
            lease.conn.disconnect().await;
        }
    }

    /// Drops `conn` from the cache (it broke), if it is still cached.
    pub(crate) async fn invalidate(&self, settings: &SshSettings, conn: &Arc<Connection>) {
        if !settings.use_cache {
            return;
        }
        let group = self.group(PoolKey::of(settings));
        group.lock().members.retain(|m| !Arc::ptr_eq(&m.conn, conn));
        group.changed.send_modify(|()| {});
    }

    /// Forgets the cached connections for `settings` and disconnects them.
    pub async fn forget(&self, settings: &SshSettings) {
        let group = self.group(PoolKey::of(settings));
        let old = std::mem::take(&mut group.lock().members);
        group.changed.send_modify(|()| {});
        for member in old {
            member.conn.disconnect().await;
        }
    }

    /// Disconnects every cached connection.
    pub async fn close_all(&self) {
        let groups: Vec<Arc<Group>> = {
            let mut map = self.groups.lock().unwrap_or_else(PoisonError::into_inner);
            map.drain().map(|(_, g)| g).collect()
        };
        for group in groups {
            let old = std::mem::take(&mut group.lock().members);
            group.changed.send_modify(|()| {});
            for member in old {
                member.conn.disconnect().await;
            }
        }
    }

    /// How many connections are cached for `settings` now.
    pub fn cached_connections(&self, settings: &SshSettings) -> usize {
        self.group(PoolKey::of(settings)).lock().members.len()
    }
}
