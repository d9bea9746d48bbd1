//! Test workspaces, provisioned the way production provisions them: a sign-up through [`AuthService`] (the
//! standard objects, an admin user and its `workspaceMember` record), then any extra objects, fields and relations
//! of a blueprint through the [`MetadataService`], as the metadata API adds them.

use crate::TestDb;
use std::time::Duration;
use twenty_auth::{AuthService, AuthSettings, SignUp, TokenSigner};
use twenty_domain::blueprint::{ObjectBlueprint, RelationBlueprint, WorkspaceBlueprint};
use twenty_domain::catalogue::standard_objects;
use twenty_domain::metadata::WorkspaceMetadata;
use twenty_domain::ports::WorkspaceStore;
use twenty_domain::services::{MetadataService, NewRelation, NewRelationSide};
use uuid::Uuid;

/// The secret test tokens are signed with.
pub const TEST_APP_SECRET: &str = "test-secret-0123456789abcdef0123456789";

/// The password of every admin a test signs up.
pub const TEST_PASSWORD: &str = "password123";

impl TestDb {
    /// The sign-up service production runs, over this database (bcrypt at its cheapest cost).
    pub fn auth(&self) -> AuthService<twenty_storage::PgStore> {
        let settings = AuthSettings {
            access_token_ttl: Duration::from_secs(1800),
            refresh_token_ttl: Duration::from_secs(3600),
            bcrypt_cost: 4,
            sign_up_disabled: false,
        };
        AuthService::new(self.store(), TokenSigner::new(TEST_APP_SECRET.as_bytes()), settings)
    }

    /// A workspace holding the standard objects, signed up as production does.
    pub async fn workspace(&self) -> WorkspaceMetadata {
        self.workspace_from(&standard_objects()).await
    }

    /// A signed-up workspace extended with what `blueprint` adds to the standard objects: its other objects (with
    /// their fields) and relations, created through the metadata service.
    pub async fn workspace_from(&self, blueprint: &WorkspaceBlueprint) -> WorkspaceMetadata {
        let workspace_id = self.sign_up().await;
        let standard = standard_objects();
        let metadata = MetadataService::new(self.store());
        for object in blueprint.objects.iter().filter(|o| !is_standard_object(&standard, o)) {
            let created = provisioned(metadata.create_object(&self.metadata(workspace_id).await, object).await);
            // A new object comes with the metadata API's default fields (`name`); the blueprint's other fields follow.
            let defaults: Vec<&str> = created.fields.iter().map(|f| f.name.as_str()).collect();
            for field in object.fields.iter().filter(|f| !defaults.contains(&f.name.as_str())) {
                provisioned(
                    metadata
                        .create_field(&self.metadata(workspace_id).await, created.id, field)
                        .await,
                );
            }
        }
        for relation in blueprint
            .relations
            .iter()
            .filter(|r| !is_standard_relation(&standard, r))
        {
            let meta = self.metadata(workspace_id).await;
            let input = new_relation(&meta, relation);
            provisioned(metadata.create_relation(&meta, &input).await);
        }
        self.forget_events(workspace_id).await;
        self.metadata(workspace_id).await
    }

    /// A provisioned workspace starts with an empty outbox: the sign-up's own event (the admin's `workspaceMember`
    /// record) is not one of the writes a test makes.
    async fn forget_events(&self, workspace_id: Uuid) {
        use diesel_async::RunQueryDsl;
        let mut conn = self.connection().await;
        let deleted = diesel::sql_query("DELETE FROM core.event_outbox WHERE workspace_id = $1")
            .bind::<diesel::sql_types::Uuid, _>(workspace_id)
            .execute(&mut conn)
            .await;
        if let Err(e) = deleted {
            panic!("empty the outbox of {workspace_id}: {e}");
        }
    }

    /// Signs up a new admin and workspace; returns the workspace id.
    async fn sign_up(&self) -> Uuid {
        let input = SignUp {
            email: format!("admin-{}@example.com", Uuid::new_v4().simple()),
            password: TEST_PASSWORD.into(),
            workspace_name: Some("Test workspace".into()),
            ..SignUp::default()
        };
        provisioned(self.auth().create_workspace_with_admin(input).await).workspace_id
    }

    /// The stored metadata of a workspace this database holds.
    pub async fn metadata(&self, workspace_id: Uuid) -> WorkspaceMetadata {
        match self.store().load_metadata(workspace_id).await {
            Ok(Some(meta)) => meta,
            Ok(None) => panic!("no workspace {workspace_id}"),
            Err(e) => panic!("load workspace {workspace_id}: {e:?}"),
        }
    }
}

fn provisioned<T>(result: twenty_domain::DomainResult<T>) -> T {
    result.unwrap_or_else(|e| panic!("provision workspace: {e:?}"))
}

fn is_standard_object(standard: &WorkspaceBlueprint, object: &ObjectBlueprint) -> bool {
    standard.objects.iter().any(|s| s.name_singular == object.name_singular)
}

fn is_standard_relation(standard: &WorkspaceBlueprint, relation: &RelationBlueprint) -> bool {
    standard
        .relations
        .iter()
        .any(|s| s.from_object == relation.from_object && s.from_field == relation.from_field)
}

/// The metadata API's input for a relation of a blueprint, its objects looked up by name.
fn new_relation(meta: &WorkspaceMetadata, relation: &RelationBlueprint) -> NewRelation {
    let side = |object: &str, name: &String, label: &String| NewRelationSide {
        object_id: match meta.object_by_singular(object) {
            Some(object) => object.id,
            None => panic!("relation to an unknown object {object}"),
        },
        name: name.clone(),
        label: Some(label.clone()),
        ..NewRelationSide::default()
    };
    NewRelation {
        relation_type: relation.relation_type,
        from: side(&relation.from_object, &relation.from_field, &relation.from_label),
        to: side(&relation.to_object, &relation.to_field, &relation.to_label),
        on_delete: Some(relation.on_delete),
    }
}
