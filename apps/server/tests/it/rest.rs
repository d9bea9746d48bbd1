//! The REST API over real HTTP: the reference's requests verbatim, the query-string language, errors, and the
//! same filters giving the same ids over GraphQL and REST.

use crate::graphql::{gql, ok};
use crate::support::*;
use serde_json::{Value, json};

struct Client {
    server: Server,
    token: String,
}

impl Client {
    async fn new() -> Client {
        let server = Server::start(&[]).await;
        let token = server.sign_up("rest@example.com")["accessToken"]
            .as_str()
            .unwrap()
            .to_string();
        Client { server, token }
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Response {
        let auth = format!("Bearer {}", self.token);
        let body = body.map(|b| b.to_string());
        request(
            self.server.port,
            method,
            path,
            &[("Authorization", &auth)],
            body.as_deref(),
        )
    }

    fn json(&self, method: &str, path: &str, body: Option<Value>, status: u16) -> Value {
        let res = self.call(method, path, body);
        assert_eq!(res.status, status, "{method} {path}: {}", res.body);
        res.json()
    }

    fn ids(&self, path: &str) -> Vec<String> {
        let listed = self.json("GET", path, None, 200);
        listed["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect()
    }

    fn names(&self, path: &str) -> Vec<String> {
        let listed = self.json("GET", path, None, 200);
        listed["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["name"].as_str().unwrap_or("").to_string())
            .collect()
    }
}

fn error_fields(body: &Value) -> Vec<String> {
    body["error"]["details"]
        .as_array()
        .map(|d| {
            d.iter()
                .map(|x| x["field"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn reference_requests_run_verbatim() {
    let c = Client::new().await;
    let created = c.json(
        "POST",
        "/rest/companies",
        Some(json!({"name": "New Company", "industry": "Technology", "employees": 100})),
        201,
    );
    let record = &created["data"];
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
    let id = record["id"].as_str().unwrap().to_string();
    c.json(
        "POST",
        "/rest/companies",
        Some(json!({"name": "Acme Corp", "industry": "Finance", "employees": 500})),
        201,
    );

    let listed = c.json(
        "GET",
        "/rest/companies?limit=20&filter[industry][eq]=Technology&order[createdAt]=desc",
        None,
        200,
    );
    assert_eq!(listed["data"].as_array().unwrap().len(), 1);
    assert_eq!(listed["data"][0]["id"], json!(id));
    assert_eq!(listed["meta"], json!({"totalCount": 1, "hasMore": false}));

    let one = c.json("GET", &format!("/rest/companies/{id}"), None, 200);
    assert_eq!(one["data"]["name"], json!("New Company"));

    let patched = c.json(
        "PATCH",
        &format!("/rest/companies/{id}"),
        Some(json!({"employees": 150, "linkedinLink": "https://linkedin.com/company/new-co"})),
        200,
    );
    assert_eq!(patched["data"]["employees"], json!(150));
    assert_eq!(
        patched["data"]["linkedinLink"],
        json!("https://linkedin.com/company/new-co")
    );
    assert!(patched["data"]["updatedAt"].is_string());

    let person = c.json("POST", "/rest/people", Some(json!({"name": {"firstName": "Jane", "lastName": "Smith"}, "email": "jane.smith@example.com", "companyId": id})), 201);
    assert_eq!(
        person["data"]["name"],
        json!({"firstName": "Jane", "lastName": "Smith"})
    );
    let people = c.json(
        "GET",
        &format!("/rest/people?limit=50&filter[company.id][eq]={id}"),
        None,
        200,
    );
    assert_eq!(people["data"][0]["email"], json!("jane.smith@example.com"));
    assert_eq!(people["data"][0]["companyId"], json!(id));
    let deep = c.json(
        "GET",
        &format!("/rest/people/{}?depth=1", person["data"]["id"].as_str().unwrap()),
        None,
        200,
    );
    assert_eq!(deep["data"]["company"]["name"], json!("New Company"));

    c.json(
        "POST",
        "/rest/opportunities",
        Some(json!({"name": "Deal", "stage": "PROPOSAL"})),
        201,
    );
    c.json("POST", "/rest/opportunities", Some(json!({"name": "Other"})), 201);
    let proposals = c.json("GET", "/rest/opportunities?filter[stage][eq]=PROPOSAL", None, 200);
    assert_eq!(proposals["data"].as_array().unwrap().len(), 1);
    assert_eq!(proposals["data"][0]["name"], json!("Deal"));

    let deleted = c.json("DELETE", &format!("/rest/companies/{id}"), None, 200);
    assert_eq!(deleted, json!({"data": {"id": id, "deleted": true}}));
    assert_eq!(c.call("GET", &format!("/rest/companies/{id}"), None).status, 404);
    let destroyed = c.json("DELETE", &format!("/rest/companies/{id}?destroy=true"), None, 200);
    assert_eq!(destroyed["data"]["deleted"], json!(true));

    // A custom object: created through the metadata API, served at once.
    let meta = |query: &str, variables: Value| {
        let body = json!({"query": query, "variables": variables}).to_string();
        request(
            c.server.port,
            "POST",
            "/metadata",
            &[("Authorization", &format!("Bearer {}", c.token))],
            Some(&body),
        )
        .json()
    };
    let object = meta(
        "mutation { createOneObject(data: {nameSingular: \"property\", namePlural: \"properties\", labelSingular: \"Property\", labelPlural: \"Properties\"}) { id } }",
        json!({}),
    );
    let object_id = object["data"]["createOneObject"]["id"].clone();
    meta(
        "mutation($id: ID!) { createOneField(data: {objectMetadataId: $id, name: \"address\", label: \"Address\", type: TEXT}) { id } }",
        json!({"id": object_id}),
    );
    let property = c.json("POST", "/rest/properties", Some(json!({"address": "1 Elm St"})), 201);
    let property_id = property["data"]["id"].as_str().unwrap().to_string();
    let listed = c.json("GET", "/rest/properties?limit=10", None, 200);
    assert_eq!(listed["data"][0]["address"], json!("1 Elm St"));
    c.json(
        "PATCH",
        &format!("/rest/properties/{property_id}"),
        Some(json!({"address": "2 Oak Ave"})),
        200,
    );
    c.json("DELETE", &format!("/rest/properties/{property_id}"), None, 200);
    assert_eq!(
        c.json("GET", "/rest/properties?limit=10", None, 200)["meta"]["totalCount"],
        json!(0)
    );

    // The OpenAPI document, with the token in the query string as the reference shows.
    let document = c.server.get(&format!("/rest/open-api/core?token={}", c.token), None);
    assert_eq!(document.status, 200);
    let document = document.json();
    assert_eq!(document["openapi"], json!("3.0.3"));
    assert_eq!(document["servers"], json!([{"url": "/rest"}]));
    assert!(document["paths"]["/properties"]["get"].is_object());
    assert!(document["paths"]["/companies/{id}"]["patch"].is_object());
    assert!(document["components"]["schemas"]["Error"].is_object());
}

#[tokio::test]
async fn paging_filters_and_sorting_of_the_reference() {
    let c = Client::new().await;
    let batch: Vec<Value> = (0..45)
        .map(|i| {
            let industry = ["Technology", "Finance", "Retail"][i % 3];
            json!({"name": format!("Acme {i:02}"), "industry": industry, "employees": i * 10})
        })
        .collect();
    let created = c.json("POST", "/rest/batch/companies", Some(Value::Array(batch)), 201);
    assert_eq!(created["data"].as_array().unwrap().len(), 45);
    let mut seen = Vec::new();
    for offset in [0, 20, 40] {
        let page = c.json("GET", &format!("/rest/companies?limit=20&offset={offset}"), None, 200);
        assert_eq!(page["meta"]["totalCount"], json!(45));
        assert_eq!(page["meta"]["hasMore"], json!(offset < 40));
        seen.extend(
            page["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["name"].as_str().unwrap().to_string()),
        );
    }
    assert_eq!(seen, (0..45).map(|i| format!("Acme {i:02}")).collect::<Vec<_>>());

    assert_eq!(
        c.names("/rest/companies?filter[industry][eq]=Technology&limit=200")
            .len(),
        15
    );
    assert_eq!(c.names("/rest/companies?filter[employees][gt]=100&limit=200").len(), 34);
    assert_eq!(
        c.names("/rest/companies?filter[industry][in]=Technology,Finance&limit=200")
            .len(),
        30
    );
    assert_eq!(c.names("/rest/companies?filter[name][like]=%Acme%&limit=200").len(), 45);
    assert_eq!(
        c.names("/rest/companies?filter[industry][eq]=Technology&filter[employees][gte]=100&limit=200")
            .len(),
        11
    );
    let sorted = c.names("/rest/companies?order[createdAt]=desc&order[name]=asc&limit=3");
    assert_eq!(
        sorted,
        ["Acme 00", "Acme 01", "Acme 02"],
        "one batch: equal createdAt, then name"
    );
    let by_employees = c.names("/rest/companies?order[employees]=desc&limit=2");
    assert_eq!(by_employees, ["Acme 44", "Acme 43"]);
}

#[tokio::test]
async fn every_operator_and_awkward_values() {
    let c = Client::new().await;
    let values = ["a,b", "50% off", "say \"hi\"", "[brackets]", "ünïcödé ✓", "plain"];
    for (i, v) in values.iter().enumerate() {
        c.json(
            "POST",
            "/rest/companies",
            Some(
                json!({"name": v, "employees": i, "domainName": if i % 2 == 0 { Value::Null } else { json!("x.com") }}),
            ),
            201,
        );
    }
    let enc = |v: &str| -> String {
        v.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    };
    for v in values {
        assert_eq!(
            c.names(&format!("/rest/companies?filter[name][eq]={}", enc(v))),
            [v],
            "eq {v}"
        );
    }
    assert_eq!(
        c.names(&format!("/rest/companies?filter[name][in]={}", enc("\"a,b\",plain"))),
        ["a,b", "plain"]
    );
    assert_eq!(c.names("/rest/companies?filter[name][startsWith]=%5Bbr").len(), 1);
    assert_eq!(c.names("/rest/companies?filter[name][ilike]=%25%C3%9CN%25").len(), 1);
    assert_eq!(c.names("/rest/companies?filter[employees][neq]=0").len(), 5);
    assert_eq!(c.names("/rest/companies?filter[employees][gte]=4").len(), 2);
    assert_eq!(c.names("/rest/companies?filter[employees][lt]=1").len(), 1);
    assert_eq!(c.names("/rest/companies?filter[employees][lte]=1").len(), 2);
    assert_eq!(c.names("/rest/companies?filter[domainName][is]=NULL").len(), 3);
    assert_eq!(c.names("/rest/companies?filter[domainName][is]=NOT_NULL").len(), 3);
    assert_eq!(
        c.names("/rest/companies?filter[idealCustomerProfile][eq]=false").len(),
        6
    );
    assert_eq!(
        c.names("/rest/companies?filter[annualRecurringRevenue.amountMicros][is]=NULL")
            .len(),
        6
    );
    assert_eq!(
        c.names("/rest/companies?filter[createdAt][lte]=2999-01-01T00:00:00Z")
            .len(),
        6
    );

    // Unknown fields and operators, bad values: 400 with every problem in details.
    let bad = c.json(
        "GET",
        "/rest/companies?filter[nope][eq]=1&filter[employees][like]=x&filter[employees][gt]=many&limit=x",
        None,
        400,
    );
    assert_eq!(bad["error"]["code"], json!("VALIDATION_ERROR"));
    assert_eq!(error_fields(&bad), ["limit"]);
    let bad = c.json(
        "GET",
        "/rest/companies?filter[nope][eq]=1&filter[employees][like]=x&filter[employees][gt]=many",
        None,
        400,
    );
    let fields = error_fields(&bad);
    assert_eq!(fields.len(), 3, "{bad}");
    assert!(
        fields.iter().any(|f| f.contains("nope"))
            && fields.iter().any(|f| f.contains("like"))
            && fields.iter().any(|f| f.contains("gt"))
    );
    assert_eq!(
        c.json("GET", "/rest/companies?order[employees]=sideways", None, 400)["error"]["code"],
        json!("VALIDATION_ERROR")
    );
    assert_eq!(
        c.json("GET", "/rest/companies?filter[name]=x", None, 400)["error"]["code"],
        json!("VALIDATION_ERROR")
    );
    assert_eq!(
        c.json("GET", "/rest/companies/not-a-uuid", None, 400)["error"]["details"][0]["field"],
        json!("id")
    );
    assert_eq!(
        c.json("GET", "/rest/unicorns", None, 404)["error"]["code"],
        json!("NOT_FOUND")
    );
    assert_eq!(
        c.json("GET", "/rest/companies/6f9619ff-8b86-4d01-b42d-00c04fc964ff", None, 404)["error"]["statusCode"],
        json!(404)
    );
    let invalid = c.json(
        "POST",
        "/rest/people",
        Some(json!({"email": "nope", "linkedinLink": "x", "unknown": 1})),
        400,
    );
    assert_eq!(error_fields(&invalid).len(), 3);
    assert_eq!(c.call("POST", "/rest/companies", Some(json!([1]))).status, 400);
    let raw = request(
        c.server.port,
        "POST",
        "/rest/companies",
        &[("Authorization", &format!("Bearer {}", c.token))],
        Some("{not json"),
    );
    assert_eq!(raw.status, 400);
    assert_eq!(
        c.call("POST", "/rest/batch/companies", Some(json!({"name": "x"})))
            .status,
        400
    );
    let atomic = c.call(
        "POST",
        "/rest/batch/companies",
        Some(json!([{"name": "fine"}, {"linkedinLink": "bad"}])),
    );
    assert_eq!(atomic.status, 400);
    assert_eq!(error_fields(&atomic.json()), ["[1].linkedinLink"]);
    assert_eq!(c.names("/rest/companies?filter[name][eq]=fine").len(), 0);
}

#[tokio::test]
async fn the_same_filter_gives_the_same_ids_over_graphql_and_rest() {
    let c = Client::new().await;
    let companies: Vec<Value> = (0..12)
        .map(|i| json!({"name": format!("c{i}"), "employees": i * 7, "industry": if i % 2 == 0 { "Tech" } else { "Bank" },
                        "annualRecurringRevenue": {"amountMicros": i * 1_000_000, "currencyCode": if i % 3 == 0 { "EUR" } else { "USD" }}}))
        .collect();
    let created = c.json("POST", "/rest/batch/companies", Some(Value::Array(companies)), 201);
    let first = created["data"][0]["id"].as_str().unwrap().to_string();
    c.json(
        "POST",
        "/rest/batch/people",
        Some(json!([{"city": "Paris", "companyId": first}, {"city": "Rome"}])),
        201,
    );
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
    for (query, filter) in cases {
        let rest = c.ids(&format!("/rest/companies?{query}&limit=200"));
        let graphql = ok(gql(
            &c.server,
            &c.token,
            "query($f: CompanyFilterInput) { companies(filter: $f, first: 200) { edges { node { id } } } }",
            json!({"f": filter}),
        ));
        let graphql: Vec<String> = graphql["companies"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["id"].as_str().unwrap().to_string())
            .collect();
        assert!(!rest.is_empty(), "{query} matches something");
        assert_eq!(rest, graphql, "{query}");
    }
    let rest = c.ids(&format!("/rest/people?filter[company.id][eq]={first}"));
    let graphql = ok(gql(
        &c.server,
        &c.token,
        "query($id: ID) { people(filter: {companyId: {eq: $id}}) { edges { node { id } } } }",
        json!({"id": first}),
    ));
    assert_eq!(rest, [graphql["people"]["edges"][0]["node"]["id"].as_str().unwrap()]);
}
