//! Webhook delivery over real HTTP to a local receiver (contract §7): signed bodies, retries, delivery records.

use crate::support::*;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

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

fn meta(server: &Server, token: &str, query: &str, variables: Value) -> Value {
    let body = json!({"query": query, "variables": variables}).to_string();
    let res = request(
        server.port,
        "POST",
        "/metadata",
        &[("Authorization", &format!("Bearer {token}"))],
        Some(&body),
    );
    let json = res.json();
    assert!(json["errors"].is_null(), "{json}");
    json["data"].clone()
}

#[tokio::test]
async fn events_are_delivered_signed_and_retried() {
    let (port, received) = receiver(1);
    let server = Server::start(&[("WEBHOOK_ALLOW_PRIVATE_URLS", "true"), ("WEBHOOK_MAX_ATTEMPTS", "3")]).await;
    let token = server.sign_up("hooks@example.com")["accessToken"]
        .as_str()
        .unwrap()
        .to_string();
    let hook = meta(
        &server,
        &token,
        "mutation($u: String!) { createOneWebhook(data: {targetUrl: $u, operation: \"company.*\", secret: \"s3cret-value\"}) { id } }",
        json!({"u": format!("http://127.0.0.1:{port}/hook")}),
    );
    let hook_id = hook["createOneWebhook"]["id"].as_str().unwrap().to_string();
    let auth = format!("Bearer {token}");
    let created = request(
        server.port,
        "POST",
        "/rest/companies",
        &[("Authorization", &auth)],
        Some(r#"{"name": "Acme"}"#),
    )
    .json();
    let company_id = created["data"]["id"].as_str().unwrap().to_string();
    // A person event does not match `company.*`.
    request(
        server.port,
        "POST",
        "/rest/people",
        &[("Authorization", &auth)],
        Some(r#"{"city": "Paris"}"#),
    );

    // First attempt gets a 500, the retry (after 2 s) a 200.
    let deadline = Instant::now() + Duration::from_secs(30);
    while received.lock().unwrap().len() < 2 {
        assert!(Instant::now() < deadline, "deliveries: {:?}", received.lock().unwrap());
        std::thread::sleep(Duration::from_millis(100));
    }
    let got = received.lock().unwrap().clone();
    assert_eq!(got[0].body, got[1].body, "the retry sends the same event");
    let delivery = &got[1];
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

    // The delivery record shows the attempts.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let deliveries = meta(
            &server,
            &token,
            "query($id: ID!) { webhookDeliveries(webhookId: $id) { event status attempt httpStatus } }",
            json!({"id": hook_id}),
        );
        if deliveries["webhookDeliveries"]
            == json!([{"event": "company.created", "status": "succeeded", "attempt": 2, "httpStatus": 200}])
        {
            break;
        }
        assert!(Instant::now() < deadline, "{deliveries}");
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(received.lock().unwrap().len(), 2, "nothing else was delivered");
}

#[tokio::test]
async fn private_and_unresolvable_targets_are_not_contacted() {
    let (port, received) = receiver(0);
    let server = Server::start(&[("WEBHOOK_ALLOW_PRIVATE_URLS", "false"), ("WEBHOOK_MAX_ATTEMPTS", "1")]).await;
    let token = server.sign_up("hooks@example.com")["accessToken"]
        .as_str()
        .unwrap()
        .to_string();
    // A literal private address is refused at creation; a host that does not resolve fails at delivery without any
    // request (hosts resolving to private addresses are refused the same way: unit test in the worker).
    let body = json!({"query": "mutation($u: String!) { createOneWebhook(data: {targetUrl: $u, operation: \"*\"}) { id } }",
                      "variables": {"u": format!("http://127.0.0.1:{port}/x")}});
    let refused = request(
        server.port,
        "POST",
        "/metadata",
        &[("Authorization", &format!("Bearer {token}"))],
        Some(&body.to_string()),
    )
    .json();
    assert_eq!(refused["errors"][0]["extensions"]["code"], json!("VALIDATION_ERROR"));
    let hook = meta(
        &server,
        &token,
        "mutation($u: String!) { createOneWebhook(data: {targetUrl: $u, operation: \"*\"}) { id } }",
        json!({"u": format!("http://no-such-host.invalid:{port}/x")}),
    );
    let hook_id = hook["createOneWebhook"]["id"].as_str().unwrap().to_string();
    request(
        server.port,
        "POST",
        "/rest/companies",
        &[("Authorization", &format!("Bearer {token}"))],
        Some(r#"{"name": "x"}"#),
    );
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let deliveries = meta(
            &server,
            &token,
            "query($id: ID!) { webhookDeliveries(webhookId: $id) { status error } }",
            json!({"id": hook_id}),
        );
        if deliveries["webhookDeliveries"][0]["status"] == json!("failed") {
            assert!(
                deliveries["webhookDeliveries"][0]["error"]
                    .as_str()
                    .unwrap()
                    .contains("resolve")
            );
            break;
        }
        assert!(Instant::now() < deadline, "{deliveries}");
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(received.lock().unwrap().is_empty());
}
