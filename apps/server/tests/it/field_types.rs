//! The custom-field types of contract §11 (`EMAILS`, `PHONES`, `LINKS`, `ADDRESS`, `ARRAY`, `RICH_TEXT`,
//! `NUMERIC`), each end to end: created through `/metadata`, written and read through GraphQL and REST, filtered by
//! every sub-field, ordered where orderable, and bad values refused with VALIDATION_ERROR, nothing written.

use crate::support::{TestApp, encode, node_texts, texts};
use serde_json::{Value, json};

/// One type under test: two records' values (`low` sorts before `high` on every orderable sub-field), and the
/// filters and bad values to try.
struct Case {
    field_type: &'static str,
    /// The field's GraphQL selection (`{ primaryEmail additionalEmails }` or empty for a leaf).
    selection: &'static str,
    low: Value,
    high: Value,
    /// (sub-field or "" for the field itself, operator, operand) filters that match `low` only.
    filters: Vec<(&'static str, &'static str, Value)>,
    /// Sub-fields (or "" for the field itself) to order by.
    orderable: Vec<&'static str>,
    /// Sub-fields not orderable (refused in an order).
    not_orderable: Vec<&'static str>,
    /// Bad values, each with the error path that must be named (`f.primaryEmail`).
    bad: Vec<(Value, &'static str)>,
}

const FIELD: &str = "f";

/// An app with a custom object `gadget` holding a TEXT field `name` and a field `f` of `field_type`, created through
/// Twenty's REST metadata route (`/rest/metadata/fields`), and a second field `g` of the same type created through
/// `/metadata`; both are read back with their type through both APIs.
async fn gadgets(field_type: &str) -> TestApp {
    let app = TestApp::new().await.with_workspace().await;
    let object = app
        .metadata_query("mutation { createOneObject(data: {nameSingular: \"gadget\", namePlural: \"gadgets\", labelSingular: \"Gadget\", labelPlural: \"Gadgets\"}) { id } }")
        .await;
    let object_id = object["createOneObject"]["id"].as_str().unwrap().to_string();
    app.metadata_query_with(
        "mutation($d: CreateFieldInput!) { createOneField(data: $d) { id } }",
        json!({"d": {"objectMetadataId": object_id, "name": "name", "label": "Name", "type": "TEXT"}}),
    )
    .await;
    let f = json!({"objectMetadataId": object_id, "name": FIELD, "label": "F", "type": field_type});
    let created = app.rest_post("/rest/metadata/fields", f).await.expect(201);
    assert_eq!(
        created["data"]["createOneField"]["type"],
        json!(field_type),
        "{created}"
    );
    let created = app
        .metadata_query_with(
            "mutation($d: CreateFieldInput!) { createOneField(data: $d) { id type } }",
            json!({"d": {"objectMetadataId": object_id, "name": "g", "label": "G", "type": field_type}}),
        )
        .await;
    assert_eq!(created["createOneField"]["type"], json!(field_type));
    let object = format!("/rest/metadata/objects/{object_id}");
    let listed = app.rest_get(&object).await.expect(200);
    let fields = listed["data"]["object"]["fields"].as_array().unwrap();
    for name in [FIELD, "g"] {
        let field = fields.iter().find(|f| f["name"] == json!(name)).unwrap();
        assert_eq!(field["type"], json!(field_type), "{field}");
    }
    app
}

/// The text of an operand in a REST query string (lists comma-separated).
fn query_text(operand: &Value) -> String {
    match operand {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(query_text).collect::<Vec<_>>().join(","),
        other => other.to_string(),
    }
}

fn path_of(sub: &str) -> String {
    if sub.is_empty() {
        FIELD.to_string()
    } else {
        format!("{FIELD}.{sub}")
    }
}

/// `{f: {sub: inner}}` or `{f: inner}`.
fn nested(sub: &str, inner: Value) -> Value {
    if sub.is_empty() {
        json!({FIELD: inner})
    } else {
        json!({FIELD: {sub: inner}})
    }
}

async fn count(app: &TestApp) -> u64 {
    app.query("{ gadgets { totalCount } }").await["gadgets"]["totalCount"]
        .as_u64()
        .unwrap()
}

/// The names of the gadgets a GraphQL document answers (its `gadgets` connection).
async fn graphql_names(app: &TestApp, document: &str, variables: Value) -> Vec<String> {
    node_texts(&app.query_with(document, variables).await["gadgets"], "name")
}

/// The names of the gadgets a REST list answers.
async fn rest_names(app: &TestApp, path: &str) -> Vec<String> {
    texts(&app.rest_get(path).await.expect(200)["data"], "name")
}

async fn run(case: Case) {
    let app = gadgets(case.field_type).await;
    let low_id = written_and_read_back(&app, &case).await;
    filters_match_low_only(&app, &case).await;
    orders_put_low_first(&app, &case).await;
    bad_values_are_refused(&app, &case, &low_id).await;

    // The types are in the schema and the OpenAPI document.
    let document = app
        .get(&format!("/rest/open-api/core?token={}", app.token), None)
        .await
        .expect(200);
    assert!(
        document["components"]["schemas"]["Gadget"]["properties"][FIELD].is_object(),
        "{}",
        document["components"]["schemas"]["Gadget"]
    );
}

/// `low` and `high` written and read back through both APIs: low's id.
async fn written_and_read_back(app: &TestApp, case: &Case) -> String {
    let sel = case.selection;
    // GraphQL: create low (JSON sub-fields included, in a variable), read it back as written.
    let created = app
        .query_with(
            &format!("mutation($d: GadgetCreateInput!) {{ createGadget(data: $d) {{ id name {FIELD} {sel} }} }}"),
            json!({"d": {"name": "low", FIELD: case.low.clone()}}),
        )
        .await;
    let low_id = created["createGadget"]["id"].as_str().unwrap().to_string();
    let mut expected = case.low.clone();
    if let (Some(map), Some(read)) = (expected.as_object_mut(), created["createGadget"][FIELD].as_object()) {
        for (k, v) in read {
            map.entry(k.clone()).or_insert(v.clone());
        }
    }
    assert_eq!(created["createGadget"][FIELD], expected, "{created}");
    // The same value through REST's PATCH.
    let low = format!("/rest/gadgets/{low_id}");
    app.rest_patch(&low, json!({FIELD: case.low})).await.expect(200);

    // REST: create high (first as low's value, then updated through PATCH).
    let high = app
        .rest_post("/rest/gadgets", json!({"name": "high", FIELD: case.low}))
        .await;
    let high_id = high.expect(201)["data"]["id"].as_str().unwrap().to_string();
    let high = format!("/rest/gadgets/{high_id}");
    let patched = app.rest_patch(&high, json!({FIELD: case.high})).await.expect(200);
    assert_eq!(patched["data"][FIELD], case.high, "{patched}");
    let read = app.rest_get(&low).await.expect(200);
    assert_eq!(read["data"][FIELD], case.low, "{read}");

    // GraphQL update round trip on low (same value), and read through GraphQL.
    let update =
        format!("mutation($id: ID!, $d: GadgetUpdateInput!) {{ updateGadget(id: $id, data: $d) {{ {FIELD} {sel} }} }}");
    let low_again = json!({"id": low_id, "d": {FIELD: case.low.clone()}});
    let updated = app.query_with(&update, low_again).await;
    assert_eq!(updated["updateGadget"][FIELD], case.low, "{updated}");
    let by_id = format!("query($id: ID!) {{ gadget(filter: {{id: {{eq: $id}}}}) {{ {FIELD} {sel} }} }}");
    let one = app.query_with(&by_id, json!({"id": high_id})).await;
    assert_eq!(one["gadget"][FIELD], case.high, "{one}");
    low_id
}

/// Each filter matches low only, on both APIs and both REST dialects.
async fn filters_match_low_only(app: &TestApp, case: &Case) {
    let filtered = "query($f: GadgetFilterInput) { gadgets(filter: $f) { edges { node { name } } } }";
    for (sub, op, operand) in &case.filters {
        let filter = nested(sub, json!({*op: operand}));
        let names = graphql_names(app, filtered, json!({"f": filter})).await;
        assert_eq!(names, ["low"], "GraphQL filter {filter}");
        let text = query_text(operand);
        let bracket = format!(
            "/rest/gadgets?filter[{}][{op}]={}",
            encode(&path_of(sub)),
            encode(&text)
        );
        let twenty_operand = match operand {
            Value::Array(_) => format!("[{text}]"),
            Value::String(s) if *op != "is" => format!("\"{s}\""),
            _ => text.clone(),
        };
        let twenty = format!(
            "/rest/gadgets?filter={}",
            encode(&format!("{}[{op}]:{twenty_operand}", path_of(sub)))
        );
        for path in [bracket, twenty] {
            assert_eq!(rest_names(app, &path).await, ["low"], "REST {path}");
        }
    }
}

/// Each orderable sub-field sorts low before high (and back), on both APIs; the others are refused.
async fn orders_put_low_first(app: &TestApp, case: &Case) {
    let ordered = "query($o: [GadgetOrderByInput!]) { gadgets(orderBy: $o) { edges { node { name } } } }";
    for sub in &case.orderable {
        for (direction, expected) in [("AscNullsLast", ["low", "high"]), ("DescNullsLast", ["high", "low"])] {
            let order = nested(sub, json!(direction));
            let names = graphql_names(app, ordered, json!({"o": [order]})).await;
            assert_eq!(names, expected, "GraphQL order {order}");
            let path = format!(
                "/rest/gadgets?order_by={}",
                encode(&format!("{}[{direction}]", path_of(sub)))
            );
            assert_eq!(rest_names(app, &path).await, expected, "REST {path}");
        }
    }
    for sub in &case.not_orderable {
        let path = format!(
            "/rest/gadgets?order_by={}",
            encode(&format!("{}[AscNullsFirst]", path_of(sub)))
        );
        app.rest_get(&path).await.expect_error(400, "VALIDATION_ERROR");
    }
}

/// Bad values: refused on both APIs, naming the field, and nothing written.
async fn bad_values_are_refused(app: &TestApp, case: &Case, low_id: &str) {
    let low = format!("/rest/gadgets/{low_id}");
    for (bad, path) in &case.bad {
        let gql = app
            .graphql(
                "mutation($d: GadgetCreateInput!) { createGadget(data: $d) { id } }",
                json!({"d": {"name": "bad", FIELD: bad}}),
            )
            .await;
        // A value of the wrong GraphQL type fails the document's validation; the rest fail the domain's.
        let code = gql.error_code();
        assert!(
            code == "VALIDATION_ERROR" || code == "GRAPHQL_VALIDATION_FAILED",
            "{bad}: {}",
            gql.0
        );
        // GraphQL's own validation names the field's parts its way (`In field "f": In field "markdown"`).
        let named = path.split(['.', '[']).nth(1).unwrap_or(FIELD);
        assert!(
            gql.0.to_string().contains(named),
            "{bad} should name {named}: {}",
            gql.0
        );
        let res = app.rest_post("/rest/gadgets", json!({"name": "bad", FIELD: bad})).await;
        res.expect_error(400, "VALIDATION_ERROR");
        assert!(res.body.contains(path), "{bad} should name {path}: {}", res.body);
        let res = app.rest_patch(&low, json!({FIELD: bad})).await;
        assert_eq!(res.status, 400, "{bad}: {}", res.body);
        assert_eq!(count(app).await, 2);
        let read = app.rest_get(&low).await.expect(200);
        assert_eq!(read["data"][FIELD], case.low, "{read}");
    }
}

#[actix_web::test]
async fn array_fields_hold_lists_of_text() {
    run(Case {
        field_type: "ARRAY",
        selection: "",
        low: json!(["red", "green"]),
        high: json!(["blue"]),
        filters: vec![
            ("", "containsAny", json!(["green", "yellow"])),
            ("", "containsAll", json!(["green", "red"])),
        ],
        orderable: vec![],
        not_orderable: vec![""],
        bad: vec![(json!("red"), "f"), (json!([1, 2]), "f")],
    })
    .await;
}

#[actix_web::test]
async fn numeric_fields_hold_exact_decimals_as_strings() {
    run(Case {
        field_type: "NUMERIC",
        selection: "",
        low: json!("12.50"),
        high: json!("123456789012345678901234567890.123456789"),
        filters: vec![("", "eq", json!("12.5")), ("", "lt", json!("100"))],
        orderable: vec![""],
        not_orderable: vec![],
        bad: vec![(json!("twelve"), "f"), (json!("1.2.3"), "f"), (json!(true), "f")],
    })
    .await;
}

#[actix_web::test]
async fn emails_fields_have_a_primary_email_and_additional_ones() {
    run(Case {
        field_type: "EMAILS",
        selection: "{ primaryEmail additionalEmails }",
        low: json!({"primaryEmail": "ada@example.com", "additionalEmails": ["ada@work.example.com"]}),
        high: json!({"primaryEmail": "bob@example.com", "additionalEmails": null}),
        filters: vec![
            ("primaryEmail", "eq", json!("ada@example.com")),
            ("primaryEmail", "like", json!("ada%")),
            ("additionalEmails", "is", json!("NOT_NULL")),
        ],
        orderable: vec!["primaryEmail"],
        not_orderable: vec!["additionalEmails"],
        bad: vec![
            (json!({"primaryEmail": "not-an-email"}), "f.primaryEmail"),
            (
                json!({"additionalEmails": ["ok@example.com", "nope"]}),
                "f.additionalEmails[1]",
            ),
            (json!({"additionalEmails": "ok@example.com"}), "f.additionalEmails"),
            (json!({"secondaryEmail": "ok@example.com"}), "f.secondaryEmail"),
        ],
    })
    .await;
}

#[actix_web::test]
async fn links_fields_have_a_primary_link_and_secondary_ones() {
    run(Case {
        field_type: "LINKS",
        selection: "{ primaryLinkUrl primaryLinkLabel secondaryLinks }",
        low: json!({"primaryLinkUrl": "https://a.example.com", "primaryLinkLabel": "A", "secondaryLinks": [{"url": "docs.example.com/x", "label": "Docs"}]}),
        high: json!({"primaryLinkUrl": "b.example.com", "primaryLinkLabel": "B", "secondaryLinks": null}),
        filters: vec![
            ("primaryLinkUrl", "eq", json!("https://a.example.com")),
            ("primaryLinkLabel", "eq", json!("A")),
            ("secondaryLinks", "is", json!("NOT_NULL")),
        ],
        orderable: vec!["primaryLinkLabel"],
        not_orderable: vec!["secondaryLinks"],
        bad: vec![
            (json!({"primaryLinkUrl": "not a url"}), "f.primaryLinkUrl"),
            (json!({"secondaryLinks": [{"url": "javascript:alert(1)"}]}), "f.secondaryLinks[0].url"),
            (json!({"secondaryLinks": [{"href": "a.example.com"}]}), "f.secondaryLinks[0].href"),
        ],
    })
    .await;
}

#[actix_web::test]
async fn phones_fields_have_a_primary_phone_and_additional_ones() {
    run(Case {
        field_type: "PHONES",
        selection: "{ primaryPhoneNumber primaryPhoneCountryCode primaryPhoneCallingCode additionalPhones }",
        low: json!({"primaryPhoneNumber": "612345678", "primaryPhoneCountryCode": "FR", "primaryPhoneCallingCode": "+33", "additionalPhones": [{"number": "5550123", "countryCode": "US", "callingCode": "+1"}]}),
        high: json!({"primaryPhoneNumber": "712345678", "primaryPhoneCountryCode": "GB", "primaryPhoneCallingCode": "+44", "additionalPhones": null}),
        filters: vec![
            ("primaryPhoneNumber", "eq", json!("612345678")),
            ("primaryPhoneCountryCode", "eq", json!("FR")),
            ("primaryPhoneCallingCode", "eq", json!("+33")),
            ("additionalPhones", "is", json!("NOT_NULL")),
        ],
        orderable: vec!["primaryPhoneNumber", "primaryPhoneCountryCode", "primaryPhoneCallingCode"],
        not_orderable: vec!["additionalPhones"],
        bad: vec![
            (json!({"primaryPhoneNumber": "call me"}), "f.primaryPhoneNumber"),
            (json!({"primaryPhoneCountryCode": "France"}), "f.primaryPhoneCountryCode"),
            (json!({"primaryPhoneCallingCode": "33"}), "f.primaryPhoneCallingCode"),
            (json!({"primaryPhoneCallingCode": "+12345"}), "f.primaryPhoneCallingCode"),
            (json!({"additionalPhones": [{"number": "5550123", "callingCode": "1"}]}), "f.additionalPhones[0].callingCode"),
        ],
    })
    .await;
}

#[actix_web::test]
async fn address_fields_have_twentys_eight_sub_fields() {
    run(Case {
        field_type: "ADDRESS",
        selection: "{ addressStreet1 addressStreet2 addressCity addressState addressCountry addressPostcode addressLat addressLng }",
        low: json!({"addressStreet1": "1 Elm St", "addressStreet2": "Apt 1", "addressCity": "Boston", "addressState": "MA", "addressCountry": "United States", "addressPostcode": "02101", "addressLat": 42.36, "addressLng": -71.06}),
        high: json!({"addressStreet1": "2 Oak Ave", "addressStreet2": "Apt 2", "addressCity": "Paris", "addressState": "NY", "addressCountry": "X France", "addressPostcode": "75001", "addressLat": 48.86, "addressLng": 2.35}),
        filters: vec![
            ("addressStreet1", "eq", json!("1 Elm St")),
            ("addressStreet2", "eq", json!("Apt 1")),
            ("addressCity", "ilike", json!("bos%")),
            ("addressState", "eq", json!("MA")),
            ("addressCountry", "startsWith", json!("United")),
            ("addressPostcode", "eq", json!("02101")),
            ("addressLat", "lt", json!(45)),
            ("addressLng", "lt", json!(0)),
        ],
        orderable: vec![
            "addressStreet1",
            "addressStreet2",
            "addressCity",
            "addressState",
            "addressCountry",
            "addressPostcode",
            "addressLat",
            "addressLng",
        ],
        not_orderable: vec![],
        bad: vec![
            (json!({"addressLat": 91}), "f.addressLat"),
            (json!({"addressLng": "east"}), "f.addressLng"),
            (json!({"addressZipCode": "02101"}), "f.addressZipCode"),
        ],
    })
    .await;
}

#[actix_web::test]
async fn rich_text_fields_have_blocknote_and_markdown() {
    run(Case {
        field_type: "RICH_TEXT",
        selection: "{ blocknote markdown }",
        low: json!({"blocknote": "[{\"type\":\"paragraph\",\"content\":\"a\"}]", "markdown": "a"}),
        high: json!({"blocknote": "[{\"type\":\"paragraph\",\"content\":\"b\"}]", "markdown": "b"}),
        filters: vec![("markdown", "eq", json!("a")), ("blocknote", "like", json!("%\"a\"%"))],
        orderable: vec!["markdown", "blocknote"],
        not_orderable: vec![],
        bad: vec![(json!({"markdown": 5}), "f.markdown"), (json!("text"), "f")],
    })
    .await;
}
