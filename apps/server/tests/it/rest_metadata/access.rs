//! Isolation, REST and GraphQL seeing each other's changes, authentication and budget, the OpenAPI document.

use super::*;

/// Another workspace's objects, fields and relations do not exist here: 404 on every route, and nothing changes.
#[tokio::test]
async fn another_workspaces_metadata_is_not_found() {
    let owner = TestApp::new().await.with_workspace().await;
    let (object, _) = object_via_graphql(&owner, "mine").await;
    let (field, _) = field_via_graphql(&owner, &object, "mine").await;
    let company = owner.object_id("company").await;
    let relation = json!({"relationType": "ONE_TO_MANY", "fromObjectMetadataId": company, "toObjectMetadataId": object,
                          "fromName": "mines", "toName": "company"});
    let relation = owner.rest_post(RELATIONS, relation).await.expect(201);
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
            let res = owner.rest_as(&intruder, method.clone(), &path, body).await;
            assert_eq!(res.status, 404, "{method} {path}: {}", res.body);
            assert_eq!(res.error_code(), "NOT_FOUND");
        }
    }
    let field_on_theirs = json!({"objectMetadataId": object, "type": "TEXT", "name": "planted", "label": "Planted"});
    let res = owner
        .rest_as(&intruder, Method::POST, FIELDS, Some(field_on_theirs))
        .await;
    assert_eq!(res.status, 404, "{}", res.body);
    let listed = owner.rest_as(&intruder, Method::GET, OBJECTS, None).await.expect(200);
    assert!(!ids(items(&listed, "objects")).contains(&object.as_str()));
    assert_eq!(data_model(&owner).await, before);
}

/// One data model behind both APIs: what REST changes, `/metadata` shows, and the other way round.
#[tokio::test]
async fn rest_and_graphql_metadata_see_each_others_changes() {
    let app = TestApp::new().await.with_workspace().await;
    let created = app.rest_post(OBJECTS, object_input("both")).await.expect(201);
    let id = created["data"]["createOneObject"]["id"].as_str().unwrap().to_string();
    let object = json!({"id": id});
    let names = "query($id: ID!) { object(id: $id) { nameSingular labelSingular } }";
    let seen = app.metadata_query_with(names, object.clone()).await;
    assert_eq!(seen["object"]["nameSingular"], json!("restTestboth"));

    let relabel = "mutation($id: ID!) { updateOneObject(id: $id, data: {labelSingular: \"From GraphQL\"}) { id } }";
    app.metadata_query_with(relabel, object.clone()).await;
    let path = format!("{OBJECTS}/{id}");
    let read = get(&app, &path).await;
    assert_eq!(read["data"]["object"]["labelSingular"], json!("From GraphQL"));

    let (field, _) = field_via_graphql(&app, &id, "gql").await;
    let field_path = format!("{FIELDS}/{field}");
    let read = get(&app, &field_path).await;
    assert_eq!(read["data"]["field"]["name"], json!("restTestFieldgql"));
    app.rest_patch(&field_path, json!({"label": "From REST"}))
        .await
        .expect(200);
    let labels = "query($id: ID!) { fields(objectMetadataId: $id) { edges { node { id label } } } }";
    let seen = app.metadata_query_with(labels, object.clone()).await;
    assert_eq!(node_where(&seen["fields"], "id", &field)["label"], json!("From REST"));

    app.rest_delete(&path).await.expect(200);
    let gone = app.metadata("query($id: ID!) { object(id: $id) { id } }", object).await;
    assert_eq!(gone.error_code(), "NOT_FOUND");
}

/// Authentication as on every `/rest` route (an API key works like an access token), the metadata API's rate
/// budget, and unknown metadata routes.
#[tokio::test]
async fn metadata_routes_are_authenticated_and_spend_the_metadata_budget() {
    let app = TestApp::with_env_workspace(&[("RATE_LIMIT_METADATA", "3"), ("RATE_LIMIT_REST", "1000")]).await;
    let anonymous = app.get(OBJECTS, None).await;
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
    assert_eq!(app.rest_get(FIELDS).await.status, 200, "the third request");
    let over = app.rest_get(RELATIONS).await;
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
    let app = TestApp::with_env_workspace(&[("SERVER_URL", "https://crm.example.com")]).await;
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
