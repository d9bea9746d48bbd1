//! Every write leaves its events in the outbox, in the same transaction.

use crate::helpers::*;
use diesel::QueryableByName;
use diesel::sql_types::{Array, Jsonb, Nullable, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::{Value as Json, json};
use twenty_domain::query::Selection;
use twenty_domain::record::{LifeCycle, RecordInput, WriteMode};

#[derive(QueryableByName, Debug)]
struct EventRow {
    #[diesel(sql_type = Text)]
    event: String,
    #[diesel(sql_type = Text)]
    record_id: String,
    #[diesel(sql_type = Jsonb)]
    payload: Json,
    #[diesel(sql_type = Nullable<Array<Text>>)]
    updated_fields: Option<Vec<String>>,
}

async fn events(conn: &mut AsyncPgConnection) -> Vec<EventRow> {
    diesel::sql_query("SELECT event, record_id::text AS record_id, payload, updated_fields FROM core.event_outbox ORDER BY created_at, event")
        .load(conn)
        .await
        .unwrap()
}

#[tokio::test]
async fn each_write_records_its_event() {
    let fx = Fixture::standard().await;
    let company = fx.object("company");
    let sel = Selection::new();
    let ids = fx.create_named("company", &["a", "b"]).await;
    let a: uuid::Uuid = ids[0].parse().unwrap();
    fx.try_update_one(company, a, &json!({"employees": 3, "industry": "X"}), &sel)
        .await
        .unwrap();
    fx.change(LifeCycle::SoftDelete, company, a, &sel).await;
    fx.change(LifeCycle::Restore, company, a, &sel).await;
    fx.change(LifeCycle::Destroy, company, a, &sel).await;
    fx.try_create_one(company, &json!({"id": ids[1], "name": "b2"}), true, &sel)
        .await
        .unwrap();

    let mut conn = fx.db.connection().await;
    let rows = events(&mut conn).await;
    let names: Vec<&str> = rows.iter().map(|r| r.event.as_str()).collect();
    assert_eq!(
        names,
        [
            "company.created",
            "company.created",
            "company.updated",
            "company.deleted",
            "company.restored",
            "company.destroyed",
            "company.updated"
        ]
    );
    let update = &rows[2];
    assert_eq!(update.record_id, ids[0]);
    assert_eq!(
        update.updated_fields.as_deref(),
        Some(&["employees".to_string(), "industry".to_string()][..])
    );
    assert_eq!(update.payload["employees"], json!(3));
    assert_eq!(update.payload["name"], json!("a"));
    assert!(
        update.payload.get("accountOwnerId").is_some(),
        "payload carries relation ids"
    );
    assert_eq!(rows[5].payload["name"], json!("a"), "destroyed carries the last state");
    assert_eq!(rows[6].updated_fields.as_deref(), Some(&["name".to_string()][..]));
}

#[tokio::test]
async fn a_rolled_back_write_leaves_no_event_and_no_record() {
    let fx = Fixture::standard().await;
    let company = fx.object("company");
    let mut problems = twenty_domain::error::Problems::new();
    let input = RecordInput::parse(company, &json!({"name": "ghost"}), WriteMode::Create, "", &mut problems);
    assert!(problems.is_empty());

    let mut conn = fx.db.connection().await;
    let result = conn
        .transaction::<(), diesel::result::Error, _>(async |conn| {
            let created = twenty_storage::records::create(
                conn,
                &fx.meta,
                company.id,
                std::slice::from_ref(&input),
                false,
                &Selection::new(),
            )
            .await;
            assert!(created.is_ok());
            // Inside the transaction the event exists...
            assert_eq!(events(conn).await.len(), 1);
            Err(diesel::result::Error::RollbackTransaction)
        })
        .await;
    assert!(result.is_err());
    // ... and after the rollback neither it nor the record does.
    assert!(events(&mut conn).await.is_empty());
    assert_eq!(fx.names_matching("company", json!({})).await, Vec::<String>::new());

    // A write that fails in the database leaves no event either.
    let bad = vec![
        json!({"name": "x"}),
        json!({"name": "y", "accountOwnerId": uuid::Uuid::new_v4()}),
    ];
    assert!(fx.try_create("company", &bad).await.is_err());
    assert!(events(&mut conn).await.is_empty());
}
