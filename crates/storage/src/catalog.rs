//! The workspace metadata each request works with (a cache by metadata version): one indexed version lookup per request, a reload only when
//! the version moved. Every server process sharing the database therefore sees a metadata change on its next
//! request.

use crate::PgStore;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use twenty_domain::error::{DomainError, DomainResult};
use twenty_domain::metadata::{WorkspaceId, WorkspaceMetadata};
use twenty_domain::ports::WorkspaceStore;

#[derive(Default)]
pub struct Catalog {
    entries: RwLock<HashMap<WorkspaceId, Arc<WorkspaceMetadata>>>,
}

impl Catalog {
    pub async fn current(&self, store: &PgStore, workspace_id: WorkspaceId) -> DomainResult<Arc<WorkspaceMetadata>> {
        // A token for a workspace that no longer exists is as good as no token.
        let gone = || DomainError::Unauthorized("Invalid or expired token".into());
        let version = store.metadata_version(workspace_id).await?.ok_or_else(gone)?;
        if let Ok(entries) = self.entries.read()
            && let Some(meta) = entries.get(&workspace_id)
            && meta.version == version
        {
            return Ok(meta.clone());
        }
        let meta = Arc::new(store.load_metadata(workspace_id).await?.ok_or_else(gone)?);
        if let Ok(mut entries) = self.entries.write() {
            let newer = entries.get(&workspace_id).is_some_and(|m| m.version > meta.version);
            if !newer {
                entries.insert(workspace_id, meta.clone());
            }
        }
        Ok(meta)
    }
}
