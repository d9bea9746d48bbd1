//! The operational surface: health and readiness, unknown routes, request ids, metrics and CORS.

use crate::support::*;
use actix_web::test::TestRequest;
use serde_json::json;

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
    let app = TestApp::with_env(&[("SERVER_URL", "https://crm.example.com/")])
        .await
        .with_workspace()
        .await;
    let document = app.rest_get("/rest/open-api/core").await.expect(200);
    assert_eq!(document["servers"], json!([{"url": "https://crm.example.com/rest"}]));
}
