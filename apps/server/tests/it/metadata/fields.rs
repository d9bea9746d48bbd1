//! Every field type is creatable, writable, readable and filterable; every relation kind is navigable from both
//! sides.

use super::{app, create_field, create_object, delete_one, document, field_input};
use crate::support::{TestApp, node_where, nodes};
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

/// Each kind from its from side (an author's books, favourite book, masterpiece, co-authored books) and from its to
/// side (a book's writer, fans, creator, co-authors). A page of ten: per-parent counts cost their table's estimated
/// rows each (contract §10).
#[actix_web::test]
async fn every_relation_kind_is_navigable_from_both_sides() {
    let app = app().await;
    let (a, b) = authors_and_books(&app).await;
    let from_author = "{ authors(first: 10) { edges { node { books { totalCount } favouriteBook { id } masterpiece { id } coauthored { totalCount } } } } }";
    assert_eq!(
        app.query(from_author).await["authors"]["edges"][0]["node"],
        json!({"books": {"totalCount": 1}, "favouriteBook": {"id": b}, "masterpiece": {"id": b}, "coauthored": {"totalCount": 1}})
    );
    let from_book = "{ books(first: 10) { edges { node { writer { id } fans { totalCount } creator { id } coauthors { totalCount } } } } }";
    assert_eq!(
        app.query(from_book).await["books"]["edges"][0]["node"],
        json!({"writer": {"id": a}, "fans": {"totalCount": 1}, "creator": {"id": a}, "coauthors": {"totalCount": 1}})
    );
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

/// The object `gadget` with one JSON field, `fjson`, and one text field, `ftext`: the object's id.
async fn gadget_with_a_json_field(app: &TestApp) -> String {
    let object = create_object(app, "gadget", "gadgets").await;
    create_field(app, field_input(&object, "fjson", "JSON", &json!({}))).await;
    create_field(app, field_input(&object, "ftext", "TEXT", &json!({}))).await;
    object
}

/// The `fjson` of every gadget, in creation order.
async fn json_values(app: &TestApp) -> Vec<Value> {
    let in_order = "{ gadgets(orderBy: [{position: AscNullsFirst}]) { edges { node { fjson } } } }";
    let read = app.query(in_order).await;
    nodes(&read["gadgets"]).map(|node| node["fjson"].clone()).collect()
}

/// What the server uses internally to carry JSON objects and lists through juniper (see `docs/graphql.md`):
/// strings that begin with it are still plain strings to clients.
const TUNNEL_MARK: &str = "\u{FDD0}json:";

#[actix_web::test]
async fn a_json_field_takes_any_json_value_as_a_variable() {
    let app = app().await;
    gadget_with_a_json_field(&app).await;
    let values = [
        json!({"a": [1, 2], "b": {"c": "d", "e": null, "f": [{"g": 2.5}]}}),
        json!([1, "two", [3], {"four": 4}, []]),
        json!({}),
        json!("{\"a\":1}"),
        json!(-3.5),
        json!(7),
        json!(true),
        Value::Null,
    ];
    let create = "mutation($d: GadgetCreateInput!) { createGadget(data: $d) { fjson } }";
    let created = app.query_with(create, json!({"d": {"fjson": values[0]}})).await;
    assert_eq!(created["createGadget"]["fjson"], values[0]);
    let batch = "mutation($d: [GadgetCreateInput!]!) { createGadgets(data: $d) { id fjson } }";
    let rest: Vec<Value> = values[1..].iter().map(|v| json!({"fjson": v})).collect();
    let batch = app.query_with(batch, json!({"d": rest})).await;
    assert_eq!(batch["createGadgets"][0]["fjson"], values[1]);
    assert_eq!(json_values(&app).await, values);

    // A variable typed JSON inside a literal input object, and a whole update input as a variable.
    let id = batch["createGadgets"][0]["id"].clone();
    let update = "mutation($id: ID!, $j: JSON) { updateGadget(id: $id, data: {fjson: $j}) { fjson } }";
    let updated = app
        .query_with(update, json!({"id": id, "j": {"k": [{"l": null}]}}))
        .await;
    assert_eq!(updated["updateGadget"]["fjson"], json!({"k": [{"l": null}]}));
    let update = "mutation($id: ID!, $d: GadgetUpdateInput!) { updateGadget(id: $id, data: $d) { fjson } }";
    let updated = app
        .query_with(update, json!({"id": id, "d": {"fjson": [[], {}]}}))
        .await;
    assert_eq!(updated["updateGadget"]["fjson"], json!([[], {}]));
    let many = "mutation($ids: [ID!], $d: GadgetUpdateInput!) { updateGadgets(ids: $ids, data: $d) { fjson } }";
    let many = app
        .query_with(many, json!({"ids": [id], "d": {"fjson": {"many": true}}}))
        .await;
    assert_eq!(many["updateGadgets"][0]["fjson"], json!({"many": true}));
}

#[actix_web::test]
async fn strings_that_begin_with_the_tunnel_mark_stay_strings_next_to_objects() {
    let app = app().await;
    gadget_with_a_json_field(&app).await;
    let marked = [
        format!("{TUNNEL_MARK}[1, 2]"),
        format!("{TUNNEL_MARK}\"x\""),
        TUNNEL_MARK.to_string(),
        format!("{TUNNEL_MARK}not json"),
    ];
    // Through variables, at JSON positions (beside objects) and at text positions.
    let batch = "mutation($d: [GadgetCreateInput!]!) { createGadgets(data: $d) { fjson ftext } }";
    let data: Vec<Value> = marked
        .iter()
        .map(|m| json!({"fjson": {"inner": m, "list": [m]}, "ftext": m}))
        .chain(marked.iter().map(|m| json!({"fjson": m})))
        .collect();
    let created = app.query_with(batch, json!({"d": data})).await;
    for (i, m) in marked.iter().enumerate() {
        assert_eq!(created["createGadgets"][i]["fjson"], json!({"inner": m, "list": [m]}));
        assert_eq!(created["createGadgets"][i]["ftext"], json!(m));
        assert_eq!(created["createGadgets"][marked.len() + i]["fjson"], json!(m));
    }
    // As literals, at a JSON position and at a text position.
    let literal = format!(
        "mutation {{ createGadget(data: {{fjson: {m}, ftext: {m}}}) {{ fjson ftext }} }}",
        m = json!(marked[0])
    );
    let created = app.query(&literal).await;
    assert_eq!(created["createGadget"], json!({"fjson": marked[0], "ftext": marked[0]}));
    // A JSON variable holding a marked string.
    let variable = "mutation($j: JSON) { createGadget(data: {fjson: $j}) { fjson } }";
    let created = app.query_with(variable, json!({"j": marked[1]})).await;
    assert_eq!(created["createGadget"]["fjson"], json!(marked[1]));
}

#[actix_web::test]
async fn filters_on_a_json_field_still_work_with_object_values_stored() {
    let app = app().await;
    gadget_with_a_json_field(&app).await;
    let create = "mutation($a: JSON, $b: JSON) { a: createGadget(data: {fjson: $a}) { id } b: createGadget(data: {fjson: $b}) { id } c: createGadget(data: {}) { id } }";
    app.query_with(create, json!({"a": {"a": 1}, "b": [1]})).await;
    let is = |what: &str| format!("{{ gadgets(filter: {{fjson: {{is: {what}}}}}) {{ totalCount }} }}");
    assert_eq!(app.query(&is("NOT_NULL")).await["gadgets"]["totalCount"], json!(2));
    assert_eq!(app.query(&is("NULL")).await["gadgets"]["totalCount"], json!(1));
    let variable = "query($f: GadgetFilterInput) { gadgets(filter: $f) { totalCount } }";
    let count = app
        .query_with(variable, json!({"f": {"fjson": {"is": "NOT_NULL"}}}))
        .await;
    assert_eq!(count["gadgets"]["totalCount"], json!(2));
}

#[actix_web::test]
async fn a_json_fields_default_value_may_be_an_object_or_list_variable() {
    let app = app().await;
    let object = create_object(&app, "gadget", "gadgets").await;
    let input = field_input(&object, "fjson", "JSON", &json!({"defaultValue": {"a": [1, 2]}}));
    let created = app
        .metadata_query_with(
            "mutation($input: CreateFieldInput!) { createOneField(data: $input) { defaultValue } }",
            json!({"input": input}),
        )
        .await;
    assert_eq!(created["createOneField"]["defaultValue"], json!({"a": [1, 2]}));
    let mutation = "mutation($id: ID!, $d: JSON) { createOneField(data: {objectMetadataId: $id, name: \"flist\", label: \"L\", type: JSON, defaultValue: $d}) { defaultValue } }";
    let created = app
        .metadata_query_with(mutation, json!({"id": object, "d": [1, {"b": null}]}))
        .await;
    assert_eq!(created["createOneField"]["defaultValue"], json!([1, {"b": null}]));
    let read = app.query("mutation { createGadget(data: {}) { fjson flist } }").await;
    assert_eq!(
        read["createGadget"],
        json!({"fjson": {"a": [1, 2]}, "flist": [1, {"b": null}]})
    );
}

#[actix_web::test]
async fn other_scalars_still_refuse_objects_and_lists_where_json_takes_them() {
    let app = app().await;
    gadget_with_a_json_field(&app).await;
    let create = "mutation($d: GadgetCreateInput!) { createGadget(data: $d) { fjson } }";
    let created = app.query_with(create, json!({"d": {"fjson": {"a": 1}}})).await;
    assert_eq!(created["createGadget"]["fjson"], json!({"a": 1}));
    for (document, variables) in [
        (create, json!({"d": {"ftext": {"a": 1}}})),
        (create, json!({"d": {"ftext": ["a"]}})),
        (create, json!({"d": {"id": {"a": 1}}})),
        (create, json!({"d": {"position": [1]}})),
        (
            "query($f: Int) { gadgets(first: $f) { totalCount } }",
            json!({"f": {"a": 1}}),
        ),
        (
            "query($f: Int) { gadgets(first: $f) { totalCount } }",
            json!({"f": [1]}),
        ),
        (
            "mutation($s: String) { createGadget(data: {ftext: $s}) { id } }",
            json!({"s": {"a": 1}}),
        ),
        ("mutation { createGadget(data: {ftext: {a: 1}}) { id } }", json!({})),
        ("mutation { createGadget(data: {ftext: [\"a\"]}) { id } }", json!({})),
    ] {
        let refused = app.graphql(document, variables).await;
        assert_eq!(
            refused.error_code(),
            "GRAPHQL_VALIDATION_FAILED",
            "{document}: {:?}",
            refused.0
        );
    }
}

/// Contract §11: JSON fields take objects and lists as literals too (juniper alone refuses them, see
/// `api_graphql::literals`), in the core API and in the metadata API, nested in lists and input objects.
#[actix_web::test]
async fn json_object_and_list_literals_are_values() {
    let app = app().await;
    let object = gadget_with_a_json_field(&app).await;
    for (literal, value) in [
        ("{a: [1, 2]}", json!({"a": [1, 2]})),
        ("[1, 2]", json!([1, 2])),
        ("[{a: 1}]", json!([{"a": 1}])),
        ("{}", json!({})),
        ("[]", json!([])),
        (
            "{s: \"x \\\" \\\\ \\n é 😀\", n: null, f: -2.5, t: true, e: SOME_ENUM, big: 12345678901}",
            json!({"s": "x \" \\ \n é 😀", "n": null, "f": -2.5, "t": true, "e": "SOME_ENUM", "big": 12345678901_i64}),
        ),
        // A string that looks like the tunnel's encoding stays that string.
        ("\"\u{FDD0}json:{}\"", json!("\u{FDD0}json:{}")),
    ] {
        let document = format!("mutation {{ createGadget(data: {{fjson: {literal}}}) {{ fjson }} }}");
        let created = app.query(&document).await;
        assert_eq!(created["createGadget"]["fjson"], value, "{literal}");
    }
    // In a batch (a list of input objects), beside a variable.
    let batch = app
        .query_with(
            "mutation($t: String) { createGadgets(data: [{fjson: {a: 1}, ftext: $t}, {fjson: [true]}]) { fjson ftext } }",
            json!({"t": "text"}),
        )
        .await;
    assert_eq!(batch["createGadgets"][0]["fjson"], json!({"a": 1}));
    assert_eq!(batch["createGadgets"][0]["ftext"], json!("text"));
    assert_eq!(batch["createGadgets"][1]["fjson"], json!([true]));
    // The metadata API: a JSON field's default value as an object literal.
    let metadata = format!(
        "mutation {{ createOneField(data: {{objectMetadataId: \"{object}\", name: \"fobject\", label: \"O\", type: JSON, defaultValue: {{a: [1]}}}}) {{ id defaultValue }} }}"
    );
    let created = app.run_metadata(&metadata).await;
    assert_eq!(
        created.0["data"]["createOneField"]["defaultValue"],
        json!({"a": [1]}),
        "{:?}",
        created.0
    );
    // Scalars still work as literals; literals elsewhere are still refused; a variable inside a JSON literal is
    // refused (GraphQL has no way to type it); a syntax error stays one.
    let created = app
        .query("mutation { createGadget(data: {fjson: \"{\\\"a\\\":1}\"}) { fjson } }")
        .await;
    assert_eq!(created["createGadget"]["fjson"], json!("{\"a\":1}"));
    let refused = app.run("mutation { createGadget(data: {ftext: {a: 1}}) { id } }").await;
    assert_eq!(refused.error_code(), "GRAPHQL_VALIDATION_FAILED", "{:?}", refused.0);
    let refused = app
        .run("mutation($v: Int) { createGadget(data: {fjson: {a: $v}}) { id } }")
        .await;
    assert_ne!(refused.0["errors"], json!(null), "{:?}", refused.0);
    assert_eq!(refused.error_code(), "GRAPHQL_VALIDATION_FAILED", "{:?}", refused.0);
    let broken = app.run("mutation { createGadget(data: {fjson: {a: }}) { id } }").await;
    assert_eq!(broken.error_code(), "GRAPHQL_PARSE_FAILED", "{:?}", broken.0);
}
