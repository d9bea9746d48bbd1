//! The record life cycle over the core API: nested arguments, backward paging, soft delete, restore, destroy,
//! upsert, batch atomicity, bulk changes by filter, and fields added behind the server's back.

use super::{app, company_names, id_at, total_companies, until_valid};
use crate::support::{TestApp, node_texts};
use serde_json::{Value, json};
use twenty_domain::blueprint::FieldBlueprint as F;
use twenty_domain::field_type::FieldType;
use twenty_domain::services::MetadataService;

/// Companies A (1 employee) and B (2), created in that order: their ids.
async fn a_and_b(app: &TestApp) -> (String, String) {
    let created = app
        .query("mutation { a: createCompany(data: {name: \"A\", employees: 1}) { id } b: createCompany(data: {name: \"B\", employees: 2}) { id } }").await;
    (id_at(&created, "/a/id"), id_at(&created, "/b/id"))
}

async fn mutate(app: &TestApp, mutation: &str, id: &str) -> Value {
    app.query_with(mutation, json!({"id": id})).await
}

#[actix_web::test]
async fn nested_connections_take_per_parent_arguments_aliases_and_fragments() {
    let app = app().await;
    let (a, _) = a_and_b(&app).await;
    for (first, last) in [("Ann", "Zed"), ("Bob", "Young"), ("Cid", "Xu")] {
        app.query_with(
            "mutation($d: PersonCreateInput!) { createPerson(data: $d) { id } }",
            json!({"d": {"name": {"firstName": first, "lastName": last}, "companyId": a}}),
        )
        .await;
    }
    // Enum-style order literal too; a page of ten, as per-parent counts cost their table's estimated rows each
    // (contract §10).
    let nested = app
        .query("{ companies(first: 10, orderBy: [{name: AscNullsFirst}]) { edges { node { name ...Staff top: people(first: 1, orderBy: [{name: {lastName: AscNullsFirst}}]) { edges { node { name { lastName } } } totalCount } } } } }
             fragment Staff on Company { people(filter: {name: {firstName: {neq: \"Bob\"}}}) { totalCount edges { node { __typename companyId } } } }").await;
    let acme = &nested["companies"]["edges"][0]["node"];
    assert_eq!(acme["name"], json!("A"));
    assert_eq!(acme["top"]["edges"][0]["node"]["name"]["lastName"], json!("Xu"));
    assert_eq!(acme["top"]["totalCount"], json!(3));
    assert_eq!(acme["people"]["totalCount"], json!(2));
    assert_eq!(
        acme["people"]["edges"][0]["node"],
        json!({"__typename": "Person", "companyId": a})
    );
}

#[actix_web::test]
async fn paging_backwards_with_last_and_before() {
    let app = app().await;
    a_and_b(&app).await;
    let last_one = "{ companies(last: 1) { edges { node { name } } pageInfo { hasPreviousPage startCursor } } }";
    let last = &app.query(last_one).await["companies"];
    assert_eq!(last["edges"][0]["node"]["name"], json!("B"));
    assert_eq!(last["pageInfo"]["hasPreviousPage"], json!(true));
    let before = last["pageInfo"]["startCursor"].as_str().unwrap();
    let page_before = "query($c: String) { companies(last: 5, before: $c) { edges { node { name } } pageInfo { hasPreviousPage hasNextPage } } }";
    let earlier = &app.query_with(page_before, json!({"c": before})).await["companies"];
    assert_eq!(earlier["edges"], json!([{"node": {"name": "A"}}]));
    assert_eq!(
        earlier["pageInfo"],
        json!({"hasPreviousPage": false, "hasNextPage": true})
    );
}

const DELETE: &str = "mutation($id: ID!) { deleteCompany(id: $id) { id deletedAt } }";

/// Companies A and B, B soft-deleted: B's id.
async fn b_soft_deleted(app: &TestApp) -> String {
    let (_, b) = a_and_b(app).await;
    mutate(app, DELETE, &b).await;
    b
}

#[actix_web::test]
async fn a_soft_deleted_record_is_hidden_but_found_by_a_deleted_at_filter() {
    let app = app().await;
    b_soft_deleted(&app).await;
    assert_eq!(total_companies(&app).await, json!(1));
    let in_trash = "{ companies(filter: {deletedAt: {is: NOT_NULL}}) { edges { node { name } } } }";
    assert_eq!(company_names(&app, in_trash).await, ["B"]);
}

#[actix_web::test]
async fn a_restored_record_is_listed_again() {
    let app = app().await;
    let b = b_soft_deleted(&app).await;
    mutate(&app, "mutation($id: ID!) { restoreCompany(id: $id) { id } }", &b).await;
    assert_eq!(total_companies(&app).await, json!(2));
}

#[actix_web::test]
async fn a_destroyed_record_is_gone() {
    let app = app().await;
    let b = b_soft_deleted(&app).await;
    mutate(&app, "mutation($id: ID!) { destroyCompany(id: $id) { name } }", &b).await;
    let gone = mutate(&app, "query($id: ID!) { company(filter: {id: {eq: $id}}) { id } }", &b).await;
    assert_eq!(gone["company"], Value::Null);
}

#[actix_web::test]
async fn create_with_upsert_updates_the_record_with_that_id() {
    let app = app().await;
    let (a, _) = a_and_b(&app).await;
    let upsert = "mutation($d: CompanyCreateInput!) { createCompany(data: $d, upsert: true) { name employees } }";
    let upserted = app.query_with(upsert, json!({"d": {"id": a, "name": "A2"}})).await;
    assert_eq!(upserted["createCompany"], json!({"name": "A2", "employees": 1}));
}

#[actix_web::test]
async fn a_batch_with_one_invalid_record_writes_nothing() {
    let app = app().await;
    let create = "mutation($d: [CompanyCreateInput!]!) { createCompanies(data: $d) { id } }";
    let batch = json!({"d": [{"name": "ok"}, {"name": "bad", "linkedinLink": "nope"}]});
    let atomic = app.graphql(create, batch).await;
    assert_eq!(atomic.error_code(), "VALIDATION_ERROR");
    assert_eq!(atomic.error_fields()[0], "[1].linkedinLink");
    assert_eq!(total_companies(&app).await, json!(0));
}

/// A renamed to A2 and moved to industry X by a bulk update; B left alone.
async fn a_in_industry_x(app: &TestApp) -> String {
    let (a, _) = a_and_b(app).await;
    let rename = "mutation($id: ID!) { updateCompany(id: $id, data: {name: \"A2\"}) { id } }";
    mutate(app, rename, &a).await;
    let update_many =
        "mutation { updateCompanies(filter: {name: {eq: \"A2\"}}, data: {industry: \"X\"}) { industry } }";
    let bulk = app.query(update_many).await;
    assert_eq!(bulk["updateCompanies"], json!([{"industry": "X"}]));
    a
}

#[actix_web::test]
async fn update_many_changes_the_records_a_filter_selects() {
    let app = app().await;
    a_in_industry_x(&app).await;
}

#[actix_web::test]
async fn restore_many_brings_back_the_records_a_filter_selects() {
    let app = app().await;
    a_in_industry_x(&app).await;
    let delete_many = "mutation { deleteCompanies(filter: {industry: {eq: \"X\"}}) { id } }";
    app.query(delete_many).await;
    let restore_many = "mutation { restoreCompanies(filter: {industry: {eq: \"X\"}}) { name } }";
    let restored = app.query(restore_many).await;
    assert_eq!(restored["restoreCompanies"], json!([{"name": "A2"}]));
}

#[actix_web::test]
async fn destroy_many_removes_the_records_with_the_given_ids() {
    let app = app().await;
    let a = a_in_industry_x(&app).await;
    let destroy = "mutation($ids: [ID!]) { destroyCompanies(ids: $ids) { name } }";
    let destroyed = app.query_with(destroy, json!({"ids": [a]})).await;
    assert_eq!(destroyed["destroyCompanies"], json!([{"name": "A2"}]));
}

#[actix_web::test]
async fn a_field_added_through_the_domain_is_usable_within_a_second() {
    let app = app().await.listening().await;
    let query = "{ companies { edges { node { tier } } } }";
    let before = app.run(query).await;
    assert_eq!(before.error_code(), "GRAPHQL_VALIDATION_FAILED");
    app.query("mutation { createCompany(data: {name: \"Acme\"}) { id } }")
        .await;

    let meta = app.db.metadata(app.workspace).await;
    let company = meta.object_by_singular("company").unwrap().id;
    let field = F::new("tier", "Tier", FieldType::Select)
        .options(&[("GOLD", "Gold"), ("SILVER", "Silver")])
        .default_value(json!("SILVER"));
    MetadataService::new(app.db.store())
        .create_field(&meta, company, &field)
        .await
        .unwrap();

    // The app learns of the change through a notification (contract: within a second). Existing records got the
    // default; the new field is writable and filterable.
    until_valid(&app, query).await;
    let after = app.query(query).await;
    assert_eq!(after["companies"]["edges"][0]["node"]["tier"], json!("SILVER"));
    app.query("mutation { createCompany(data: {name: \"Gold\", tier: GOLD}) { id } }")
        .await;
    let golden = "{ companies(filter: {tier: {eq: GOLD}}) { edges { node { name } } } }";
    assert_eq!(company_names(&app, golden).await, ["Gold"]);
}

/// Twenty's front-end (and twenty-mcp) declare `$orderBy: [CompanyOrderByInput]`: the document validates, null
/// items are ignored, and the other items order the list; a literal list with a null item too.
#[actix_web::test]
async fn order_by_takes_a_list_of_nullable_items_as_twenty_declares_it() {
    let app = app().await;
    a_and_b(&app).await;
    let twenty = "query($orderBy: [CompanyOrderByInput], $first: Int) { companies(orderBy: $orderBy, first: $first) { edges { node { name } } } }";
    let names = |data: &Value| node_texts(&data["companies"], "name");
    let with_nulls = json!({"orderBy": [null, {"employees": "DescNullsLast"}, null], "first": 10});
    let by_variable = app.query_with(twenty, with_nulls).await;
    assert_eq!(names(&by_variable), ["B", "A"]);
    let only_nulls = app.query_with(twenty, json!({"orderBy": [null]})).await;
    assert_eq!(names(&only_nulls).len(), 2);
    let literal = "{ companies(orderBy: [null, {name: DescNullsLast}]) { edges { node { name } } } }";
    assert_eq!(company_names(&app, literal).await, ["B", "A"]);
    // The reference's form is unchanged: a variable of non-null items still fits.
    let strict = "query($o: [CompanyOrderByInput!]) { companies(orderBy: $o) { edges { node { name } } } }";
    let reference = app.query_with(strict, json!({"o": [{"name": "AscNullsFirst"}]})).await;
    assert_eq!(names(&reference), ["A", "B"]);
}
