//! Every document of the reference's GraphQL Core API, Pagination and Filtering & Sorting sections, run verbatim
//! (ids substituted).

use super::{app, document, id_at, total_companies, until_valid};
use crate::support::{TestApp, node_texts};
use serde_json::{Value, json};
use twenty_domain::blueprint::{FieldBlueprint as F, ObjectBlueprint};
use twenty_domain::field_type::FieldType;
use twenty_domain::services::MetadataService;

/// The ids of the records the reference's create documents make.
struct Crm {
    company: String,
}

async fn create_company(app: &TestApp) -> Value {
    app.query_with(
        document!("CreateCompany"),
        json!({"input": {"name": "Acme Corporation", "domainName": "acme.com", "industry": "Technology", "employees": 500,
                         "address": "123 Main St, San Francisco, CA", "idealCustomerProfile": true}}),
    ).await
}

async fn update_company(app: &TestApp, id: &str) -> Value {
    app.query_with(
        document!("UpdateCompany"),
        json!({"id": id, "input": {"employees": 600, "linkedinLink": "https://linkedin.com/company/acme"}}),
    )
    .await
}

async fn create_person(app: &TestApp, company: &str) -> Value {
    app.query_with(
        document!("CreatePerson"),
        json!({"input": {"name": {"firstName": "John", "lastName": "Doe"}, "email": "john.doe@example.com",
                         "phone": "+1-555-0123", "jobTitle": "CTO", "companyId": company, "city": "San Francisco"}}),
    )
    .await
}

async fn create_opportunity(app: &TestApp, company: &str, person: &str) -> Value {
    app.query_with(
        document!("CreateOpportunity"),
        json!({"input": {"name": "Enterprise License", "amount": {"amountMicros": 50000000000i64, "currencyCode": "USD"},
                         "stage": "QUALIFICATION", "probability": 25, "closeDate": "2024-12-31",
                         "companyId": company, "pointOfContactId": person}}),
    ).await
}

async fn create_task(app: &TestApp) -> Value {
    app.query_with(
        document!("CreateTask"),
        json!({"input": {"title": "Call John", "body": "About the license", "status": "IN_PROGRESS", "dueAt": "2024-12-01T10:00:00Z"}}),
    ).await
}

/// The company (updated), its person, their opportunity and a task, all through the reference's documents.
async fn crm(app: &TestApp) -> Crm {
    let company = id_at(&create_company(app).await, "/createCompany/id");
    update_company(app, &company).await;
    let person = id_at(&create_person(app, &company).await, "/createPerson/id");
    create_opportunity(app, &company, &person).await;
    create_task(app).await;
    Crm { company }
}

/// An app on a [`crm`] workspace.
async fn crm_app() -> (TestApp, Crm) {
    TestApp::new().await.with_prepared_workspace(crm).await
}

#[actix_web::test]
async fn create_company_answers_the_new_record() {
    let app = app().await;
    let created = create_company(&app).await;
    let company = &created["createCompany"];
    assert_eq!(company["name"], json!("Acme Corporation"));
    assert_eq!(company["domainName"], json!("acme.com"));
    assert_eq!(company["industry"], json!("Technology"));
    assert!(company["createdAt"].as_str().unwrap().ends_with('Z'));
}

#[actix_web::test]
async fn update_company_changes_the_given_fields_and_keeps_the_others() {
    let app = app().await;
    let id = id_at(&create_company(&app).await, "/createCompany/id");
    let updated = update_company(&app, &id).await;
    assert_eq!(updated["updateCompany"]["employees"], json!(600));
    assert_eq!(updated["updateCompany"]["name"], json!("Acme Corporation"));
}

#[actix_web::test]
async fn create_person_answers_the_new_record() {
    let app = app().await;
    let company = id_at(&create_company(&app).await, "/createCompany/id");
    let created = create_person(&app, &company).await;
    let person = &created["createPerson"];
    assert_eq!(person["name"], json!({"firstName": "John", "lastName": "Doe"}));
    assert_eq!(person["email"], json!("john.doe@example.com"));
    assert_eq!(person["phone"], json!("+1-555-0123"));
}

