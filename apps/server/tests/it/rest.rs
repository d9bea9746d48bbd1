//! The REST API: the reference's requests verbatim, the query-string language, errors, and the same filters giving
//! the same ids over GraphQL and REST.

use crate::support::*;
use actix_web::http::Method;
use serde_json::{Value, json};

/// An app on a workspace with the standard objects and no records.
async fn app() -> TestApp {
    TestApp::new().await.with_workspace().await
}

async fn list(app: &TestApp, path: &str) -> Value {
    app.rest_expect(Method::GET, path, None, 200).await
}

/// `key` of every record a list request answers.
async fn listed(app: &TestApp, path: &str, key: &str) -> Vec<String> {
    texts(&list(app, path).await["data"], key)
}

async fn names(app: &TestApp, path: &str) -> Vec<String> {
    listed(app, path, "name").await
}

async fn create(app: &TestApp, path: &str, body: Value) -> Value {
    app.rest_expect(Method::POST, path, Some(body), 201).await
}

/// "New Company" (Technology, 100 employees) through the reference's create request: its record.
async fn new_company(app: &TestApp) -> Value {
    let new_company = json!({"name": "New Company", "industry": "Technology", "employees": 100});
    create(app, "/rest/companies", new_company).await["data"].clone()
}

fn id_of(record: &Value) -> String {
    record["id"].as_str().unwrap().to_string()
}

/// An app whose workspace holds "New Company" (see [`new_company`]): the app and the company's id.
async fn new_company_app() -> (TestApp, String) {
    let app = app().await;
    let id = id_of(&new_company(&app).await);
    (app, id)
}

#[actix_web::test]
async fn create_answers_the_record_with_empty_composites_and_relation_ids() {
    let app = app().await;
    let record = new_company(&app).await;
    assert_eq!(
        (
            record["name"].clone(),
            record["industry"].clone(),
            record["employees"].clone()
        ),
        (json!("New Company"), json!("Technology"), json!(100))
    );
    assert!(record["createdAt"].as_str().unwrap().ends_with('Z'));
    assert_eq!(
        record["annualRecurringRevenue"],
        json!({"amountMicros": null, "currencyCode": null})
    );
    assert!(record.get("accountOwnerId").is_some(), "records carry relation ids");
}

#[actix_web::test]
async fn a_list_filters_orders_and_counts() {
    let (app, id) = new_company_app().await;
    let acme = json!({"name": "Acme Corp", "industry": "Finance", "employees": 500});
    create(&app, "/rest/companies", acme).await;
    let technology = "/rest/companies?limit=20&filter[industry][eq]=Technology&order[createdAt]=desc";
    let listed = list(&app, technology).await;
    assert_eq!(listed["data"].as_array().unwrap().len(), 1);
    assert_eq!(listed["data"][0]["id"], json!(id));
    assert_eq!(listed["meta"]["totalCount"], json!(1));
    assert_eq!(listed["meta"]["hasMore"], json!(false));
    // One record: the page starts and ends at its cursor (contract §11).
    assert!(listed["meta"]["startCursor"].is_string());
    assert_eq!(listed["meta"]["startCursor"], listed["meta"]["endCursor"]);
}

#[actix_web::test]
async fn a_record_is_read_by_id() {
    let (app, id) = new_company_app().await;
    let one = list(&app, &format!("/rest/companies/{id}")).await;
    assert_eq!(one["data"]["name"], json!("New Company"));
}

#[actix_web::test]
async fn patch_changes_the_given_fields_and_the_update_time() {
    let (app, id) = new_company_app().await;
    let changes = json!({"employees": 150, "linkedinLink": "https://linkedin.com/company/new-co"});
    let path = format!("/rest/companies/{id}");
    let patched = app.rest_patch(&path, changes).await.expect(200);
    assert_eq!(patched["data"]["employees"], json!(150));
    assert_eq!(
        patched["data"]["linkedinLink"],
        json!("https://linkedin.com/company/new-co")
    );
    assert!(patched["data"]["updatedAt"].is_string());
}

/// Jane Smith of "New Company": (the company id, her record).
async fn jane_of_new_company(app: &TestApp) -> (String, Value) {
    let id = id_of(&new_company(app).await);
    let jane =
        json!({"name": {"firstName": "Jane", "lastName": "Smith"}, "email": "jane.smith@example.com", "companyId": id});
    let person = create(app, "/rest/people", jane).await;
    (id, person["data"].clone())
}

