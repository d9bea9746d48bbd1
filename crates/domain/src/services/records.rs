//! [`RecordService`]: reading and writing records (validation of inputs against metadata, batch limits). Workspaces
//! are created by signing up (`twenty-auth`), with their admin.

use crate::error::{DomainError, DomainResult, Problems};
use crate::metadata::{ObjectMetadata, WorkspaceMetadata};
use crate::ports::RecordStore;
use crate::query::{Connection, ConnectionQuery, Cursors, Filter, Page, ReadLimits, Selection};
use crate::record::{LifeCycle, RecordInput, RecordTarget, WriteMode};
use serde_json::Value as Json;
use uuid::Uuid;

/// Record CRUD with validation. Every method takes the workspace's metadata and an active object of it.
pub struct RecordService<S> {
    store: S,
    limits: ReadLimits,
}

impl<S: RecordStore> RecordService<S> {
    pub fn new(store: S, limits: ReadLimits) -> Self {
        RecordService { store, limits }
    }

    pub fn limits(&self) -> ReadLimits {
        self.limits
    }

    pub fn store(&self) -> &S {
        &self.store
    }

    /// The database's estimate of the object's rows (see [`RecordStore::estimated_rows`]).
    pub async fn estimated_rows(&self, meta: &WorkspaceMetadata, object: &ObjectMetadata) -> DomainResult<u64> {
        self.store.estimated_rows(meta, object.id).await
    }

    pub async fn find_many(&self, meta: &WorkspaceMetadata, query: &ConnectionQuery) -> DomainResult<Connection> {
        self.store.find(meta, query).await.map(Connection::from_json)
    }

    /// The first record matching `filter`, or `None`.
    pub async fn find_one(
        &self,
        meta: &WorkspaceMetadata,
        object: &ObjectMetadata,
        filter: Filter,
        selection: Selection,
    ) -> DomainResult<Option<Json>> {
        let query = ConnectionQuery::in_default_order(object, Some(filter), Page::Forward { first: 1, after: None })
            .with_node(selection)
            .with_parts(Cursors::None, false);
        let connection = Connection::from_json(self.store.find(meta, &query).await?);
        Ok(connection.into_first_node())
    }

    pub async fn create_one(
        &self,
        meta: &WorkspaceMetadata,
        object: &ObjectMetadata,
        data: &Json,
        upsert: bool,
        selection: &Selection,
    ) -> DomainResult<Json> {
        let mut problems = Problems::new();
        let input = RecordInput::parse(object, data, WriteMode::Create, "", &mut problems);
        problems.finish(())?;
        let mut records = self.store.create(meta, object.id, &[input], upsert, selection).await?;
        records
            .pop()
            .ok_or_else(|| DomainError::internal("insert returned no record"))
    }

    /// Creates every record or none; problems of every item are reported together (`[i].field`).
    pub async fn create_many(
        &self,
        meta: &WorkspaceMetadata,
        object: &ObjectMetadata,
        data: &[Json],
        upsert: bool,
        selection: &Selection,
    ) -> DomainResult<Vec<Json>> {
        self.write_many(meta, object, data, WriteMode::Create, upsert, selection)
            .await
    }

    /// Restores records as an export wrote them (see [`WriteMode::Import`]): every record or none, like
    /// [`Self::create_many`], with the system timestamps accepted.
    pub async fn import_many(
        &self,
        meta: &WorkspaceMetadata,
        object: &ObjectMetadata,
        data: &[Json],
        selection: &Selection,
    ) -> DomainResult<Vec<Json>> {
        self.write_many(meta, object, data, WriteMode::Import, false, selection)
            .await
    }

    /// The problems [`Self::import_many`] would find in one record before writing it (an import reports and skips
    /// such records one by one rather than failing their batch).
    pub fn check_import(&self, object: &ObjectMetadata, data: &Json) -> DomainResult<()> {
        let mut problems = Problems::new();
        RecordInput::parse(object, data, WriteMode::Import, "", &mut problems);
        problems.finish(())
    }

