//! The `/rest` routes (contract §6): list, read, create, batch create, update, soft or hard delete, and the
//! OpenAPI document. Handlers extract, call one domain service, and wrap the result in the envelope.

use crate::envelope::{ListPage, Operation, ResponseFormat};
use crate::error::ApiError;
use crate::metadata::MetadataApi;
use crate::openapi::OpenApiCache;
use crate::query::{Depth, parse_list_query};
use crate::route::Route;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::Value as Json;
use std::sync::Arc;
use twenty_domain::DomainError;
use twenty_domain::field_type::{Operator, SystemField};
use twenty_domain::metadata::{ObjectMetadata, RelationStorage, WorkspaceMetadata};
use twenty_domain::query::{
    Connection, ConnectionQuery, Cursors, Filter, InputValue, Page, PageArgs, ReadLimits, Selection, SelectionItem,
};
use twenty_domain::record::{LifeCycle, RecordTarget, WriteMode};
use twenty_domain::services::{DuplicateSource, MetadataService, RecordService};
use twenty_storage::PgStore;
use uuid::Uuid;

/// What the REST handlers share.
pub struct RestState {
    pub records: Arc<RecordService<PgStore>>,
    pub data_model: Arc<MetadataService<PgStore>>,
    pub openapi: OpenApiCache,
    /// How answers are wrapped (`REST_RESPONSE_FORMAT`).
    pub format: ResponseFormat,
    /// The metadata routes' envelope and OpenAPI document.
    pub metadata: MetadataApi,
}

/// Registers the routes; mount under `/rest` behind authentication. `PUT` is Twenty's alias of `PATCH`; the
/// bulk routes (`PATCH` / `DELETE /rest/{plural}?filter=…`, `PATCH /rest/{plural}/restore?filter=…`) and
/// `PATCH /rest/{plural}/{id}/restore` are Twenty's (contract §11), as are the metadata routes
/// ([`crate::metadata`]), registered first so that `/{plural}/{id}` does not take `/metadata/objects`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    crate::metadata::configure(cfg);
    cfg.route("/open-api/core", web::get().to(open_api))
        .route("/batch/{plural}", web::post().to(create_many))
        .route("/{plural}", web::get().to(list))
        .route("/{plural}", web::post().to(create_one))
        .route("/{plural}", web::patch().to(update_many))
        .route("/{plural}", web::put().to(update_many))
        .route("/{plural}", web::delete().to(delete_many))
        .route("/{plural}/restore", web::patch().to(restore_many))
        .route("/{plural}/duplicates", web::post().to(find_duplicates))
        .route("/{plural}/{id}", web::get().to(find_one))
        .route("/{plural}/{id}", web::patch().to(update_one))
        .route("/{plural}/{id}", web::put().to(update_one))
        .route("/{plural}/{id}", web::delete().to(delete_one))
        .route("/{plural}/{id}/restore", web::patch().to(restore_one));
}

impl Route {
    /// The active object `{plural}` names; an unknown name is 404.
    fn object<'m>(&self, meta: &'m WorkspaceMetadata) -> Result<&'m ObjectMetadata, ApiError> {
        object(meta, &self.plural)
    }
}

/// The active object behind `/rest/{plural}`; an unknown name is 404.
fn object<'m>(meta: &'m WorkspaceMetadata, plural: &str) -> Result<&'m ObjectMetadata, ApiError> {
    meta.object_by_plural(plural)
        .filter(|o| o.is_active)
        .ok_or_else(|| ApiError(DomainError::not_found(format!("object `{plural}`"))))
}

/// Every stored value of the record, and the related records `depth` asks for: MANY_TO_ONE relations embedded
/// as objects from depth 1; from depth 2 each embedded record also carries its own relations, to-many ones as
/// arrays of their first page (see [`flatten_to_many`]).
fn record_selection(
    meta: &WorkspaceMetadata,
    object: &ObjectMetadata,
    depth: Depth,
    limits: ReadLimits,
) -> Result<Selection, ApiError> {
    related_selection(meta, object, depth, false, limits)
}

fn related_selection(
    meta: &WorkspaceMetadata,
    object: &ObjectMetadata,
    depth: Depth,
    to_many: bool,
    limits: ReadLimits,
) -> Result<Selection, ApiError> {
    let mut selection = Selection::full_record(object);
    if depth == Depth::Ids {
        return Ok(selection);
    }
    let deeper = depth == Depth::RelatedOfRelated;
    for field in object.active_fields() {
        let Some(link) = &field.relation else { continue };
        let Some(target) = meta.object(link.target_object_id).filter(|t| t.is_active) else {
            continue;
        };
        if matches!(link.storage, RelationStorage::OwnColumn { .. }) {
            let nested = related_selection(meta, target, depth.below(), deeper, limits)?;
            selection = selection.to_one(object, &field.name, &field.name, nested)?;
        } else if to_many && !link.is_to_one() {
            let connection = ConnectionQuery::from_input(meta, target, None, None, &PageArgs::default(), limits)?
                .with_node(Selection::full_record(target))
                .with_parts(Cursors::None, false);
            selection = selection.to_many(object, &field.name, &field.name, connection)?;
        }
    }
    Ok(selection)
}

