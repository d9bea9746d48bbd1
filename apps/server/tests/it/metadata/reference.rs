//! The metadata examples of the API reference, run verbatim.

use super::{app, create_field, delete_one, document, field_input};
use crate::support::{TestApp, node_where};
use serde_json::{Value, json};

/// The reference's `property` object with every field its examples create: (its id, the `price` field).
async fn property(app: &TestApp) -> (String, Value) {
    let created = app
        .metadata_query_with(
            document!("CreateObject"),
            json!({"input": {"nameSingular": "property", "namePlural": "properties", "labelSingular": "Property",
                             "labelPlural": "Properties", "description": "Real estate properties", "icon": "IconBuilding"}}),
        )
        .await;
    let property = created["createOneObject"].clone();
    assert_eq!(property["nameSingular"], json!("property"));
    assert_eq!(property["icon"], json!("IconBuilding"));
    let property_id = property["id"].as_str().unwrap().to_string();
    let price = create_field(app, json!({"objectMetadataId": property_id, "name": "price", "label": "Price", "type": "CURRENCY",
        "description": "Property listing price", "icon": "IconCurrencyDollar", "isNullable": true, "defaultValue": null})).await;
    for (name, field_type, extra) in [
        ("address", "TEXT", json!({})),
        ("bedrooms", "NUMBER", json!({"settings": {"dataType": "int"}})),
        ("bathrooms", "NUMBER", json!({})),
        ("squareFeet", "NUMBER", json!({"settings": {"dataType": "int"}})),
        (
            "status",
            "SELECT",
            json!({"options": [{"value": "FOR_SALE", "label": "For sale"}, {"value": "SOLD", "label": "Sold"}], "defaultValue": "FOR_SALE"}),
        ),
        ("parkingSpaces", "NUMBER", json!({"settings": {"dataType": "int"}})),
        ("hasGarage", "BOOLEAN", json!({"defaultValue": false})),
        ("yearBuilt", "NUMBER", json!({"settings": {"dataType": "int"}})),
    ] {
        create_field(app, field_input(&property_id, name, field_type, &extra)).await;
    }
    (property_id, price)
}

/// `property` related to `company` (one company, many properties): the relation.
async fn company_properties(app: &TestApp, property_id: &str) -> Value {
    let company_id = app.object_id("company").await;
    let relation = app
        .metadata_query_with(
            document!("CreateRelation"),
            json!({"input": {"relationType": "ONE_TO_MANY", "fromObjectMetadataId": company_id, "toObjectMetadataId": property_id,
                             "fromFieldMetadataName": "properties", "toFieldMetadataName": "company"}}),
        )
        .await;
    assert_eq!(relation["createOneRelation"]["fromObjectMetadataId"], json!(company_id));
    relation
}

#[actix_web::test]
async fn list_objects_describes_the_standard_objects_and_their_fields() {
    let app = app().await;
    let listed = app.metadata_query(document!("ListObjects")).await;
    let company = node_where(&listed["objects"], "nameSingular", "company");
    assert_eq!(company["isCustom"], json!(false));
    let name = node_where(&company["fields"], "name", "name");
    assert_eq!(name["type"], json!("TEXT"));
    let icp = node_where(&company["fields"], "name", "idealCustomerProfile");
    assert_eq!(icp["defaultValue"], json!(false));
}

#[actix_web::test]
async fn create_object_and_create_field_answer_what_they_created() {
    let app = app().await;
    let (_, price) = property(&app).await;
    assert_eq!(price["type"], json!("CURRENCY"));
    assert_eq!(price["name"], json!("price"));
}

#[actix_web::test]
async fn update_object_relabels_and_describes() {
    let app = app().await;
    let (property_id, _) = property(&app).await;
    let changes = json!({"id": property_id, "input": {"labelSingular": "Estate", "description": "Homes"}});
    let updated = app.metadata_query_with(document!("UpdateObject"), changes).await;
    assert_eq!(updated["updateOneObject"]["labelSingular"], json!("Estate"));
    assert_eq!(updated["updateOneObject"]["description"], json!("Homes"));
}

