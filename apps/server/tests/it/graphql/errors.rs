//! What the core API answers to documents it cannot run: parse and validation failures, the depth, root-field and
//! nesting limits, invalid arguments and inputs, and bodies that are not GraphQL requests.

use super::{app, document};
use crate::support::{Gql, TestApp};
use serde_json::{Value, json};

/// Runs `document` on the core API and checks that it fails with the error code `code`: its answer, for more checks.
async fn assert_error_code(app: &TestApp, document: &str, code: &str) -> Gql {
    let answer = app.run(document).await;
    assert_eq!(answer.error_code(), code, "{document}: {:?}", answer.0);
    answer
}

/// Tests that each run one document on the core API, which must fail with the error code given.
macro_rules! fails_with {
    ($($name:ident: $document:expr => $code:expr;)+) => {$(
        #[actix_web::test]
        async fn $name() {
            assert_error_code(&app().await, $document, $code).await;
        }
    )+};
}

fails_with! {
    a_filter_operator_the_field_type_lacks_fails_validation:
        "{ companies(filter: {employees: {like: \"%1\"}}) { totalCount } }" => "GRAPHQL_VALIDATION_FAILED";
    a_nul_in_a_pattern_is_bad_input_not_a_database_error:
        "{ companies(filter: {name: {like: \"\\u0000\"}}) { totalCount } }" => "VALIDATION_ERROR";
    updating_a_record_that_does_not_exist_is_not_found:
        "mutation { updateCompany(id: \"6f9619ff-8b86-4d01-b42d-00c04fc964ff\", data: {name: \"x\"}) { id } }"
            => "NOT_FOUND";
}

#[actix_web::test]
async fn an_unknown_field_fails_validation_with_its_message_and_location() {
    let app = app().await;
    let unknown = app.run("query {\n  companies {\n    unknownField\n  }\n}").await;
    assert_eq!(unknown.0["data"], Value::Null);
    let error = unknown.error();
    assert_eq!(
        error["message"],
        json!("Field 'unknownField' doesn't exist on type 'CompanyConnection'")
    );
    assert_eq!(unknown.error_code(), "GRAPHQL_VALIDATION_FAILED");
    assert_eq!(error["locations"], json!([{"line": 3, "column": 5}]));
}

#[actix_web::test]
async fn an_unknown_field_of_a_node_names_the_node_type() {
    let app = app().await;
    let unknown = app.run("{ companies { edges { node { unknownField } } } }").await;
    assert_eq!(
        unknown.error()["message"],
        json!("Field 'unknownField' doesn't exist on type 'Company'")
    );
}

#[actix_web::test]
async fn a_syntax_error_is_a_parse_failure_with_a_location_and_no_data() {
    let app = app().await;
    let syntax = assert_error_code(&app, "{ companies { ", "GRAPHQL_PARSE_FAILED").await;
    assert!(syntax.error()["locations"].is_array());
    assert_eq!(syntax.0["data"], Value::Null);
}

#[actix_web::test]
async fn a_variable_of_the_wrong_type_fails_validation() {
    let app = app().await;
    let wrong_type = app
        .graphql(document!("GetCompaniesPage"), json!({"limit": "twenty"}))
        .await;
    assert_eq!(wrong_type.error_code(), "GRAPHQL_VALIDATION_FAILED");
}

#[actix_web::test]
async fn a_document_nested_too_deep_is_a_validation_error() {
    let app = app().await;
    // company > people > edges > node > company > people > edges > node > company > accountOwner > name > firstName
    let deep = "query { company(filter: {}) { people { edges { node { company { people { edges { node { company { accountOwner { name { firstName } } } } } } } } } } } }";
    let deep = assert_error_code(&app, deep, "VALIDATION_ERROR").await;
    assert!(deep.error()["message"].as_str().unwrap().contains("deep"));
}

#[actix_web::test]
async fn introspection_does_not_count_towards_the_depth() {
    let app = app().await;
    app.query("{ __schema { types { fields { type { ofType { ofType { ofType { ofType { name } } } } } } } } }")
        .await;
}

#[actix_web::test]
async fn a_document_may_have_twenty_root_fields_but_not_twenty_one() {
    let app = app().await;
    let roots = |n: usize| -> String { (0..n).map(|i| format!("c{i}: companies {{ totalCount }} ")).collect() };
    let many = app.graphql(&format!("{{ {} }}", roots(21)), json!({})).await;
    assert_eq!(many.error_code(), "VALIDATION_ERROR");
    app.query_with(&format!("{{ {} }}", roots(20)), json!({})).await;
}

#[actix_web::test]
async fn connections_nested_three_deep_are_a_validation_error_without_data() {
    let app = app().await;
    let nested =
        "{ companies { edges { node { people { edges { node { opportunities { edges { node { id } } } } } } } } } }";
    let nested = assert_error_code(&app, nested, "VALIDATION_ERROR").await;
    assert_eq!(nested.0["data"], Value::Null);
}

