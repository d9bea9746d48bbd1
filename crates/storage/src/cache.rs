//! [`FreshCache`]: a bounded map whose entries are dropped when the database says they changed; and
//! [`VersionedCache`]: what is derived from a workspace's metadata (GraphQL schema, OpenAPI document), kept per
//! workspace for one metadata version.
//!
//! Every invalidation bumps a generation counter. A reader that misses notes the generation before it reads the
//! database and stores what it read only if no invalidation happened meanwhile, so a value read before a change
//! can never be stored after the change's invalidation.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};

pub struct FreshCache<K, V> {
    entries: RwLock<HashMap<K, V>>,
    generation: AtomicU64,
    capacity: usize,
}

impl<K: Eq + Hash + Clone, V: Clone> FreshCache<K, V> {
    /// A cache of at most `capacity` entries (at least one).
    pub fn new(capacity: usize) -> Self {
        FreshCache {
            entries: RwLock::new(HashMap::new()),
            generation: AtomicU64::new(0),
            capacity: capacity.max(1),
        }
    }

    pub fn get(&self, key: &K) -> Option<V> {
        self.entries.read().ok()?.get(key).cloned()
    }

    /// To be read before the database read whose result is then offered to [`FreshCache::insert_if_unchanged`].
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Stores `value` unless an invalidation happened since `generation` was read. When full, an arbitrary entry
    /// makes room: hot entries come back on their next request.
    pub fn insert_if_unchanged(&self, key: K, value: V, generation: u64) {
        let Ok(mut entries) = self.entries.write() else {
            return;
        };
        // Checked under the write lock: an invalidation takes the same lock after bumping the generation.
        if self.generation.load(Ordering::Acquire) != generation {
            return;
        }
        if entries.len() >= self.capacity
            && !entries.contains_key(&key)
            && let Some(victim) = entries.keys().next().cloned()
        {
            entries.remove(&victim);
        }
        entries.insert(key, value);
    }

    pub fn invalidate(&self, key: &K) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        if let Ok(mut entries) = self.entries.write() {
            entries.remove(key);
        }
    }

    pub fn clear(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        if let Ok(mut entries) = self.entries.write() {
            entries.clear();
        }
    }

    pub fn len(&self) -> usize {
        self.entries.read().map(|e| e.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Values derived from one version of a workspace's metadata, for at most `capacity` workspaces. A newer
/// version replaces an older one; an older one never replaces a newer one.
pub struct VersionedCache<V> {
    entries: RwLock<HashMap<uuid::Uuid, (i64, V)>>,
    capacity: usize,
}

impl<V: Clone> VersionedCache<V> {
    pub fn new(capacity: usize) -> Self {
        VersionedCache {
            entries: RwLock::new(HashMap::new()),
            capacity: capacity.max(1),
        }
    }

    pub fn get(&self, workspace: uuid::Uuid, version: i64) -> Option<V> {
        let entries = self.entries.read().ok()?;
        entries
            .get(&workspace)
            .filter(|(v, _)| *v == version)
            .map(|(_, value)| value.clone())
    }

    /// The cached value for `version`, or `build`'s, which is then kept. Built outside the lock: a duplicate
    /// build in a race is harmless.
    pub fn get_or_build<E>(
        &self,
        workspace: uuid::Uuid,
        version: i64,
        build: impl FnOnce() -> Result<V, E>,
    ) -> Result<V, E> {
        if let Some(found) = self.get(workspace, version) {
            return Ok(found);
        }
        let value = build()?;
        if let Ok(mut entries) = self.entries.write() {
            if entries.len() >= self.capacity
                && !entries.contains_key(&workspace)
                && let Some(victim) = entries.keys().next().copied()
            {
                entries.remove(&victim);
            }
            let newer = entries.get(&workspace).is_some_and(|(v, _)| *v > version);
            if !newer {
                entries.insert(workspace, (version, value.clone()));
            }
        }
        Ok(value)
    }

    pub fn len(&self) -> usize {
        self.entries.read().map(|e| e.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_overtaken_by_an_invalidation_is_not_stored() {
        let cache = FreshCache::new(10);
        let seen = cache.generation();
        cache.invalidate(&1);
        cache.insert_if_unchanged(1, "stale", seen);
        assert_eq!(cache.get(&1), None);
        let seen = cache.generation();
        cache.insert_if_unchanged(1, "fresh", seen);
        assert_eq!(cache.get(&1), Some("fresh"));
    }

    #[test]
    fn versions_replace_older_ones_only() {
        let cache = VersionedCache::new(2);
        let ws = uuid::Uuid::new_v4();
        let built = |v: &'static str| move || Ok::<_, ()>(v);
        assert_eq!(cache.get_or_build(ws, 2, built("two")), Ok("two"));
        assert_eq!(cache.get_or_build(ws, 2, built("again")), Ok("two"));
        assert_eq!(
            cache.get_or_build(ws, 1, built("one")),
            Ok("one"),
            "an old request still gets its version"
        );
        assert_eq!(cache.get(ws, 2), Some("two"), "…without replacing the newer one");
        for _ in 0..10 {
            let _ = cache.get_or_build(uuid::Uuid::new_v4(), 1, built("other"));
        }
        assert_eq!(cache.len(), 2);
    }

    #[test]
    fn the_capacity_bounds_the_entries() {
        let cache = FreshCache::new(3);
        for i in 0..100 {
            cache.insert_if_unchanged(i, i, cache.generation());
        }
        assert_eq!(cache.len(), 3);
        assert_eq!(cache.get(&99), Some(99));
    }
}
