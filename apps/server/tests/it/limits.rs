//! Connection hygiene (contract §10): a request's size and the time it may take to arrive are bounded, and every
//! refusal is answered in the error format of the API it was sent to. These tests go through the real HTTP
//! server of `serve`, in process, over loopback sockets.

use crate::support::TestApp;
use crate::support::binary::{read_response, request};
use crate::support::response::Response;
use serde_json::json;
use std::io::Write;
use std::net::TcpStream;
use std::time::Duration;

/// Sends `head` and the first part of a body, then nothing, and reads what the server answers.
fn stall(port: u16, path: &str, sent: &str, announced: usize) -> Option<Response> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {announced}\r\n\r\n{sent}"
    );
    stream.write_all(head.as_bytes()).unwrap();
    read_response(&mut stream)
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.unwrap()
}

#[actix_web::test]
async fn a_graphql_body_that_stops_arriving_is_answered_408_in_the_graphql_format_and_the_connection_closed() {
    let app = TestApp::with_env(&[("REQUEST_TIMEOUT_SECS", "1")]).await;
    let served = app.served();
    let port = served.port;
    let answer = blocking(move || stall(port, "/graphql", "{\"query\": \"{ comp", 100)).await;
    let answer = answer.expect("the server neither answered nor closed the connection");
    let body = answer.expect(408);
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        json!("REQUEST_TIMEOUT"),
        "{body}"
    );
    assert_eq!(answer.header("connection"), Some("close"));
}

#[actix_web::test]
async fn a_rest_body_that_stops_arriving_is_answered_408_in_the_rest_format() {
    let app = TestApp::with_env(&[("REQUEST_TIMEOUT_SECS", "1")]).await;
    let served = app.served();
    let port = served.port;
    let answer = blocking(move || stall(port, "/rest/companies", "{\"name\": ", 100)).await;
    let body = answer.expect("no answer").expect(408);
    assert_eq!(body["error"]["code"], json!("REQUEST_TIMEOUT"), "{body}");
    assert_eq!(body["error"]["statusCode"], json!(408));
}

#[actix_web::test]
async fn a_body_over_the_default_limit_is_413_in_the_rest_format() {
    let app = TestApp::new().await.with_workspace().await;
    let served = app.served();
    let (port, token) = (served.port, format!("Bearer {}", app.token));
    let body = format!("{{\"name\": \"{}\"}}", "x".repeat(5 * 1024 * 1024 + 1));
    let answer = blocking(move || {
        request(
            port,
            "POST",
            "/rest/companies",
            &[("Authorization", &token)],
            Some(&body),
        )
    })
    .await;
    let body = answer.expect(413);
    assert_eq!(body["error"]["code"], json!("PAYLOAD_TOO_LARGE"), "{body}");
    assert_eq!(body["error"]["statusCode"], json!(413));
}

#[actix_web::test]
async fn a_body_over_max_body_bytes_is_413_in_the_graphql_format_and_nothing_runs() {
    let app = TestApp::with_env(&[("MAX_BODY_BYTES", "2048")])
        .await
        .with_workspace()
        .await;
    let served = app.served();
    let (port, token) = (served.port, format!("Bearer {}", app.token));
    let name = "x".repeat(3000);
    let document = json!({"query": format!("mutation {{ createCompany(data: {{name: \"{name}\"}}) {{ id }} }}")});
    let answer = blocking(move || {
        request(
            port,
            "POST",
            "/graphql",
            &[("Authorization", &token)],
            Some(&document.to_string()),
        )
    })
    .await;
    let body = answer.expect(413);
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        json!("PAYLOAD_TOO_LARGE"),
        "{body}"
    );
    let companies = app.query("{ companies { totalCount } }").await;
    assert_eq!(companies["companies"]["totalCount"], json!(0));
}

#[actix_web::test]
async fn a_chunked_body_growing_past_max_body_bytes_is_413() {
    let app = TestApp::with_env(&[("MAX_BODY_BYTES", "2048")]).await;
    let served = app.served();
    let port = served.port;
    let answer = blocking(move || {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
        let chunk = "y".repeat(1500);
        let raw = format!(
            "POST /auth/login HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n{len:x}\r\n{chunk}\r\n{len:x}\r\n{chunk}\r\n0\r\n\r\n",
            len = chunk.len()
        );
        // The server may close before reading everything; what it answers is what counts.
        let _ = stream.write_all(raw.as_bytes());
        read_response(&mut stream)
    })
    .await;
    let body = answer.expect("no answer").expect(413);
    assert_eq!(body["error"]["code"], json!("PAYLOAD_TOO_LARGE"), "{body}");
}

#[actix_web::test]
async fn oversized_headers_are_431_in_the_api_format() {
    let app = TestApp::new().await;
    let served = app.served();
    let port = served.port;
    let padding = "p".repeat(70 * 1024);
    let answer = blocking(move || request(port, "GET", "/rest/companies", &[("X-Padding", &padding)], None)).await;
    let body = answer.expect(431);
    assert_eq!(
        body["error"]["code"],
        json!("REQUEST_HEADER_FIELDS_TOO_LARGE"),
        "{body}"
    );
}

fn order_by_name(keys: usize) -> String {
    let terms = vec!["{name: AscNullsFirst}"; keys].join(", ");
    format!("{{ companies(orderBy: [{terms}]) {{ edges {{ cursor node {{ id }} }} }} }}")
}

#[actix_web::test]
async fn more_order_keys_than_max_order_keys_is_a_validation_error_over_graphql() {
    let app = TestApp::new().await.with_workspace().await;
    let answer = app.run(&order_by_name(120)).await;
    assert_eq!(answer.error_code(), "VALIDATION_ERROR", "{:?}", answer.error());
    assert!(
        answer.error()["message"]
            .as_str()
            .unwrap()
            .contains("at most 8 order keys"),
        "{:?}",
        answer.error()
    );
}

#[actix_web::test]
async fn max_order_keys_order_keys_are_allowed() {
    let app = TestApp::new().await.with_workspace().await;
    app.query(&order_by_name(8)).await;
}

#[actix_web::test]
async fn more_order_keys_than_max_order_keys_is_a_400_over_rest() {
    let app = TestApp::with_env(&[("MAX_ORDER_KEYS", "2")])
        .await
        .with_workspace()
        .await;
    let answer = app
        .rest_get("/rest/companies?order[name]=asc&order[createdAt]=desc&order[employees]=asc")
        .await;
    let body = answer.expect(400);
    assert_eq!(body["error"]["code"], json!("VALIDATION_ERROR"), "{body}");
}
