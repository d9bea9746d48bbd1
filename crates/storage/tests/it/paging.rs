//! Keyset paging forward and backward over 1,000 records with duplicate and NULL sort keys; offset paging;
//! totalCount; bad cursors.

use crate::helpers::*;
use serde_json::{Value as Json, json};
use std::collections::HashSet;
use test_support::TestDb;
use twenty_domain::metadata::WorkspaceMetadata;
use twenty_domain::query::{ConnectionQuery, Page, PageArgs, ReadLimits};

async fn seed_thousand(db: &TestDb, meta: &WorkspaceMetadata) -> Vec<String> {
    let mut ids = Vec::new();
    for chunk in 0..5 {
        let inputs: Vec<Json> = (0..200)
            .map(|j| {
                let i = chunk * 200 + j;
                // Few distinct values, many duplicates, and NULLs in both keys.
                let employees = if i % 5 == 0 { Json::Null } else { json!(i % 7) };
                let name = if i % 11 == 0 {
                    Json::Null
                } else {
                    json!(format!("n{}", i % 13))
                };
                json!({"name": name, "employees": employees})
            })
            .collect();
        ids.extend(create_all(db, meta, "company", inputs).await);
    }
    ids
}

/// The companies' ids in `order`, paged by `args`.
fn page_query(meta: &WorkspaceMetadata, order: &Json, args: PageArgs) -> ConnectionQuery {
    let company = object(meta, "company");
    query(meta, company, None, Some(order.clone()), args)
        .unwrap()
        .with_node(fields(company, &["id"]))
}

async fn page(db: &TestDb, meta: &WorkspaceMetadata, order: &Json, args: PageArgs) -> Json {
    let q = page_query(meta, order, args);
    db.records().find_many(meta, &q).await.unwrap().into_json()
}

enum Direction {
    Forward,
    Backward,
}

/// Reads page after page (each cursor from the page before) until the connection says there is no more in
/// `direction`; returns each page's ids in the order the pages were read.
async fn walk(
    fx: &Fixture,
    order: &Json,
    direction: Direction,
    args: impl Fn(Option<String>) -> PageArgs,
) -> Vec<Vec<String>> {
    let (more, next_cursor) = match direction {
        Direction::Forward => ("hasNextPage", "endCursor"),
        Direction::Backward => ("hasPreviousPage", "startCursor"),
    };
    let mut pages = Vec::new();
    let mut cursor = None;
    loop {
        let conn = page(&fx.db, &fx.meta, order, args(cursor.clone())).await;
        pages.push(ids(&conn));
        if conn["pageInfo"][more] != json!(true) {
            return pages;
        }
        cursor = conn["pageInfo"][next_cursor].as_str().map(str::to_string);
    }
}

#[tokio::test]
async fn keyset_paging_returns_each_record_once_in_both_directions() {
    let fx = Fixture::standard().await;
    let all = seed_thousand(&fx.db, &fx.meta).await;
    assert_eq!(all.len(), 1000);
    let orders = [
        json!([{"employees": "AscNullsFirst"}, {"name": "DescNullsLast"}]),
        json!([{"employees": "DescNullsFirst"}, {"name": "AscNullsLast"}]),
        json!([{"name": "AscNullsLast"}, {"employees": "AscNullsLast"}]),
        json!([{"name": "DescNullsFirst"}]),
    ];
    for order in &orders {
        // The whole ordering in one page is the reference.
        let mut reference = Vec::new();
        for offset in [0i64, 200, 400, 600, 800] {
            let company = fx.object("company");
            let mut q = query(&fx.meta, company, None, Some(order.clone()), PageArgs::default()).unwrap();
            q.page = Page::offset(Some(200), Some(offset), ReadLimits::default()).unwrap();
            let q = q.with_node(fields(company, &["id"]));
            reference.extend(ids(&fx.find(&q).await));
        }
        assert_eq!(
            reference.iter().collect::<HashSet<_>>().len(),
            1000,
            "{order}: offset pages overlap"
        );

        let forward = walk(&fx, order, Direction::Forward, |after| PageArgs {
            first: Some(37),
            after,
            ..PageArgs::default()
        })
        .await
        .concat();
        assert_eq!(forward, reference, "{order}: forward paging");

        let backward = walk(&fx, order, Direction::Backward, |before| PageArgs {
            last: Some(41),
            before,
            ..PageArgs::default()
        })
        .await;
        let backward: Vec<String> = backward.into_iter().rev().flatten().collect();
        assert_eq!(backward, reference, "{order}: backward paging");
    }
}

