//! Building a workspace's schema and caching it by metadata version, with the documents validated against it.

use crate::context::CoreContext;
use crate::cost::CostPlan;
use crate::limits::OperationInfo;
use crate::root::Root;
use crate::types::{TypeInfo, TypeKind, WorkspaceTypes};
use juniper::{DefaultScalarValue as S, EmptySubscription, GraphQLError, RootNode, ValidatedOperation};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use twenty_domain::error::{DomainError, DomainResult};
use twenty_domain::metadata::WorkspaceMetadata;
use twenty_storage::cache::VersionedCache;

pub type Schema = RootNode<Root, Root, EmptySubscription<CoreContext>>;

pub struct SchemaEntry {
    pub schema: Arc<Schema>,
    /// What the schema was built from (the names of root fields and relations, for the cost plans).
    types: Arc<WorkspaceTypes>,
    /// Documents already parsed, checked against the limits and validated against this schema.
    documents: Mutex<HashMap<DocumentKey, Arc<Prepared>>>,
}

/// A document ready to run: validated, with its cost plan and the declared types of its operation's variables
/// (for [`crate::tunnel::encode_variables`]).
pub struct Prepared {
    pub document: PreparedDocument,
    pub cost: CostPlan,
    pub variable_types: Vec<(String, String)>,
    /// The operation's name and type, for the access log.
    pub operation: OperationInfo,
    /// Where the document's encoded literals moved its text (for the locations of errors).
    pub positions: crate::literals::Positions,
}

/// Documents kept per schema; a full cache starts over (clients send few distinct documents).
pub const DOCUMENTS_PER_SCHEMA: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct DocumentKey {
    query: String,
    operation: Option<String>,
}

/// What a prepared document borrows: the schema it was validated against and its own text.
pub struct DocumentSource {
    schema: Arc<Schema>,
    /// The text juniper reads: the client's, with its `JSON` literals encoded ([`crate::literals`]).
    pub(crate) text: String,
    key: DocumentKey,
}

pub type ValidatedDocument<'a> = ValidatedOperation<'a, Root, Root, EmptySubscription<CoreContext>>;

self_cell::self_cell!(
    /// A validated operation together with the schema and the text it borrows.
    pub struct PreparedDocument {
        owner: DocumentSource,
        #[covariant]
        dependent: ValidatedDocument,
    }
);

impl SchemaEntry {
    pub fn new(schema: Schema) -> Self {
        // The query root's type info is the workspace's types (see `build_schema`).
        let types = schema.query_info.types.clone();
        SchemaEntry {
            schema: Arc::new(schema),
            types,
            documents: Mutex::new(HashMap::new()),
        }
    }

    /// What the schema was built from.
    pub fn types(&self) -> &WorkspaceTypes {
        &self.types
    }

    /// The operation `operation` of `query`, parsed, checked against the limits, validated and planned once per
    /// schema: the same document sent again skips all of that. Documents that fail are not kept.
    pub fn prepare(&self, query: &str, operation: Option<&str>) -> Result<Arc<Prepared>, PrepareError> {
        let key = DocumentKey {
            query: query.to_string(),
            operation: operation.map(str::to_string),
        };
        if let Ok(documents) = self.documents.lock()
            && let Some(found) = documents.get(&key)
        {
            return Ok(found.clone());
        }
        let encoded = crate::literals::encode_literals(query, &self.schema.schema);
        let (text, positions) = (encoded.text.into_owned(), encoded.positions);
        // A document that does not parse is reported by validation, below.
        let (cost, variable_types, info) = match juniper::parser::parse_document_source::<S>(&text, &self.schema.schema)
        {
            Ok(document) => {
                let info = OperationInfo::of(&document, operation);
                crate::limits::check(&document, operation)
                    .map_err(|message| PrepareError::Limit(message, info.clone()))?;
                (
                    CostPlan::new(&document, operation, &self.types),
                    crate::tunnel::variable_types(&document, operation),
                    info,
                )
            }
            Err(_) => (CostPlan::default(), Vec::new(), OperationInfo::requested(operation)),
        };
        let source = DocumentSource {
            schema: self.schema.clone(),
            text,
            key: key.clone(),
        };
        let prepared = PreparedDocument::try_new(source, |source| {
            ValidatedOperation::new(&source.text, source.key.operation.as_deref(), &source.schema)
        })
        .map_err(|err| PrepareError::Invalid(err, info.clone()))?;
        let prepared = Arc::new(Prepared {
            document: prepared,
            cost,
            variable_types,
            operation: info,
            positions,
        });
        if let Ok(mut documents) = self.documents.lock() {
            if documents.len() >= DOCUMENTS_PER_SCHEMA {
                documents.clear();
            }
            documents.insert(key, prepared.clone());
        }
        Ok(prepared)
    }
}