#[actix_web::test]
async fn invalid_arguments_are_validation_errors() {
    let app = app().await;
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
        let res = app.run(query).await;
        assert_eq!(res.error_code(), "VALIDATION_ERROR", "{what}: {:?}", res.0);
    }
}

#[actix_web::test]
async fn every_invalid_input_field_is_reported() {
    let app = app().await;
    let create = "mutation { createPerson(data: {email: \"nope\", phone: \"x\"}) { id } }";
    let validation = app.run(create).await;
    assert_eq!(validation.error_fields().len(), 2, "{:?}", validation.0);
}

#[actix_web::test]
async fn a_body_that_is_not_a_graphql_request_is_a_400_with_an_error_code() {
    let app = app().await;
    for body in [
        "{",
        "{\"variables\": {}}",
        "{\"query\": \"{ __typename }\", \"variables\": 3}",
    ] {
        let res = app.post_raw("/graphql", Some(&app.token), body).await;
        assert_eq!(res.status, 400, "{body}: {}", res.body);
        assert!(res.json()["errors"][0]["extensions"]["code"].is_string());
    }
}

#[actix_web::test]
async fn an_alias_may_reuse_a_scalar_fields_name_for_a_relation() {
    // Review finding: it used to read the scalar.
    let app = app().await;
    app.query("mutation { createPerson(data: {city: \"x\"}) { id } }").await;
    let aliased = app
        .query("{ people { edges { node { id: company { id } city } } } }")
        .await;
    assert_eq!(aliased["people"]["edges"][0]["node"], json!({"id": null, "city": "x"}));
}

#[actix_web::test]
async fn browsers_get_graphiql_without_a_token() {
    let app = app().await;
    let page = app.get("/graphql", None).await;
    assert_eq!(page.status, 200);
    assert!(page.header("content-type").is_some_and(|c| c.starts_with("text/html")) && page.body.contains("GraphiQL"));
}

#[actix_web::test]
async fn page_sizes_above_the_maximum_are_capped_not_refused() {
    let app = app().await;
    app.query("{ companies(first: 100000) { totalCount } }").await;
}

/// graphql-js: an integer literal is valid syntax whatever its size; `Int` refuses it in validation.
const BEYOND_32_BITS: &str = "Int cannot represent non 32-bit signed integer value: 99999999999999999999";

#[actix_web::test]
async fn an_integer_literal_beyond_32_bits_fails_validation_not_parsing() {
    let app = app().await;
    let beyond = "{ companies(first: 99999999999999999999) { totalCount } }";
    let core = assert_error_code(&app, beyond, "GRAPHQL_VALIDATION_FAILED").await;
    assert_eq!(core.error()["message"], json!(BEYOND_32_BITS));
    assert_eq!(core.error()["locations"], json!([{"line": 1, "column": 20}]));
    assert_eq!(core.0["data"], Value::Null);
    let beyond = "{ objects(paging: {first: 99999999999999999999}) { totalCount } }";
    let metadata = app.run_metadata(beyond).await;
    assert_eq!(metadata.error_code(), "GRAPHQL_VALIDATION_FAILED");
    assert_eq!(metadata.error()["message"], json!(BEYOND_32_BITS));
}

#[actix_web::test]
async fn a_large_integer_where_the_grammar_wants_a_name_is_still_a_syntax_error() {
    let app = app().await;
    let misplaced = [
        "{ companies 99999999999999999999 }",
        "{ companies(99999999999999999999) { totalCount } }",
    ];
    for document in misplaced {
        assert_error_code(&app, document, "GRAPHQL_PARSE_FAILED").await;
    }
}

/// An error after a `JSON` object or list literal is located in the client's document, although juniper reads the
/// literal encoded as a string of another length: on the core API (a custom `JSON` field) and on the metadata API.
#[actix_web::test]
async fn errors_after_a_json_literal_are_located_in_the_clients_document() {
    let app = app().await;
    let company = app.object_id("company").await;
    let field = |name: &str, default: &str| {
        format!(
            "createOneField(data: {{objectMetadataId: \"{company}\", name: \"{name}\", label: \"{name}\", type: JSON{default}}})"
        )
    };
    app.metadata_query(&format!("mutation {{ {} {{ id }} }}", field("extra", "")))
        .await;
    let core = app
        .run("mutation {\n  createCompany(data: {name: \"x\", extra: {a: [1,\n 2], b: \"c\"}}) { id nope }\n}")
        .await;
    assert_eq!(core.error_code(), "GRAPHQL_VALIDATION_FAILED");
    assert_eq!(core.error()["locations"], json!([{"line": 3, "column": 21}]));
    let document = format!(
        "mutation {{ {} {{ id nope }} }}",
        field("other", ", defaultValue: {a: [1]}")
    );
    let metadata = app.run_metadata(&document).await;
    assert_eq!(metadata.error_code(), "GRAPHQL_VALIDATION_FAILED");
    let column = document[..document.find("nope").unwrap()].chars().count() + 1;
    assert_eq!(metadata.error()["locations"], json!([{"line": 1, "column": column}]));
}
