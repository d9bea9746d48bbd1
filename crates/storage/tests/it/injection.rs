//! Hostile values are data: stored and matched literally.

use crate::helpers::*;
use serde_json::json;
use test_support::TestDb;

#[tokio::test]
async fn sql_and_pattern_characters_are_stored_and_matched_literally() {
    let db = TestDb::new().await;
    let meta = db.workspace().await;
    let nasty = [
        "'; DROP TABLE company; --",
        "%_\\",
        "\"quoted\"",
        "back\\slash",
        "ünïcödé ✓",
        "a%b",
    ];
    let inputs = nasty.iter().map(|n| json!({"name": n, "industry": n})).collect();
    create_all(&db, &meta, "company", inputs).await;
    create_all(
        &db,
        &meta,
        "company",
        vec![json!({"name": "abb"}), json!({"name": "xyz"})],
    )
    .await;

    for value in nasty {
        assert_eq!(
            names_matching(&db, &meta, "company", json!({"name": {"eq": value}})).await,
            [value],
            "eq {value:?}"
        );
        assert_eq!(
            names_matching(&db, &meta, "company", json!({"name": {"in": [value]}})).await,
            [value],
            "in {value:?}"
        );
        assert_eq!(
            names_matching(&db, &meta, "company", json!({"industry": {"startsWith": value}})).await,
            [value],
            "startsWith {value:?}"
        );
    }
    // `%` and `_` are not wildcards in startsWith.
    assert_eq!(
        names_matching(&db, &meta, "company", json!({"name": {"startsWith": "%"}})).await,
        ["%_\\"]
    );
    assert_eq!(
        names_matching(&db, &meta, "company", json!({"name": {"startsWith": "a%"}})).await,
        ["a%b"]
    );
    // The table survived and still holds everything.
    assert_eq!(names_matching(&db, &meta, "company", json!({})).await.len(), 8);
}
