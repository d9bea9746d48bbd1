//! Twenty's forms of the metadata API beside the reference's: `input:` mutations (`createOneObject(input:
//! {object})`, `updateOneObject(input: {id, update})`, `deleteOneObject(input: {id})`, and the same for fields),
//! replaying the documents of Twenty's metadata integration tests (`packages/twenty-server/test/integration/
//! metadata/suites/…`, their query factories verbatim); exactly one form per mutation.

use super::{app, field_names};
use crate::support::{TestApp, node_texts, node_where, nodes};
use serde_json::{Value, json};

// Twenty's query factories (`…/object-metadata/utils/*-query-factory.util.ts`, `…/field-metadata/utils/…`).
const CREATE_ONE_OBJECT: &str = "mutation CreateOneObjectMetadataItem($input: CreateOneObjectInput!) {
  createOneObject(input: $input) { id nameSingular labelSingular description icon } }";
const UPDATE_ONE_OBJECT: &str =
    "mutation UpdateOneObjectMetadataItem($idToUpdate: UUID!, $updatePayload: UpdateObjectPayload!) {
  updateOneObject(input: {id: $idToUpdate, update: $updatePayload}) { id labelSingular labelPlural isActive } }";
const DELETE_ONE_OBJECT: &str = "mutation DeleteOneObjectMetadataItem($idToDelete: UUID!) {
  deleteOneObject(input: { id: $idToDelete }) { id } }";
const CREATE_ONE_FIELD: &str = "mutation CreateOneFieldMetadataItem($input: CreateOneFieldMetadataInput!) {
  createOneField(input: $input) { id name label type } }";
const UPDATE_ONE_FIELD: &str =
    "mutation UpdateOneFieldMetadataItem($idToUpdate: UUID!, $updatePayload: UpdateFieldInput!) {
  updateOneField(input: {id: $idToUpdate, update: $updatePayload}) { id isActive } }";
const DELETE_ONE_FIELD: &str = "mutation DeleteOneFieldMetadataItem($idToDelete: UUID!) {
  deleteOneField(input: { id: $idToDelete }) { id } }";

/// Twenty's `getListingCreateObjectInput()`.
fn listing_input() -> Value {
    json!({"namePlural": "listings", "nameSingular": "listing", "labelPlural": "Listings", "labelSingular": "Listing",
           "description": "Listing object", "icon": "IconListNumbers", "isLabelSyncedWithName": false})
}

/// Creates the listing object through Twenty's `createOneObjectMetadata`: its id.
async fn create_listing(app: &TestApp) -> String {
    let created = app
        .metadata_query_with(CREATE_ONE_OBJECT, json!({"input": {"object": listing_input()}}))
        .await;
    let listing = &created["createOneObject"];
    assert_eq!(listing["nameSingular"], json!("listing"));
    assert_eq!(listing["icon"], json!("IconListNumbers"));
    listing["id"].as_str().unwrap().to_string()
}

/// The custom objects' singular names.
async fn custom_objects(app: &TestApp) -> Vec<String> {
    let listed = app
        .metadata_query("{ objects { edges { node { nameSingular isCustom } } } }")
        .await;
    nodes(&listed["objects"])
        .filter(|node| node["isCustom"] == json!(true))
        .map(|node| node["nameSingular"].as_str().unwrap().to_string())
        .collect()
}

