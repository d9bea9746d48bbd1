//! Objects: list, read, create, update, delete (Twenty's object-metadata and metadata-list-contract suites).

use super::*;

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

/// The objects of a [`seeded`] workspace listed with `query`: the app and the answer.
async fn seeded_list(query: &str) -> (TestApp, Value) {
    let (app, _) = seeded(&[]).await;
    let body = get(&app, &format!("{OBJECTS}{query}")).await;
    (app, body)
}

/// object-metadata: "inlines fields[] on each object".
#[tokio::test]
async fn objects_list_inlines_their_fields() {
    let (_app, body) = seeded_list("?limit=5").await;
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
    let (_app, body) = seeded_list("?limit=1").await;
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
    let both = format!("{OBJECTS}?starting_after={NON_EXISTENT_UUID}&ending_before={NON_EXISTENT_UUID}");
    assert_eq!(error(&app, Method::GET, &both, None, INVALID).await, ["ending_before"]);
    let bad = "/rest/metadata/objects?limit=ten&starting_after=abc&depth=1";
    let problems = error(&app, Method::GET, bad, None, INVALID).await;
    assert_eq!(problems, ["limit", "starting_after", "depth"]);
    // A cursor naming no object is an empty page.
    let body = get(&app, &format!("{OBJECTS}?starting_after={NON_EXISTENT_UUID}")).await;
    assert!(items(&body, "objects").is_empty());
}

/// object-metadata: "reports hasNextPage=false when the page covers all results".
#[tokio::test]
async fn objects_list_reports_no_next_page_when_everything_fits() {
    let (_app, body) = seeded_list("?limit=200").await;
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
    let body = get(&app, &format!("{OBJECTS}/{id}")).await;
    let object = &body["data"]["object"];
    assert_eq!(object["id"], json!(id));
    assert_eq!(object["nameSingular"], input["nameSingular"]);
    assert_eq!(object["isCustom"], json!(true));
    let names = texts(&object["fields"], "name");
    assert_eq!(names, ["id", "createdAt", "updatedAt", "deletedAt", "position"]);
    bad_ids_are_refused(&app, OBJECTS).await;
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
    let body = app.rest_post(OBJECTS, input).await.expect(201);
    let object = &body["data"]["createOneObject"];
    assert!(object["id"].is_string());
    assert_eq!(object["nameSingular"], json!("postObjxyz"));
    assert_eq!(object["icon"], json!("IconTestPipe"));
    assert_eq!(object["fields"].as_array().unwrap().len(), 5);
    // The object's records are served at once, by REST and GraphQL.
    app.rest_post("/rest/postObjxyzs", json!({})).await.expect(201);
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
    let fields = error(&app, Method::POST, OBJECTS, Some(input), CONFLICT).await;
    assert_eq!(fields, ["nameSingular"]);
    assert_eq!(data_model(&app).await, before);
}

/// object-metadata: "returns 400 on invalid input": every problem of the body at once, nothing changed.
#[tokio::test]
async fn invalid_object_input_is_refused_with_every_problem() {
    let app = TestApp::new().await.with_workspace().await;
    let before = data_model(&app).await;
    let invalid = [
        (
            json!({"nameSingular": ""}),
            vec!["namePlural", "labelSingular", "labelPlural"],
        ),
        (
            json!({"nameSingular": "Bad name", "namePlural": "bads", "labelSingular": "Bad", "labelPlural": "Bads",
                   "shortcut": "B", "isLabelSyncedWithName": true, "icon": 4}),
            vec!["icon", "isLabelSyncedWithName", "shortcut"],
        ),
        (
            json!({"nameSingular": "Bad name", "namePlural": "bads", "labelSingular": "Bad", "labelPlural": "Bads"}),
            vec!["nameSingular"],
        ),
    ];
    each_invalid(&app, OBJECTS, invalid).await;
    for raw in ["not json", "[1]", ""] {
        let res = app.post_raw(OBJECTS, Some(&app.token), raw).await;
        res.expect_error(400, "VALIDATION_ERROR");
    }
    assert_eq!(data_model(&app).await, before);
}

/// object-metadata: "updates and returns the object with fields[]" (PATCH) and "behaves equivalently to PATCH"
/// (PUT).
#[tokio::test]
async fn an_object_is_relabelled_with_patch_or_put() {
    let app = TestApp::new().await.with_workspace().await;
    let (id, _) = object_via_graphql(&app, "upd").await;
    let path = format!("{OBJECTS}/{id}");
    for (method, label) in [(Method::PATCH, "Updated abc"), (Method::PUT, "PutUpdate abc")] {
        let relabel = json!({"labelSingular": label});
        let body = app.rest_expect(method, &path, Some(relabel), 200).await;
        let object = &body["data"]["updateOneObject"];
        assert_eq!(object["id"], json!(id));
        assert_eq!(object["labelSingular"], json!(label));
        assert!(object["fields"].is_array());
    }
    let description = json!({"description": "Kept", "icon": null});
    let body = app.rest_patch(&path, description).await.expect(200);
    assert_eq!(body["data"]["updateOneObject"]["description"], json!("Kept"));
    assert_eq!(body["data"]["updateOneObject"]["icon"], Value::Null, "null clears");
    let rename = json!({"nameSingular": "renamed"});
    assert_eq!(
        error(&app, Method::PATCH, &path, Some(rename), INVALID).await,
        ["nameSingular"]
    );
}

/// object-metadata: "returns 404 for an unknown id" (PATCH and DELETE /metadata/objects/:id).
#[tokio::test]
async fn unknown_objects_are_not_found() {
    let app = TestApp::new().await.with_workspace().await;
    let path = format!("{OBJECTS}/{NON_EXISTENT_UUID}");
    let whatever = json!({"labelSingular": "Whatever"});
    error(&app, Method::PATCH, &path, Some(whatever), NOT_FOUND).await;
    error(&app, Method::DELETE, &path, None, NOT_FOUND).await;
}

/// object-metadata: "deletes the object and returns the deleted resource".
#[tokio::test]
async fn an_object_is_deactivated_then_deleted() {
    let app = TestApp::new().await.with_workspace().await;
    let (id, _) = object_via_graphql(&app, "del").await;
    let path = format!("{OBJECTS}/{id}");
    let patched = app.rest_patch(&path, json!({"isActive": false})).await.expect(200);
    assert_eq!(patched["data"]["updateOneObject"]["isActive"], json!(false));
    let deleted = app.rest_delete(&path).await.expect(200);
    assert_eq!(deleted["data"]["deleteOneObject"]["id"], json!(id));
    error(&app, Method::GET, &path, None, NOT_FOUND).await;
    // Standard objects are deactivated, never deleted.
    let company = format!("{OBJECTS}/{}", app.object_id("company").await);
    assert!(error(&app, Method::DELETE, &company, None, INVALID).await.is_empty());
}
