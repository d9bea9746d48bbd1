//! `POST /metadata`: the metadata API (objects, fields, relations, API keys, webhooks).

use crate::AppState;
use crate::middleware::api_error_response;
use actix_web::{HttpRequest, HttpResponse, web};
use twenty_api_graphql::metadata::MetaCtx;
use twenty_api_graphql::{GraphQLRequest, execute};
use twenty_api_rest::Authenticated;
use twenty_domain::DomainError;

pub async fn metadata(
    state: web::Data<AppState>,
    req: HttpRequest,
    Authenticated(principal): Authenticated,
    body: web::Bytes,
) -> HttpResponse {
    let request = match GraphQLRequest::parse(&body) {
        Ok(r) => r,
        Err(message) => return api_error_response(req.path(), DomainError::validation(message)),
    };
    let ctx = MetaCtx {
        store: state.store.clone(),
        auth: state.auth.clone(),
        principal,
        allow_private_webhooks: state.config.webhook_allow_private_urls,
    };
    HttpResponse::Ok().json(execute(&state.metadata_schema, &ctx, &request).await)
}