#[actix_web::test]
async fn update_field_relabels() {
    let app = app().await;
    let (_, price) = property(&app).await;
    let changes = json!({"id": price["id"], "input": {"label": "Asking price", "description": "EUR"}});
    let relabelled = app.metadata_query_with(document!("UpdateField"), changes).await;
    assert_eq!(relabelled["updateOneField"]["label"], json!("Asking price"));
}

#[actix_web::test]
async fn create_relation_answers_the_relation() {
    let app = app().await;
    let (property_id, _) = property(&app).await;
    let relation = company_properties(&app, &property_id).await;
    assert_eq!(relation["createOneRelation"]["relationType"], json!("ONE_TO_MANY"));
}

#[actix_web::test]
async fn the_core_api_serves_the_new_object_its_defaults_and_its_relation_at_once() {
    let app = app().await;
    let (property_id, _) = property(&app).await;
    company_properties(&app, &property_id).await;
    // The reference's GetProperties returns what we create.
    let acme = app
        .query("mutation { createCompany(data: {name: \"Acme\"}) { id } }")
        .await;
    app.query_with(
        "mutation($d: PropertyCreateInput!) { createProperty(data: $d) { id } }",
        json!({"d": {"address": "1 Elm St", "price": {"amountMicros": 500000000000i64, "currencyCode": "EUR"}, "bedrooms": 3,
                     "bathrooms": 1.5, "squareFeet": 900, "parkingSpaces": 1, "yearBuilt": 1990, "companyId": acme["createCompany"]["id"]}}),
    )
    .await;
    let properties = app.query(include_str!("../reference/core/GetProperties.graphql")).await;
    let node = &properties["properties"]["edges"][0]["node"];
    assert_eq!(node["address"], json!("1 Elm St"));
    assert_eq!(node["status"], json!("FOR_SALE"), "default applied");
    assert_eq!(node["hasGarage"], json!(false));
    assert_eq!(
        node["price"],
        json!({"amountMicros": 500000000000i64, "currencyCode": "EUR"})
    );
    let from_company = app
        .query("{ companies { edges { node { properties { edges { node { address company { name } } } } } } } }")
        .await;
    assert_eq!(
        from_company["companies"]["edges"][0]["node"]["properties"]["edges"][0]["node"],
        json!({"address": "1 Elm St", "company": {"name": "Acme"}})
    );
}

#[actix_web::test]
async fn create_api_key_refuses_the_references_past_expiry() {
    let app = app().await;
    let past = app.run_metadata(document!("CreateApiKey")).await;
    assert_eq!(past.error_code(), "VALIDATION_ERROR");
}

/// The reference's API key with a future expiry.
async fn future_key(app: &TestApp) -> Value {
    let future = document!("CreateApiKey").replace("2025-12-31T23:59:59Z", "2099-12-31T23:59:59Z");
    app.metadata_query(&future).await["createOneApiKey"].clone()
}

#[actix_web::test]
async fn an_api_key_with_a_future_expiry_works_and_its_token_is_shown_once() {
    let app = app().await;
    let key = future_key(&app).await;
    assert_eq!(key["name"], json!("My Integration"));
    assert_eq!(key["expiresAt"], json!("2099-12-31T23:59:59.000Z"));
    let token = key["token"].as_str().unwrap();
    let with_key = app.graphql_as(token, "{ companies { totalCount } }", json!({})).await;
    assert_eq!(with_key.data()["companies"]["totalCount"], json!(0));
    let keys = app.metadata_query("{ apiKeys { id name token revokedAt } }").await;
    assert_eq!(keys["apiKeys"][0]["token"], Value::Null, "tokens are shown once");
}

