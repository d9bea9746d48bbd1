//! Rate limits per principal and per API over real HTTP (contract §7a).

use crate::support::*;
use serde_json::json;

#[tokio::test]
async fn each_api_has_its_own_budget_per_principal() {
    let server = Server::start(&[
        ("RATE_LIMIT_REST", "3"),
        ("RATE_LIMIT_GRAPHQL", "2"),
        ("RATE_LIMIT_METADATA", "0"),
    ])
    .await;
    let a = server.sign_up("a@example.com")["accessToken"]
        .as_str()
        .unwrap()
        .to_string();
    let b = server.sign_up("b@example.com")["accessToken"]
        .as_str()
        .unwrap()
        .to_string();

    let mut remaining = Vec::new();
    for _ in 0..3 {
        let res = server.get("/rest/companies", Some(&a));
        assert_eq!(res.status, 200, "{}", res.body);
        assert_eq!(res.header("x-ratelimit-limit"), Some("3"));
        let reset: u64 = res.header("x-ratelimit-reset").unwrap().parse().unwrap();
        assert!(reset > 1_700_000_000, "unix seconds");
        remaining.push(res.header("x-ratelimit-remaining").unwrap().to_string());
    }
    assert_eq!(remaining, ["2", "1", "0"]);
    let over = server.get("/rest/companies", Some(&a));
    assert_eq!(over.status, 429);
    let body = over.json();
    assert_eq!(body["error"]["code"], json!("RATE_LIMIT_EXCEEDED"));
    assert_eq!(body["error"]["statusCode"], json!(429));
    let retry: u64 = over.header("retry-after").unwrap().parse().unwrap();
    assert!(retry >= 1 && body["error"]["retryAfter"] == json!(retry));
    // Another principal has its own budget; so does another API.
    assert_eq!(server.get("/rest/companies", Some(&b)).status, 200);
    let gql = |token: &str| {
        request(
            server.port,
            "POST",
            "/graphql",
            &[("Authorization", &format!("Bearer {token}"))],
            Some(r#"{"query":"{ companies { totalCount } }"}"#),
        )
    };
    assert_eq!(gql(&a).status, 200);
    assert_eq!(gql(&a).header("x-ratelimit-remaining"), Some("0"));
    let limited = gql(&a);
    assert_eq!(limited.status, 429);
    let body = limited.json();
    assert_eq!(body["errors"][0]["message"], json!("Rate limit exceeded"));
    assert_eq!(body["errors"][0]["extensions"]["code"], json!("RATE_LIMIT_EXCEEDED"));
    assert!(body["errors"][0]["extensions"]["retryAfter"].as_u64().unwrap() >= 1);
    assert_eq!(body["data"], serde_json::Value::Null);
    // 0 disables: no limit and no headers on /metadata.
    for _ in 0..5 {
        let res = request(
            server.port,
            "POST",
            "/metadata",
            &[("Authorization", &format!("Bearer {a}"))],
            Some(r#"{"query":"{ apiKeys { id } }"}"#),
        );
        assert_eq!(res.status, 200);
        assert!(res.header("x-ratelimit-limit").is_none());
    }
    // Unauthenticated requests are refused before they are counted.
    assert_eq!(server.get("/rest/companies", None).status, 401);
}