#[actix_web::test]
async fn create_opportunity_answers_its_amount_stage_and_probability() {
    let app = app().await;
    let company = id_at(&create_company(&app).await, "/createCompany/id");
    let person = id_at(&create_person(&app, &company).await, "/createPerson/id");
    let opportunity = create_opportunity(&app, &company, &person).await;
    assert_eq!(
        opportunity["createOpportunity"]["amount"],
        json!({"amountMicros": 50000000000i64, "currencyCode": "USD"})
    );
    assert_eq!(opportunity["createOpportunity"]["stage"], json!("QUALIFICATION"));
    assert_eq!(opportunity["createOpportunity"]["probability"], json!(25));
}

#[actix_web::test]
async fn create_task_answers_its_status_and_due_date_in_milliseconds() {
    let app = app().await;
    let task = create_task(&app).await;
    assert_eq!(task["createTask"]["status"], json!("IN_PROGRESS"));
    assert_eq!(task["createTask"]["dueAt"], json!("2024-12-01T10:00:00.000Z"));
}

#[actix_web::test]
async fn get_companies_answers_the_filtered_connection_with_nested_people_and_opportunities() {
    let (app, crm) = crm_app().await;
    let variables = json!({"filter": {"industry": {"eq": "Technology"}, "employees": {"gte": 100}},
                           "orderBy": [{"createdAt": "DescNullsLast"}], "limit": 20});
    let companies = app.query_with(document!("GetCompanies"), variables).await;
    let connection = &companies["companies"];
    assert_eq!(connection["totalCount"], json!(1));
    assert_eq!(connection["pageInfo"]["hasNextPage"], json!(false));
    assert_eq!(connection["pageInfo"]["hasPreviousPage"], json!(false));
    let node = &connection["edges"][0]["node"];
    assert_eq!(connection["edges"][0]["cursor"], connection["pageInfo"]["startCursor"]);
    assert_eq!(node["id"], json!(crm.company));
    assert_eq!(node["employees"], json!(600));
    assert_eq!(node["linkedinLink"], json!("https://linkedin.com/company/acme"));
    assert_eq!(node["idealCustomerProfile"], json!(true));
    assert_eq!(
        node["annualRecurringRevenue"],
        json!({"amountMicros": null, "currencyCode": null})
    );
    assert_eq!(node["people"]["edges"][0]["node"]["name"]["firstName"], json!("John"));
    assert_eq!(node["people"]["edges"][0]["node"]["phone"], json!("+1-555-0123"));
    let deal = &node["opportunities"]["edges"][0]["node"];
    assert_eq!(deal["name"], json!("Enterprise License"));
    assert_eq!(deal["closeDate"], json!("2024-12-31"));
    assert_eq!(deal["stage"], json!("QUALIFICATION"));
    // Field order follows the document.
    let keys: Vec<&String> = node.as_object().unwrap().keys().collect();
    assert_eq!(keys[..3], ["id", "name", "domainName"]);
}

#[actix_web::test]
async fn get_people_answers_each_person_with_company_and_opportunities() {
    let (app, crm) = crm_app().await;
    let people = app.query_with(document!("GetPeople"), json!({"limit": 10})).await;
    let person = &people["people"]["edges"][0]["node"];
    assert_eq!(
        person["company"],
        json!({"id": crm.company, "name": "Acme Corporation"})
    );
    assert_eq!(
        person["opportunities"]["edges"][0]["node"]["name"],
        json!("Enterprise License")
    );
    assert_eq!(people["people"]["pageInfo"]["hasNextPage"], json!(false));
}

#[actix_web::test]
async fn get_opportunities_answers_each_deal_with_company_and_point_of_contact() {
    let (app, _) = crm_app().await;
    let opportunities = app.query(document!("GetOpportunities")).await;
    let deal = &opportunities["opportunities"]["edges"][0]["node"];
    assert_eq!(deal["company"]["name"], json!("Acme Corporation"));
    assert_eq!(deal["pointOfContact"]["name"]["lastName"], json!("Doe"));
    assert_eq!(deal["probability"], json!(25));
}

#[actix_web::test]
async fn get_tasks_filters_by_status() {
    let (app, _) = crm_app().await;
    let variables = json!({"filter": {"status": {"eq": "IN_PROGRESS"}}});
    let tasks = app.query_with(document!("GetTasks"), variables).await;
    assert_eq!(tasks["tasks"]["edges"][0]["node"]["title"], json!("Call John"));
    assert_eq!(tasks["tasks"]["edges"][0]["node"]["assignee"], Value::Null);
}

