//! The metadata API: the reference's examples verbatim ([`reference`]), every field type and relation kind
//! ([`fields`]), naming rules and activation ([`rules`]), and what changes do to storage ([`storage`]).

mod fields;
mod reference;
mod rules;
mod storage;
mod twenty;

use crate::support::{Gql, TestApp, node_texts};
use serde_json::{Value, json};

/// A document of the API reference's metadata section.
macro_rules! document {
    ($name:literal) => {
        include_str!(concat!("../reference/metadata/", $name, ".graphql"))
    };
}
pub(crate) use document;

/// An app with a signed-up workspace whose webhooks may not target private addresses.
async fn app() -> TestApp {
    TestApp::with_env_workspace(&[("WEBHOOK_ALLOW_PRIVATE_URLS", "false")]).await
}

/// Creates a field through the reference's `CreateField` document; the created field.
async fn create_field(app: &TestApp, input: Value) -> Value {
    app.metadata_query_with(document!("CreateField"), json!({"input": input}))
        .await["createOneField"]
        .clone()
}

/// A field input: `name` of `field_type` on `object`, with `extra` keys merged in (label = name).
fn field_input(object: &str, name: &str, field_type: &str, extra: &Value) -> Value {
    let mut input = json!({"objectMetadataId": object, "name": name, "label": name, "type": field_type});
    input
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    input
}

/// Creates a custom object with the given names (labels = names); its id.
async fn create_object(app: &TestApp, singular: &str, plural: &str) -> String {
    let created = app
        .metadata_query_with(
            "mutation($d: CreateObjectInput!) { createOneObject(data: $d) { id } }",
            json!({"d": {"nameSingular": singular, "namePlural": plural, "labelSingular": singular, "labelPlural": plural}}),
        )
        .await;
    created["createOneObject"]["id"].as_str().unwrap().to_string()
}

/// The names of an object's fields, from the metadata API.
async fn field_names(app: &TestApp, object_id: &str) -> Vec<String> {
    let fields = app
        .metadata_query_with(
            "query($id: ID!) { fields(objectMetadataId: $id) { edges { node { name } } } }",
            json!({"id": object_id}),
        )
        .await;
    node_texts(&fields["fields"], "name")
}

/// `deleteOne<resource>` (`Object`, `Field`, `Relation`, `ApiKey`, `Webhook`) of `id` through the metadata API,
/// whatever it answers.
async fn delete_one(app: &TestApp, resource: &str, id: impl serde::Serialize) -> Gql {
    let mutation = format!("mutation($id: ID!) {{ deleteOne{resource}(id: $id) {{ id }} }}");
    app.metadata(&mutation, json!({"id": id})).await
}

/// Activates or deactivates the object or field (`resource`) `id` through `updateOne<resource>`.
async fn set_active(app: &TestApp, resource: &str, id: impl serde::Serialize, active: bool) {
    let mutation =
        format!("mutation($id: ID!) {{ updateOne{resource}(id: $id, data: {{isActive: {active}}}) {{ isActive }} }}");
    app.metadata_query_with(&mutation, json!({"id": id})).await;
}

/// The core API's error code for `query`, which must fail.
async fn core_error(app: &TestApp, query: &str) -> String {
    app.run(query).await.error_code()
}
