//! All six directions with NULLs, multi-key order, composite order, the default order.

use crate::helpers::*;
use serde_json::{Value as Json, json};

async fn names_in_order(fx: &Fixture, order: Json) -> Vec<String> {
    let company = fx.object("company");
    let q = query(&fx.meta, company, None, Some(order.clone()), first(100))
        .unwrap()
        .with_node(fields(company, &["name"]));
    let conn = fx.db.records().find_many(&fx.meta, &q).await.unwrap();
    conn.nodes()
        .map(|node| node["name"].as_str().unwrap_or("").to_string())
        .collect()
}

#[tokio::test]
async fn six_directions_place_nulls_as_asked() {
    let fx = Fixture::standard().await;
    fx.create(
        "company",
        vec![
            json!({"name": "b", "employees": 2}),
            json!({"name": "n", "employees": null}),
            json!({"name": "a", "employees": 1}),
            json!({"name": "c", "employees": 3}),
        ],
    )
    .await;
    let cases = [
        ("Asc", ["n", "a", "b", "c"]),
        ("AscNullsFirst", ["n", "a", "b", "c"]),
        ("AscNullsLast", ["a", "b", "c", "n"]),
        ("Desc", ["c", "b", "a", "n"]),
        ("DescNullsLast", ["c", "b", "a", "n"]),
        ("DescNullsFirst", ["n", "c", "b", "a"]),
    ];
    for (direction, expected) in cases {
        assert_eq!(
            names_in_order(&fx, json!([{"employees": direction}])).await,
            expected,
            "{direction}"
        );
    }
}

#[tokio::test]
async fn several_keys_apply_in_order_and_composites_sort_by_sub_field() {
    let fx = Fixture::standard().await;
    fx.create("company",
        vec![
            json!({"name": "x2", "industry": "B", "annualRecurringRevenue": {"amountMicros": 5, "currencyCode": "USD"}}),
            json!({"name": "x1", "industry": "B", "annualRecurringRevenue": {"amountMicros": 9, "currencyCode": "USD"}}),
            json!({"name": "y1", "industry": "A", "annualRecurringRevenue": {"amountMicros": 7, "currencyCode": "USD"}}),
        ],
    )
    .await;
    assert_eq!(
        names_in_order(&fx, json!([{"industry": "AscNullsFirst"}, {"name": "DescNullsLast"}])).await,
        ["y1", "x2", "x1"]
    );
    assert_eq!(
        names_in_order(
            &fx,
            json!([{"annualRecurringRevenue": {"amountMicros": "DescNullsLast"}}])
        )
        .await,
        ["x1", "y1", "x2"]
    );
    // No order: insertion position, then id.
    assert_eq!(names_in_order(&fx, Json::Null).await, ["x2", "x1", "y1"]);
}

#[tokio::test]
async fn bad_order_terms_are_validation_errors() {
    let fx = Fixture::standard().await;
    let company = fx.object("company");
    let err = query(
        &fx.meta,
        company,
        None,
        Some(json!([{"nope": "Asc"}, {"name": "Sideways"}, {"people": "Asc"}])),
        first(5),
    )
    .unwrap_err();
    let fields: Vec<&str> = err.details().iter().map(|d| d.field.as_str()).collect();
    assert_eq!(fields, ["orderBy[0].nope", "orderBy[1].name", "orderBy[2].people"]);
}
