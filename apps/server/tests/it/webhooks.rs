//! Webhook delivery to a local receiver (contract §7), with the worker `serve` runs: signed bodies, retries, delivery
//! records, and targets that are never contacted.

use crate::support::app::{time_until, unique_email};
use crate::support::*;
use actix_web::http::Method;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Debug, Clone)]
struct Received {
    headers: Vec<(String, String)>,
    body: String,
}

/// A tiny HTTP receiver: answers the first `failures` requests with 500, the rest with 200.
fn receiver(failures: usize) -> (u16, Arc<Mutex<Vec<Received>>>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = Arc::new(Mutex::new(Vec::new()));
    let log = received.clone();
    std::thread::spawn(move || {
        for (n, stream) in listener.incoming().enumerate() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut headers = Vec::new();
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            loop {
                line.clear();
                reader.read_line(&mut line).unwrap();
                let trimmed = line.trim_end();
                if trimmed.is_empty() {
                    break;
                }
                if let Some((k, v)) = trimmed.split_once(':') {
                    headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
                }
            }
            let length: usize = headers
                .iter()
                .find(|(k, _)| k == "content-length")
                .map(|(_, v)| v.parse().unwrap())
                .unwrap_or(0);
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            log.lock().unwrap().push(Received {
                headers,
                body: String::from_utf8(body).unwrap(),
            });
            let status = if n < failures {
                "500 Internal Server Error"
            } else {
                "200 OK"
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
        }
    });
    (port, received)
}

/// An app with the webhook worker and a signed-up workspace.
async fn app(env: &[(&str, &str)]) -> TestApp {
    TestApp::with_env_workspace(env).await.with_webhook_worker()
}

async fn create_webhook(app: &TestApp, mutation: &str, url: String) -> String {
    let hook = app.metadata_query_with(mutation, json!({"u": url})).await;
    hook["createOneWebhook"]["id"].as_str().unwrap().to_string()
}

/// The `company.created` delivery of the webhook, once it is recorded (the sign-up's own event may be delivered
/// to it too, in any order).
async fn company_created_delivery(app: &TestApp, hook_id: &str) -> Option<Value> {
    let all = deliveries(app, "event status error", hook_id).await;
    let all = all.as_array().unwrap().clone();
    all.into_iter().find(|d| d["event"] == json!("company.created"))
}

/// A webhook for every event to `url`, a company created, and the record of that company's delivery once it
/// failed for good.
async fn failed_delivery_to(app: &TestApp, url: String) -> Value {
    let hook_id = create_webhook(app, ANY_EVENT, url).await;
    app.rest(Method::POST, "/rest/companies", Some(json!({"name": "x"})))
        .await;
    failed_company_delivery(app, &hook_id).await
}

/// Waits until the `company.created` delivery of the webhook failed for good; its record.
async fn failed_company_delivery(app: &TestApp, hook_id: &str) -> Value {
    time_until(Duration::from_secs(15), async || {
        company_created_delivery(app, hook_id)
            .await
            .is_some_and(|d| d["status"] == json!("failed"))
    })
    .await;
    company_created_delivery(app, hook_id).await.unwrap()
}

async fn deliveries(app: &TestApp, selection: &str, hook_id: &str) -> Value {
    let query = format!("query($id: ID!) {{ webhookDeliveries(webhookId: $id) {{ {selection} }} }}");
    app.metadata_query_with(&query, json!({"id": hook_id})).await["webhookDeliveries"].clone()
}

/// A `company.*` webhook (secret `s3cret-value`) on a receiver that fails `failures` times; a company and a person
/// created. Returns the app, the receiver's log, the webhook id and the company id, once the company's event was
/// delivered successfully.
async fn delivered(failures: usize) -> (TestApp, Arc<Mutex<Vec<Received>>>, String, String) {
    let (port, received) = receiver(failures);
    let app = app(&[("WEBHOOK_ALLOW_PRIVATE_URLS", "true"), ("WEBHOOK_MAX_ATTEMPTS", "3")]).await;
    let hook_id = create_webhook(
        &app,
        "mutation($u: String!) { createOneWebhook(data: {targetUrl: $u, operation: \"company.*\", secret: \"s3cret-value\"}) { id } }",
        format!("http://127.0.0.1:{port}/hook"),
    )
    .await;
    let created = app
        .rest(Method::POST, "/rest/companies", Some(json!({"name": "Acme"})))
        .await
        .json();
    let company_id = created["data"]["id"].as_str().unwrap().to_string();
    // A person event does not match `company.*`.
    app.rest(Method::POST, "/rest/people", Some(json!({"city": "Paris"})))
        .await;
    // Each failed attempt gets a 500, and is retried (after 2 s).
    time_until(Duration::from_secs(30), async || {
        received.lock().unwrap().len() > failures
    })
    .await;
    (app, received, hook_id, company_id)
}

