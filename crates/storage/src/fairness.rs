//! Fairness on the connection pool (contract §10): one workspace holds at most so many pooled connections at
//! once (`WORKSPACE_MAX_DB_CONNECTIONS`), so a tenant running expensive requests leaves connections for the
//! others. A request of a workspace at its limit waits for one of its own connections to come back; past the
//! pool timeout it is `SERVICE_UNAVAILABLE`, like any pool wait.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use twenty_domain::error::{DomainError, DomainResult};
use twenty_domain::metadata::WorkspaceId;

/// Workspaces tracked before the idle ones are forgotten.
const TRACKED: usize = 4096;

/// The connection slots of each workspace.
pub struct WorkspaceSlots {
    per_workspace: usize,
    slots: Mutex<HashMap<WorkspaceId, Arc<Semaphore>>>,
}

impl WorkspaceSlots {
    /// At most `per_workspace` connections (at least one) per workspace.
    pub fn new(per_workspace: usize) -> Self {
        WorkspaceSlots {
            per_workspace: per_workspace.max(1),
            slots: Mutex::new(HashMap::new()),
        }
    }

    pub fn per_workspace(&self) -> usize {
        self.per_workspace
    }

    /// Waits for one of the workspace's slots; the slot is free again when the permit is dropped.
    pub async fn acquire(&self, workspace: WorkspaceId) -> DomainResult<OwnedSemaphorePermit> {
        let semaphore = {
            let mut slots = self
                .slots
                .lock()
                .map_err(|_| DomainError::internal("workspace connection slots poisoned"))?;
            if slots.len() >= TRACKED {
                // Forget workspaces with no connection out: nobody waits on their semaphore.
                slots.retain(|_, s| Arc::strong_count(s) > 1 || s.available_permits() < self.per_workspace);
            }
            slots
                .entry(workspace)
                .or_insert_with(|| Arc::new(Semaphore::new(self.per_workspace)))
                .clone()
        };
        semaphore
            .acquire_owned()
            .await
            .map_err(|_| DomainError::internal("workspace connection slots closed"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
    use uuid::Uuid;

    #[tokio::test]
    async fn a_workspace_at_its_limit_waits_and_others_do_not() {
        let slots = WorkspaceSlots::new(2);
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let first = slots.acquire(a).await.unwrap();
        let _second = slots.acquire(a).await.unwrap();
        let third = tokio::time::timeout(Duration::from_millis(50), slots.acquire(a)).await;
        assert!(third.is_err(), "a third connection of the same workspace waits");
        let other = tokio::time::timeout(Duration::from_millis(50), slots.acquire(b)).await;
        assert!(other.is_ok_and(|p| p.is_ok()), "another workspace does not");
        drop(first);
        let again = tokio::time::timeout(Duration::from_millis(50), slots.acquire(a)).await;
        assert!(again.is_ok_and(|p| p.is_ok()), "a returned slot is taken again");
    }
}
