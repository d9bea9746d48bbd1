//! Record writes: input validated and coerced against metadata, and the records a mutation targets.

use crate::error::{Problems, join_path};
use crate::field_type::{ScalarKind, SystemField};
use crate::metadata::{Column, ObjectMetadata, RelationStorage};
use crate::query::Filter;
use crate::value::{Value, coerce_field_input, parse_scalar};
use serde_json::Value as Json;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteMode {
    Create,
    Update,
    /// A create that restores records as an export wrote them: the system timestamps (`createdAt`, `updatedAt`,
    /// `deletedAt`) are accepted too, so imported records keep their history (the CLI's `import`).
    Import,
    /// An update of an import (relation ids set once their targets exist) that may give the system timestamps,
    /// so that the record keeps the `updatedAt` it was exported with.
    ImportUpdate,
}

impl WriteMode {
    fn creates(self) -> bool {
        matches!(self, WriteMode::Create | WriteMode::Import)
    }

    fn restores(self) -> bool {
        matches!(self, WriteMode::Import | WriteMode::ImportUpdate)
    }
}

/// One record's validated input.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecordInput {
    /// A client-chosen id (create only).
    pub id: Option<Uuid>,
    /// Column values, including defaults filled in for fields the client left out on create.
    pub values: Vec<(Column, Value)>,
    /// MANY_TO_MANY link sets to replace.
    pub links: Vec<LinkWrite>,
    /// The API names the client actually sent: what an upsert overwrites and what `updatedFields` reports.
    pub fields: Vec<String>,
}

/// Replace the set of records linked through a junction table.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkWrite {
    pub field: String,
    pub table: String,
    pub own_column: String,
    pub target_column: String,
    pub target_object: Uuid,
    pub ids: Vec<Uuid>,
}

impl RecordInput {
    /// Validates one input object of `object`. Every problem is reported under `path` (`""` or `[i]`).
    pub fn parse(object: &ObjectMetadata, json: &Json, mode: WriteMode, path: &str, problems: &mut Problems) -> Self {
        let mut input = RecordInput::default();
        let Json::Object(map) = json else {
            problems.push(if path.is_empty() { "data" } else { path }, "expected an object");
            return input;
        };
        for (key, value) in map {
            let here = join_path(path, key);
            let system = SystemField::from_name(key);
            if system == Some(SystemField::Id) {
                match (mode.creates(), parse_scalar(ScalarKind::Uuid, value)) {
                    (false, _) => problems.push(&here, "is read-only"),
                    (true, Ok(Value::Uuid(id))) => input.id = Some(id),
                    (true, Ok(_)) => {}
                    (true, Err(msg)) => problems.push(&here, msg),
                }
                continue;
            }
            if system.is_some_and(SystemField::is_read_only) && !mode.restores() {
                problems.push(&here, "is read-only");
                continue;
            }
            if let Some(field) = object.active_field(key).filter(|f| f.relation.is_none()) {
                if value.is_null() && !field.is_nullable {
                    problems.push(&here, "must not be null");
                    continue;
                }
                if let Some(values) = coerce_field_input(field, value, &here, problems) {
                    input.values.extend(values);
                    input.fields.push(key.clone());
                }
                continue;
            }
            if let Some(relation) = object.relation_by_id_column(key) {
                match parse_scalar(ScalarKind::Uuid, value) {
                    Ok(v) => {
                        input
                            .values
                            .extend(relation.columns().into_iter().map(|c| (c, v.clone())));
                        input.fields.push(key.clone());
                    }
                    Err(msg) => problems.push(&here, msg),
                }
                continue;
            }
            if let Some(link) = object.junction_by_ids_key(key)
                && let RelationStorage::Junction {
                    table,
                    own_column,
                    target_column,
                } = &link.storage
            {
                match parse_id_list(value) {
                    Ok(ids) => {
                        input.links.push(LinkWrite {
                            field: key.clone(),
                            table: table.clone(),
                            own_column: own_column.clone(),
                            target_column: target_column.clone(),
                            target_object: link.target_object_id,
                            ids,
                        });
                        input.fields.push(key.clone());
                    }
                    Err(msg) => problems.push(&here, msg),
                }
                continue;
            }
            match object.active_field(key) {
                Some(f) if f.own_join_column().is_some() => problems.push(
                    &here,
                    format!("set `{}` to link a record", f.own_join_column().unwrap_or_default()),
                ),
                Some(f) if f.is_to_many() => problems.push(&here, "cannot be written from this side"),
                _ => problems.push(&here, format!("unknown field on {}", object.name_singular)),
            }
        }
        if mode.creates() {
            input.fill_defaults(object, path, problems);
        }
        input
    }

