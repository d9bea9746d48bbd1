//! The `/rest` routes (contract §6): list, read, create, batch create, update, soft or hard delete, and the
//! OpenAPI document. Handlers extract, call one domain service, and wrap the result in the envelope.

use crate::error::ApiError;
use crate::openapi::OpenApiCache;
use crate::query::parse_list_query;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, web};
use serde_json::{Value as Json, json};
use std::future::{Ready, ready};
use std::sync::Arc;
use twenty_auth::Principal;
use twenty_domain::DomainError;
use twenty_domain::field_type::{Operator, SystemField};
use twenty_domain::metadata::{ObjectMetadata, RelationStorage, WorkspaceMetadata};
use twenty_domain::query::{ConnectionQuery, Filter, InputValue, Page, PageArgs, Selection};
use twenty_domain::record::LifeCycle;
use twenty_domain::services::{MetadataService, RecordService};
use twenty_storage::PgStore;
use uuid::Uuid;

/// What the REST handlers share.
pub struct RestState {
    pub records: Arc<RecordService<PgStore>>,
    pub data_model: Arc<MetadataService<PgStore>>,
    pub openapi: OpenApiCache,
}

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

/// Registers the routes; mount under `/rest` behind authentication.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/open-api/core", web::get().to(open_api))
        .route("/batch/{plural}", web::post().to(create_many))
        .route("/{plural}", web::get().to(list))
        .route("/{plural}", web::post().to(create_one))
        .route("/{plural}/{id}", web::get().to(find_one))
        .route("/{plural}/{id}", web::patch().to(update_one))
        .route("/{plural}/{id}", web::delete().to(delete_one));
}

async fn workspace(state: &RestState, principal: &Principal) -> Result<Arc<WorkspaceMetadata>, ApiError> {
    Ok(workspace_of(&state.data_model, principal).await?)
}

/// What every record route starts from: the shared state, the authenticated principal, and the `{plural}` (and,
/// on `/rest/{plural}/{id}`, the `{id}`) segment of the path. Extracting it does no I/O; the handler loads the
/// workspace with [`RecordRoute::workspace`] and resolves the object with [`RecordRoute::object`].
struct RecordRoute {
    state: web::Data<RestState>,
    principal: Principal,
    plural: String,
    id: Option<String>,
}

impl FromRequest for RecordRoute {
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
            Ok(RecordRoute {
                state,
                principal,
                plural: segment("plural").unwrap_or_default(),
                id: segment("id"),
            })
        });
        ready(route)
    }
}

impl RecordRoute {
    /// The current metadata of the principal's workspace.
    async fn workspace(&self) -> Result<Arc<WorkspaceMetadata>, ApiError> {
        workspace(&self.state, &self.principal).await
    }

    /// The active object `{plural}` names; an unknown name is 404.
    fn object<'m>(&self, meta: &'m WorkspaceMetadata) -> Result<&'m ObjectMetadata, ApiError> {
        object(meta, &self.plural)
    }

    /// The `{id}` segment as a record id; anything but a UUID is 400.
    fn id(&self) -> Result<Uuid, ApiError> {
        record_id(self.id.as_deref().unwrap_or_default())
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

/// The active object behind `/rest/{plural}`; an unknown name is 404.
fn object<'m>(meta: &'m WorkspaceMetadata, plural: &str) -> Result<&'m ObjectMetadata, ApiError> {
    meta.object_by_plural(plural)
        .filter(|o| o.is_active)
        .ok_or_else(|| ApiError(DomainError::not_found(format!("object `{plural}`"))))
}

fn record_id(id: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(id).map_err(|_| ApiError(DomainError::invalid_field("id", "must be a UUID")))
}

/// Every stored value of the record; with `depth=1`, MANY_TO_ONE relations embedded as objects.
fn record_selection(meta: &WorkspaceMetadata, object: &ObjectMetadata, depth: u8) -> Result<Selection, ApiError> {
    let mut selection = Selection::full_record(object);
    if depth >= 1 {
        for field in object.active_fields() {
            let Some(link) = &field.relation else { continue };
            let Some(target) = meta.object(link.target_object_id).filter(|t| t.is_active) else {
                continue;
            };
            if matches!(link.storage, RelationStorage::OwnColumn { .. }) {
                selection = selection.to_one(object, &field.name, &field.name, Selection::full_record(target))?;
            }
        }
    }
    Ok(selection)
}

fn depth_of(req: &HttpRequest) -> Result<u8, ApiError> {
    let depth = query_choice(req, "depth", &[("0", 0), ("1", 1)], "must be 0 or 1")?;
    Ok(depth.unwrap_or(0))
}

