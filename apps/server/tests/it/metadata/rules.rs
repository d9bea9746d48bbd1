//! Naming rules for objects and fields, and standard objects and fields: relabelled and deactivated, never deleted.

use super::{app, core_error, delete_one, document, set_active};
use crate::support::{Gql, TestApp, node_where};
use serde_json::{Value, json};

/// Tries to create an object with these names and labels.
async fn try_create_object(
    app: &TestApp,
    singular: &str,
    plural: &str,
    label_singular: &str,
    label_plural: &str,
) -> Gql {
    let input = json!({"nameSingular": singular, "namePlural": plural, "labelSingular": label_singular,
                       "labelPlural": label_plural});
    let mutation = "mutation($d: CreateObjectInput!) { createOneObject(data: $d) { id } }";
    app.metadata(mutation, json!({"d": input})).await
}

/// Tries to create a TEXT field `name` on the company object.
async fn company_field(app: &TestApp, name: &str) -> Gql {
    let company = app.object_id("company").await;
    app.metadata(
        document!("CreateField"),
        json!({"input": {"objectMetadataId": company, "name": name, "label": "x", "type": "TEXT"}}),
    )
    .await
}

#[actix_web::test]
async fn every_invalid_object_name_and_label_is_reported_at_once() {
    let app = app().await;
    let bad = try_create_object(&app, "Bad Name", "select", "", "x").await;
    assert_eq!(bad.error_code(), "VALIDATION_ERROR");
    assert_eq!(bad.error_fields(), ["nameSingular", "namePlural", "labelSingular"]);
}

#[actix_web::test]
async fn an_object_name_too_long_for_a_table_is_a_validation_error() {
    let app = app().await;
    let long = try_create_object(&app, &"a".repeat(64), "things", "T", "T").await;
    assert_eq!(long.error_code(), "VALIDATION_ERROR");
}

#[actix_web::test]
async fn an_object_name_already_taken_is_a_conflict() {
    let app = app().await;
    let duplicate = try_create_object(&app, "company", "firms", "Company", "Firms").await;
    assert_eq!(duplicate.error_code(), "CONFLICT");
}

#[actix_web::test]
async fn reserved_and_malformed_field_names_are_validation_errors() {
    let app = app().await;
    assert_eq!(company_field(&app, "createdAt").await.error_code(), "VALIDATION_ERROR");
    assert_eq!(company_field(&app, "Not-Valid").await.error_code(), "VALIDATION_ERROR");
}

#[actix_web::test]
async fn a_number_stored_as_neither_int_nor_float_is_reported_with_the_fields_other_problems() {
    let app = app().await;
    let company = app.object_id("company").await;
    let bad = app
        .metadata(
            document!("CreateField"),
            json!({"input": {"objectMetadataId": company, "name": "rooms", "label": "", "type": "NUMBER",
                             "settings": {"dataType": "decimal"}}}),
        )
        .await;
    assert_eq!(bad.error_code(), "VALIDATION_ERROR");
    assert_eq!(bad.error_fields(), ["label", "settings.dataType"]);
}

#[actix_web::test]
async fn a_field_name_already_taken_even_by_a_generated_id_column_is_a_conflict() {
    let app = app().await;
    assert_eq!(company_field(&app, "name").await.error_code(), "CONFLICT");
    assert_eq!(
        company_field(&app, "accountOwnerId").await.error_code(),
        "CONFLICT",
        "generated id columns count"
    );
}

#[actix_web::test]
async fn a_standard_object_cannot_be_deleted() {
    let app = app().await;
    let company = app.object_id("company").await;
    let deleted = delete_one(&app, "Object", &company).await;
    assert_eq!(deleted.error_code(), "VALIDATION_ERROR");
}

#[actix_web::test]
async fn a_deactivated_object_leaves_the_core_api_and_stays_listed_inactive() {
    let app = app().await;
    let company = app.object_id("company").await;
    set_active(&app, "Object", &company, false).await;
    assert_eq!(
        core_error(&app, "{ companies { totalCount } }").await,
        "GRAPHQL_VALIDATION_FAILED"
    );
    let listed = app
        .metadata_query("{ objects { edges { node { nameSingular isActive } } } }")
        .await;
    assert!(
        listed["objects"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["node"] == json!({"nameSingular": "company", "isActive": false}))
    );
}

#[actix_web::test]
async fn a_reactivated_object_comes_back_with_its_data() {
    let app = app().await;
    let company = app.object_id("company").await;
    app.query("mutation { createCompany(data: {name: \"Kept\"}) { id } }")
        .await;
    set_active(&app, "Object", &company, false).await;
    set_active(&app, "Object", &company, true).await;
    let back = app.query("{ companies { edges { node { name } } } }").await;
    assert_eq!(
        back["companies"]["edges"][0]["node"]["name"],
        json!("Kept"),
        "data kept"
    );
}

