//! The auth rules: sign-up, login, refresh-token rotation with reuse detection, logout, API keys, and turning a
//! bearer token into a [`Principal`].

use crate::api_keys::ApiKeyService;
use crate::password::{check_password_rules, hash_password, verify_password};
use crate::principal::{Principal, Subject};
use crate::tokens::{TokenKind, TokenSigner, token_hash};
use chrono::Utc;
use serde::Serialize;
use serde_json::json;
use std::time::Duration;
use twenty_domain::catalogue::standard_objects;
use twenty_domain::error::{DomainError, DomainResult, Problems};
use twenty_domain::identity::{NewAccount, RefreshTokenRecord, User, Workspace};
use twenty_domain::metadata::WorkspaceMetadata;
use twenty_domain::ports::IdentityStore;
use twenty_domain::value::{check_text, is_valid_email};
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct AuthSettings {
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    pub bcrypt_cost: u32,
    pub sign_up_disabled: bool,
}

/// The token pair of a login or refresh.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Tokens {
    pub access_token: String,
    pub refresh_token: String,
    /// Access-token lifetime in seconds.
    pub expires_in: u64,
}

#[derive(Debug, Clone, Default)]
pub struct SignUp {
    pub email: String,
    pub password: String,
    pub workspace_name: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
}

/// What [`AuthService::set_password`] changed.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PasswordSet {
    pub user_id: Uuid,
    /// The user's refresh tokens that were live and are now revoked.
    pub revoked_refresh_tokens: u64,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignedUp {
    #[serde(flatten)]
    pub tokens: Tokens,
    pub workspace_id: Uuid,
    pub user_id: Uuid,
}

fn invalid_credentials() -> DomainError {
    DomainError::Unauthorized("Invalid email or password".into())
}

fn invalid_token() -> DomainError {
    DomainError::Unauthorized("Invalid or expired token".into())
}

pub struct AuthService<S> {
    store: S,
    signer: TokenSigner,
    settings: AuthSettings,
}

impl<S: IdentityStore> AuthService<S> {
    pub fn new(store: S, signer: TokenSigner, settings: AuthSettings) -> Self {
        AuthService {
            store,
            signer,
            settings,
        }
    }

    pub fn settings(&self) -> &AuthSettings {
        &self.settings
    }

    /// Creates workspace, admin user and its `workspaceMember` record, and logs the user in.
    pub async fn sign_up(&self, input: SignUp) -> DomainResult<SignedUp> {
        if self.settings.sign_up_disabled {
            return Err(DomainError::Forbidden("Sign-up is disabled on this server".into()));
        }
        self.create_workspace_with_admin(input).await
    }

    /// Sign-up without the `SIGN_UP_DISABLED` check (the `workspace create` command).
    pub async fn create_workspace_with_admin(&self, input: SignUp) -> DomainResult<SignedUp> {
        let email = input.email.trim().to_string();
        let mut problems = Problems::new();
        if !is_valid_email(&email) {
            problems.push("email", "must be a valid email address");
        }
        if let Err(msg) = check_password_rules(&input.password) {
            problems.push("password", msg);
        }
        let workspace_name = input
            .workspace_name
            .as_deref()
            .map(str::trim)
            .unwrap_or("My Workspace")
            .to_string();
        if workspace_name.is_empty() {
            problems.push("workspaceName", "must not be empty");
        }
        check_text("workspaceName", &workspace_name, 100, &mut problems);
        for (field, value) in [("firstName", &input.first_name), ("lastName", &input.last_name)] {
            check_text(field, value.as_deref().unwrap_or_default(), 100, &mut problems);
        }
        problems.finish(())?;
        let password_hash = hash_password(input.password, self.settings.bcrypt_cost).await?;
        let workspace = standard_objects().build(Uuid::new_v4(), Utc::now())?;
        let user = User {
            id: Uuid::new_v4(),
            email,
            password_hash,
            first_name: input.first_name.unwrap_or_default(),
            last_name: input.last_name.unwrap_or_default(),
        };
        let member_id = Uuid::new_v4();
        let account = NewAccount {
            member_record: member_record(&user, member_id),
            member_id,
            workspace_name,
            workspace,
            user,
        };
        self.store.create_account(&account).await?;
        let tokens = self
            .issue(account.workspace.workspace_id, account.user.id, None)
            .await?;
        Ok(SignedUp {
            tokens,
            workspace_id: account.workspace.workspace_id,
            user_id: account.user.id,
        })
    }