/// Replays Twenty's `rename-custom-object.integration-spec.ts` steps 1 ("should create one custom object") and 4
/// ("should delete custom object"), with the update of `failing-update-one-object-metadata`'s happy path
/// (`updatePayload: {labelSingular, labelPlural}`) and `isActive` between them.
#[actix_web::test]
async fn twenty_input_forms_create_update_and_delete_an_object() {
    let app = app().await;
    let listing = create_listing(&app).await;
    assert_eq!(custom_objects(&app).await, ["listing"]);
    let updated = app
        .metadata_query_with(
            UPDATE_ONE_OBJECT,
            json!({"idToUpdate": listing, "updatePayload": {"labelSingular": "Home", "labelPlural": "Homes"}}),
        )
        .await;
    assert_eq!(
        updated["updateOneObject"],
        json!({"id": listing, "labelSingular": "Home", "labelPlural": "Homes", "isActive": true})
    );
    let deactivated = app
        .metadata_query_with(
            UPDATE_ONE_OBJECT,
            json!({"idToUpdate": listing, "updatePayload": {"isActive": false}}),
        )
        .await;
    assert_eq!(deactivated["updateOneObject"]["isActive"], json!(false));
    let deleted = app
        .metadata_query_with(DELETE_ONE_OBJECT, json!({"idToDelete": listing}))
        .await;
    assert_eq!(deleted["deleteOneObject"]["id"], json!(listing));
    assert!(custom_objects(&app).await.is_empty());
}

/// Replays Twenty's `delete-one-field-metadata.integration-spec.ts` ("deleteOne › Kanban aggregate operation",
/// without its view): create the listing object and a `house` TEXT field, deactivate it, delete it.
#[actix_web::test]
async fn twenty_input_forms_create_update_and_delete_a_field() {
    let app = app().await;
    let listing = create_listing(&app).await;
    let created = app
        .metadata_query_with(
            CREATE_ONE_FIELD,
            json!({"input": {"field": {"name": "house", "type": "TEXT", "label": "House", "objectMetadataId": listing}}}),
        )
        .await;
    assert_eq!(created["createOneField"]["type"], json!("TEXT"));
    let house = created["createOneField"]["id"].as_str().unwrap().to_string();
    assert!(field_names(&app, &listing).await.contains(&"house".to_string()));
    let updated = app
        .metadata_query_with(
            UPDATE_ONE_FIELD,
            json!({"idToUpdate": house, "updatePayload": {"isActive": false}}),
        )
        .await;
    assert_eq!(updated["updateOneField"], json!({"id": house, "isActive": false}));
    let deleted = app
        .metadata_query_with(DELETE_ONE_FIELD, json!({"idToDelete": house}))
        .await;
    assert_eq!(deleted["deleteOneField"]["id"], json!(house));
    assert!(!field_names(&app, &listing).await.contains(&"house".to_string()));
    app.metadata_query_with(DELETE_ONE_OBJECT, json!({"idToDelete": listing}))
        .await;
}

/// The same validation behind both forms: a reserved name is refused with the same details either way.
#[actix_web::test]
async fn both_forms_share_the_services_validation() {
    let app = app().await;
    let bad = json!({"nameSingular": "edge", "namePlural": "edges", "labelSingular": "E", "labelPlural": "Es"});
    let twenty = app
        .metadata(CREATE_ONE_OBJECT, json!({"input": {"object": bad.clone()}}))
        .await;
    let reference = app
        .metadata(
            "mutation($d: CreateObjectInput!) { createOneObject(data: $d) { id } }",
            json!({"d": bad}),
        )
        .await;
    assert_eq!(twenty.error_code(), "VALIDATION_ERROR");
    assert_eq!(twenty.error()["message"], reference.error()["message"]);
    assert_eq!(twenty.error()["extensions"], reference.error()["extensions"]);
    let synced = app
        .metadata(
            CREATE_ONE_OBJECT,
            json!({"input": {"object": listing_input().as_object().unwrap().clone().into_iter()
                .chain([("isLabelSyncedWithName".to_string(), json!(true))]).collect::<serde_json::Map<_, _>>()}}),
        )
        .await;
    assert_eq!(synced.error_fields(), ["isLabelSyncedWithName"]);
    assert!(custom_objects(&app).await.is_empty());
}

