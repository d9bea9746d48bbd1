//! Twenty's REST metadata API (contract §11): requests replayed from Twenty's integration tests
//! (`packages/twenty-server/test/integration/rest/suites/{object-metadata,field-metadata,metadata-list-contract}
//! .integration-spec.ts` in twentyhq/twenty), each test naming the `it(...)` it comes from, plus what this server
//! adds: relations, the contract's error envelope, workspace isolation, the rate budget and the OpenAPI document.
//! Twenty's "legacy format" (`{"data": {"objects": [..]}}`) is the default; its "new format" is
//! `REST_METADATA_FORMAT=direct`.
//!
//! Where the contract differs from Twenty the test says so: a duplicate name is 409 `CONFLICT` (Twenty: 400), and
//! an unknown field id in a PATCH is 404 `NOT_FOUND` (Twenty: 400).

use crate::support::app::unique_email;
use crate::support::*;
use actix_web::http::Method;
use serde_json::{Value, json};

/// Twenty's `NON_EXISTENT_UUID`.
const NON_EXISTENT_UUID: &str = "00000000-0000-4000-8000-000000000000";

async fn get(app: &TestApp, path: &str) -> Value {
    app.rest_expect(Method::GET, path, None, 200).await
}

/// An error answer in the contract's REST envelope, with `status` and `code`; its `details` fields.
async fn error(app: &TestApp, method: Method, path: &str, body: Option<Value>, status: u16, code: &str) -> Vec<String> {
    let res = app.rest(method.clone(), path, body).await;
    assert_eq!(res.status, status, "{method} {path}: {}", res.body);
    let error = &res.json()["error"];
    assert_eq!(error["code"], json!(code), "{}", res.body);
    assert_eq!(error["statusCode"], json!(status), "{}", res.body);
    assert!(error["message"].is_string(), "{}", res.body);
    res.error_fields()
}

/// A REST request with another principal's token.
async fn rest_as(app: &TestApp, token: &str, method: Method, path: &str, body: Option<Value>) -> Response {
    let request = actix_web::test::TestRequest::default()
        .method(method)
        .uri(path)
        .insert_header(("authorization", format!("Bearer {token}")));
    let request = match body {
        Some(body) => request.set_json(body),
        None => request,
    };
    app.call(request).await
}

/// Twenty's `buildUniqueObjectInput` with a fixed suffix.
fn object_input(suffix: &str) -> Value {
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
async fn object_via_graphql(app: &TestApp, suffix: &str) -> (String, Value) {
    let mut input = object_input(suffix);
    input.as_object_mut().unwrap().remove("isLabelSyncedWithName");
    let created = app
        .metadata_query_with(
            "mutation($d: CreateObjectInput!) { createOneObject(data: $d) { id } }",
            json!({"d": input}),
        )
        .await;
    (
        created["createOneObject"]["id"].as_str().unwrap().to_string(),
        object_input(suffix),
    )
}

/// Twenty's `buildUniqueFieldInput` with a fixed suffix.
fn field_input(object_id: &str, suffix: &str) -> Value {
    json!({
        "objectMetadataId": object_id,
        "type": "TEXT",
        "name": format!("restTestField{suffix}"),
        "label": format!("Rest Test Field {suffix}"),
        "isLabelSyncedWithName": false,
    })
}

/// Twenty's `createTestFieldViaGraphql`: a TEXT field through `/metadata`; its id and input.
async fn field_via_graphql(app: &TestApp, object_id: &str, suffix: &str) -> (String, Value) {
    let mut input = field_input(object_id, suffix);
    input.as_object_mut().unwrap().remove("isLabelSyncedWithName");
    let created = app
        .metadata_query_with(
            "mutation($d: CreateFieldInput!) { createOneField(data: $d) { id } }",
            json!({"d": input}),
        )
        .await;
    (
        created["createOneField"]["id"].as_str().unwrap().to_string(),
        field_input(object_id, suffix),
    )
}

/// A workspace with Twenty's seeded test objects (`beforeAll` of `GET /metadata/objects`: three objects).
async fn seeded(env: &[(&str, &str)]) -> (TestApp, Vec<String>) {
    let app = TestApp::with_env(env).await.with_workspace().await;
    let mut ids = Vec::new();
    for suffix in ["a", "b", "c"] {
        ids.push(object_via_graphql(&app, suffix).await.0);
    }
    (app, ids)
}

/// Twenty's `extractMetadataListPayload`: the items of either envelope.
fn items<'a>(body: &'a Value, key: &str) -> &'a Vec<Value> {
    let data = if body["data"].is_array() {
        &body["data"]
    } else {
        &body["data"][key]
    };
    data.as_array().unwrap_or_else(|| panic!("no list in {body}"))
}

fn ids(list: &[Value]) -> Vec<&str> {
    list.iter().map(|item| item["id"].as_str().unwrap()).collect()
}

/// The object count and the names of every object, from `/metadata`: what a refused change must leave as it was.
async fn data_model(app: &TestApp) -> Value {
    app.metadata_query("{ objects { edges { node { nameSingular labelSingular isActive fields { edges { node { name label } } } } } } }")
        .await
}

/// object-metadata: "returns the expected envelope shape" (legacy format and new format).
#[tokio::test]
async fn objects_list_has_twentys_envelope_in_both_formats() {
    let formats: [(&[(&str, &str)], bool); 2] = [(&[], false), (&[("REST_METADATA_FORMAT", "direct")], true)];
    for (env, direct) in formats {
        let (app, seeded) = seeded(env).await;
        let body = get(&app, "/rest/metadata/objects").await;
        if direct {
            assert!(body["data"].is_array(), "{body}");
        } else {
            assert!(body["data"]["objects"].is_array(), "{body}");
        }
        for key in ["hasNextPage", "startCursor", "endCursor"] {
            assert!(body["pageInfo"].get(key).is_some(), "{key} in {body}");
        }
        let total = body["totalCount"].as_u64().unwrap();
        assert!(total >= seeded.len() as u64);
        assert_eq!(items(&body, "objects").len() as u64, total);
    }
}

