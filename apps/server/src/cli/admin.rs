//! The admin's commands over accounts and credentials: `api-key list`, `api-key revoke`, `user set-password`,
//! `workspace list`. Each calls one `twenty-auth` service method, as the APIs do.

use super::describe;
use crate::AppState;
use anyhow::Context;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::json;
use std::io::BufRead;
use uuid::Uuid;

fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// One JSON line per key of the workspace: id, name, expiresAt, revoked (and when), createdAt. Never a token (it
/// is not stored).
pub async fn list_api_keys(state: &AppState, workspace: Uuid) -> anyhow::Result<()> {
    workspace_metadata(state, workspace).await?;
    let keys = state.auth.api_keys().list(workspace).await.map_err(describe)?;
    for key in keys {
        println!(
            "{}",
            json!({
                "id": key.id,
                "name": key.name,
                "expiresAt": key.expires_at.map(timestamp),
                "revoked": key.revoked_at.is_some(),
                "revokedAt": key.revoked_at.map(timestamp),
                "createdAt": timestamp(key.created_at),
            })
        );
    }
    Ok(())
}

/// Revokes a key; servers on the same database refuse it from their next request (the revocation notifies them
/// through `LISTEN/NOTIFY`, or they read the key's row when notifications are down).
pub async fn revoke_api_key(state: &AppState, workspace: Uuid, id: Uuid) -> anyhow::Result<()> {
    workspace_metadata(state, workspace).await?;
    let key = state.auth.api_keys().revoke(workspace, id).await.map_err(|e| match e {
        twenty_domain::DomainError::NotFound { .. } => {
            anyhow::anyhow!("no API key {id} in workspace {workspace}")
        }
        other => describe(other),
    })?;
    println!(
        "{}",
        json!({"id": key.id, "name": key.name, "revokedAt": key.revoked_at.map(timestamp)})
    );
    Ok(())
}

/// Reads the new password from stdin (its first line, without the line break: typed at a terminal, it ends
/// with Enter) and sets it.
pub async fn set_password(state: &AppState, email: &str) -> anyhow::Result<()> {
    let mut input = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut input)
        .context("reading the password from stdin")?;
    let password = input.trim_end_matches(['\n', '\r']);
    if password.is_empty() {
        anyhow::bail!("no password on stdin (give it as the first line of the input)");
    }
    let set = state.auth.set_password(email, password).await.map_err(describe)?;
    println!("{}", json!(set));
    Ok(())
}

/// One JSON line per workspace: id, displayName, createdAt.
pub async fn list_workspaces(state: &AppState) -> anyhow::Result<()> {
    for workspace in state.auth.workspaces().await.map_err(describe)? {
        println!(
            "{}",
            json!({
                "id": workspace.id,
                "displayName": workspace.display_name,
                "createdAt": timestamp(workspace.created_at),
            })
        );
    }
    Ok(())
}

/// The current metadata of a workspace; an id that names no workspace is one clear line, not an empty answer.
pub async fn workspace_metadata(
    state: &AppState,
    workspace: Uuid,
) -> anyhow::Result<std::sync::Arc<twenty_domain::metadata::WorkspaceMetadata>> {
    match state.data_model.current(workspace).await {
        Ok(meta) => Ok(meta),
        Err(twenty_domain::DomainError::NotFound { .. }) => anyhow::bail!("no workspace {workspace}"),
        Err(other) => Err(describe(other)),
    }
}