#[tokio::test]
async fn page_info_cursors_and_total_count() {
    let fx = Fixture::standard().await;
    let ids_created = fx.numbered_companies(5).await;
    let company = fx.object("company");
    let q = query(&fx.meta, company, Some(json!({"name": {"neq": "c4"}})), None, first(2)).unwrap();
    let q = q.with_node(fields(company, &["id"])).with_total_count(true);
    let conn = fx.find(&q).await;
    assert_eq!(ids(&conn), ids_created[..2]);
    assert_eq!(conn["totalCount"], json!(4));
    assert_eq!(conn["pageInfo"]["hasNextPage"], json!(true));
    assert_eq!(conn["pageInfo"]["hasPreviousPage"], json!(false));
    assert_eq!(conn["pageInfo"]["startCursor"], conn["edges"][0]["cursor"]);
    assert_eq!(conn["pageInfo"]["endCursor"], conn["edges"][1]["cursor"]);

    // Past the end: empty page, totalCount still counts every match.
    let last = conn["edges"][1]["cursor"].as_str().unwrap().to_string();
    let q = query(
        &fx.meta,
        company,
        Some(json!({"name": {"eq": "c1"}})),
        None,
        PageArgs {
            first: Some(5),
            after: Some(last),
            ..PageArgs::default()
        },
    )
    .unwrap()
    .with_node(fields(company, &["id"]))
    .with_total_count(true);
    let conn = fx.find(&q).await;
    assert_eq!(conn["edges"], json!([]));
    assert_eq!(conn["totalCount"], json!(1));
    assert_eq!(conn["pageInfo"]["startCursor"], Json::Null);

    // totalCount is absent unless asked.
    let q = query(&fx.meta, company, None, None, first(1))
        .unwrap()
        .with_node(fields(company, &["id"]));
    assert!(
        fx.db
            .records()
            .find_many(&fx.meta, &q)
            .await
            .unwrap()
            .as_json()
            .get("totalCount")
            .is_none()
    );

    // first: 0 gives an empty page that still knows more exist.
    let q = query(&fx.meta, company, None, None, first(0))
        .unwrap()
        .with_node(fields(company, &["id"]));
    let conn = fx.find(&q).await;
    assert_eq!(conn["edges"], json!([]));
    assert_eq!(conn["pageInfo"]["hasNextPage"], json!(true));
}

#[tokio::test]
async fn offset_paging_walks_the_default_order() {
    let fx = Fixture::standard().await;
    let created = fx.numbered_companies(7).await;
    let company = fx.object("company");
    let mut seen = Vec::new();
    for offset in [0, 3, 6] {
        let mut q = query(&fx.meta, company, None, None, PageArgs::default())
            .unwrap()
            .with_total_count(true);
        q.page = Page::offset(Some(3), Some(offset), ReadLimits::default()).unwrap();
        let q = q.with_node(fields(company, &["id"]));
        let conn = fx.find(&q).await;
        assert_eq!(conn["totalCount"], json!(7));
        assert_eq!(conn["pageInfo"]["hasNextPage"], json!(offset < 6), "offset {offset}");
        seen.extend(ids(&conn));
    }
    assert_eq!(seen, created);
}