#[actix_web::test]
async fn a_delivery_carries_the_event_and_its_signature() {
    let (_app, received, hook_id, company_id) = delivered(0).await;
    let delivery = received.lock().unwrap()[0].clone();
    let header = |name: &str| {
        delivery
            .headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let body: Value = serde_json::from_str(&delivery.body).unwrap();
    assert_eq!(body["event"], json!("company.created"));
    assert_eq!(body["objectName"], json!("company"));
    assert_eq!(body["recordId"], json!(company_id));
    assert_eq!(body["data"]["name"], json!("Acme"));
    assert_eq!(body["webhookId"], json!(hook_id));
    assert!(body["timestamp"].as_str().unwrap().ends_with('Z'));
    assert_eq!(header("content-type"), "application/json");
    assert_eq!(header("x-twenty-webhook-event"), "company.created");
    assert_eq!(header("x-twenty-webhook-id"), body["eventId"].as_str().unwrap());
    let timestamp: i64 = header("x-twenty-webhook-timestamp").parse().unwrap();
    let expected = twenty_domain::webhook::signature("s3cret-value", timestamp, delivery.body.as_bytes());
    assert_eq!(header("x-twenty-webhook-signature"), expected);
}

#[actix_web::test]
async fn a_failed_delivery_is_retried_with_the_same_event_and_its_record_shows_the_attempts() {
    let (app, received, hook_id, _) = delivered(1).await;
    let got = received.lock().unwrap().clone();
    assert_eq!(got[0].body, got[1].body, "the retry sends the same event");
    let expected = json!([{"event": "company.created", "status": "succeeded", "attempt": 2, "httpStatus": 200}]);
    time_until(Duration::from_secs(10), async || {
        deliveries(&app, "event status attempt httpStatus", &hook_id).await == expected
    })
    .await;
    assert_eq!(received.lock().unwrap().len(), 2, "nothing else was delivered");
    // `/metrics` counted both attempts by outcome; nothing is left in the outbox.
    let metrics = crate::support::metrics::parse_exposition(&app.get("/metrics", None).await.body);
    let outcomes = &metrics["twenty_webhook_deliveries_total"];
    assert_eq!(outcomes.value(&[("outcome", "retrying")]), 1.0);
    assert_eq!(outcomes.value(&[("outcome", "delivered")]), 1.0);
    assert_eq!(outcomes.value(&[("outcome", "failed")]), 0.0);
    // The worker counts the backlog every two seconds.
    time_until(Duration::from_secs(10), async || {
        let metrics = crate::support::metrics::parse_exposition(&app.get("/metrics", None).await.body);
        metrics.get("twenty_webhook_outbox_backlog").is_some_and(|backlog| {
            backlog.value(&[("queue", "events")]) == 0.0 && backlog.value(&[("queue", "deliveries")]) == 0.0
        })
    })
    .await;
}

const ANY_EVENT: &str = "mutation($u: String!) { createOneWebhook(data: {targetUrl: $u, operation: \"*\"}) { id } }";

#[actix_web::test]
async fn a_literal_private_address_is_refused_at_creation() {
    let (port, received) = receiver(0);
    let app = app(&[("WEBHOOK_ALLOW_PRIVATE_URLS", "false"), ("WEBHOOK_MAX_ATTEMPTS", "1")]).await;
    let refused = app
        .metadata(ANY_EVENT, json!({"u": format!("http://127.0.0.1:{port}/x")}))
        .await;
    assert_eq!(refused.error_code(), "VALIDATION_ERROR");
    assert!(received.lock().unwrap().is_empty());
}

#[actix_web::test]
async fn a_host_that_does_not_resolve_fails_at_delivery_without_any_request() {
    // Hosts resolving to private addresses are refused the same way: unit test in the worker.
    let (port, received) = receiver(0);
    let app = app(&[("WEBHOOK_ALLOW_PRIVATE_URLS", "false"), ("WEBHOOK_MAX_ATTEMPTS", "1")]).await;
    let failed = failed_delivery_to(&app, format!("http://no-such-host.invalid:{port}/x")).await;
    // What failed, without the resolver's own words or any address.
    assert_eq!(failed["error"], json!("the target host name does not resolve"));
    assert!(received.lock().unwrap().is_empty());
}

#[actix_web::test]
async fn every_spelling_of_a_loopback_address_is_refused_at_creation() {
    let app = app(&[("WEBHOOK_ALLOW_PRIVATE_URLS", "false")]).await;
    for url in [
        "http://2130706433/x",
        "http://0x7f000001/x",
        "http://127.1/x",
        "http://0177.0.0.1/x",
        "http://localhost./x",
        "http://[::127.0.0.1]/x",
        "http://[::ffff:127.0.0.1]/x",
        "http://[64:ff9b::7f00:1]/x",
    ] {
        let refused = app.metadata(ANY_EVENT, json!({"u": url})).await;
        assert_eq!(refused.error_code(), "VALIDATION_ERROR", "{url}");
    }
}

#[actix_web::test]
async fn a_refused_connection_is_recorded_as_such_without_the_address() {
    // A port nothing listens on, and that no other test of this process is handed (a kernel-chosen port could
    // be given to another test's receiver).
    let closed_port = crate::support::binary::free_port();
    let app = app(&[("WEBHOOK_ALLOW_PRIVATE_URLS", "true"), ("WEBHOOK_MAX_ATTEMPTS", "1")]).await;
    let failed = failed_delivery_to(&app, format!("http://127.0.0.1:{closed_port}/x")).await;
    assert_eq!(failed["error"], json!("connection refused"));
}

/// The connections a [`silent_target`] has seen.
#[derive(Default, Clone, Copy)]
struct Connections {
    open: usize,
    open_at_most: usize,
    accepted: usize,
}

/// A target that accepts connections and never answers.
fn silent_target() -> (u16, Arc<Mutex<Connections>>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let counts = Arc::new(Mutex::new(Connections::default()));
    let shared = counts.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            {
                let mut c = shared.lock().unwrap();
                c.open += 1;
                c.open_at_most = c.open_at_most.max(c.open);
                c.accepted += 1;
            }
            let shared = shared.clone();
            std::thread::spawn(move || {
                // Reads until the client gives up and closes; never writes.
                let mut sink = [0u8; 4096];
                while matches!(stream.read(&mut sink), Ok(n) if n > 0) {}
                shared.lock().unwrap().open -= 1;
            });
        }
    });
    (port, counts)
}

