//! Workspaces never see each other's records, even through the schema they share.

use super::app;
use crate::support::{Gql, TestApp};
use serde_json::{Value, json};

/// An app whose admin (workspace A) owns the company "Secret", and the access token of a second workspace B.
async fn secret_and_b() -> (TestApp, String, String) {
    let app = app().await;
    let b = app.sign_up(&crate::support::app::unique_email("bob")).await["accessToken"]
        .as_str()
        .unwrap()
        .to_string();
    let created = app
        .query("mutation { createCompany(data: {name: \"Secret\"}) { id } }")
        .await;
    let id = created["createCompany"]["id"].as_str().unwrap().to_string();
    (app, b, id)
}

/// A's record still reads as it was written.
async fn secret_is_untouched(app: &TestApp, id: &str) {
    let by_id = "query($id: ID!) { company(filter: {id: {eq: $id}}) { name } }";
    let still = app.query_with(by_id, json!({"id": id})).await;
    assert_eq!(still["company"]["name"], json!("Secret"));
}

async fn as_b(app: &TestApp, b: &str, query: &str, id: &str) -> Gql {
    app.graphql_as(b, query, json!({"id": id})).await
}

#[actix_web::test]
async fn another_workspace_does_not_see_a_record() {
    let (app, b, id) = secret_and_b().await;
    let by_id = as_b(
        &app,
        &b,
        "query($id: ID!) { company(filter: {id: {eq: $id}}) { id } }",
        &id,
    )
    .await;
    assert_eq!(by_id.data()["company"], Value::Null);
    let all = as_b(&app, &b, "{ companies { totalCount } }", &id).await;
    assert_eq!(all.data()["companies"]["totalCount"], json!(0));
}

#[actix_web::test]
async fn another_workspace_cannot_update_delete_or_destroy_a_record() {
    let (app, b, id) = secret_and_b().await;
    for mutation in [
        "mutation($id: ID!) { updateCompany(id: $id, data: {name: \"x\"}) { id } }",
        "mutation($id: ID!) { deleteCompany(id: $id) { id } }",
        "mutation($id: ID!) { destroyCompany(id: $id) { id } }",
    ] {
        assert_eq!(
            as_b(&app, &b, mutation, &id).await.error_code(),
            "NOT_FOUND",
            "{mutation}"
        );
    }
    secret_is_untouched(&app, &id).await;
}

#[actix_web::test]
async fn a_workspaces_own_records_are_its_alone_through_the_shared_schema() {
    let (app, b, id) = secret_and_b().await;
    as_b(
        &app,
        &b,
        "mutation { createCompany(data: {name: \"Mine\"}) { id } }",
        &id,
    )
    .await
    .data();
    let mine = as_b(&app, &b, "{ companies { totalCount edges { node { name } } } }", &id)
        .await
        .data();
    assert_eq!(
        mine["companies"]["edges"],
        json!([{"node": {"name": "Mine"}}]),
        "{mine}"
    );
    // A's record is untouched.
    secret_is_untouched(&app, &id).await;
}
