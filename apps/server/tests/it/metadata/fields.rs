//! Every field type is creatable, writable, readable and filterable; every relation kind is navigable from both
//! sides.

use super::{app, create_field, create_object, delete_one, document, field_input};
use crate::support::{TestApp, node_where};
use serde_json::{Value, json};

/// A field of the `gadget` object: its name, its type, a value to write into it, and a filter that selects that value.
struct FieldCase {
    name: &'static str,
    field_type: &'static str,
    value: Value,
    filter: Value,
}

fn case(name: &'static str, field_type: &'static str, value: impl Into<Value>, filter: Value) -> FieldCase {
    let value = value.into();
    FieldCase {
        name,
        field_type,
        value,
        filter,
    }
}

/// What creating the gadget's field `name` takes besides its name and type: settings, options.
fn creation_extra(name: &str) -> Value {
    match name {
        "units" => json!({"settings": {"dataType": "int"}}),
        "tier" => json!({"options": [{"value": "A", "label": "A"}, {"value": "B", "label": "B"}]}),
        "tags" => json!({"options": [{"value": "X", "label": "X"}, {"value": "Y", "label": "Y"}]}),
        "stars" => json!({"options": [{"value": "RATING_1", "label": "1"}, {"value": "RATING_2", "label": "2"}]}),
        _ => json!({}),
    }
}

const SEEN_AT: &str = "2024-05-01T10:00:00.000Z";
const REF: &str = "11111111-1111-4111-8111-111111111111";

#[actix_web::test]
async fn every_field_type_is_creatable_writable_readable_and_filterable() {
    let app = app().await;
    let object = create_object(&app, "gadget", "gadgets").await;
    let (euros, ada, xy) = (
        json!({"amountMicros": 1500000, "currencyCode": "EUR"}),
        json!({"firstName": "Ada", "lastName": "L"}),
        json!(["X", "Y"]),
    );
    let fields = [
        case("label", "TEXT", "hello", json!({"eq": "hello"})),
        case("weight", "NUMBER", 2.5, json!({"gt": 2})),
        case("units", "NUMBER", 7, json!({"in": [7, 8]})),
        case("enabled", "BOOLEAN", true, json!({"eq": true})),
        case("seenAt", "DATE_TIME", SEEN_AT, json!({"lte": SEEN_AT})),
        case("day", "DATE", "2024-05-01", json!({"eq": "2024-05-01"})),
        case("contact", "EMAIL", "g@example.com", json!({"ilike": "%EXAMPLE%"})),
        case("phone", "PHONE", "+33 1 23 45 67 89", json!({"startsWith": "+33"})),
        case("site", "URL", "https://gadget.example", json!({"like": "https://%"})),
        case("cost", "CURRENCY", euros, json!({"currencyCode": {"eq": "EUR"}})),
        case("tier", "SELECT", "B", json!({"eq": "B"})),
        case("tags", "MULTI_SELECT", xy.clone(), json!({"containsAll": xy})),
        case("stars", "RATING", "RATING_2", json!({"eq": "RATING_2"})),
        case("extra", "JSON", "{\"a\":1}", json!({"is": "NOT_NULL"})),
        case("owner", "FULL_NAME", ada, json!({"firstName": {"eq": "Ada"}})),
        case("ref", "UUID", REF, json!({"eq": REF})),
    ];
    let mut data = serde_json::Map::new();
    for field in &fields {
        let input = field_input(&object, field.name, field.field_type, &creation_extra(field.name));
        let created = create_field(&app, input).await;
        assert_eq!(created["type"], json!(field.field_type));
        data.insert(field.name.to_string(), field.value.clone());
    }
    let create = "mutation($d: GadgetCreateInput!) { createGadget(data: $d) { id } }";
    app.query_with(create, json!({"d": data})).await;
    let other = "mutation { createGadget(data: {label: \"other\"}) { id } }";
    app.query(other).await;
    let selection = "label weight units enabled seenAt day contact phone site cost { amountMicros currencyCode } tier tags stars extra owner { firstName lastName } ref";
    for field in &fields {
        let query =
            format!("query($f: GadgetFilterInput) {{ gadgets(filter: $f) {{ edges {{ node {{ {selection} }} }} }} }}");
        let (name, value) = (field.name, &field.value);
        let found = app.query_with(&query, json!({"f": {name: field.filter}})).await;
        let edges = found["gadgets"]["edges"].as_array().unwrap();
        assert_eq!(edges.len(), 1, "filter on {name}: {found}");
        assert_eq!(&edges[0]["node"][name], value, "{name} reads back");
    }
}