#[actix_web::test]
async fn a_revoked_api_key_is_refused_and_can_be_deleted() {
    let app = app().await;
    let key = future_key(&app).await;
    let revoke = "mutation($id: ID!) { revokeOneApiKey(id: $id) { id revokedAt } }";
    let revoked = app.metadata_query_with(revoke, json!({"id": key["id"]})).await;
    assert!(revoked["revokeOneApiKey"]["revokedAt"].is_string());
    let refused = app
        .post_raw(
            "/graphql",
            key["token"].as_str(),
            r#"{"query": "{ companies { totalCount } }"}"#,
        )
        .await;
    assert_eq!(refused.status, 401);
    assert_eq!(refused.gql().error_code(), "UNAUTHORIZED");
    delete_one(&app, "ApiKey", &key["id"]).await.data();
}

/// The reference's webhook: its id.
async fn reference_webhook(app: &TestApp) -> String {
    let webhook = app.metadata_query(document!("CreateWebhook")).await;
    assert_eq!(
        webhook["createOneWebhook"]["targetUrl"],
        json!("https://your-app.com/webhook")
    );
    assert_eq!(webhook["createOneWebhook"]["operation"], json!("create"));
    webhook["createOneWebhook"]["id"].as_str().unwrap().to_string()
}

#[actix_web::test]
async fn create_webhook_answers_the_webhook_and_generates_a_secret() {
    let app = app().await;
    reference_webhook(&app).await;
    let hooks = app.metadata_query("{ webhooks { id secret description } }").await;
    assert!(
        hooks["webhooks"][0]["secret"].as_str().unwrap().len() >= 32,
        "a secret is generated"
    );
}

#[actix_web::test]
async fn a_webhook_can_be_updated_and_deleted() {
    let app = app().await;
    let hook_id = reference_webhook(&app).await;
    let update = "mutation($id: ID!) { updateOneWebhook(id: $id, data: {operation: \"company.*\"}) { operation } }";
    let changed = app.metadata_query_with(update, json!({"id": hook_id})).await;
    assert_eq!(changed["updateOneWebhook"]["operation"], json!("company.*"));
    delete_one(&app, "Webhook", &hook_id).await.data();
}

#[actix_web::test]
async fn a_webhook_to_a_private_address_is_refused() {
    let app = app().await;
    let create = "mutation { createOneWebhook(data: {targetUrl: \"http://127.0.0.1:9/x\", operation: \"*\"}) { id } }";
    let private = app.run_metadata(create).await;
    assert_eq!(private.error_code(), "VALIDATION_ERROR");
}

#[actix_web::test]
async fn delete_field_answers_the_deleted_field() {
    let app = app().await;
    let (property_id, _) = property(&app).await;
    let temp = create_field(
        &app,
        json!({"objectMetadataId": property_id, "name": "temp", "label": "Temp", "type": "TEXT"}),
    )
    .await;
    let deleted = app
        .metadata_query_with(document!("DeleteField"), json!({"id": temp["id"]}))
        .await;
    assert_eq!(deleted["deleteOneField"]["id"], temp["id"]);
}

#[actix_web::test]
async fn delete_object_removes_it_from_the_core_api_and_leaves_the_others() {
    let app = app().await;
    let (property_id, _) = property(&app).await;
    company_properties(&app, &property_id).await;
    app.query("mutation { createCompany(data: {name: \"Acme\"}) { id } }")
        .await;
    let deleted = app
        .metadata_query_with(document!("DeleteObject"), json!({"id": property_id}))
        .await;
    assert_eq!(deleted["deleteOneObject"]["id"], json!(property_id));
    let gone = app.run("{ properties { totalCount } }").await;
    assert_eq!(gone.error_code(), "GRAPHQL_VALIDATION_FAILED");
    let still = app.query("{ companies { edges { node { name } } } }").await;
    assert_eq!(still["companies"]["edges"][0]["node"]["name"], json!("Acme"));
}
