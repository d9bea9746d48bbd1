//! Twenty's REST dialect (contract §11): requests replayed from Twenty's own integration tests
//! (`packages/twenty-server/test/integration/rest/suites/…` in twentyhq/twenty), each test naming the one it comes
//! from. The requests are Twenty's, unchanged; the answers are checked in this server's reference envelope
//! (`data`, `meta`), whose `meta.startCursor` / `meta.endCursor` are the cursors Twenty puts in `pageInfo`.

use crate::support::*;
use actix_web::http::Method;
use serde_json::{Value, json};

const COMPANY: &str = "20202020-0000-4000-8000-000000000001";
const PEOPLE: [&str; 4] = [
    "20202020-0000-4000-8000-0000000000a1",
    "20202020-0000-4000-8000-0000000000a2",
    "20202020-0000-4000-8000-0000000000a3",
    "20202020-0000-4000-8000-0000000000a4",
];

async fn get(app: &TestApp, path: &str) -> Value {
    app.rest_expect(Method::GET, path, None, 200).await
}

/// Twenty's `beforeAll` of the find-many suite: one company, four people at positions 0–3 with a city each.
async fn people() -> TestApp {
    let app = TestApp::new().await.with_workspace().await;
    let acme = json!({"id": COMPANY, "name": "Acme", "domainName": "acme.example"});
    app.rest_post("/rest/companies", acme).await.expect(201);
    for (index, id) in PEOPLE.iter().enumerate() {
        let person = json!({"id": id, "city": format!("City {index}"), "position": index, "companyId": COMPANY});
        app.rest_post("/rest/people", person).await.expect(201);
    }
    app
}

fn ids(answer: &Value) -> Vec<String> {
    texts(&answer["data"], "id")
}

/// How many records a list request answers.
async fn count(app: &TestApp, path: &str) -> usize {
    ids(&get(app, path).await).len()
}

/// A restore (`PATCH …/restore`, no body), which must succeed: the answer.
async fn restore(app: &TestApp, path: &str) -> Value {
    app.rest(Method::PATCH, path, None).await.expect(200)
}