/// object-metadata: "inlines fields[] on each object".
#[tokio::test]
async fn objects_list_inlines_their_fields() {
    let (app, _) = seeded(&[]).await;
    let body = get(&app, "/rest/metadata/objects?limit=5").await;
    let objects = items(&body, "objects");
    assert_eq!(objects.len(), 5);
    for object in objects {
        let fields = object["fields"]
            .as_array()
            .unwrap_or_else(|| panic!("no fields in {object}"));
        assert!(fields.iter().any(|f| f["name"] == "id"), "{object}");
        assert!(fields.iter().all(|f| f["objectMetadataId"] == object["id"]));
    }
}

/// object-metadata: "respects limit and surfaces hasNextPage".
#[tokio::test]
async fn objects_list_respects_limit_and_surfaces_has_next_page() {
    let (app, _) = seeded(&[]).await;
    let body = get(&app, "/rest/metadata/objects?limit=1").await;
    let objects = items(&body, "objects");
    assert_eq!(objects.len(), 1);
    assert_eq!(body["pageInfo"]["hasNextPage"], json!(true));
    assert_eq!(body["pageInfo"]["startCursor"], objects[0]["id"]);
    assert_eq!(body["pageInfo"]["endCursor"], objects[0]["id"]);
}

/// object-metadata: "paginates forward with starting_after without overlap", "paginates backward with
/// ending_before" and "keeps totalCount stable across pages".
#[tokio::test]
async fn objects_list_pages_forward_and_backward_by_cursor() {
    let (app, _) = seeded(&[]).await;
    let first = get(&app, "/rest/metadata/objects?limit=2").await;
    let end = first["pageInfo"]["endCursor"].as_str().unwrap();
    let second = get(&app, &format!("/rest/metadata/objects?limit=2&starting_after={end}")).await;
    let (first_ids, second_ids) = (ids(items(&first, "objects")), ids(items(&second, "objects")));
    assert_eq!(second_ids.len(), 2);
    assert!(first_ids.iter().all(|id| !second_ids.contains(id)), "no overlap");
    assert_eq!(first["totalCount"], second["totalCount"]);
    let start = second["pageInfo"]["startCursor"].as_str().unwrap();
    let back = get(&app, &format!("/rest/metadata/objects?limit=2&ending_before={start}")).await;
    assert_eq!(ids(items(&back, "objects")), first_ids);
    assert_eq!(back["pageInfo"]["hasNextPage"], json!(true));
}

/// object-metadata: "rejects combining starting_after and ending_before with 400"; and the other parameters
/// Twenty's parser refuses.
#[tokio::test]
async fn objects_list_refuses_bad_paging_parameters() {
    let app = TestApp::new().await.with_workspace().await;
    let both = format!("/rest/metadata/objects?starting_after={NON_EXISTENT_UUID}&ending_before={NON_EXISTENT_UUID}");
    assert_eq!(
        error(&app, Method::GET, &both, None, 400, "VALIDATION_ERROR").await,
        ["ending_before"]
    );
    let bad = "/rest/metadata/objects?limit=ten&starting_after=abc&depth=1";
    assert_eq!(
        error(&app, Method::GET, bad, None, 400, "VALIDATION_ERROR").await,
        ["limit", "starting_after", "depth"]
    );
    // A cursor naming no object is an empty page.
    let body = get(
        &app,
        &format!("/rest/metadata/objects?starting_after={NON_EXISTENT_UUID}"),
    )
    .await;
    assert!(items(&body, "objects").is_empty());
}

/// object-metadata: "reports hasNextPage=false when the page covers all results".
#[tokio::test]
async fn objects_list_reports_no_next_page_when_everything_fits() {
    let (app, _) = seeded(&[]).await;
    let body = get(&app, "/rest/metadata/objects?limit=200").await;
    assert_eq!(
        items(&body, "objects").len() as u64,
        body["totalCount"].as_u64().unwrap()
    );
    assert_eq!(body["pageInfo"]["hasNextPage"], json!(false));
}

