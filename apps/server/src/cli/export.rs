//! `export`: a workspace as NDJSON (contract §9). The first line is `{"dataModel": {"objects", "relations"}}` as
//! the metadata routes show them; then one line `{"object": "<nameSingular>", "record": {..}}` per record, as
//! REST answers it at `depth=0`, read through the record service page by page (keyset, 200 a page).
//!
//! Objects come in an order where the target of a to-one relation comes before the objects that point at it
//! whenever the relations allow it (cycles and self-relations cannot), so `import` can write most relation ids
//! with their record. Soft-deleted records are exported too (with their `deletedAt`), after the live ones of
//! their object.

use super::describe;
use super::progress::{ProgressMode, bar};
use crate::AppState;
use anyhow::Context;
use serde_json::json;
use std::io::Write;
use twenty_domain::field_type::{Operator, SystemField};
use twenty_domain::metadata::{ObjectMetadata, WorkspaceMetadata};
use twenty_domain::query::{ConnectionQuery, Cursors, InputValue, PageArgs, Selection};
use uuid::Uuid;

/// Records per page read.
const PAGE: i64 = 200;

pub async fn export(
    state: &AppState,
    workspace: Uuid,
    out: Option<&std::path::Path>,
    progress: ProgressMode,
) -> anyhow::Result<()> {
    let meta = super::admin::workspace_metadata(state, workspace).await?;
    let mut writer: Box<dyn Write> = match out {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let data_model = twenty_api_rest::metadata::data_model(&meta);
    writeln!(writer, "{}", json!({ "dataModel": data_model }))?;
    let objects = dependency_order(&meta);
    let mut total = 0;
    for object in &objects {
        for deleted in [false, true] {
            total += count(state, &meta, object, deleted).await?;
        }
    }
    let bar = bar(
        progress,
        total,
        "export",
        "{prefix} [{bar:30}] {pos}/{len} records {msg}",
    );
    let mut written = 0u64;
    for object in &objects {
        bar.set_message(object.name_plural.clone());
        for deleted in [false, true] {
            let mut after = None;
            loop {
                let page = query(&meta, object, deleted, after.take(), state)?;
                let connection = state.records.find_many(&meta, &page).await.map_err(describe)?;
                for record in connection.nodes() {
                    writeln!(writer, "{}", json!({"object": object.name_singular, "record": record}))?;
                    written += 1;
                    bar.inc(1);
                }
                after = connection.end_cursor().map(str::to_owned);
                if connection.has_next_page() != Some(true) || after.is_none() {
                    break;
                }
            }
        }
    }
    writer.flush()?;
    bar.finish_and_clear();
    eprintln!("export finished: {written} records of {} objects", objects.len());
    Ok(())
}

/// The active objects, targets of to-one relations (own foreign-key columns) before the objects pointing at
/// them; objects in a cycle keep the data model's order.
pub fn dependency_order(meta: &WorkspaceMetadata) -> Vec<&ObjectMetadata> {
    let active: Vec<&ObjectMetadata> = meta.objects.iter().filter(|o| o.is_active).collect();
    let targets = |o: &ObjectMetadata| -> Vec<Uuid> {
        o.active_fields()
            .filter(|f| f.own_join_column().is_some())
            .filter_map(|f| f.relation.as_ref())
            .filter(|l| l.target_object_id != o.id)
            .map(|l| l.target_object_id)
            .collect()
    };
    let mut ordered: Vec<&ObjectMetadata> = Vec::with_capacity(active.len());
    let mut left = active;
    while !left.is_empty() {
        let ready = left
            .iter()
            .position(|o| targets(o).iter().all(|t| !left.iter().any(|l| l.id == *t)));
        // In a cycle nothing is ready: the first object left goes next.
        ordered.push(left.remove(ready.unwrap_or(0)));
    }
    ordered
}

/// `{deletedAt: {is: NOT_NULL}}` for the soft-deleted records (naming `deletedAt` is what shows them).
fn deleted_filter() -> InputValue {
    InputValue::String("NOT_NULL".into())
        .under(Operator::Is.name())
        .under(SystemField::DeletedAt.name())
}

fn query(
    meta: &WorkspaceMetadata,
    object: &ObjectMetadata,
    deleted: bool,
    after: Option<String>,
    state: &AppState,
) -> anyhow::Result<ConnectionQuery> {
    let filter = deleted.then(deleted_filter);
    let page = PageArgs {
        first: Some(PAGE.min(i64::from(state.records.limits().max_size))),
        after,
        ..PageArgs::default()
    };
    let query = ConnectionQuery::from_input(meta, object, filter.as_ref(), None, &page, state.records.limits())
        .map_err(describe)?;
    Ok(query
        .with_node(Selection::full_record(object))
        .with_total_count(false)
        .with_parts(Cursors::Ends, true))
}

async fn count(
    state: &AppState,
    meta: &WorkspaceMetadata,
    object: &ObjectMetadata,
    deleted: bool,
) -> anyhow::Result<u64> {
    let filter = deleted.then(deleted_filter);
    let page = PageArgs {
        first: Some(1),
        ..PageArgs::default()
    };
    let query = ConnectionQuery::from_input(meta, object, filter.as_ref(), None, &page, state.records.limits())
        .map_err(describe)?
        .with_node(Selection::new().field(object, "id").map_err(describe)?)
        .with_total_count(true)
        .with_parts(Cursors::None, false);
    let connection = state.records.find_many(meta, &query).await.map_err(describe)?;
    Ok(connection.total_count().unwrap_or(0).max(0) as u64)
}