/// Both forms in one mutation, or neither: a validation error naming them, and nothing changes.
#[actix_web::test]
async fn both_forms_or_neither_is_a_validation_error_and_changes_nothing() {
    let app = app().await;
    let listing = create_listing(&app).await;
    let field = |name: &str| json!({"objectMetadataId": listing, "name": name, "label": name, "type": "TEXT"});
    let created = app
        .metadata_query_with(CREATE_ONE_FIELD, json!({"input": {"field": field("kept")}}))
        .await;
    let kept = created["createOneField"]["id"].as_str().unwrap().to_string();
    let object =
        json!({"nameSingular": "home", "namePlural": "homes", "labelSingular": "Home", "labelPlural": "Homes"});
    let none = || json!({});
    let mut cases: Vec<(&str, String, Value)> = vec![
        (
            "create with both",
            "mutation($d: CreateObjectInput!, $i: CreateOneObjectInput!) { createOneObject(data: $d, input: $i) { id } }".into(),
            json!({"d": object, "i": {"object": object}}),
        ),
        ("create with neither", "mutation { createOneObject { id } }".into(), none()),
        (
            "update with both",
            "mutation($id: ID!, $u: UUID!) { updateOneObject(id: $id, data: {labelSingular: \"X\"}, input: {id: $u, update: {labelSingular: \"Y\"}}) { id } }".into(),
            json!({"id": listing, "u": listing}),
        ),
        ("update with neither", "mutation { updateOneObject { id } }".into(), none()),
        ("update with id only", format!("mutation {{ updateOneObject(id: \"{listing}\") {{ id }} }}"), none()),
        ("update with data only", "mutation { updateOneObject(data: {labelSingular: \"X\"}) { id } }".into(), none()),
        (
            "field create with both",
            "mutation($d: CreateFieldInput!, $i: CreateOneFieldMetadataInput!) { createOneField(data: $d, input: $i) { id } }".into(),
            json!({"d": field("one"), "i": {"field": field("two")}}),
        ),
        ("field create with neither", "mutation { createOneField { id } }".into(), none()),
        (
            "field update with both",
            "mutation($id: ID!, $u: UUID!) { updateOneField(id: $id, data: {label: \"X\"}, input: {id: $u, update: {label: \"Y\"}}) { id } }".into(),
            json!({"id": kept, "u": kept}),
        ),
        ("field update with neither", "mutation { updateOneField { id } }".into(), none()),
    ];
    for (resource, id) in [("Field", &kept), ("Object", &listing)] {
        let both =
            format!("mutation($id: ID!, $u: UUID!) {{ deleteOne{resource}(id: $id, input: {{id: $u}}) {{ id }} }}");
        cases.push(("delete with both", both, json!({"id": id, "u": id})));
        cases.push((
            "delete with neither",
            format!("mutation {{ deleteOne{resource} {{ id }} }}"),
            none(),
        ));
    }
    for (what, document, variables) in cases {
        let answer = app.metadata(&document, variables).await;
        assert_eq!(answer.error_code(), "VALIDATION_ERROR", "{what}: {:?}", answer.error());
    }

    // Nothing changed: no object, the label, no field but the one kept, unchanged.
    assert_eq!(custom_objects(&app).await, ["listing"]);
    let labels = "query($id: ID!) { object(id: $id) { labelSingular } }";
    let labels = app.metadata_query_with(labels, json!({"id": listing})).await;
    assert_eq!(labels["object"]["labelSingular"], json!("Listing"), "label unchanged");
    let names = field_names(&app, &listing).await;
    assert!(
        !names.iter().any(|n| n == "one" || n == "two"),
        "no field created: {names:?}"
    );
    let fields = "query($id: ID!) { fields(objectMetadataId: $id) { edges { node { name label } } } }";
    let fields = app.metadata_query_with(fields, json!({"id": listing})).await;
    assert_eq!(
        node_where(&fields["fields"], "name", "kept")["label"],
        json!("kept"),
        "field unchanged and kept"
    );
}

