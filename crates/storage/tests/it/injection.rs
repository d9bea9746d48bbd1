//! Hostile values are data: stored and matched literally.

use crate::helpers::*;
use serde_json::{Value as Json, json};
use test_support::TestDb;
use twenty_domain::record::LifeCycle;

#[tokio::test]
async fn sql_and_pattern_characters_are_stored_and_matched_literally() {
    let fx = Fixture::standard().await;
    let nasty = [
        "'; DROP TABLE company; --",
        "%_\\",
        "\"quoted\"",
        "back\\slash",
        "ünïcödé ✓",
        "a%b",
    ];
    let inputs = nasty.iter().map(|n| json!({"name": n, "industry": n})).collect();
    fx.create("company", inputs).await;
    fx.create_named("company", &["abb", "xyz"]).await;

    for value in nasty {
        assert_eq!(
            fx.names_matching("company", json!({"name": {"eq": value}})).await,
            [value],
            "eq {value:?}"
        );
        assert_eq!(
            fx.names_matching("company", json!({"name": {"in": [value]}})).await,
            [value],
            "in {value:?}"
        );
        assert_eq!(
            fx.names_matching("company", json!({"industry": {"startsWith": value}}))
                .await,
            [value],
            "startsWith {value:?}"
        );
    }
    // `%` and `_` are not wildcards in startsWith.
    assert_eq!(
        fx.names_matching("company", json!({"name": {"startsWith": "%"}})).await,
        ["%_\\"]
    );
    assert_eq!(
        fx.names_matching("company", json!({"name": {"startsWith": "a%"}}))
            .await,
        ["a%b"]
    );
    // The table survived and still holds everything.
    assert_eq!(fx.names_matching("company", json!({})).await.len(), 8);
}

/// Found by schemathesis: PostgreSQL cannot store NUL characters in text or JSON, and a write carrying one
/// answered 500. It is bad input: a validation error naming the field, and nothing is written.
#[tokio::test]
async fn nul_characters_are_refused_as_bad_input() {
    let fx = Fixture::from_blueprint(&crate::filters::gadget_workspace()).await;
    let gadget = fx.object("gadget");
    let input =
        json!({"name": "a\u{0}b", "colors": ["RED\u{0}"], "extra": {"k\u{0}": "v"}, "owner": {"firstName": "\u{0}"}});
    let err = fx
        .try_create_one(gadget, &input, false, &fields(gadget, &["id"]))
        .await
        .unwrap_err();
    assert_eq!(err.code(), twenty_domain::ErrorCode::ValidationError);
    let mut fields_: Vec<&str> = err.details().iter().map(|d| d.field.as_str()).collect();
    fields_.sort();
    assert_eq!(fields_, ["colors", "extra", "name", "owner.firstName"]);
    let filter = query(
        &fx.meta,
        gadget,
        Some(json!({"name": {"eq": "x\u{0}"}})),
        None,
        first(1),
    );
    assert_eq!(filter.unwrap_err().code(), twenty_domain::ErrorCode::ValidationError);
    assert_eq!(fx.names_matching("gadget", json!({})).await, Vec::<String>::new());
}

/// Found by schemathesis: extreme floats and dangling foreign keys in one record are bad input, never a 500.
#[tokio::test]
async fn extreme_numbers_and_dangling_references_are_validation_errors() {
    let fx = Fixture::standard().await;
    let input =
        json!({"position": -1.7976931348623155e308, "taskId": uuid::Uuid::new_v4(), "personId": uuid::Uuid::new_v4()});
    let err = fx.try_create("taskTarget", &[input]).await.unwrap_err();
    assert_eq!(err.code(), twenty_domain::ErrorCode::ValidationError, "{err:?}");
    let company = fx.object("company");
    for position in [f64::MAX, -f64::MAX, 1e-320] {
        let created = fx
            .try_create_one(
                company,
                &json!({"name": "x", "position": position}),
                false,
                &fields(company, &["position"]),
            )
            .await;
        assert!(created.is_ok(), "{position}: {created:?}");
    }
}

