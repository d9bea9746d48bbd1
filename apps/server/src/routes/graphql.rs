//! `POST /graphql` (the core API) and `GET /graphql` (GraphiQL for browsers).

use crate::AppState;
use crate::middleware::{GraphQLHttpError, graphql_answer, graphql_request};
use actix_web::{HttpResponse, web};
use twenty_api_graphql::CoreContext;
use twenty_api_graphql::execute::execute_prepared;
use twenty_api_rest::{Authenticated, workspace_of};

pub async fn graphql(
    state: web::Data<AppState>,
    Authenticated(principal): Authenticated,
    body: web::Bytes,
) -> Result<HttpResponse, GraphQLHttpError> {
    let request = graphql_request(&body)?;
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

/// GraphiQL, for a person with a browser; it sends the token the user pastes into its headers editor.
pub async fn graphiql() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(GRAPHIQL)
}

const GRAPHIQL: &str = r#"<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>GraphiQL</title>
  <link rel="stylesheet" href="https://unpkg.com/graphiql@3/graphiql.min.css">
  <style>body { margin: 0; height: 100vh; } #graphiql { height: 100vh; }</style>
</head>
<body>
  <div id="graphiql">Loading GraphiQL… Add <code>{"Authorization": "Bearer &lt;token&gt;"}</code> in the headers panel.</div>
  <script src="https://unpkg.com/react@18/umd/react.production.min.js"></script>
  <script src="https://unpkg.com/react-dom@18/umd/react-dom.production.min.js"></script>
  <script src="https://unpkg.com/graphiql@3/graphiql.min.js"></script>
  <script>
    const fetcher = GraphiQL.createFetcher({ url: window.location.pathname });
    ReactDOM.createRoot(document.getElementById('graphiql')).render(
      React.createElement(GraphiQL, { fetcher, defaultHeaders: '{"Authorization": "Bearer "}' }));
  </script>
</body>
</html>"#;