/// REST writes a to-many relation as the array of its records, where storage answers a connection
/// (`{edges: [{node}]}`).
fn flatten_to_many(record: &mut Json, selection: &Selection) {
    for item in &selection.items {
        match item {
            SelectionItem::ToOne { key, selection, .. } => {
                if let Some(related) = record.get_mut(key.as_str()).filter(|r| r.is_object()) {
                    flatten_to_many(related, selection);
                }
            }
            SelectionItem::ToMany { key, connection, .. } => {
                if let Some(value) = record.get_mut(key.as_str()) {
                    let mut nodes: Vec<Json> = value["edges"]
                        .as_array_mut()
                        .map(|edges| edges.iter_mut().map(|e| e["node"].take()).collect())
                        .unwrap_or_default();
                    for node in &mut nodes {
                        flatten_to_many(node, &connection.node);
                    }
                    *value = Json::Array(nodes);
                }
            }
            SelectionItem::Column { .. } | SelectionItem::Composite { .. } => {}
        }
    }
}

fn depth_of(req: &HttpRequest) -> Result<Depth, ApiError> {
    let choices = [("0", Depth::Ids), ("1", Depth::Related), ("2", Depth::RelatedOfRelated)];
    let depth = query_choice(req, "depth", &choices, Depth::RULE)?;
    Ok(depth.unwrap_or_default())
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

async fn list(route: Route, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let meta = route.workspace().await?;
    let object = route.object(&meta)?;
    let params = parse_list_query(object, req.query_string())?;
    let records = &route.state.records;
    let limits = records.limits();
    // Twenty's cursors page by keyset; otherwise the reference's limit and offset.
    let cursor_paging = params.after.is_some() || params.before.is_some();
    let page_args = PageArgs {
        first: (params.before.is_none()).then_some(params.limit).flatten(),
        last: params.before.as_ref().and(params.limit),
        after: params.after.clone(),
        before: params.before.clone(),
    };
    let mut query = ConnectionQuery::from_input(
        &meta,
        object,
        params.filter.as_ref(),
        params.order.as_ref(),
        &page_args,
        limits,
    )?;
    if !cursor_paging {
        query.page = Page::offset(params.limit, params.offset, limits)?;
    }
    let selection = record_selection(&meta, object, params.depth, limits)?;
    let query = query
        .with_node(selection.clone())
        .with_total_count(true)
        .with_parts(Cursors::Ends, true);
    let connection = records.find_many(&meta, &query).await?;
    let page = list_page(connection, &selection);
    Ok(HttpResponse::Ok().json(route.state.format.list(object, page)))
}

/// A page read from storage, its records shaped as REST answers them.
fn list_page(connection: Connection, selection: &Selection) -> ListPage {
    let page_info = &connection.as_json()["pageInfo"];
    ListPage {
        records: connection.nodes().map(|node| shaped(node.clone(), selection)).collect(),
        total_count: connection.total_count(),
        has_next_page: connection.has_next_page(),
        has_previous_page: page_info["hasPreviousPage"].as_bool(),
        start_cursor: page_info["startCursor"].clone(),
        end_cursor: page_info["endCursor"].clone(),
    }
}

/// `POST /rest/{plural}/duplicates` with `{"data": [records]}` or `{"ids": [ids]}` (exactly one of them): the
/// likely duplicates of each, as Twenty's route answers.
async fn find_duplicates(route: Route, req: HttpRequest, body: web::Bytes) -> Result<HttpResponse, ApiError> {
    let meta = route.workspace().await?;
    let object = route.object(&meta)?;
    let selection = record_selection(&meta, object, depth_of(&req)?, route.state.records.limits())?;
    let source = duplicate_source(&body_json(&body)?)?;
    let pages = route
        .state
        .records
        .find_duplicates(&meta, object, &source, &selection)
        .await?;
    let pages = pages.into_iter().map(|page| list_page(page, &selection)).collect();
    Ok(HttpResponse::Ok().json(route.state.format.duplicates(object, pages)))
}

/// The body of a duplicates request: `data` (a list of records) or `ids` (a list of UUIDs), not both.
fn duplicate_source(body: &Json) -> Result<DuplicateSource, ApiError> {
    let Json::Object(fields) = body else {
        return Err(ApiError(DomainError::validation("The body must be a JSON object")));
    };
    let invalid = |field: &str, message: &str| ApiError(DomainError::invalid_field(field, message));
    match (fields.get("data"), fields.get("ids")) {
        (Some(_), Some(_)) => Err(ApiError(DomainError::validation(
            "You cannot provide both \"data\" and \"ids\" arguments",
        ))),
        (None, None) => Err(ApiError(DomainError::validation(
            "You have to provide either \"data\" or \"ids\" argument",
        ))),
        (Some(Json::Array(records)), None) => Ok(DuplicateSource::Data(records.clone())),
        (Some(_), None) => Err(invalid("data", "must be a list of records")),
        (None, Some(Json::Array(ids))) => ids
            .iter()
            .map(|id| id.as_str().and_then(|id| Uuid::parse_str(id).ok()))
            .collect::<Option<Vec<Uuid>>>()
            .map(DuplicateSource::Ids)
            .ok_or_else(|| invalid("ids", "must be a list of UUIDs")),
        (None, Some(_)) => Err(invalid("ids", "must be a list of UUIDs")),
    }
}

async fn find_one(route: Route, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let meta = route.workspace().await?;
    let object = route.object(&meta)?;
    let id = route.id()?;
    let by_id = InputValue::String(id.to_string())
        .under(Operator::Eq.name())
        .under(SystemField::Id.name());
    let filter = Filter::resolve(&meta, object, &by_id)?;
    let selection = record_selection(&meta, object, depth_of(&req)?, route.state.records.limits())?;
    let record = route
        .state
        .records
        .find_one(&meta, object, filter, selection.clone())
        .await?;
    let record = record.ok_or_else(|| ApiError(DomainError::not_found(format!("{} {id}", object.name_singular))))?;
    let answer = route
        .state
        .format
        .one(Operation::Find, object, shaped(record, &selection));
    Ok(HttpResponse::Ok().json(answer))
}

impl Route {
    /// The selection of the records a write answers with, by its `depth` parameter: 0 or 1, as Twenty (depth 2
    /// is for reads).
    fn selection(
        &self,
        req: &HttpRequest,
        meta: &WorkspaceMetadata,
        object: &ObjectMetadata,
    ) -> Result<Selection, ApiError> {
        let depth = depth_of(req)?;
        if depth == Depth::RelatedOfRelated {
            return Err(ApiError(DomainError::invalid_field(
                "depth",
                "must be 0 or 1 on a write (2 is for reads)",
            )));
        }
        record_selection(meta, object, depth, self.state.records.limits())
    }

    /// `record` wrapped as this server answers `operation` on one record.
    fn one(&self, operation: Operation, object: &ObjectMetadata, record: Json, selection: &Selection) -> Json {
        self.state.format.one(operation, object, shaped(record, selection))
    }

    /// `records` wrapped as this server answers `operation` on several records.
    fn many(&self, operation: Operation, object: &ObjectMetadata, records: Vec<Json>, selection: &Selection) -> Json {
        let records = records.into_iter().map(|r| shaped(r, selection)).collect();
        self.state.format.many(operation, object, records)
    }

    /// The mandatory filter of a bulk route (either dialect): its target.
    fn filter_target(
        &self,
        req: &HttpRequest,
        meta: &WorkspaceMetadata,
        object: &ObjectMetadata,
    ) -> Result<RecordTarget, ApiError> {
        let params = parse_list_query(object, req.query_string())?;
        let filter = params.filter.ok_or_else(|| {
            ApiError(DomainError::invalid_field(
                "filter",
                "is required: a change of many records names them with a filter",
            ))
        })?;
        Ok(RecordTarget::Filter(Filter::resolve(meta, object, &filter)?))
    }
}

/// Records as REST writes them (to-many relations as arrays).
fn shaped(mut record: Json, selection: &Selection) -> Json {
    flatten_to_many(&mut record, selection);
    record
}

async fn create_one(route: Route, req: HttpRequest, body: web::Bytes) -> Result<HttpResponse, ApiError> {
    let meta = route.workspace().await?;
    let object = route.object(&meta)?;
    let selection = route.selection(&req, &meta, object)?;
    let data = body_json(&body)?;
    let record = route
        .state
        .records
        .create_one(&meta, object, &data, false, &selection)
        .await?;
    Ok(HttpResponse::Created().json(route.one(Operation::Create, object, record, &selection)))
}

async fn create_many(route: Route, req: HttpRequest, body: web::Bytes) -> Result<HttpResponse, ApiError> {
    let meta = route.workspace().await?;
    let object = route.object(&meta)?;
    let selection = route.selection(&req, &meta, object)?;
    let Json::Array(items) = body_json(&body)? else {
        return Err(ApiError(DomainError::validation(
            "The body of a batch request must be a JSON array",
        )));
    };
    let records = route
        .state
        .records
        .create_many(&meta, object, &items, false, &selection)
        .await?;
    Ok(HttpResponse::Created().json(route.many(Operation::Create, object, records, &selection)))
}

async fn update_one(route: Route, req: HttpRequest, body: web::Bytes) -> Result<HttpResponse, ApiError> {
    let meta = route.workspace().await?;
    let object = route.object(&meta)?;
    let id = route.id()?;
    let selection = route.selection(&req, &meta, object)?;
    let data = body_json(&body)?;
    let record = route
        .state
        .records
        .update_one(&meta, object, id, &data, &selection)
        .await?;
    Ok(HttpResponse::Ok().json(route.one(Operation::Update, object, record, &selection)))
}

/// `PATCH /rest/{plural}?filter=…`: the same change to every record the filter matches.
async fn update_many(route: Route, req: HttpRequest, body: web::Bytes) -> Result<HttpResponse, ApiError> {
    let meta = route.workspace().await?;
    let object = route.object(&meta)?;
    let target = route.filter_target(&req, &meta, object)?;
    let selection = route.selection(&req, &meta, object)?;
    let data = body_json(&body)?;
    let records = route
        .state
        .records
        .update_many(WriteMode::Update, &meta, object, &target, &data, &selection)
        .await?;
    Ok(HttpResponse::Ok().json(route.many(Operation::Update, object, records, &selection)))
}

/// `destroy=true` destroys; anything else soft-deletes (Twenty's `soft_delete=false` destroys too).
fn deletion(req: &HttpRequest) -> Result<LifeCycle, ApiError> {
    let yes_no = [("true", true), ("false", false)];
    let destroy = query_choice(req, "destroy", &yes_no, "must be true or false")?;
    let soft = query_choice(req, "soft_delete", &yes_no, "must be true or false")?;
    Ok(if destroy == Some(true) || soft == Some(false) {
        LifeCycle::Destroy
    } else {
        LifeCycle::SoftDelete
    })
}

async fn delete_one(route: Route, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let meta = route.workspace().await?;
    let object = route.object(&meta)?;
    let id = route.id()?;
    depth_of(&req)?;
    let selection = Selection::new().field(object, "id")?;
    let record = route
        .state
        .records
        .change_one(deletion(&req)?, &meta, object, id, &selection)
        .await?;
    Ok(HttpResponse::Ok().json(route.one(Operation::Delete, object, record, &selection)))
}

/// `DELETE /rest/{plural}?filter=…`: soft-deletes (or, with `destroy=true`, destroys) what the filter matches.
async fn delete_many(route: Route, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let change = deletion(&req)?;
    change_many(route, req, change, Operation::Delete).await
}

/// A life-cycle change of every record the request's (mandatory) filter matches, answered as `operation`.
async fn change_many(
    route: Route,
    req: HttpRequest,
    change: LifeCycle,
    operation: Operation,
) -> Result<HttpResponse, ApiError> {
    let meta = route.workspace().await?;
    let object = route.object(&meta)?;
    let target = route.filter_target(&req, &meta, object)?;
    let selection = route.selection(&req, &meta, object)?;
    let records = route
        .state
        .records
        .change_many(change, &meta, object, &target, &selection)
        .await?;
    Ok(HttpResponse::Ok().json(route.many(operation, object, records, &selection)))
}

/// `PATCH /rest/{plural}/{id}/restore`: a soft-deleted record back.
async fn restore_one(route: Route, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let meta = route.workspace().await?;
    let object = route.object(&meta)?;
    let id = route.id()?;
    let selection = route.selection(&req, &meta, object)?;
    let record = route
        .state
        .records
        .change_one(LifeCycle::Restore, &meta, object, id, &selection)
        .await?;
    Ok(HttpResponse::Ok().json(route.one(Operation::Restore, object, record, &selection)))
}

/// `PATCH /rest/{plural}/restore?filter=…`: the soft-deleted records the filter matches back.
async fn restore_many(route: Route, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    change_many(route, req, LifeCycle::Restore, Operation::Restore).await
}

async fn open_api(route: Route) -> Result<HttpResponse, ApiError> {
    let meta = route.workspace().await?;
    let document = route.state.openapi.get(&meta);
    Ok(HttpResponse::Ok().json(document.as_ref()))
}
