//! API keys of a workspace: creating one (its token is shown once and never stored), listing, revoking and
//! deleting them. Reached through [`crate::AuthService::api_keys`], which lends it the store and the signer.

use crate::tokens::{LATEST_EXPIRY, TokenSigner, expiry_second};
use chrono::{DateTime, SecondsFormat, Utc};
use twenty_domain::error::{DomainError, DomainResult, Problems};
use twenty_domain::identity::ApiKey;
use twenty_domain::metadata::WorkspaceId;
use twenty_domain::ports::IdentityStore;
use twenty_domain::value::check_text;
use uuid::Uuid;

/// The API-key operations of the metadata API and the CLI.
pub struct ApiKeyService<'a, S> {
    store: &'a S,
    signer: &'a TokenSigner,
}

fn key_not_found() -> DomainError {
    DomainError::not_found("API key")
}

impl<'a, S: IdentityStore> ApiKeyService<'a, S> {
    pub fn new(store: &'a S, signer: &'a TokenSigner) -> Self {
        ApiKeyService { store, signer }
    }

    /// Creates an API key; the token is returned once and never stored.
    pub async fn create(
        &self,
        workspace_id: WorkspaceId,
        name: &str,
        expires_at: Option<DateTime<Utc>>,
    ) -> DomainResult<(ApiKey, String)> {
        let name = name.trim();
        let now = Utc::now();
        let mut problems = Problems::new();
        if name.is_empty() {
            problems.push("name", "must not be empty");
        }
        check_text("name", name, 100, &mut problems);
        // Stored as its token carries it: to the second.
        let expires_at = expires_at.map(expiry_second);
        if expires_at.is_some_and(|e| e <= now) {
            problems.push("expiresAt", "must be in the future");
        }
        if expires_at.is_some_and(|e| e > LATEST_EXPIRY) {
            problems.push(
                "expiresAt",
                format!(
                    "must be at most {}",
                    LATEST_EXPIRY.to_rfc3339_opts(SecondsFormat::Secs, true)
                ),
            );
        }
        problems.finish(())?;
        if !self.store.workspace_exists(workspace_id).await? {
            return Err(DomainError::not_found("workspace"));
        }
        let key = ApiKey {
            id: Uuid::new_v4(),
            workspace_id,
            name: name.to_string(),
            expires_at,
            revoked_at: None,
            created_at: now,
            updated_at: now,
        };
        let token = self.signer.api_key_token(workspace_id, key.id, expires_at)?;
        self.store.create_api_key(&key).await?;
        Ok((key, token))
    }

    /// The workspace's keys (never their tokens).
    pub async fn list(&self, workspace_id: WorkspaceId) -> DomainResult<Vec<ApiKey>> {
        self.store.list_api_keys(workspace_id).await
    }

    /// Revokes a key of the workspace (a revoked key stays revoked at its first revocation time).
    pub async fn revoke(&self, workspace_id: WorkspaceId, id: Uuid) -> DomainResult<ApiKey> {
        self.store
            .revoke_api_key(workspace_id, id)
            .await?
            .ok_or_else(key_not_found)
    }

    /// Deletes a key of the workspace, which revokes it; returns the key as it was.
    pub async fn delete(&self, workspace_id: WorkspaceId, id: Uuid) -> DomainResult<ApiKey> {
        let key = self
            .store
            .find_api_key(workspace_id, id)
            .await?
            .ok_or_else(key_not_found)?;
        self.store.delete_api_key(workspace_id, id).await?;
        Ok(key)
    }
}
