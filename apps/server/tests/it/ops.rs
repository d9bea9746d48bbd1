//! The operational surface: health and readiness, unknown routes, request ids, metrics and CORS.

use crate::support::metrics::{Family, parse_exposition};
use crate::support::*;
use actix_web::test::TestRequest;
use serde_json::json;
use std::collections::BTreeSet;

#[actix_web::test]
async fn health_and_readiness_answer() {
    let app = TestApp::new().await;
    let health = app.get("/healthz", None).await;
    assert_eq!(health.expect(200), json!({"status": "ok"}));
    assert_eq!(app.get("/readyz", None).await.status, 200);
}

#[actix_web::test]
async fn an_unknown_route_is_a_not_found_error() {
    let app = TestApp::new().await;
    let res = app.get("/no/such/route", None).await;
    assert_eq!(res.status, 404);
    assert_eq!(res.error_code(), "NOT_FOUND");
}

#[actix_web::test]
async fn readiness_fails_when_the_database_is_gone() {
    let app = TestApp::new().await;
    app.state.pool.close();
    assert_eq!(app.get("/readyz", None).await.status, 503);
}

#[actix_web::test]
async fn every_response_carries_a_request_id() {
    let app = TestApp::new().await;
    let res = app.get("/healthz", None).await;
    assert!(res.header("x-request-id").is_some_and(|id| !id.is_empty()));
}

#[actix_web::test]
async fn a_request_id_sent_by_the_client_is_echoed() {
    let app = TestApp::new().await;
    let request = TestRequest::get()
        .uri("/healthz")
        .insert_header(("X-Request-Id", "trace-me-123"));
    let res = app.call(request).await;
    assert_eq!(res.header("x-request-id"), Some("trace-me-123"));
}

#[actix_web::test]
async fn metrics_count_requests_by_api_and_status_class_and_show_the_pool() {
    let app = TestApp::new().await;
    app.get("/healthz", None).await;
    let metrics = app.get("/metrics", None).await;
    assert_eq!(metrics.status, 200);
    assert!(
        metrics
            .body
            .contains("twenty_http_requests_total{api=\"ops\",status=\"2xx\"}"),
        "{}",
        metrics.body
    );
    assert!(metrics.body.contains("twenty_db_pool_connections"));
}

#[actix_web::test]
async fn a_cors_preflight_is_answered() {
    let app = TestApp::new().await;
    let preflight = TestRequest::default()
        .method(actix_web::http::Method::OPTIONS)
        .uri("/graphql")
        .insert_header(("Origin", "https://app.example.com"))
        .insert_header(("Access-Control-Request-Method", "POST"));
    let preflight = app.call(preflight).await;
    assert_eq!(preflight.status, 200, "{}", preflight.body);
    assert!(preflight.header("access-control-allow-origin").is_some());
}

/// A CORS preflight for `POST /graphql` from `origin`.
fn preflight_from(origin: &str) -> TestRequest {
    TestRequest::default()
        .method(actix_web::http::Method::OPTIONS)
        .uri("/graphql")
        .insert_header(("Origin", origin))
        .insert_header(("Access-Control-Request-Method", "POST"))
}

#[actix_web::test]
async fn cors_origins_allows_its_origins_and_no_other() {
    let app = TestApp::with_env(&[("CORS_ORIGINS", "https://app.example.com")]).await;
    let allowed = app.call(preflight_from("https://app.example.com")).await;
    assert_eq!(
        allowed.header("access-control-allow-origin"),
        Some("https://app.example.com")
    );
    let refused = app.call(preflight_from("https://evil.example.com")).await;
    assert_eq!(refused.header("access-control-allow-origin"), None, "{}", refused.body);
    // Refused in the API's error format, not as plain text.
    assert_eq!(refused.status, 400);
    assert_eq!(refused.gql().error_code(), "VALIDATION_ERROR");
}

#[actix_web::test]
async fn with_metrics_addr_the_metrics_are_served_there_and_not_on_the_public_port() {
    let app = TestApp::with_env(&[("METRICS_ADDR", "127.0.0.1:9464")]).await;
    assert_eq!(app.get("/metrics", None).await.status, 404);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = twenty_server::http::metrics_server(app.state.clone(), listener).unwrap();
    let handle = server.handle();
    actix_web::rt::spawn(server);
    let metrics =
        tokio::task::spawn_blocking(move || crate::support::binary::request(port, "GET", "/metrics", &[], None))
            .await
            .unwrap();
    handle.stop(false).await;
    assert_eq!(metrics.status, 200);
    assert!(metrics.body.contains("twenty_db_pool_connections"), "{}", metrics.body);
}

#[actix_web::test]
async fn server_url_is_the_open_api_documents_server() {
    let app = TestApp::with_env_workspace(&[("SERVER_URL", "https://crm.example.com/")]).await;
    let document = app.rest_get("/rest/open-api/core").await.expect(200);
    assert_eq!(document["servers"], json!([{"url": "https://crm.example.com/rest"}]));
}