    /// The same `UNAUTHORIZED` for an unknown e-mail, a wrong password and a workspace the user is not in.
    pub async fn login(&self, email: &str, password: &str, workspace_id: Option<Uuid>) -> DomainResult<Tokens> {
        // Not an address any account can have (and NUL cannot even be queried): the same answer as a wrong one.
        if !is_valid_email(email.trim()) {
            let _ = verify_password(password.to_string(), None).await;
            return Err(invalid_credentials());
        }
        let user = self.store.find_user_by_email(email.trim()).await?;
        let hash = user.as_ref().map(|u| u.password_hash.clone());
        if !verify_password(password.to_string(), hash).await {
            return Err(invalid_credentials());
        }
        let user = user.ok_or_else(invalid_credentials)?;
        let memberships = self.store.memberships(user.id).await?;
        let membership = match workspace_id {
            Some(ws) => memberships.iter().find(|m| m.workspace_id == ws),
            None => memberships.first(),
        }
        .ok_or_else(invalid_credentials)?;
        self.issue(membership.workspace_id, user.id, None).await
    }

    /// Rotates a refresh token. A token that was already rotated is a sign of theft: every refresh token of the
    /// user is revoked, the new one included.
    pub async fn refresh(&self, refresh_token: &str) -> DomainResult<Tokens> {
        let record = self.live_refresh_record(refresh_token).await?;
        self.ensure_member(record.workspace_id, record.user_id).await?;
        let family = record.family_id;
        let new_id = Uuid::new_v4();
        let (tokens, new_record) = self.token_pair(record.workspace_id, record.user_id, new_id, family)?;
        if !self.store.rotate_refresh_token(record.id, &new_record).await? {
            // Lost a race with another use of the same token: treat as reuse.
            self.store.revoke_user_refresh_tokens(record.user_id).await?;
            return Err(invalid_token());
        }
        Ok(tokens)
    }

    pub async fn logout(&self, refresh_token: &str) -> DomainResult<()> {
        let record = self.live_refresh_record(refresh_token).await?;
        if self.store.revoke_refresh_token(record.id).await? {
            Ok(())
        } else {
            Err(invalid_token())
        }
    }

    /// A user's token speaks for them only while they belong to its workspace: a deleted user, or one removed
    /// from the workspace, is `UNAUTHORIZED` at once (the memberships come from the store's cache).
    async fn ensure_member(&self, workspace_id: Uuid, user_id: Uuid) -> DomainResult<()> {
        let memberships = self.store.memberships(user_id).await?;
        if memberships.iter().any(|m| m.workspace_id == workspace_id) {
            Ok(())
        } else {
            Err(invalid_token())
        }
    }

    /// The stored record of a refresh token that may still be used; detects reuse of rotated tokens.
    async fn live_refresh_record(&self, token: &str) -> DomainResult<RefreshTokenRecord> {
        let verified = self.signer.verify(token)?;
        let id = match (verified.kind, verified.jwt_id) {
            (TokenKind::Refresh, Some(id)) => id,
            _ => return Err(invalid_token()),
        };
        let record = self.store.find_refresh_token(id).await?.ok_or_else(invalid_token)?;
        if record.token_hash != token_hash(token) || record.user_id != verified.subject {
            return Err(invalid_token());
        }
        if record.revoked_at.is_some() {
            if record.replaced_by.is_some() {
                tracing::warn!(user_id = %record.user_id, "rotated refresh token presented again; revoking the user's refresh tokens");
                self.store.revoke_user_refresh_tokens(record.user_id).await?;
            }
            return Err(invalid_token());
        }
        if record.expires_at <= Utc::now() {
            return Err(invalid_token());
        }
        Ok(record)
    }

    /// A new login: access token and the first refresh token of a new family.
    async fn issue(&self, workspace_id: Uuid, user_id: Uuid, family: Option<Uuid>) -> DomainResult<Tokens> {
        let id = Uuid::new_v4();
        let (tokens, record) = self.token_pair(workspace_id, user_id, id, family.unwrap_or(id))?;
        self.store.insert_refresh_token(&record).await?;
        Ok(tokens)
    }

    fn token_pair(
        &self,
        workspace_id: Uuid,
        user_id: Uuid,
        refresh_id: Uuid,
        family_id: Uuid,
    ) -> DomainResult<(Tokens, RefreshTokenRecord)> {
        let access_ttl = self.settings.access_token_ttl.as_secs();
        let refresh_ttl = self.settings.refresh_token_ttl.as_secs();
        let access_token = self.signer.access_token(workspace_id, user_id, access_ttl)?;
        let refresh_token = self
            .signer
            .refresh_token(workspace_id, user_id, refresh_id, refresh_ttl)?;
        let record = RefreshTokenRecord {
            id: refresh_id,
            user_id,
            workspace_id,
            family_id,
            token_hash: token_hash(&refresh_token),
            expires_at: Utc::now() + chrono::Duration::seconds(refresh_ttl as i64),
            revoked_at: None,
            replaced_by: None,
        };
        Ok((
            Tokens {
                access_token,
                refresh_token,
                expires_in: access_ttl,
            },
            record,
        ))
    }