/// A statement stopped by the statement timeout is "query too expensive" (VALIDATION_ERROR), not INTERNAL_ERROR.
#[tokio::test]
async fn statement_timeouts_are_reported_as_too_expensive() {
    use diesel_async::{RunQueryDsl, SimpleAsyncConnection};
    let db = TestDb::new().await;
    let mut conn = db.connection().await;
    conn.batch_execute("SET statement_timeout = 50").await.unwrap();
    let slow = twenty_storage::sql::Sql::text("SELECT pg_sleep(2)");
    let err = slow.execute(&mut conn).await.unwrap_err();
    let mapped = twenty_storage::error::to_domain(err);
    assert_eq!(mapped.code(), twenty_domain::ErrorCode::ValidationError, "{mapped:?}");
    assert!(mapped.to_string().contains("too expensive"));
}

/// A LIKE pattern ending in the escape character is a PostgreSQL error (22025); it must be a validation error.
/// Huge `in` lists would exceed the bind-parameter limit; they are refused up front.
#[tokio::test]
async fn malformed_like_patterns_and_huge_lists_are_validation_errors() {
    let fx = Fixture::standard().await;
    fx.create_named("company", &["a\\b"]).await;
    let company = fx.object("company");
    for filter in [json!({"name": {"like": "abc\\"}}), json!({"name": {"ilike": "%\\"}})] {
        let err = query(&fx.meta, company, Some(filter.clone()), None, first(5)).unwrap_err();
        assert_eq!(err.code(), twenty_domain::ErrorCode::ValidationError, "{filter}");
    }
    // An escaped backslash at the end is fine, and matches literally.
    assert_eq!(
        fx.names_matching("company", json!({"name": {"like": "a\\\\%"}})).await,
        ["a\\b"]
    );
    let many: Vec<String> = (0..1001).map(|i| format!("n{i}")).collect();
    let err = query(&fx.meta, company, Some(json!({"name": {"in": many}})), None, first(5)).unwrap_err();
    assert_eq!(err.code(), twenty_domain::ErrorCode::ValidationError);
}

/// A value too large for a unique index is a PostgreSQL program-limit error; it must be a validation error.
#[tokio::test]
async fn values_too_large_for_a_unique_index_are_validation_errors() {
    use twenty_domain::blueprint::FieldBlueprint;
    use twenty_domain::services::MetadataService;
    let fx = Fixture::standard().await;
    let company = fx.object("company").id;
    let field = FieldBlueprint::new("code", "Code", twenty_domain::field_type::FieldType::Text).unique();
    MetadataService::new(fx.db.store())
        .create_field(&fx.meta, company, &field)
        .await
        .unwrap();
    let meta = fx.reloaded_metadata().await;
    let company = object(&meta, "company");
    // Random text does not compress below the index limit.
    let huge: String = (0..1000).map(|_| uuid::Uuid::new_v4().simple().to_string()).collect();
    let err = fx
        .db
        .records()
        .create_one(&meta, company, &json!({"code": huge}), false, &fields(company, &["id"]))
        .await
        .unwrap_err();
    assert_eq!(err.code(), twenty_domain::ErrorCode::ValidationError, "{err:?}");
}

