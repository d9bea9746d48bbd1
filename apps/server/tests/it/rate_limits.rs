//! Rate limits per principal and per API (contract §7a).

use crate::support::app::unique_email;
use crate::support::*;
use serde_json::json;

/// REST allows 3 requests, GraphQL 2, and the metadata API is unlimited (0); tokens of two workspaces.
async fn limited() -> (TestApp, String, String) {
    let app = TestApp::with_env(&[
        ("RATE_LIMIT_REST", "3"),
        ("RATE_LIMIT_GRAPHQL", "2"),
        ("RATE_LIMIT_METADATA", "0"),
    ])
    .await;
    let token = |signed_up: serde_json::Value| signed_up["accessToken"].as_str().unwrap().to_string();
    let a = token(app.sign_up(&unique_email("a")).await);
    let b = token(app.sign_up(&unique_email("b")).await);
    (app, a, b)
}

async fn companies_over_graphql(app: &TestApp, token: &str) -> Response {
    app.post_raw("/graphql", Some(token), r#"{"query":"{ companies { totalCount } }"}"#)
        .await
}

/// Spends `token`'s three REST requests.
async fn spend_rest_budget(app: &TestApp, token: &str) -> Vec<String> {
    let mut remaining = Vec::new();
    for _ in 0..3 {
        let res = app.get("/rest/companies", Some(token)).await;
        assert_eq!(res.status, 200, "{}", res.body);
        assert_eq!(res.header("x-ratelimit-limit"), Some("3"));
        let reset: u64 = res.header("x-ratelimit-reset").unwrap().parse().unwrap();
        assert!(reset > 1_700_000_000, "unix seconds");
        remaining.push(res.header("x-ratelimit-remaining").unwrap().to_string());
    }
    remaining
}

#[actix_web::test]
async fn responses_count_down_the_remaining_budget() {
    let (app, a, _) = limited().await;
    assert_eq!(spend_rest_budget(&app, &a).await, ["2", "1", "0"]);
}

#[actix_web::test]
async fn a_request_over_budget_is_refused_with_retry_after() {
    let (app, a, _) = limited().await;
    spend_rest_budget(&app, &a).await;
    let over = app.get("/rest/companies", Some(&a)).await;
    let body = over.expect(429);
    assert_eq!(body["error"]["code"], json!("RATE_LIMIT_EXCEEDED"));
    assert_eq!(body["error"]["statusCode"], json!(429));
    let retry: u64 = over.header("retry-after").unwrap().parse().unwrap();
    assert!(retry >= 1 && body["error"]["retryAfter"] == json!(retry));
}

#[actix_web::test]
async fn another_principal_has_its_own_budget() {
    let (app, a, b) = limited().await;
    spend_rest_budget(&app, &a).await;
    assert_eq!(app.get("/rest/companies", Some(&a)).await.status, 429);
    assert_eq!(app.get("/rest/companies", Some(&b)).await.status, 200);
}

#[actix_web::test]
async fn another_api_has_its_own_budget_and_refuses_in_graphql_shape() {
    let (app, a, _) = limited().await;
    spend_rest_budget(&app, &a).await;
    assert_eq!(companies_over_graphql(&app, &a).await.status, 200);
    let last = companies_over_graphql(&app, &a).await;
    assert_eq!(last.header("x-ratelimit-remaining"), Some("0"));
    let limited = companies_over_graphql(&app, &a).await;
    let body = limited.expect(429);
    assert_eq!(body["errors"][0]["message"], json!("Rate limit exceeded"));
    assert_eq!(limited.gql().error_code(), "RATE_LIMIT_EXCEEDED");
    assert!(body["errors"][0]["extensions"]["retryAfter"].as_u64().unwrap() >= 1);
    assert_eq!(body["data"], serde_json::Value::Null);
}

#[actix_web::test]
async fn a_budget_of_zero_disables_the_limit_and_its_headers() {
    let (app, a, _) = limited().await;
    for _ in 0..5 {
        let res = app
            .post_raw("/metadata", Some(&a), r#"{"query":"{ apiKeys { id } }"}"#)
            .await;
        assert_eq!(res.status, 200);
        assert!(res.header("x-ratelimit-limit").is_none());
    }
}

#[actix_web::test]
async fn unauthenticated_requests_are_refused_before_they_are_counted() {
    let (app, a, _) = limited().await;
    for _ in 0..5 {
        assert_eq!(app.get("/rest/companies", None).await.status, 401);
    }
    assert_eq!(spend_rest_budget(&app, &a).await, ["2", "1", "0"]);
}

#[actix_web::test]
async fn new_api_keys_do_not_multiply_a_workspaces_budget() {
    three_keys_share_their_workspaces_budget(&[]).await;
}

#[actix_web::test]
async fn new_api_keys_do_not_multiply_a_workspaces_budget_kept_in_redis() {
    let redis_url = test_support::shared_redis().url();
    three_keys_share_their_workspaces_budget(&[("REDIS_URL", &redis_url), ("SIGN_UP_RATE_LIMIT", "0")]).await;
}

/// Two keys spend their workspace's budget of 4 (2 each), and a third key is refused by the workspace's budget.
async fn three_keys_share_their_workspaces_budget(env: &[(&str, &str)]) {
    let mut vars = vec![("RATE_LIMIT_REST", "2"), ("RATE_LIMIT_WORKSPACE_FACTOR", "2")];
    vars.extend_from_slice(env);
    let app = TestApp::with_env_workspace(&vars).await;
    let mut keys = Vec::new();
    for name in ["one", "two", "three"] {
        keys.push(app.api_key(name).await.1);
    }
    for key in &keys[..2] {
        for _ in 0..2 {
            let res = app.get("/rest/companies", Some(key)).await;
            assert_eq!(res.status, 200, "{}", res.body);
        }
    }
    let res = app.get("/rest/companies", Some(&keys[2])).await;
    let body = res.expect(429);
    assert_eq!(body["error"]["code"], json!("RATE_LIMIT_EXCEEDED"));
    assert_eq!(
        res.header("x-ratelimit-limit"),
        Some("4"),
        "the workspace's budget is the one spent"
    );
}

#[actix_web::test]
async fn with_redis_url_the_budgets_live_in_redis_under_prefixed_expiring_keys() {
    let redis_url = test_support::shared_redis().url();
    // No sign-up throttle: the admin signs up from the in-process client's address, which other tests share.
    let env = [
        ("REDIS_URL", redis_url.as_str()),
        ("RATE_LIMIT_REST", "3"),
        ("SIGN_UP_RATE_LIMIT", "0"),
    ];
    let app = TestApp::with_env_workspace(&env).await.with_api_key().await;
    assert_eq!(spend_rest_budget(&app, &app.token).await, ["2", "1", "0"]);
    let over = app.get("/rest/companies", Some(&app.token)).await;
    over.expect(429);
    let retry: u64 = over.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=20).contains(&retry), "one request every 20 s: {retry}");

    let mut redis = redis::Client::open(redis_url).unwrap().get_connection().unwrap();
    for key in [
        format!("twenty:rl:rest:key:{}", app.api_key_id),
        format!("twenty:rl:rest:workspace:{}", app.workspace),
    ] {
        let ttl: i64 = redis::cmd("PTTL").arg(&key).query(&mut redis).unwrap();
        assert!(ttl > 0 && ttl <= 60_000, "{key} expires when full again: {ttl}");
    }
}