/// object-metadata: "returns the object with fields[] populated", "returns 400 on a malformed UUID" and
/// "returns 404 for an unknown id" (GET /metadata/objects/:id).
#[tokio::test]
async fn one_object_is_read_by_id() {
    let app = TestApp::new().await.with_workspace().await;
    let (id, input) = object_via_graphql(&app, "one").await;
    let body = get(&app, &format!("/rest/metadata/objects/{id}")).await;
    let object = &body["data"]["object"];
    assert_eq!(object["id"], json!(id));
    assert_eq!(object["nameSingular"], input["nameSingular"]);
    assert_eq!(object["isCustom"], json!(true));
    let names: Vec<&str> = object["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["id", "createdAt", "updatedAt", "deletedAt", "position"]);
    let malformed = error(
        &app,
        Method::GET,
        "/rest/metadata/objects/not-a-uuid",
        None,
        400,
        "VALIDATION_ERROR",
    )
    .await;
    assert_eq!(malformed, ["id"]);
    let unknown = format!("/rest/metadata/objects/{NON_EXISTENT_UUID}");
    error(&app, Method::GET, &unknown, None, 404, "NOT_FOUND").await;
}

/// object-metadata: "creates an object and returns 201 with default fields[]".
#[tokio::test]
async fn an_object_is_created_with_its_system_fields() {
    let app = TestApp::new().await.with_workspace().await;
    let input = json!({
        "nameSingular": "postObjxyz", "namePlural": "postObjxyzs",
        "labelSingular": "Post Obj xyz", "labelPlural": "Post Objs xyz",
        "icon": "IconTestPipe", "isLabelSyncedWithName": false,
    });
    let body = app
        .rest_expect(Method::POST, "/rest/metadata/objects", Some(input), 201)
        .await;
    let object = &body["data"]["createOneObject"];
    assert!(object["id"].is_string());
    assert_eq!(object["nameSingular"], json!("postObjxyz"));
    assert_eq!(object["icon"], json!("IconTestPipe"));
    assert_eq!(object["fields"].as_array().unwrap().len(), 5);
    // The object's records are served at once, by REST and GraphQL.
    app.rest_expect(Method::POST, "/rest/postObjxyzs", Some(json!({})), 201)
        .await;
    let listed = app.query("{ postObjxyzs { totalCount } }").await;
    assert_eq!(listed["postObjxyzs"]["totalCount"], json!(1));
}

/// object-metadata: "returns 400 on duplicate nameSingular" — 409 `CONFLICT` under the contract (§3), which
/// changes nothing.
#[tokio::test]
async fn a_duplicate_object_is_a_conflict_that_changes_nothing() {
    let app = TestApp::new().await.with_workspace().await;
    let (_, input) = object_via_graphql(&app, "dup").await;
    let before = data_model(&app).await;
    let fields = error(
        &app,
        Method::POST,
        "/rest/metadata/objects",
        Some(input),
        409,
        "CONFLICT",
    )
    .await;
    assert_eq!(fields, ["nameSingular"]);
    assert_eq!(data_model(&app).await, before);
}

/// object-metadata: "returns 400 on invalid input": every problem of the body at once, nothing changed.
#[tokio::test]
async fn invalid_object_input_is_refused_with_every_problem() {
    let app = TestApp::new().await.with_workspace().await;
    let before = data_model(&app).await;
    let fields = error(
        &app,
        Method::POST,
        "/rest/metadata/objects",
        Some(json!({"nameSingular": ""})),
        400,
        "VALIDATION_ERROR",
    )
    .await;
    assert_eq!(fields, ["namePlural", "labelSingular", "labelPlural"]);
    let bad = json!({"nameSingular": "Bad name", "namePlural": "bads", "labelSingular": "Bad", "labelPlural": "Bads",
                     "shortcut": "B", "isLabelSyncedWithName": true, "icon": 4});
    let fields = error(
        &app,
        Method::POST,
        "/rest/metadata/objects",
        Some(bad),
        400,
        "VALIDATION_ERROR",
    )
    .await;
    assert_eq!(fields, ["icon", "isLabelSyncedWithName", "shortcut"]);
    let bad_name =
        json!({"nameSingular": "Bad name", "namePlural": "bads", "labelSingular": "Bad", "labelPlural": "Bads"});
    let fields = error(
        &app,
        Method::POST,
        "/rest/metadata/objects",
        Some(bad_name),
        400,
        "VALIDATION_ERROR",
    )
    .await;
    assert_eq!(fields, ["nameSingular"]);
    for raw in ["not json", "[1]", ""] {
        let request = actix_web::test::TestRequest::post()
            .uri("/rest/metadata/objects")
            .insert_header(("authorization", format!("Bearer {}", app.token)))
            .insert_header(("content-type", "application/json"))
            .set_payload(raw);
        let res = app.call(request).await;
        assert_eq!(res.status, 400, "{raw:?}: {}", res.body);
        assert_eq!(res.error_code(), "VALIDATION_ERROR");
    }
    assert_eq!(data_model(&app).await, before);
}

/// object-metadata: "updates and returns the object with fields[]" (PATCH) and "behaves equivalently to PATCH"
/// (PUT).
#[tokio::test]
async fn an_object_is_relabelled_with_patch_or_put() {
    let app = TestApp::new().await.with_workspace().await;
    let (id, _) = object_via_graphql(&app, "upd").await;
    for (method, label) in [(Method::PATCH, "Updated abc"), (Method::PUT, "PutUpdate abc")] {
        let path = format!("/rest/metadata/objects/{id}");
        let body = app
            .rest_expect(method, &path, Some(json!({"labelSingular": label})), 200)
            .await;
        let object = &body["data"]["updateOneObject"];
        assert_eq!(object["id"], json!(id));
        assert_eq!(object["labelSingular"], json!(label));
        assert!(object["fields"].is_array());
    }
    let description = json!({"description": "Kept", "icon": null});
    let body = app
        .rest_expect(
            Method::PATCH,
            &format!("/rest/metadata/objects/{id}"),
            Some(description),
            200,
        )
        .await;
    assert_eq!(body["data"]["updateOneObject"]["description"], json!("Kept"));
    assert_eq!(body["data"]["updateOneObject"]["icon"], Value::Null, "null clears");
    let rename = json!({"nameSingular": "renamed"});
    let fields = error(
        &app,
        Method::PATCH,
        &format!("/rest/metadata/objects/{id}"),
        Some(rename),
        400,
        "VALIDATION_ERROR",
    )
    .await;
    assert_eq!(fields, ["nameSingular"]);
}

/// object-metadata: "returns 404 for an unknown id" (PATCH and DELETE /metadata/objects/:id).
#[tokio::test]
async fn unknown_objects_are_not_found() {
    let app = TestApp::new().await.with_workspace().await;
    let path = format!("/rest/metadata/objects/{NON_EXISTENT_UUID}");
    error(
        &app,
        Method::PATCH,
        &path,
        Some(json!({"labelSingular": "Whatever"})),
        404,
        "NOT_FOUND",
    )
    .await;
    error(&app, Method::DELETE, &path, None, 404, "NOT_FOUND").await;
}

/// object-metadata: "deletes the object and returns the deleted resource".
#[tokio::test]
async fn an_object_is_deactivated_then_deleted() {
    let app = TestApp::new().await.with_workspace().await;
    let (id, _) = object_via_graphql(&app, "del").await;
    let path = format!("/rest/metadata/objects/{id}");
    let patched = app
        .rest_expect(Method::PATCH, &path, Some(json!({"isActive": false})), 200)
        .await;
    assert_eq!(patched["data"]["updateOneObject"]["isActive"], json!(false));
    let deleted = app.rest_expect(Method::DELETE, &path, None, 200).await;
    assert_eq!(deleted["data"]["deleteOneObject"]["id"], json!(id));
    error(&app, Method::GET, &path, None, 404, "NOT_FOUND").await;
    // Standard objects are deactivated, never deleted.
    let company = app.object_id("company").await;
    let fields = error(
        &app,
        Method::DELETE,
        &format!("/rest/metadata/objects/{company}"),
        None,
        400,
        "VALIDATION_ERROR",
    )
    .await;
    assert!(fields.is_empty());
}

/// field-metadata: "returns the expected envelope shape", "respects limit and surfaces hasNextPage", "paginates
/// forward with starting_after without overlap", "paginates backward with ending_before" and "keeps totalCount
/// stable across pages" (GET /metadata/fields).
#[tokio::test]
async fn fields_list_has_twentys_envelope_and_pages() {
    let app = TestApp::new().await.with_workspace().await;
    let (parent, _) = object_via_graphql(&app, "parent").await;
    for suffix in ["a", "b", "c"] {
        field_via_graphql(&app, &parent, suffix).await;
    }
    let body = get(&app, "/rest/metadata/fields").await;
    let all = items(&body, "fields");
    assert!(body["totalCount"].as_u64().unwrap() >= 3);
    assert_eq!(all.len() as u64, body["totalCount"].as_u64().unwrap());
    let one = get(&app, "/rest/metadata/fields?limit=1").await;
    assert_eq!(items(&one, "fields").len(), 1);
    assert_eq!(one["pageInfo"]["hasNextPage"], json!(true));
    let first = get(&app, "/rest/metadata/fields?limit=2").await;
    let end = first["pageInfo"]["endCursor"].as_str().unwrap();
    let second = get(&app, &format!("/rest/metadata/fields?limit=2&starting_after={end}")).await;
    let (first_ids, second_ids) = (ids(items(&first, "fields")), ids(items(&second, "fields")));
    assert!(first_ids.iter().all(|id| !second_ids.contains(id)));
    assert_eq!(first["totalCount"], second["totalCount"]);
    let start = second["pageInfo"]["startCursor"].as_str().unwrap();
    let back = get(&app, &format!("/rest/metadata/fields?limit=2&ending_before={start}")).await;
    assert!(ids(items(&back, "fields")).iter().all(|id| first_ids.contains(id)));
    let both = format!("/rest/metadata/fields?starting_after={NON_EXISTENT_UUID}&ending_before={NON_EXISTENT_UUID}");
    error(&app, Method::GET, &both, None, 400, "VALIDATION_ERROR").await;
    // As `/metadata`'s `fields(objectMetadataId:)`: one object's fields.
    let own = get(&app, &format!("/rest/metadata/fields?objectMetadataId={parent}")).await;
    assert_eq!(own["totalCount"], json!(8));
}

/// field-metadata: "returns the field with expected envelope", "returns 400 on a malformed UUID" and "returns 404
/// for an unknown id" (GET /metadata/fields/:id).
#[tokio::test]
async fn one_field_is_read_by_id() {
    let app = TestApp::new().await.with_workspace().await;
    let (parent, _) = object_via_graphql(&app, "parent").await;
    let (id, input) = field_via_graphql(&app, &parent, "one").await;
    let body = get(&app, &format!("/rest/metadata/fields/{id}")).await;
    let field = &body["data"]["field"];
    assert_eq!(field["id"], json!(id));
    assert_eq!(field["objectMetadataId"], json!(parent));
    assert_eq!(field["name"], input["name"]);
    assert_eq!(field["type"], json!("TEXT"));
    let malformed = error(
        &app,
        Method::GET,
        "/rest/metadata/fields/not-a-uuid",
        None,
        400,
        "VALIDATION_ERROR",
    )
    .await;
    assert_eq!(malformed, ["id"]);
    error(
        &app,
        Method::GET,
        &format!("/rest/metadata/fields/{NON_EXISTENT_UUID}"),
        None,
        404,
        "NOT_FOUND",
    )
    .await;
}

/// field-metadata: "creates a field and returns 201".
#[tokio::test]
async fn a_text_field_is_created() {
    let app = TestApp::new().await.with_workspace().await;
    let (parent, _) = object_via_graphql(&app, "parent").await;
    let input = json!({"objectMetadataId": parent, "type": "TEXT", "name": "postFieldxyz", "label": "Post Field xyz",
                       "isLabelSyncedWithName": false});
    let body = app
        .rest_expect(Method::POST, "/rest/metadata/fields", Some(input), 201)
        .await;
    let field = &body["data"]["createOneField"];
    assert!(field["id"].is_string());
    assert_eq!(field["name"], json!("postFieldxyz"));
    assert_eq!(field["objectMetadataId"], json!(parent));
    assert_eq!(field["isNullable"], json!(true));
    assert_eq!(field["isCustom"], json!(true));
}

/// field-metadata: "returns 400 on duplicate name within an object" — 409 `CONFLICT` under the contract (§3).
#[tokio::test]
async fn a_duplicate_field_is_a_conflict_that_changes_nothing() {
    let app = TestApp::new().await.with_workspace().await;
    let (parent, _) = object_via_graphql(&app, "parent").await;
    let (_, input) = field_via_graphql(&app, &parent, "dup").await;
    let before = data_model(&app).await;
    let fields = error(
        &app,
        Method::POST,
        "/rest/metadata/fields",
        Some(input),
        409,
        "CONFLICT",
    )
    .await;
    assert_eq!(fields, ["name"]);
    assert_eq!(data_model(&app).await, before);
}

/// field-metadata: "returns 400 on invalid input": every problem of the body at once, nothing changed.
#[tokio::test]
async fn invalid_field_input_is_refused_with_every_problem() {
    let app = TestApp::new().await.with_workspace().await;
    let (parent, _) = object_via_graphql(&app, "parent").await;
    let before = data_model(&app).await;
    let fields = error(
        &app,
        Method::POST,
        "/rest/metadata/fields",
        Some(json!({"name": ""})),
        400,
        "VALIDATION_ERROR",
    )
    .await;
    assert_eq!(fields, ["objectMetadataId", "type", "label"]);
    let bad = json!({"objectMetadataId": parent, "type": "SELECT", "name": "stage", "label": "Stage",
                     "options": [{"value": "new", "label": "New"}, {"value": "new", "label": ""}, 3],
                     "settings": {"dataType": "int", "other": 1}});
    let fields = error(
        &app,
        Method::POST,
        "/rest/metadata/fields",
        Some(bad),
        400,
        "VALIDATION_ERROR",
    )
    .await;
    assert_eq!(fields, ["options[2]", "settings.other"]);
    let bad_rules = json!({"objectMetadataId": parent, "type": "SELECT", "name": "stage", "label": "Stage",
                           "options": [{"value": "NEW", "label": "New"}, {"value": "NEW", "label": ""}]});
    let fields = error(
        &app,
        Method::POST,
        "/rest/metadata/fields",
        Some(bad_rules),
        400,
        "VALIDATION_ERROR",
    )
    .await;
    assert_eq!(fields, ["options[1].value", "options[1].label"]);
    let bad_type = json!({"objectMetadataId": parent, "type": "TEXTS", "name": "x", "label": "X"});
    let fields = error(
        &app,
        Method::POST,
        "/rest/metadata/fields",
        Some(bad_type),
        400,
        "VALIDATION_ERROR",
    )
    .await;
    assert_eq!(fields, ["type"]);
    let unknown_object = json!({"objectMetadataId": NON_EXISTENT_UUID, "type": "TEXT", "name": "x", "label": "X"});
    error(
        &app,
        Method::POST,
        "/rest/metadata/fields",
        Some(unknown_object),
        404,
        "NOT_FOUND",
    )
    .await;
    assert_eq!(data_model(&app).await, before);
}

/// field-metadata: "updates and returns the field" (PATCH), "behaves equivalently to PATCH" (PUT) and "returns 400
/// for an unknown id" — 404 `NOT_FOUND` under the contract (§3).
#[tokio::test]
async fn a_field_is_relabelled_with_patch_or_put() {
    let app = TestApp::new().await.with_workspace().await;
    let (parent, _) = object_via_graphql(&app, "parent").await;
    let (id, _) = field_via_graphql(&app, &parent, "upd").await;
    for (method, label) in [(Method::PATCH, "Updated Field abc"), (Method::PUT, "PutField abc")] {
        let path = format!("/rest/metadata/fields/{id}");
        let body = app.rest_expect(method, &path, Some(json!({"label": label})), 200).await;
        assert_eq!(body["data"]["updateOneField"]["id"], json!(id));
        assert_eq!(body["data"]["updateOneField"]["label"], json!(label));
    }
    let unknown = format!("/rest/metadata/fields/{NON_EXISTENT_UUID}");
    error(
        &app,
        Method::PATCH,
        &unknown,
        Some(json!({"label": "Whatever"})),
        404,
        "NOT_FOUND",
    )
    .await;
    let other_id = json!({"id": NON_EXISTENT_UUID, "label": "Whatever"});
    let fields = error(
        &app,
        Method::PATCH,
        &format!("/rest/metadata/fields/{id}"),
        Some(other_id),
        400,
        "VALIDATION_ERROR",
    )
    .await;
    assert_eq!(fields, ["id"]);
}

/// field-metadata: "deletes the field and returns the deleted resource" and "returns 404 for an unknown id"
/// (DELETE /metadata/fields/:id).
#[tokio::test]
async fn a_field_is_deleted() {
    let app = TestApp::new().await.with_workspace().await;
    let (parent, _) = object_via_graphql(&app, "parent").await;
    let (id, _) = field_via_graphql(&app, &parent, "del").await;
    let path = format!("/rest/metadata/fields/{id}");
    let deleted = app.rest_expect(Method::DELETE, &path, None, 200).await;
    assert_eq!(deleted["data"]["deleteOneField"]["id"], json!(id));
    error(&app, Method::GET, &path, None, 404, "NOT_FOUND").await;
    error(
        &app,
        Method::DELETE,
        &format!("/rest/metadata/fields/{NON_EXISTENT_UUID}"),
        None,
        404,
        "NOT_FOUND",
    )
    .await;
}

/// metadata-list-contract: "returns the unified page envelope from GET %s" for `/metadata/objects` and
/// `/metadata/fields` (the new format, `REST_METADATA_FORMAT=direct`); and the single-item answers of that format
/// (object-metadata and field-metadata, "new format").
#[tokio::test]
async fn the_direct_format_serves_the_unified_page_envelope() {
    let app = TestApp::with_env(&[("REST_METADATA_FORMAT", "direct")])
        .await
        .with_workspace()
        .await;
    for path in [
        "/rest/metadata/objects",
        "/rest/metadata/fields",
        "/rest/metadata/relations",
    ] {
        let body = get(&app, path).await;
        let data = body["data"].as_array().unwrap_or_else(|| panic!("{path}: {body}"));
        let page_info = body["pageInfo"].as_object().unwrap();
        let mut keys: Vec<&str> = page_info.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["endCursor", "hasNextPage", "hasPreviousPage", "startCursor"]);
        assert!(page_info["hasNextPage"].is_boolean() && page_info["hasPreviousPage"].is_boolean());
        assert_eq!(page_info["startCursor"].is_string(), !data.is_empty(), "{path}");
        assert_eq!(page_info["endCursor"].is_string(), !data.is_empty(), "{path}");
        assert!(body["totalCount"].is_u64());
    }
    let created = app
        .rest_expect(
            Method::POST,
            "/rest/metadata/objects",
            Some(object_input("direct")),
            201,
        )
        .await;
    assert!(created.get("data").is_none(), "the object itself: {created}");
    let id = created["id"].as_str().unwrap();
    let read = get(&app, &format!("/rest/metadata/objects/{id}")).await;
    assert_eq!(read["id"], json!(id));
    assert!(read["fields"].is_array());
    let deleted = app
        .rest_expect(Method::DELETE, &format!("/rest/metadata/objects/{id}"), None, 200)
        .await;
    assert_eq!(deleted["id"], json!(id));
}

