//! The per-request context of the core schema.

use std::sync::Arc;
use twenty_auth::Principal;
use twenty_domain::service::RecordService;
use twenty_storage::PgStore;

pub struct Ctx {
    pub records: Arc<RecordService<PgStore>>,
    pub principal: Principal,
}

impl juniper::Context for Ctx {}
