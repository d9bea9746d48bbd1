use actix_web::test;
use test_support::TestDb;
use twenty_server::config::{Config, Secret};
use twenty_server::{AppState, build_app};

fn state(db: &TestDb) -> AppState {
    let config = Config::from_lookup(|_| None).unwrap();
    AppState::new(
        config,
        db.pool.clone(),
        &Secret::new("0123456789abcdef0123456789abcdef".into()),
    )
}

#[actix_web::test]
async fn health_and_readiness_answer() {
    let db = TestDb::new().await;
    let app = test::init_service(build_app(state(&db))).await;
    let resp = test::call_service(&app, test::TestRequest::get().uri("/healthz").to_request()).await;
    assert_eq!(resp.status(), 200);
    let body: serde_json::Value = test::read_body_json(resp).await;
    assert_eq!(body, serde_json::json!({"status": "ok"}));
    let resp = test::call_service(&app, test::TestRequest::get().uri("/readyz").to_request()).await;
    assert_eq!(resp.status(), 200);

    let resp = test::call_service(&app, test::TestRequest::get().uri("/no/such/route").to_request()).await;
    assert_eq!(resp.status(), 404);
    let body: serde_json::Value = test::read_body_json(resp).await;
    assert_eq!(body["error"]["code"], "NOT_FOUND");
}

#[actix_web::test]
async fn readiness_fails_when_the_database_is_gone() {
    let db = TestDb::new().await;
    let app = test::init_service(build_app(state(&db))).await;
    db.pool.close();
    let resp = test::call_service(&app, test::TestRequest::get().uri("/readyz").to_request()).await;
    assert_eq!(resp.status(), 503);
}
