//! Authentication (contract §2, §3): sign-up, login, refresh-token rotation, logout, and which bearer tokens the
//! protected prefixes refuse.

use crate::support::app::sleep_ms;
use crate::support::app::unique_email;
use crate::support::*;
use serde_json::{Value, json};
use twenty_auth::TokenSigner;

const PROTECTED: [&str; 4] = ["/graphql", "/metadata", "/rest/companies", "/rest/open-api/core"];

/// Every protected prefix answers 401 `UNAUTHORIZED` to `token`, in its API's error shape.
async fn refused_everywhere(app: &TestApp, token: Option<&str>, what: &str) {
    for path in PROTECTED {
        let res = if path.starts_with("/rest") {
            app.get(path, token).await
        } else {
            app.post_raw(path, token, r#"{"query":"{ __typename }"}"#).await
        };
        assert_eq!(res.status, 401, "{what} on {path}: {}", res.body);
        let body = res.json();
        if path.starts_with("/rest") {
            assert_eq!(body["error"]["code"], json!("UNAUTHORIZED"), "{what} on {path}");
            assert_eq!(body["error"]["statusCode"], json!(401));
        } else {
            assert_eq!(res.gql().error_code(), "UNAUTHORIZED", "{what} on {path}");
            assert_eq!(body["data"], Value::Null);
        }
    }
}

fn refresh_token(tokens: &Value) -> String {
    tokens["refreshToken"].as_str().unwrap().to_string()
}

async fn refresh(app: &TestApp, token: &str) -> Response {
    app.post("/auth/refresh", &json!({"refreshToken": token})).await
}

/// A new app in which Ada has signed up: the app, her email (unique to the test) and the sign-up's body.
async fn ada_signed_up() -> (TestApp, String, Value) {
    let ada = unique_email("ada");
    let app = TestApp::new().await;
    let signed_up = app.sign_up(&ada).await;
    (app, ada, signed_up)
}

#[actix_web::test]
async fn sign_up_answers_tokens_ids_and_the_access_token_lifetime() {
    let (_app, _, signed_up) = ada_signed_up().await;
    for key in ["accessToken", "refreshToken", "workspaceId", "userId"] {
        assert!(signed_up[key].is_string(), "{key} in {signed_up}");
    }
    assert_eq!(signed_up["expiresIn"], json!(1800));
}

#[actix_web::test]
async fn login_ignores_the_case_of_the_email_and_gives_a_working_access_token() {
    let (app, ada, _) = ada_signed_up().await;
    let login = app.attempt_login(&ada.to_uppercase(), PASSWORD).await.expect(200);
    assert_eq!(login["expiresIn"], json!(1800));
    let access = login["accessToken"].as_str().unwrap();
    assert_ne!(app.get("/rest/companies", Some(access)).await.status, 401);
}

#[actix_web::test]
async fn a_refresh_rotates_the_refresh_token() {
    let (app, ada, _) = ada_signed_up().await;
    let first = refresh_token(&app.log_in(&ada).await);
    let refreshed = refresh(&app, &first).await.expect(200);
    assert_ne!(refresh_token(&refreshed), first);
}

#[actix_web::test]
async fn reusing_a_rotated_refresh_token_fails_and_revokes_its_successor() {
    let (app, ada, _) = ada_signed_up().await;
    let first = refresh_token(&app.log_in(&ada).await);
    let second = refresh_token(&refresh(&app, &first).await.expect(200));
    let reuse = refresh(&app, &first).await;
    assert_eq!(reuse.status, 401);
    assert_eq!(reuse.error_code(), "UNAUTHORIZED");
    assert_eq!(refresh(&app, &second).await.status, 401);
}

#[actix_web::test]
async fn logout_revokes_the_refresh_token() {
    let (app, ada, _) = ada_signed_up().await;
    let token = refresh_token(&app.log_in(&ada).await);
    let logout = app.post("/auth/logout", &json!({"refreshToken": token})).await;
    assert_eq!(logout.status, 204);
    assert_eq!(refresh(&app, &token).await.status, 401);
    assert_eq!(
        app.post("/auth/logout", &json!({"refreshToken": token})).await.status,
        401
    );
}

#[actix_web::test]
async fn an_access_token_is_not_a_refresh_token() {
    let (app, _, login) = ada_signed_up().await;
    let access = login["accessToken"].as_str().unwrap();
    assert_eq!(refresh(&app, access).await.status, 401);
}

#[actix_web::test]
async fn signing_up_a_taken_email_in_any_case_is_a_conflict() {
    let (app, ada, _) = ada_signed_up().await;
    let dup = app
        .post(
            "/auth/signup",
            &json!({"email": ada.to_uppercase(), "password": PASSWORD}),
        )
        .await;
    assert_eq!(dup.status, 409, "{}", dup.body);
    assert_eq!(dup.error_code(), "CONFLICT");
}

#[actix_web::test]
async fn sign_up_reports_every_invalid_field() {
    let app = TestApp::new().await;
    let bad = app
        .post("/auth/signup", &json!({"email": "not-an-email", "password": "short"}))
        .await;
    let body = bad.expect(400);
    assert_eq!(bad.error_code(), "VALIDATION_ERROR");
    assert_eq!(body["error"]["statusCode"], json!(400));
    assert_eq!(bad.error_fields(), ["email", "password"]);
}

#[actix_web::test]
async fn nul_characters_in_a_sign_up_are_bad_input_not_a_server_error() {
    let app = TestApp::new().await;
    for body in [
        json!({"email": "nul@example.com", "password": "password\u{0}123"}),
        json!({"email": "nul@example.com", "password": PASSWORD, "workspaceName": "a\u{0}b"}),
        json!({"email": "nul@example.com", "password": PASSWORD, "firstName": "\u{0}"}),
    ] {
        let res = app.post("/auth/signup", &body).await;
        assert_eq!(res.status, 400, "{body}: {}", res.body);
    }
}

#[actix_web::test]
async fn a_malformed_sign_up_body_is_a_validation_error() {
    let app = TestApp::new().await;
    for malformed in ["{", "[]", r#"{"email": 1}"#] {
        let res = app.post_raw("/auth/signup", None, malformed).await;
        assert_eq!(res.status, 400, "{malformed}: {}", res.body);
        assert_eq!(res.error_code(), "VALIDATION_ERROR");
    }
}

#[actix_web::test]
async fn an_unknown_email_and_a_wrong_password_fail_with_identical_bodies() {
    let (app, ada, _) = ada_signed_up().await;
    let unknown = app.attempt_login("nobody@example.com", PASSWORD).await;
    let wrong = app.attempt_login(&ada, "wrong-password").await;
    assert_eq!((unknown.status, wrong.status), (401, 401));
    assert_eq!(unknown.body, wrong.body, "byte-identical bodies");
}

#[actix_web::test]
async fn a_login_email_with_a_nul_is_just_another_failed_login() {
    // Review finding: it was a 500.
    let (app, ada, _) = ada_signed_up().await;
    let wrong = app.attempt_login(&ada, "wrong-password").await;
    let nul = app
        .post(
            "/auth/login",
            &json!({"email": ada.replacen('@', "\u{0}@", 1), "password": PASSWORD}),
        )
        .await;
    assert_eq!((nul.status, nul.body), (401, wrong.body));
}

#[actix_web::test]
async fn sign_up_can_be_disabled() {
    let ada = unique_email("ada");
    let app = TestApp::with_env(&[("SIGN_UP_DISABLED", "true")]).await;
    let res = app
        .post("/auth/signup", &json!({"email": ada, "password": PASSWORD}))
        .await;
    assert_eq!(res.status, 403);
    assert_eq!(res.error_code(), "FORBIDDEN");
}

#[actix_web::test]
async fn login_is_throttled_after_repeated_failures() {
    let (app, ada, _) = ada_signed_up().await;
    for attempt in 0..20 {
        let res = app.attempt_login(&ada, "wrong-password").await;
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

#[actix_web::test]
async fn a_request_without_a_token_is_refused_on_every_protected_prefix() {
    let app = TestApp::new().await;
    refused_everywhere(&app, None, "no token").await;
}

#[actix_web::test]
async fn a_malformed_token_is_refused_on_every_protected_prefix() {
    let app = TestApp::new().await;
    refused_everywhere(&app, Some("garbage"), "malformed").await;
}

#[actix_web::test]
async fn a_tampered_token_is_refused_on_every_protected_prefix() {
    let app = TestApp::new().await.with_workspace().await;
    refused_everywhere(&app, Some(&format!("{}x", app.token)), "tampered").await;
}

#[actix_web::test]
async fn a_token_signed_with_another_secret_is_refused_on_every_protected_prefix() {
    let (app, _, signed_up) = ada_signed_up().await;
    let (workspace, user) = ids(&signed_up);
    let foreign = TokenSigner::new(b"some-other-secret-0123456789abcdef")
        .access_token(workspace, user, 600)
        .unwrap();
    refused_everywhere(&app, Some(&foreign), "other secret").await;
}

#[actix_web::test]
async fn an_unsigned_alg_none_token_is_refused_on_every_protected_prefix() {
    use base64::Engine;
    let (app, _, signed_up) = ada_signed_up().await;
    let (workspace, user) = ids(&signed_up);
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let header = b64.encode(r#"{"alg":"none","typ":"JWT"}"#);
    let payload = b64.encode(format!(
        r#"{{"sub":"{user}","workspaceId":"{workspace}","type":"ACCESS","iss":"twenty","exp":9999999999}}"#
    ));
    refused_everywhere(&app, Some(&format!("{header}.{payload}.")), "alg none").await;
}

#[actix_web::test]
async fn a_refresh_token_is_not_a_bearer_token() {
    let (app, _, signed_up) = ada_signed_up().await;
    refused_everywhere(&app, Some(&refresh_token(&signed_up)), "refresh token as bearer").await;
}

#[actix_web::test]
async fn an_access_token_stops_working_exactly_when_its_lifetime_is_over() {
    let ada = unique_email("ada");
    // No clock tolerance.
    let app = TestApp::with_env(&[("ACCESS_TOKEN_TTL_SECS", "3")]).await;
    app.sign_up(&ada).await;
    let login = app.log_in(&ada).await;
    let fresh = login["accessToken"].as_str().unwrap();
    assert_ne!(app.get("/rest/companies", Some(fresh)).await.status, 401);
    sleep_ms(3100).await;
    refused_everywhere(&app, Some(fresh), "expired").await;
}

fn ids(signed_up: &Value) -> (uuid::Uuid, uuid::Uuid) {
    let id = |key: &str| signed_up[key].as_str().unwrap().parse().unwrap();
    (id("workspaceId"), id("userId"))
}

/// An API key of `workspace`, created by the auth service `serve` runs: (its id, its token).
async fn api_key_of(app: &TestApp, workspace: uuid::Uuid, expires_in_secs: Option<i64>) -> (uuid::Uuid, String) {
    let expires_at = expires_in_secs.map(|s| chrono::Utc::now() + chrono::Duration::seconds(s));
    let (key, token) = app
        .state
        .auth
        .api_keys()
        .create(workspace, "integration", expires_at)
        .await
        .unwrap();
    (key.id, token)
}

#[actix_web::test]
async fn an_api_key_authenticates_requests() {
    let app = TestApp::new().await.with_workspace().await;
    let (_, token) = api_key_of(&app, app.workspace, None).await;
    assert_eq!(
        app.get("/rest/open-api/core", Some(&token)).await.status,
        200,
        "authenticated, route not there yet"
    );
}

#[actix_web::test]
async fn only_the_open_api_document_takes_a_token_in_the_query_string() {
    let app = TestApp::new().await.with_workspace().await;
    let (_, token) = api_key_of(&app, app.workspace, None).await;
    assert_ne!(
        app.get(&format!("/rest/open-api/core?token={token}"), None)
            .await
            .status,
        401,
        "?token= on open-api"
    );
    assert_eq!(
        app.get(&format!("/rest/companies?token={token}"), None).await.status,
        401,
        "?token= elsewhere"
    );
}

/// A new app in which two workspaces, A and B, have signed up: the app, B's id, and an API key of A (its id, its token).
async fn workspace_b_and_an_api_key_of_a() -> (TestApp, uuid::Uuid, (uuid::Uuid, String)) {
    let app = TestApp::new().await;
    let (ws_a, _) = ids(&app.sign_up(&unique_email("a")).await);
    let (ws_b, _) = ids(&app.sign_up(&unique_email("b")).await);
    let key = api_key_of(&app, ws_a, None).await;
    (app, ws_b, key)
}

#[actix_web::test]
async fn an_api_key_claimed_for_another_workspace_is_refused() {
    let (app, ws_b, (key, _)) = workspace_b_and_an_api_key_of_a().await;
    // The same key id presented as workspace B's: not found there.
    let forged = TokenSigner::new(SECRET.as_bytes())
        .api_key_token(ws_b, key, None)
        .unwrap();
    refused_everywhere(&app, Some(&forged), "key of A claimed for B").await;
}

#[actix_web::test]
async fn a_workspace_cannot_revoke_another_workspaces_api_key() {
    use twenty_domain::ports::IdentityStore;
    let (app, ws_b, (key, token)) = workspace_b_and_an_api_key_of_a().await;
    assert!(
        app.db.store().revoke_api_key(ws_b, key).await.unwrap().is_none(),
        "B cannot revoke A's key"
    );
    assert_ne!(app.get("/rest/companies", Some(&token)).await.status, 401);
}

#[actix_web::test]
async fn a_revoked_api_key_is_refused_from_the_next_request_on() {
    use twenty_domain::ports::IdentityStore;
    let app = TestApp::new().await.with_workspace().await;
    let (key, token) = api_key_of(&app, app.workspace, None).await;
    assert_ne!(app.get("/rest/companies", Some(&token)).await.status, 401);
    app.db
        .store()
        .revoke_api_key(app.workspace, key)
        .await
        .unwrap()
        .unwrap();
    refused_everywhere(&app, Some(&token), "revoked key").await;
}

#[actix_web::test]
async fn an_api_key_past_its_expiry_is_refused() {
    let app = TestApp::new().await.with_workspace().await;
    // Expiry counts whole seconds: the key asked for in two seconds lives one to two.
    let (_, soon) = api_key_of(&app, app.workspace, Some(2)).await;
    let created = std::time::Instant::now();
    assert_ne!(app.get("/rest/companies", Some(&soon)).await.status, 401);
    sleep_ms(2100u64.saturating_sub(created.elapsed().as_millis() as u64)).await;
    refused_everywhere(&app, Some(&soon), "expired key").await;
}

/// The `exp` claim of a token, read without verification.
fn exp_of(token: &str) -> i64 {
    use base64::Engine;
    let payload = token.split('.').nth(1).unwrap();
    let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    serde_json::from_slice::<Value>(&payload).unwrap()["exp"]
        .as_i64()
        .unwrap()
}

#[actix_web::test]
async fn an_api_key_tokens_exp_is_its_expires_at_to_the_second() {
    let app = TestApp::new().await.with_workspace().await;
    let create = "mutation($e: DateTime) { createOneApiKey(data: {name: \"k\", expiresAt: $e}) { token expiresAt } }";
    // A whole second, and one with milliseconds: the key expires at the start of that second, as its token.
    for (asked, expected) in [
        ("2099-12-31T23:59:59Z", "2099-12-31T23:59:59.000Z"),
        ("2099-06-30T12:00:00.750Z", "2099-06-30T12:00:00.000Z"),
    ] {
        let key = &app.metadata_query_with(create, json!({"e": asked})).await["createOneApiKey"];
        assert_eq!(key["expiresAt"], json!(expected), "{asked}");
        let expires_at = chrono::DateTime::parse_from_rfc3339(expected).unwrap().timestamp();
        assert_eq!(exp_of(key["token"].as_str().unwrap()), expires_at, "{asked}");
    }
    // The service (and the CLI) round the same way.
    let asked = chrono::Utc::now() + chrono::Duration::milliseconds(3_600_500);
    let (key, token) = app
        .state
        .auth
        .api_keys()
        .create(app.workspace, "cli", Some(asked))
        .await
        .unwrap();
    let expires_at = key.expires_at.unwrap();
    assert_eq!(expires_at.timestamp_subsec_nanos(), 0);
    assert_eq!(expires_at.timestamp(), asked.timestamp());
    assert_eq!(exp_of(&token), expires_at.timestamp());
}

#[actix_web::test]
async fn an_api_key_cannot_expire_after_what_a_token_can_carry() {
    let app = TestApp::new().await.with_workspace().await;
    let create = "mutation($e: DateTime) { createOneApiKey(data: {name: \"k\", expiresAt: $e}) { id } }";
    let too_late = app.metadata(create, json!({"e": "2200-01-01T00:00:00Z"})).await;
    assert_eq!(too_late.error_code(), "VALIDATION_ERROR");
    assert_eq!(too_late.error_fields(), ["expiresAt"]);
}
