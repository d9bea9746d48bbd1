//! What the fuzz targets share: a workspace's metadata built without a database (the standard catalogue plus a
//! custom object with a field of every scalar type), the fixed test secret, and the last step of the read path,
//! a [`ConnectionQuery`] compiled to SQL text and bind values by the storage compiler.

use std::sync::OnceLock;
use twenty_auth::TokenSigner;
use twenty_domain::blueprint::{FieldBlueprint as F, ObjectBlueprint};
use twenty_domain::catalogue::standard_objects;
use twenty_domain::field_type::FieldType;
use twenty_domain::metadata::{ObjectMetadata, WorkspaceMetadata};
use twenty_domain::query::{ConnectionQuery, Selection};
use twenty_storage::compile::Compiler;

/// The `APP_SECRET` the token target verifies with (and the token seeds were signed with).
pub const SECRET: &[u8] = b"fuzzing-secret-not-used-anywhere-else";

/// The standard objects plus `gadget`, whose fields cover every scalar field type.
pub fn workspace() -> &'static WorkspaceMetadata {
    static META: OnceLock<WorkspaceMetadata> = OnceLock::new();
    META.get_or_init(|| {
        let gadget = ObjectBlueprint::custom("gadget", "gadgets", "Gadget", "Gadgets")
            .field(F::new("label", "Label", FieldType::Text))
            .field(F::new("weight", "Weight", FieldType::Number))
            .field(F::new("count", "Count", FieldType::Number).integer())
            .field(F::new("active", "Active", FieldType::Boolean))
            .field(F::new("seenAt", "Seen at", FieldType::DateTime))
            .field(F::new("madeOn", "Made on", FieldType::Date))
            .field(F::new("contact", "Contact", FieldType::Email))
            .field(F::new("phone", "Phone", FieldType::Phone))
            .field(F::new("site", "Site", FieldType::Url))
            .field(F::new("price", "Price", FieldType::Currency))
            .field(F::new("tier", "Tier", FieldType::Select).options(&[("LOW", "Low"), ("HIGH", "High")]))
            .field(F::new("tags", "Tags", FieldType::MultiSelect).options(&[("RED", "Red"), ("BLUE", "Blue")]))
            .field(F::new("score", "Score", FieldType::Rating).options(&[("RATING_1", "1"), ("RATING_5", "5")]))
            .field(F::new("extra", "Extra", FieldType::Json))
            .field(F::new("owner", "Owner", FieldType::FullName))
            .field(F::new("externalId", "External id", FieldType::Uuid));
        #[allow(clippy::expect_used)] // a fixture that does not build is a broken fuzz set-up, not a finding
        standard_objects()
            .object(gadget)
            .build(uuid::Uuid::nil(), chrono::DateTime::UNIX_EPOCH)
            .expect("the fuzz workspace builds")
    })
}

/// The objects each input is tried on: two standard objects with relations, and the all-types `gadget`.
pub fn objects() -> impl Iterator<Item = &'static ObjectMetadata> {
    let meta = workspace();
    ["company", "person", "gadget"]
        .into_iter()
        .filter_map(|name| meta.object_by_singular(name))
}

pub fn signer() -> &'static TokenSigner {
    static SIGNER: OnceLock<TokenSigner> = OnceLock::new();
    SIGNER.get_or_init(|| TokenSigner::new(SECRET))
}

/// Compiles `query` (every field of `object` selected, with `totalCount`) as the storage layer would before
/// sending it; an error is a fine outcome, a panic is a finding.
pub fn compile(object: &ObjectMetadata, query: ConnectionQuery) {
    let query = query.with_node(Selection::full_record(object)).with_total_count(true);
    match Compiler::new(workspace()).find(&query) {
        Ok(sql) => {
            std::hint::black_box(sql.to_debug_string());
            std::hint::black_box(sql.params_as_text());
        }
        Err(e) => {
            std::hint::black_box(e.to_string());
        }
    }
}
