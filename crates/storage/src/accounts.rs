//! Users, memberships, refresh tokens and API keys: [`IdentityStore`] over PostgreSQL.

use crate::error::{TxError, to_domain};
use crate::provision;
use crate::records;
use crate::schema::{api_key, refresh_token, user, workspace, workspace_membership};
use crate::store::PgStore;
use crate::transaction::tx;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::Value as Json;
use std::sync::Arc;
use twenty_domain::error::{DomainError, DomainResult, Problems};
use twenty_domain::identity::{ApiKey, Membership, NewAccount, RefreshTokenRecord, User, Workspace};
use twenty_domain::metadata::{WorkspaceId, WorkspaceMetadata};
use twenty_domain::ports::IdentityStore;
use twenty_domain::query::Selection;
use twenty_domain::record::{RecordInput, WriteMode};
use uuid::Uuid;

#[derive(Insertable, Queryable, Selectable)]
#[diesel(table_name = user)]
struct UserRow {
    id: Uuid,
    email: String,
    password_hash: String,
    first_name: String,
    last_name: String,
}

impl From<UserRow> for User {
    fn from(r: UserRow) -> Self {
        User {
            id: r.id,
            email: r.email,
            password_hash: r.password_hash,
            first_name: r.first_name,
            last_name: r.last_name,
        }
    }
}

