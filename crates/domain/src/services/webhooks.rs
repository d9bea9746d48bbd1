//! [`WebhookService`]: creating, listing, changing and deleting a workspace's webhook subscriptions, and listing
//! their deliveries, with the subscription rules of [`crate::webhook`].

use crate::error::{DomainError, DomainResult, Problems};
use crate::metadata::WorkspaceId;
use crate::ports::WebhookStore;
use crate::webhook::{Delivery, Webhook, check_target_url, is_valid_operation};
use chrono::Utc;
use uuid::Uuid;

/// A subscription's fields as a create or update gives them (`None`: not given).
pub struct WebhookInput {
    pub target_url: Option<String>,
    pub operation: Option<String>,
    pub description: Option<Option<String>>,
    pub secret: Option<String>,
}

pub struct WebhookService<S> {
    store: S,
    allow_private: bool,
}

impl<S: WebhookStore> WebhookService<S> {
    pub fn new(store: S, allow_private: bool) -> Self {
        WebhookService { store, allow_private }
    }

    fn check(&self, input: &WebhookInput, problems: &mut Problems) {
        if let Some(url) = &input.target_url {
            check_target_url(url, self.allow_private, problems);
            crate::value::check_text("targetUrl", url, 2000, problems);
        }
        if let Some(Some(description)) = &input.description {
            crate::value::check_text("description", description, 2000, problems);
        }
        if let Some(secret) = &input.secret {
            crate::value::check_text("secret", secret, 256, problems);
        }
        if let Some(operation) = &input.operation
            && !is_valid_operation(operation)
        {
            problems.push(
                "operation",
                "must be create, update, delete, destroy, restore, * or a pattern such as company.created",
            );
        }
        if input.secret.as_ref().is_some_and(|s| s.len() < 8 || s.len() > 256) {
            problems.push("secret", "must be 8 to 256 characters");
        }
    }

    pub async fn create(&self, workspace_id: WorkspaceId, input: WebhookInput) -> DomainResult<Webhook> {
        let mut problems = Problems::new();
        if input.target_url.is_none() {
            problems.push("targetUrl", "is required");
        }
        if input.operation.is_none() {
            problems.push("operation", "is required");
        }
        self.check(&input, &mut problems);
        problems.finish(())?;
        let now = Utc::now();
        let webhook = Webhook {
            id: Uuid::new_v4(),
            workspace_id,
            target_url: input.target_url.unwrap_or_default(),
            operation: input.operation.unwrap_or_default(),
            description: input.description.flatten(),
            secret: input
                .secret
                .unwrap_or_else(|| format!("{}{}", Uuid::new_v4().simple(), Uuid::new_v4().simple())),
            created_at: now,
            updated_at: now,
        };
        self.store.create_webhook(&webhook).await?;
        Ok(webhook)
    }

    pub async fn list(&self, workspace_id: WorkspaceId) -> DomainResult<Vec<Webhook>> {
        self.store.list_webhooks(workspace_id).await
    }

    /// Delivery attempts of one webhook of the workspace, newest first.
    pub async fn deliveries(&self, workspace_id: WorkspaceId, webhook_id: Uuid) -> DomainResult<Vec<Delivery>> {
        self.store.list_deliveries(workspace_id, webhook_id).await
    }

    pub async fn update(&self, workspace_id: WorkspaceId, id: Uuid, input: WebhookInput) -> DomainResult<Webhook> {
        let mut problems = Problems::new();
        self.check(&input, &mut problems);
        problems.finish(())?;
        let mut webhook = self
            .store
            .find_webhook(workspace_id, id)
            .await?
            .ok_or_else(|| DomainError::not_found("webhook"))?;
        if let Some(url) = input.target_url {
            webhook.target_url = url;
        }
        if let Some(operation) = input.operation {
            webhook.operation = operation;
        }
        if let Some(description) = input.description {
            webhook.description = description;
        }
        if let Some(secret) = input.secret {
            webhook.secret = secret;
        }
        webhook.updated_at = Utc::now();
        if !self.store.update_webhook(&webhook).await? {
            return Err(DomainError::not_found("webhook"));
        }
        Ok(webhook)
    }

    pub async fn delete(&self, workspace_id: WorkspaceId, id: Uuid) -> DomainResult<Webhook> {
        let webhook = self
            .store
            .find_webhook(workspace_id, id)
            .await?
            .ok_or_else(|| DomainError::not_found("webhook"))?;
        self.store.delete_webhook(workspace_id, id).await?;
        Ok(webhook)
    }
}
