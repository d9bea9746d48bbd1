//! Tokens are checked against their subject on every request (contract §10): a user who was deleted, or removed
//! from the workspace, is refused at once, access and refresh tokens alike — also when the change is made in the
//! database behind the server's back, while it serves identities from memory.

use crate::support::app::{time_until, unique_email};
use crate::support::*;
use serde_json::{Value, json};
use std::time::Duration;

/// A listening app (identities served from memory) with one signed-up user whose access token works; then
/// `change`, given the user's id, is run in the database behind the app's back. The app and the sign-up answer.
async fn signed_up_then(change: impl Fn(&str) -> String) -> (TestApp, Value) {
    let app = TestApp::new().await.listening().await;
    let signed_up = app.sign_up(&unique_email("leaver")).await;
    assert_eq!(read_status(&app, &signed_up["accessToken"]).await, 200);
    app.sql(&change(signed_up["userId"].as_str().unwrap())).await;
    (app, signed_up)
}

fn delete_user(user_id: &str) -> String {
    format!("DELETE FROM core.\"user\" WHERE id = '{user_id}'")
}

fn remove_from_workspaces(user_id: &str) -> String {
    format!("DELETE FROM core.workspace_membership WHERE user_id = '{user_id}'")
}

async fn read_status(app: &TestApp, token: &Value) -> u16 {
    let token = token.as_str().unwrap();
    app.document("/graphql", token, "{ companies { totalCount } }", json!({}))
        .await
        .status
}

async fn refresh_status(app: &TestApp, signed_up: &Value) -> u16 {
    app.post("/auth/refresh", &json!({"refreshToken": signed_up["refreshToken"]}))
        .await
        .status
}

/// Waits (the change notification's way) until the access token is refused.
async fn access_refused(app: &TestApp, signed_up: &Value) {
    time_until(Duration::from_secs(5), async || {
        read_status(app, &signed_up["accessToken"]).await == 401
    })
    .await;
}

#[actix_web::test]
async fn the_access_token_of_a_deleted_user_is_refused() {
    let (app, signed_up) = signed_up_then(delete_user).await;
    access_refused(&app, &signed_up).await;
}

#[actix_web::test]
async fn the_access_token_of_a_user_removed_from_the_workspace_is_refused() {
    let (app, signed_up) = signed_up_then(remove_from_workspaces).await;
    access_refused(&app, &signed_up).await;
}

#[actix_web::test]
async fn the_refresh_token_of_a_user_removed_from_the_workspace_no_longer_renews() {
    let (app, signed_up) = signed_up_then(remove_from_workspaces).await;
    time_until(Duration::from_secs(5), async || {
        refresh_status(&app, &signed_up).await == 401
    })
    .await;
}
