//! Throttles of the unauthenticated endpoints (contract §10): logins count per client IP and per e-mail and IP
//! pair, sign-ups per client IP. The client addresses are loopback addresses given to in-process requests.

use crate::support::app::unique_email;
use crate::support::*;
use serde_json::json;

#[actix_web::test]
async fn failed_logins_from_one_address_do_not_lock_the_account_for_another_address() {
    let app = TestApp::new().await;
    let ada = unique_email("ada");
    app.sign_up(&ada).await;
    let mut refused = false;
    for _ in 0..12 {
        let res = app.attempt_login_from("127.0.0.2:5000", &ada, "wrong-password").await;
        refused |= res.status == 429;
    }
    assert!(refused, "the attacker's address was never throttled");
    let res = app.attempt_login_from("127.0.0.3:5000", &ada, PASSWORD).await;
    assert_eq!(res.status, 200, "{}", res.body);
}

#[actix_web::test]
async fn sign_ups_past_the_hourly_limit_of_one_address_are_refused() {
    let app = TestApp::with_env(&[("SIGN_UP_RATE_LIMIT", "2")]).await;
    for _ in 0..2 {
        let res = app.attempt_sign_up_from("127.0.0.2:5000", &unique_email("many")).await;
        assert_eq!(res.status, 201, "{}", res.body);
    }
    let res = app.attempt_sign_up_from("127.0.0.2:5000", &unique_email("many")).await;
    let body = res.expect(429);
    assert_eq!(body["error"]["code"], json!("RATE_LIMIT_EXCEEDED"));
    assert!(res.header("retry-after").is_some());
    let res = app.attempt_sign_up_from("127.0.0.3:5000", &unique_email("other")).await;
    assert_eq!(res.status, 201, "another address has its own budget: {}", res.body);
}

/// Twelve failed logins for `email` forwarded for 127.0.0.2, then the right password forwarded for 127.0.0.3, all
/// through the in-process peer 127.0.0.1; the status of the last attempt.
async fn login_after_forwarded_failures(app: &TestApp, email: &str) -> u16 {
    for _ in 0..12 {
        app.attempt_login_forwarded("127.0.0.2", email, "wrong-password").await;
    }
    app.attempt_login_forwarded("127.0.0.3", email, PASSWORD).await.status
}

#[actix_web::test]
async fn behind_a_trusted_proxy_failed_logins_of_one_forwarded_address_do_not_block_another() {
    let app = TestApp::with_env(&[("TRUSTED_PROXIES", "127.0.0.1")]).await;
    let ada = unique_email("ada");
    app.sign_up(&ada).await;
    assert_eq!(login_after_forwarded_failures(&app, &ada).await, 200);
}

#[actix_web::test]
async fn a_forwarded_address_from_a_peer_that_is_not_a_trusted_proxy_is_ignored() {
    let app = TestApp::new().await;
    let ada = unique_email("ada");
    app.sign_up(&ada).await;
    // Every attempt counts against the peer itself, which has spent its ten a minute.
    assert_eq!(login_after_forwarded_failures(&app, &ada).await, 429);
}
