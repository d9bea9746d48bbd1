//! NDJSON import: an optional first line `{"dataModel": ..}`, then `{"object": "<nameSingular>", "record": {..}}`
//! lines, as `export` writes them.
//!
//! Relation ids must point at records that exist when a record is written. `export` writes the targets of
//! to-one relations first wherever the data model allows, so most relation ids are written with their record:
//! an id is kept in the first pass when this import has already written its target. The others (cycles,
//! self-relations, targets later in the file or already in the workspace) are set in a second pass, by an
//! update of the record, once every record is in. A relation id whose target never came is reported with the
//! record's line; the record stays, without it.

use super::writer::{Batch, Row, is_about_the_rows};
use super::{Tally, data_model};
use crate::AppState;
use crate::cli::describe;
use crate::cli::problem;
use anyhow::Context;
use serde_json::{Map, Value as Json};
use std::collections::HashSet;
use std::io::BufRead;
use std::path::Path;
use twenty_domain::field_type::{Operator, SystemField};
use twenty_domain::metadata::ObjectMetadata;
use twenty_domain::query::{Filter, InputValue, Selection};
use twenty_domain::record::{RecordTarget, WriteMode};
use uuid::Uuid;

/// Relation ids of a written record, set in the second pass.
struct Deferred {
    line: u64,
    object: String,
    id: Uuid,
    deleted: bool,
    relations: Map<String, Json>,
}

pub async fn import(state: &AppState, workspace: Uuid, file: &Path, tally: &mut Tally) -> anyhow::Result<()> {
    let model_line = apply_data_model(state, workspace, file).await?;
    let mut reader =
        std::io::BufReader::new(std::fs::File::open(file).with_context(|| format!("cannot open {}", file.display()))?);
    let meta = state.data_model.current(workspace).await.map_err(describe)?;
    let mut written: HashSet<Uuid> = HashSet::new();
    let mut deferred: Vec<Deferred> = Vec::new();
    let mut buffer = Vec::new();
    let (mut line, mut bytes) = (0u64, 0u64);
    let mut batch: Option<Batch<'_>> = None;
    // Records are written in the order of the file, in batches of consecutive lines of one object.
    loop {
        buffer.clear();
        let read = reader.read_until(b'\n', &mut buffer).context("reading the file")?;
        if read == 0 {
            break;
        }
        line += 1;
        bytes += read as u64;
        tally.bar.set_position(bytes);
        if Some(line) == model_line {
            continue;
        }
        let Ok(text) = std::str::from_utf8(&buffer) else {
            tally.skipped += 1;
            tally.report(line, "not valid UTF-8");
            continue;
        };
        if text.trim().is_empty() {
            continue;
        }
        let value: Json = match serde_json::from_str(text) {
            Ok(v) => v,
            Err(err) => {
                tally.skipped += 1;
                tally.report(line, &format!("not a JSON object: {err}"));
                continue;
            }
        };
        if value.get("dataModel").is_some() {
            anyhow::bail!(
                "{}: line {line}: the dataModel line must be the first line",
                file.display()
            );
        }
        let (Some(name), Some(Json::Object(record))) = (value["object"].as_str(), value.get("record")) else {
            tally.skipped += 1;
            tally.report(line, "expected {\"object\": \"<nameSingular>\", \"record\": {..}}");
            continue;
        };
        let Some(object) = meta.object_by_singular(name).filter(|o| o.is_active) else {
            tally.skipped += 1;
            tally.report(line, &format!("no object `{name}` in this workspace"));
            continue;
        };
        if batch.as_ref().is_none_or(|b| b.object().id != object.id) {
            if let Some(mut done) = batch.take() {
                done.flush(tally, &mut written).await?;
            }
            batch = Some(Batch::new(state, &meta, object)?);
        }
        let mut record = record.clone();
        let relations = split_relations(object, &mut record, &written);
        if !relations.is_empty() {
            let id = match record
                .get("id")
                .and_then(Json::as_str)
                .and_then(|s| Uuid::parse_str(s).ok())
            {
                Some(id) => id,
                None => {
                    let id = Uuid::new_v4();
                    record.insert("id".into(), Json::String(id.to_string()));
                    id
                }
            };
            let mut relations = relations;
            // Kept as exported: setting the relation ids later must not change it.
            if let Some(updated_at) = record.get("updatedAt").filter(|u| !u.is_null()) {
                relations.insert("updatedAt".into(), updated_at.clone());
            }
            deferred.push(Deferred {
                line,
                object: object.name_singular.clone(),
                id,
                deleted: record.get("deletedAt").is_some_and(|d| !d.is_null()),
                relations,
            });
        }
        if let Some(batch) = batch.as_mut() {
            let row = Row {
                line,
                data: Json::Object(record),
            };
            batch.push(row, tally, &mut written).await?;
        }
    }
    if let Some(mut done) = batch.take() {
        done.flush(tally, &mut written).await?;
    }
    set_relations(state, workspace, deferred, &written, tally).await
}

