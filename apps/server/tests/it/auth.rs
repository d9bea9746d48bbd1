//! Auth over real HTTP against the real binary (contract §2, §3).

use crate::support::*;
use serde_json::{Value, json};
use std::time::Duration;
use twenty_auth::TokenSigner;

#[tokio::test]
async fn sign_up_login_refresh_reuse_and_logout() {
    let server = Server::start(&[]).await;
    let signed_up = server.sign_up("ada@example.com");
    for key in ["accessToken", "refreshToken", "workspaceId", "userId"] {
        assert!(signed_up[key].is_string(), "{key} in {signed_up}");
    }
    assert_eq!(signed_up["expiresIn"], json!(1800));

    let login = server.post(
        "/auth/login",
        &json!({"email": "ADA@example.com", "password": "password123"}),
    );
    assert_eq!(login.status, 200, "{}", login.body);
    let login = login.json();
    assert_eq!(login["expiresIn"], json!(1800));
    let access = login["accessToken"].as_str().unwrap();
    assert_ne!(server.get("/rest/companies", Some(access)).status, 401);

    let first_refresh = login["refreshToken"].as_str().unwrap().to_string();
    let refreshed = server.post("/auth/refresh", &json!({"refreshToken": first_refresh}));
    assert_eq!(refreshed.status, 200, "{}", refreshed.body);
    let refreshed = refreshed.json();
    let second_refresh = refreshed["refreshToken"].as_str().unwrap().to_string();
    assert_ne!(second_refresh, first_refresh);

    // Reuse of the rotated token fails and kills the new one too.
    let reuse = server.post("/auth/refresh", &json!({"refreshToken": first_refresh}));
    assert_eq!(reuse.status, 401);
    assert_eq!(reuse.json()["error"]["code"], json!("UNAUTHORIZED"));
    assert_eq!(
        server
            .post("/auth/refresh", &json!({"refreshToken": second_refresh}))
            .status,
        401
    );

    // A fresh login works again; logout revokes its refresh token.
    let login = server
        .post(
            "/auth/login",
            &json!({"email": "ada@example.com", "password": "password123"}),
        )
        .json();
    let token = login["refreshToken"].as_str().unwrap();
    let logout = server.post("/auth/logout", &json!({"refreshToken": token}));
    assert_eq!(logout.status, 204);
    assert_eq!(
        server.post("/auth/refresh", &json!({"refreshToken": token})).status,
        401
    );
    assert_eq!(server.post("/auth/logout", &json!({"refreshToken": token})).status, 401);
    // An access token is not a refresh token.
    assert_eq!(
        server.post("/auth/refresh", &json!({"refreshToken": access})).status,
        401
    );
}