// Twenty's `find-many-object-metadata-query-factory.util.ts` and `find-many-fields-metadata-query-factory.util.ts`.
const FIND_MANY_OBJECTS: &str = "query ObjectsMetadata($filter: ObjectFilter!, $paging: CursorPaging!) {
  objects(filter: $filter, paging: $paging) { edges { node { id nameSingular isCustom isActive isSystem } } } }";
const FIND_MANY_FIELDS: &str = "query FieldsMetadata($filter: FieldFilter!, $paging: CursorPaging!) {
  fields(paging: $paging, filter: $filter) { edges { node { id name label type objectMetadataId isCustom } } } }";

async fn objects_where(app: &TestApp, filter: Value) -> Vec<String> {
    let found = app
        .metadata_query_with(FIND_MANY_OBJECTS, json!({"filter": filter, "paging": {"first": 1000}}))
        .await;
    let mut names = node_texts(&found["objects"], "nameSingular");
    names.sort();
    names
}

/// Replays the lists of Twenty's `rename-custom-object.integration-spec.ts` (`standardObjectsGraphqlOperation`:
/// `filter: {isCustom: {isNot: true}}, paging: {first: 1000}`; `fieldsGraphqlOperation`: `filter: {}`), then each
/// comparison, `and` / `or`, and `paging.first`.
#[actix_web::test]
async fn objects_and_fields_take_twentys_paging_and_filter() {
    let app = app().await;
    let listing = create_listing(&app).await;
    let standard = objects_where(&app, json!({"isCustom": {"isNot": true}})).await;
    assert!(standard.contains(&"company".to_string()) && standard.contains(&"person".to_string()));
    assert!(!standard.contains(&"listing".to_string()));
    assert_eq!(
        objects_where(&app, json!({"isCustom": {"is": true}})).await,
        ["listing"]
    );
    let all = objects_where(&app, json!({})).await;
    assert_eq!(all.len(), standard.len() + 1);

    let company = app.object_id("company").await;
    assert_eq!(objects_where(&app, json!({"id": {"eq": company}})).await, ["company"]);
    assert_eq!(
        objects_where(&app, json!({"id": {"in": [company, listing]}})).await,
        ["company", "listing"]
    );
    assert_eq!(
        objects_where(&app, json!({"id": {"notIn": [company]}})).await.len(),
        all.len() - 1
    );
    assert_eq!(
        objects_where(
            &app,
            json!({"or": [{"id": {"eq": company}}, {"isCustom": {"is": true}}]})
        )
        .await,
        ["company", "listing"]
    );
    assert_eq!(
        objects_where(
            &app,
            json!({"and": [{"isCustom": {"is": true}}, {"id": {"neq": listing}}]})
        )
        .await,
        Vec::<String>::new()
    );
    app.metadata_query_with(
        UPDATE_ONE_OBJECT,
        json!({"idToUpdate": listing, "updatePayload": {"isActive": false}}),
    )
    .await;
    assert_eq!(
        objects_where(&app, json!({"isActive": {"is": false}})).await,
        ["listing"]
    );
    let system = objects_where(&app, json!({"isSystem": {"is": true}})).await;
    assert!(!system.contains(&"company".to_string()));
    let first_two = app
        .metadata_query_with(FIND_MANY_OBJECTS, json!({"filter": {}, "paging": {"first": 2}}))
        .await;
    assert_eq!(first_two["objects"]["edges"].as_array().unwrap().len(), 2);

    let fields = |filter: Value| {
        let app = &app;
        async move {
            let found = app
                .metadata_query_with(FIND_MANY_FIELDS, json!({"filter": filter, "paging": {"first": 1000}}))
                .await;
            found["fields"]["edges"].as_array().unwrap().clone()
        }
    };
    let every = fields(json!({})).await;
    assert!(every.iter().any(|e| e["node"]["objectMetadataId"] == json!(company)));
    let of_listing = fields(json!({"objectMetadataId": {"eq": listing}})).await;
    assert!(!of_listing.is_empty() && of_listing.len() < every.len());
    assert!(
        of_listing
            .iter()
            .all(|e| e["node"]["objectMetadataId"] == json!(listing))
    );
    let id_field = of_listing.iter().find(|e| e["node"]["name"] == json!("id")).unwrap();
    let by_id = fields(json!({"id": {"eq": id_field["node"]["id"]}})).await;
    assert_eq!(by_id.len(), 1);
    let custom_of_company =
        fields(json!({"and": [{"objectMetadataId": {"eq": company}}, {"isCustom": {"is": true}}]})).await;
    assert!(custom_of_company.is_empty(), "company has no custom field yet");
}

