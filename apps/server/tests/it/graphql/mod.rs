//! The GraphQL core API: the reference's documents verbatim ([`reference`]), document errors and limits
//! ([`errors`]), the record life cycle ([`records`]) and workspace isolation ([`isolation`]).

mod errors;
mod isolation;
mod records;
mod reference;

use crate::support::{TestApp, node_texts};
use serde_json::Value;

/// A document of the API reference's GraphQL Core API, Pagination or Filtering & Sorting sections.
macro_rules! document {
    ($name:literal) => {
        include_str!(concat!("../reference/core/", $name, ".graphql"))
    };
}
pub(crate) use document;

/// An app with a signed-up workspace.
async fn app() -> TestApp {
    TestApp::new().await.with_workspace().await
}

/// The `id` at `path` of a response's data.
fn id_at(data: &Value, path: &str) -> String {
    data.pointer(path)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no id at {path} in {data}"))
        .to_string()
}

/// The names of the companies a core API document answers (its `companies` connection).
async fn company_names(app: &TestApp, document: &str) -> Vec<String> {
    node_texts(&app.query(document).await["companies"], "name")
}

async fn total_companies(app: &TestApp) -> Value {
    app.query("{ companies { totalCount } }").await["companies"]["totalCount"].clone()
}

/// Waits (at most the contract's second) until `query` validates: the server learns of a data-model change made
/// behind its back.
async fn until_valid(app: &TestApp, query: &str) {
    crate::support::app::time_until(std::time::Duration::from_secs(1), async || {
        !app.run(query).await.has_errors()
    })
    .await;
}