    /// A bearer token → the principal it speaks for. API keys are checked against their row on every request, so
    /// revocation and expiry take effect at once. Refresh tokens are not bearer tokens.
    pub async fn authenticate(&self, bearer: &str) -> DomainResult<Principal> {
        let verified = self.signer.verify(bearer)?;
        match verified.kind {
            TokenKind::Access => {
                self.ensure_member(verified.workspace_id, verified.subject).await?;
                Ok(Principal {
                    workspace_id: verified.workspace_id,
                    subject: Subject::User {
                        user_id: verified.subject,
                    },
                })
            }
            TokenKind::ApiKey => {
                let key_id = verified.jwt_id.ok_or_else(invalid_token)?;
                let key = self
                    .store
                    .find_api_key(verified.workspace_id, key_id)
                    .await?
                    .ok_or_else(invalid_token)?;
                if !key.is_active(Utc::now()) {
                    return Err(invalid_token());
                }
                Ok(Principal {
                    workspace_id: key.workspace_id,
                    subject: Subject::ApiKey { api_key_id: key.id },
                })
            }
            TokenKind::Refresh => Err(invalid_token()),
        }
    }

    /// The workspace a principal belongs to (its name and times); `NOT_FOUND` when it no longer exists.
    pub async fn workspace(&self, principal: &Principal) -> DomainResult<Workspace> {
        self.store
            .find_workspace(principal.workspace_id)
            .await?
            .ok_or_else(|| DomainError::not_found("workspace"))
    }

    /// Every workspace on this server, oldest first (the CLI's `workspace list`).
    pub async fn workspaces(&self) -> DomainResult<Vec<Workspace>> {
        self.store.list_workspaces().await
    }

    /// Sets a user's password (the CLI's `user set-password`), under sign-up's password rules. Every refresh
    /// token of the user is revoked, so no session outlives the change beyond its current access token (access
    /// tokens are stateless: they run out within `ACCESS_TOKEN_TTL_SECS`). `NOT_FOUND` for an unknown e-mail.
    pub async fn set_password(&self, email: &str, password: &str) -> DomainResult<PasswordSet> {
        let mut problems = Problems::new();
        if let Err(msg) = check_password_rules(password) {
            problems.push("password", msg);
        }
        problems.finish(())?;
        let user = match is_valid_email(email.trim()) {
            true => self.store.find_user_by_email(email.trim()).await?,
            false => None,
        }
        .ok_or_else(|| DomainError::not_found(format!("user {}", email.trim())))?;
        let hash = hash_password(password.to_string(), self.settings.bcrypt_cost).await?;
        if !self.store.set_password_hash(user.id, &hash).await? {
            return Err(DomainError::not_found(format!("user {}", email.trim())));
        }
        let revoked_refresh_tokens = self.store.revoke_user_refresh_tokens(user.id).await?;
        Ok(PasswordSet {
            user_id: user.id,
            revoked_refresh_tokens,
        })
    }

    /// The API keys of workspaces: create, list, revoke, delete.
    pub fn api_keys(&self) -> ApiKeyService<'_, S> {
        ApiKeyService::new(&self.store, &self.signer)
    }

    /// Adds an admin to an existing workspace (CLI); the workspace's metadata is needed for its member record.
    pub async fn add_admin(&self, workspace: &WorkspaceMetadata, email: &str, password: &str) -> DomainResult<Uuid> {
        let mut problems = Problems::new();
        if !is_valid_email(email.trim()) {
            problems.push("email", "must be a valid email address");
        }
        if let Err(msg) = check_password_rules(password) {
            problems.push("password", msg);
        }
        problems.finish(())?;
        let user = User {
            id: Uuid::new_v4(),
            email: email.trim().to_string(),
            password_hash: hash_password(password.to_string(), self.settings.bcrypt_cost).await?,
            first_name: String::new(),
            last_name: String::new(),
        };
        let member_id = Uuid::new_v4();
        self.store
            .add_admin(workspace, &user, &member_record(&user, member_id), member_id)
            .await?;
        Ok(user.id)
    }

    pub fn store(&self) -> &S {
        &self.store
    }
}

/// The admin's `workspaceMember` record.
fn member_record(user: &User, member_id: Uuid) -> serde_json::Value {
    json!({
        "id": member_id,
        "name": {"firstName": user.first_name, "lastName": user.last_name},
        "userEmail": user.email,
        "userId": user.id,
        "locale": "en",
        "colorScheme": "System",
    })
}
