//! The per-request context of the core schema.

use std::sync::Arc;
use twenty_auth::Principal;
use twenty_domain::metadata::WorkspaceMetadata;
use twenty_domain::service::RecordService;
use twenty_storage::PgStore;

pub struct Ctx {
    pub records: Arc<RecordService<PgStore>>,
    pub principal: Principal,
    /// The request's workspace metadata: ids, tables and columns come from here, never from the schema, which
    /// workspaces with the same data model share.
    pub meta: Arc<WorkspaceMetadata>,
}

impl juniper::Context for Ctx {}
