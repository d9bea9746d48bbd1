//! `REDIS_URL` (contract §9): two server processes on one database and one Redis spend the same rate budgets and
//! throttles; without it each process has its own; a Redis that goes away (or is not there at start) does not
//! stop the API, whose limits then count in each process until Redis answers again.
//!
//! The processes share the test process's Redis ([`test_support::shared_redis`]) with the other tests: each test
//! has its own database (so its own workspaces and keys) and its own client addresses, forwarded through the
//! trusted loopback proxy, so no two tests spend the same bucket.

use super::{api_key, api_key_of_a_new_workspace, metric, time_until};
use crate::support::binary::{Server, free_port, request};
use crate::support::{PASSWORD, Response};
use serde_json::json;
use test_support::{TestRedis, shared_redis};

/// `GET /rest/companies` with `token` on the process at `port`.
fn companies(port: u16, token: &str) -> Response {
    request(
        port,
        "GET",
        "/rest/companies",
        &[("Authorization", &format!("Bearer {token}"))],
        None,
    )
}

/// Requests `GET /rest/companies` with `token`, alternating between `ports`, until one is refused (at most
/// `most`): the `X-RateLimit-Remaining` of each one allowed.
fn remaining_until_refused(ports: [u16; 2], token: &str, most: usize) -> Vec<String> {
    let mut remaining = Vec::new();
    for i in 0..most {
        let res = companies(ports[i % 2], token);
        if res.status == 429 {
            assert!(res.header("retry-after").is_some());
            return remaining;
        }
        assert_eq!(res.status, 200, "{}", res.body);
        remaining.push(res.header("x-ratelimit-remaining").unwrap_or("none").to_string());
    }
    panic!("never refused after {most} requests: {remaining:?}");
}

/// A client address no other test uses (a loopback address, as contract §10 asks of tests).
fn client_address() -> String {
    let [a, b, c, ..] = *uuid::Uuid::new_v4().as_bytes();
    format!("127.{a}.{b}.{}", c.max(2))
}

/// `POST path` with `body` on `port`, as the client at `client` behind the trusted loopback proxy.
fn post_from(port: u16, client: &str, path: &str, body: &serde_json::Value) -> Response {
    request(
        port,
        "POST",
        path,
        &[("X-Forwarded-For", client)],
        Some(&body.to_string()),
    )
}

fn sign_up_from(port: u16, client: &str) -> u16 {
    let email = format!("{}@example.com", uuid::Uuid::new_v4().simple());
    let body = json!({"email": email, "password": PASSWORD, "workspaceName": "Acme"});
    post_from(port, client, "/auth/signup", &body).status
}

/// A server on the test process's Redis ([`shared_redis`]) with these variables too; its siblings get them.
async fn on_the_shared_redis(env: &[(&str, &str)]) -> Server {
    let redis = shared_redis().url();
    let mut vars = vec![("REDIS_URL", redis.as_str())];
    vars.extend_from_slice(env);
    Server::start(&vars).await
}

#[tokio::test]
async fn two_processes_on_one_redis_accept_each_others_tokens_and_share_a_keys_budget() {
    // No sign-up throttle: the admin signs up from 127.0.0.1, an address the other tests on this Redis use too.
    let server = on_the_shared_redis(&[("RATE_LIMIT_REST", "4"), ("SIGN_UP_RATE_LIMIT", "0")]).await;
    let (access, _, key) = api_key(&server);
    let sibling = server.sibling();
    assert_eq!(
        companies(sibling.port, &access).status,
        200,
        "a token of one works on the other"
    );

    let remaining = remaining_until_refused([server.port, sibling.port], &key, 12);
    assert_eq!(remaining, ["3", "2", "1", "0"], "one budget of 4 a minute across both");
    assert_eq!(companies(server.port, &key).status, 429);
    assert_eq!(companies(sibling.port, &key).status, 429);
}

