//! What every request needs besides its own statement — the API key's state, the user's memberships and the
//! workspace's metadata — served from memory, and kept true by PostgreSQL `LISTEN/NOTIFY`.
//!
//! Triggers on `core.workspace` (metadata version, deletion), `core.api_key` and `core.workspace_membership` send
//! `workspace:<id>`, `api_key:<id>` / `user:<user id>` on channel [`CHANNEL`] in the transaction of the change,
//! whoever makes it. One connection per
//! process listens ([`listen`]) and drops the matching entries. The caches are trusted only while that
//! connection is up: before it is established, and from the moment it is lost until it is back, every request
//! reads the database as if there were no cache. Reconnecting empties the caches, since notifications sent
//! meanwhile were missed.

use crate::cache::FreshCache;
use diesel_async::SimpleAsyncConnection;
use futures_util::StreamExt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;
use twenty_domain::identity::{ApiKey, Membership};
use twenty_domain::metadata::{WorkspaceId, WorkspaceMetadata};
use uuid::Uuid;

/// The notification channel of the triggers in the core migrations.
pub const CHANNEL: &str = "twenty_changes";

/// How the listening connection shows in `pg_stat_activity`.
pub const APPLICATION_NAME: &str = "twenty-change-feed";

/// How often an idle listening connection is checked, and how long the check may take.
const HEARTBEAT: Duration = Duration::from_secs(5);
/// The pause between attempts to re-establish a lost listening connection.
const RECONNECT_PAUSE: Duration = Duration::from_millis(500);

/// Workspaces whose metadata is kept unless configured otherwise (the server's `WORKSPACE_CACHE_SIZE` default).
pub const DEFAULT_CAPACITY: usize = 200;
/// API keys kept in memory (a few hundred bytes each).
pub const API_KEY_CAPACITY: usize = 10_000;
/// Users whose memberships are kept in memory (about a hundred bytes per membership).
pub const USER_CAPACITY: usize = 10_000;

/// The caches the change feed keeps fresh.
pub struct Caches {
    live: AtomicBool,
    pub api_keys: FreshCache<Uuid, ApiKey>,
    /// Every user's workspace memberships, by user id.
    pub memberships: FreshCache<Uuid, Arc<[Membership]>>,
    pub metadata: FreshCache<WorkspaceId, Arc<WorkspaceMetadata>>,
}

impl Caches {
    /// Caches keeping the metadata of at most `workspaces` workspaces.
    pub fn new(workspaces: usize) -> Self {
        Caches {
            live: AtomicBool::new(false),
            api_keys: FreshCache::new(API_KEY_CAPACITY),
            memberships: FreshCache::new(USER_CAPACITY),
            metadata: FreshCache::new(workspaces),
        }
    }

    /// Whether the listening connection is up, so that cached entries can be trusted.
    pub fn is_live(&self) -> bool {
        self.live.load(Ordering::Acquire)
    }

    /// Applies one notification payload; an unknown one empties everything (it cannot be wrong to).
    pub fn apply(&self, payload: &str) {
        let parsed = payload
            .split_once(':')
            .and_then(|(kind, id)| Uuid::parse_str(id).ok().map(|id| (kind, id)));
        match parsed {
            Some(("workspace", id)) => self.metadata.invalidate(&id),
            Some(("api_key", id)) => self.api_keys.invalidate(&id),
            Some(("user", id)) => self.memberships.invalidate(&id),
            _ => self.clear(),
        }
    }

    fn clear(&self) {
        self.api_keys.clear();
        self.memberships.clear();
        self.metadata.clear();
    }

    fn set_live(&self, live: bool) {
        if live {
            // Whatever happened while nobody listened is unknown: start empty, then trust.
            self.clear();
            self.live.store(true, Ordering::Release);
        } else {
            self.live.store(false, Ordering::Release);
            self.clear();
        }
    }
}

impl Default for Caches {
    fn default() -> Self {
        Caches::new(DEFAULT_CAPACITY)
    }
}

/// Starts the listening task for `caches`. It runs until the caches are dropped, re-establishing its connection
/// whenever it is lost.
pub fn listen(url: &str, caches: &Arc<Caches>) -> tokio::task::JoinHandle<()> {
    let url = url.to_string();
    let caches = Arc::downgrade(caches);
    tokio::spawn(async move {
        let mut reported = false;
        loop {
            let outcome = listen_once(&url, &caches).await;
            let Some(current) = caches.upgrade() else { return };
            current.set_live(false);
            drop(current);
            match outcome {
                Ok(()) => return,
                Err(message) if !reported => {
                    tracing::warn!(%message, "change notifications unavailable; checking the database on every request");
                    reported = true;
                }
                Err(_) => {}
            }
            tokio::time::sleep(RECONNECT_PAUSE).await;
        }
    })
}

/// One listening connection: `Ok` when the caches are gone, `Err` when the connection failed or was lost.
async fn listen_once(url: &str, caches: &Weak<Caches>) -> Result<(), String> {
    let target = crate::connect::Target::parse(url).map_err(|e| e.to_string())?;
    let mut conn = target.establish().await.map_err(|e| e.to_string())?;
    conn.batch_execute(&format!(
        "SET application_name = '{APPLICATION_NAME}'; LISTEN {CHANNEL}"
    ))
    .await
    .map_err(|e| e.to_string())?;
    match caches.upgrade() {
        Some(c) => c.set_live(true),
        None => return Ok(()),
    }
    tracing::debug!("listening for change notifications");
    loop {
        let next = {
            let stream = conn.notifications_stream();
            let mut stream = std::pin::pin!(stream);
            tokio::time::timeout(HEARTBEAT, stream.next()).await
        };
        let Some(current) = caches.upgrade() else { return Ok(()) };
        match next {
            Ok(Some(Ok(notification))) => current.apply(&notification.payload),
            Ok(Some(Err(e))) => return Err(e.to_string()),
            Ok(None) => return Err("the listening connection closed".into()),
            Err(_idle) => {
                // Nothing arrived for a while: make sure the connection is still there.
                match tokio::time::timeout(HEARTBEAT, conn.batch_execute("SELECT 1")).await {
                    Ok(Ok(())) => {}
                    Ok(Err(e)) => return Err(e.to_string()),
                    Err(_) => return Err("the listening connection stopped answering".into()),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notifications_drop_the_entries_they_name() {
        let caches = Caches::new(10);
        let (ws, key) = (Uuid::new_v4(), Uuid::new_v4());
        let other = Uuid::new_v4();
        let built = twenty_domain::catalogue::standard_objects().build(ws, chrono::Utc::now());
        let meta = Arc::new(built.unwrap_or_else(|e| panic!("{e}")));
        caches
            .metadata
            .insert_if_unchanged(ws, meta.clone(), caches.metadata.generation());
        caches
            .metadata
            .insert_if_unchanged(other, meta, caches.metadata.generation());
        caches.apply(&format!("workspace:{ws}"));
        assert!(caches.metadata.get(&ws).is_none());
        assert!(caches.metadata.get(&other).is_some());
        caches.apply(&format!("api_key:{key}"));
        assert!(caches.metadata.get(&other).is_some());
        caches.apply("something else");
        assert!(caches.metadata.get(&other).is_none());
    }
}