/// An unknown filter field, comparison or malformed UUID fails validation, as in Twenty's schema; the known
/// ones validate.
#[actix_web::test]
async fn unknown_metadata_filters_fail_validation() {
    let app = app().await;
    // The known ones validate, beside them.
    let known = "{ objects(filter: {isCustom: {is: true}}) { edges { node { id } } }
        fields(filter: {isSystem: {isNot: true}}) { edges { node { id } } } }";
    assert!(!app.metadata(known, json!({})).await.has_errors());
    for (document, variables) in [
        (
            "{ objects(filter: {nameSingular: {eq: \"company\"}}) { edges { node { id } } } }",
            json!({}),
        ),
        (
            "{ objects(filter: {isCustom: {eq: true}}) { edges { node { id } } } }",
            json!({}),
        ),
        (
            "{ fields(filter: {type: {eq: \"TEXT\"}}) { edges { node { id } } } }",
            json!({}),
        ),
        (
            FIND_MANY_OBJECTS,
            json!({"filter": {"id": {"eq": "not-a-uuid"}}, "paging": {}}),
        ),
    ] {
        let answer = app.metadata(document, variables).await;
        assert_eq!(answer.error_code(), "GRAPHQL_VALIDATION_FAILED", "{document}");
    }
}

/// `currentWorkspace` answers the asking principal's workspace — for the admin's access token and for an API key —
/// with the name given at sign-up, `ACTIVE`, and the fields `twenty-sdk` asks for (`validateAuth`'s
/// `currentWorkspace { id }`, `getCurrentWorkspaceFrontendUrl`'s `workspaceUrls { subdomainUrl customUrl }`).
#[actix_web::test]
async fn current_workspace_answers_the_principals_workspace() {
    let app = TestApp::with_env_workspace(&[("SERVER_URL", "https://crm.example.com")]).await;
    let whole = "query { currentWorkspace { id displayName logo activationStatus createdAt updatedAt
        workspaceUrls { subdomainUrl customUrl } } }";
    let as_user = app.metadata_query(whole).await;
    let workspace = &as_user["currentWorkspace"];
    assert_eq!(workspace["id"], json!(app.workspace.to_string()));
    assert_eq!(workspace["displayName"], json!("Acme"));
    assert_eq!(workspace["logo"], Value::Null);
    assert_eq!(workspace["activationStatus"], json!("ACTIVE"));
    assert!(workspace["createdAt"].as_str().unwrap().ends_with('Z'));
    assert!(workspace["updatedAt"].is_string());
    assert_eq!(
        workspace["workspaceUrls"],
        json!({"subdomainUrl": "https://crm.example.com", "customUrl": null})
    );
    let (_, key) = app.api_key("sdk").await;
    let sdk = "\n        query CurrentWorkspace {\n          currentWorkspace {\n            id\n          }\n        }\n      ";
    let as_key = app.document("/metadata", &key, sdk, json!({})).await.gql_ok();
    assert_eq!(
        as_key.data()["currentWorkspace"],
        json!({"id": app.workspace.to_string()})
    );

    // Another workspace's principal sees its own.
    let other = TestApp::new().await.with_workspace().await;
    let theirs = other.metadata_query("{ currentWorkspace { id } }").await;
    assert_eq!(theirs["currentWorkspace"]["id"], json!(other.workspace.to_string()));
    assert_ne!(other.workspace, app.workspace);
}
