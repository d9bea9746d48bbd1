//! Change notifications in one process: what is changed in the database behind the app's back — a revoked API
//! key — is seen within a second through `LISTEN/NOTIFY`; without its listening connection the app checks the
//! database on every request instead.

use crate::support::app::time_until;
use crate::support::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use serde_json::json;
use std::time::Duration;

/// An app serving from memory, and the id and token of an API key of its workspace.
async fn listening_app_with_key() -> (TestApp, String, String) {
    let app = TestApp::new()
        .await
        .with_workspace()
        .await
        .with_api_key()
        .await
        .listening()
        .await;
    let (id, token) = (app.api_key_id.clone(), app.token.clone());
    (app, id, token)
}

async fn read_status(app: &TestApp, token: &str) -> u16 {
    app.document("/graphql", token, "{ companies { totalCount } }", json!({}))
        .await
        .status
}

/// `twenty_change_notifications_live` of the app's `/metrics`.
async fn live(app: &TestApp) -> bool {
    let body = app.get("/metrics", None).await.body;
    let value = body
        .lines()
        .find_map(|l| l.strip_prefix("twenty_change_notifications_live"))
        .unwrap_or_else(|| panic!("no twenty_change_notifications_live in {body}"));
    value.trim() == "1"
}

async fn sql(conn: &mut AsyncPgConnection, statement: &str) {
    conn.batch_execute(statement).await.unwrap();
}

fn revoke(key_id: &str) -> String {
    format!("UPDATE core.api_key SET revoked_at = now() WHERE id = '{key_id}'")
}

#[actix_web::test]
async fn a_key_revoked_in_the_database_directly_is_refused_within_a_second() {
    let (app, key_id, key) = listening_app_with_key().await;
    assert_eq!(read_status(&app, &key).await, 200);
    let mut conn = app.db.connection().await;
    sql(&mut conn, &revoke(&key_id)).await;
    let took = time_until(Duration::from_secs(5), async || read_status(&app, &key).await == 401).await;
    assert!(took < Duration::from_secs(1), "refused after {took:?}");
}

#[actix_web::test]
async fn without_its_listening_connection_the_app_checks_the_database_on_every_request() {
    let (app, key_id, key) = listening_app_with_key().await;
    assert_eq!(read_status(&app, &key).await, 200, "the key is now held in memory");
    let mut conn = app.db.connection().await;
    // A database cannot refuse connections while the session saying so is connected to it.
    let mut admin = AsyncPgConnection::establish(&test_support::with_database(&app.db.url, "postgres"))
        .await
        .unwrap();
    let database = &app.db.name;
    // Cut the listening connection and keep it from coming back: the pool's open connections stay usable.
    sql(
        &mut admin,
        &format!("ALTER DATABASE \"{database}\" ALLOW_CONNECTIONS false"),
    )
    .await;
    // Only this test's app: other tests listen on the same cluster.
    sql(
        &mut admin,
        &format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE application_name = 'twenty-change-feed' AND datname = '{database}'"
        ),
    )
    .await;
    time_until(Duration::from_secs(5), async || !live(&app).await).await;
    sql(&mut conn, &revoke(&key_id)).await;
    assert_eq!(
        read_status(&app, &key).await,
        401,
        "checked against its row on the very next request"
    );
    // Once the connection is back the app serves from (emptied) memory again.
    sql(
        &mut admin,
        &format!("ALTER DATABASE \"{database}\" ALLOW_CONNECTIONS true"),
    )
    .await;
    time_until(Duration::from_secs(5), async || live(&app).await).await;
    assert_eq!(read_status(&app, &key).await, 401);
}
