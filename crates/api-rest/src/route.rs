//! What every REST handler starts from. [`Authenticated`] is the principal the authentication middleware put into
//! the request; [`Route`] adds the shared state and the path's `{plural}` and `{id}` segments. Extracting either
//! does no I/O: a handler loads the workspace with [`Route::workspace`] and reads `{id}` with [`Route::id`].

use crate::error::ApiError;
use crate::handlers::RestState;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use std::future::{Ready, ready};
use std::sync::Arc;
use twenty_auth::Principal;
use twenty_domain::DomainError;
use twenty_domain::metadata::WorkspaceMetadata;
use twenty_domain::services::MetadataService;
use twenty_domain::value::parse_uuid;
use twenty_storage::PgStore;
use uuid::Uuid;

/// The principal the authentication middleware put into the request.
pub struct Authenticated(pub Principal);

impl FromRequest for Authenticated {
    type Error = ApiError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            req.extensions()
                .get::<Principal>()
                .copied()
                .map(Authenticated)
                .ok_or_else(|| ApiError(DomainError::Unauthorized("Missing bearer token".into()))),
        )
    }
}

/// The shared state, the authenticated principal, and the path's `{plural}` (empty on routes without one) and
/// `{id}` segments. The record routes resolve `{plural}` with `Route::object`, the metadata routes reach their
/// service and envelope through it.
pub(crate) struct Route {
    pub(crate) state: web::Data<RestState>,
    pub(crate) principal: Principal,
    pub(crate) plural: String,
    id: Option<String>,
}

impl FromRequest for Route {
    type Error = ApiError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let state = req
            .app_data::<web::Data<RestState>>()
            .cloned()
            .ok_or_else(|| ApiError(DomainError::internal("RestState is not registered as app data")));
        let route = state.and_then(|state| {
            let Authenticated(principal) = Authenticated::from_request(req, payload).into_inner()?;
            let segment = |name| req.match_info().get(name).map(str::to_owned);
            Ok(Route {
                state,
                principal,
                plural: segment("plural").unwrap_or_default(),
                id: segment("id"),
            })
        });
        ready(route)
    }
}

impl Route {
    /// The current metadata of the principal's workspace (never another's: ids of other workspaces are unknown).
    pub(crate) async fn workspace(&self) -> Result<Arc<WorkspaceMetadata>, ApiError> {
        Ok(workspace_of(&self.state.data_model, &self.principal).await?)
    }

    /// The `{id}` segment as a UUID; anything else is 400.
    pub(crate) fn id(&self) -> Result<Uuid, ApiError> {
        Ok(parse_uuid("id", self.id.as_deref().unwrap_or_default())?)
    }
}

/// The current metadata of the principal's workspace. A principal whose workspace is gone holds a worthless token:
/// `UNAUTHORIZED`, on every core API.
pub async fn workspace_of(
    data_model: &MetadataService<PgStore>,
    principal: &Principal,
) -> Result<Arc<WorkspaceMetadata>, DomainError> {
    data_model
        .current(principal.workspace_id)
        .await
        .map_err(|err| match err {
            DomainError::NotFound { .. } => DomainError::Unauthorized("Invalid or expired token".into()),
            other => other,
        })
}
