//! The GraphQL core API over real HTTP: every document of the reference's GraphQL Core API, Pagination and
//! Filtering & Sorting sections runs verbatim (ids substituted), plus errors, limits and the record lifecycle.

use crate::support::*;
use serde_json::{Value, json};
use twenty_domain::blueprint::{FieldBlueprint as F, ObjectBlueprint};
use twenty_domain::field_type::FieldType;
use twenty_domain::ports::WorkspaceStore;
use twenty_domain::services::MetadataService;

macro_rules! doc {
    ($name:literal) => {
        include_str!(concat!("reference/core/", $name, ".graphql"))
    };
}

pub fn gql(server: &Server, token: &str, query: &str, variables: Value) -> Value {
    let body = json!({"query": query, "variables": variables});
    let auth = format!("Bearer {token}");
    let res = request(
        server.port,
        "POST",
        "/graphql",
        &[("Authorization", &auth)],
        Some(&body.to_string()),
    );
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()
}

/// The `data` of a response that must have no errors.
pub fn ok(response: Value) -> Value {
    assert!(response.get("errors").is_none(), "unexpected errors: {response:#}");
    response["data"].clone()
}

fn first_error(response: &Value) -> &Value {
    &response["errors"][0]
}

struct Session {
    server: Server,
    token: String,
    workspace: uuid::Uuid,
}

async fn session() -> Session {
    let server = Server::start(&[]).await;
    let signed_up = server.sign_up("ada@example.com");
    let token = signed_up["accessToken"].as_str().unwrap().to_string();
    let workspace = signed_up["workspaceId"].as_str().unwrap().parse().unwrap();
    Session {
        server,
        token,
        workspace,
    }
}

impl Session {
    fn run(&self, query: &str, variables: Value) -> Value {
        gql(&self.server, &self.token, query, variables)
    }

    fn ok(&self, query: &str, variables: Value) -> Value {
        ok(self.run(query, variables))
    }

