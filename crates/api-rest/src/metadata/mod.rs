//! Twenty's REST metadata API (contract §11): `/rest/metadata/objects`, `/rest/metadata/fields` and
//! `/rest/metadata/relations` (list, read, create, update, delete) and `GET /rest/open-api/metadata`, over the same
//! `MetadataService` as the `/metadata` GraphQL API. Handlers read Twenty's request ([`input`], [`page`]), call
//! the service, and answer in Twenty's envelopes ([`view`]); errors use the contract's REST envelope.
//!
//! Relations are created as Twenty does, by `POST /rest/metadata/fields` with `type: RELATION` and a
//! `relationCreationPayload` (or by `POST /rest/metadata/relations`), and deleted by deleting either of their
//! fields (or the relation).

mod body;
mod input;
pub mod openapi;
mod page;
mod view;

pub use page::MAX_METADATA_PAGE;
pub use view::{MetadataFormat, data_model};

use crate::error::ApiError;
use crate::route::Route;
use actix_web::{HttpRequest, HttpResponse, web};
use body::Body;
use input::FieldCreation;
use page::Paging;
use serde_json::Value as Json;
use std::sync::Arc;
use twenty_domain::DomainError;
use twenty_domain::metadata::{FieldMetadata, RelationMetadata, WorkspaceMetadata};
use twenty_domain::services::MetadataService;
use twenty_domain::value::parse_uuid;
use twenty_storage::PgStore;
use uuid::Uuid;

/// The metadata routes' settings: the envelope they answer in and their OpenAPI document.
pub struct MetadataApi {
    pub format: MetadataFormat,
    document: Arc<Json>,
}

impl MetadataApi {
    /// `server_url` is the public base URL (`SERVER_URL`), without a trailing slash.
    pub fn new(format: MetadataFormat, server_url: Option<&str>) -> Self {
        MetadataApi {
            format,
            document: Arc::new(openapi::document(format, server_url)),
        }
    }
}

impl Default for MetadataApi {
    fn default() -> Self {
        MetadataApi::new(MetadataFormat::default(), None)
    }
}

/// Registers the routes under the `/rest` scope; before the record routes, whose `/{plural}/{id}` would match
/// `/metadata/objects`. `PUT` is Twenty's alias of `PATCH`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/open-api/metadata", web::get().to(open_api))
        .route("/metadata/objects", web::get().to(list_objects))
        .route("/metadata/objects", web::post().to(create_object))
        .route("/metadata/objects/{id}", web::get().to(find_object))
        .route("/metadata/objects/{id}", web::patch().to(update_object))
        .route("/metadata/objects/{id}", web::put().to(update_object))
        .route("/metadata/objects/{id}", web::delete().to(delete_object))
        .route("/metadata/fields", web::get().to(list_fields))
        .route("/metadata/fields", web::post().to(create_field))
        .route("/metadata/fields/{id}", web::get().to(find_field))
        .route("/metadata/fields/{id}", web::patch().to(update_field))
        .route("/metadata/fields/{id}", web::put().to(update_field))
        .route("/metadata/fields/{id}", web::delete().to(delete_field))
        .route("/metadata/relations", web::get().to(list_relations))
        .route("/metadata/relations", web::post().to(create_relation))
        .route("/metadata/relations/{id}", web::get().to(find_relation))
        .route("/metadata/relations/{id}", web::patch().to(update_relation))
        .route("/metadata/relations/{id}", web::put().to(update_relation))
        .route("/metadata/relations/{id}", web::delete().to(delete_relation))
        .route("/metadata/{rest:.*}", web::to(unknown_route));
}

impl Route {
    fn service(&self) -> &MetadataService<PgStore> {
        &self.state.data_model
    }

    fn format(&self) -> MetadataFormat {
        self.state.metadata.format
    }

    fn ok(&self, key: &str, item: Json) -> HttpResponse {
        HttpResponse::Ok().json(self.format().one(key, item))
    }

    fn created(&self, key: &str, item: Json) -> HttpResponse {
        HttpResponse::Created().json(self.format().one(key, item))
    }
}

fn not_found(what: &str, id: Uuid) -> ApiError {
    ApiError(DomainError::not_found(format!("{what} {id}")))
}

/// The field `id` of the workspace.
fn find_field_in(meta: &WorkspaceMetadata, id: Uuid) -> Result<&FieldMetadata, ApiError> {
    meta.object_and_field(id)
        .map(|(_, field)| field)
        .ok_or_else(|| not_found("field", id))
}

