//! Webhook subscriptions in `core.webhook`, always scoped by workspace.

use crate::error::to_domain;
use crate::schema::webhook;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use twenty_domain::error::DomainResult;
use twenty_domain::metadata::WorkspaceId;
use twenty_domain::webhook::Webhook;
use uuid::Uuid;

#[derive(Insertable, Queryable, Selectable, AsChangeset)]
#[diesel(table_name = webhook)]
struct WebhookRow {
    id: Uuid,
    workspace_id: Uuid,
    target_url: String,
    operation: String,
    description: Option<String>,
    secret: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<&Webhook> for WebhookRow {
    fn from(w: &Webhook) -> Self {
        WebhookRow {
            id: w.id,
            workspace_id: w.workspace_id,
            target_url: w.target_url.clone(),
            operation: w.operation.clone(),
            description: w.description.clone(),
            secret: w.secret.clone(),
            created_at: w.created_at,
            updated_at: w.updated_at,
        }
    }
}

impl From<WebhookRow> for Webhook {
    fn from(r: WebhookRow) -> Self {
        Webhook {
            id: r.id,
            workspace_id: r.workspace_id,
            target_url: r.target_url,
            operation: r.operation,
            description: r.description,
            secret: r.secret,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

pub async fn create(conn: &mut AsyncPgConnection, hook: &Webhook) -> DomainResult<()> {
    diesel::insert_into(webhook::table)
        .values(WebhookRow::from(hook))
        .execute(conn)
        .await
        .map_err(to_domain)?;
    Ok(())
}

pub async fn list(conn: &mut AsyncPgConnection, ws: WorkspaceId) -> DomainResult<Vec<Webhook>> {
    let rows: Vec<WebhookRow> = webhook::table
        .filter(webhook::workspace_id.eq(ws))
        .order((webhook::created_at, webhook::id))
        .select(WebhookRow::as_select())
        .load(conn)
        .await
        .map_err(to_domain)?;
    Ok(rows.into_iter().map(Webhook::from).collect())
}

pub async fn find(conn: &mut AsyncPgConnection, ws: WorkspaceId, id: Uuid) -> DomainResult<Option<Webhook>> {
    webhook::table
        .find(id)
        .filter(webhook::workspace_id.eq(ws))
        .select(WebhookRow::as_select())
        .first(conn)
        .await
        .optional()
        .map(|r| r.map(Webhook::from))
        .map_err(to_domain)
}

pub async fn update(conn: &mut AsyncPgConnection, hook: &Webhook) -> DomainResult<bool> {
    let changed = diesel::update(
        webhook::table
            .find(hook.id)
            .filter(webhook::workspace_id.eq(hook.workspace_id)),
    )
    .set(WebhookRow::from(hook))
    .execute(conn)
    .await
    .map_err(to_domain)?;
    Ok(changed > 0)
}

pub async fn delete(conn: &mut AsyncPgConnection, ws: WorkspaceId, id: Uuid) -> DomainResult<bool> {
    let deleted = diesel::delete(webhook::table.find(id).filter(webhook::workspace_id.eq(ws)))
        .execute(conn)
        .await
        .map_err(to_domain)?;
    Ok(deleted > 0)
}
