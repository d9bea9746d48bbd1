//! CSV columns → record input: each header names a field (`name`, `employees`), a composite sub-field (dotted
//! `amount.amountMicros` or Twenty's flattened `amountAmountMicros`), a relation id (`companyId`), a
//! many-to-many id list (`tagsIds`, a JSON array), or a system field (`id`, `position`, `createdAt`…). A header
//! naming nothing of the object stops the import before anything is written.
//!
//! Cells are text; the field's kind reads them (numbers, booleans, dates…) as it reads REST's query string. An
//! empty cell leaves the field out (its default applies). Cells of list and JSON kinds (MULTI_SELECT, RAW_JSON,
//! the list sub-fields of LINKS, EMAILS, PHONES) are read as JSON when they parse as JSON.

use serde_json::{Map, Value as Json};
use twenty_domain::field_type::ScalarKind;
use twenty_domain::metadata::ObjectMetadata;

/// Where one CSV column goes.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// A top-level key of the input (`name`, `companyId`, `id`), with the kind its cell is read as.
    Key { key: String, kind: CellKind },
    /// A composite sub-field: `field.sub`.
    Sub { field: String, sub: String, kind: CellKind },
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CellKind {
    /// Passed as a JSON string; the field's kind reads it.
    Text,
    /// Parsed as JSON when it is JSON (lists, objects), else passed as a string.
    Json,
}

fn cell_kind(kind: ScalarKind) -> CellKind {
    match kind {
        ScalarKind::TextArray | ScalarKind::Json => CellKind::Json,
        _ => CellKind::Text,
    }
}

/// The targets of the header's columns, or every header naming nothing of `object`.
pub fn map_header(object: &ObjectMetadata, header: &csv::StringRecord) -> Result<Vec<Target>, Vec<String>> {
    let mut targets = Vec::with_capacity(header.len());
    let mut unknown = Vec::new();
    for name in header.iter() {
        match target(object, name.trim()) {
            Some(t) if targets.contains(&t) => unknown.push(format!("`{name}` (given twice)")),
            Some(t) => targets.push(t),
            None => unknown.push(format!("`{name}`")),
        }
    }
    if unknown.is_empty() { Ok(targets) } else { Err(unknown) }
}

fn target(object: &ObjectMetadata, name: &str) -> Option<Target> {
    if let Some((field, sub)) = name.split_once('.') {
        let f = object.active_field(field)?;
        let column = f.columns().into_iter().find(|c| c.sub_field == Some(sub))?;
        return Some(Target::Sub {
            field: f.name.clone(),
            sub: sub.to_string(),
            kind: cell_kind(column.kind),
        });
    }
    if let Some(field) = object.active_field(name).filter(|f| f.relation.is_none()) {
        let kind = match field.composite() {
            Some(_) => CellKind::Json,
            None => field.columns().first().map_or(CellKind::Text, |c| cell_kind(c.kind)),
        };
        return Some(Target::Key {
            key: field.name.clone(),
            kind,
        });
    }
    if object.relation_by_id_column(name).is_some() {
        return Some(Target::Key {
            key: name.to_string(),
            kind: CellKind::Text,
        });
    }
    if object.junction_by_ids_key(name).is_some() {
        return Some(Target::Key {
            key: name.to_string(),
            kind: CellKind::Json,
        });
    }
    // Twenty's flattened composite columns: `amountAmountMicros`.
    object.active_fields().find_map(|f| {
        f.composite()?;
        let column = f.columns().into_iter().find(|c| c.name == name)?;
        Some(Target::Sub {
            field: f.name.clone(),
            sub: column.sub_field?.to_string(),
            kind: cell_kind(column.kind),
        })
    })
}

fn cell_value(cell: &str, kind: CellKind) -> Json {
    match kind {
        CellKind::Text => Json::String(cell.to_string()),
        CellKind::Json => serde_json::from_str(cell).unwrap_or_else(|_| Json::String(cell.to_string())),
    }
}

