//! Connection hygiene (contract §10): a request's size and the time it may take to arrive are bounded, and every
//! refusal is answered in the error format of the API it was sent to. These tests go through the real HTTP
//! server of `serve`, in process, over loopback sockets.

use crate::support::TestApp;
use crate::support::app::{Served, sleep_ms};
use crate::support::binary::{read_response, request};
use crate::support::response::Response;
use serde_json::json;
use std::io::Write;
use std::net::TcpStream;
use std::time::Duration;

/// A connection that sent a head announcing `announced` bytes of body to `path`, then `sent`, then nothing.
fn stall(port: u16, path: &str, sent: &str, announced: usize) -> TcpStream {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {announced}\r\n\r\n{sent}"
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream
}

/// Through a server with a one-second request timeout: a [`stall`]ed request and what the server answers (or
/// `None` when it neither answers nor closes).
async fn stalled(path: &'static str, sent: &'static str, announced: usize) -> Option<Response> {
    let (_app, _served, port) = served_with(&[("REQUEST_TIMEOUT_SECS", "1")]).await;
    blocking(move || read_response(&mut stall(port, path, sent, announced))).await
}

/// An app configured with `env` behind the real HTTP server; keep the first two alive while using the port.
async fn served_with(env: &[(&str, &str)]) -> (TestApp, Served, u16) {
    let app = TestApp::with_env(env).await;
    let served = app.served();
    let port = served.port;
    (app, served, port)
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.unwrap()
}

/// `POST path` with `body` and the app's token, through the real HTTP server of `app`.
async fn post_served(app: &TestApp, path: &'static str, body: String) -> Response {
    let served = app.served();
    let (port, token) = (served.port, format!("Bearer {}", app.token));
    blocking(move || request(port, "POST", path, &[("Authorization", &token)], Some(&body))).await
}

#[actix_web::test]
async fn a_graphql_body_that_stops_arriving_is_answered_408_in_the_graphql_format_and_the_connection_closed() {
    let answer = stalled("/graphql", "{\"query\": \"{ comp", 100).await;
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
    let answer = stalled("/rest/companies", "{\"name\": ", 100).await;
    let body = answer.expect("no answer").expect(408);
    assert_eq!(body["error"]["code"], json!("REQUEST_TIMEOUT"), "{body}");
    assert_eq!(body["error"]["statusCode"], json!(408));
}

#[actix_web::test]
async fn three_hundred_stalled_clients_neither_keep_health_from_answering_nor_keep_their_connections() {
    let (_app, _served, port) = served_with(&[("REQUEST_TIMEOUT_SECS", "2")]).await;
    let stalled: Vec<TcpStream> =
        blocking(move || (0..300).map(|_| stall(port, "/rest/companies", "{\"na", 100)).collect()).await;
    let health = blocking(move || request(port, "GET", "/healthz", &[], None)).await;
    assert_eq!(health.status, 200, "{}", health.body);
    let answers = blocking(move || {
        stalled
            .into_iter()
            .map(|mut stream| read_response(&mut stream).map(|r| r.status))
            .collect::<Vec<_>>()
    })
    .await;
    let timed_out = answers.iter().filter(|a| **a == Some(408)).count();
    assert_eq!(
        timed_out, 300,
        "every stalled client is answered 408 and closed: {answers:?}"
    );
}

#[actix_web::test]
async fn a_body_over_the_default_limit_is_413_in_the_rest_format() {
    let app = TestApp::with_env_workspace(&[]).await;
    let body = format!("{{\"name\": \"{}\"}}", "x".repeat(5 * 1024 * 1024 + 1));
    let answer = post_served(&app, "/rest/companies", body).await;
    let body = answer.expect(413);
    assert_eq!(body["error"]["code"], json!("PAYLOAD_TOO_LARGE"), "{body}");
    assert_eq!(body["error"]["statusCode"], json!(413));
}

#[actix_web::test]
async fn a_body_over_max_body_bytes_is_413_in_the_graphql_format_and_nothing_runs() {
    let app = TestApp::with_env_workspace(&[("MAX_BODY_BYTES", "2048")]).await;
    let name = "x".repeat(3000);
    let document = json!({"query": format!("mutation {{ createCompany(data: {{name: \"{name}\"}}) {{ id }} }}")});
    let answer = post_served(&app, "/graphql", document.to_string()).await;
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
    let (_app, _served, port) = served_with(&[("MAX_BODY_BYTES", "2048")]).await;
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
    let (_app, _served, port) = served_with(&[]).await;
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
    let app = TestApp::with_env_workspace(&[]).await;
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
    let app = TestApp::with_env_workspace(&[]).await;
    app.query(&order_by_name(8)).await;
}

#[actix_web::test]
async fn more_order_keys_than_max_order_keys_is_a_400_over_rest() {
    let app = TestApp::with_env_workspace(&[("MAX_ORDER_KEYS", "2")]).await;
    let answer = app
        .rest_get("/rest/companies?order[name]=asc&order[createdAt]=desc&order[employees]=asc")
        .await;
    let body = answer.expect(400);
    assert_eq!(body["error"]["code"], json!("VALIDATION_ERROR"), "{body}");
}

/// Holds an exclusive lock on the `company` table of `workspace` from a connection of its own until dropped (or
/// [`TableLock::release`]), so that the workspace's reads of companies wait, holding their pooled connections.
struct TableLock(diesel_async::AsyncPgConnection);