/// The relation `id` of the workspace.
fn find_relation_in(meta: &WorkspaceMetadata, id: Uuid) -> Result<&RelationMetadata, ApiError> {
    meta.relation(id).ok_or_else(|| not_found("relation", id))
}

async fn open_api(route: Route) -> Result<HttpResponse, ApiError> {
    // The document does not depend on the workspace, but it is served to authenticated clients only.
    route.workspace().await?;
    Ok(HttpResponse::Ok().json(route.state.metadata.document.as_ref()))
}

async fn unknown_route() -> Result<HttpResponse, ApiError> {
    Err(ApiError(DomainError::not_found(
        "metadata route (objects, fields and relations are served)",
    )))
}

async fn list_objects(route: Route, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let paging = Paging::parse(req.query_string(), &[])?;
    let meta = route.workspace().await?;
    let items = meta
        .objects
        .iter()
        .map(|o| (o.id, view::object(&meta, o, true)))
        .collect();
    Ok(HttpResponse::Ok().json(route.format().list("objects", paging.page(items))))
}

async fn find_object(route: Route) -> Result<HttpResponse, ApiError> {
    let id = route.id()?;
    let meta = route.workspace().await?;
    let object = meta.object(id).ok_or_else(|| not_found("object", id))?;
    Ok(route.ok("object", view::object(&meta, object, true)))
}

async fn create_object(route: Route, body: web::Bytes) -> Result<HttpResponse, ApiError> {
    let blueprint = input::new_object(Body::parse(&body)?)?;
    let meta = route.workspace().await?;
    let object = route.service().create_object(&meta, &blueprint).await?;
    Ok(route.created("createOneObject", view::object(&meta, &object, true)))
}

async fn update_object(route: Route, body: web::Bytes) -> Result<HttpResponse, ApiError> {
    let id = route.id()?;
    let update = input::object_update(Body::parse(&body)?)?;
    let meta = route.workspace().await?;
    let object = route.service().update_object(&meta, id, &update).await?;
    Ok(route.ok("updateOneObject", view::object(&meta, &object, true)))
}

async fn delete_object(route: Route) -> Result<HttpResponse, ApiError> {
    let id = route.id()?;
    let meta = route.workspace().await?;
    let object = route.service().delete_object(&meta, id).await?;
    Ok(route.ok("deleteOneObject", view::object(&meta, &object, false)))
}

async fn list_fields(route: Route, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let paging = Paging::parse(req.query_string(), &["objectMetadataId"])?;
    let object = paging
        .extra("objectMetadataId")
        .map(|id| parse_uuid("objectMetadataId", id))
        .transpose()?;
    let meta = route.workspace().await?;
    let items = meta
        .objects
        .iter()
        .filter(|o| object.is_none_or(|id| id == o.id))
        .flat_map(|o| o.fields.iter())
        .map(|f| (f.id, view::field(&meta, f)))
        .collect();
    Ok(HttpResponse::Ok().json(route.format().list("fields", paging.page(items))))
}

async fn find_field(route: Route) -> Result<HttpResponse, ApiError> {
    let id = route.id()?;
    let meta = route.workspace().await?;
    let field = find_field_in(&meta, id)?;
    Ok(route.ok("field", view::field(&meta, field)))
}

/// A field, or with `type: RELATION` a relation whose "from" side is the field described (answered with it).
async fn create_field(route: Route, body: web::Bytes) -> Result<HttpResponse, ApiError> {
    let creation = input::new_field(Body::parse(&body)?)?;
    let meta = route.workspace().await?;
    let service = route.service();
    let created = match creation {
        FieldCreation::Field { object_id, field } => {
            let field = service.create_field(&meta, object_id, &field.blueprint()).await?;
            view::field(&meta, &field)
        }
        FieldCreation::Relation(relation) => {
            let relation = service
                .create_relation(&meta, &relation)
                .await
                .map_err(relation_field_paths)?;
            let meta = route.workspace().await?;
            view::field(&meta, find_field_in(&meta, relation.from_field_id)?)
        }
    };
    Ok(route.created("createOneField", created))
}

