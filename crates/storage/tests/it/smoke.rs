use crate::helpers::*;
use serde_json::json;

#[tokio::test]
async fn a_workspace_with_standard_objects_stores_and_reads_companies() {
    let fx = Fixture::standard().await;
    let ids = fx
        .create(
            "company",
            vec![json!({"name": "Acme", "employees": 500}), json!({"name": "Globex"})],
        )
        .await;
    assert_eq!(ids.len(), 2);
    let company = fx.object("company");
    let q = query(&fx.meta, company, None, None, first(10)).map(|q| {
        q.with_node(fields(
            company,
            &["id", "name", "employees", "createdAt", "annualRecurringRevenue"],
        ))
        .with_total_count(true)
    });
    let conn = fx
        .db
        .records()
        .find_many(&fx.meta, &q.unwrap_or_else(|e| panic!("{e:?}")))
        .await
        .unwrap_or_else(|e| panic!("{e:?}"))
        .into_json();
    println!("{conn:#}");
    assert_eq!(conn["totalCount"], json!(2));
    assert_eq!(ids_of(&conn), ids);
}

fn ids_of(conn: &serde_json::Value) -> Vec<String> {
    ids(conn)
}