    /// Waits (at most the contract's second) until the server knows of a data-model change made behind its back
    /// through the domain: it hears of it through a notification.
    fn until_valid(&self, query: &str) {
        let started = std::time::Instant::now();
        while self.run(query, json!({})).get("errors").is_some() {
            assert!(
                started.elapsed() < std::time::Duration::from_secs(1),
                "not seen within a second: {query}"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
}

#[tokio::test]
async fn reference_core_documents_run_verbatim() {
    let s = session().await;
    let created = s.ok(
        doc!("CreateCompany"),
        json!({"input": {"name": "Acme Corporation", "domainName": "acme.com", "industry": "Technology", "employees": 500,
                         "address": "123 Main St, San Francisco, CA", "idealCustomerProfile": true}}),
    );
    let company = &created["createCompany"];
    assert_eq!(company["name"], json!("Acme Corporation"));
    assert_eq!(company["domainName"], json!("acme.com"));
    assert_eq!(company["industry"], json!("Technology"));
    assert!(company["createdAt"].as_str().unwrap().ends_with('Z'));
    let company_id = company["id"].as_str().unwrap().to_string();

    let updated = s.ok(
        doc!("UpdateCompany"),
        json!({"id": company_id, "input": {"employees": 600, "linkedinLink": "https://linkedin.com/company/acme"}}),
    );
    assert_eq!(updated["updateCompany"]["employees"], json!(600));
    assert_eq!(updated["updateCompany"]["name"], json!("Acme Corporation"));

    let person = s.ok(
        doc!("CreatePerson"),
        json!({"input": {"name": {"firstName": "John", "lastName": "Doe"}, "email": "john.doe@example.com",
                         "phone": "+1-555-0123", "jobTitle": "CTO", "companyId": company_id, "city": "San Francisco"}}),
    );
    let person = &person["createPerson"];
    assert_eq!(person["name"], json!({"firstName": "John", "lastName": "Doe"}));
    assert_eq!(person["email"], json!("john.doe@example.com"));
    assert_eq!(person["phone"], json!("+1-555-0123"));
    let person_id = person["id"].as_str().unwrap().to_string();

    let opportunity = s.ok(
        doc!("CreateOpportunity"),
        json!({"input": {"name": "Enterprise License", "amount": {"amountMicros": 50000000000i64, "currencyCode": "USD"},
                         "stage": "QUALIFICATION", "probability": 25, "closeDate": "2024-12-31",
                         "companyId": company_id, "pointOfContactId": person_id}}),
    );
    assert_eq!(
        opportunity["createOpportunity"]["amount"],
        json!({"amountMicros": 50000000000i64, "currencyCode": "USD"})
    );
    assert_eq!(opportunity["createOpportunity"]["stage"], json!("QUALIFICATION"));
    assert_eq!(opportunity["createOpportunity"]["probability"], json!(25));

    let task = s.ok(
        doc!("CreateTask"),
        json!({"input": {"title": "Call John", "body": "About the license", "status": "IN_PROGRESS", "dueAt": "2024-12-01T10:00:00Z"}}),
    );
    assert_eq!(task["createTask"]["status"], json!("IN_PROGRESS"));
    assert_eq!(task["createTask"]["dueAt"], json!("2024-12-01T10:00:00.000Z"));

    let companies = s.ok(
        doc!("GetCompanies"),
        json!({"filter": {"industry": {"eq": "Technology"}, "employees": {"gte": 100}},
               "orderBy": [{"createdAt": "DescNullsLast"}], "limit": 20}),
    );
    let connection = &companies["companies"];
    assert_eq!(connection["totalCount"], json!(1));
    assert_eq!(connection["pageInfo"]["hasNextPage"], json!(false));
    assert_eq!(connection["pageInfo"]["hasPreviousPage"], json!(false));
    let node = &connection["edges"][0]["node"];
    assert_eq!(connection["edges"][0]["cursor"], connection["pageInfo"]["startCursor"]);
    assert_eq!(node["id"], json!(company_id));
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

    let people = s.ok(doc!("GetPeople"), json!({"limit": 10}));
    let person = &people["people"]["edges"][0]["node"];
    assert_eq!(person["company"], json!({"id": company_id, "name": "Acme Corporation"}));
    assert_eq!(
        person["opportunities"]["edges"][0]["node"]["name"],
        json!("Enterprise License")
    );
    assert_eq!(people["people"]["pageInfo"]["hasNextPage"], json!(false));

    let opportunities = s.ok(doc!("GetOpportunities"), json!({}));
    let deal = &opportunities["opportunities"]["edges"][0]["node"];
    assert_eq!(deal["company"]["name"], json!("Acme Corporation"));
    assert_eq!(deal["pointOfContact"]["name"]["lastName"], json!("Doe"));
    assert_eq!(deal["probability"], json!(25));

    let tasks = s.ok(doc!("GetTasks"), json!({"filter": {"status": {"eq": "IN_PROGRESS"}}}));
    assert_eq!(tasks["tasks"]["edges"][0]["node"]["title"], json!("Call John"));
    assert_eq!(tasks["tasks"]["edges"][0]["node"]["assignee"], Value::Null);

    s.ok(
        "mutation { createNote(data: {title: \"Kickoff\", body: \"Notes\"}) { id } }",
        json!({}),
    );
    let notes = s.ok(doc!("GetNotes"), json!({}));
    assert_eq!(notes["notes"]["edges"][0]["node"]["title"], json!("Kickoff"));
    assert!(notes["notes"]["edges"][0]["node"]["position"].is_number());

    let batch = s.ok(
        doc!("BatchCreateCompanies"),
        json!({"inputs": [{"name": "Globex"}, {"name": "Initech"}]}),
    );
    let batch = batch["createCompanies"].as_array().unwrap().clone();
    assert_eq!(
        batch.iter().map(|c| c["name"].as_str().unwrap()).collect::<Vec<_>>(),
        ["Globex", "Initech"]
    );
    let ids: Vec<&str> = batch.iter().map(|c| c["id"].as_str().unwrap()).collect();
    let updated = s.ok(
        doc!("BatchUpdateCompanies"),
        json!({"ids": ids, "input": {"employees": 42}}),
    );
    assert_eq!(updated["updateCompanies"].as_array().unwrap().len(), 2);
    let deleted = s.ok(doc!("BatchDeleteCompanies"), json!({"ids": ids}));
    assert_eq!(deleted["deleteCompanies"], json!([{"id": ids[0]}, {"id": ids[1]}]));

    let deleted = s.ok(doc!("DeleteCompany"), json!({"id": company_id}));
    assert_eq!(deleted["deleteCompany"], json!({"id": company_id}));
    let after = s.ok("{ companies { totalCount } }", json!({}));
    assert_eq!(after["companies"]["totalCount"], json!(0));

    let schema = s.ok(doc!("IntrospectSchema"), json!({}));
    let types = schema["__schema"]["types"].as_array().unwrap();
    let company_type = types.iter().find(|t| t["name"] == json!("Company")).unwrap();
    assert_eq!(company_type["kind"], json!("OBJECT"));
    let fields = company_type["fields"].as_array().unwrap();
    assert!(
        fields
            .iter()
            .any(|f| f["name"] == json!("annualRecurringRevenue") && f["type"]["name"] == json!("Currency"))
    );

    // The custom-object document: `property`, created through the domain's metadata service; the very next
    // request sees it without a restart.
    let meta = s.server.db.store().load_metadata(s.workspace).await.unwrap().unwrap();
    let metadata = MetadataService::new(s.server.db.store());
    let property = metadata
        .create_object(
            &meta,
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
        let meta = s.server.db.store().load_metadata(s.workspace).await.unwrap().unwrap();
        metadata.create_field(&meta, property.id, &field).await.unwrap();
    }
    s.until_valid("{ properties { edges { node { yearBuilt } } } }");
    s.ok(
        "mutation($d: PropertyCreateInput!) { createProperty(data: $d) { id } }",
        json!({"d": {"address": "1 Elm St", "price": {"amountMicros": 750000000000i64, "currencyCode": "USD"}, "bedrooms": 3,
                     "bathrooms": 2.5, "squareFeet": 1800, "status": "FOR_SALE", "parkingSpaces": 2, "yearBuilt": 1998}}),
    );
    let properties = s.ok(doc!("GetProperties"), json!({"filter": {"status": {"eq": "FOR_SALE"}}}));
    assert_eq!(
        properties["properties"]["edges"][0]["node"],
        json!({"id": properties["properties"]["edges"][0]["node"]["id"], "address": "1 Elm St",
               "price": {"amountMicros": 750000000000i64, "currencyCode": "USD"}, "bedrooms": 3, "bathrooms": 2.5,
               "squareFeet": 1800, "status": "FOR_SALE", "parkingSpaces": 2, "hasGarage": false, "yearBuilt": 1998})
    );
}

#[tokio::test]
async fn reference_pagination_and_filtering_documents() {
    let s = session().await;
    let inputs: Vec<Value> = (0..45)
        .map(|i| {
            json!({"name": format!("c{i:02}"), "industry": if i % 3 == 0 { "Technology" } else { "Finance" },
                   "employees": i * 10,
                   "annualRecurringRevenue": {"amountMicros": if i == 3 { 2_000_000_000_000i64 } else { 1_000_000 }, "currencyCode": "USD"}})
        })
        .collect();
    s.ok(
        "mutation($d: [CompanyCreateInput!]!) { createCompanies(data: $d) { id } }",
        json!({"d": inputs}),
    );

    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    let mut pages = 0;
    loop {
        let variables = match &after {
            Some(cursor) => json!({"after": cursor, "limit": 20}),
            None => json!({"limit": 20}),
        };
        let page = s.ok(doc!("GetCompaniesPage"), variables);
        let connection = &page["companies"];
        assert_eq!(connection["totalCount"], json!(45));
        assert_eq!(connection["pageInfo"]["hasPreviousPage"], json!(after.is_some()));
        seen.extend(
            connection["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["node"]["name"].as_str().unwrap().to_string()),
        );
        pages += 1;
        if connection["pageInfo"]["hasNextPage"] != json!(true) {
            break;
        }
        after = connection["pageInfo"]["endCursor"].as_str().map(str::to_string);
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, (0..45).map(|i| format!("c{i:02}")).collect::<Vec<_>>());

    // Technology (i % 3 == 0) and (employees >= 100 or ARR >= 1e12): i in {0, 3(ARR), 12, 15, ...}.
    let filtered = s.ok(doc!("GetCompaniesFiltered"), json!({}));
    let names: Vec<&str> = filtered["companies"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["name"].as_str().unwrap())
        .collect();
    let expected: Vec<String> = (0..45)
        .filter(|i| i % 3 == 0 && (i * 10 >= 100 || *i == 3))
        .map(|i| format!("c{i:02}"))
        .collect();
    assert_eq!(names, expected);

    let sorted = s.ok(doc!("GetCompaniesSorted"), json!({}));
    let edges = sorted["companies"]["edges"].as_array().unwrap();
    // One batch: equal createdAt, so name ascending decides.
    assert_eq!(edges[0]["node"]["name"], json!("c00"));
    assert_eq!(edges[1]["node"]["name"], json!("c01"));
    assert!(edges[0]["node"]["createdAt"].is_string());
}

#[tokio::test]
async fn document_errors_and_limits() {
    let s = session().await;
    let unknown = s.run("query {\n  companies {\n    unknownField\n  }\n}", json!({}));
    assert_eq!(unknown["data"], Value::Null);
    let error = first_error(&unknown);
    assert_eq!(
        error["message"],
        json!("Field 'unknownField' doesn't exist on type 'CompanyConnection'")
    );
    assert_eq!(error["extensions"]["code"], json!("GRAPHQL_VALIDATION_FAILED"));
    assert_eq!(error["locations"], json!([{"line": 3, "column": 5}]));
    let unknown = s.run("{ companies { edges { node { unknownField } } } }", json!({}));
    assert_eq!(
        first_error(&unknown)["message"],
        json!("Field 'unknownField' doesn't exist on type 'Company'")
    );

    let syntax = s.run("{ companies { ", json!({}));
    assert_eq!(
        first_error(&syntax)["extensions"]["code"],
        json!("GRAPHQL_PARSE_FAILED")
    );
    assert!(first_error(&syntax)["locations"].is_array());
    assert_eq!(syntax["data"], Value::Null);

    let wrong_type = s.run(doc!("GetCompaniesPage"), json!({"limit": "twenty"}));
    assert_eq!(
        first_error(&wrong_type)["extensions"]["code"],
        json!("GRAPHQL_VALIDATION_FAILED")
    );
    // The typed filter inputs reject operators a field type does not have during validation.
    let wrong_operator = s.run(
        "{ companies(filter: {employees: {like: \"%1\"}}) { totalCount } }",
        json!({}),
    );
    assert_eq!(
        first_error(&wrong_operator)["extensions"]["code"],
        json!("GRAPHQL_VALIDATION_FAILED")
    );

    // company > people > edges > node > company > people > edges > node > company > accountOwner > name > firstName
    let deep = "query { company(filter: {}) { people { edges { node { company { people { edges { node { company { accountOwner { name { firstName } } } } } } } } } } } }";
    let deep = s.run(deep, json!({}));
    assert_eq!(
        first_error(&deep)["extensions"]["code"],
        json!("VALIDATION_ERROR"),
        "{deep}"
    );
    assert!(first_error(&deep)["message"].as_str().unwrap().contains("deep"));
    // Introspection does not count towards the depth.
    s.ok(
        "{ __schema { types { fields { type { ofType { ofType { ofType { ofType { name } } } } } } } } }",
        json!({}),
    );

    let many_roots: String = (0..21).map(|i| format!("c{i}: companies {{ totalCount }} ")).collect();
    let many = s.run(&format!("{{ {many_roots} }}"), json!({}));
    assert_eq!(first_error(&many)["extensions"]["code"], json!("VALIDATION_ERROR"));
    let twenty: String = (0..20).map(|i| format!("c{i}: companies {{ totalCount }} ")).collect();
    s.ok(&format!("{{ {twenty} }}"), json!({}));

    let nested = s.run(
        "{ companies { edges { node { people { edges { node { opportunities { edges { node { id } } } } } } } } } }",
        json!({}),
    );
    assert_eq!(
        first_error(&nested)["extensions"]["code"],
        json!("VALIDATION_ERROR"),
        "{nested}"
    );
    assert_eq!(nested["data"], Value::Null);

    for (query, what) in [
        ("{ companies(first: 1, last: 1) { totalCount } }", "first + last"),
        ("{ companies(first: -1) { totalCount } }", "negative"),
        ("{ companies(after: \"garbage\") { totalCount } }", "bad cursor"),
        (
            "mutation { createOpportunity(data: {stage: BOGUS}) { id } }",
            "enum literal",
        ),
        (
            "mutation { updateCompany(id: \"not-a-uuid\", data: {}) { id } }",
            "malformed id",
        ),
        ("mutation { deleteCompanies { id } }", "bulk without target"),
    ] {
        let res = s.run(query, json!({}));
        assert_eq!(
            first_error(&res)["extensions"]["code"],
            json!("VALIDATION_ERROR"),
            "{what}: {res}"
        );
    }
    let validation = s.run(
        "mutation { createPerson(data: {email: \"nope\", phone: \"x\"}) { id } }",
        json!({}),
    );
    let details = first_error(&validation)["extensions"]["details"].as_array().unwrap();
    assert_eq!(details.len(), 2, "{validation}");
    let missing = s.run(
        "mutation { updateCompany(id: \"6f9619ff-8b86-4d01-b42d-00c04fc964ff\", data: {name: \"x\"}) { id } }",
        json!({}),
    );
    assert_eq!(first_error(&missing)["extensions"]["code"], json!("NOT_FOUND"));

    // Not a GraphQL request at all: 400.
    for body in [
        "{",
        "{\"variables\": {}}",
        "{\"query\": \"{ __typename }\", \"variables\": 3}",
    ] {
        let res = request(
            s.server.port,
            "POST",
            "/graphql",
            &[("Authorization", &format!("Bearer {}", s.token))],
            Some(body),
        );
        assert_eq!(res.status, 400, "{body}: {}", res.body);
        assert!(res.json()["errors"][0]["extensions"]["code"].is_string());
    }
    // An alias may reuse a scalar field's name for a relation (review finding: it used to read the scalar).
    s.ok("mutation { createPerson(data: {city: \"x\"}) { id } }", json!({}));
    let aliased = s.ok("{ people { edges { node { id: company { id } city } } } }", json!({}));
    assert_eq!(aliased["people"]["edges"][0]["node"], json!({"id": null, "city": "x"}));
    // NUL in a pattern is bad input, not a database error.
    let nul = s.run(
        "{ companies(filter: {name: {like: \"\\u0000\"}}) { totalCount } }",
        json!({}),
    );
    assert_eq!(
        first_error(&nul)["extensions"]["code"],
        json!("VALIDATION_ERROR"),
        "{nul}"
    );
    // Browsers get GraphiQL without a token.
    let page = s.server.get("/graphql", None);
    assert_eq!(page.status, 200);
    assert!(page.header("content-type").is_some_and(|c| c.starts_with("text/html")) && page.body.contains("GraphiQL"));
    // Page sizes above the maximum are capped, not refused.
    s.ok("{ companies(first: 100000) { totalCount } }", json!({}));
}

#[tokio::test]
async fn record_lifecycle_paging_and_nested_arguments() {
    let s = session().await;
    let created = s.ok(
        "mutation { a: createCompany(data: {name: \"A\", employees: 1}) { id } b: createCompany(data: {name: \"B\", employees: 2}) { id } }",
        json!({}),
    );
    let (a, b) = (
        created["a"]["id"].as_str().unwrap().to_string(),
        created["b"]["id"].as_str().unwrap().to_string(),
    );
    for (first, last) in [("Ann", "Zed"), ("Bob", "Young"), ("Cid", "Xu")] {
        s.ok(
            "mutation($d: PersonCreateInput!) { createPerson(data: $d) { id } }",
            json!({"d": {"name": {"firstName": first, "lastName": last}, "companyId": a}}),
        );
    }
    // Per-parent arguments on a nested connection, enum-style order literal, aliases and fragments.
    let nested = s.ok(
        "{ companies(orderBy: [{name: AscNullsFirst}]) { edges { node { name ...Staff top: people(first: 1, orderBy: [{name: {lastName: AscNullsFirst}}]) { edges { node { name { lastName } } } totalCount } } } } }
         fragment Staff on Company { people(filter: {name: {firstName: {neq: \"Bob\"}}}) { totalCount edges { node { __typename companyId } } } }",
        json!({}),
    );
    let acme = &nested["companies"]["edges"][0]["node"];
    assert_eq!(acme["name"], json!("A"));
    assert_eq!(acme["top"]["edges"][0]["node"]["name"]["lastName"], json!("Xu"));
    assert_eq!(acme["top"]["totalCount"], json!(3));
    assert_eq!(acme["people"]["totalCount"], json!(2));
    assert_eq!(
        acme["people"]["edges"][0]["node"],
        json!({"__typename": "Person", "companyId": a})
    );

    // Backward paging.
    let last = s.ok(
        "{ companies(last: 1) { edges { node { name } } pageInfo { hasPreviousPage startCursor } } }",
        json!({}),
    );
    assert_eq!(last["companies"]["edges"][0]["node"]["name"], json!("B"));
    assert_eq!(last["companies"]["pageInfo"]["hasPreviousPage"], json!(true));
    let before = last["companies"]["pageInfo"]["startCursor"].as_str().unwrap();
    let earlier = s.ok(
        "query($c: String) { companies(last: 5, before: $c) { edges { node { name } } pageInfo { hasPreviousPage hasNextPage } } }",
        json!({"c": before}),
    );
    assert_eq!(earlier["companies"]["edges"], json!([{"node": {"name": "A"}}]));
    assert_eq!(
        earlier["companies"]["pageInfo"],
        json!({"hasPreviousPage": false, "hasNextPage": true})
    );

    // Soft delete hides, a deletedAt filter shows, restore brings back, destroy removes.
    s.ok(
        "mutation($id: ID!) { deleteCompany(id: $id) { id deletedAt } }",
        json!({"id": b}),
    );
    assert_eq!(
        s.ok("{ companies { totalCount } }", json!({}))["companies"]["totalCount"],
        json!(1)
    );
    let trash = s.ok(
        "{ companies(filter: {deletedAt: {is: NOT_NULL}}) { edges { node { name } } } }",
        json!({}),
    );
    assert_eq!(trash["companies"]["edges"], json!([{"node": {"name": "B"}}]));
    s.ok(
        "mutation($id: ID!) { restoreCompany(id: $id) { id } }",
        json!({"id": b}),
    );
    assert_eq!(
        s.ok("{ companies { totalCount } }", json!({}))["companies"]["totalCount"],
        json!(2)
    );
    s.ok(
        "mutation($id: ID!) { destroyCompany(id: $id) { name } }",
        json!({"id": b}),
    );
    let gone = s.ok(
        "query($id: ID!) { company(filter: {id: {eq: $id}}) { id } }",
        json!({"id": b}),
    );
    assert_eq!(gone["company"], Value::Null);

    // Upsert by id; batch atomicity.
    let upserted = s.ok(
        "mutation($d: CompanyCreateInput!) { createCompany(data: $d, upsert: true) { name employees } }",
        json!({"d": {"id": a, "name": "A2"}}),
    );
    assert_eq!(upserted["createCompany"], json!({"name": "A2", "employees": 1}));
    let atomic = s.run(
        "mutation($d: [CompanyCreateInput!]!) { createCompanies(data: $d) { id } }",
        json!({"d": [{"name": "ok"}, {"name": "bad", "linkedinLink": "nope"}]}),
    );
    assert_eq!(first_error(&atomic)["extensions"]["code"], json!("VALIDATION_ERROR"));
    assert_eq!(
        first_error(&atomic)["extensions"]["details"][0]["field"],
        json!("[1].linkedinLink")
    );
    assert_eq!(
        s.ok("{ companies { totalCount } }", json!({}))["companies"]["totalCount"],
        json!(1)
    );

    // Bulk update by filter; restore and destroy many.
    let bulk = s.ok(
        "mutation { updateCompanies(filter: {name: {eq: \"A2\"}}, data: {industry: \"X\"}) { industry } }",
        json!({}),
    );
    assert_eq!(bulk["updateCompanies"], json!([{"industry": "X"}]));
    s.ok(
        "mutation { deleteCompanies(filter: {industry: {eq: \"X\"}}) { id } }",
        json!({}),
    );
    let restored = s.ok(
        "mutation { restoreCompanies(filter: {industry: {eq: \"X\"}}) { name } }",
        json!({}),
    );
    assert_eq!(restored["restoreCompanies"], json!([{"name": "A2"}]));
    let destroyed = s.ok(
        "mutation($ids: [ID!]) { destroyCompanies(ids: $ids) { name } }",
        json!({"ids": [a]}),
    );
    assert_eq!(destroyed["destroyCompanies"], json!([{"name": "A2"}]));
}

#[tokio::test]
async fn workspaces_never_see_each_other() {
    let a = session().await;
    let b_token = a.server.sign_up("bob@example.com")["accessToken"]
        .as_str()
        .unwrap()
        .to_string();
    let created = a.ok("mutation { createCompany(data: {name: \"Secret\"}) { id } }", json!({}));
    let id = created["createCompany"]["id"].as_str().unwrap();
    let b = |q: &str| gql(&a.server, &b_token, q, json!({"id": id}));
    assert_eq!(
        ok(b("query($id: ID!) { company(filter: {id: {eq: $id}}) { id } }"))["company"],
        Value::Null
    );
    assert_eq!(
        ok(b("{ companies { totalCount } }"))["companies"]["totalCount"],
        json!(0)
    );
    for mutation in [
        "mutation($id: ID!) { updateCompany(id: $id, data: {name: \"x\"}) { id } }",
        "mutation($id: ID!) { deleteCompany(id: $id) { id } }",
        "mutation($id: ID!) { destroyCompany(id: $id) { id } }",
    ] {
        assert_eq!(
            b(mutation)["errors"][0]["extensions"]["code"],
            json!("NOT_FOUND"),
            "{mutation}"
        );
    }
    // B's own records, through the schema both workspaces share (same data model), are B's alone.
    ok(b("mutation { createCompany(data: {name: \"Mine\"}) { id } }"));
    let mine = ok(b("{ companies { totalCount edges { node { name } } } }"));
    assert_eq!(
        mine["companies"]["edges"],
        json!([{"node": {"name": "Mine"}}]),
        "{mine}"
    );
    // A's record is untouched.
    let still = a.ok(
        "query($id: ID!) { company(filter: {id: {eq: $id}}) { name } }",
        json!({"id": id}),
    );
    assert_eq!(still["company"]["name"], json!("Secret"));
}

#[tokio::test]
async fn a_field_added_through_the_domain_is_usable_within_a_second() {
    let s = session().await;
    let query = "{ companies { edges { node { tier } } } }";
    let before = s.run(query, json!({}));
    assert_eq!(
        first_error(&before)["extensions"]["code"],
        json!("GRAPHQL_VALIDATION_FAILED")
    );
    s.ok("mutation { createCompany(data: {name: \"Acme\"}) { id } }", json!({}));

    let meta = s.server.db.store().load_metadata(s.workspace).await.unwrap().unwrap();
    let company = meta.object_by_singular("company").unwrap().id;
    let field = F::new("tier", "Tier", FieldType::Select)
        .options(&[("GOLD", "Gold"), ("SILVER", "Silver")])
        .default_value(json!("SILVER"));
    MetadataService::new(s.server.db.store())
        .create_field(&meta, company, &field)
        .await
        .unwrap();

    // The server learns of the change through a notification (contract: within a second). Existing records got
    // the default; the new field is writable and filterable.
    s.until_valid(query);
    let after = s.ok(query, json!({}));
    assert_eq!(after["companies"]["edges"][0]["node"]["tier"], json!("SILVER"));
    s.ok(
        "mutation { createCompany(data: {name: \"Gold\", tier: GOLD}) { id } }",
        json!({}),
    );
    let gold = s.ok(
        "{ companies(filter: {tier: {eq: GOLD}}) { edges { node { name } } } }",
        json!({}),
    );
    assert_eq!(gold["companies"]["edges"], json!([{"node": {"name": "Gold"}}]));
}