/// Objects `author` and `book` related in every kind, one author and one book linked through each: (author id,
/// book id).
async fn authors_and_books(app: &TestApp) -> (String, String) {
    let (author, book) = (
        create_object(app, "author", "authors").await,
        create_object(app, "book", "books").await,
    );
    for (kind, from, to) in [
        ("ONE_TO_MANY", "books", "writer"),
        ("MANY_TO_ONE", "favouriteBook", "fans"),
        ("ONE_TO_ONE", "masterpiece", "creator"),
        ("MANY_TO_MANY", "coauthored", "coauthors"),
    ] {
        app.metadata_query_with(
            document!("CreateRelation"),
            json!({"input": {"relationType": kind, "fromObjectMetadataId": author, "toObjectMetadataId": book,
                             "fromFieldMetadataName": from, "toFieldMetadataName": to}}),
        )
        .await;
    }
    let a = app.query("mutation { createAuthor(data: {}) { id } }").await["createAuthor"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let b = app
        .query_with(
            "mutation($a: ID!) { createBook(data: {writerId: $a}) { id } }",
            json!({"a": a}),
        )
        .await["createBook"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    app.query_with(
        "mutation($a: ID!, $b: ID!) { updateAuthor(id: $a, data: {favouriteBookId: $b, masterpieceId: $b, coauthoredIds: [$b]}) { id } }",
        json!({"a": a, "b": b}),
    )
    .await;
    (a, b)
}

#[actix_web::test]
async fn every_relation_kind_is_navigable_from_its_from_side() {
    let app = app().await;
    let (_, b) = authors_and_books(&app).await;
    let from_author = app
        // A page of ten: per-parent counts cost their table's estimated rows each (contract §10).
        .query("{ authors(first: 10) { edges { node { books { totalCount } favouriteBook { id } masterpiece { id } coauthored { totalCount } } } } }").await;
    let node = &from_author["authors"]["edges"][0]["node"];
    assert_eq!(node["books"]["totalCount"], json!(1));
    assert_eq!(node["favouriteBook"]["id"], json!(b));
    assert_eq!(node["masterpiece"]["id"], json!(b));
    assert_eq!(node["coauthored"]["totalCount"], json!(1));
}

#[actix_web::test]
async fn every_relation_kind_is_navigable_from_its_to_side() {
    let app = app().await;
    let (a, _) = authors_and_books(&app).await;
    let from_book = app
        .query("{ books(first: 10) { edges { node { writer { id } fans { totalCount } creator { id } coauthors { totalCount } } } } }").await;
    let node = &from_book["books"]["edges"][0]["node"];
    assert_eq!(node["writer"]["id"], json!(a));
    assert_eq!(node["fans"]["totalCount"], json!(1));
    assert_eq!(node["creator"]["id"], json!(a));
    assert_eq!(node["coauthors"]["totalCount"], json!(1));
}

#[actix_web::test]
async fn records_are_filterable_through_their_to_one_side() {
    let app = app().await;
    let (a, _) = authors_and_books(&app).await;
    let by_writer = "query($a: ID!) { books(filter: {writer: {id: {eq: $a}}}) { totalCount } }";
    let filtered = app.query_with(by_writer, json!({"a": a})).await;
    assert_eq!(filtered["books"]["totalCount"], json!(1));
}

#[actix_web::test]
async fn deleting_a_relation_removes_both_fields() {
    let app = app().await;
    authors_and_books(&app).await;
    let all_relations = "{ relations { edges { node { id relationType } } } }";
    let relations = app.metadata_query(all_relations).await;
    let m2m = node_where(&relations["relations"], "relationType", "MANY_TO_MANY");
    delete_one(&app, "Relation", &m2m["id"]).await.data();
    let coauthors = "{ books { edges { node { coauthors { totalCount } } } } }";
    let gone = app.run(coauthors).await;
    assert_eq!(gone.error_code(), "GRAPHQL_VALIDATION_FAILED");
}