#[actix_web::test]
async fn a_person_is_created_with_a_full_name_and_listed_by_company_id() {
    let app = app().await;
    let (id, person) = jane_of_new_company(&app).await;
    assert_eq!(person["name"], json!({"firstName": "Jane", "lastName": "Smith"}));
    let people = list(&app, &format!("/rest/people?limit=50&filter[company.id][eq]={id}")).await;
    assert_eq!(people["data"][0]["email"], json!("jane.smith@example.com"));
    assert_eq!(people["data"][0]["companyId"], json!(id));
}

#[actix_web::test]
async fn depth_one_embeds_the_related_record() {
    let app = app().await;
    let (_, person) = jane_of_new_company(&app).await;
    let deep = list(&app, &format!("/rest/people/{}?depth=1", id_of(&person))).await;
    assert_eq!(deep["data"]["company"]["name"], json!("New Company"));
}

#[actix_web::test]
async fn opportunities_are_filtered_by_stage() {
    let app = app().await;
    for opportunity in [json!({"name": "Deal", "stage": "PROPOSAL"}), json!({"name": "Other"})] {
        create(&app, "/rest/opportunities", opportunity).await;
    }
    let proposals = list(&app, "/rest/opportunities?filter[stage][eq]=PROPOSAL").await;
    assert_eq!(proposals["data"].as_array().unwrap().len(), 1);
    assert_eq!(proposals["data"][0]["name"], json!("Deal"));
}

#[actix_web::test]
async fn delete_answers_deleted_and_hides_the_record() {
    let (app, id) = new_company_app().await;
    let path = format!("/rest/companies/{id}");
    let deleted = app.rest_delete(&path).await.expect(200);
    assert_eq!(deleted, json!({"data": {"id": id, "deleted": true}}));
    assert_eq!(app.rest_get(&path).await.status, 404);
}

#[actix_web::test]
async fn delete_with_destroy_removes_a_deleted_record() {
    let (app, id) = new_company_app().await;
    app.rest_delete(&format!("/rest/companies/{id}")).await.expect(200);
    let destroy = format!("/rest/companies/{id}?destroy=true");
    let destroyed = app.rest_delete(&destroy).await.expect(200);
    assert_eq!(destroyed["data"]["deleted"], json!(true));
}

#[actix_web::test]
async fn a_delete_whose_destroy_flag_is_given_twice_with_different_values_is_refused_and_deletes_nothing() {
    let (app, id) = new_company_app().await;
    let destroy_twice = format!("/rest/companies/{id}?destroy=false&destroy=true");
    let refused = app.rest_delete(&destroy_twice).await.expect(400);
    assert_eq!(refused["error"]["code"], json!("VALIDATION_ERROR"), "{refused}");
    assert_eq!(app.rest_get(&format!("/rest/companies/{id}")).await.status, 200);
}

/// The custom object `property` with a TEXT field `address`, created through the metadata API.
async fn properties(app: &TestApp) {
    let object = app
        .metadata_query("mutation { createOneObject(data: {nameSingular: \"property\", namePlural: \"properties\", labelSingular: \"Property\", labelPlural: \"Properties\"}) { id } }").await;
    app.metadata_query_with(
        "mutation($id: ID!) { createOneField(data: {objectMetadataId: $id, name: \"address\", label: \"Address\", type: TEXT}) { id } }",
        json!({"id": object["createOneObject"]["id"]}),
    )
    .await;
}

#[actix_web::test]
async fn a_custom_object_is_served_at_once() {
    let app = app().await;
    properties(&app).await;
    let property = create(&app, "/rest/properties", json!({"address": "1 Elm St"})).await;
    let property_id = id_of(&property["data"]);
    let listed = list(&app, "/rest/properties?limit=10").await;
    assert_eq!(listed["data"][0]["address"], json!("1 Elm St"));
    let path = format!("/rest/properties/{property_id}");
    app.rest_patch(&path, json!({"address": "2 Oak Ave"})).await.expect(200);
    app.rest_delete(&path).await.expect(200);
    assert_eq!(
        list(&app, "/rest/properties?limit=10").await["meta"]["totalCount"],
        json!(0)
    );
}

