//! A second process on the same database learns of what the first changes — a new field, a revoked API key, a
//! deleted field — within a second, through `LISTEN/NOTIFY`.

use super::{api_key, graphql, metadata, time_until, wait_until_live};
use crate::support::binary::{Server, Sibling, request};
use serde_json::json;
use std::time::Duration;

/// The id of the company object, through the metadata API of the process on `port`.
fn company_object(port: u16, token: &str) -> serde_json::Value {
    let objects = metadata(
        port,
        token,
        "{ objects { edges { node { id nameSingular } } } }",
        json!({}),
    );
    objects["objects"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["node"]["nameSingular"] == json!("company"))
        .map(|e| e["node"]["id"].clone())
        .unwrap()
}

/// Creates the TEXT field `region` on the company object through the process on `port`: its id.
fn create_region(port: u16, token: &str) -> serde_json::Value {
    let company = company_object(port, token);
    metadata(
        port,
        token,
        "mutation($input: CreateFieldInput!) { createOneField(data: $input) { id } }",
        json!({"input": {"objectMetadataId": company, "name": "region", "label": "Region", "type": "TEXT"}}),
    )["createOneField"]["id"]
        .clone()
}

/// A server, a sibling process on its database that already listens for changes, and an API key of a new workspace
/// made through the server: (access token of its admin, key id, key token), as [`api_key`] answers it.
async fn two_processes_and_a_key() -> (Server, Sibling, (String, String, String)) {
    let server = Server::start(&[]).await;
    let key = api_key(&server);
    let sibling = server.sibling();
    wait_until_live(sibling.port);
    (server, sibling, key)
}

#[tokio::test]
async fn a_field_created_through_one_process_is_usable_in_another_within_a_second() {
    let server = Server::start(&[]).await;
    let token = server.access_token("admin@example.com");
    let sibling = server.sibling();
    // Warm the sibling's caches, then change the model through the first process.
    let via_sibling = |query: &str| {
        let body = json!({"query": query}).to_string();
        request(
            sibling.port,
            "POST",
            "/graphql",
            &[("Authorization", &format!("Bearer {}", token))],
            Some(&body),
        )
        .json()
    };
    let warm = via_sibling("{ companies { totalCount } }");
    assert!(warm["errors"].is_null(), "{warm}");
    create_region(server.port, &token);
    // The sibling learns of the change through a notification: within a second (contract), usually milliseconds.
    let started = std::time::Instant::now();
    let created = loop {
        let created = via_sibling("mutation { createCompany(data: {name: \"A\", region: \"EU\"}) { region } }");
        if created["errors"].is_null() || started.elapsed() > std::time::Duration::from_secs(1) {
            break created;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert_eq!(created["data"]["createCompany"]["region"], json!("EU"), "{created}");
}

#[tokio::test]
async fn a_key_revoked_through_one_process_is_refused_by_another_within_a_second() {
    let (server, sibling, (access, key_id, key)) = two_processes_and_a_key().await;
    let read = |port| graphql(port, &key, "{ companies { totalCount } }", json!({})).status;
    assert_eq!(read(sibling.port), 200, "the sibling now holds the key in memory");
    assert_eq!(read(sibling.port), 200);

    metadata(
        server.port,
        &access,
        "mutation($id: ID!) { revokeOneApiKey(id: $id) { id } }",
        json!({"id": key_id}),
    );
    assert_eq!(read(server.port), 401, "the revoking process refuses it at once");
    let took = time_until(|| read(sibling.port) == 401);
    assert!(took < Duration::from_secs(1), "the sibling refused it after {took:?}");
}

#[tokio::test]
async fn a_field_deleted_through_one_process_is_gone_from_another_within_a_second() {
    let (server, sibling, (_, _, key)) = two_processes_and_a_key().await;
    let field = create_region(server.port, &key);
    let uses_field = |port| {
        graphql(port, &key, "{ companies { edges { node { region } } } }", json!({}))
            .json()
            .get("errors")
            .is_none()
    };
    time_until(|| uses_field(sibling.port));
    assert!(uses_field(sibling.port), "the sibling holds the new model in memory");

    metadata(
        server.port,
        &key,
        "mutation($id: ID!) { deleteOneField(id: $id) { id } }",
        json!({"id": field}),
    );
    assert!(
        !uses_field(server.port),
        "gone at once from the process that deleted it"
    );
    let took = time_until(|| !uses_field(sibling.port));
    assert!(took < Duration::from_secs(1), "gone from the sibling after {took:?}");
}