    fn fill_defaults(&mut self, object: &ObjectMetadata, path: &str, problems: &mut Problems) {
        for field in object.active_fields().filter(|f| !f.is_system && f.relation.is_none()) {
            if self.fields.iter().any(|f| f == &field.name) {
                continue;
            }
            match &field.default_value {
                Some(default) => {
                    if let Some(values) = coerce_field_input(field, default, &join_path(path, &field.name), problems) {
                        self.values.extend(values);
                    }
                }
                None if field.required_on_create() => problems.push(join_path(path, &field.name), "is required"),
                None => {}
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty() && self.links.is_empty()
    }
}

fn parse_id_list(json: &Json) -> Result<Vec<Uuid>, String> {
    let Json::Array(items) = json else {
        return Err("expected a list of ids".into());
    };
    let mut ids = Vec::with_capacity(items.len());
    for item in items {
        let id = item
            .as_str()
            .and_then(|s| Uuid::parse_str(s).ok())
            .ok_or_else(|| "expected a list of UUIDs".to_string())?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// Which records a mutation touches.
#[derive(Debug, Clone, PartialEq)]
pub enum RecordTarget {
    Ids(Vec<Uuid>),
    Filter(Filter),
}

/// The record changes that take a target and no input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LifeCycle {
    /// Live records get a `deletedAt`.
    SoftDelete,
    /// Soft-deleted records lose their `deletedAt`.
    Restore,
    /// Records go for good, soft-deleted or not.
    Destroy,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::standard_objects;
    use serde_json::json;

    fn parse(mode: WriteMode, data: Json) -> Result<RecordInput, Vec<String>> {
        let meta = standard_objects()
            .build(Uuid::new_v4(), chrono::Utc::now())
            .map_err(|e| vec![e.to_string()])?;
        let company = meta.object_by_singular("company").ok_or_else(Vec::new)?;
        let mut problems = Problems::new();
        let input = RecordInput::parse(company, &data, mode, "", &mut problems);
        problems.finish(input).map_err(|e| {
            e.details()
                .iter()
                .map(|d| format!("{}: {}", d.field, d.message))
                .collect()
        })
    }

    #[test]
    fn only_imports_give_the_system_timestamps() {
        let data = json!({"id": Uuid::nil(), "name": "Acme", "createdAt": "2024-01-15T10:00:00Z",
                          "updatedAt": "2024-02-01T00:00:00Z", "deletedAt": null});
        let refused = parse(WriteMode::Create, data.clone());
        assert_eq!(
            refused.err(),
            Some(vec![
                "createdAt: is read-only".to_string(),
                "updatedAt: is read-only".to_string(),
                "deletedAt: is read-only".to_string(),
            ])
        );
        let imported = parse(WriteMode::Import, data.clone()).unwrap_or_default();
        assert_eq!(imported.id, Some(Uuid::nil()));
        assert!(imported.fields.iter().any(|f| f == "createdAt"));
        // Defaults are filled in on an import as on a create, never on an update.
        assert!(imported.fields.len() < imported.values.len());
        let update = json!({"updatedAt": "2024-02-01T00:00:00Z", "accountOwnerId": null});
        let updated = parse(WriteMode::ImportUpdate, update.clone()).unwrap_or_default();
        assert_eq!(updated.values.len(), 2);
        assert_eq!(
            parse(WriteMode::Update, update).err(),
            Some(vec!["updatedAt: is read-only".to_string()])
        );
        assert_eq!(
            parse(WriteMode::ImportUpdate, json!({"id": Uuid::nil()})).err(),
            Some(vec!["id: is read-only".to_string()])
        );
    }
}