/// Why a document cannot run, with what is known of its operation (for the access log).
#[derive(Debug)]
pub enum PrepareError {
    /// Over the contract's document limits (`VALIDATION_ERROR`).
    Limit(String, OperationInfo),
    /// Not parseable or not valid against the schema.
    Invalid(GraphQLError, OperationInfo),
}

/// Builds the core schema of one workspace. Juniper panics on names it cannot accept; metadata validation keeps
/// them out, and the build runs under `catch_unwind` as a safety net so a bad row never takes a worker down.
pub fn build_schema(meta: Arc<WorkspaceMetadata>) -> DomainResult<Schema> {
    let version = meta.version;
    let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
        let types = Arc::new(WorkspaceTypes::new(meta));
        let query = TypeInfo {
            types: types.clone(),
            kind: TypeKind::Query,
        };
        let mutation = TypeInfo {
            types,
            kind: TypeKind::Mutation,
        };
        RootNode::new_with_info(Root, Root, EmptySubscription::new(), query, mutation, ())
    }));
    built.map_err(|_| {
        tracing::error!(version, "building the GraphQL schema panicked");
        DomainError::internal("the workspace schema could not be built")
    })
}

/// Schemas by workspace, rebuilt when the metadata version changes, for a bounded number of workspaces.
/// Workspaces whose data models are alike ([`WorkspaceMetadata::shape_key`]) share one schema, so memory grows
/// with the number of distinct data models, not of workspaces. In-flight requests keep their `Arc`.
pub struct SchemaCache {
    by_workspace: VersionedCache<Arc<SchemaEntry>>,
    by_shape: Mutex<HashMap<String, Weak<SchemaEntry>>>,
    lookups: AtomicU64,
    shared_hits: AtomicU64,
    builds: AtomicU64,
}

/// How the cache has answered since the process started (`/metrics`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SchemaCacheStats {
    /// The workspace's own schema was in memory.
    pub hits: u64,
    /// Another workspace's schema with the same data model was in memory.
    pub shared_hits: u64,
    /// A schema was built from metadata.
    pub builds: u64,
}

impl SchemaCache {
    pub fn new(capacity: usize) -> Self {
        SchemaCache {
            by_workspace: VersionedCache::new(capacity),
            by_shape: Mutex::new(HashMap::new()),
            lookups: AtomicU64::new(0),
            shared_hits: AtomicU64::new(0),
            builds: AtomicU64::new(0),
        }
    }

    pub fn get(&self, meta: &Arc<WorkspaceMetadata>) -> DomainResult<Arc<SchemaEntry>> {
        self.lookups.fetch_add(1, Ordering::Relaxed);
        self.by_workspace.get_or_build(meta.workspace_id, meta.version, || {
            let key = meta.shape_key();
            if let Some(shared) = self.shared(&key) {
                self.shared_hits.fetch_add(1, Ordering::Relaxed);
                return Ok(shared);
            }
            self.builds.fetch_add(1, Ordering::Relaxed);
            let entry = Arc::new(SchemaEntry::new(build_schema(meta.clone())?));
            if let Ok(mut shapes) = self.by_shape.lock() {
                // Forget data models no workspace in memory uses any more.
                shapes.retain(|_, entry| entry.strong_count() > 0);
                shapes.insert(key, Arc::downgrade(&entry));
            }
            Ok(entry)
        })
    }

    fn shared(&self, key: &str) -> Option<Arc<SchemaEntry>> {
        self.by_shape.lock().ok()?.get(key).and_then(Weak::upgrade)
    }

    /// Hits and builds so far.
    pub fn stats(&self) -> SchemaCacheStats {
        let shared_hits = self.shared_hits.load(Ordering::Relaxed);
        let builds = self.builds.load(Ordering::Relaxed);
        SchemaCacheStats {
            hits: self
                .lookups
                .load(Ordering::Relaxed)
                .saturating_sub(shared_hits + builds),
            shared_hits,
            builds,
        }
    }

    /// Workspaces whose schema is in memory.
    pub fn len(&self) -> usize {
        self.by_workspace.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_workspace.is_empty()
    }

    /// Distinct schemas in memory.
    pub fn distinct(&self) -> usize {
        self.by_shape
            .lock()
            .map(|s| s.values().filter(|e| e.strong_count() > 0).count())
            .unwrap_or(0)
    }
}