#[actix_web::test]
async fn the_open_api_document_takes_the_token_in_the_query_string_and_lists_every_object() {
    let app = app().await;
    properties(&app).await;
    // As the reference shows it.
    let document = app
        .get(&format!("/rest/open-api/core?token={}", app.token), None)
        .await
        .expect(200);
    assert_eq!(document["openapi"], json!("3.0.3"));
    assert_eq!(document["servers"], json!([{"url": "/rest"}]));
    assert!(document["paths"]["/properties"]["get"].is_object());
    assert!(document["paths"]["/companies/{id}"]["patch"].is_object());
    assert!(document["components"]["schemas"]["Error"].is_object());
}

/// Companies "Acme 00".."Acme 44" in one batch: industries cycling Technology, Finance, Retail; ten employees per
/// index.
async fn forty_five_companies(app: &TestApp) {
    let batch: Vec<Value> = (0..45)
        .map(|i| {
            let industry = ["Technology", "Finance", "Retail"][i % 3];
            json!({"name": format!("Acme {i:02}"), "industry": industry, "employees": i * 10})
        })
        .collect();
    let created = create(app, "/rest/batch/companies", Value::Array(batch)).await;
    assert_eq!(created["data"].as_array().unwrap().len(), 45);
}

#[actix_web::test]
async fn offset_paging_walks_forty_five_companies_in_pages_of_twenty() {
    let app = TestApp::new()
        .await
        .with_prepared_workspace(forty_five_companies)
        .await
        .0;
    let mut seen = Vec::new();
    for offset in [0, 20, 40] {
        let page = list(&app, &format!("/rest/companies?limit=20&offset={offset}")).await;
        assert_eq!(page["meta"]["totalCount"], json!(45));
        assert_eq!(page["meta"]["hasMore"], json!(offset < 40));
        seen.extend(texts(&page["data"], "name"));
    }
    assert_eq!(seen, (0..45).map(|i| format!("Acme {i:02}")).collect::<Vec<_>>());
}

#[actix_web::test]
async fn the_reference_filters_select_the_matching_companies() {
    let app = TestApp::new()
        .await
        .with_prepared_workspace(forty_five_companies)
        .await
        .0;
    for (query, count) in [
        ("filter[industry][eq]=Technology", 15),
        ("filter[employees][gt]=100", 34),
        ("filter[industry][in]=Technology,Finance", 30),
        ("filter[name][like]=%Acme%", 45),
        ("filter[industry][eq]=Technology&filter[employees][gte]=100", 11),
    ] {
        let found = names(&app, &format!("/rest/companies?{query}&limit=200")).await;
        assert_eq!(found.len(), count, "{query}");
    }
}

#[actix_web::test]
async fn orders_apply_in_the_order_given() {
    let app = TestApp::new()
        .await
        .with_prepared_workspace(forty_five_companies)
        .await
        .0;
    let sorted = names(&app, "/rest/companies?order[createdAt]=desc&order[name]=asc&limit=3").await;
    assert_eq!(
        sorted,
        ["Acme 00", "Acme 01", "Acme 02"],
        "one batch: equal createdAt, then name"
    );
    let by_employees = names(&app, "/rest/companies?order[employees]=desc&limit=2").await;
    assert_eq!(by_employees, ["Acme 44", "Acme 43"]);
}

const AWKWARD: [&str; 6] = ["a,b", "50% off", "say \"hi\"", "[brackets]", "ünïcödé ✓", "plain"];

/// One company per awkward name, `employees` its index, a `domainName` on every other one.
async fn awkward_companies(app: &TestApp) {
    for (i, v) in AWKWARD.iter().enumerate() {
        let domain = if i % 2 == 0 { Value::Null } else { json!("x.com") };
        let company = json!({"name": v, "employees": i, "domainName": domain});
        create(app, "/rest/companies", company).await;
    }
}

#[actix_web::test]
async fn eq_and_in_match_awkward_values_exactly() {
    let app = TestApp::new().await.with_prepared_workspace(awkward_companies).await.0;
    for v in AWKWARD {
        let found = names(&app, &format!("/rest/companies?filter[name][eq]={}", encode(v))).await;
        assert_eq!(found, [v], "eq {v}");
    }
    let listed = format!("/rest/companies?filter[name][in]={}", encode("\"a,b\",plain"));
    assert_eq!(names(&app, &listed).await, ["a,b", "plain"]);
}