/// The id of the company's standard field `industry`.
async fn industry(app: &TestApp) -> Value {
    let company = app.object_id("company").await;
    let fields = app
        .metadata_query_with(
            "query($id: ID!) { object(id: $id) { fields { edges { node { id name } } } } }",
            json!({"id": company}),
        )
        .await;
    node_where(&fields["object"]["fields"], "name", "industry")["id"].clone()
}

#[actix_web::test]
async fn a_field_deactivates_and_reactivates_like_an_object() {
    let app = app().await;
    let industry = industry(&app).await;
    let query = "{ companies { edges { node { industry } } } }";
    set_active(&app, "Field", &industry, false).await;
    assert_eq!(core_error(&app, query).await, "GRAPHQL_VALIDATION_FAILED");
    set_active(&app, "Field", &industry, true).await;
    app.query(query).await;
}

#[actix_web::test]
async fn a_standard_field_cannot_be_deleted() {
    let app = app().await;
    let industry = industry(&app).await;
    let deleted = delete_one(&app, "Field", &industry).await;
    assert_eq!(deleted.error_code(), "VALIDATION_ERROR");
}

#[actix_web::test]
async fn an_object_whose_singular_and_plural_labels_are_the_same_is_refused() {
    let app = app().await;
    for (singular, plural) in [("Sheep", "Sheep"), ("Sheep", " sheep ")] {
        let same = try_create_object(&app, "sheep", "flock", singular, plural).await;
        assert_eq!(same.error_code(), "VALIDATION_ERROR", "{singular:?} / {plural:?}");
        assert_eq!(same.error_fields(), ["labelPlural"]);
    }
    let created = try_create_object(&app, "sheep", "flock", "Sheep", "Flock").await.data();
    let id = &created["createOneObject"]["id"];
    let update = "mutation($id: ID!, $d: UpdateObjectInput!) { updateOneObject(id: $id, data: $d) { id } }";
    for data in [json!({"labelPlural": "SHEEP"}), json!({"labelSingular": "Flock"})] {
        let same = app.metadata(update, json!({"id": id, "d": data})).await;
        assert_eq!(same.error_code(), "VALIDATION_ERROR", "{data}");
    }
    let both = app
        .metadata(
            update,
            json!({"id": id, "d": {"labelSingular": "Ewe", "labelPlural": "Ewes"}}),
        )
        .await;
    assert!(!both.has_errors(), "{:?}", both.0);
}

/// SELECT options `A` and `B` at `positions`.
fn options_at(positions: [i32; 2]) -> Value {
    json!([{"value": "A", "label": "A", "position": positions[0]}, {"value": "B", "label": "B", "position": positions[1]}])
}

#[actix_web::test]
async fn select_options_with_duplicate_positions_are_refused_on_create_and_update() {
    let app = app().await;
    let company = app.object_id("company").await;
    for field_type in ["SELECT", "MULTI_SELECT"] {
        let name = format!("tier{}", field_type.len());
        let input = |positions| {
            json!({"input": {"objectMetadataId": company, "name": name, "label": "Tier", "type": field_type,
                             "options": options_at(positions)}})
        };
        let duplicate = app.metadata(document!("CreateField"), input([1, 1])).await;
        assert_eq!(duplicate.error_code(), "VALIDATION_ERROR", "{field_type}");
        assert_eq!(duplicate.error_fields(), ["options[1].position"]);
        let created = app.metadata(document!("CreateField"), input([0, 1])).await.data();
        let id = &created["createOneField"]["id"];
        let update = "mutation($id: ID!, $d: UpdateFieldInput!) { updateOneField(id: $id, data: $d) { id } }";
        let duplicate = app
            .metadata(update, json!({"id": id, "d": {"options": options_at([2, 2])}}))
            .await;
        assert_eq!(duplicate.error_code(), "VALIDATION_ERROR", "{field_type}");
        assert_eq!(duplicate.error_fields(), ["options[1].position"]);
    }
}

#[actix_web::test]
async fn a_rating_field_created_without_options_gets_rating_1_to_5() {
    let app = app().await;
    let company = app.object_id("company").await;
    let create = "mutation($d: CreateFieldInput!) { createOneField(data: $d) { id options } }";
    let created = app
        .metadata_query_with(
            create,
            json!({"d": {"objectMetadataId": company, "name": "stars", "label": "Stars", "type": "RATING"}}),
        )
        .await;
    let options = created["createOneField"]["options"].as_array().unwrap().clone();
    let values: Vec<&str> = options.iter().map(|o| o["value"].as_str().unwrap()).collect();
    assert_eq!(values, ["RATING_1", "RATING_2", "RATING_3", "RATING_4", "RATING_5"]);
    let positions: Vec<i64> = options.iter().map(|o| o["position"].as_i64().unwrap()).collect();
    assert_eq!(positions, [0, 1, 2, 3, 4]);
    let rated = app
        .query("mutation { createCompany(data: {name: \"Rated\", stars: RATING_4}) { stars } }")
        .await;
    assert_eq!(rated["createCompany"]["stars"], json!("RATING_4"));
}

