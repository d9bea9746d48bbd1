//! What data-model changes do to storage: a failed change leaves nothing behind, unique fields conflict, option
//! changes keep records consistent, deletes drop columns and tables, concurrent changes agree, and indexes exist
//! for the orders the API offers.

use super::{app, core_error, create_field, create_object, delete_one, document, field_names};
use crate::support::app::send;
use crate::support::{TestApp, node_where};
use actix_web::test::TestRequest;
use serde_json::json;
use twenty_domain::metadata::workspace_schema_name;

/// One text column (`value`) of a catalogue query about `table` (bound as `$1`) of the app's workspace schema
/// (bound as `$2`).
async fn catalogue_strings(app: &TestApp, sql: &'static str, table: &str) -> Vec<String> {
    use diesel_async::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        value: String,
    }
    let mut conn = app.db.connection().await;
    let rows: Vec<Row> = diesel::sql_query(sql)
        .bind::<diesel::sql_types::Text, _>(table)
        .bind::<diesel::sql_types::Text, _>(workspace_schema_name(app.workspace))
        .load(&mut conn)
        .await
        .unwrap();
    rows.into_iter().map(|r| r.value).collect()
}

/// The columns of `table` in the app's workspace schema.
async fn columns_of(app: &TestApp, table: &str) -> Vec<String> {
    catalogue_strings(
        app,
        "SELECT column_name::text AS value FROM information_schema.columns \
         WHERE table_schema = $2 AND table_name = $1 ORDER BY column_name",
        table,
    )
    .await
}

/// The definitions of the indexes on `table` in the app's workspace schema.
async fn index_definitions(app: &TestApp, table: &str) -> Vec<String> {
    catalogue_strings(
        app,
        "SELECT indexdef AS value FROM pg_indexes WHERE schemaname = $2 AND tablename = $1",
        table,
    )
    .await
}

/// Companies A and B: the company object's id.
async fn two_companies(app: &TestApp) -> String {
    app.query("mutation { a: createCompany(data: {name: \"A\"}) { id } b: createCompany(data: {name: \"B\"}) { id } }")
        .await;
    app.object_id("company").await
}

#[actix_web::test]
async fn a_field_whose_unique_index_cannot_be_built_leaves_neither_metadata_nor_column() {
    let app = app().await;
    let company = two_companies(&app).await;
    let fields_before = field_names(&app, &company).await;
    let columns_before = columns_of(&app, "company").await;
    // A unique field whose default would give two records the same value: the index build fails in the
    // transaction, so neither the metadata row nor the column stays.
    let failed = app
        .metadata(
            document!("CreateField"),
            json!({"input": {"objectMetadataId": company, "name": "code", "label": "Code", "type": "TEXT", "isUnique": true, "defaultValue": "same"}}),
        )
        .await;
    assert_eq!(failed.error_code(), "CONFLICT", "{:?}", failed.0);
    assert_eq!(field_names(&app, &company).await, fields_before);
    assert_eq!(columns_of(&app, "company").await, columns_before);
    assert_eq!(
        core_error(&app, "{ companies { edges { node { code } } } }").await,
        "GRAPHQL_VALIDATION_FAILED"
    );
}

#[actix_web::test]
async fn a_duplicate_value_of_a_unique_field_is_a_conflict_on_that_field() {
    let app = app().await;
    let company = two_companies(&app).await;
    create_field(
        &app,
        json!({"objectMetadataId": company, "name": "code", "label": "Code", "type": "TEXT", "isUnique": true}),
    )
    .await;
    assert!(columns_of(&app, "company").await.contains(&"code".to_string()));
    app.query("mutation { createCompany(data: {name: \"C\", code: \"X1\"}) { id } }")
        .await;
    let dup = app
        .run("mutation { createCompany(data: {name: \"D\", code: \"X1\"}) { id } }")
        .await;
    assert_eq!(dup.error_code(), "CONFLICT");
    assert_eq!(dup.error_fields()[0], "code");
}

/// Object `ticket` with a SELECT `status` and a MULTI_SELECT `labels` over OPEN, DONE, LOST, and two tickets:
/// (object id, status field id, labels field id).
async fn tickets(app: &TestApp) -> (String, serde_json::Value, serde_json::Value) {
    let object = create_object(app, "ticket", "tickets").await;
    let options = json!([{"value": "OPEN", "label": "Open"}, {"value": "DONE", "label": "Done"}, {"value": "LOST", "label": "Lost"}]);
    let status = create_field(
        app,
        json!({"objectMetadataId": object, "name": "status", "label": "Status", "type": "SELECT", "options": options}),
    )
    .await;
    let labels = create_field(app, json!({"objectMetadataId": object, "name": "labels", "label": "Labels", "type": "MULTI_SELECT", "options": options})).await;
    app.query("mutation { a: createTicket(data: {status: LOST, labels: [OPEN, LOST]}) { id } b: createTicket(data: {status: OPEN}) { id } }").await;
    (object, status["id"].clone(), labels["id"].clone())
}

