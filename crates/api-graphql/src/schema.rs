//! Building a workspace's schema and caching it by metadata version.

use crate::context::Ctx;
use crate::root::Root;
use crate::types::{Kind, TI, WsTypes};
use juniper::{EmptySubscription, RootNode};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use twenty_domain::error::{DomainError, DomainResult};
use twenty_domain::metadata::{WorkspaceId, WorkspaceMetadata};

pub type Schema = RootNode<Root, Root, EmptySubscription<Ctx>>;

pub struct SchemaEntry {
    pub version: i64,
    pub schema: Schema,
}

/// Builds the core schema of one workspace. Juniper panics on names it cannot accept; metadata validation keeps
/// them out, and the build runs under `catch_unwind` as a safety net so a bad row never takes a worker down.
pub fn build_schema(meta: Arc<WorkspaceMetadata>) -> DomainResult<Schema> {
    let version = meta.version;
    let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
        let ws = Arc::new(WsTypes::new(meta));
        let query = TI {
            ws: ws.clone(),
            kind: Kind::Query,
        };
        let mutation = TI {
            ws,
            kind: Kind::Mutation,
        };
        RootNode::new_with_info(Root, Root, EmptySubscription::new(), query, mutation, ())
    }));
    built.map_err(|_| {
        tracing::error!(version, "building the GraphQL schema panicked");
        DomainError::internal("the workspace schema could not be built")
    })
}

/// Schemas by workspace, rebuilt when the metadata version changes. In-flight requests keep their `Arc`.
pub struct SchemaCache {
    entries: RwLock<HashMap<WorkspaceId, Arc<SchemaEntry>>>,
    capacity: usize,
}

impl SchemaCache {
    pub fn new(capacity: usize) -> Self {
        SchemaCache {
            entries: RwLock::new(HashMap::new()),
            capacity: capacity.max(1),
        }
    }

    pub fn get(&self, meta: &Arc<WorkspaceMetadata>) -> DomainResult<Arc<SchemaEntry>> {
        if let Ok(entries) = self.entries.read()
            && let Some(entry) = entries.get(&meta.workspace_id)
            && entry.version == meta.version
        {
            return Ok(entry.clone());
        }
        // Built outside the lock; a duplicate build in a race is harmless.
        let entry = Arc::new(SchemaEntry {
            version: meta.version,
            schema: build_schema(meta.clone())?,
        });
        if let Ok(mut entries) = self.entries.write() {
            if entries.len() >= self.capacity && !entries.contains_key(&meta.workspace_id) {
                // A crude bound: drop everything rather than grow without limit.
                entries.clear();
            }
            let newer = entries
                .get(&meta.workspace_id)
                .is_some_and(|e| e.version > meta.version);
            if !newer {
                entries.insert(meta.workspace_id, entry.clone());
            }
        }
        Ok(entry)
    }
}
