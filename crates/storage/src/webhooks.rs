//! Webhook subscriptions in `core.webhook`, always scoped by workspace ([`WebhookStore`] over PostgreSQL), and
//! their delivery.

use crate::error::to_domain;
use crate::schema::{event_outbox, webhook, webhook_delivery};
use crate::store::PgStore;
use crate::transaction::tx;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use twenty_domain::error::{DomainError, DomainResult};
use twenty_domain::metadata::WorkspaceId;
use twenty_domain::ports::WebhookStore;
use twenty_domain::webhook::{
    AttemptOutcome, Delivery, DeliveryStatus, DueDelivery, OutboxEvent, Webhook, operation_matches,
};
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

#[derive(Queryable, Selectable)]
#[diesel(table_name = webhook_delivery)]
struct DeliveryRow {
    id: Uuid,
    webhook_id: Uuid,
    event_id: Uuid,
    event: String,
    status: String,
    attempt: i32,
    http_status: Option<i32>,
    error: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<DeliveryRow> for Delivery {
    type Error = DomainError;
    fn try_from(r: DeliveryRow) -> Result<Self, DomainError> {
        let status = DeliveryStatus::from_name(&r.status)
            .ok_or_else(|| DomainError::internal(format!("unknown delivery status `{}`", r.status)))?;
        Ok(Delivery {
            id: r.id,
            webhook_id: r.webhook_id,
            event_id: r.event_id,
            event: r.event,
            status,
            attempt: r.attempt.max(0) as u32,
            http_status: r.http_status.and_then(|s| u16::try_from(s).ok()),
            error: r.error,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

impl WebhookStore for PgStore {
    async fn create_webhook(&self, hook: &Webhook) -> DomainResult<()> {
        diesel::insert_into(webhook::table)
            .values(WebhookRow::from(hook))
            .execute(&mut self.conn().await?)
            .await
            .map_err(to_domain)?;
        Ok(())
    }

    async fn list_webhooks(&self, workspace_id: WorkspaceId) -> DomainResult<Vec<Webhook>> {
        let rows: Vec<WebhookRow> = webhook::table
            .filter(webhook::workspace_id.eq(workspace_id))
            .order((webhook::created_at, webhook::id))
            .select(WebhookRow::as_select())
            .load(&mut self.conn().await?)
            .await
            .map_err(to_domain)?;
        Ok(rows.into_iter().map(Webhook::from).collect())
    }

    async fn find_webhook(&self, workspace_id: WorkspaceId, id: Uuid) -> DomainResult<Option<Webhook>> {
        webhook::table
            .find(id)
            .filter(webhook::workspace_id.eq(workspace_id))
            .select(WebhookRow::as_select())
            .first(&mut self.conn().await?)
            .await
            .optional()
            .map(|r| r.map(Webhook::from))
            .map_err(to_domain)
    }

    async fn update_webhook(&self, hook: &Webhook) -> DomainResult<bool> {
        let changed = diesel::update(
            webhook::table
                .find(hook.id)
                .filter(webhook::workspace_id.eq(hook.workspace_id)),
        )
        .set(WebhookRow::from(hook))
        .execute(&mut self.conn().await?)
        .await
        .map_err(to_domain)?;
        Ok(changed > 0)
    }

    async fn delete_webhook(&self, workspace_id: WorkspaceId, id: Uuid) -> DomainResult<bool> {
        let deleted = diesel::delete(webhook::table.find(id).filter(webhook::workspace_id.eq(workspace_id)))
            .execute(&mut self.conn().await?)
            .await
            .map_err(to_domain)?;
        Ok(deleted > 0)
    }

    async fn list_deliveries(&self, workspace_id: WorkspaceId, webhook_id: Uuid) -> DomainResult<Vec<Delivery>> {
        let rows: Vec<DeliveryRow> = webhook_delivery::table
            .filter(webhook_delivery::workspace_id.eq(workspace_id))
            .filter(webhook_delivery::webhook_id.eq(webhook_id))
            .order(webhook_delivery::created_at.desc())
            .limit(1000)
            .select(DeliveryRow::as_select())
            .load(&mut self.conn().await?)
            .await
            .map_err(to_domain)?;
        rows.into_iter().map(Delivery::try_from).collect()
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Delivery: the outbox is fanned out into one delivery row per matching webhook, then due deliveries are claimed
// (`FOR UPDATE SKIP LOCKED`, so several server processes share the work) and their results recorded.

#[derive(Queryable, Selectable)]
#[diesel(table_name = event_outbox)]
struct OutboxRow {
    id: Uuid,
    workspace_id: Uuid,
    event: String,
    object_name: String,
    record_id: Uuid,
    payload: serde_json::Value,
    updated_fields: Option<Vec<String>>,
    created_at: DateTime<Utc>,
}

impl From<OutboxRow> for OutboxEvent {
    fn from(r: OutboxRow) -> Self {
        OutboxEvent {
            id: r.id,
            workspace_id: r.workspace_id,
            event: r.event,
            object_name: r.object_name,
            record_id: r.record_id,
            payload: r.payload,
            updated_fields: r.updated_fields,
            created_at: r.created_at,
        }
    }
}

/// Turns up to `limit` undispatched outbox events into deliveries for the webhooks whose operation matches;
/// returns how many events were dispatched.
pub async fn fan_out(conn: &mut AsyncPgConnection, limit: i64) -> DomainResult<usize> {
    tx(conn, async |conn| {
        let events: Vec<(Uuid, Uuid, String, String)> = event_outbox::table
            .filter(event_outbox::dispatched_at.is_null())
            .order(event_outbox::created_at)
            .limit(limit)
            .select((
                event_outbox::id,
                event_outbox::workspace_id,
                event_outbox::event,
                event_outbox::object_name,
            ))
            .for_update()
            .skip_locked()
            .load(conn)
            .await?;
        if events.is_empty() {
            return Ok(0);
        }
        // A batch is mostly one workspace's events: each workspace is looked up once.
        let mut workspaces: Vec<Uuid> = events.iter().map(|e| e.1).collect();
        workspaces.sort_unstable();
        workspaces.dedup();
        let hooks: Vec<(Uuid, Uuid, String)> = webhook::table
            .filter(webhook::workspace_id.eq_any(&workspaces))
            .select((webhook::id, webhook::workspace_id, webhook::operation))
            .load(conn)
            .await?;
        let mut rows = Vec::new();
        for (event_id, workspace_id, event, object_name) in &events {
            let kind = event.rsplit('.').next().unwrap_or_default();
            for (hook_id, hook_workspace, operation) in &hooks {
                if hook_workspace == workspace_id && operation_matches(operation, object_name, kind) {
                    rows.push((
                        webhook_delivery::workspace_id.eq(*workspace_id),
                        webhook_delivery::webhook_id.eq(*hook_id),
                        webhook_delivery::event_id.eq(*event_id),
                        webhook_delivery::event.eq(event.clone()),
                    ));
                }
            }
        }
        for chunk in rows.chunks(1000) {
            diesel::insert_into(webhook_delivery::table)
                .values(chunk)
                .on_conflict_do_nothing()
                .execute(conn)
                .await?;
        }
        let ids: Vec<Uuid> = events.iter().map(|e| e.0).collect();
        diesel::update(event_outbox::table.filter(event_outbox::id.eq_any(&ids)))
            .set(event_outbox::dispatched_at.eq(diesel::dsl::now))
            .execute(conn)
            .await?;
        Ok(events.len())
    })
    .await
}

/// Claims up to `limit` due deliveries: their attempt counter moves on and they are leased for `lease_secs`, so no
/// other worker takes them while this one delivers.
pub async fn claim_due(
    conn: &mut AsyncPgConnection,
    limit: i64,
    lease_secs: i64,
    skip_webhooks: &[Uuid],
) -> DomainResult<Vec<DueDelivery>> {
    tx(conn, async |conn| {
        let ids: Vec<Uuid> = webhook_delivery::table
            .filter(webhook_delivery::status.eq(DeliveryStatus::Pending.as_str()))
            .filter(webhook_delivery::next_attempt_at.le(diesel::dsl::now))
            .filter(webhook_delivery::webhook_id.ne_all(skip_webhooks))
            .order(webhook_delivery::next_attempt_at)
            .limit(limit)
            .select(webhook_delivery::id)
            .for_update()
            .skip_locked()
            .load(conn)
            .await?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let lease = chrono::Utc::now() + chrono::Duration::seconds(lease_secs);
        diesel::update(webhook_delivery::table.filter(webhook_delivery::id.eq_any(&ids)))
            .set((
                webhook_delivery::attempt.eq(webhook_delivery::attempt + 1),
                webhook_delivery::next_attempt_at.eq(lease),
                webhook_delivery::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)
            .await?;
        let rows: Vec<(Uuid, Uuid, i32, String, String, OutboxRow)> = webhook_delivery::table
            .inner_join(webhook::table.on(webhook::id.eq(webhook_delivery::webhook_id)))
            .inner_join(event_outbox::table.on(event_outbox::id.eq(webhook_delivery::event_id)))
            .filter(webhook_delivery::id.eq_any(&ids))
            .select((
                webhook_delivery::id,
                webhook_delivery::webhook_id,
                webhook_delivery::attempt,
                webhook::target_url,
                webhook::secret,
                OutboxRow::as_select(),
            ))
            .load(conn)
            .await?;
        Ok(rows
            .into_iter()
            .map(
                |(delivery_id, webhook_id, attempt, target_url, secret, event)| DueDelivery {
                    delivery_id,
                    webhook_id,
                    attempt: attempt.max(0) as u32,
                    target_url,
                    secret,
                    event: event.into(),
                },
            )
            .collect())
    })
    .await
}

/// Gives claimed deliveries back unattempted (their target is busy or backing off): their attempt count is
/// restored and they are due again at once, for this process or another.
pub async fn release(conn: &mut AsyncPgConnection, delivery_ids: &[Uuid]) -> DomainResult<()> {
    if delivery_ids.is_empty() {
        return Ok(());
    }
    diesel::update(
        webhook_delivery::table
            .filter(webhook_delivery::id.eq_any(delivery_ids))
            .filter(webhook_delivery::status.eq(DeliveryStatus::Pending.as_str())),
    )
    .set((
        webhook_delivery::attempt.eq(webhook_delivery::attempt - 1),
        webhook_delivery::next_attempt_at.eq(diesel::dsl::now),
        webhook_delivery::updated_at.eq(diesel::dsl::now),
    ))
    .execute(conn)
    .await
    .map_err(to_domain)?;
    Ok(())
}

/// Records an attempt: delivered, retried after `retry_in`, or failed for good when `retry_in` is `None`.
pub async fn record_attempt(
    conn: &mut AsyncPgConnection,
    delivery_id: Uuid,
    outcome: &AttemptOutcome,
    retry_in: Option<std::time::Duration>,
) -> DomainResult<()> {
    let (status, http_status, error) = match outcome {
        AttemptOutcome::Delivered { http_status } => (DeliveryStatus::Succeeded, Some(i32::from(*http_status)), None),
        AttemptOutcome::Failed { http_status, error } => (
            if retry_in.is_some() {
                DeliveryStatus::Pending
            } else {
                DeliveryStatus::Failed
            },
            http_status.map(i32::from),
            Some(error.clone()),
        ),
    };
    let next = chrono::Utc::now() + chrono::Duration::from_std(retry_in.unwrap_or_default()).unwrap_or_default();
    diesel::update(webhook_delivery::table.find(delivery_id))
        .set((
            webhook_delivery::status.eq(status.as_str()),
            webhook_delivery::http_status.eq(http_status),
            webhook_delivery::error.eq(error),
            webhook_delivery::next_attempt_at.eq(next),
            webhook_delivery::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await
        .map_err(to_domain)?;
    Ok(())
}

/// The outbox backlog (`/metrics`): events not yet fanned out to webhooks, and deliveries waiting to be sent or
/// retried. Both are counted on partial indexes of the pending rows.
pub async fn backlog(conn: &mut AsyncPgConnection) -> DomainResult<(u64, u64)> {
    let events: i64 = event_outbox::table
        .filter(event_outbox::dispatched_at.is_null())
        .count()
        .get_result(conn)
        .await
        .map_err(to_domain)?;
    let deliveries: i64 = webhook_delivery::table
        .filter(webhook_delivery::status.eq(DeliveryStatus::Pending.as_str()))
        .count()
        .get_result(conn)
        .await
        .map_err(to_domain)?;
    Ok((events.max(0) as u64, deliveries.max(0) as u64))
}