/// Applies the data model line, when the file's first line that is not blank is one; returns its number.
async fn apply_data_model(state: &AppState, workspace: Uuid, file: &Path) -> anyhow::Result<Option<u64>> {
    let reader =
        std::io::BufReader::new(std::fs::File::open(file).with_context(|| format!("cannot open {}", file.display()))?);
    let mut number = 0;
    for text in reader.split(b'\n') {
        number += 1;
        let text = text.context("reading the file")?;
        if text.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let Ok(Json::Object(mut first)) = serde_json::from_slice::<Json>(&text) else {
            return Ok(None);
        };
        let Some(model) = first.remove("dataModel") else {
            return Ok(None);
        };
        let changes = data_model::apply(state, workspace, &model).await?;
        eprintln!(
            "data model: {} object(s), {} field(s), {} relation(s) created",
            changes.objects, changes.fields, changes.relations
        );
        return Ok(Some(number));
    }
    Ok(None)
}

/// Takes out of `record` the relation ids whose targets this import has not written (yet).
fn split_relations(
    object: &ObjectMetadata,
    record: &mut Map<String, Json>,
    written: &HashSet<Uuid>,
) -> Map<String, Json> {
    let is_known = |v: &Json| {
        v.as_str()
            .and_then(|s| Uuid::parse_str(s).ok())
            .is_some_and(|id| written.contains(&id))
    };
    let later: Vec<String> = record
        .iter()
        .filter(|(key, value)| {
            if value.is_null() {
                return false;
            }
            if object.relation_by_id_column(key).is_some() {
                return !is_known(value);
            }
            let junction = object.junction_by_ids_key(key).is_some();
            junction && !value.as_array().is_some_and(|ids| ids.iter().all(is_known))
        })
        .map(|(key, _)| key.clone())
        .collect();
    later
        .into_iter()
        .filter_map(|key| record.remove(&key).map(|v| (key, v)))
        .collect()
}

/// The second pass: the relation ids held back, set on their (written) records.
async fn set_relations(
    state: &AppState,
    workspace: Uuid,
    deferred: Vec<Deferred>,
    written: &HashSet<Uuid>,
    tally: &mut Tally,
) -> anyhow::Result<()> {
    let deferred: Vec<Deferred> = deferred.into_iter().filter(|d| written.contains(&d.id)).collect();
    if deferred.is_empty() {
        return Ok(());
    }
    let meta = state.data_model.current(workspace).await.map_err(describe)?;
    tally.bar.set_length(deferred.len() as u64);
    tally.bar.set_position(0);
    tally.bar.set_message("relation ids");
    for item in deferred {
        let Some(object) = meta.object_by_singular(&item.object) else {
            continue;
        };
        let ids_only = Selection::new().field(object, "id").map_err(describe)?;
        let condition = |field: SystemField, operator: Operator, value: &str| {
            let value = InputValue::String(value.to_string()).under(operator.name());
            (field.name().to_string(), value)
        };
        let mut conditions = vec![condition(SystemField::Id, Operator::Eq, &item.id.to_string())];
        // A soft-deleted record is reached by naming `deletedAt` in the filter.
        if item.deleted {
            conditions.push(condition(SystemField::DeletedAt, Operator::Is, "NOT_NULL"));
        }
        let filter = InputValue::Object(conditions);
        let outcome = match Filter::resolve(&meta, object, &filter) {
            Ok(filter) => {
                state
                    .records
                    .update_many(
                        WriteMode::ImportUpdate,
                        &meta,
                        object,
                        &RecordTarget::Filter(filter),
                        &Json::Object(item.relations),
                        &ids_only,
                    )
                    .await
            }
            Err(err) => Err(err),
        };
        match outcome {
            Ok(_) => {}
            Err(err) if is_about_the_rows(&err) => {
                tally.relations_unset += 1;
                tally.report(
                    item.line,
                    &format!("written without its relation ids: {}", problem(&err)),
                );
            }
            Err(err) => return Err(describe(err)),
        }
        tally.bar.inc(1);
    }
    Ok(())
}