#[actix_web::test]
async fn a_target_that_never_answers_does_not_delay_another_workspaces_delivery() {
    let (silent_port, silent) = silent_target();
    let (port, received) = receiver(0);
    let app = app(&[
        ("WEBHOOK_ALLOW_PRIVATE_URLS", "true"),
        ("WEBHOOK_TIMEOUT_SECS", "5"),
        ("WEBHOOK_MAX_ATTEMPTS", "1"),
    ])
    .await;
    // Another workspace queues 40 events for the silent target.
    let other = app.sign_up(&unique_email("other")).await;
    let other_token = other["accessToken"].as_str().unwrap();
    let url = format!("http://127.0.0.1:{silent_port}/x");
    app.document("/metadata", other_token, ANY_EVENT, json!({"u": url}))
        .await
        .gql_ok();
    let companies: Vec<String> = (0..40).map(|i| format!("{{name: \"c{i}\"}}")).collect();
    let batch = format!(
        "mutation {{ createCompanies(data: [{}]) {{ id }} }}",
        companies.join(", ")
    );
    app.document("/graphql", other_token, &batch, json!({})).await.gql_ok();
    time_until(Duration::from_secs(10), async || silent.lock().unwrap().accepted > 0).await;
    // This workspace's event is delivered while the silent target still holds the others'.
    create_webhook(&app, ANY_EVENT, format!("http://127.0.0.1:{port}/hook")).await;
    app.rest(Method::POST, "/rest/companies", Some(json!({"name": "mine"})))
        .await;
    time_until(Duration::from_secs(20), async || !received.lock().unwrap().is_empty()).await;
    let Connections {
        open_at_most, accepted, ..
    } = *silent.lock().unwrap();
    assert!(open_at_most <= 2, "{open_at_most} deliveries in flight to one target");
    assert!(
        accepted < 40,
        "the other workspace's deliveries were all tried first ({accepted})"
    );
}