#[actix_web::test]
async fn metrics_carry_every_family_of_the_contract_with_its_labels() {
    // The webhook worker counts the outbox backlog, as under `serve`.
    let app = TestApp::new().await.with_workspace().await.with_webhook_worker();
    // One request of each API; errors on both GraphQL APIs, one a 200 answer, one refused before execution.
    assert_eq!(app.get("/healthz", None).await.status, 200);
    assert_eq!(
        app.attempt_login("nobody@example.com", "wrong-password").await.status,
        401
    );
    assert_eq!(app.rest_get("/rest/companies").await.status, 200);
    app.query("query Companies { companies { totalCount } }").await;
    assert_eq!(
        app.run("query Broken { nope }").await.error_code(),
        "GRAPHQL_VALIDATION_FAILED"
    );
    assert_eq!(
        app.run_metadata("{ nope }").await.error_code(),
        "GRAPHQL_VALIDATION_FAILED"
    );
    let refused = app.post_raw("/graphql", None, r#"{"query": "{ __typename }"}"#).await;
    assert_eq!(refused.status, 401);

    let scraped = app.get("/metrics", None).await;
    assert_eq!(scraped.status, 200);
    assert!(
        scraped
            .header("content-type")
            .is_some_and(|t| t.starts_with("text/plain; version=0.0.4")),
        "{:?}",
        scraped.headers
    );
    let families = parse_exposition(&scraped.body);
    let family = |name: &str, kind: &str, labels: &[&str]| -> &Family {
        let family = families
            .get(name)
            .unwrap_or_else(|| panic!("no family {name} in\n{}", scraped.body));
        assert_eq!(family.kind, kind, "{name}");
        assert!(!family.samples.is_empty(), "{name} has no samples");
        let expected: Vec<String> = labels.iter().map(|l| l.to_string()).collect();
        assert_eq!(family.label_names(), BTreeSet::from([expected]), "labels of {name}");
        family
    };

    // Requests: the count and the latency histogram by API and status class.
    let requests = family("twenty_http_requests_total", "counter", &["api", "status"]);
    for (api, status) in [
        ("ops", "2xx"),
        ("auth", "4xx"),
        ("rest", "2xx"),
        ("graphql", "2xx"),
        ("graphql", "4xx"),
        ("metadata", "2xx"),
    ] {
        assert!(
            requests.value(&[("api", api), ("status", status)]) >= 1.0,
            "{api} {status}"
        );
    }
    let latency = family("twenty_http_request_duration_seconds", "histogram", &["api", "status"]);
    let graphql = latency
        .samples
        .iter()
        .find(|s| s.labels.get("api") == Some("graphql") && s.labels.get("status") == Some("2xx"))
        .unwrap();
    let prometheus_parse::Value::Histogram(buckets) = &graphql.value else {
        panic!("not a histogram: {graphql:?}");
    };
    assert!(
        buckets.windows(2).all(|w| w[0].count <= w[1].count),
        "cumulative: {buckets:?}"
    );
    assert_eq!(buckets.last().map(|b| b.less_than), Some(f64::INFINITY));
    assert!(buckets.last().unwrap().count >= 2.0, "{buckets:?}");

    // GraphQL errors by API and code, a 200 answer's included.
    let errors = family("twenty_graphql_errors_total", "counter", &["api", "code"]);
    assert!(errors.value(&[("api", "graphql"), ("code", "GRAPHQL_VALIDATION_FAILED")]) >= 1.0);
    assert!(errors.value(&[("api", "graphql"), ("code", "UNAUTHORIZED")]) >= 1.0);
    assert!(errors.value(&[("api", "metadata"), ("code", "GRAPHQL_VALIDATION_FAILED")]) >= 1.0);
    assert_eq!(errors.value(&[("api", "metadata"), ("code", "CONFLICT")]), 0.0);

    // The pool: size, open, idle, in use, and waiting.
    let pool = family("twenty_db_pool_connections", "gauge", &["state"]);
    assert!(pool.value(&[("state", "max")]) >= 1.0);
    assert!(pool.value(&[("state", "open")]) >= 1.0);
    for state in ["idle", "in_use"] {
        pool.value(&[("state", state)]);
    }
    assert_eq!(family("twenty_db_pool_waiting", "gauge", &[]).value(&[]), 0.0);

    // Webhooks: deliveries by outcome, and the outbox backlog (the sign-up wrote events; no webhook is subscribed).
    let deliveries = family("twenty_webhook_deliveries_total", "counter", &["outcome"]);
    for outcome in ["delivered", "retrying", "failed"] {
        assert_eq!(deliveries.value(&[("outcome", outcome)]), 0.0);
    }
    let backlog = family("twenty_webhook_outbox_backlog", "gauge", &["queue"]);
    backlog.value(&[("queue", "events")]);
    assert_eq!(backlog.value(&[("queue", "deliveries")]), 0.0);

    // The schema cache: builds and hits.
    assert!(family("twenty_graphql_schema_builds_total", "counter", &[]).value(&[]) >= 1.0);
    let hits = family("twenty_graphql_schema_cache_hits_total", "counter", &["kind"]);
    assert!(
        hits.value(&[("kind", "workspace")]) >= 1.0,
        "the second request found the schema"
    );
    hits.value(&[("kind", "shared")]);

    // The process.
    assert!(family("process_cpu_seconds_total", "counter", &[]).value(&[]) > 0.0);
    assert!(family("process_resident_memory_bytes", "gauge", &[]).value(&[]) > 0.0);
    assert!(family("process_open_fds", "gauge", &[]).value(&[]) > 0.0);
}
