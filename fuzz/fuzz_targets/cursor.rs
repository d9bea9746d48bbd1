//! Fuzzes page-cursor decoding (`Page::from_args` in `twenty_domain::query::page`): the input is an `after`
//! cursor of a forward page and a `before` cursor of a backward page, under orders whose keys have different
//! kinds (position, text, timestamp, number, boolean, currency amount, id). A cursor that decodes is compiled
//! into the keyset condition of the SQL. Errors are expected; panics are findings.

#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::{Value as Json, json};
use std::sync::OnceLock;
use twenty_domain::query::{ConnectionQuery, InputValue, PageArgs, ReadLimits};
use twenty_fuzz::{compile, workspace};

/// (object, orderBy) pairs; `null` is the default order (`position`, then `id`).
fn orders() -> &'static [(&'static str, Json)] {
    static ORDERS: OnceLock<Vec<(&'static str, Json)>> = OnceLock::new();
    ORDERS.get_or_init(|| {
        vec![
            ("company", Json::Null),
            ("company", json!([{"name": "AscNullsFirst"}])),
            ("company", json!([{"createdAt": "DescNullsLast"}])),
            (
                "gadget",
                json!([{"weight": "Asc"}, {"seenAt": "DescNullsFirst"}, {"active": "AscNullsLast"},
                       {"price": {"amountMicros": "Desc"}}, {"count": "Asc"}, {"madeOn": "Desc"}]),
            ),
        ]
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(cursor) = std::str::from_utf8(data) else {
        return;
    };
    let forward = PageArgs {
        first: Some(10),
        after: Some(cursor.to_string()),
        ..PageArgs::default()
    };
    let backward = PageArgs {
        last: Some(10),
        before: Some(cursor.to_string()),
        ..PageArgs::default()
    };
    for (name, order) in orders() {
        let Some(object) = workspace().object_by_singular(name) else {
            continue;
        };
        let order = (!order.is_null()).then(|| InputValue::from(order));
        for page in [&forward, &backward] {
            match ConnectionQuery::from_input(workspace(), object, None, order.as_ref(), page, ReadLimits::default()) {
                Ok(query) => compile(object, query),
                Err(e) => {
                    std::hint::black_box(e.to_string());
                }
            }
        }
    }
});