/// The value of the query parameter `name` among `choices`, or a 400 with `rule`; repeating the parameter is
/// allowed only with the same value.
fn query_choice<T: Copy + PartialEq>(
    req: &HttpRequest,
    name: &str,
    choices: &[(&str, T)],
    rule: &str,
) -> Result<Option<T>, ApiError> {
    let mut chosen = None;
    for (key, value) in crate::query::query_pairs(req.query_string()) {
        if key != name {
            continue;
        }
        match choices.iter().find(|(text, _)| *text == value) {
            Some((_, choice)) if chosen.is_none_or(|c| c == *choice) => chosen = Some(*choice),
            Some(_) => {
                return Err(ApiError(DomainError::invalid_field(
                    name,
                    "was given twice with different values",
                )));
            }
            None => return Err(ApiError(DomainError::invalid_field(name, rule))),
        }
    }
    Ok(chosen)
}

fn body_json(body: &[u8]) -> Result<Json, ApiError> {
    serde_json::from_slice(body).map_err(|e| ApiError(DomainError::validation(format!("Invalid JSON body: {e}"))))
}

async fn list(route: RecordRoute, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let meta = route.workspace().await?;
    let object = route.object(&meta)?;
    let params = parse_list_query(object, req.query_string())?;
    let records = &route.state.records;
    let limits = records.limits();
    let mut query = ConnectionQuery::from_input(
        &meta,
        object,
        params.filter.as_ref(),
        params.order.as_ref(),
        &PageArgs::default(),
        limits,
    )?;
    query.page = Page::offset(params.limit, params.offset, limits)?;
    let query = query
        .with_node(record_selection(&meta, object, params.depth)?)
        .with_total_count(true)
        .with_parts(false, true);
    let connection = records.find_many(&meta, &query).await?;
    let data: Vec<&Json> = connection.nodes().collect();
    Ok(HttpResponse::Ok().json(json!({
        "data": data,
        "meta": {"totalCount": connection.total_count(), "hasMore": connection.has_next_page()}
    })))
}

async fn find_one(route: RecordRoute, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let meta = route.workspace().await?;
    let object = route.object(&meta)?;
    let id = route.id()?;
    let by_id = InputValue::String(id.to_string())
        .under(Operator::Eq.name())
        .under(SystemField::Id.name());
    let filter = Filter::resolve(&meta, object, &by_id)?;
    let selection = record_selection(&meta, object, depth_of(&req)?)?;
    let record = route.state.records.find_one(&meta, object, filter, selection).await?;
    let record = record.ok_or_else(|| ApiError(DomainError::not_found(format!("{} {id}", object.name_singular))))?;
    Ok(HttpResponse::Ok().json(json!({ "data": record })))
}

async fn create_one(route: RecordRoute, body: web::Bytes) -> Result<HttpResponse, ApiError> {
    let meta = route.workspace().await?;
    let object = route.object(&meta)?;
    let data = body_json(&body)?;
    let record = route
        .state
        .records
        .create_one(&meta, object, &data, false, &Selection::full_record(object))
        .await?;
    Ok(HttpResponse::Created().json(json!({ "data": record })))
}

async fn create_many(route: RecordRoute, body: web::Bytes) -> Result<HttpResponse, ApiError> {
    let meta = route.workspace().await?;
    let object = route.object(&meta)?;
    let Json::Array(items) = body_json(&body)? else {
        return Err(ApiError(DomainError::validation(
            "The body of a batch request must be a JSON array",
        )));
    };
    let records = route
        .state
        .records
        .create_many(&meta, object, &items, false, &Selection::full_record(object))
        .await?;
    Ok(HttpResponse::Created().json(json!({ "data": records })))
}

async fn update_one(route: RecordRoute, body: web::Bytes) -> Result<HttpResponse, ApiError> {
    let meta = route.workspace().await?;
    let object = route.object(&meta)?;
    let id = route.id()?;
    let data = body_json(&body)?;
    let record = route
        .state
        .records
        .update_one(&meta, object, id, &data, &Selection::full_record(object))
        .await?;
    Ok(HttpResponse::Ok().json(json!({ "data": record })))
}

async fn delete_one(route: RecordRoute, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let meta = route.workspace().await?;
    let object = route.object(&meta)?;
    let id = route.id()?;
    let destroy = query_choice(
        &req,
        "destroy",
        &[("true", true), ("false", false)],
        "must be true or false",
    )?;
    let change = if destroy == Some(true) {
        LifeCycle::Destroy
    } else {
        LifeCycle::SoftDelete
    };
    let selection = Selection::new().field(object, "id")?;
    route
        .state
        .records
        .change_one(change, &meta, object, id, &selection)
        .await?;
    Ok(HttpResponse::Ok().json(json!({ "data": { "id": id, "deleted": true } })))
}

async fn open_api(
    state: web::Data<RestState>,
    Authenticated(principal): Authenticated,
) -> Result<HttpResponse, ApiError> {
    let meta = workspace(&state, &principal).await?;
    let document = state.openapi.get(&meta);
    Ok(HttpResponse::Ok().json(document.as_ref()))
}