/// The whole life of a custom object through REST: create, list, read, relabel, a TEXT and a SELECT field with
/// options (used by records), changes to both, then the fields and the object deleted.
#[tokio::test]
async fn a_custom_object_lives_and_dies_through_rest() {
    let app = TestApp::new().await.with_workspace().await;
    let object = json!({"nameSingular": "listing", "namePlural": "listings", "labelSingular": "Listing",
                        "labelPlural": "Listings", "description": "Homes for sale"});
    let created = app
        .rest_expect(Method::POST, "/rest/metadata/objects", Some(object), 201)
        .await;
    let id = created["data"]["createOneObject"]["id"].as_str().unwrap().to_string();
    let listed = get(&app, "/rest/metadata/objects").await;
    assert!(ids(items(&listed, "objects")).contains(&id.as_str()));
    assert_eq!(
        get(&app, &format!("/rest/metadata/objects/{id}")).await["data"]["object"]["description"],
        json!("Homes for sale")
    );
    let relabel = json!({"labelSingular": "Home", "labelPlural": "Homes"});
    app.rest_expect(
        Method::PATCH,
        &format!("/rest/metadata/objects/{id}"),
        Some(relabel),
        200,
    )
    .await;

    let text = json!({"objectMetadataId": id, "type": "TEXT", "name": "address", "label": "Address", "isNullable": false,
                      "defaultValue": "unknown", "icon": "IconMap"});
    let text = app
        .rest_expect(Method::POST, "/rest/metadata/fields", Some(text), 201)
        .await["data"]["createOneField"]
        .clone();
    assert_eq!(text["isNullable"], json!(false));
    assert_eq!(text["defaultValue"], json!("unknown"));
    let select = json!({"objectMetadataId": id, "type": "SELECT", "name": "status", "label": "Status",
                        "options": [{"id": "5f0cc7a2-6a3a-4c0f-a7f4-8b9b3d2b8a11", "value": "FOR_SALE", "label": "For sale", "color": "green"},
                                    {"value": "SOLD", "label": "Sold", "position": 5}],
                        "defaultValue": "FOR_SALE"});
    let select = app
        .rest_expect(Method::POST, "/rest/metadata/fields", Some(select), 201)
        .await["data"]["createOneField"]
        .clone();
    assert_eq!(
        select["options"],
        json!([{"value": "FOR_SALE", "label": "For sale", "color": "green", "position": 0},
               {"value": "SOLD", "label": "Sold", "position": 5}])
    );
    let record = app
        .rest_expect(Method::POST, "/rest/listings", Some(json!({"status": "SOLD"})), 201)
        .await;
    assert_eq!(record["data"]["address"], json!("unknown"));
    let bad_record = app
        .rest(Method::POST, "/rest/listings", Some(json!({"status": "RENTED"})))
        .await;
    assert_eq!(bad_record.status, 400, "{}", bad_record.body);

    let options = json!({"options": [{"value": "FOR_SALE", "label": "For sale"}, {"value": "SOLD", "label": "Sold"},
                                     {"value": "RENTED", "label": "Rented"}], "description": "Where it stands"});
    let status = select["id"].as_str().unwrap();
    let updated = app
        .rest_expect(
            Method::PATCH,
            &format!("/rest/metadata/fields/{status}"),
            Some(options),
            200,
        )
        .await;
    assert_eq!(
        updated["data"]["updateOneField"]["options"].as_array().unwrap().len(),
        3
    );
    app.rest_expect(Method::POST, "/rest/listings", Some(json!({"status": "RENTED"})), 201)
        .await;
    let deactivate = json!({"isActive": false});
    let text_id = text["id"].as_str().unwrap();
    let off = app
        .rest_expect(
            Method::PATCH,
            &format!("/rest/metadata/fields/{text_id}"),
            Some(deactivate),
            200,
        )
        .await;
    assert_eq!(off["data"]["updateOneField"]["isActive"], json!(false));
    let records = get(&app, "/rest/listings").await;
    assert!(
        records["data"][0].get("address").is_none(),
        "inactive fields leave the APIs"
    );

    for field in [text_id, status] {
        app.rest_expect(Method::DELETE, &format!("/rest/metadata/fields/{field}"), None, 200)
            .await;
    }
    let own = get(&app, &format!("/rest/metadata/fields?objectMetadataId={id}")).await;
    assert_eq!(own["totalCount"], json!(5), "the system fields are left");
    let system = items(&own, "fields")[0]["id"].as_str().unwrap().to_string();
    error(
        &app,
        Method::DELETE,
        &format!("/rest/metadata/fields/{system}"),
        None,
        400,
        "VALIDATION_ERROR",
    )
    .await;
    app.rest_expect(Method::DELETE, &format!("/rest/metadata/objects/{id}"), None, 200)
        .await;
    let gone = app.rest_get("/rest/listings").await;
    assert_eq!(gone.status, 404, "{}", gone.body);
}