#[derive(Insertable, Queryable, Selectable)]
#[diesel(table_name = api_key)]
struct ApiKeyRow {
    id: Uuid,
    workspace_id: Uuid,
    name: String,
    expires_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<ApiKeyRow> for ApiKey {
    fn from(r: ApiKeyRow) -> Self {
        ApiKey {
            id: r.id,
            workspace_id: r.workspace_id,
            name: r.name,
            expires_at: r.expires_at,
            revoked_at: r.revoked_at,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Insertable, Queryable, Selectable)]
#[diesel(table_name = refresh_token)]
struct RefreshRow {
    id: Uuid,
    user_id: Uuid,
    workspace_id: Uuid,
    family_id: Uuid,
    token_hash: String,
    expires_at: DateTime<Utc>,
    revoked_at: Option<DateTime<Utc>>,
    replaced_by: Option<Uuid>,
}

impl From<RefreshRow> for RefreshTokenRecord {
    fn from(r: RefreshRow) -> Self {
        RefreshTokenRecord {
            id: r.id,
            user_id: r.user_id,
            workspace_id: r.workspace_id,
            family_id: r.family_id,
            token_hash: r.token_hash,
            expires_at: r.expires_at,
            revoked_at: r.revoked_at,
            replaced_by: r.replaced_by,
        }
    }
}

fn refresh_row(t: &RefreshTokenRecord) -> RefreshRow {
    RefreshRow {
        id: t.id,
        user_id: t.user_id,
        workspace_id: t.workspace_id,
        family_id: t.family_id,
        token_hash: t.token_hash.clone(),
        expires_at: t.expires_at,
        revoked_at: t.revoked_at,
        replaced_by: t.replaced_by,
    }
}

fn email_taken(err: DomainError) -> DomainError {
    match err {
        DomainError::Conflict { .. } => DomainError::Conflict {
            message: "An account with this email already exists".into(),
            details: vec![twenty_domain::FieldError::new("email", "is already in use")],
        },
        other => other,
    }
}

/// Inserts the user, the admin membership and the `workspaceMember` record into an existing workspace.
async fn insert_admin(
    conn: &mut AsyncPgConnection,
    meta: &WorkspaceMetadata,
    new_user: &User,
    member_record: &Json,
    member_id: Uuid,
) -> Result<(), TxError> {
    diesel::insert_into(user::table)
        .values(UserRow {
            id: new_user.id,
            email: new_user.email.clone(),
            password_hash: new_user.password_hash.clone(),
            first_name: new_user.first_name.clone(),
            last_name: new_user.last_name.clone(),
        })
        .execute(conn)
        .await
        .map_err(|e| TxError(email_taken(to_domain(e))))?;
    diesel::insert_into(workspace_membership::table)
        .values((
            workspace_membership::workspace_id.eq(meta.workspace_id),
            workspace_membership::user_id.eq(new_user.id),
            workspace_membership::role.eq("ADMIN"),
            workspace_membership::workspace_member_id.eq(Some(member_id)),
        ))
        .execute(conn)
        .await?;
    let member_object = meta
        .object_by_singular("workspaceMember")
        .ok_or_else(|| DomainError::internal("workspace has no workspaceMember object"))?;
    let mut problems = Problems::new();
    let input = RecordInput::parse(member_object, member_record, WriteMode::Create, "", &mut problems);
    problems.finish(())?;
    records::create(conn, meta, member_object.id, &[input], false, &Selection::new()).await?;
    Ok(())
}

impl IdentityStore for PgStore {
    async fn create_account(&self, account: &NewAccount) -> DomainResult<()> {
        tx(&mut *self.conn().await?, async |conn| {
            provision::create_workspace(conn, &account.workspace, &account.workspace_name).await?;
            insert_admin(
                conn,
                &account.workspace,
                &account.user,
                &account.member_record,
                account.member_id,
            )
            .await
        })
        .await
    }

    async fn add_admin(
        &self,
        workspace: &WorkspaceMetadata,
        user: &User,
        member_record: &Json,
        member_id: Uuid,
    ) -> DomainResult<()> {
        tx(&mut *self.conn().await?, async |conn| {
            insert_admin(conn, workspace, user, member_record, member_id).await
        })
        .await
    }

    async fn set_password_hash(&self, user_id: Uuid, password_hash: &str) -> DomainResult<bool> {
        let changed = diesel::update(user::table.find(user_id))
            .set((
                user::password_hash.eq(password_hash),
                user::updated_at.eq(diesel::dsl::now),
            ))
            .execute(&mut self.conn().await?)
            .await
            .map_err(to_domain)?;
        Ok(changed > 0)
    }

    async fn find_user_by_email(&self, email: &str) -> DomainResult<Option<User>> {
        diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);
        user::table
            .filter(lower(user::email).eq(email.to_lowercase()))
            .select(UserRow::as_select())
            .first(&mut self.conn().await?)
            .await
            .optional()
            .map(|r| r.map(User::from))
            .map_err(to_domain)
    }

    async fn memberships(&self, user_id: Uuid) -> DomainResult<Arc<[Membership]>> {
        let caches = self.caches();
        if caches.is_live()
            && let Some(memberships) = caches.memberships.get(&user_id)
        {
            return Ok(memberships);
        }
        let generation = caches.memberships.generation();
        let rows: Vec<(Uuid, Uuid, String, Option<Uuid>)> = workspace_membership::table
            .filter(workspace_membership::user_id.eq(user_id))
            .order(workspace_membership::created_at)
            .select((
                workspace_membership::workspace_id,
                workspace_membership::user_id,
                workspace_membership::role,
                workspace_membership::workspace_member_id,
            ))
            .load(&mut self.conn().await?)
            .await
            .map_err(to_domain)?;
        let memberships: Arc<[Membership]> = rows
            .into_iter()
            .map(|(workspace_id, user_id, role, workspace_member_id)| Membership {
                workspace_id,
                user_id,
                role,
                workspace_member_id,
            })
            .collect();
        if caches.is_live() {
            caches
                .memberships
                .insert_if_unchanged(user_id, memberships.clone(), generation);
        }
        Ok(memberships)
    }

    async fn insert_refresh_token(&self, token: &RefreshTokenRecord) -> DomainResult<()> {
        diesel::insert_into(refresh_token::table)
            .values(refresh_row(token))
            .execute(&mut self.conn().await?)
            .await
            .map_err(to_domain)?;
        Ok(())
    }

    async fn find_refresh_token(&self, id: Uuid) -> DomainResult<Option<RefreshTokenRecord>> {
        refresh_token::table
            .find(id)
            .select(RefreshRow::as_select())
            .first(&mut self.conn().await?)
            .await
            .optional()
            .map(|r| r.map(RefreshTokenRecord::from))
            .map_err(to_domain)
    }

    async fn rotate_refresh_token(&self, old: Uuid, new: &RefreshTokenRecord) -> DomainResult<bool> {
        tx(&mut *self.conn().await?, async |conn| {
            let changed = diesel::update(
                refresh_token::table
                    .find(old)
                    .filter(refresh_token::revoked_at.is_null()),
            )
            .set((
                refresh_token::revoked_at.eq(diesel::dsl::now),
                refresh_token::replaced_by.eq(Some(new.id)),
            ))
            .execute(conn)
            .await?;
            if changed == 0 {
                return Ok(false);
            }
            diesel::insert_into(refresh_token::table)
                .values(refresh_row(new))
                .execute(conn)
                .await?;
            Ok(true)
        })
        .await
    }

    async fn revoke_refresh_token(&self, id: Uuid) -> DomainResult<bool> {
        let changed = diesel::update(
            refresh_token::table
                .find(id)
                .filter(refresh_token::revoked_at.is_null()),
        )
        .set(refresh_token::revoked_at.eq(diesel::dsl::now))
        .execute(&mut self.conn().await?)
        .await
        .map_err(to_domain)?;
        Ok(changed > 0)
    }

    async fn revoke_user_refresh_tokens(&self, user_id: Uuid) -> DomainResult<u64> {
        let changed = diesel::update(
            refresh_token::table
                .filter(refresh_token::user_id.eq(user_id))
                .filter(refresh_token::revoked_at.is_null()),
        )
        .set(refresh_token::revoked_at.eq(diesel::dsl::now))
        .execute(&mut self.conn().await?)
        .await
        .map_err(to_domain)?;
        Ok(changed as u64)
    }

    async fn create_api_key(&self, key: &ApiKey) -> DomainResult<()> {
        diesel::insert_into(api_key::table)
            .values(ApiKeyRow {
                id: key.id,
                workspace_id: key.workspace_id,
                name: key.name.clone(),
                expires_at: key.expires_at,
                revoked_at: key.revoked_at,
                created_at: key.created_at,
                updated_at: key.updated_at,
            })
            .execute(&mut self.conn().await?)
            .await
            .map_err(to_domain)?;
        Ok(())
    }

    /// From memory while change notifications are live (revocation and deletion notify), else from its row.
    async fn find_api_key(&self, workspace_id: WorkspaceId, id: Uuid) -> DomainResult<Option<ApiKey>> {
        let caches = self.caches();
        if caches.is_live()
            && let Some(key) = caches.api_keys.get(&id)
        {
            return Ok(Some(key).filter(|k| k.workspace_id == workspace_id));
        }
        let generation = caches.api_keys.generation();
        let key = api_key::table
            .find(id)
            .filter(api_key::workspace_id.eq(workspace_id))
            .select(ApiKeyRow::as_select())
            .first(&mut self.conn().await?)
            .await
            .optional()
            .map_err(to_domain)?
            .map(ApiKey::from);
        if let Some(key) = &key
            && caches.is_live()
        {
            caches.api_keys.insert_if_unchanged(id, key.clone(), generation);
        }
        Ok(key)
    }

    async fn list_api_keys(&self, workspace_id: WorkspaceId) -> DomainResult<Vec<ApiKey>> {
        let rows: Vec<ApiKeyRow> = api_key::table
            .filter(api_key::workspace_id.eq(workspace_id))
            .order((api_key::created_at, api_key::id))
            .select(ApiKeyRow::as_select())
            .load(&mut self.conn().await?)
            .await
            .map_err(to_domain)?;
        Ok(rows.into_iter().map(ApiKey::from).collect())
    }

    async fn revoke_api_key(&self, workspace_id: WorkspaceId, id: Uuid) -> DomainResult<Option<ApiKey>> {
        let revoked = diesel::update(api_key::table.find(id).filter(api_key::workspace_id.eq(workspace_id)))
            .set((
                api_key::revoked_at.eq(diesel::dsl::sql::<
                    diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>,
                >("coalesce(revoked_at, now())")),
                api_key::updated_at.eq(diesel::dsl::now),
            ))
            .returning(ApiKeyRow::as_returning())
            .get_result(&mut self.conn().await?)
            .await
            .optional()
            .map(|r| r.map(ApiKey::from))
            .map_err(to_domain);
        self.caches().api_keys.invalidate(&id);
        revoked
    }

    async fn delete_api_key(&self, workspace_id: WorkspaceId, id: Uuid) -> DomainResult<bool> {
        let deleted = diesel::delete(api_key::table.find(id).filter(api_key::workspace_id.eq(workspace_id)))
            .execute(&mut self.conn().await?)
            .await
            .map(|n| n > 0)
            .map_err(to_domain);
        self.caches().api_keys.invalidate(&id);
        deleted
    }

    async fn workspace_exists(&self, workspace_id: WorkspaceId) -> DomainResult<bool> {
        let found: Option<Uuid> = workspace::table
            .find(workspace_id)
            .select(workspace::id)
            .first(&mut self.conn().await?)
            .await
            .optional()
            .map_err(to_domain)?;
        Ok(found.is_some())
    }

    async fn list_workspaces(&self) -> DomainResult<Vec<Workspace>> {
        let rows: Vec<WorkspaceRow> = workspace::table
            .order((workspace::created_at, workspace::id))
            .select(WORKSPACE_COLUMNS)
            .load(&mut self.conn().await?)
            .await
            .map_err(to_domain)?;
        Ok(rows.into_iter().map(workspace_of).collect())
    }

    async fn find_workspace(&self, workspace_id: WorkspaceId) -> DomainResult<Option<Workspace>> {
        let found: Option<WorkspaceRow> = workspace::table
            .find(workspace_id)
            .select(WORKSPACE_COLUMNS)
            .first(&mut self.conn().await?)
            .await
            .optional()
            .map_err(to_domain)?;
        Ok(found.map(workspace_of))
    }
}

/// The columns of a [`Workspace`], in [`WorkspaceRow`]'s order.
const WORKSPACE_COLUMNS: (
    workspace::id,
    workspace::display_name,
    workspace::created_at,
    workspace::updated_at,
) = (
    workspace::id,
    workspace::display_name,
    workspace::created_at,
    workspace::updated_at,
);

type WorkspaceRow = (Uuid, String, DateTime<Utc>, DateTime<Utc>);

fn workspace_of((id, display_name, created_at, updated_at): WorkspaceRow) -> Workspace {
    Workspace {
        id,
        display_name,
        created_at,
        updated_at,
    }
}
