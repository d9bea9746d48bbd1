//! `POST /rest/{plural}/duplicates` (contract §11), replayed from Twenty's
//! `test/integration/rest/suites/rest-api-core-find-duplicates.integration-spec.ts`: each test names the case it
//! comes from. The requests are Twenty's; where Twenty's people carry `emails`, ours carry the `email` of §8.

use crate::support::*;
use serde_json::{Value, json};

const COMPANY: &str = "20202020-0000-4000-8000-0000000000c1";
const PERSON_1: &str = "20202020-0000-4000-8000-0000000000d1";
const PERSON_2: &str = "20202020-0000-4000-8000-0000000000d2";
const PERSON_3: &str = "20202020-0000-4000-8000-0000000000d3";
const DUPLICATES: &str = "/rest/people/duplicates";

/// Twenty's `beforeAll`: a company, two people named John Doe and a Phil Collins, all of that company.
async fn people() -> TestApp {
    let app = TestApp::new().await.with_workspace().await;
    let acme = json!({"id": COMPANY, "domainName": "https://acme.example"});
    app.rest_post("/rest/companies", acme).await.expect(201);
    let person = |id: &str, first: &str, last: &str| json!({"id": id, "companyId": COMPANY, "name": {"firstName": first, "lastName": last}});
    let people = json!([
        person(PERSON_1, "John", "Doe"),
        person(PERSON_2, "John", "Doe"),
        person(PERSON_3, "Phil", "Collins")
    ]);
    app.rest_post("/rest/batch/people", people).await.expect(201);
    app
}

async fn duplicates(app: &TestApp, query: &str, body: Value) -> Value {
    let path = format!("{DUPLICATES}{query}");
    app.rest_post(&path, body).await.expect(200)
}

fn john_doe() -> Value {
    json!({"data": [{"name": {"firstName": "John", "lastName": "Doe"}}]})
}

fn duplicate_ids(page: &Value) -> Vec<String> {
    texts(&page["personDuplicates"], "id")
}

/// "should retrieve duplicates by object data".
#[tokio::test]
async fn duplicates_of_data_are_the_records_sharing_a_criterion() {
    let app = people().await;
    let answer = duplicates(&app, "", john_doe()).await;
    let pages = answer["data"].as_array().unwrap();
    assert_eq!(pages.len(), 1, "{answer}");
    assert_eq!(pages[0]["totalCount"], json!(2));
    assert_eq!(duplicate_ids(&pages[0]), [PERSON_1, PERSON_2]);
    assert!(pages[0]["pageInfo"]["startCursor"].is_string(), "{answer}");
    assert_eq!(pages[0]["pageInfo"]["hasNextPage"], json!(false));
}

/// "should retrieve duplicates by ids": a stored record is not its own duplicate.
#[tokio::test]
async fn duplicates_of_a_stored_record_exclude_itself() {
    let app = people().await;
    let answer = duplicates(&app, "", json!({"ids": [PERSON_1]})).await;
    let pages = answer["data"].as_array().unwrap();
    assert_eq!(pages.len(), 1, "{answer}");
    assert_eq!(pages[0]["totalCount"], json!(1));
    assert_eq!(duplicate_ids(&pages[0]), [PERSON_2]);
}

/// "should not provide wrong duplicates".
#[tokio::test]
async fn a_record_like_no_other_has_no_duplicates() {
    let app = people().await;
    let not_existing = json!({"data": [{"name": {"firstName": "Not", "lastName": "Existing"}}]});
    let answer = duplicates(&app, "", not_existing).await;
    assert_eq!(answer["data"][0]["totalCount"], json!(0));
    assert_eq!(duplicate_ids(&answer["data"][0]), Vec::<String>::new());
}

/// "should return 400 error when empty object data provided", "should return empty result when empty ids
/// provided", "should return 400 error when ids and data are provided"; and bodies Twenty's tests do not try.
#[tokio::test]
async fn the_body_names_records_by_data_or_by_ids_not_both() {
    let app = people().await;
    let refused = app.rest_post(DUPLICATES, json!({"data": []})).await.expect(400);
    assert!(
        refused
            .to_string()
            .contains("must not be empty when no `ids` are given"),
        "{refused}"
    );
    let answer = duplicates(&app, "", json!({"ids": []})).await;
    assert_eq!(answer["data"], json!([]));
    let both = json!({"data": [], "ids": []});
    let refused = app.rest_post(DUPLICATES, both).await.expect(400);
    assert!(refused.to_string().contains("You cannot provide both"), "{refused}");
    for body in [
        json!({}),
        json!([]),
        json!({"ids": ["nope"]}),
        json!({"data": {"a": 1}}),
        json!({"data": [1]}),
    ] {
        app.rest_post(DUPLICATES, body)
            .await
            .expect_error(400, "VALIDATION_ERROR");
    }
}

/// "should support depth 0 parameter", "… depth 1 …", "… depth 2 …".
#[tokio::test]
async fn duplicates_embed_relations_by_depth() {
    let app = people().await;
    let answer = duplicates(&app, "?depth=0", john_doe()).await;
    assert_eq!(duplicate_ids(&answer["data"][0]), [PERSON_1, PERSON_2]);
    let first = &answer["data"][0]["personDuplicates"][0];
    assert_eq!(first["companyId"], json!(COMPANY));
    assert!(first.get("company").is_none(), "{first}");

    let answer = duplicates(&app, "?depth=1", john_doe()).await;
    assert_eq!(duplicate_ids(&answer["data"][0]), [PERSON_1, PERSON_2]);
    let first = &answer["data"][0]["personDuplicates"][0];
    assert_eq!(first["company"]["id"], json!(COMPANY));
    assert!(first["company"].get("people").is_none(), "{first}");

    let answer = duplicates(&app, "?depth=2", john_doe()).await;
    let found = answer["data"][0]["personDuplicates"].as_array().unwrap();
    assert_eq!(found.len(), 2, "both John Does: {answer}");
    for person in found {
        let colleagues = person["company"]["people"].as_array().unwrap();
        assert!(colleagues.iter().any(|p| p["id"] == person["id"]), "{person}");
    }
}

/// Values shorter than three characters are no evidence (Twenty's `minLengthOfStringForDuplicateCheck`); the other
/// criteria still count. Companies match by name or by domain.
#[tokio::test]
async fn short_values_match_nothing_and_other_criteria_still_count() {
    let app = people().await;
    let companies = json!({"data": [{"name": "Ac", "domainName": "https://acme.example"}, {"name": "Ac"}]});
    let answer = app.rest_post("/rest/companies/duplicates", companies).await.expect(200);
    assert_eq!(answer["data"][0]["totalCount"], json!(1), "{answer}");
    assert_eq!(answer["data"][0]["companyDuplicates"][0]["id"], json!(COMPANY));
    assert_eq!(answer["data"][1]["totalCount"], json!(0), "{answer}");
}
