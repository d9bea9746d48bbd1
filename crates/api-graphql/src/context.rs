//! The per-request context of the core schema.

use std::sync::Arc;
use twenty_auth::Principal;
use twenty_domain::metadata::WorkspaceMetadata;
use twenty_domain::services::RecordService;
use twenty_storage::PgStore;

pub struct CoreContext {
    pub records: Arc<RecordService<PgStore>>,
    pub principal: Principal,
    /// The request's workspace metadata: ids, tables and columns come from here, never from the schema, which
    /// workspaces with the same data model share.
    pub meta: Arc<WorkspaceMetadata>,
    /// Root-field results already written as JSON text, spliced into the response (see [`RawParts`]).
    pub raw: RawParts,
    /// The most a document may cost (`MAX_QUERY_COST`, see [`crate::cost`]).
    pub max_query_cost: u64,
}

/// Root-field results written straight to JSON text ([`crate::output::write_object`]). A root field answers
/// juniper with a placeholder string — a per-request random prefix and an index, which no data can contain since
/// data never passes through juniper's values — and the response writer puts the text in its place.
#[derive(Debug)]
pub struct RawParts {
    prefix: String,
    parts: std::sync::Mutex<Vec<Vec<u8>>>,
}

impl Default for RawParts {
    fn default() -> Self {
        RawParts {
            prefix: format!("\u{1}raw:{}:", uuid::Uuid::new_v4().simple()),
            parts: std::sync::Mutex::new(Vec::new()),
        }
    }
}

impl RawParts {
    /// Keeps `json` (complete JSON text) and returns the placeholder that stands for it.
    pub fn splice(&self, json: Vec<u8>) -> juniper::Value<juniper::DefaultScalarValue> {
        let Ok(mut parts) = self.parts.lock() else {
            return juniper::Value::null();
        };
        parts.push(json);
        juniper::Value::scalar(format!("{}{}", self.prefix, parts.len() - 1))
    }

    /// The texts kept, for the response writer.
    pub fn take(&self) -> Spliced {
        Spliced {
            prefix: self.prefix.clone(),
            parts: self
                .parts
                .lock()
                .map(|mut p| std::mem::take(&mut *p))
                .unwrap_or_default(),
        }
    }
}

/// The root-field texts of one response and the prefix of their placeholders.
#[derive(Debug, Default)]
pub struct Spliced {
    prefix: String,
    parts: Vec<Vec<u8>>,
}

impl Spliced {
    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    pub fn total_len(&self) -> usize {
        self.parts.iter().map(Vec::len).sum()
    }

    /// The text a placeholder stands for.
    pub fn lookup(&self, s: &str) -> Option<&[u8]> {
        if self.parts.is_empty() {
            return None;
        }
        let index: usize = s.strip_prefix(self.prefix.as_str())?.parse().ok()?;
        self.parts.get(index).map(Vec::as_slice)
    }
}

impl juniper::Context for CoreContext {}
