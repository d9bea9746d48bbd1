//! Fields: list, read, create, update, delete (Twenty's field-metadata suite), and the direct format.

use super::*;

/// An app whose workspace has Twenty's custom object `parent`: the app and the object's id.
async fn with_parent() -> (TestApp, String) {
    let app = TestApp::new().await.with_workspace().await;
    let (parent, _) = object_via_graphql(&app, "parent").await;
    (app, parent)
}

/// field-metadata: "returns the expected envelope shape", "respects limit and surfaces hasNextPage", "paginates
/// forward with starting_after without overlap", "paginates backward with ending_before" and "keeps totalCount
/// stable across pages" (GET /metadata/fields).
#[tokio::test]
async fn fields_list_has_twentys_envelope_and_pages() {
    let (app, parent) = with_parent().await;
    for suffix in ["a", "b", "c"] {
        field_via_graphql(&app, &parent, suffix).await;
    }
    let body = get(&app, FIELDS).await;
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
    let both = format!("{FIELDS}?starting_after={NON_EXISTENT_UUID}&ending_before={NON_EXISTENT_UUID}");
    error(&app, Method::GET, &both, None, INVALID).await;
    // As `/metadata`'s `fields(objectMetadataId:)`: one object's fields.
    let own = get(&app, &format!("{FIELDS}?objectMetadataId={parent}")).await;
    assert_eq!(own["totalCount"], json!(8));
}

/// field-metadata: "returns the field with expected envelope", "returns 400 on a malformed UUID" and "returns 404
/// for an unknown id" (GET /metadata/fields/:id).
#[tokio::test]
async fn one_field_is_read_by_id() {
    let (app, parent) = with_parent().await;
    let (id, input) = field_via_graphql(&app, &parent, "one").await;
    let body = get(&app, &format!("{FIELDS}/{id}")).await;
    let field = &body["data"]["field"];
    assert_eq!(field["id"], json!(id));
    assert_eq!(field["objectMetadataId"], json!(parent));
    assert_eq!(field["name"], input["name"]);
    assert_eq!(field["type"], json!("TEXT"));
    bad_ids_are_refused(&app, FIELDS).await;
}

/// field-metadata: "creates a field and returns 201".
#[tokio::test]
async fn a_text_field_is_created() {
    let (app, parent) = with_parent().await;
    let input = json!({"objectMetadataId": parent, "type": "TEXT", "name": "postFieldxyz", "label": "Post Field xyz",
                       "isLabelSyncedWithName": false});
    let body = app.rest_post(FIELDS, input).await.expect(201);
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
    let (app, parent) = with_parent().await;
    let (_, input) = field_via_graphql(&app, &parent, "dup").await;
    let before = data_model(&app).await;
    assert_eq!(error(&app, Method::POST, FIELDS, Some(input), CONFLICT).await, ["name"]);
    assert_eq!(data_model(&app).await, before);
}

/// field-metadata: "returns 400 on invalid input": every problem of the body at once, nothing changed.
#[tokio::test]
async fn invalid_field_input_is_refused_with_every_problem() {
    let (app, parent) = with_parent().await;
    let before = data_model(&app).await;
    let invalid = [
        (json!({"name": ""}), vec!["objectMetadataId", "type", "label"]),
        (
            json!({"objectMetadataId": parent, "type": "SELECT", "name": "stage", "label": "Stage",
                   "options": [{"value": "new", "label": "New"}, {"value": "new", "label": ""}, 3],
                   "settings": {"dataType": "int", "other": 1}}),
            vec!["options[2]", "settings.other"],
        ),
        (
            json!({"objectMetadataId": parent, "type": "SELECT", "name": "stage", "label": "Stage",
                   "options": [{"value": "NEW", "label": "New"}, {"value": "NEW", "label": ""}]}),
            vec!["options[1].value", "options[1].label"],
        ),
        (
            json!({"objectMetadataId": parent, "type": "TEXTS", "name": "x", "label": "X"}),
            vec!["type"],
        ),
    ];
    each_invalid(&app, FIELDS, invalid).await;
    let unknown_object = json!({"objectMetadataId": NON_EXISTENT_UUID, "type": "TEXT", "name": "x", "label": "X"});
    error(&app, Method::POST, FIELDS, Some(unknown_object), NOT_FOUND).await;
    assert_eq!(data_model(&app).await, before);
}

/// field-metadata: "updates and returns the field" (PATCH), "behaves equivalently to PATCH" (PUT) and "returns 400
/// for an unknown id" — 404 `NOT_FOUND` under the contract (§3).
#[tokio::test]
async fn a_field_is_relabelled_with_patch_or_put() {
    let (app, parent) = with_parent().await;
    let (id, _) = field_via_graphql(&app, &parent, "upd").await;
    let path = format!("{FIELDS}/{id}");
    for (method, label) in [(Method::PATCH, "Updated Field abc"), (Method::PUT, "PutField abc")] {
        let body = app.rest_expect(method, &path, Some(json!({"label": label})), 200).await;
        assert_eq!(body["data"]["updateOneField"]["id"], json!(id));
        assert_eq!(body["data"]["updateOneField"]["label"], json!(label));
    }
    let unknown = format!("{FIELDS}/{NON_EXISTENT_UUID}");
    let whatever = json!({"label": "Whatever"});
    error(&app, Method::PATCH, &unknown, Some(whatever), NOT_FOUND).await;
    let other_id = json!({"id": NON_EXISTENT_UUID, "label": "Whatever"});
    assert_eq!(error(&app, Method::PATCH, &path, Some(other_id), INVALID).await, ["id"]);
}

/// field-metadata: "deletes the field and returns the deleted resource" and "returns 404 for an unknown id"
/// (DELETE /metadata/fields/:id).
#[tokio::test]
async fn a_field_is_deleted() {
    let (app, parent) = with_parent().await;
    let (id, _) = field_via_graphql(&app, &parent, "del").await;
    let path = format!("{FIELDS}/{id}");
    let deleted = app.rest_delete(&path).await.expect(200);
    assert_eq!(deleted["data"]["deleteOneField"]["id"], json!(id));
    error(&app, Method::GET, &path, None, NOT_FOUND).await;
    let unknown = format!("{FIELDS}/{NON_EXISTENT_UUID}");
    error(&app, Method::DELETE, &unknown, None, NOT_FOUND).await;
}

/// metadata-list-contract: "returns the unified page envelope from GET %s" for `/metadata/objects` and
/// `/metadata/fields` (the new format, `REST_METADATA_FORMAT=direct`); and the single-item answers of that format
/// (object-metadata and field-metadata, "new format").
#[tokio::test]
async fn the_direct_format_serves_the_unified_page_envelope() {
    let app = TestApp::with_env_workspace(&[("REST_METADATA_FORMAT", "direct")]).await;
    for path in [OBJECTS, FIELDS, RELATIONS] {
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
    let created = app.rest_post(OBJECTS, object_input("direct")).await.expect(201);
    assert!(created.get("data").is_none(), "the object itself: {created}");
    let id = created["id"].as_str().unwrap();
    let path = format!("{OBJECTS}/{id}");
    let read = get(&app, &path).await;
    assert_eq!(read["id"], json!(id));
    assert!(read["fields"].is_array());
    let deleted = app.rest_delete(&path).await.expect(200);
    assert_eq!(deleted["id"], json!(id));
}
