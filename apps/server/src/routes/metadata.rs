//! `POST /metadata`: the metadata API (objects, fields, relations, API keys, webhooks).

use crate::AppState;
use crate::middleware::{GraphQLBody, GraphQLHttpError, graphql_answer};
use actix_web::{HttpResponse, web};
use twenty_api_graphql::execute;
use twenty_api_graphql::metadata::MetadataContext;
use twenty_api_rest::Authenticated;

pub async fn metadata(
    state: web::Data<AppState>,
    Authenticated(principal): Authenticated,
    GraphQLBody(request): GraphQLBody,
) -> Result<HttpResponse, GraphQLHttpError> {
    let ctx = MetadataContext {
        store: state.store.clone(),
        auth: state.auth.clone(),
        principal,
        allow_private_webhooks: state.config.webhook_allow_private_urls,
        server_url: state.config.server_url.clone(),
    };
    Ok(graphql_answer(&execute(&state.metadata_schema, &ctx, &request).await))
}