/// The record input of one CSV record (cells beyond the header's are left to the csv reader, which refuses them).
pub fn record_input(targets: &[Target], record: &csv::StringRecord) -> Json {
    let mut input = Map::new();
    for (target, cell) in targets.iter().zip(record.iter()) {
        if cell.is_empty() {
            continue;
        }
        match target {
            Target::Key { key, kind } => {
                input.insert(key.clone(), cell_value(cell, *kind));
            }
            Target::Sub { field, sub, kind } => {
                let entry = input.entry(field.clone()).or_insert_with(|| Json::Object(Map::new()));
                if let Json::Object(subs) = entry {
                    subs.insert(sub.clone(), cell_value(cell, *kind));
                }
            }
        }
    }
    Json::Object(input)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use twenty_domain::catalogue::standard_objects;
    use twenty_domain::metadata::WorkspaceMetadata;

    fn meta() -> WorkspaceMetadata {
        match standard_objects().build(uuid::Uuid::new_v4(), chrono::Utc::now()) {
            Ok(meta) => meta,
            Err(e) => panic!("{e:?}"),
        }
    }

    fn input(object: &str, header: &[&str], row: &[&str]) -> Result<Json, Vec<String>> {
        let meta = meta();
        let object = meta.object_by_singular(object).unwrap();
        let targets = map_header(object, &csv::StringRecord::from(header.to_vec()))?;
        Ok(record_input(&targets, &csv::StringRecord::from(row.to_vec())))
    }

    #[test]
    fn sub_fields_are_named_dotted_or_flattened_and_empty_cells_are_left_out() {
        let dotted = input(
            "opportunity",
            &[
                "name",
                "amount.amountMicros",
                "amount.currencyCode",
                "companyId",
                "closeDate",
            ],
            &["Deal", "5000000", "EUR", "", ""],
        );
        let flattened = input(
            "opportunity",
            &[
                "name",
                "amountAmountMicros",
                "amountCurrencyCode",
                "companyId",
                "closeDate",
            ],
            &["Deal", "5000000", "EUR", "", ""],
        );
        let expected = json!({"name": "Deal", "amount": {"amountMicros": "5000000", "currencyCode": "EUR"}});
        assert_eq!(dotted, Ok(expected.clone()));
        assert_eq!(flattened, Ok(expected));
    }

    #[test]
    fn list_and_json_cells_are_read_as_json_and_system_fields_are_columns() {
        let read = input(
            "person",
            &["id", "createdAt", "name.firstName", "email"],
            &[
                "0b7a1f52-4c1e-4df5-9a53-8b4ec3a4f0f1",
                "2024-01-15T10:00:00Z",
                "Ada",
                "ada@example.com",
            ],
        );
        assert_eq!(
            read,
            Ok(
                json!({"id": "0b7a1f52-4c1e-4df5-9a53-8b4ec3a4f0f1", "createdAt": "2024-01-15T10:00:00Z",
                      "name": {"firstName": "Ada"}, "email": "ada@example.com"})
            )
        );
        assert_eq!(cell_value("[\"A\",\"B\"]", CellKind::Json), json!(["A", "B"]));
        assert_eq!(cell_value("not json", CellKind::Json), json!("not json"));
        assert_eq!(cell_value("[1]", CellKind::Text), json!("[1]"));
    }

    #[test]
    fn unknown_and_repeated_columns_are_all_named() {
        let refused = input(
            "company",
            &[
                "name",
                "colour",
                "amount.amountMicros",
                "annualRecurringRevenue.amountMicros",
                "annualRecurringRevenueAmountMicros",
            ],
            &[],
        );
        assert_eq!(
            refused,
            Err(vec![
                "`colour`".to_string(),
                "`amount.amountMicros`".to_string(),
                "`annualRecurringRevenueAmountMicros` (given twice)".to_string(),
            ])
        );
    }
}