impl TableLock {
    async fn take(app: &TestApp, workspace: &str) -> TableLock {
        use diesel_async::{AsyncConnection, SimpleAsyncConnection};
        let mut conn = diesel_async::AsyncPgConnection::establish(&app.db.url).await.unwrap();
        let lock = format!(
            "BEGIN; DO $$ BEGIN EXECUTE format('LOCK TABLE %I.company IN ACCESS EXCLUSIVE MODE', \
             (SELECT schema_name FROM core.workspace WHERE id = '{workspace}')); END $$;"
        );
        conn.batch_execute(&lock).await.unwrap();
        TableLock(conn)
    }

    async fn release(mut self) {
        use diesel_async::SimpleAsyncConnection;
        self.0.batch_execute("COMMIT").await.unwrap();
    }
}

const READ: &str = "{ companies { totalCount } }";

/// An app whose pool holds `max` connections, two a workspace, and waits `timeout_ms` for one.
async fn pool_of(max: &str, timeout_ms: &str) -> TestApp {
    let env = [
        ("PG_POOL_MAX_CONNECTIONS", max),
        ("WORKSPACE_MAX_DB_CONNECTIONS", "2"),
        ("PG_POOL_TIMEOUT_MS", timeout_ms),
    ];
    TestApp::with_env(&env).await
}

/// A second workspace of `app` whose companies table is locked: its access token, and the lock.
async fn locked_workspace(app: &TestApp) -> (String, TableLock) {
    let other = app.sign_up(&crate::support::app::unique_email("busy")).await;
    let lock = TableLock::take(app, other["workspaceId"].as_str().unwrap()).await;
    (other["accessToken"].as_str().unwrap().to_string(), lock)
}

/// `readers` reads of companies with `token`, which wait on the `lock`ed table holding their connections, and, a
/// second later (time for them to take every connection they can), `then`; the lock is released once `then` has
/// answered. Both answers.
async fn while_locked<T>(
    app: &TestApp,
    lock: TableLock,
    token: &str,
    readers: usize,
    then: impl std::future::Future<Output = T>,
) -> (Vec<Response>, T) {
    let reads = futures_util::future::join_all((0..readers).map(|_| app.document("/graphql", token, READ, json!({}))));
    let later = async {
        sleep_ms(1000).await;
        let answer = then.await;
        lock.release().await;
        answer
    };
    tokio::join!(reads, later)
}

#[actix_web::test]
async fn a_workspace_holding_its_share_of_the_pool_leaves_connections_for_another() {
    let app = pool_of("4", "3000").await.with_workspace().await;
    let (busy_token, lock) = locked_workspace(&app).await;
    let other_read = app.document("/graphql", &app.token, READ, json!({}));
    let (busy, other) = while_locked(&app, lock, &busy_token, 6, other_read).await;
    let other = other.gql_ok();
    assert_eq!(other.data()["companies"]["totalCount"], json!(0));
    for answer in busy {
        assert_eq!(answer.status, 200, "{}", answer.body);
    }
}

#[actix_web::test]
async fn a_request_that_gets_no_connection_in_time_is_503_with_retry_after() {
    let app = pool_of("2", "300").await;
    let (token, lock) = locked_workspace(&app).await;
    let (_, late) = while_locked(&app, lock, &token, 2, app.get("/rest/companies", Some(&token))).await;
    let body = late.expect(503);
    assert_eq!(body["error"]["code"], json!("SERVICE_UNAVAILABLE"), "{body}");
    assert_eq!(late.header("retry-after"), Some("1"));
}

#[actix_web::test]
async fn two_hundred_aliased_counts_under_two_hundred_companies_are_too_expensive() {
    let app = TestApp::with_env_workspace(&[]).await;
    let counts: Vec<String> = (0..200).map(|i| format!("p{i}: people {{ totalCount }}")).collect();
    let query = format!(
        "{{ companies(first: 200) {{ edges {{ node {{ {} }} }} }} }}",
        counts.join(" ")
    );
    let answer = app.run(&query).await;
    assert_eq!(answer.error_code(), "VALIDATION_ERROR");
    assert_eq!(
        answer.error()["message"],
        json!("Query too expensive: cost 40000200 exceeds the limit 50000")
    );
    assert_eq!(answer.0["data"], json!(null));
}

#[actix_web::test]
async fn a_mutation_over_max_query_cost_changes_nothing() {
    let app = TestApp::with_env_workspace(&[("MAX_QUERY_COST", "100")]).await;
    let expensive =
        "mutation { createCompany(data: {name: \"x\"}) { id people(first: 200) { edges { node { id } } } } }";
    assert_eq!(app.run(expensive).await.error_code(), "VALIDATION_ERROR");
    // A count costs at least 1,000 under the cost model; REST has none.
    let companies = app.rest_get("/rest/companies").await.expect(200);
    assert_eq!(companies["meta"]["totalCount"], json!(0), "{companies}");
}

#[actix_web::test]
async fn a_page_size_given_by_a_variable_is_costed_with_the_requests_value() {
    let app = TestApp::with_env_workspace(&[("MAX_QUERY_COST", "100")]).await;
    let query = "query($n: Int) { companies(first: $n) { edges { node { id } } } }";
    app.graphql(query, json!({"n": 50})).await.data();
    let refused = app.graphql(query, json!({"n": 150})).await;
    assert_eq!(refused.error_code(), "VALIDATION_ERROR");
}