/// Review findings: names that collide with composite sub-columns or exceed 63 characters, self-relations whose
/// sides collide, statements with more values than the protocol carries, upserts of soft-deleted records, and
/// destroying a record a RESTRICT relation still references — all 4xx, none a database error.
#[tokio::test]
async fn review_findings_are_client_errors() {
    use twenty_domain::ErrorCode;
    use twenty_domain::blueprint::{FieldBlueprint, ObjectBlueprint, RelationBlueprint};
    use twenty_domain::catalogue::standard_objects;
    use twenty_domain::field_type::FieldType;
    use twenty_domain::metadata::{OnDelete, RelationType};
    use twenty_domain::services::{MetadataService, NewRelation, NewRelationSide};
    let blueprint = standard_objects()
        .object(ObjectBlueprint::custom("lock", "locks", "Lock", "Locks"))
        .relation(
            RelationBlueprint::new(
                RelationType::ManyToOne,
                ("lock", "company", "Company"),
                ("company", "locks", "Locks"),
            )
            .on_delete(OnDelete::Restrict),
        );
    let fx = Fixture::from_blueprint(&blueprint).await;
    let service = MetadataService::new(fx.db.store());
    let person = fx.object("person").id;
    let err = service
        .create_field(
            &fx.meta,
            person,
            &FieldBlueprint::new("nameFirstName", "x", FieldType::Text),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict, "{err:?}");
    // Names take at most 63 characters (what they derive is shortened to fit: `identifiers`).
    let long = "a".repeat(64);
    let err = service
        .create_field(&fx.meta, person, &FieldBlueprint::new(&long, "x", FieldType::Currency))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::ValidationError, "{err:?}");
    let long_object = ObjectBlueprint::custom(&"b".repeat(64), "bees", "B", "Bs");
    assert_eq!(
        service.create_object(&fx.meta, &long_object).await.unwrap_err().code(),
        ErrorCode::ValidationError
    );
    let self_relation = NewRelation {
        relation_type: RelationType::OneToMany,
        from: NewRelationSide {
            object_id: person,
            name: "parentId".into(),
            ..NewRelationSide::default()
        },
        to: NewRelationSide {
            object_id: person,
            name: "parent".into(),
            ..NewRelationSide::default()
        },
        on_delete: None,
    };
    assert_eq!(
        service
            .create_relation(&fx.meta, &self_relation)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::Conflict
    );

    // More values than one statement can carry (an `in` list is one array parameter; each `eq` is one). The
    // message tells it from a statement timeout, which has the same code.
    let company = fx.object("company");
    let many: Vec<Json> = (0..70)
        .map(|_| json!({"or": (0..1000).map(|i| json!({"employees": {"eq": i}})).collect::<Vec<_>>()}))
        .collect();
    let q = query(&fx.meta, company, Some(json!({"or": many})), None, first(5))
        .unwrap()
        .with_total_count(true);
    let err = fx.db.records().find_many(&fx.meta, &q).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::ValidationError, "{err:?}");
    assert!(err.to_string().contains("query too large"), "{err}");
    // The same values as 70 `in` lists are 70 parameters: they fit.
    fx.create(
        "company",
        vec![
            json!({"name": "listed", "employees": 999}),
            json!({"name": "unlisted", "employees": 1000}),
        ],
    )
    .await;
    let lists: Vec<Json> = (0..70)
        .map(|_| json!({"employees": {"in": (0..1000).collect::<Vec<_>>()}}))
        .collect();
    let q = query(&fx.meta, company, Some(json!({"or": lists})), None, first(5))
        .unwrap()
        .with_node(fields(company, &["name"]))
        .with_total_count(true);
    let found = fx.find(&q).await;
    assert_eq!(found["totalCount"], json!(1), "{found}");
    assert_eq!(found["edges"][0]["node"]["name"], json!("listed"), "{found}");

    // Upserting a soft-deleted record brings it back.
    let id = fx.create_named("company", &["gone"]).await.remove(0);
    fx.change(
        LifeCycle::SoftDelete,
        company,
        id.parse().unwrap(),
        &fields(company, &["id"]),
    )
    .await;
    let back = fx
        .try_create_one(
            company,
            &json!({"id": id, "name": "back"}),
            true,
            &fields(company, &["name", "deletedAt"]),
        )
        .await
        .unwrap();
    assert_eq!(back, json!({"name": "back", "deletedAt": null}));

    // RESTRICT: the referenced company cannot be destroyed while a lock points at it.
    let meta = fx.reloaded_metadata().await;
    let lock = object(&meta, "lock");
    fx.db
        .records()
        .create_one(&meta, lock, &json!({"companyId": id}), false, &fields(lock, &["id"]))
        .await
        .unwrap();
    let company = object(&meta, "company");
    let err = fx
        .db
        .records()
        .change_one(
            LifeCycle::Destroy,
            &meta,
            company,
            id.parse().unwrap(),
            &fields(company, &["id"]),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict, "{err:?}");
}
