//! Twenty's REST metadata API (contract §11): requests replayed from Twenty's integration tests
//! (`packages/twenty-server/test/integration/rest/suites/{object-metadata,field-metadata,metadata-list-contract}
//! .integration-spec.ts` in twentyhq/twenty), each test naming the `it(...)` it comes from, plus what this server
//! adds: relations, the contract's error envelope, workspace isolation, the rate budget and the OpenAPI document.
//! Twenty's "legacy format" (`{"data": {"objects": [..]}}`) is the default; its "new format" is
//! `REST_METADATA_FORMAT=direct`.
//!
//! Where the contract differs from Twenty the test says so: a duplicate name is 409 `CONFLICT` (Twenty: 400), and
//! an unknown field id in a PATCH is 404 `NOT_FOUND` (Twenty: 400).

pub(super) use crate::support::app::unique_email;
pub(super) use crate::support::*;
pub(super) use actix_web::http::Method;
pub(super) use serde_json::{Value, json};

/// Twenty's `NON_EXISTENT_UUID`.
pub(super) const NON_EXISTENT_UUID: &str = "00000000-0000-4000-8000-000000000000";

/// The routes of the three resources.
pub(super) const OBJECTS: &str = "/rest/metadata/objects";
pub(super) const FIELDS: &str = "/rest/metadata/fields";
pub(super) const RELATIONS: &str = "/rest/metadata/relations";

/// How a request is refused: its status and error code.
pub(super) type Refusal = (u16, &'static str);
pub(super) const INVALID: Refusal = (400, "VALIDATION_ERROR");
pub(super) const NOT_FOUND: Refusal = (404, "NOT_FOUND");
pub(super) const CONFLICT: Refusal = (409, "CONFLICT");

pub(super) async fn get(app: &TestApp, path: &str) -> Value {
    app.rest_expect(Method::GET, path, None, 200).await
}

/// An error answer in the contract's REST envelope, refused as `refusal` says; its `details` fields.
pub(super) async fn error(
    app: &TestApp,
    method: Method,
    path: &str,
    body: Option<Value>,
    (status, code): Refusal,
) -> Vec<String> {
    let res = app.rest(method, path, body).await;
    let fields = res.expect_error(status, code);
    let error = &res.json()["error"];
    assert_eq!(error["statusCode"], json!(status), "{}", res.body);
    assert!(error["message"].is_string(), "{}", res.body);
    fields
}

/// `GET <route>/<id>` of a malformed id is refused naming `id`, of an unknown id not found.
pub(super) async fn bad_ids_are_refused(app: &TestApp, route: &str) {
    let malformed = format!("{route}/not-a-uuid");
    assert_eq!(error(app, Method::GET, &malformed, None, INVALID).await, ["id"]);
    let unknown = format!("{route}/{NON_EXISTENT_UUID}");
    error(app, Method::GET, &unknown, None, NOT_FOUND).await;
}

/// Each body, POSTed to `path`, is refused with a validation error naming exactly its problems (`details` fields).
pub(super) async fn each_invalid<const N: usize>(app: &TestApp, path: &str, bodies: [(Value, Vec<&str>); N]) {
    for (body, problems) in bodies {
        let fields = error(app, Method::POST, path, Some(body.clone()), INVALID).await;
        assert_eq!(fields, problems, "{body}");
    }
}

/// Twenty's `buildUniqueObjectInput` with a fixed suffix.
pub(super) fn object_input(suffix: &str) -> Value {
    json!({
        "nameSingular": format!("restTest{suffix}"),
        "namePlural": format!("restTest{suffix}s"),
        "labelSingular": format!("Rest Test {suffix}"),
        "labelPlural": format!("Rest Tests {suffix}"),
        "icon": "IconTestPipe",
        "isLabelSyncedWithName": false,
    })
}

/// Twenty's `createTestObjectViaGraphql`: the object through `/metadata`; its id and input.
pub(super) async fn object_via_graphql(app: &TestApp, suffix: &str) -> (String, Value) {
    let input = object_input(suffix);
    (via_graphql(app, "Object", &input).await, input)
}

/// Twenty's `buildUniqueFieldInput` with a fixed suffix.
pub(super) fn field_input(object_id: &str, suffix: &str) -> Value {
    json!({
        "objectMetadataId": object_id,
        "type": "TEXT",
        "name": format!("restTestField{suffix}"),
        "label": format!("Rest Test Field {suffix}"),
        "isLabelSyncedWithName": false,
    })
}

/// Twenty's `createTestFieldViaGraphql`: a TEXT field through `/metadata`; its id and input.
pub(super) async fn field_via_graphql(app: &TestApp, object_id: &str, suffix: &str) -> (String, Value) {
    let input = field_input(object_id, suffix);
    (via_graphql(app, "Field", &input).await, input)
}

/// Creates `input` through `/metadata`'s `createOne<resource>` (`Object`, `Field`), which does not take
/// `isLabelSyncedWithName`: the id.
async fn via_graphql(app: &TestApp, resource: &str, input: &Value) -> String {
    let mut input = input.clone();
    input.as_object_mut().unwrap().remove("isLabelSyncedWithName");
    let mutation = format!("mutation($d: Create{resource}Input!) {{ createOne{resource}(data: $d) {{ id }} }}");
    let created = app.metadata_query_with(&mutation, json!({"d": input})).await;
    created[format!("createOne{resource}")]["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// A workspace with Twenty's seeded test objects (`beforeAll` of `GET /metadata/objects`: three objects).
pub(super) async fn seeded(env: &[(&str, &str)]) -> (TestApp, Vec<String>) {
    let app = TestApp::with_env_workspace(env).await;
    let mut ids = Vec::new();
    for suffix in ["a", "b", "c"] {
        ids.push(object_via_graphql(&app, suffix).await.0);
    }
    (app, ids)
}

pub(super) fn ids(list: &[Value]) -> Vec<&str> {
    list.iter().map(|item| item["id"].as_str().unwrap()).collect()
}

/// The object count and the names of every object, from `/metadata`: what a refused change must leave as it was.
pub(super) async fn data_model(app: &TestApp) -> Value {
    app.metadata_query("{ objects { edges { node { nameSingular labelSingular isActive fields { edges { node { name label } } } } } } }")
        .await
}

mod access;
mod fields;
mod objects;
mod relations;