#[actix_web::test]
async fn get_notes_answers_notes_with_their_position() {
    let app = app().await;
    app.query("mutation { createNote(data: {title: \"Kickoff\", body: \"Notes\"}) { id } }")
        .await;
    let notes = app.query(document!("GetNotes")).await;
    assert_eq!(notes["notes"]["edges"][0]["node"]["title"], json!("Kickoff"));
    assert!(notes["notes"]["edges"][0]["node"]["position"].is_number());
}

/// Globex and Initech through the reference's batch create; their ids.
async fn globex_and_initech(app: &TestApp) -> Vec<String> {
    let batch = app
        .query_with(
            document!("BatchCreateCompanies"),
            json!({"inputs": [{"name": "Globex"}, {"name": "Initech"}]}),
        )
        .await;
    let batch = batch["createCompanies"].as_array().unwrap();
    assert_eq!(
        batch.iter().map(|c| c["name"].as_str().unwrap()).collect::<Vec<_>>(),
        ["Globex", "Initech"]
    );
    batch.iter().map(|c| c["id"].as_str().unwrap().to_string()).collect()
}

#[actix_web::test]
async fn batch_create_companies_answers_the_records_in_input_order() {
    let app = app().await;
    assert_eq!(globex_and_initech(&app).await.len(), 2);
}

#[actix_web::test]
async fn batch_update_companies_answers_every_updated_record() {
    let app = app().await;
    let ids = globex_and_initech(&app).await;
    let variables = json!({"ids": ids, "input": {"employees": 42}});
    let updated = app.query_with(document!("BatchUpdateCompanies"), variables).await;
    assert_eq!(updated["updateCompanies"].as_array().unwrap().len(), 2);
}

#[actix_web::test]
async fn batch_delete_companies_answers_the_deleted_ids() {
    let app = app().await;
    let ids = globex_and_initech(&app).await;
    let deleted = app
        .query_with(document!("BatchDeleteCompanies"), json!({"ids": ids}))
        .await;
    assert_eq!(deleted["deleteCompanies"], json!([{"id": ids[0]}, {"id": ids[1]}]));
}

#[actix_web::test]
async fn delete_company_answers_its_id_and_removes_it_from_lists() {
    let app = app().await;
    let crm = crm(&app).await;
    let deleted = app
        .query_with(document!("DeleteCompany"), json!({"id": crm.company}))
        .await;
    assert_eq!(deleted["deleteCompany"], json!({"id": crm.company}));
    assert_eq!(total_companies(&app).await, json!(0));
}

#[actix_web::test]
async fn introspection_describes_company_and_its_currency_field() {
    let app = app().await;
    let schema = app.query(document!("IntrospectSchema")).await;
    let types = schema["__schema"]["types"].as_array().unwrap();
    let company_type = types.iter().find(|t| t["name"] == json!("Company")).unwrap();
    assert_eq!(company_type["kind"], json!("OBJECT"));
    let fields = company_type["fields"].as_array().unwrap();
    assert!(
        fields
            .iter()
            .any(|f| f["name"] == json!("annualRecurringRevenue") && f["type"]["name"] == json!("Currency"))
    );
}

#[actix_web::test]
async fn get_properties_serves_a_custom_object_created_through_the_domain_without_a_restart() {
    let app = app().await;
    // `property`, created through the domain's metadata service behind the app's back.
    let metadata = MetadataService::new(app.db.store());
    let property = metadata
        .create_object(
            &app.db.metadata(app.workspace).await,
            &ObjectBlueprint::custom("property", "properties", "Property", "Properties"),
        )
        .await
        .unwrap();
    for field in [
        F::new("address", "Address", FieldType::Text),
        F::new("price", "Price", FieldType::Currency),
        F::new("bedrooms", "Bedrooms", FieldType::Number).integer(),
        F::new("bathrooms", "Bathrooms", FieldType::Number),
        F::new("squareFeet", "Square feet", FieldType::Number).integer(),
        F::new("status", "Status", FieldType::Select).options(&[("FOR_SALE", "For sale"), ("SOLD", "Sold")]),
        F::new("parkingSpaces", "Parking spaces", FieldType::Number).integer(),
        F::new("hasGarage", "Garage", FieldType::Boolean).default_value(json!(false)),
        F::new("yearBuilt", "Year built", FieldType::Number).integer(),
    ] {
        let meta = app.db.metadata(app.workspace).await;
        metadata.create_field(&meta, property.id, &field).await.unwrap();
    }
    until_valid(&app, "{ properties { edges { node { yearBuilt } } } }").await;
    app.query_with(
        "mutation($d: PropertyCreateInput!) { createProperty(data: $d) { id } }",
        json!({"d": {"address": "1 Elm St", "price": {"amountMicros": 750000000000i64, "currencyCode": "USD"}, "bedrooms": 3,
                     "bathrooms": 2.5, "squareFeet": 1800, "status": "FOR_SALE", "parkingSpaces": 2, "yearBuilt": 1998}}),
    )
    .await;
    let properties = app
        .query_with(
            document!("GetProperties"),
            json!({"filter": {"status": {"eq": "FOR_SALE"}}}),
        )
        .await;
    let node = &properties["properties"]["edges"][0]["node"];
    assert_eq!(
        node,
        &json!({"id": node["id"], "address": "1 Elm St",
               "price": {"amountMicros": 750000000000i64, "currencyCode": "USD"}, "bedrooms": 3, "bathrooms": 2.5,
               "squareFeet": 1800, "status": "FOR_SALE", "parkingSpaces": 2, "hasGarage": false, "yearBuilt": 1998})
    );
}

