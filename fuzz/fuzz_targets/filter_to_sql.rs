//! Fuzzes GraphQL-style filter and order input → SQL: a JSON document becomes the arguments of
//! `ConnectionQuery::from_input` (the domain's filter resolver, order parser and paging), and the query it yields
//! is compiled by the storage compiler. Errors are expected; panics are findings.
//!
//! Input: `{"object": "company", "filter": …, "orderBy": …, "first": n, "last": n, "after": "…", "before": "…"}`
//! (every key optional; the object defaults to the all-types `gadget`). Any other JSON value is tried as the
//! filter of each object.

#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value as Json;
use twenty_domain::metadata::ObjectMetadata;
use twenty_domain::query::{ConnectionQuery, InputValue, PageArgs, ReadLimits};
use twenty_fuzz::{compile, objects, workspace};

const KEYS: [&str; 7] = ["object", "filter", "orderBy", "first", "last", "after", "before"];

fn run(object: &ObjectMetadata, filter: Option<&Json>, order_by: Option<&Json>, page: &PageArgs) {
    let filter = filter.map(InputValue::from);
    let order_by = order_by.map(InputValue::from);
    let (filter, order_by) = (filter.as_ref(), order_by.as_ref());
    match ConnectionQuery::from_input(workspace(), object, filter, order_by, page, ReadLimits::default()) {
        Ok(query) => compile(object, query),
        Err(e) => {
            std::hint::black_box(e.to_string());
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = serde_json::from_slice::<Json>(data) else {
        return;
    };
    match &input {
        Json::Object(args) if args.keys().any(|k| KEYS.contains(&k.as_str())) => {
            let name = args.get("object").and_then(Json::as_str).unwrap_or("gadget");
            let Some(object) = workspace().object_by_singular(name) else {
                return;
            };
            let text = |key: &str| args.get(key).and_then(Json::as_str).map(str::to_string);
            let page = PageArgs {
                first: args.get("first").and_then(Json::as_i64),
                last: args.get("last").and_then(Json::as_i64),
                after: text("after"),
                before: text("before"),
            };
            run(object, args.get("filter"), args.get("orderBy"), &page);
        }
        filter => {
            for object in objects() {
                run(object, Some(filter), None, &PageArgs::default());
            }
        }
    }
});