    async fn write_many(
        &self,
        meta: &WorkspaceMetadata,
        object: &ObjectMetadata,
        data: &[Json],
        mode: WriteMode,
        upsert: bool,
        selection: &Selection,
    ) -> DomainResult<Vec<Json>> {
        if data.len() > self.limits.max_size as usize {
            return Err(DomainError::validation(format!(
                "At most {} records can be created at once",
                self.limits.max_size
            )));
        }
        let mut problems = Problems::new();
        let inputs: Vec<RecordInput> = data
            .iter()
            .enumerate()
            .map(|(i, item)| RecordInput::parse(object, item, mode, &format!("[{i}]"), &mut problems))
            .collect();
        let mut seen = Vec::new();
        for (i, id) in inputs
            .iter()
            .enumerate()
            .filter_map(|(i, input)| input.id.map(|id| (i, id)))
        {
            if seen.contains(&id) {
                problems.push(format!("[{i}].id"), "appears twice in the batch");
            }
            seen.push(id);
        }
        problems.finish(())?;
        if inputs.is_empty() {
            return Ok(Vec::new());
        }
        self.store.create(meta, object.id, &inputs, upsert, selection).await
    }

    pub async fn update_one(
        &self,
        meta: &WorkspaceMetadata,
        object: &ObjectMetadata,
        id: Uuid,
        data: &Json,
        selection: &Selection,
    ) -> DomainResult<Json> {
        let input = parse_update(object, data, WriteMode::Update)?;
        let records = self
            .store
            .update(meta, object.id, &RecordTarget::Ids(vec![id]), &input, selection)
            .await?;
        only_record(records, object, id)
    }

    /// The same change to every targeted record; the target must be ids or a non-empty filter. `mode` is
    /// [`WriteMode::Update`], or [`WriteMode::ImportUpdate`] for an import, whose input may give the system
    /// timestamps (`updatedAt` included, which then is not set to now).
    pub async fn update_many(
        &self,
        mode: WriteMode,
        meta: &WorkspaceMetadata,
        object: &ObjectMetadata,
        target: &RecordTarget,
        data: &Json,
        selection: &Selection,
    ) -> DomainResult<Vec<Json>> {
        check_bulk_target(target)?;
        let input = parse_update(object, data, mode)?;
        self.store.update(meta, object.id, target, &input, selection).await
    }

    /// Soft-deletes, restores or destroys one record by id; an id matching no record (in the state the change
    /// applies to) is `NOT_FOUND`.
    pub async fn change_one(
        &self,
        change: LifeCycle,
        meta: &WorkspaceMetadata,
        object: &ObjectMetadata,
        id: Uuid,
        selection: &Selection,
    ) -> DomainResult<Json> {
        let records = self
            .store
            .change_life_cycle(meta, object.id, change, &RecordTarget::Ids(vec![id]), selection)
            .await?;
        only_record(records, object, id)
    }

    /// Soft-deletes, restores or destroys every targeted record; the target must be ids or a non-empty filter.
    pub async fn change_many(
        &self,
        change: LifeCycle,
        meta: &WorkspaceMetadata,
        object: &ObjectMetadata,
        target: &RecordTarget,
        selection: &Selection,
    ) -> DomainResult<Vec<Json>> {
        check_bulk_target(target)?;
        self.store
            .change_life_cycle(meta, object.id, change, target, selection)
            .await
    }
}

/// The one record a by-id write returned, or `NOT_FOUND` when it touched none.
fn only_record(mut records: Vec<Json>, object: &ObjectMetadata, id: Uuid) -> DomainResult<Json> {
    records.pop().ok_or_else(|| record_not_found(object, id))
}

fn parse_update(object: &ObjectMetadata, data: &Json, mode: WriteMode) -> DomainResult<RecordInput> {
    let mut problems = Problems::new();
    let input = RecordInput::parse(object, data, mode, "", &mut problems);
    problems.finish(input)
}

/// Bulk mutations need ids or a non-empty filter, so that a forgotten filter never touches every record.
fn check_bulk_target(target: &RecordTarget) -> DomainResult<()> {
    match target {
        RecordTarget::Filter(f) if f.is_empty() => Err(DomainError::validation(
            "A non-empty filter or a list of ids is required for bulk operations",
        )),
        _ => Ok(()),
    }
}

fn record_not_found(object: &ObjectMetadata, id: Uuid) -> DomainError {
    DomainError::not_found(format!("{} {id}", object.name_singular))
}
