//! The schema contracts: the fixture workspace's SDL against its snapshot, both introspections written for the
//! conformance check, the per-schema document cache, and schema sharing between workspaces alike.

use crate::fixture;
use std::path::PathBuf;
use std::sync::Arc;
use twenty_api_graphql::{CoreContext, build_schema};
use twenty_auth::{Principal, Subject};
use twenty_domain::query::ReadLimits;
use twenty_domain::services::RecordService;
use twenty_storage::{PgStore, PoolOptions, build_pool};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Writes an introspection result where `scripts/check-graphql-schema` reads it.
fn write_for_conformance_check(file: &str, json: &serde_json::Value) {
    let out = root().join("../../target/graphql");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join(file), serde_json::to_vec_pretty(json).unwrap()).unwrap();
}

#[test]
fn the_fixture_schema_matches_its_committed_sdl() {
    let schema = build_schema(fixture::workspace()).unwrap();
    let sdl = schema.as_sdl();
    let path = root().join("tests/snapshots/fixture.graphql");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &sdl).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == sdl,
        "the generated SDL differs from {}; review and rerun with UPDATE_SNAPSHOTS=1 to accept",
        path.display()
    );
    for expected in [
        "type Company {",
        "input CompanyFilterInput {",
        "companies(filter: CompanyFilterInput, orderBy: [CompanyOrderByInput], first: Int, last: Int, after: String, before: String): CompanyConnection!",
        "createCompanies(data: [CompanyCreateInput!]!, upsert: Boolean): [Company!]!",
        "enum OpportunityStageEnum {",
        "scalar OrderByDirection",
        "type Property {",
    ] {
        assert!(sdl.contains(expected), "SDL lacks `{expected}`");
    }
}

#[tokio::test]
async fn introspection_is_written_for_the_conformance_check() {
    let meta = fixture::workspace();
    let schema = build_schema(meta.clone()).unwrap();
    // Introspection never touches the database; the pool is never connected.
    let pool = build_pool("postgres://nobody@127.0.0.1:1/none", &PoolOptions::default()).unwrap();
    let ctx = CoreContext {
        records: Arc::new(RecordService::new(PgStore::new(pool), ReadLimits::default())),
        meta,
        raw: Default::default(),
        max_query_cost: u64::MAX,
        principal: Principal {
            workspace_id: uuid::Uuid::nil(),
            subject: Subject::User {
                user_id: uuid::Uuid::nil(),
            },
        },
    };
    let (value, errors) = juniper::introspect(&schema, &ctx, juniper::IntrospectionFormat::All).unwrap();
    assert!(errors.is_empty());
    let json = twenty_api_graphql::execute::to_json(&value);
    assert!(json["__schema"]["types"].as_array().unwrap().len() > 50);
    write_for_conformance_check("introspection.json", &json);
}

#[tokio::test]
async fn metadata_introspection_is_written_for_the_conformance_check() {
    use twenty_api_graphql::metadata::{MetadataContext, metadata_schema};
    use twenty_auth::{AuthService, AuthSettings, TokenSigner};
    let pool = build_pool("postgres://nobody@127.0.0.1:1/none", &PoolOptions::default()).unwrap();
    let store = PgStore::new(pool);
    let settings = AuthSettings {
        access_token_ttl: std::time::Duration::from_secs(60),
        refresh_token_ttl: std::time::Duration::from_secs(60),
        bcrypt_cost: 4,
        sign_up_disabled: false,
    };
    let ctx = MetadataContext {
        auth: Arc::new(AuthService::new(
            store.clone(),
            TokenSigner::new(b"0123456789abcdef0123456789abcdef"),
            settings,
        )),
        store,
        principal: Principal {
            workspace_id: uuid::Uuid::nil(),
            subject: Subject::User {
                user_id: uuid::Uuid::nil(),
            },
        },
        allow_private_webhooks: false,
        server_url: None,
    };
    let schema = metadata_schema();
    let (value, errors) = juniper::introspect(&schema, &ctx, juniper::IntrospectionFormat::All).unwrap();
    assert!(errors.is_empty());
    let json = twenty_api_graphql::execute::to_json(&value);
    write_for_conformance_check("metadata-introspection.json", &json);
}

#[test]
fn a_document_is_validated_once_per_schema() {
    use twenty_api_graphql::schema::{PrepareError, SchemaEntry};
    let entry = SchemaEntry::new(build_schema(fixture::workspace()).unwrap());
    let query = "{ companies(first: 2) { totalCount } }";
    let first = entry.prepare(query, None).unwrap();
    let again = entry.prepare(query, None).unwrap();
    assert!(
        std::sync::Arc::ptr_eq(&first, &again),
        "the second request reuses the validated document"
    );
    // Invalid documents and documents over the limits are answered, never kept.
    assert!(matches!(
        entry.prepare("{ companies { nope } }", None),
        Err(PrepareError::Invalid(..))
    ));
    assert!(matches!(
        entry.prepare("{ companies { nope } }", None),
        Err(PrepareError::Invalid(..))
    ));
    let deep = format!(
        "{{ companies {{ edges {{ node {{ {}id{} }} }} }} }}",
        "company { ".repeat(12),
        " }".repeat(12)
    );
    assert!(entry.prepare(&deep, None).is_err());
}

#[test]
fn workspaces_with_the_same_data_model_share_one_schema() {
    use std::sync::Arc;
    use twenty_api_graphql::SchemaCache;
    use twenty_domain::blueprint::FieldBlueprint;
    use twenty_domain::catalogue::standard_objects;
    use twenty_domain::field_type::FieldType;
    let standard = || {
        Arc::new(
            standard_objects()
                .build(uuid::Uuid::new_v4(), chrono::Utc::now())
                .unwrap(),
        )
    };
    let cache = SchemaCache::new(10);
    let (a, b) = (standard(), standard());
    assert_ne!(a.schema_name, b.schema_name);
    let (schema_a, schema_b) = (cache.get(&a).unwrap(), cache.get(&b).unwrap());
    assert!(Arc::ptr_eq(&schema_a, &schema_b), "two standard workspaces, one schema");
    assert_eq!((cache.len(), cache.distinct()), (2, 1));

    let custom = standard_objects()
        .object(
            twenty_domain::blueprint::ObjectBlueprint::custom("ticket", "tickets", "Ticket", "Tickets")
                .field(FieldBlueprint::new("title", "Title", FieldType::Text)),
        )
        .build(uuid::Uuid::new_v4(), chrono::Utc::now())
        .unwrap();
    let schema_c = cache.get(&Arc::new(custom)).unwrap();
    assert!(!Arc::ptr_eq(&schema_a, &schema_c), "another data model, another schema");
    assert_eq!(cache.distinct(), 2);
}