/// The service names the inputs of a relation as `createOneRelation` does; a relation created as a field names
/// them as that field's body did.
fn relation_field_paths(err: DomainError) -> DomainError {
    let rename = |path: &str| -> String {
        let renamed = match path {
            "fromObjectMetadataId" => "objectMetadataId",
            "fromFieldMetadataName" => "name",
            "fromFieldMetadataLabel" => "label",
            "fromIcon" => "icon",
            "fromDescription" => "description",
            "toObjectMetadataId" => "relationCreationPayload.targetObjectMetadataId",
            "toFieldMetadataName" => "relationCreationPayload.targetFieldName",
            "toFieldMetadataLabel" => "relationCreationPayload.targetFieldLabel",
            "toIcon" => "relationCreationPayload.targetFieldIcon",
            other => other,
        };
        renamed.to_string()
    };
    match err {
        DomainError::Validation { message, details } => {
            let mut problems = twenty_domain::error::Problems::new();
            for d in &details {
                problems.push(rename(&d.field), d.message.clone());
            }
            match problems.finish(()) {
                Err(renamed) => renamed,
                Ok(()) => DomainError::Validation { message, details },
            }
        }
        DomainError::Conflict { message, details } => DomainError::Conflict {
            message,
            details: details
                .into_iter()
                .map(|d| twenty_domain::FieldError::new(rename(&d.field), d.message))
                .collect(),
        },
        other => other,
    }
}

async fn update_field(route: Route, body: web::Bytes) -> Result<HttpResponse, ApiError> {
    let id = route.id()?;
    let mut body = Body::parse(&body)?;
    // Twenty's clients may repeat the id in the body; another id is a mistake.
    match body.json("id") {
        None | Some(Json::Null) => {}
        Some(Json::String(given)) if Uuid::parse_str(&given).ok() == Some(id) => {}
        Some(_) => body.problem("id", "must be the id of the field in the path"),
    }
    let update = input::field_update(body)?;
    let meta = route.workspace().await?;
    let field = route.service().update_field(&meta, id, &update).await?;
    Ok(route.ok("updateOneField", view::field(&meta, &field)))
}

/// A field; a RELATION field goes with its relation (both fields), as in Twenty.
async fn delete_field(route: Route) -> Result<HttpResponse, ApiError> {
    let id = route.id()?;
    let meta = route.workspace().await?;
    let field = find_field_in(&meta, id)?;
    match &field.relation {
        Some(link) => {
            route.service().delete_relation(&meta, link.relation_id).await?;
        }
        None => {
            route.service().delete_field(&meta, id).await?;
        }
    }
    Ok(route.ok("deleteOneField", view::field(&meta, field)))
}

async fn list_relations(route: Route, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let paging = Paging::parse(req.query_string(), &[])?;
    let meta = route.workspace().await?;
    let items = meta
        .relations
        .iter()
        .map(|r| (r.id, view::relation(&meta, r)))
        .collect();
    Ok(HttpResponse::Ok().json(route.format().list("relations", paging.page(items))))
}

async fn find_relation(route: Route) -> Result<HttpResponse, ApiError> {
    let id = route.id()?;
    let meta = route.workspace().await?;
    let relation = find_relation_in(&meta, id)?;
    Ok(route.ok("relation", view::relation(&meta, relation)))
}

async fn create_relation(route: Route, body: web::Bytes) -> Result<HttpResponse, ApiError> {
    let input = input::new_relation(Body::parse(&body)?)?;
    let meta = route.workspace().await?;
    let relation = route.service().create_relation(&meta, &input).await?;
    let meta = route.workspace().await?;
    Ok(route.created("createOneRelation", view::relation(&meta, &relation)))
}

/// A relation has nothing to change once created (as in Twenty): its fields are relabelled through
/// `/rest/metadata/fields/{id}`.
async fn update_relation(route: Route) -> Result<HttpResponse, ApiError> {
    let id = route.id()?;
    let meta = route.workspace().await?;
    let relation = find_relation_in(&meta, id)?;
    Err(ApiError(DomainError::validation(format!(
        "A relation cannot be changed once created: relabel its fields with PATCH /rest/metadata/fields/{} and \
         /rest/metadata/fields/{}, or delete it and create another",
        relation.from_field_id, relation.to_field_id
    ))))
}

async fn delete_relation(route: Route) -> Result<HttpResponse, ApiError> {
    let id = route.id()?;
    let meta = route.workspace().await?;
    let relation = route.service().delete_relation(&meta, id).await?;
    Ok(route.ok("deleteOneRelation", view::relation(&meta, &relation)))
}
