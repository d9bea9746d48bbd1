//! Every filter operator on every type it applies to, with NULLs; and/or/not nesting; composite and relation filters.

use crate::helpers::*;
use serde_json::{Value as Json, json};
use twenty_domain::blueprint::{FieldBlueprint as F, ObjectBlueprint, WorkspaceBlueprint};
use twenty_domain::catalogue::standard_objects;
use twenty_domain::field_type::FieldType::*;

const REF_A: &str = "11111111-1111-4111-8111-111111111111";
const REF_B: &str = "22222222-2222-4222-8222-222222222222";
const REF_C: &str = "33333333-3333-4333-8333-333333333333";

/// A custom object with one field of every type.
pub fn gadget_workspace() -> WorkspaceBlueprint {
    standard_objects().object(
        ObjectBlueprint::custom("gadget", "gadgets", "Gadget", "Gadgets")
            .field(F::new("name", "Name", Text))
            .field(F::new("num", "Num", Number))
            .field(F::new("count", "Count", Number).integer())
            .field(F::new("flag", "Flag", Boolean))
            .field(F::new("seenAt", "Seen at", DateTime))
            .field(F::new("day", "Day", Date))
            .field(F::new("contact", "Contact", Email))
            .field(F::new("phone", "Phone", Phone))
            .field(F::new("site", "Site", Url))
            .field(F::new("price", "Price", Currency))
            .field(F::new("tier", "Tier", Select).options(&[("LOW", "Low"), ("MEDIUM", "Medium"), ("HIGH", "High")]))
            .field(F::new("colors", "Colors", MultiSelect).options(&[
                ("RED", "Red"),
                ("GREEN", "Green"),
                ("BLUE", "Blue"),
            ]))
            .field(F::new("score", "Score", Rating).options(&[
                ("RATING_1", "1"),
                ("RATING_2", "2"),
                ("RATING_3", "3"),
                ("RATING_4", "4"),
                ("RATING_5", "5"),
            ]))
            .field(F::new("extra", "Extra", Json))
            .field(F::new("owner", "Owner", FullName))
            .field(F::new("ref", "Ref", Uuid)),
    )
}

pub fn gadgets() -> Vec<Json> {
    vec![
        json!({"name": "alpha", "num": 1.5, "count": 10, "flag": true, "seenAt": "2024-01-01T00:00:00.000Z",
               "day": "2024-01-01", "contact": "a@x.com", "phone": "+1 555 0001", "site": "https://a.com",
               "price": {"amountMicros": 1_000_000, "currencyCode": "USD"}, "tier": "LOW", "colors": ["RED"],
               "score": "RATING_1", "extra": {"k": 1}, "owner": {"firstName": "Ann", "lastName": "Lee"}, "ref": REF_A}),
        json!({"name": "beta", "num": 2.5, "count": 20, "flag": false, "seenAt": "2024-06-01T12:00:00.500Z",
               "day": "2024-06-01", "contact": "b@y.org", "phone": "+44 20 0002", "site": "http://b.org/x",
               "price": {"amountMicros": 2_000_000_000_000i64, "currencyCode": "EUR"}, "tier": "HIGH",
               "colors": ["RED", "BLUE"], "score": "RATING_3", "extra": {"k": 2},
               "owner": {"firstName": "Bob", "lastName": "Stone"}, "ref": REF_B}),
        json!({"name": "gamma", "num": 3.5, "count": 30, "flag": true, "seenAt": "2025-01-01T00:00:00.000Z",
               "day": "2025-01-01", "contact": "c@z.net", "phone": "555-0003", "site": "https://c.net",
               "price": {"amountMicros": 3_000_000, "currencyCode": "USD"}, "tier": "MEDIUM", "colors": ["GREEN"],
               "score": "RATING_5", "extra": {"k": 3}, "owner": {"firstName": "Cid", "lastName": "Lee"}, "ref": REF_C}),
        json!({"name": "none"}),
    ]
}