/// A name of exactly 63 characters: `prefix` padded with `x`.
fn name_63(prefix: &str) -> String {
    format!("{prefix}{}", "x".repeat(63 - prefix.len()))
}

#[actix_web::test]
async fn names_of_63_characters_are_accepted_for_objects_and_fields() {
    let app = app().await;
    // Two objects whose names share their first 62 characters: their tables must not collide.
    let (singular_a, singular_b) = (name_63("gizmo") + "", format!("{}b", &name_63("gizmo")[..62]));
    let (plural_a, plural_b) = (name_63("gizmos"), format!("{}b", &name_63("gizmos")[..62]));
    let mut ids = Vec::new();
    for (singular, plural) in [(&singular_a, &plural_a), (&singular_b, &plural_b)] {
        let created = try_create_object(&app, singular, plural, "Gizmo", "Gizmos").await;
        assert!(!created.has_errors(), "{singular}: {:?}", created.0);
        ids.push(created.data()["createOneObject"]["id"].as_str().unwrap().to_string());
    }
    // Fields of 63 characters, composite ones too, whose columns would share their first 63 bytes.
    let (text, money, person) = (name_63("label"), name_63("price"), name_63("owner"));
    for (name, field_type) in [(&text, "TEXT"), (&money, "CURRENCY"), (&person, "FULL_NAME")] {
        let input = json!({"input": {"objectMetadataId": ids[0], "name": name, "label": "L", "type": field_type}});
        let created = app.metadata(document!("CreateField"), input).await;
        assert!(!created.has_errors(), "{field_type}: {:?}", created.0);
    }
    let type_a = {
        let mut t = singular_a.clone();
        t.replace_range(..1, "G");
        t
    };
    let create = format!(
        "mutation($d: {type_a}CreateInput!) {{ create{type_a}(data: $d) {{ {text} {money} {{ amountMicros currencyCode }} {person} {{ firstName lastName }} }} }}"
    );
    let data = json!({text.clone(): "hello", money.clone(): {"amountMicros": 1500000, "currencyCode": "EUR"},
                      person.clone(): {"firstName": "Ada", "lastName": "L"}});
    let created = app.query_with(&create, json!({"d": data})).await;
    assert_eq!(created[format!("create{type_a}")], data);
    let type_b = format!("G{}", &singular_b[1..]);
    app.query(&format!("mutation {{ create{type_b}(data: {{}}) {{ id }} }}"))
        .await;
    for (plural, count) in [(&plural_a, 1), (&plural_b, 1)] {
        let total = app.query(&format!("{{ {plural} {{ totalCount }} }}")).await;
        assert_eq!(total[plural.as_str()]["totalCount"], json!(count), "{plural}");
    }
    let filtered = app
        .query(&format!("{{ {plural_a}(filter: {{{money}: {{currencyCode: {{eq: \"EUR\"}}}}}}, orderBy: [{{{person}: {{firstName: AscNullsFirst}}}}]) {{ totalCount }} }}"))
        .await;
    assert_eq!(filtered[plural_a.as_str()]["totalCount"], json!(1));
}

#[actix_web::test]
async fn relation_names_of_63_characters_are_accepted() {
    let app = app().await;
    let company = app.object_id("company").await;
    let person = app.object_id("person").await;
    let (from, to) = (name_63("favourites"), name_63("favouriteOf"));
    let created = app
        .metadata(
            document!("CreateRelation"),
            json!({"input": {"relationType": "ONE_TO_MANY", "fromObjectMetadataId": company, "toObjectMetadataId": person,
                             "fromFieldMetadataName": from, "toFieldMetadataName": to}}),
        )
        .await;
    assert!(!created.has_errors(), "{:?}", created.0);
    let acme = app
        .query("mutation { createCompany(data: {name: \"Acme\"}) { id } }")
        .await;
    let acme = acme["createCompany"]["id"].clone();
    let create = format!("mutation($c: ID!) {{ createPerson(data: {{{to}Id: $c}}) {{ {to}Id {to} {{ name }} }} }}");
    let person = app.query_with(&create, json!({"c": acme})).await;
    assert_eq!(person["createPerson"][format!("{to}Id")], acme);
    assert_eq!(person["createPerson"][to.as_str()]["name"], json!("Acme"));
    let from_company = app
        .query(&format!(
            "{{ companies(first: 10) {{ edges {{ node {{ {from} {{ totalCount }} }} }} }} }}"
        ))
        .await;
    assert_eq!(
        from_company["companies"]["edges"][0]["node"][from.as_str()]["totalCount"],
        json!(1)
    );
    let by_id = format!("query($c: ID!) {{ people(filter: {{{to}Id: {{eq: $c}}}}) {{ totalCount }} }}");
    assert_eq!(
        app.query_with(&by_id, json!({"c": acme})).await["people"]["totalCount"],
        json!(1)
    );
}