/// A relation created as Twenty creates them, as a RELATION field with a `relationCreationPayload`: both fields,
/// the relation listed, records linked through the new `companyId`; deleting either field deletes the relation.
#[tokio::test]
async fn relations_are_created_and_deleted_as_relation_fields() {
    let app = TestApp::new().await.with_workspace().await;
    let (listing, _) = object_via_graphql(&app, "rel").await;
    let company = app.object_id("company").await;
    let field = json!({"objectMetadataId": listing, "type": "RELATION", "name": "company", "label": "Company",
                       "isNullable": true, "icon": "IconBuilding", "isLabelSyncedWithName": false,
                       "relationCreationPayload": {"type": "MANY_TO_ONE", "targetObjectMetadataId": company,
                                                   "targetFieldLabel": "Rest Tests rel", "targetFieldIcon": "IconList"}});
    let created = app
        .rest_expect(Method::POST, "/rest/metadata/fields", Some(field), 201)
        .await;
    let field = &created["data"]["createOneField"];
    assert_eq!(field["type"], json!("RELATION"));
    assert_eq!(field["icon"], json!("IconBuilding"));
    assert_eq!(field["relation"]["type"], json!("MANY_TO_ONE"));
    assert_eq!(field["relation"]["targetObjectMetadata"]["id"], json!(company));
    assert_eq!(field["relation"]["targetFieldMetadata"]["name"], json!("restTestsRel"));
    let inverse = field["relation"]["targetFieldMetadata"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let inverse_field = get(&app, &format!("/rest/metadata/fields/{inverse}")).await;
    assert_eq!(inverse_field["data"]["field"]["relation"]["type"], json!("ONE_TO_MANY"));
    assert_eq!(inverse_field["data"]["field"]["icon"], json!("IconList"));
    assert_eq!(inverse_field["data"]["field"]["label"], json!("Rest Tests rel"));

    let relations = get(&app, "/rest/metadata/relations").await;
    let relation = items(&relations, "relations")
        .iter()
        .find(|r| r["fromFieldMetadataId"] == field["id"])
        .unwrap_or_else(|| panic!("{relations}"))
        .clone();
    assert_eq!(relation["relationType"], json!("MANY_TO_ONE"));
    assert_eq!(relation["toObjectMetadata"]["nameSingular"], json!("company"));
    let relation_id = relation["id"].as_str().unwrap();
    assert_eq!(
        get(&app, &format!("/rest/metadata/relations/{relation_id}")).await["data"]["relation"],
        relation
    );

    let acme = app
        .rest_expect(Method::POST, "/rest/companies", Some(json!({"name": "Acme"})), 201)
        .await;
    let acme = acme["data"]["id"].as_str().unwrap();
    let linked = app
        .rest_expect(
            Method::POST,
            "/rest/restTestrels",
            Some(json!({"companyId": acme})),
            201,
        )
        .await;
    assert_eq!(linked["data"]["companyId"], json!(acme));

    // Nothing to change on a relation itself; its fields are relabelled.
    error(
        &app,
        Method::PATCH,
        &format!("/rest/metadata/relations/{relation_id}"),
        Some(json!({})),
        400,
        "VALIDATION_ERROR",
    )
    .await;
    error(
        &app,
        Method::PATCH,
        &format!("/rest/metadata/relations/{NON_EXISTENT_UUID}"),
        Some(json!({})),
        404,
        "NOT_FOUND",
    )
    .await;
    let relabelled = app
        .rest_expect(
            Method::PATCH,
            &format!("/rest/metadata/fields/{inverse}"),
            Some(json!({"label": "Listings"})),
            200,
        )
        .await;
    assert_eq!(relabelled["data"]["updateOneField"]["label"], json!("Listings"));

    app.rest_expect(Method::DELETE, &format!("/rest/metadata/fields/{inverse}"), None, 200)
        .await;
    for gone in [
        format!("/rest/metadata/relations/{relation_id}"),
        format!("/rest/metadata/fields/{inverse}"),
    ] {
        error(&app, Method::GET, &gone, None, 404, "NOT_FOUND").await;
    }
    let field_id = field["id"].as_str().unwrap();
    error(
        &app,
        Method::GET,
        &format!("/rest/metadata/fields/{field_id}"),
        None,
        404,
        "NOT_FOUND",
    )
    .await;
}

/// `POST /rest/metadata/relations` in Twenty's REST names (`fromName`, `toName`, …) and in `createOneRelation`'s;
/// bad bodies are refused whole, names reported where the body gave them.
#[tokio::test]
async fn relations_are_created_and_deleted_through_their_own_route() {
    let app = TestApp::new().await.with_workspace().await;
    let (listing, _) = object_via_graphql(&app, "rel").await;
    let person = app.object_id("person").await;
    let body = json!({"relationType": "ONE_TO_MANY", "fromObjectMetadataId": person, "toObjectMetadataId": listing,
                      "fromName": "listings", "fromLabel": "Listings", "toName": "agent", "toLabel": "Agent",
                      "toIcon": "IconUser"});
    let created = app
        .rest_expect(Method::POST, "/rest/metadata/relations", Some(body), 201)
        .await;
    let relation = &created["data"]["createOneRelation"];
    assert_eq!(relation["relationType"], json!("ONE_TO_MANY"));
    assert_eq!(relation["onDelete"], json!("SET_NULL"));
    assert_eq!(relation["fromObjectMetadata"]["nameSingular"], json!("person"));
    let agent = get(
        &app,
        &format!(
            "/rest/metadata/fields/{}",
            relation["toFieldMetadataId"].as_str().unwrap()
        ),
    )
    .await;
    assert_eq!(agent["data"]["field"]["name"], json!("agent"));
    assert_eq!(agent["data"]["field"]["icon"], json!("IconUser"));

    let graphql_names = json!({"relationType": "MANY_TO_MANY", "fromObjectMetadataId": person, "toObjectMetadataId": listing,
                               "fromFieldMetadataName": "favourites", "toFieldMetadataName": "fans"});
    let many = app
        .rest_expect(Method::POST, "/rest/metadata/relations", Some(graphql_names), 201)
        .await;
    let many_id = many["data"]["createOneRelation"]["id"].as_str().unwrap().to_string();

    let before = data_model(&app).await;
    let bad = json!({"relationType": "SIDEWAYS", "fromObjectMetadataId": person, "fromName": "x", "fromFieldMetadataName": "y"});
    let fields = error(
        &app,
        Method::POST,
        "/rest/metadata/relations",
        Some(bad),
        400,
        "VALIDATION_ERROR",
    )
    .await;
    assert_eq!(
        fields,
        ["relationType", "toObjectMetadataId", "fromFieldMetadataName", "toName"]
    );
    let taken = json!({"objectMetadataId": listing, "type": "RELATION", "name": "agent", "label": "Agent",
                       "relationCreationPayload": {"type": "MANY_TO_ONE", "targetObjectMetadataId": person, "targetFieldName": "homes"}});
    let fields = error(
        &app,
        Method::POST,
        "/rest/metadata/fields",
        Some(taken),
        409,
        "CONFLICT",
    )
    .await;
    assert_eq!(
        fields,
        ["name"],
        "the service's fromFieldMetadataName, named as the body named it"
    );
    let no_payload = json!({"objectMetadataId": listing, "type": "RELATION", "name": "boss", "label": "Boss"});
    let fields = error(
        &app,
        Method::POST,
        "/rest/metadata/fields",
        Some(no_payload),
        400,
        "VALIDATION_ERROR",
    )
    .await;
    assert_eq!(fields, ["relationCreationPayload"]);
    assert_eq!(data_model(&app).await, before);

    let deleted = app
        .rest_expect(
            Method::DELETE,
            &format!("/rest/metadata/relations/{many_id}"),
            None,
            200,
        )
        .await;
    assert_eq!(deleted["data"]["deleteOneRelation"]["id"], json!(many_id));
    error(
        &app,
        Method::DELETE,
        &format!("/rest/metadata/relations/{many_id}"),
        None,
        404,
        "NOT_FOUND",
    )
    .await;
}

/// Another workspace's objects, fields and relations do not exist here: 404 on every route, and nothing changes.
#[tokio::test]
async fn another_workspaces_metadata_is_not_found() {
    let owner = TestApp::new().await.with_workspace().await;
    let (object, _) = object_via_graphql(&owner, "mine").await;
    let (field, _) = field_via_graphql(&owner, &object, "mine").await;
    let company = owner.object_id("company").await;
    let relation = json!({"relationType": "ONE_TO_MANY", "fromObjectMetadataId": company, "toObjectMetadataId": object,
                          "fromName": "mines", "toName": "company"});
    let relation = owner
        .rest_expect(Method::POST, "/rest/metadata/relations", Some(relation), 201)
        .await;
    let relation = relation["data"]["createOneRelation"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let before = data_model(&owner).await;

    // A second workspace on the same server and database.
    let intruder = owner.sign_up(&unique_email("intruder")).await["accessToken"]
        .as_str()
        .unwrap()
        .to_string();
    let changes = [
        ("objects", &object, json!({"labelSingular": "Mine now"})),
        ("fields", &field, json!({"label": "Mine now"})),
        ("relations", &relation, json!({})),
    ];
    for (resource, id, change) in changes {
        let path = format!("/rest/metadata/{resource}/{id}");
        for (method, body) in [
            (Method::GET, None),
            (Method::PATCH, Some(change.clone())),
            (Method::DELETE, None),
        ] {
            let res = rest_as(&owner, &intruder, method.clone(), &path, body).await;
            assert_eq!(res.status, 404, "{method} {path}: {}", res.body);
            assert_eq!(res.error_code(), "NOT_FOUND");
        }
    }
    let field_on_theirs = json!({"objectMetadataId": object, "type": "TEXT", "name": "planted", "label": "Planted"});
    let res = rest_as(
        &owner,
        &intruder,
        Method::POST,
        "/rest/metadata/fields",
        Some(field_on_theirs),
    )
    .await;
    assert_eq!(res.status, 404, "{}", res.body);
    let listed = rest_as(&owner, &intruder, Method::GET, "/rest/metadata/objects", None)
        .await
        .expect(200);
    assert!(!ids(items(&listed, "objects")).contains(&object.as_str()));
    assert_eq!(data_model(&owner).await, before);
}

/// One data model behind both APIs: what REST changes, `/metadata` shows, and the other way round.
#[tokio::test]
async fn rest_and_graphql_metadata_see_each_others_changes() {
    let app = TestApp::new().await.with_workspace().await;
    let created = app
        .rest_expect(Method::POST, "/rest/metadata/objects", Some(object_input("both")), 201)
        .await;
    let id = created["data"]["createOneObject"]["id"].as_str().unwrap().to_string();
    let seen = app
        .metadata_query_with(
            "query($id: ID!) { object(id: $id) { nameSingular labelSingular } }",
            json!({"id": id}),
        )
        .await;
    assert_eq!(seen["object"]["nameSingular"], json!("restTestboth"));

    app.metadata_query_with(
        "mutation($id: ID!) { updateOneObject(id: $id, data: {labelSingular: \"From GraphQL\"}) { id } }",
        json!({"id": id}),
    )
    .await;
    let read = get(&app, &format!("/rest/metadata/objects/{id}")).await;
    assert_eq!(read["data"]["object"]["labelSingular"], json!("From GraphQL"));

    let (field, _) = field_via_graphql(&app, &id, "gql").await;
    let read = get(&app, &format!("/rest/metadata/fields/{field}")).await;
    assert_eq!(read["data"]["field"]["name"], json!("restTestFieldgql"));
    app.rest_expect(
        Method::PATCH,
        &format!("/rest/metadata/fields/{field}"),
        Some(json!({"label": "From REST"})),
        200,
    )
    .await;
    let seen = app
        .metadata_query_with(
            "query($id: ID!) { fields(objectMetadataId: $id) { edges { node { id label } } } }",
            json!({"id": id}),
        )
        .await;
    assert_eq!(node_where(&seen["fields"], "id", &field)["label"], json!("From REST"));

    app.rest_expect(Method::DELETE, &format!("/rest/metadata/objects/{id}"), None, 200)
        .await;
    let gone = app
        .metadata("query($id: ID!) { object(id: $id) { id } }", json!({"id": id}))
        .await;
    assert_eq!(gone.error_code(), "NOT_FOUND");
}

/// Authentication as on every `/rest` route (an API key works like an access token), the metadata API's rate
/// budget, and unknown metadata routes.
#[tokio::test]
async fn metadata_routes_are_authenticated_and_spend_the_metadata_budget() {
    let app = TestApp::with_env(&[("RATE_LIMIT_METADATA", "3"), ("RATE_LIMIT_REST", "1000")])
        .await
        .with_workspace()
        .await;
    let anonymous = app.get("/rest/metadata/objects", None).await;
    assert_eq!(anonymous.status, 401, "{}", anonymous.body);
    assert_eq!(anonymous.error_code(), "UNAUTHORIZED");
    let app = app.with_api_key().await;
    let listed = app.rest_get("/rest/metadata/objects?limit=1").await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    assert_eq!(listed.header("x-ratelimit-limit"), Some("3"));
    let records = app.rest_get("/rest/companies").await;
    assert_eq!(records.header("x-ratelimit-limit"), Some("1000"));
    let unknown = app.rest_get("/rest/metadata/webhookz").await;
    assert_eq!(unknown.status, 404, "{}", unknown.body);
    assert_eq!(
        app.rest_get("/rest/metadata/fields").await.status,
        200,
        "the third request"
    );
    let over = app.rest_get("/rest/metadata/relations").await;
    assert_eq!(over.status, 429, "the fourth request: {}", over.body);
    assert_eq!(over.error_code(), "RATE_LIMIT_EXCEEDED");
    let graphql = app
        .document("/metadata", &app.token, "{ objects { totalCount } }", json!({}))
        .await;
    assert_eq!(graphql.status, 429, "/metadata spends the same budget");
}

/// `GET /rest/open-api/metadata` (bearer header or `?token=`): the metadata routes in the configured envelope.
#[tokio::test]
async fn the_metadata_openapi_document_is_served() {
    let app = TestApp::with_env(&[("SERVER_URL", "https://crm.example.com")])
        .await
        .with_workspace()
        .await;
    let document = app
        .get(&format!("/rest/open-api/metadata?token={}", app.token), None)
        .await
        .expect(200);
    assert_eq!(
        document["servers"],
        json!([{"url": "https://crm.example.com/rest/metadata"}])
    );
    for path in [
        "/objects",
        "/objects/{id}",
        "/fields",
        "/fields/{id}",
        "/relations",
        "/relations/{id}",
    ] {
        assert!(document["paths"].get(path).is_some(), "{path}");
    }
    let list = &document["paths"]["/objects"]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
    assert_eq!(
        list["properties"]["data"]["properties"]["objects"]["items"]["$ref"],
        json!("#/components/schemas/Object")
    );
    assert_eq!(app.get("/rest/open-api/metadata", None).await.status, 401);
}