const ALL3: &[&str] = &["alpha", "beta", "gamma"];

#[tokio::test]
async fn every_operator_on_every_type_with_nulls() {
    let fx = Fixture::from_blueprint(&gadget_workspace()).await;
    fx.create("gadget", gadgets()).await;

    let cases: Vec<(Json, &[&str])> = vec![
        // TEXT
        (json!({"name": {"eq": "beta"}}), &["beta"]),
        (json!({"name": {"neq": "beta"}}), &["alpha", "gamma", "none"]),
        (json!({"name": {"in": ["alpha", "gamma", "zzz"]}}), &["alpha", "gamma"]),
        (json!({"name": {"gt": "beta"}}), &["gamma", "none"]),
        (json!({"name": {"gte": "beta"}}), &["beta", "gamma", "none"]),
        (json!({"name": {"lt": "beta"}}), &["alpha"]),
        (json!({"name": {"lte": "beta"}}), &["alpha", "beta"]),
        (json!({"name": {"like": "%a"}}), &["alpha", "beta", "gamma"]),
        (json!({"name": {"ilike": "AL%"}}), &["alpha"]),
        (json!({"name": {"startsWith": "gam"}}), &["gamma"]),
        (json!({"name": {"is": "NOT_NULL"}}), &["alpha", "beta", "gamma", "none"]),
        // NUMBER (float)
        (json!({"num": {"eq": 1.5}}), &["alpha"]),
        (json!({"num": {"neq": 1.5}}), &["beta", "gamma"]),
        (json!({"num": {"in": [1.5, 3.5]}}), &["alpha", "gamma"]),
        (json!({"num": {"is": "NULL"}}), &["none"]),
        (json!({"num": {"is": "NOT_NULL"}}), ALL3),
        (json!({"num": {"gt": 1.5}}), &["beta", "gamma"]),
        (json!({"num": {"gte": 2.5}}), &["beta", "gamma"]),
        (json!({"num": {"lt": 2.5}}), &["alpha"]),
        (json!({"num": {"lte": 2.5}}), &["alpha", "beta"]),
        // NUMBER (int)
        (json!({"count": {"eq": 20}}), &["beta"]),
        (json!({"count": {"neq": 20}}), &["alpha", "gamma"]),
        (json!({"count": {"in": [10, 30]}}), &["alpha", "gamma"]),
        (json!({"count": {"is": "NULL"}}), &["none"]),
        (json!({"count": {"gt": 10, "lt": 30}}), &["beta"]),
        (json!({"count": {"gte": 20}}), &["beta", "gamma"]),
        (json!({"count": {"lte": 20}}), &["alpha", "beta"]),
        // BOOLEAN
        (json!({"flag": {"eq": true}}), &["alpha", "gamma"]),
        (json!({"flag": {"neq": true}}), &["beta"]),
        (json!({"flag": {"is": "NULL"}}), &["none"]),
        // DATE_TIME (millisecond values match exactly)
        (json!({"seenAt": {"eq": "2024-06-01T12:00:00.500Z"}}), &["beta"]),
        (
            json!({"seenAt": {"neq": "2024-06-01T12:00:00.500Z"}}),
            &["alpha", "gamma"],
        ),
        (
            json!({"seenAt": {"in": ["2024-01-01T00:00:00Z", "2025-01-01T01:00:00+01:00"]}}),
            &["alpha", "gamma"],
        ),
        (json!({"seenAt": {"gt": "2024-06-01T12:00:00.500Z"}}), &["gamma"]),
        (
            json!({"seenAt": {"gte": "2024-06-01T12:00:00.500Z"}}),
            &["beta", "gamma"],
        ),
        (json!({"seenAt": {"lt": "2024-06-01T12:00:00.500Z"}}), &["alpha"]),
        (
            json!({"seenAt": {"lte": "2024-06-01T12:00:00.500Z"}}),
            &["alpha", "beta"],
        ),
        (json!({"seenAt": {"is": "NULL"}}), &["none"]),
        // DATE
        (json!({"day": {"eq": "2024-06-01"}}), &["beta"]),
        (json!({"day": {"neq": "2024-06-01"}}), &["alpha", "gamma"]),
        (json!({"day": {"in": ["2024-01-01"]}}), &["alpha"]),
        (json!({"day": {"gt": "2024-01-01"}}), &["beta", "gamma"]),
        (json!({"day": {"gte": "2024-06-01"}}), &["beta", "gamma"]),
        (json!({"day": {"lt": "2024-06-01"}}), &["alpha"]),
        (json!({"day": {"lte": "2024-06-01"}}), &["alpha", "beta"]),
        (json!({"day": {"is": "NULL"}}), &["none"]),
        // EMAIL, PHONE, URL (text-like)
        (json!({"contact": {"eq": "b@y.org"}}), &["beta"]),
        (json!({"contact": {"neq": "b@y.org"}}), &["alpha", "gamma"]),
        (json!({"contact": {"in": ["a@x.com", "c@z.net"]}}), &["alpha", "gamma"]),
        (json!({"contact": {"gt": "b"}}), &["beta", "gamma"]),
        (json!({"contact": {"gte": "b@y.org"}}), &["beta", "gamma"]),
        (json!({"contact": {"lt": "b"}}), &["alpha"]),
        (json!({"contact": {"lte": "b@y.org"}}), &["alpha", "beta"]),
        (json!({"contact": {"ilike": "%@Y.ORG"}}), &["beta"]),
        (json!({"contact": {"like": "%.net"}}), &["gamma"]),
        (json!({"contact": {"startsWith": "a@"}}), &["alpha"]),
        (json!({"contact": {"is": "NULL"}}), &["none"]),
        (json!({"phone": {"startsWith": "+"}}), &["alpha", "beta"]),
        (json!({"phone": {"like": "%000_"}}), &["alpha", "beta", "gamma"]),
        (json!({"phone": {"eq": "555-0003"}}), &["gamma"]),
        (json!({"phone": {"is": "NULL"}}), &["none"]),
        (json!({"site": {"startsWith": "https://"}}), &["alpha", "gamma"]),
        (json!({"site": {"ilike": "HTTP://%"}}), &["beta"]),
        (json!({"site": {"in": ["https://a.com"]}}), &["alpha"]),
        (json!({"site": {"is": "NOT_NULL"}}), ALL3),
        // CURRENCY sub-fields
        (json!({"price": {"amountMicros": {"eq": 1_000_000}}}), &["alpha"]),
        (
            json!({"price": {"amountMicros": {"gte": 1_000_000_000_000i64}}}),
            &["beta"],
        ),
        (
            json!({"price": {"amountMicros": {"gt": 1_000_000, "lt": 2_000_000_000_000i64}}}),
            &["gamma"],
        ),
        (
            json!({"price": {"amountMicros": {"lte": 3_000_000}}}),
            &["alpha", "gamma"],
        ),
        (
            json!({"price": {"amountMicros": {"neq": 1_000_000}}}),
            &["beta", "gamma"],
        ),
        (
            json!({"price": {"amountMicros": {"in": [1_000_000, 3_000_000]}}}),
            &["alpha", "gamma"],
        ),
        (json!({"price": {"amountMicros": {"is": "NULL"}}}), &["none"]),
        (json!({"price": {"currencyCode": {"eq": "USD"}}}), &["alpha", "gamma"]),
        (json!({"price": {"currencyCode": {"neq": "USD"}}}), &["beta"]),
        (
            json!({"price": {"currencyCode": {"in": ["EUR"]}, "amountMicros": {"gt": 0}}}),
            &["beta"],
        ),
        (json!({"price": {"currencyCode": {"like": "U%"}}}), &["alpha", "gamma"]),
        // FULL_NAME sub-fields
        (json!({"owner": {"lastName": {"eq": "Lee"}}}), &["alpha", "gamma"]),
        (json!({"owner": {"firstName": {"ilike": "b%"}}}), &["beta"]),
        (
            json!({"owner": {"firstName": {"startsWith": "C"}, "lastName": {"eq": "Lee"}}}),
            &["gamma"],
        ),
        (json!({"owner": {"lastName": {"is": "NULL"}}}), &["none"]),
        // SELECT
        (json!({"tier": {"eq": "HIGH"}}), &["beta"]),
        (json!({"tier": {"neq": "HIGH"}}), &["alpha", "gamma"]),
        (json!({"tier": {"in": ["LOW", "MEDIUM"]}}), &["alpha", "gamma"]),
        (json!({"tier": {"is": "NULL"}}), &["none"]),
        // MULTI_SELECT
        (
            json!({"colors": {"containsAny": ["BLUE", "GREEN"]}}),
            &["beta", "gamma"],
        ),
        (json!({"colors": {"containsAll": ["RED", "BLUE"]}}), &["beta"]),
        (json!({"colors": {"containsAny": ["RED"]}}), &["alpha", "beta"]),
        (json!({"colors": {"is": "NULL"}}), &["none"]),
        // RATING
        (json!({"score": {"eq": "RATING_3"}}), &["beta"]),
        (json!({"score": {"neq": "RATING_3"}}), &["alpha", "gamma"]),
        (json!({"score": {"in": ["RATING_1", "RATING_5"]}}), &["alpha", "gamma"]),
        (json!({"score": {"is": "NOT_NULL"}}), ALL3),
        // JSON
        (json!({"extra": {"is": "NULL"}}), &["none"]),
        (json!({"extra": {"is": "NOT_NULL"}}), ALL3),
        // UUID and id
        (json!({"ref": {"eq": REF_B}}), &["beta"]),
        (json!({"ref": {"neq": REF_B}}), &["alpha", "gamma"]),
        (json!({"ref": {"in": [REF_A, REF_C]}}), &["alpha", "gamma"]),
        (json!({"ref": {"is": "NULL"}}), &["none"]),
        // POSITION and system timestamps
        (json!({"position": {"gt": 0}}), &["alpha", "beta", "gamma", "none"]),
        (
            json!({"createdAt": {"lte": "2999-01-01T00:00:00Z"}}),
            &["alpha", "beta", "gamma", "none"],
        ),
        (
            json!({"deletedAt": {"is": "NULL"}}),
            &["alpha", "beta", "gamma", "none"],
        ),
        // Logical nesting
        (
            json!({"and": [{"flag": {"eq": true}}, {"or": [{"num": {"lt": 2}}, {"count": {"gte": 30}}]}]}),
            &["alpha", "gamma"],
        ),
        (
            json!({"or": [{"name": {"eq": "none"}}, {"and": [{"tier": {"eq": "HIGH"}}, {"flag": {"eq": false}}]}]}),
            &["beta", "none"],
        ),
        (json!({"not": {"name": {"eq": "alpha"}}}), &["beta", "gamma", "none"]),
        // NOT over a NULL comparison matches the NULL row.
        (json!({"not": {"num": {"gt": 2}}}), &["alpha", "none"]),
        (
            json!({"not": {"or": [{"num": {"is": "NULL"}}, {"flag": {"eq": true}}]}}),
            &["beta"],
        ),
        (json!({"and": []}), &["alpha", "beta", "gamma", "none"]),
        (json!({"or": []}), &[]),
        (json!({"name": {"like": "%a%"}, "num": {"gte": 2}}), &["beta", "gamma"]),
    ];
    let mut failures = Vec::new();
    for (filter, expected) in &cases {
        let got = fx.names_matching("gadget", filter.clone()).await;
        let mut want: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
        want.sort();
        if got != want {
            failures.push(format!("{filter}: expected {want:?}, got {got:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn relation_filters_by_id_and_by_related_fields() {
    let fx = Fixture::standard().await;
    let companies = fx.create_named("company", &["Acme", "Globex"]).await;
    fx.create_two_linked_and_one_not("opportunity", &companies, "name", ["big", "small", "orphan"])
        .await;
    assert_eq!(
        fx.names_matching("opportunity", json!({"companyId": {"eq": companies[0]}}))
            .await,
        ["big"]
    );
    assert_eq!(
        fx.names_matching("opportunity", json!({"companyId": {"is": "NULL"}}))
            .await,
        ["orphan"]
    );
    assert_eq!(
        fx.names_matching(
            "opportunity",
            json!({"companyId": {"in": [companies[0], companies[1]]}})
        )
        .await,
        ["big", "small"]
    );
    assert_eq!(
        fx.names_matching("opportunity", json!({"company": {"name": {"eq": "Globex"}}}))
            .await,
        ["small"]
    );
    assert_eq!(
        fx.names_matching("opportunity", json!({"not": {"company": {"name": {"eq": "Globex"}}}}))
            .await,
        ["big", "orphan"]
    );
    assert_eq!(
        fx.names_matching(
            "opportunity",
            json!({"or": [{"company": {"name": {"ilike": "acme"}}}, {"name": {"eq": "orphan"}}]})
        )
        .await,
        ["big", "orphan"]
    );
}

#[tokio::test]
async fn invalid_filters_list_every_problem() {
    let fx = Fixture::from_blueprint(&gadget_workspace()).await;
    let gadget = fx.object("gadget");
    let filter = json!({
        "nope": {"eq": 1},
        "num": {"like": "%1%"},
        "tier": {"eq": "BOGUS"},
        "count": {"gt": "many"},
        "price": {"amount": {"eq": 1}},
        "seenAt": {"eq": "yesterday"},
        "and": [{"flag": {"eq": null}}],
        "ref": {"eq": "not-a-uuid"},
        "colors": {"containsAny": ["PINK"]}
    });
    let err = query(&fx.meta, gadget, Some(filter), None, first(10)).unwrap_err();
    assert_eq!(err.code(), twenty_domain::ErrorCode::ValidationError);
    let fields: Vec<&str> = err.details().iter().map(|d| d.field.as_str()).collect();
    for expected in [
        "filter.nope",
        "filter.num.like",
        "filter.tier.eq",
        "filter.count.gt",
        "filter.price.amount",
        "filter.seenAt.eq",
        "filter.and[0].flag.eq",
        "filter.ref.eq",
        "filter.colors.containsAny",
    ] {
        assert!(fields.contains(&expected), "{expected} missing from {fields:?}");
    }
    assert_eq!(fields.len(), 9, "{fields:?}");
}

/// `in` sends its list as one array parameter (`= ANY($n)`) for every kind with an array type; decimals (sent
/// as texts and cast) still compare as numbers.
#[tokio::test]
async fn in_lists_compare_decimals_by_value() {
    let blueprint = standard_objects().object(
        ObjectBlueprint::custom("tally", "tallies", "Tally", "Tallies")
            .field(F::new("name", "Name", Text))
            .field(F::new("amount", "Amount", Numeric)),
    );
    let fx = Fixture::from_blueprint(&blueprint).await;
    fx.create(
        "tally",
        vec![
            json!({"name": "one", "amount": "1.5"}),
            json!({"name": "two", "amount": "2.50"}),
            json!({"name": "none"}),
        ],
    )
    .await;
    let matching = async |filter: Json| fx.names_matching("tally", filter).await;
    assert_eq!(matching(json!({"amount": {"in": ["2.5", 3]}})).await, ["two"]);
    assert_eq!(
        matching(json!({"amount": {"in": [1.5, "2.500"]}})).await,
        ["one", "two"]
    );
    assert_eq!(
        matching(json!({"not": {"amount": {"in": ["1.50"]}}})).await,
        ["none", "two"]
    );
}
