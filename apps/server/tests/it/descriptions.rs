//! The descriptions clients read (GraphiQL's documentation explorer, the OpenAPI browser) come from the data
//! model: an object's or field's description, else its label, with operations described in English.

use crate::support::TestApp;
use serde_json::{Value, json};

const CREATE_OBJECT: &str = "mutation($input: CreateOneObjectInput!) { createOneObject(input: $input) { id } }";
const CREATE_FIELD: &str = "mutation($input: CreateOneFieldMetadataInput!) { createOneField(input: $input) { id } }";

/// A workspace with a custom `invoice` object: described, with one described field and one without.
async fn invoices() -> TestApp {
    let app = TestApp::new().await.with_workspace().await;
    let object = json!({"nameSingular": "invoice", "namePlural": "invoices", "labelSingular": "Invoice",
                        "labelPlural": "Invoices", "description": "A bill sent to a customer"});
    let created = app
        .metadata_query_with(CREATE_OBJECT, json!({"input": {"object": object}}))
        .await;
    let id = created["createOneObject"]["id"].as_str().unwrap().to_string();
    for field in [
        json!({"objectMetadataId": id, "name": "amountDue", "label": "Amount due", "type": "NUMBER",
               "description": "What is left to pay"}),
        json!({"objectMetadataId": id, "name": "reference", "label": "Reference", "type": "TEXT"}),
    ] {
        app.metadata_query_with(CREATE_FIELD, json!({"input": {"field": field}}))
            .await;
    }
    app
}

fn description_of<'a>(fields: &'a Value, name: &str) -> &'a str {
    fields
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == name)
        .unwrap_or_else(|| panic!("no {name} in {fields}"))["description"]
        .as_str()
        .unwrap_or_else(|| panic!("{name} has no description"))
}

#[actix_web::test]
async fn graphql_types_and_fields_carry_the_data_models_descriptions() {
    let app = invoices().await;
    let data = app
        .query(
            r#"{ __type(name: "Invoice") { description fields { name description } }
                 create: __type(name: "InvoiceCreateInput") { description inputFields { name description } }
                 __schema { queryType { fields { name description } } mutationType { fields { name description } } } }"#,
        )
        .await;
    let invoice = &data["__type"];
    assert_eq!(invoice["description"], "A bill sent to a customer");
    assert_eq!(description_of(&invoice["fields"], "amountDue"), "What is left to pay");
    assert_eq!(description_of(&invoice["fields"], "reference"), "Reference");
    assert_eq!(data["create"]["description"], "The fields of a new invoice.");
    assert_eq!(
        description_of(&data["create"]["inputFields"], "amountDue"),
        "What is left to pay"
    );
    let queries = &data["__schema"]["queryType"]["fields"];
    assert_eq!(
        description_of(queries, "invoices"),
        "List invoices: a page, filtered and ordered."
    );
    let mutations = &data["__schema"]["mutationType"]["fields"];
    assert!(description_of(mutations, "createInvoice").starts_with("Create an invoice"));
    assert!(description_of(mutations, "createOpportunity").starts_with("Create an opportunity"));
    assert_eq!(
        description_of(mutations, "destroyCompany"),
        "Remove a company for good."
    );
    // A standard object without a description of its own reads as its label.
    let company = app.query(r#"{ __type(name: "Company") { description } }"#).await;
    assert_eq!(company["__type"]["description"], "A company record");
}

#[actix_web::test]
async fn openapi_operations_have_english_summaries_and_schemas_descriptions() {
    let app = invoices().await;
    let document = app.rest_get("/rest/open-api/core").await.expect(200);
    let summary = |path: &str, method: &str| {
        document["paths"][path][method]["summary"]
            .as_str()
            .unwrap_or("")
            .to_string()
    };
    assert_eq!(summary("/invoices", "get"), "List invoices");
    assert_eq!(summary("/invoices", "post"), "Create an invoice");
    assert_eq!(summary("/opportunities", "post"), "Create an opportunity");
    assert_eq!(summary("/invoices/{id}", "get"), "Get an invoice by id");
    assert_eq!(
        summary("/batch/invoices", "post"),
        "Create invoices in one batch (at most 200)"
    );
    let operations = document["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().iter())
        .filter(|(method, _)| *method != "parameters");
    for (method, operation) in operations {
        assert!(
            operation["summary"].as_str().is_some_and(|s| !s.is_empty()),
            "{method}: {operation}"
        );
    }
    let invoice = &document["components"]["schemas"]["Invoice"];
    assert_eq!(invoice["description"], "A bill sent to a customer");
    assert_eq!(invoice["properties"]["amountDue"]["description"], "What is left to pay");
    assert_eq!(invoice["properties"]["reference"]["description"], "Reference");
}
