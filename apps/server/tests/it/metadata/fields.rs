//! Every field type is creatable, writable, readable and filterable; every relation kind is navigable from both
//! sides.

use super::{app, create_field, create_object, delete_one, document, field_input};
use crate::support::{TestApp, node_where};
use serde_json::json;

#[actix_web::test]
async fn every_field_type_is_creatable_writable_readable_and_filterable() {
    let app = app().await;
    let object = create_object(&app, "gadget", "gadgets").await;
    let fields = [
        ("label", "TEXT", json!({}), json!("hello"), json!({"eq": "hello"})),
        ("weight", "NUMBER", json!({}), json!(2.5), json!({"gt": 2})),
        (
            "units",
            "NUMBER",
            json!({"settings": {"dataType": "int"}}),
            json!(7),
            json!({"in": [7, 8]}),
        ),
        ("enabled", "BOOLEAN", json!({}), json!(true), json!({"eq": true})),
        (
            "seenAt",
            "DATE_TIME",
            json!({}),
            json!("2024-05-01T10:00:00.000Z"),
            json!({"lte": "2024-05-01T10:00:00.000Z"}),
        ),
        (
            "day",
            "DATE",
            json!({}),
            json!("2024-05-01"),
            json!({"eq": "2024-05-01"}),
        ),
        (
            "contact",
            "EMAIL",
            json!({}),
            json!("g@example.com"),
            json!({"ilike": "%EXAMPLE%"}),
        ),
        (
            "phone",
            "PHONE",
            json!({}),
            json!("+33 1 23 45 67 89"),
            json!({"startsWith": "+33"}),
        ),
        (
            "site",
            "URL",
            json!({}),
            json!("https://gadget.example"),
            json!({"like": "https://%"}),
        ),
        (
            "cost",
            "CURRENCY",
            json!({}),
            json!({"amountMicros": 1500000, "currencyCode": "EUR"}),
            json!({"currencyCode": {"eq": "EUR"}}),
        ),
        (
            "tier",
            "SELECT",
            json!({"options": [{"value": "A", "label": "A"}, {"value": "B", "label": "B"}]}),
            json!("B"),
            json!({"eq": "B"}),
        ),
        (
            "tags",
            "MULTI_SELECT",
            json!({"options": [{"value": "X", "label": "X"}, {"value": "Y", "label": "Y"}]}),
            json!(["X", "Y"]),
            json!({"containsAll": ["X", "Y"]}),
        ),
        (
            "stars",
            "RATING",
            json!({"options": [{"value": "RATING_1", "label": "1"}, {"value": "RATING_2", "label": "2"}]}),
            json!("RATING_2"),
            json!({"eq": "RATING_2"}),
        ),
        (
            "extra",
            "JSON",
            json!({}),
            json!("{\"a\":1}"),
            json!({"is": "NOT_NULL"}),
        ),
        (
            "owner",
            "FULL_NAME",
            json!({}),
            json!({"firstName": "Ada", "lastName": "L"}),
            json!({"firstName": {"eq": "Ada"}}),
        ),
        (
            "ref",
            "UUID",
            json!({}),
            json!("11111111-1111-4111-8111-111111111111"),
            json!({"eq": "11111111-1111-4111-8111-111111111111"}),
        ),
    ];
    let mut data = serde_json::Map::new();
    for (name, field_type, extra, value, _) in &fields {
        let created = create_field(&app, field_input(&object, name, field_type, extra)).await;
        assert_eq!(created["type"], json!(field_type));
        data.insert(name.to_string(), value.clone());
    }
    app.query_with(
        "mutation($d: GadgetCreateInput!) { createGadget(data: $d) { id } }",
        json!({"d": data}),
    )
    .await;
    app.query("mutation { createGadget(data: {label: \"other\"}) { id } }")
        .await;
    let selection = "label weight units enabled seenAt day contact phone site cost { amountMicros currencyCode } tier tags stars extra owner { firstName lastName } ref";
    for (name, _, _, value, filter) in &fields {
        let query =
            format!("query($f: GadgetFilterInput) {{ gadgets(filter: $f) {{ edges {{ node {{ {selection} }} }} }} }}");
        let found = app.query_with(&query, json!({"f": {*name: filter}})).await;
        let edges = found["gadgets"]["edges"].as_array().unwrap();
        assert_eq!(edges.len(), 1, "filter on {name}: {found}");
        assert_eq!(&edges[0]["node"][*name], value, "{name} reads back");
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
        .query("{ authors { edges { node { books { totalCount } favouriteBook { id } masterpiece { id } coauthored { totalCount } } } } }").await;
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
        .query("{ books { edges { node { writer { id } fans { totalCount } creator { id } coauthors { totalCount } } } } }").await;
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
    let relations = app
        .metadata_query("{ relations { edges { node { id relationType } } } }")
        .await;
    let m2m = node_where(&relations["relations"], "relationType", "MANY_TO_MANY");
    delete_one(&app, "Relation", &m2m["id"]).await.data();
    let gone = app
        .run("{ books { edges { node { coauthors { totalCount } } } } }")
        .await;
    assert_eq!(gone.error_code(), "GRAPHQL_VALIDATION_FAILED");
}
