//! Query plans over 100,000 companies: the orders people use are served by indexes, so a page costs the same
//! however large the table and however deep the cursor.

use crate::helpers::*;
use diesel::QueryableByName;
use diesel_async::{RunQueryDsl, SimpleAsyncConnection};
use serde_json::{Value as Json, json};
use test_support::TestDb;
use twenty_domain::metadata::WorkspaceMetadata;
use twenty_domain::query::{ConnectionQuery, PageArgs};
use twenty_storage::compile::Compiler;
use twenty_storage::sql::Sql;

#[derive(QueryableByName)]
struct Plan {
    #[diesel(column_name = "QUERY PLAN", sql_type = diesel::sql_types::Json)]
    plan: Json,
}

/// 100,000 companies (industries and sizes spread as in the demo data) with two people each, analysed.
async fn large_workspace(db: &TestDb) -> WorkspaceMetadata {
    let meta = db.workspace().await;
    let schema = &meta.schema_name;
    let mut conn = db.connection().await;
    conn.batch_execute(&format!(
        "INSERT INTO \"{schema}\".company (name, industry, employees, \"createdAt\")
           SELECT 'Company ' || g, (ARRAY['Technology','Finance','Healthcare','Retail','Energy','Media','Education',
                  'Manufacturing'])[1 + g % 8], (g * 7919) % 10000, now() - g * interval '1 second'
           FROM generate_series(1, 100000) g;
         INSERT INTO \"{schema}\".person (\"companyId\", email)
           SELECT c.id, 'p' || n || '.' || c.id || '@example.com' FROM \"{schema}\".company c, generate_series(1, 2) n;
         ANALYZE \"{schema}\".company; ANALYZE \"{schema}\".person;"
    ))
    .await
    .unwrap();
    meta
}

/// The plan PostgreSQL picks for `sql`, with its bind values.
async fn plan(db: &TestDb, sql: Sql) -> Json {
    let mut explain = Sql::text("EXPLAIN (FORMAT JSON) ");
    explain.append(sql);
    let mut conn = db.connection().await;
    let plan: Plan = explain.get_result(&mut conn).await.unwrap();
    plan.plan
}

/// Every sequential scan in a plan, as "relation (estimated rows)".
fn sequential_scans(node: &Json, found: &mut Vec<String>) {
    if node["Node Type"] == json!("Seq Scan") {
        found.push(format!("{} ({})", node["Relation Name"], node["Plan Rows"]));
    }
    for child in node["Plans"].as_array().into_iter().flatten() {
        sequential_scans(child, found);
    }
    if let Some(top) = node.as_array() {
        for item in top {
            sequential_scans(&item["Plan"], found);
        }
    }
}

fn assert_no_sequential_scan(plan: &Json, what: &str) {
    let mut scans = Vec::new();
    sequential_scans(plan, &mut scans);
    assert!(scans.is_empty(), "{what} scans {scans:?}: {plan:#}");
}

/// The plan of the statement `q` compiles to must read through indexes.
async fn assert_read_through_indexes(db: &TestDb, meta: &WorkspaceMetadata, q: &ConnectionQuery, what: &str) {
    let sql = Compiler::new(meta).find(q).unwrap();
    assert_no_sequential_scan(&plan(db, sql).await, what);
}

fn page(meta: &WorkspaceMetadata, filter: Json, order: Json, page: PageArgs) -> ConnectionQuery {
    let company = object(meta, "company");
    query(meta, company, Some(filter), Some(order), page)
        .unwrap()
        .with_node(fields(company, &["id", "name", "employees", "industry", "createdAt"]))
}

#[tokio::test]
async fn pages_in_the_orders_people_use_are_read_through_indexes() {
    let db = TestDb::new().await;
    let meta = large_workspace(&db).await;
    let newest_first = json!([{"createdAt": "DescNullsLast"}]);
    let filter = json!({"industry": {"eq": "Technology"}, "employees": {"gte": 100}});

    // (a) without totalCount: newest first, filtered.
    let a = page(&meta, filter.clone(), newest_first.clone(), first(20));
    assert_read_through_indexes(&db, &meta, &a, "a filtered page, newest first").await;

    // The default order (position, then id), unfiltered.
    let company = object(&meta, "company");
    let default = first_page(&meta, company, 20, &["id", "name"]);
    assert_read_through_indexes(&db, &meta, &default, "a page in the default order").await;

    // (b): each company's first five people, nested.
    let person = object(&meta, "person");
    let people = first_page(&meta, person, 5, &["id", "email"]);
    let node = fields(company, &["id", "name"])
        .to_many(company, "people", "people", people)
        .unwrap();
    let b = page(&meta, filter, newest_first.clone(), first(20)).with_node(node);
    assert_read_through_indexes(&db, &meta, &b, "a page with nested people").await;
}

