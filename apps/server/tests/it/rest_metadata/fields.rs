//! Fields: list, read, create, update, delete (Twenty's field-metadata suite), and the direct format.

use super::*;

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
