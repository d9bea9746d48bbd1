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
