//! Writing imported rows through the record service in batches, and finding the bad ones: each row is checked
//! alone first (the service's own rules, [`RecordService::check_import`]); a batch the database refuses (a
//! dangling relation id, a taken unique value) is retried row by row so that only the rows at fault are skipped.
//!
//! [`RecordService::check_import`]: twenty_domain::services::RecordService::check_import

use super::Tally;
use crate::AppState;
use serde_json::Value as Json;
use std::collections::HashSet;
use twenty_domain::DomainError;
use twenty_domain::metadata::{ObjectMetadata, WorkspaceMetadata};
use twenty_domain::query::Selection;
use uuid::Uuid;

/// A row read from the file: the line it starts on (the header being line 1) and the record input.
pub struct Row {
    pub line: u64,
    pub data: Json,
}

/// Rows of one object waiting to be written together.
pub struct Batch<'a> {
    state: &'a AppState,
    meta: &'a WorkspaceMetadata,
    object: &'a ObjectMetadata,
    ids_only: Selection,
    rows: Vec<Row>,
    size: usize,
}

impl<'a> Batch<'a> {
    pub fn new(state: &'a AppState, meta: &'a WorkspaceMetadata, object: &'a ObjectMetadata) -> anyhow::Result<Self> {
        let ids_only = Selection::new().field(object, "id").map_err(crate::cli::describe)?;
        Ok(Batch {
            state,
            meta,
            object,
            ids_only,
            rows: Vec::new(),
            size: state.records.limits().max_size.clamp(1, 200) as usize,
        })
    }

    pub fn object(&self) -> &'a ObjectMetadata {
        self.object
    }

    /// Queues a row (after checking it alone); writes the batch once it is full.
    pub async fn push(&mut self, row: Row, tally: &mut Tally, written: &mut HashSet<Uuid>) -> anyhow::Result<()> {
        if let Err(err) = self.state.records.check_import(self.object, &row.data) {
            tally.skip(row.line, &err);
            return Ok(());
        }
        self.rows.push(row);
        if self.rows.len() >= self.size {
            self.flush(tally, written).await?;
        }
        Ok(())
    }

    /// Writes the queued rows: all at once, or one by one when the batch is refused.
    pub async fn flush(&mut self, tally: &mut Tally, written: &mut HashSet<Uuid>) -> anyhow::Result<()> {
        let rows = std::mem::take(&mut self.rows);
        if rows.is_empty() {
            return Ok(());
        }
        let data: Vec<Json> = rows.iter().map(|r| r.data.clone()).collect();
        match self.write(&data).await {
            Ok(ids) => {
                tally.written += ids.len() as u64;
                written.extend(ids);
            }
            Err(err) if is_about_the_rows(&err) => {
                for (row, data) in rows.iter().zip(data) {
                    match self.write(std::slice::from_ref(&data)).await {
                        Ok(ids) => {
                            tally.written += ids.len() as u64;
                            written.extend(ids);
                        }
                        Err(err) if is_about_the_rows(&err) => tally.skip(row.line, &err),
                        Err(err) => return Err(crate::cli::describe(err)),
                    }
                }
            }
            Err(err) => return Err(crate::cli::describe(err)),
        }
        Ok(())
    }

    async fn write(&self, data: &[Json]) -> Result<Vec<Uuid>, DomainError> {
        let records = self
            .state
            .records
            .import_many(self.meta, self.object, data, &self.ids_only)
            .await?;
        Ok(records
            .iter()
            .filter_map(|r| r["id"].as_str().and_then(|s| Uuid::parse_str(s).ok()))
            .collect())
    }
}

/// Errors a row causes (its values, its ids, its relation ids), as opposed to the database being unreachable.
pub fn is_about_the_rows(err: &DomainError) -> bool {
    matches!(
        err,
        DomainError::Validation { .. } | DomainError::Conflict { .. } | DomainError::NotFound { .. }
    )
}
