//! Batch atomicity, the soft-delete lifecycle, upsert by id, validation of every field type.

use crate::helpers::*;
use serde_json::json;
use test_support::TestDb;
use twenty_domain::ErrorCode;
use twenty_domain::query::Selection;
use twenty_domain::record::{LifeCycle, RecordTarget, WriteMode};

async fn count(
    db: &TestDb,
    meta: &twenty_domain::metadata::WorkspaceMetadata,
    object: &str,
    filter: serde_json::Value,
) -> i64 {
    let o = self::object(meta, object);
    let q = query(meta, o, Some(filter), None, first(1))
        .unwrap()
        .with_total_count(true);
    db.records().find_many(meta, &q).await.unwrap().total_count().unwrap()
}

#[tokio::test]
async fn batch_create_is_atomic() {
    let fx = Fixture::standard().await;
    let company = fx.object("company");
    // One row fails in the database (a foreign key to nothing): none is written.
    let inputs = vec![
        json!({"name": "ok1"}),
        json!({"name": "bad", "accountOwnerId": uuid::Uuid::new_v4()}),
        json!({"name": "ok2"}),
    ];
    let err = fx.try_create("company", &inputs).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::ValidationError);
    assert_eq!(err.details()[0].field, "accountOwnerId");
    assert_eq!(count(&fx.db, &fx.meta, "company", json!({})).await, 0);

    // Rows that fail validation are all reported, with their index, and nothing is written.
    let inputs = vec![
        json!({"name": "ok"}),
        json!({"linkedinLink": "nope"}),
        json!({"employees": "many"}),
    ];
    let err = fx.try_create("company", &inputs).await.unwrap_err();
    let fields_: Vec<&str> = err.details().iter().map(|d| d.field.as_str()).collect();
    assert_eq!(fields_, ["[1].linkedinLink", "[2].employees"]);
    assert_eq!(count(&fx.db, &fx.meta, "company", json!({})).await, 0);

    // Duplicate ids in one batch: one error, nothing written.
    let id = uuid::Uuid::new_v4();
    let inputs = vec![json!({"id": id, "name": "a"}), json!({"id": id, "name": "b"})];
    assert!(fx.try_create("company", &inputs).await.is_err());
    assert_eq!(count(&fx.db, &fx.meta, "company", json!({})).await, 0);

    // And a good batch keeps input order.
    let ids = fx.create_named("company", &["z", "a", "m"]).await;
    let q = query(&fx.meta, company, None, None, first(10))
        .unwrap()
        .with_node(fields(company, &["id"]));
    assert_eq!(crate::helpers::ids(&fx.find(&q).await), ids);
}

#[tokio::test]
async fn soft_delete_restore_and_destroy() {
    let fx = Fixture::standard().await;
    let company = fx.object("company");
    let ids = fx.create_named("company", &["a", "b"]).await;
    let a: uuid::Uuid = ids[0].parse().unwrap();
    let sel = fields(company, &["id", "name", "deletedAt"]);

    let deleted = fx.change(LifeCycle::SoftDelete, company, a, &sel).await;
    assert!(deleted["deletedAt"].is_string(), "{deleted}");
    assert_eq!(fx.names_matching("company", json!({})).await, ["b"]);
    assert_eq!(
        fx.names_matching("company", json!({"deletedAt": {"is": "NOT_NULL"}}))
            .await,
        ["a"]
    );
    assert_eq!(
        fx.names_matching("company", json!({"not": {"deletedAt": {"is": "NULL"}}}))
            .await,
        ["a"]
    );
    // Deleting again finds nothing live.
    assert_eq!(
        error_code(fx.try_change(LifeCycle::SoftDelete, company, a, &sel).await),
        ErrorCode::NotFound
    );
    // Updates do not reach soft-deleted records.
    assert_eq!(
        error_code(fx.try_update_one(company, a, &json!({"name": "x"}), &sel).await),
        ErrorCode::NotFound
    );

    let restored = fx.change(LifeCycle::Restore, company, a, &sel).await;
    assert_eq!(restored["deletedAt"], json!(null));
    assert_eq!(fx.names_matching("company", json!({})).await, ["a", "b"]);
    assert_eq!(
        error_code(fx.try_change(LifeCycle::Restore, company, a, &sel).await),
        ErrorCode::NotFound
    );

    let destroyed = fx.change(LifeCycle::Destroy, company, a, &sel).await;
    assert_eq!(destroyed["name"], json!("a"));
    assert_eq!(
        fx.names_matching("company", json!({"deletedAt": {"is": "NOT_NULL"}}))
            .await,
        Vec::<String>::new()
    );
    assert_eq!(fx.names_matching("company", json!({})).await, ["b"]);
    assert_eq!(
        error_code(fx.try_change(LifeCycle::Destroy, company, a, &sel).await),
        ErrorCode::NotFound
    );

    // Bulk forms take ids or a filter, never an empty filter.
    let more = fx
        .create(
            "company",
            vec![
                json!({"name": "c", "industry": "X"}),
                json!({"name": "d", "industry": "X"}),
            ],
        )
        .await;
    let by_filter = fx.filtered(company, &json!({"industry": {"eq": "X"}}));
    let deleted = fx.change_many(LifeCycle::SoftDelete, company, &by_filter, &sel).await;
    assert_eq!(deleted.len(), 2);
    let deleted_x = fx.filtered(company, &json!({"industry": {"eq": "X"}}));
    let restored = fx.change_many(LifeCycle::Restore, company, &deleted_x, &sel).await;
    assert_eq!(restored.len(), 2);
    let empty = fx.filtered(company, &json!({}));
    assert_eq!(
        error_code(fx.try_change_many(LifeCycle::Destroy, company, &empty, &sel).await),
        ErrorCode::ValidationError
    );
    let by_ids = RecordTarget::Ids(more.iter().map(|i| i.parse().unwrap()).collect());
    let updated = fx
        .db
        .records()
        .update_many(
            WriteMode::Update,
            &fx.meta,
            company,
            &by_ids,
            &json!({"employees": 3}),
            &fields(company, &["employees"]),
        )
        .await
        .unwrap();
    assert_eq!(updated, vec![json!({"employees": 3}), json!({"employees": 3})]);
    let destroyed = fx.change_many(LifeCycle::Destroy, company, &by_ids, &sel).await;
    assert_eq!(destroyed.len(), 2);
    assert_eq!(fx.names_matching("company", json!({})).await, ["b"]);
}