#[actix_web::test]
async fn every_operator_filters_over_the_query_string() {
    let app = TestApp::new().await.with_prepared_workspace(awkward_companies).await.0;
    // (field, operator, value as sent, how many companies match)
    for (field, operator, value, count) in [
        ("name", "startsWith", "%5Bbr", 1),
        ("name", "ilike", "%25%C3%9CN%25", 1),
        ("employees", "neq", "0", 5),
        ("employees", "gte", "4", 2),
        ("employees", "lt", "1", 1),
        ("employees", "lte", "1", 2),
        ("domainName", "is", "NULL", 3),
        ("domainName", "is", "NOT_NULL", 3),
        ("idealCustomerProfile", "eq", "false", 6),
        ("annualRecurringRevenue.amountMicros", "is", "NULL", 6),
        ("createdAt", "lte", "2999-01-01T00:00:00Z", 6),
    ] {
        let filter = format!("filter[{field}][{operator}]={value}");
        let found = names(&app, &format!("/rest/companies?{filter}")).await;
        assert_eq!(found.len(), count, "{filter}");
    }
}

/// A request that must fail with 400 `VALIDATION_ERROR`: the response.
async fn invalid(app: &TestApp, method: Method, path: &str, body: Option<Value>) -> Response {
    let res = app.rest(method, path, body).await;
    assert_eq!(res.status, 400, "{path}: {}", res.body);
    res
}

#[actix_web::test]
async fn a_bad_limit_is_reported_alone() {
    let app = app().await;
    let all_bad = "/rest/companies?filter[nope][eq]=1&filter[employees][like]=x&filter[employees][gt]=many&limit=x";
    let bad = invalid(&app, Method::GET, all_bad, None).await;
    assert_eq!(bad.error_code(), "VALIDATION_ERROR");
    assert_eq!(bad.error_fields(), ["limit"]);
}

#[actix_web::test]
async fn unknown_fields_unknown_operators_and_bad_values_are_all_reported() {
    let app = app().await;
    let bad_filters = "/rest/companies?filter[nope][eq]=1&filter[employees][like]=x&filter[employees][gt]=many";
    let bad = invalid(&app, Method::GET, bad_filters, None).await;
    let fields = bad.error_fields();
    assert_eq!(fields.len(), 3, "{}", bad.body);
    assert!(
        fields.iter().any(|f| f.contains("nope"))
            && fields.iter().any(|f| f.contains("like"))
            && fields.iter().any(|f| f.contains("gt"))
    );
}

#[actix_web::test]
async fn an_unknown_order_direction_is_a_validation_error() {
    let app = app().await;
    let bad = invalid(&app, Method::GET, "/rest/companies?order[employees]=sideways", None).await;
    assert_eq!(bad.error_code(), "VALIDATION_ERROR");
}

#[actix_web::test]
async fn a_filter_without_an_operator_is_a_validation_error() {
    let app = app().await;
    let bad = invalid(&app, Method::GET, "/rest/companies?filter[name]=x", None).await;
    assert_eq!(bad.error_code(), "VALIDATION_ERROR");
}

#[actix_web::test]
async fn a_malformed_id_is_reported_on_the_id() {
    let app = app().await;
    let bad = invalid(&app, Method::GET, "/rest/companies/not-a-uuid", None).await;
    assert_eq!(bad.error_fields()[0], "id");
}

#[actix_web::test]
async fn an_unknown_object_is_not_found() {
    let app = app().await;
    let res = app.rest_get("/rest/unicorns").await;
    assert_eq!(res.status, 404);
    assert_eq!(res.error_code(), "NOT_FOUND");
}

#[actix_web::test]
async fn a_missing_record_is_a_404() {
    let app = app().await;
    let missing = "/rest/companies/6f9619ff-8b86-4d01-b42d-00c04fc964ff";
    let res = app.rest_get(missing).await;
    assert_eq!(res.expect(404)["error"]["statusCode"], json!(404));
}

#[actix_web::test]
async fn every_invalid_field_of_a_record_is_reported() {
    let app = app().await;
    let body = json!({"email": "nope", "linkedinLink": "x", "unknown": 1});
    let res = invalid(&app, Method::POST, "/rest/people", Some(body)).await;
    assert_eq!(res.error_fields().len(), 3);
}