#[actix_web::test]
async fn removing_options_clears_them_from_records() {
    let app = app().await;
    let (_, status, labels) = tickets(&app).await;
    let fewer = json!([{"value": "OPEN", "label": "Open"}, {"value": "DONE", "label": "Done"}]);
    for field in [status, labels] {
        app.metadata_query_with(
            "mutation($id: ID!, $o: [FieldOptionInput!]) { updateOneField(id: $id, data: {options: $o}) { id } }",
            json!({"id": field, "o": fewer}),
        )
        .await;
    }
    let tickets = app
        .query("{ tickets(orderBy: [{position: AscNullsFirst}]) { edges { node { status labels } } } }")
        .await;
    assert_eq!(
        tickets["tickets"]["edges"],
        json!([{"node": {"status": null, "labels": ["OPEN"]}}, {"node": {"status": "OPEN", "labels": null}}])
    );
}

#[actix_web::test]
async fn deleting_a_field_drops_its_column_and_deleting_an_object_its_table() {
    let app = app().await;
    let (object, _, labels) = tickets(&app).await;
    delete_one(&app, "Field", &labels).await.data();
    assert!(!columns_of(&app, "_ticket").await.contains(&"labels".to_string()));
    delete_one(&app, "Object", &object).await.data();
    assert!(columns_of(&app, "_ticket").await.is_empty(), "table dropped");
}

#[actix_web::test]
async fn twenty_concurrent_field_creations_leave_metadata_and_columns_in_agreement() {
    let app = app().await;
    let company = app.object_id("company").await;
    let handles: Vec<_> = (0..20)
        .map(|i| {
            let body = json!({"query": document!("CreateField"), "variables": {"input": {"objectMetadataId": company, "name": format!("extra{i}"), "label": "Extra", "type": "NUMBER"}}});
            let request = TestRequest::post()
                .uri("/metadata")
                .insert_header(("authorization", format!("Bearer {}", app.token)))
                .set_json(body);
            let state = app.state.clone();
            actix_web::rt::spawn(async move { send(&state, request).await.json() })
        })
        .collect();
    for handle in handles {
        let response = handle.await.unwrap();
        assert!(response["errors"].is_null(), "{response}");
    }
    let fields = field_names(&app, &company).await;
    let columns = columns_of(&app, "company").await;
    for i in 0..20 {
        let name = format!("extra{i}");
        assert!(fields.contains(&name), "{name} in metadata");
        assert!(columns.contains(&name), "{name} in the table");
    }
    let extras = columns.iter().filter(|c| c.starts_with("extra")).count();
    assert_eq!(extras, 20);
}

#[actix_web::test]
async fn a_field_created_with_is_indexed_gets_a_sort_index_and_keeps_the_setting() {
    let app = app().await;
    let company = app.object_id("company").await;
    create_field(
        &app,
        json!({"objectMetadataId": company, "name": "renewalAt", "label": "Renewal",
               "type": "DATE_TIME", "settings": {"isIndexed": true}}),
    )
    .await;
    create_field(
        &app,
        json!({"objectMetadataId": company, "name": "plain", "label": "Plain", "type": "TEXT"}),
    )
    .await;
    let indexes = index_definitions(&app, "company").await;
    assert!(
        indexes.iter().any(|d| d.contains("(\"renewalAt\", id NULLS FIRST)")),
        "{indexes:#?}"
    );
    assert!(!indexes.iter().any(|d| d.contains("plain")), "{indexes:#?}");
    let listed = app
        .metadata_query_with(
            "query($id: ID!) { object(id: $id) { fields { edges { node { name settings } } } } }",
            json!({"id": company}),
        )
        .await;
    let renewal = node_where(&listed["object"]["fields"], "name", "renewalAt");
    assert_eq!(renewal["settings"], json!({"isIndexed": true}));
}

#[actix_web::test]
async fn every_object_is_indexed_for_its_default_and_newest_first_orders() {
    let app = app().await;
    let indexes = index_definitions(&app, "company").await;
    assert!(
        indexes
            .iter()
            .any(|d| d.contains("\"createdAt\" DESC NULLS LAST, id NULLS FIRST")),
        "{indexes:#?}"
    );
    assert!(
        indexes
            .iter()
            .any(|d| d.contains("\"position\" NULLS FIRST, id NULLS FIRST")),
        "{indexes:#?}"
    );
}
