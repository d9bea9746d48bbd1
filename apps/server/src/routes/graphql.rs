//! `POST /graphql`: the core API (`GET /graphql`, GraphiQL, is in [`super::pages`]).

use crate::AppState;
use crate::middleware::{GraphQLBody, GraphQLHttpError, graphql_answer};
use actix_web::{HttpResponse, web};
use twenty_api_graphql::CoreContext;
use twenty_api_graphql::execute::execute_prepared;
use twenty_api_rest::{Authenticated, workspace_of};

pub async fn graphql(
    state: web::Data<AppState>,
    Authenticated(principal): Authenticated,
    GraphQLBody(request): GraphQLBody,
) -> Result<HttpResponse, GraphQLHttpError> {
    let meta = workspace_of(&state.data_model, &principal).await?;
    let entry = state.schemas.get(&meta)?;
    let ctx = CoreContext {
        records: state.records.clone(),
        principal,
        meta,
        raw: Default::default(),
        max_query_cost: state.config.max_query_cost,
    };
    Ok(graphql_answer(&execute_prepared(&entry, &ctx, &request).await))
}