#[tokio::test]
async fn sign_up_validation_conflicts_and_identical_login_failures() {
    let server = Server::start(&[]).await;
    server.sign_up("ada@example.com");
    let dup = server.post(
        "/auth/signup",
        &json!({"email": "Ada@Example.com", "password": "password123"}),
    );
    assert_eq!(dup.status, 409, "{}", dup.body);
    assert_eq!(dup.json()["error"]["code"], json!("CONFLICT"));

    let bad = server.post("/auth/signup", &json!({"email": "not-an-email", "password": "short"}));
    assert_eq!(bad.status, 400);
    let body = bad.json();
    assert_eq!(body["error"]["code"], json!("VALIDATION_ERROR"));
    assert_eq!(body["error"]["statusCode"], json!(400));
    let fields: Vec<&str> = body["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["email", "password"]);

    // NUL characters cannot be stored: bad input, not a server error.
    for body in [
        json!({"email": "nul@example.com", "password": "password\u{0}123"}),
        json!({"email": "nul@example.com", "password": "password123", "workspaceName": "a\u{0}b"}),
        json!({"email": "nul@example.com", "password": "password123", "firstName": "\u{0}"}),
    ] {
        let res = server.post("/auth/signup", &body);
        assert_eq!(res.status, 400, "{body}: {}", res.body);
    }
    for malformed in ["{", "[]", r#"{"email": 1}"#] {
        let res = request(server.port, "POST", "/auth/signup", &[], Some(malformed));
        assert_eq!(res.status, 400, "{malformed}: {}", res.body);
        assert_eq!(res.json()["error"]["code"], json!("VALIDATION_ERROR"));
    }

    let unknown = server.post(
        "/auth/login",
        &json!({"email": "nobody@example.com", "password": "password123"}),
    );
    let wrong = server.post(
        "/auth/login",
        &json!({"email": "ada@example.com", "password": "wrong-password"}),
    );
    assert_eq!((unknown.status, wrong.status), (401, 401));
    assert_eq!(unknown.body, wrong.body, "byte-identical bodies");
    // An address with a NUL cannot be looked up; it is just another failed login (review finding: it was a 500).
    let nul = server.post(
        "/auth/login",
        &json!({"email": "ada\u{0}@example.com", "password": "password123"}),
    );
    assert_eq!((nul.status, nul.body), (401, wrong.body));
}

#[tokio::test]
async fn sign_up_can_be_disabled() {
    let server = Server::start(&[("SIGN_UP_DISABLED", "true")]).await;
    let res = server.post(
        "/auth/signup",
        &json!({"email": "ada@example.com", "password": "password123"}),
    );
    assert_eq!(res.status, 403);
    assert_eq!(res.json()["error"]["code"], json!("FORBIDDEN"));
}

fn assert_unauthorized(server: &Server, token: Option<&str>, what: &str) {
    for path in ["/graphql", "/metadata", "/rest/companies", "/rest/open-api/core"] {
        let res = if path.starts_with("/graphql") || path.starts_with("/metadata") {
            let auth = token.map(|t| format!("Bearer {t}"));
            let headers: Vec<(&str, &str)> = auth.as_deref().map(|a| vec![("Authorization", a)]).unwrap_or_default();
            request(
                server.port,
                "POST",
                path,
                &headers,
                Some(r#"{"query":"{ __typename }"}"#),
            )
        } else {
            server.get(path, token)
        };
        assert_eq!(res.status, 401, "{what} on {path}: {}", res.body);
        let body = res.json();
        if path.starts_with("/rest") {
            assert_eq!(body["error"]["code"], json!("UNAUTHORIZED"), "{what} on {path}");
            assert_eq!(body["error"]["statusCode"], json!(401));
        } else {
            assert_eq!(
                body["errors"][0]["extensions"]["code"],
                json!("UNAUTHORIZED"),
                "{what} on {path}"
            );
            assert_eq!(body["data"], Value::Null);
        }
    }
}

#[tokio::test]
async fn bad_tokens_are_refused_on_every_protected_prefix() {
    let server = Server::start(&[("ACCESS_TOKEN_TTL_SECS", "3")]).await;
    let signed_up = server.sign_up("ada@example.com");
    let access = signed_up["accessToken"].as_str().unwrap();
    let workspace: uuid::Uuid = signed_up["workspaceId"].as_str().unwrap().parse().unwrap();
    let user: uuid::Uuid = signed_up["userId"].as_str().unwrap().parse().unwrap();

    assert_unauthorized(&server, None, "no token");
    assert_unauthorized(&server, Some("garbage"), "malformed");
    assert_unauthorized(&server, Some(&format!("{access}x")), "tampered");
    let foreign = TokenSigner::new(b"some-other-secret-0123456789abcdef")
        .access_token(workspace, user, 600)
        .unwrap();
    assert_unauthorized(&server, Some(&foreign), "other secret");
    let none_alg = {
        use base64::Engine;
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let header = b64.encode(r#"{"alg":"none","typ":"JWT"}"#);
        let payload = b64.encode(format!(
            r#"{{"sub":"{user}","workspaceId":"{workspace}","type":"ACCESS","iss":"twenty","exp":9999999999}}"#
        ));
        format!("{header}.{payload}.")
    };
    assert_unauthorized(&server, Some(&none_alg), "alg none");
    assert_unauthorized(
        &server,
        Some(signed_up["refreshToken"].as_str().unwrap()),
        "refresh token as bearer",
    );

    // Expiry is exact: no clock tolerance. A fresh token works, and stops working once its lifetime is over.
    let login = server
        .post(
            "/auth/login",
            &json!({"email": "ada@example.com", "password": "password123"}),
        )
        .json();
    let fresh = login["accessToken"].as_str().unwrap();
    assert_ne!(server.get("/rest/companies", Some(fresh)).status, 401);
    tokio::time::sleep(Duration::from_millis(3100)).await;
    assert_unauthorized(&server, Some(fresh), "expired");
}

#[tokio::test]
async fn api_keys_are_checked_on_every_request_and_scoped_to_their_workspace() {
    let server = Server::start(&[]).await;
    let a = server.sign_up("a@example.com");
    let b = server.sign_up("b@example.com");
    let ws_a: uuid::Uuid = a["workspaceId"].as_str().unwrap().parse().unwrap();
    let ws_b: uuid::Uuid = b["workspaceId"].as_str().unwrap().parse().unwrap();
    let (store, signer) = (server.db.store(), TokenSigner::new(SECRET.as_bytes()));
    let auth = twenty_auth::AuthService::new(
        store,
        signer.clone(),
        twenty_auth::AuthSettings {
            access_token_ttl: Duration::from_secs(60),
            refresh_token_ttl: Duration::from_secs(60),
            bcrypt_cost: 4,
            sign_up_disabled: false,
        },
    );
    let (key, token) = auth.create_api_key(ws_a, "integration", None).await.unwrap();
    assert_eq!(
        server.get("/rest/open-api/core", Some(&token)).status,
        200,
        "authenticated, route not there yet"
    );
    assert_ne!(
        server.get(&format!("/rest/open-api/core?token={token}"), None).status,
        401,
        "?token= on open-api"
    );
    assert_eq!(
        server.get(&format!("/rest/companies?token={token}"), None).status,
        401,
        "?token= elsewhere"
    );

    // The same key id presented as workspace B's: not found there.
    let forged = signer.api_key_token(ws_b, key.id, None).unwrap();
    assert_unauthorized(&server, Some(&forged), "key of A claimed for B");

    // Revocation takes effect on the next request.
    use twenty_domain::ports::IdentityStore;
    assert!(
        server.db.store().revoke_api_key(ws_b, key.id).await.unwrap().is_none(),
        "B cannot revoke A's key"
    );
    server.db.store().revoke_api_key(ws_a, key.id).await.unwrap().unwrap();
    assert_unauthorized(&server, Some(&token), "revoked key");

    // An expired key (by its row) is refused too.
    let (_, soon) = auth
        .create_api_key(ws_a, "short", Some(chrono::Utc::now() + chrono::Duration::seconds(1)))
        .await
        .unwrap();
    assert_ne!(server.get("/rest/companies", Some(&soon)).status, 401);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_unauthorized(&server, Some(&soon), "expired key");
}

#[tokio::test]
async fn login_is_throttled_and_secrets_never_reach_the_logs() {
    let server = Server::start(&[]).await;
    let signed_up = server.sign_up("ada@example.com");
    let login = server
        .post(
            "/auth/login",
            &json!({"email": "ada@example.com", "password": "password123"}),
        )
        .json();
    let refreshed = server
        .post("/auth/refresh", &json!({"refreshToken": login["refreshToken"]}))
        .json();
    server.get(
        &format!("/rest/open-api/core?token={}", login["accessToken"].as_str().unwrap()),
        None,
    );
    let log = server.log_text();
    assert!(log.contains("request completed"), "requests are logged: {log}");
    for secret in [
        "password123",
        signed_up["accessToken"].as_str().unwrap(),
        signed_up["refreshToken"].as_str().unwrap(),
        login["accessToken"].as_str().unwrap(),
        login["refreshToken"].as_str().unwrap(),
        refreshed["refreshToken"].as_str().unwrap(),
        SECRET,
    ] {
        assert!(!log.contains(secret), "a secret reached the log:\n{log}");
    }

    for attempt in 0..20 {
        let res = server.post(
            "/auth/login",
            &json!({"email": "ada@example.com", "password": "wrong-password"}),
        );
        if res.status == 429 {
            assert!(attempt >= 8, "throttled too early ({attempt})");
            let body = res.json();
            assert_eq!(body["error"]["code"], json!("RATE_LIMIT_EXCEEDED"));
            assert!(body["error"]["retryAfter"].as_u64().unwrap() >= 1);
            assert!(res.header("retry-after").is_some());
            return;
        }
        assert_eq!(res.status, 401);
    }
    panic!("login was never throttled");
}

#[tokio::test]
async fn metrics_and_request_ids() {
    let server = Server::start(&[]).await;
    let res = server.get("/healthz", None);
    assert!(res.header("x-request-id").is_some_and(|id| !id.is_empty()));
    let res = request(
        server.port,
        "GET",
        "/healthz",
        &[("X-Request-Id", "trace-me-123")],
        None,
    );
    assert_eq!(res.header("x-request-id"), Some("trace-me-123"));
    let metrics = server.get("/metrics", None);
    assert_eq!(metrics.status, 200);
    assert!(
        metrics
            .body
            .contains("twenty_http_requests_total{api=\"ops\",status=\"2xx\"}"),
        "{}",
        metrics.body
    );
    assert!(metrics.body.contains("twenty_db_pool_connections"));
    let preflight = request(
        server.port,
        "OPTIONS",
        "/graphql",
        &[
            ("Origin", "https://app.example.com"),
            ("Access-Control-Request-Method", "POST"),
        ],
        None,
    );
    assert_eq!(preflight.status, 200, "{}", preflight.body);
    assert!(preflight.header("access-control-allow-origin").is_some());
}