/// 45 companies `c00`..`c44` in one batch: every third in Technology, ten employees per index, and `c03` with a
/// large ARR.
async fn forty_five_companies(app: &TestApp) {
    let inputs: Vec<Value> = (0..45)
        .map(|i| {
            json!({"name": format!("c{i:02}"), "industry": if i % 3 == 0 { "Technology" } else { "Finance" },
                   "employees": i * 10,
                   "annualRecurringRevenue": {"amountMicros": if i == 3 { 2_000_000_000_000i64 } else { 1_000_000 }, "currencyCode": "USD"}})
        })
        .collect();
    app.query_with(
        "mutation($d: [CompanyCreateInput!]!) { createCompanies(data: $d) { id } }",
        json!({"d": inputs}),
    )
    .await;
}

/// The [`forty_five_companies`] workspace the reading tests share.
async fn forty_five_companies_app() -> TestApp {
    TestApp::new()
        .await
        .with_prepared_workspace(forty_five_companies)
        .await
        .0
}

#[actix_web::test]
async fn get_companies_page_walks_forty_five_companies_in_three_pages_of_twenty() {
    let app = forty_five_companies_app().await;
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    let mut pages = 0;
    loop {
        let variables = match &after {
            Some(cursor) => json!({"after": cursor, "limit": 20}),
            None => json!({"limit": 20}),
        };
        let page = app.query_with(document!("GetCompaniesPage"), variables).await;
        let connection = &page["companies"];
        assert_eq!(connection["totalCount"], json!(45));
        assert_eq!(connection["pageInfo"]["hasPreviousPage"], json!(after.is_some()));
        seen.extend(node_texts(connection, "name"));
        pages += 1;
        if connection["pageInfo"]["hasNextPage"] != json!(true) {
            break;
        }
        after = connection["pageInfo"]["endCursor"].as_str().map(str::to_string);
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, (0..45).map(|i| format!("c{i:02}")).collect::<Vec<_>>());
}

#[actix_web::test]
async fn get_companies_filtered_combines_and_and_or() {
    let app = forty_five_companies_app().await;
    // Technology (i % 3 == 0) and (employees >= 100 or ARR >= 1e12): i in {0, 3(ARR), 12, 15, ...}.
    let filtered = app.query(document!("GetCompaniesFiltered")).await;
    let expected: Vec<String> = (0..45)
        .filter(|i| i % 3 == 0 && (i * 10 >= 100 || *i == 3))
        .map(|i| format!("c{i:02}"))
        .collect();
    assert_eq!(node_texts(&filtered["companies"], "name"), expected);
}

#[actix_web::test]
async fn get_companies_sorted_breaks_equal_creation_times_by_name() {
    let app = forty_five_companies_app().await;
    let sorted = app.query(document!("GetCompaniesSorted")).await;
    let edges = sorted["companies"]["edges"].as_array().unwrap();
    // One batch: equal createdAt, so name ascending decides.
    assert_eq!(edges[0]["node"]["name"], json!("c00"));
    assert_eq!(edges[1]["node"]["name"], json!("c01"));
    assert!(edges[0]["node"]["createdAt"].is_string());
}