#[tokio::test]
async fn upsert_by_id_inserts_then_updates_only_sent_fields() {
    let fx = Fixture::standard().await;
    let company = fx.object("company");
    let id = uuid::Uuid::new_v4();
    let sel = fields(company, &["id", "name", "employees", "idealCustomerProfile"]);
    let created = fx
        .try_create_one(
            company,
            &json!({"id": id, "name": "Acme", "employees": 5, "idealCustomerProfile": true}),
            true,
            &sel,
        )
        .await
        .unwrap();
    assert_eq!(
        created,
        json!({"id": id, "name": "Acme", "employees": 5, "idealCustomerProfile": true})
    );
    let updated = fx
        .try_create_one(company, &json!({"id": id, "employees": 6}), true, &sel)
        .await
        .unwrap();
    // The default of idealCustomerProfile (false) is not forced onto the existing record.
    assert_eq!(
        updated,
        json!({"id": id, "name": "Acme", "employees": 6, "idealCustomerProfile": true})
    );
    assert_eq!(count(&fx.db, &fx.meta, "company", json!({})).await, 1);
    // Without upsert, the same id is a conflict.
    let err = fx
        .try_create_one(company, &json!({"id": id}), false, &sel)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
    // Batch upsert mixes inserts and updates atomically.
    let other = uuid::Uuid::new_v4();
    let rows = fx
        .db
        .records()
        .create_many(
            &fx.meta,
            company,
            &[json!({"id": id, "name": "Acme 2"}), json!({"id": other, "name": "New"})],
            true,
            &sel,
        )
        .await
        .unwrap();
    assert_eq!(rows[0]["name"], json!("Acme 2"));
    assert_eq!(rows[1]["idealCustomerProfile"], json!(false));
}

#[tokio::test]
async fn validation_errors_list_every_bad_field() {
    let fx = Fixture::standard().await;
    let person = fx.object("person");
    let input = json!({
        "email": "not-an-email",
        "linkedinLink": "linkedin.com/in/x",
        "phone": "call me maybe",
        "name": {"firstName": 3, "middleName": "Q"},
        "nope": 1,
        "createdAt": "2024-01-01T00:00:00Z",
        "companyId": "not-a-uuid"
    });
    let err = fx
        .try_create_one(person, &input, false, &Selection::new())
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::ValidationError);
    let mut got: Vec<&str> = err.details().iter().map(|d| d.field.as_str()).collect();
    got.sort();
    assert_eq!(
        got,
        [
            "companyId",
            "createdAt",
            "email",
            "linkedinLink",
            "name.firstName",
            "name.middleName",
            "nope",
            "phone"
        ]
    );

    let opportunity = fx.object("opportunity");
    let input = json!({"stage": "WON", "amount": {"amountMicros": 1, "currencyCode": "DOLLARS"}, "closeDate": "31/12/2024", "probability": "high"});
    let err = fx
        .try_create_one(opportunity, &input, false, &Selection::new())
        .await
        .unwrap_err();
    let mut got: Vec<&str> = err.details().iter().map(|d| d.field.as_str()).collect();
    got.sort();
    assert_eq!(got, ["amount.currencyCode", "closeDate", "probability", "stage"]);
    assert!(
        err.details().iter().any(|d| d.message.contains("QUALIFICATION")),
        "select errors name the options"
    );

    // Nothing was written.
    assert_eq!(count(&fx.db, &fx.meta, "person", json!({})).await, 0);
    assert_eq!(count(&fx.db, &fx.meta, "opportunity", json!({})).await, 0);

    // Defaults apply on create: stage NEW.
    let created = fx
        .try_create_one(
            opportunity,
            &json!({"name": "x"}),
            false,
            &fields(opportunity, &["stage", "amount"]),
        )
        .await
        .unwrap();
    assert_eq!(
        created,
        json!({"stage": "NEW", "amount": {"amountMicros": null, "currencyCode": null}})
    );
}
