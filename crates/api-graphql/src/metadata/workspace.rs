//! `currentWorkspace`: the principal's workspace in Twenty's `Workspace` shape (the fields Twenty's clients read:
//! `twenty-sdk` asks for `id` and `workspaceUrls`, Twenty's front-end for the rest).

use super::MetadataContext;
use super::scalars::{DateTimeValue, UuidValue, timestamp};
use juniper::{DefaultScalarValue as S, GraphQLEnum, GraphQLObject, graphql_object};
use twenty_domain::DomainResult;
use twenty_domain::identity::Workspace;

/// Twenty's `WorkspaceActivationStatus`; a workspace here is active from its sign-up on.
#[derive(GraphQLEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorkspaceActivationStatus {
    OngoingCreation,
    PendingCreation,
    Active,
    Inactive,
    Suspended,
}

/// Where the workspace is served: `subdomainUrl` is the server's public URL (`SERVER_URL`), when configured.
#[derive(GraphQLObject, Clone)]
#[graphql(scalar = S)]
pub struct WorkspaceUrls {
    subdomain_url: Option<String>,
    custom_url: Option<String>,
}

pub struct WorkspaceNode {
    workspace: Workspace,
    server_url: Option<String>,
}

#[graphql_object(name = "Workspace", scalar = S)]
impl WorkspaceNode {
    fn id(&self) -> UuidValue {
        UuidValue(self.workspace.id)
    }
    /// The name given at sign-up (`workspaceName`).
    fn display_name(&self) -> Option<&str> {
        Some(&self.workspace.display_name)
    }
    /// No logo is stored: always null.
    fn logo(&self) -> Option<&str> {
        None
    }
    fn activation_status(&self) -> WorkspaceActivationStatus {
        WorkspaceActivationStatus::Active
    }
    fn created_at(&self) -> DateTimeValue {
        timestamp(self.workspace.created_at)
    }
    fn updated_at(&self) -> DateTimeValue {
        timestamp(self.workspace.updated_at)
    }
    fn workspace_urls(&self) -> WorkspaceUrls {
        WorkspaceUrls {
            subdomain_url: self.server_url.clone(),
            custom_url: None,
        }
    }
}

pub(super) async fn current(context: &MetadataContext) -> DomainResult<WorkspaceNode> {
    let workspace = context.auth.workspace(&context.principal).await?;
    Ok(WorkspaceNode {
        workspace,
        server_url: context.server_url.clone(),
    })
}