#[tokio::test]
async fn a_page_deep_in_the_list_is_read_through_the_index_from_its_cursor() {
    let db = TestDb::new().await;
    let meta = large_workspace(&db).await;
    let newest_first = json!([{"createdAt": "DescNullsLast"}]);
    // The cursor of the 50,000th company, newest first.
    let mut deep = page(&meta, json!({}), newest_first.clone(), first(1));
    deep.page = twenty_domain::query::Page::Offset {
        limit: 1,
        offset: 49_999,
    };
    let records = db.records();
    let found = records.find_many(&meta, &deep).await.unwrap().into_json();
    let cursor = found["edges"][0]["cursor"].as_str().unwrap().to_string();

    let after = page(
        &meta,
        json!({}),
        newest_first,
        PageArgs {
            first: Some(20),
            after: Some(cursor),
            ..PageArgs::default()
        },
    );
    let sql = Compiler::new(&meta).find(&after).unwrap();
    let plan = plan(&db, sql).await;
    assert_no_sequential_scan(&plan, "a keyset page deep in the list");
    assert!(
        plan.to_string().contains("crt_"),
        "the createdAt index serves it: {plan:#}"
    );
    let page = records.find_many(&meta, &after).await.unwrap().into_json();
    assert_eq!(page["edges"].as_array().unwrap().len(), 20);
}

/// Rows the executor read and threw away, over every node of an `EXPLAIN ANALYZE` plan.
fn rows_removed(node: &Json) -> u64 {
    let own = ["Rows Removed by Filter", "Rows Removed by Index Recheck"]
        .iter()
        .filter_map(|key| node[key].as_u64())
        .sum::<u64>();
    let children: u64 = node["Plans"].as_array().into_iter().flatten().map(rows_removed).sum();
    let top: u64 = node
        .as_array()
        .into_iter()
        .flatten()
        .map(|item| rows_removed(&item["Plan"]))
        .sum();
    own + children + top
}

/// The cursor of the `n`th record (from 1) of `order`, read by offset.
async fn cursor_at(db: &TestDb, meta: &WorkspaceMetadata, order: Json, n: u64) -> String {
    let mut deep = page(meta, json!({}), order, first(1));
    deep.page = twenty_domain::query::Page::Offset {
        limit: 1,
        offset: n - 1,
    };
    let found = db.records().find_many(meta, &deep).await.unwrap().into_json();
    found["edges"][0]["cursor"].as_str().unwrap().to_string()
}

/// A keyset page starts reading at its cursor: in the default order (position), newest first (createdAt,
/// NULLs last but never NULL) and oldest first, the executor throws away at most a page's worth of rows —
/// not the 50,000 before the cursor (found by `scripts/scale`: 104 ms in the middle of a million rows).
#[tokio::test]
async fn a_page_deep_in_the_list_reads_no_row_before_its_cursor() {
    let db = TestDb::new().await;
    let meta = large_workspace(&db).await;
    for order in [
        json!([{"position": "AscNullsFirst"}]),
        json!([{"createdAt": "DescNullsLast"}]),
        json!([{"createdAt": "AscNullsFirst"}]),
    ] {
        let cursor = cursor_at(&db, &meta, order.clone(), 50_000).await;
        let after = page(
            &meta,
            json!({}),
            order.clone(),
            PageArgs {
                first: Some(20),
                after: Some(cursor),
                ..PageArgs::default()
            },
        );
        let mut explain = Sql::text("EXPLAIN (ANALYZE, FORMAT JSON) ");
        explain.append(Compiler::new(&meta).find(&after).unwrap());
        let mut conn = db.connection().await;
        let analysed: Plan = explain.get_result(&mut conn).await.unwrap();
        let removed = rows_removed(&analysed.plan);
        assert!(
            removed <= 1_000,
            "{order}: {removed} rows read and thrown away: {:#}",
            analysed.plan
        );
        let page = db.records().find_many(&meta, &after).await.unwrap().into_json();
        assert_eq!(page["edges"].as_array().unwrap().len(), 20, "{order}");
    }
}
