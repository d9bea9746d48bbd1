use std::sync::Arc;
use twenty_domain::metadata::WorkspaceMetadata;

/// The standard objects plus the reference's custom `property` object ([`test_support::fixtures`]).
pub fn workspace() -> Arc<WorkspaceMetadata> {
    Arc::new(test_support::fixtures::property_workspace())
}