#[tokio::test]
async fn two_processes_on_one_redis_share_the_sign_up_and_failed_login_throttles() {
    let server = on_the_shared_redis(&[("SIGN_UP_RATE_LIMIT", "2"), ("TRUSTED_PROXIES", "127.0.0.1")]).await;
    let sibling = server.sibling();
    let ports = [server.port, sibling.port];

    let client = client_address();
    assert_eq!(sign_up_from(server.port, &client), 201);
    assert_eq!(sign_up_from(sibling.port, &client), 201);
    assert_eq!(
        sign_up_from(server.port, &client),
        429,
        "two sign-ups an hour across both"
    );
    assert_eq!(sign_up_from(sibling.port, &client), 429);

    let email = format!("{}@example.com", uuid::Uuid::new_v4().simple());
    let body = json!({"email": email, "password": PASSWORD, "workspaceName": "Acme"});
    assert_eq!(
        post_from(server.port, &client_address(), "/auth/signup", &body).status,
        201
    );
    let attacker = client_address();
    let wrong = json!({"email": email, "password": "wrong-password"});
    let mut failures = 0;
    let refused = loop {
        let res = post_from(ports[failures % 2], &attacker, "/auth/login", &wrong);
        if res.status != 401 || failures == 20 {
            break res;
        }
        failures += 1;
    };
    assert_eq!(refused.status, 429, "{}", refused.body);
    assert_eq!(failures, 10, "ten attempts a minute across both");
    let right = json!({"email": email, "password": PASSWORD});
    for port in ports {
        assert_eq!(post_from(port, &attacker, "/auth/login", &right).status, 429);
    }
    let elsewhere = post_from(sibling.port, &client_address(), "/auth/login", &right);
    assert_eq!(elsewhere.status, 200, "another address: {}", elsewhere.body);
}

#[tokio::test]
async fn without_redis_each_process_has_budgets_and_throttles_of_its_own() {
    let env = [
        ("RATE_LIMIT_REST", "4"),
        ("SIGN_UP_RATE_LIMIT", "1"),
        ("TRUSTED_PROXIES", "127.0.0.1"),
    ];
    let server = Server::start(&env).await;
    let (_, _, key) = api_key(&server);
    let sibling = server.sibling();
    let remaining = remaining_until_refused([server.port, sibling.port], &key, 12);
    assert_eq!(
        remaining,
        ["3", "3", "2", "2", "1", "1", "0", "0"],
        "4 a minute in each"
    );

    let client = client_address();
    assert_eq!(sign_up_from(server.port, &client), 201);
    assert_eq!(sign_up_from(sibling.port, &client), 201, "the sibling's own throttle");
    assert_eq!(sign_up_from(server.port, &client), 429);
}

#[tokio::test]
async fn a_redis_that_goes_away_leaves_the_api_up_with_limits_per_process_until_it_is_back() {
    let mut redis = TestRedis::start();
    let server = Server::start(&[("REDIS_URL", &redis.url()), ("RATE_LIMIT_REST", "3")]).await;
    let (_, _, key) = api_key(&server);
    let remaining = |res: Response| {
        assert_eq!(res.status, 200, "{}", res.body);
        res.header("x-ratelimit-remaining").unwrap().to_string()
    };
    assert_eq!(remaining(companies(server.port, &key)), "2");
    assert_eq!(metric(server.port, "twenty_rate_limits_shared"), 1);

    redis.stop();
    // The process's own bucket for the key, fresh, then spent: limits still hold without Redis.
    assert_eq!(remaining(companies(server.port, &key)), "2");
    assert_eq!(remaining(companies(server.port, &key)), "1");
    assert_eq!(remaining(companies(server.port, &key)), "0");
    assert_eq!(companies(server.port, &key).status, 429);
    assert_eq!(metric(server.port, "twenty_rate_limits_shared"), 0);
    let warned = server.log_text();
    assert!(warned.contains("Redis does not answer"), "{warned}");
    assert_eq!(warned.matches("Redis does not answer").count(), 1, "once per outage");

    // Back (and empty): the key's budget is Redis's again, within a second or two.
    redis.restart();
    let (_, _, other) = api_key_of_new_workspace(&server);
    time_until(|| {
        companies(server.port, &other);
        metric(server.port, "twenty_rate_limits_shared") == 1
    });
    assert_eq!(remaining(companies(server.port, &key)), "2", "the bucket in Redis");
}

/// An API key of another workspace of `server` (its admin signed up under a fresh address).
fn api_key_of_new_workspace(server: &Server) -> (String, String, String) {
    let email = format!("{}@example.com", uuid::Uuid::new_v4().simple());
    api_key_of_a_new_workspace(server, &email, "other")
}

#[tokio::test]
async fn a_redis_unreachable_at_start_is_logged_and_the_server_serves_with_limits_per_process() {
    let nothing_there = format!("redis://127.0.0.1:{}", free_port());
    let server = Server::start(&[("REDIS_URL", &nothing_there), ("RATE_LIMIT_REST", "3")]).await;
    let (_, _, key) = api_key(&server);
    let res = companies(server.port, &key);
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.header("x-ratelimit-remaining"), Some("2"));
    assert_eq!(metric(server.port, "twenty_rate_limits_shared"), 0);
    let log = server.log_text();
    assert!(log.contains("Redis does not answer"), "{log}");
    assert!(!log.contains("shared through Redis"), "{log}");
}