#[tokio::test]
async fn bad_page_arguments_are_validation_errors() {
    let fx = Fixture::standard().await;
    let company = fx.object("company");
    let bad = [
        PageArgs {
            first: Some(1),
            last: Some(1),
            ..PageArgs::default()
        },
        PageArgs {
            first: Some(-1),
            ..PageArgs::default()
        },
        PageArgs {
            after: Some("not a cursor".into()),
            ..PageArgs::default()
        },
        PageArgs {
            after: Some("WyJ4Il0".into()),
            ..PageArgs::default()
        }, // ["x"]: wrong length
        PageArgs {
            before: Some("W1siYSJdLCAibm90LWEtdXVpZCJd".into()),
            ..PageArgs::default()
        },
        PageArgs {
            after: Some("a".into()),
            before: Some("b".into()),
            ..PageArgs::default()
        },
    ];
    for args in bad {
        let err = query(&fx.meta, company, None, None, args.clone()).unwrap_err();
        assert_eq!(err.code(), twenty_domain::ErrorCode::ValidationError, "{args:?}");
    }
    // Above the maximum, the page is capped.
    let q = query(&fx.meta, company, None, None, first(100_000)).unwrap();
    assert_eq!(q.page.size(), 200);
}

/// `Cursors::Ends` (a REST list) computes only `pageInfo`'s cursors: the same as the first and last edges' cursors
/// of `Cursors::Every`, forward and backward, full and partial pages; its edges carry none.
#[tokio::test]
async fn end_cursors_alone_equal_the_first_and_last_edge_cursors() {
    use twenty_domain::query::Cursors;
    let fx = Fixture::standard().await;
    seed_thousand(&fx.db, &fx.meta).await;
    let order = json!([{"employees": "DescNullsLast"}, {"name": "AscNullsFirst"}]);
    let first_page = page(
        &fx.db,
        &fx.meta,
        &order,
        PageArgs {
            first: Some(7),
            ..PageArgs::default()
        },
    )
    .await;
    let middle = first_page["pageInfo"]["endCursor"].as_str().unwrap().to_string();
    let cases = [
        PageArgs {
            first: Some(7),
            ..PageArgs::default()
        },
        PageArgs {
            first: Some(7),
            after: Some(middle.clone()),
            ..PageArgs::default()
        },
        PageArgs {
            last: Some(5),
            before: Some(middle.clone()),
            ..PageArgs::default()
        },
        PageArgs {
            last: Some(3),
            ..PageArgs::default()
        },
        PageArgs {
            last: Some(2000),
            ..PageArgs::default()
        },
    ];
    for args in cases {
        let full = page(&fx.db, &fx.meta, &order, args.clone()).await;
        let ends = page_query(&fx.meta, &order, args.clone()).with_parts(Cursors::Ends, true);
        let ends = fx.db.records().find_many(&fx.meta, &ends).await.unwrap().into_json();
        let edges = full["edges"].as_array().unwrap();
        assert!(!edges.is_empty(), "{args:?}");
        // Cursors computed on both sides: equal `null`s would prove nothing.
        for cursor in [
            &ends["pageInfo"]["startCursor"],
            &ends["pageInfo"]["endCursor"],
            &edges[0]["cursor"],
            &edges[edges.len() - 1]["cursor"],
        ] {
            assert!(cursor.is_string(), "{args:?}: {cursor}");
        }
        assert_eq!(ends["pageInfo"]["startCursor"], edges[0]["cursor"], "{args:?}");
        assert_eq!(
            ends["pageInfo"]["endCursor"],
            edges[edges.len() - 1]["cursor"],
            "{args:?}"
        );
        assert_eq!(ends["pageInfo"], full["pageInfo"], "{args:?}");
        assert_eq!(ids(&ends), ids(&full), "{args:?}");
        assert!(ends["edges"][0].get("cursor").is_none(), "{args:?}");
    }
}