fn positions(answer: &Value) -> Vec<f64> {
    answer["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["position"].as_f64().unwrap())
        .collect()
}

/// rest-api-core-find-many: "should retrieve all people with pagination metadata".
#[tokio::test]
async fn find_many_retrieves_all_people_with_pagination_metadata() {
    let app = people().await;
    let answer = get(&app, "/rest/people").await;
    assert_eq!(ids(&answer).len(), 4);
    assert!(answer["meta"]["startCursor"].is_string(), "{answer}");
    assert!(answer["meta"]["endCursor"].is_string(), "{answer}");
    assert_eq!(answer["meta"]["totalCount"], json!(4));
    assert_eq!(answer["meta"]["hasMore"], json!(false));
}

/// rest-api-core-find-many: "should return filtered totalCount" and "should filter results based on filter
/// parameters".
#[tokio::test]
async fn find_many_filters_with_twenty_conditions_and_counts_what_matches() {
    let app = people().await;
    let answer = get(&app, "/rest/people?filter=position[lte]:1").await;
    assert_eq!(ids(&answer).len(), 2);
    assert_eq!(answer["meta"]["totalCount"], json!(2));
    assert_eq!(answer["meta"]["hasMore"], json!(false));
    assert_eq!(ids(&get(&app, "/rest/people?filter=position[lt]:2").await).len(), 2);
}

/// rest-api-core-find-many: "should support cursor-based pagination with starting_after".
#[tokio::test]
async fn find_many_pages_after_a_cursor() {
    let app = people().await;
    let first = get(&app, "/rest/people?limit=2").await;
    let start = first["meta"]["startCursor"].as_str().unwrap();
    // And under its older name.
    for after in ["starting_after", "last_cursor"] {
        let next = get(&app, &format!("/rest/people?{after}={start}&limit=1")).await;
        assert_eq!(ids(&next), ids(&first)[1..2], "{after}");
    }
}

/// rest-api-core-find-many: "should support cursor-based pagination with ending_before".
#[tokio::test]
async fn find_many_pages_before_a_cursor() {
    let app = people().await;
    let all = get(&app, "/rest/people?limit=4").await;
    let end = all["meta"]["endCursor"].as_str().unwrap();
    let before = get(&app, &format!("/rest/people?ending_before={end}&limit=2")).await;
    assert_eq!(ids(&before), ids(&all)[1..3]);
}

/// rest-api-core-find-many: "should support ordering Asc of results" and "… Desc of results".
#[tokio::test]
async fn find_many_orders_with_order_by() {
    let app = people().await;
    let asc = positions(&get(&app, "/rest/people?order_by=position[AscNullsLast]").await);
    assert_eq!(asc, [0.0, 1.0, 2.0, 3.0]);
    let desc = positions(&get(&app, "/rest/people?order_by=position[DescNullsLast]").await);
    assert_eq!(desc, [3.0, 2.0, 1.0, 0.0]);
}

/// rest-api-core-find-many: "should support pagination with ordering".
#[tokio::test]
async fn find_many_pages_in_the_order_asked_for() {
    let app = people().await;
    let first = get(&app, "/rest/people?order_by=position[DescNullsLast]&limit=2").await;
    assert_eq!(first["meta"]["hasMore"], json!(true));
    assert_eq!(positions(&first), [3.0, 2.0]);
    let end = first["meta"]["endCursor"].as_str().unwrap();
    let next = get(
        &app,
        &format!("/rest/people?order_by=position[DescNullsLast]&limit=2&starting_after={end}"),
    )
    .await;
    assert_eq!(positions(&next), [1.0, 0.0]);
}

/// rest-api-core-find-many: "should handle invalid cursor gracefully".
#[tokio::test]
async fn find_many_refuses_an_invalid_cursor_with_400() {
    let app = people().await;
    let invalid = "/rest/people?starting_after=invalid-cursor";
    let answer = app.rest_get(invalid).await.expect(400);
    assert!(answer.to_string().contains("invalid cursor"), "{answer}");
}

/// rest-api-core-find-many: "should combine filtering, ordering, and pagination".
#[tokio::test]
async fn find_many_combines_filter_order_and_limit() {
    let app = people().await;
    let combined = "/rest/people?filter=position[gt]:0&order_by=city[AscNullsFirst]&limit=2";
    let answer = get(&app, combined).await;
    assert_eq!(texts(&answer["data"], "city"), ["City 1", "City 2"]);
}

/// rest-api-core-find-many: "should support depth 0 parameter", "… depth 1 …" and "… depth 2 …".
#[tokio::test]
async fn find_many_embeds_relations_by_depth() {
    let app = people().await;
    let shallow = get(&app, "/rest/people?depth=0").await;
    assert_eq!(shallow["data"][0]["companyId"], json!(COMPANY));
    assert!(shallow["data"][0].get("company").is_none());

    let one = get(&app, "/rest/people?depth=1").await;
    assert_eq!(one["data"][0]["company"]["domainName"], json!("acme.example"));
    assert!(one["data"][0]["company"].get("people").is_none());

    let two = get(&app, "/rest/people?depth=2").await;
    let person = &two["data"][0];
    let colleagues = person["company"]["people"].as_array().unwrap();
    assert!(colleagues.iter().any(|p| p["id"] == person["id"]), "{person}");
    assert_eq!(colleagues.len(), 4);
}

/// rest-api-core-find-one: `depth` on one record.
#[tokio::test]
async fn find_one_embeds_relations_by_depth() {
    let app = people().await;
    let one = get(&app, &format!("/rest/people/{}?depth=2", PEOPLE[0])).await;
    assert_eq!(one["data"]["company"]["people"].as_array().map(Vec::len), Some(4));
}

/// Twenty's grammar beyond single conditions: `or(…)`, `not(…)`, quoted values, `in:[…]`, `is:NULL`, relation
/// paths (the filter grammar of Twenty's parse-filter unit tests, over HTTP).
#[tokio::test]
async fn conjunctions_lists_quotes_and_null_checks_filter_records() {
    let app = people().await;
    // As a client sends them: spaces and double quotes percent-encoded.
    let count = async |query: &str| {
        let query = query.replace(' ', "%20").replace('"', "%22");
        ids(&get(&app, &format!("/rest/people?{query}")).await).len()
    };
    assert_eq!(count(r#"filter=or(city[eq]:"City 0",city[eq]:'City 3')"#).await, 2);
    assert_eq!(count(r#"filter=not(city[in]:["City 0","City 1"])"#).await, 2);
    assert_eq!(count("filter=and(position[gte]:1,position[lte]:2)").await, 2);
    assert_eq!(count("filter=jobTitle[is]:NULL").await, 4);
    assert_eq!(count("filter=city[is]:NOT_NULL,position[gt]:2").await, 1);
    assert_eq!(count(&format!("filter=company.id[eq]:{COMPANY}")).await, 4);
    assert_eq!(count(&format!("filter=companyId[eq]:{COMPANY}")).await, 4);
    assert_eq!(count("filter=city[startsWith]:City").await, 4);
}

/// The two dialects cannot be mixed: 400 naming both parameters.
#[tokio::test]
async fn mixing_the_two_dialects_is_400_naming_both() {
    let app = people().await;
    let mixed = "/rest/people?filter[city][eq]=a&filter=city[eq]:b";
    let answer = app.rest_get(mixed).await.expect(400);
    let text = answer.to_string();
    assert!(
        text.contains("filter[city][eq]") && text.contains("cannot be mixed"),
        "{text}"
    );
}

/// rest-api-core-update: PUT is Twenty's alias of PATCH; `depth` applies to what a write answers.
#[tokio::test]
async fn put_updates_like_patch_and_writes_honour_depth() {
    let app = people().await;
    let path = format!("/rest/people/{}?depth=1", PEOPLE[0]);
    let updated = app.rest(Method::PUT, &path, Some(json!({"city": "Paris"}))).await;
    let updated = updated.expect(200);
    assert_eq!(updated["data"]["city"], json!("Paris"));
    assert_eq!(updated["data"]["company"]["id"], json!(COMPANY));
    let lyon = json!({"city": "Lyon", "companyId": COMPANY});
    let created = app.rest_post("/rest/people?depth=1", lyon).await.expect(201);
    assert_eq!(created["data"]["company"]["name"], json!("Acme"));
    let nice = json!([{"city": "Nice", "companyId": COMPANY}]);
    let batch = app.rest_post("/rest/batch/people?depth=1", nice).await.expect(201);
    assert_eq!(batch["data"][0]["company"]["id"], json!(COMPANY));
}

/// rest-api-core-update and rest-api-core-delete: many records by filter; a filter is mandatory.
#[tokio::test]
async fn update_and_delete_many_by_filter() {
    let app = people().await;
    let engineers = json!({"jobTitle": "Engineer"});
    let updated = app.rest_patch("/rest/people?filter=position[gte]:2", engineers).await;
    assert_eq!(updated.expect(200)["data"].as_array().map(Vec::len), Some(2));
    assert_eq!(count(&app, "/rest/people?filter=jobTitle[eq]:Engineer").await, 2);

    let refused = app
        .rest_patch("/rest/people", json!({"jobTitle": "x"}))
        .await
        .expect(400);
    assert!(refused.to_string().contains("filter"), "{refused}");
    app.rest_delete("/rest/people").await.expect(400);
    assert_eq!(
        count(&app, "/rest/people?filter=jobTitle[eq]:x").await,
        0,
        "nothing changed"
    );

    let deleted = app.rest_delete("/rest/people?filter=jobTitle[eq]:Engineer").await;
    assert_eq!(deleted.expect(200)["data"].as_array().map(Vec::len), Some(2));
    assert_eq!(count(&app, "/rest/people").await, 2);
}

/// rest-api-core-restore: a soft-deleted record comes back, one by id or many by filter.
#[tokio::test]
async fn restore_brings_soft_deleted_records_back() {
    let app = people().await;
    for person in &PEOPLE[..2] {
        app.rest_delete(&format!("/rest/people/{person}")).await.expect(200);
    }
    assert_eq!(count(&app, "/rest/people").await, 2);
    let restored = restore(&app, &format!("/rest/people/{}/restore", PEOPLE[0])).await;
    assert_eq!(restored["data"]["id"], json!(PEOPLE[0]));
    assert!(restored["data"]["deletedAt"].is_null());
    let many = restore(&app, &format!("/rest/people/restore?filter=id[in]:[{}]", PEOPLE[1])).await;
    assert_eq!(many["data"].as_array().map(Vec::len), Some(1));
    assert_eq!(count(&app, "/rest/people").await, 4);
}

/// Twenty's find-many suite's `beforeAll`, on a server with `REST_RESPONSE_FORMAT=twenty`.
async fn people_in_twenty_format() -> TestApp {
    let app = TestApp::with_env_workspace(&[("REST_RESPONSE_FORMAT", "twenty")]).await;
    let acme = json!({"id": COMPANY, "name": "Acme"});
    let created = app.rest_post("/rest/companies", acme).await.expect(201);
    assert_eq!(created["data"]["createCompany"]["id"], json!(COMPANY));
    let batch: Vec<Value> = PEOPLE
        .iter()
        .enumerate()
        .map(|(index, id)| json!({"id": id, "city": format!("City {index}"), "position": index, "companyId": COMPANY}))
        .collect();
    app.rest_post("/rest/batch/people", Value::Array(batch))
        .await
        .expect(201);
    app
}

/// rest-api-core-find-many: "should retrieve all people with pagination metadata" and "should limit results
/// based on the limit parameter", with Twenty's envelope.
#[tokio::test]
async fn twenty_format_lists_under_the_plural_with_page_info_and_total_count() {
    let app = people_in_twenty_format().await;
    let answer = get(&app, "/rest/people").await;
    assert_eq!(answer["data"]["people"].as_array().map(Vec::len), Some(4));
    assert!(answer["pageInfo"]["startCursor"].is_string());
    assert!(answer["pageInfo"]["endCursor"].is_string());
    assert_eq!(answer["totalCount"], json!(4));
    assert_eq!(answer["pageInfo"]["hasNextPage"], json!(false));
    let limited = get(&app, "/rest/people?limit=3").await;
    assert_eq!(limited["data"]["people"].as_array().map(Vec::len), Some(3));
    assert_eq!(limited["totalCount"], json!(4));
    assert_eq!(limited["pageInfo"]["hasNextPage"], json!(true));
}

/// rest-api-core-create-many: "should create many person", "should support depth 1 parameter" and "should not
/// support depth 2 parameter".
#[tokio::test]
async fn twenty_format_batch_create_answers_under_create_plural_and_refuses_depth_2() {
    let app = TestApp::with_env_workspace(&[("REST_RESPONSE_FORMAT", "twenty")]).await;
    app.rest_post("/rest/companies", json!({"id": COMPANY}))
        .await
        .expect(201);
    let body = json!([{"id": PEOPLE[0], "companyId": COMPANY}, {"id": PEOPLE[1], "companyId": COMPANY}]);
    let created = app
        .rest_post("/rest/batch/people?depth=1", body.clone())
        .await
        .expect(201);
    let people = created["data"]["createPeople"].as_array().unwrap();
    assert_eq!(people[0]["id"], json!(PEOPLE[0]));
    assert_eq!(people[1]["id"], json!(PEOPLE[1]));
    assert!(people[0]["company"].is_object() && people[0]["company"].get("people").is_none());
    let refused = app.rest_post("/rest/batch/people?depth=2", body).await.expect(400);
    assert!(refused.to_string().contains("depth"), "{refused}");
    assert_eq!(
        get(&app, "/rest/people").await["totalCount"],
        json!(2),
        "the refused batch created nothing"
    );
}

/// rest-api-core-find-one, rest-api-core-update, rest-api-core-delete, rest-api-core-restore: one record's
/// answers under `person`, `updatePerson`, `deletePerson`, `restorePerson`; many under the plural forms.
#[tokio::test]
async fn twenty_format_answers_each_operation_under_its_name() {
    let app = people_in_twenty_format().await;
    let path = format!("/rest/people/{}", PEOPLE[0]);
    assert_eq!(get(&app, &path).await["data"]["person"]["id"], json!(PEOPLE[0]));
    let updated = app.rest_patch(&path, json!({"city": "Paris"})).await.expect(200);
    assert_eq!(updated["data"]["updatePerson"]["city"], json!("Paris"));
    let deleted = app.rest_delete(&path).await.expect(200);
    assert_eq!(deleted["data"]["deletePerson"]["id"], json!(PEOPLE[0]));
    let restored = restore(&app, &format!("{path}/restore")).await;
    assert_eq!(restored["data"]["restorePerson"]["id"], json!(PEOPLE[0]));
    let engineers = json!({"jobTitle": "Engineer"});
    let many = app.rest_patch("/rest/people?filter=position[gte]:2", engineers).await;
    assert_eq!(
        many.expect(200)["data"]["updatePeople"].as_array().map(Vec::len),
        Some(2)
    );
    let gone = app
        .rest_delete("/rest/people?filter=jobTitle[eq]:Engineer")
        .await
        .expect(200);
    assert_eq!(gone["data"]["deletePeople"].as_array().map(Vec::len), Some(2));
    let back = restore(&app, "/rest/people/restore?filter=jobTitle[eq]:Engineer").await;
    assert_eq!(back["data"]["restorePeople"].as_array().map(Vec::len), Some(2));
}

/// The OpenAPI document follows the chosen format.
#[tokio::test]
async fn twenty_format_openapi_document_describes_twentys_envelopes() {
    let app = people_in_twenty_format().await;
    let document = get(&app, "/rest/open-api/core").await;
    let list = &document["paths"]["/people"]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
    assert_eq!(list["properties"]["data"]["required"], json!(["people"]));
}