#[actix_web::test]
async fn a_body_that_is_not_one_record_is_a_400() {
    let app = app().await;
    invalid(&app, Method::POST, "/rest/companies", Some(json!([1]))).await;
    let raw = app.post_raw("/rest/companies", Some(&app.token), "{not json").await;
    assert_eq!(raw.status, 400);
}

#[actix_web::test]
async fn a_batch_takes_an_array() {
    let app = app().await;
    invalid(&app, Method::POST, "/rest/batch/companies", Some(json!({"name": "x"}))).await;
}

#[actix_web::test]
async fn a_batch_with_one_invalid_record_writes_nothing() {
    let app = app().await;
    let batch = json!([{"name": "fine"}, {"linkedinLink": "bad"}]);
    let atomic = invalid(&app, Method::POST, "/rest/batch/companies", Some(batch)).await;
    assert_eq!(atomic.error_fields(), ["[1].linkedinLink"]);
    assert_eq!(names(&app, "/rest/companies?filter[name][eq]=fine").await.len(), 0);
}

/// Twelve companies c0..c11 over two industries and two currencies, and two people, one at c0: c0's id.
async fn twelve_companies(app: &TestApp) -> String {
    let companies: Vec<Value> = (0..12)
        .map(|i| json!({"name": format!("c{i}"), "employees": i * 7, "industry": if i % 2 == 0 { "Tech" } else { "Bank" },
                        "annualRecurringRevenue": {"amountMicros": i * 1_000_000, "currencyCode": if i % 3 == 0 { "EUR" } else { "USD" }}}))
        .collect();
    let created = create(app, "/rest/batch/companies", Value::Array(companies)).await;
    let first = id_of(&created["data"][0]);
    let people = json!([{"city": "Paris", "companyId": first}, {"city": "Rome"}]);
    create(app, "/rest/batch/people", people).await;
    first
}

/// The [`twelve_companies`] workspace the reading tests share, and c0's id.
async fn twelve_companies_app() -> (TestApp, String) {
    let app = app().await;
    let first = twelve_companies(&app).await;
    (app, first)
}

#[actix_web::test]
async fn the_same_filter_gives_the_same_ids_over_graphql_and_rest() {
    let (app, _) = twelve_companies_app().await;
    let cases = [
        (
            "filter[industry][eq]=Tech&filter[employees][gte]=14",
            json!({"and": [{"industry": {"eq": "Tech"}}, {"employees": {"gte": 14}}]}),
        ),
        (
            "filter[annualRecurringRevenue.currencyCode][eq]=EUR",
            json!({"annualRecurringRevenue": {"currencyCode": {"eq": "EUR"}}}),
        ),
        (
            "filter[name][in]=c1,c3,c11",
            json!({"name": {"in": ["c1", "c3", "c11"]}}),
        ),
        (
            "filter[employees][lt]=30&filter[name][like]=c%",
            json!({"employees": {"lt": 30}, "name": {"like": "c%"}}),
        ),
        (
            "filter[annualRecurringRevenue.amountMicros][gt]=5000000",
            json!({"annualRecurringRevenue": {"amountMicros": {"gt": 5000000}}}),
        ),
    ];
    let filtered = "query($f: CompanyFilterInput) { companies(filter: $f, first: 200) { edges { node { id } } } }";
    for (query, filter) in cases {
        let rest = listed(&app, &format!("/rest/companies?{query}&limit=200"), "id").await;
        let graphql = app.query_with(filtered, json!({"f": filter})).await;
        assert!(!rest.is_empty(), "{query} matches something");
        assert_eq!(rest, node_texts(&graphql["companies"], "id"), "{query}");
    }
}

#[actix_web::test]
async fn a_relation_filter_gives_the_same_ids_over_graphql_and_rest() {
    let (app, first) = twelve_companies_app().await;
    let rest = listed(&app, &format!("/rest/people?filter[company.id][eq]={first}"), "id").await;
    let of_company = "query($id: ID) { people(filter: {companyId: {eq: $id}}) { edges { node { id } } } }";
    let graphql = app.query_with(of_company, json!({"id": first})).await;
    assert_eq!(rest, node_texts(&graphql["people"], "id"));
    assert_eq!(rest.len(), 1);
}
