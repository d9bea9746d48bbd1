//! A page of companies with nested people and opportunities plus totalCount costs exactly one statement.

use crate::helpers::*;
use diesel::connection::InstrumentationEvent;
use diesel_async::AsyncConnection;
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

#[tokio::test]
async fn nested_page_with_total_count_is_one_round_trip() {
    let fx = Fixture::standard().await;
    let companies = fx.numbered_companies(30).await;
    for company_id in &companies[..10] {
        fx.create(
            "person",
            (0..3)
                .map(|i| json!({"city": format!("p{i}"), "companyId": company_id}))
                .collect(),
        )
        .await;
        fx.create("opportunity", vec![json!({"name": "deal", "companyId": company_id})])
            .await;
    }
    let company = fx.object("company");
    let person = fx.object("person");
    let opportunity = fx.object("opportunity");
    let people = query(&fx.meta, person, None, None, first(2))
        .unwrap()
        .with_node(fields(person, &["id", "name", "email"]));
    let deals = query(&fx.meta, opportunity, None, None, first(5))
        .unwrap()
        .with_node(fields(opportunity, &["id", "name", "amount", "stage"]));
    let node = fields(company, &["id", "name", "annualRecurringRevenue", "createdAt"])
        .to_many(company, "people", "people", people)
        .unwrap()
        .to_many(company, "opportunities", "opportunities", deals)
        .unwrap();
    let q = query(&fx.meta, company, None, None, first(20))
        .unwrap()
        .with_node(node)
        .with_total_count(true);

    let mut conn = fx.db.connection().await;
    let statements = Arc::new(AtomicUsize::new(0));
    let counter = statements.clone();
    conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
        if matches!(event, InstrumentationEvent::StartQuery { .. }) {
            counter.fetch_add(1, Ordering::SeqCst);
        }
    });
    let page = twenty_storage::records::find(&mut conn, &fx.meta, &q).await.unwrap();
    assert_eq!(statements.load(Ordering::SeqCst), 1, "one statement for the whole page");
    assert_eq!(page["totalCount"], json!(30));
    assert_eq!(page["edges"].as_array().unwrap().len(), 20);
    assert_eq!(page["edges"][0]["node"]["people"]["edges"].as_array().unwrap().len(), 2);
    assert_eq!(
        page["edges"][0]["node"]["people"]["pageInfo"]["hasNextPage"],
        json!(true)
    );
    assert_eq!(
        page["edges"][0]["node"]["opportunities"]["edges"][0]["node"]["stage"],
        json!("NEW")
    );
    assert_eq!(page["edges"][15]["node"]["people"]["edges"], json!([]));
}
