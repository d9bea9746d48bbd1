//! Finding likely duplicates of records (Twenty's `POST /rest/{plural}/duplicates`): for each record, given as
//! data or as the id of a stored one, the other records that share the values of one of the object's duplicate
//! criteria ([`crate::catalogue::duplicate_criteria`]).

use crate::catalogue::duplicate_criteria;
use crate::error::{DomainError, DomainResult, Problems};
use crate::field_type::{Operator, SystemField};
use crate::metadata::{ObjectMetadata, WorkspaceMetadata};
use crate::ports::RecordStore;
use crate::query::{Connection, ConnectionQuery, Cursors, Filter, InputValue, Page, Selection};
use crate::services::RecordService;
use crate::value::parse_uuid;
use serde_json::Value as Json;
use uuid::Uuid;

/// A criterion value shorter than this (in characters) matches nothing: "a" is no evidence of a duplicate.
pub const MIN_DUPLICATE_VALUE_CHARS: usize = 3;

/// The records whose duplicates are looked for.
#[derive(Debug, Clone)]
pub enum DuplicateSource {
    /// Records as a client would create them (not stored; an `id` among them is excluded from its matches).
    Data(Vec<Json>),
    /// Stored records, by id (each excluded from its own matches).
    Ids(Vec<Uuid>),
}

impl<S: RecordStore> RecordService<S> {
    /// One page of likely duplicates per source record, in the order of the source, each shaped by `node`, with
    /// its total count and its first and last cursors. Ids of no record are skipped.
    pub async fn find_duplicates(
        &self,
        meta: &WorkspaceMetadata,
        object: &ObjectMetadata,
        source: &DuplicateSource,
        node: &Selection,
    ) -> DomainResult<Vec<Connection>> {
        let limits = self.limits();
        let records: Vec<Json> = match source {
            DuplicateSource::Data(items) if items.is_empty() => {
                return Err(DomainError::invalid_field(
                    "data",
                    "must not be empty when no `ids` are given",
                ));
            }
            DuplicateSource::Data(items) => items.clone(),
            DuplicateSource::Ids(ids) if ids.is_empty() => return Ok(Vec::new()),
            DuplicateSource::Ids(ids) if ids.len() > limits.max_size as usize => {
                return Err(DomainError::invalid_field(
                    "ids",
                    format!("at most {} ids at once", limits.max_size),
                ));
            }
            DuplicateSource::Ids(ids) => {
                let list = InputValue::List(ids.iter().map(|id| InputValue::String(id.to_string())).collect());
                let by_ids = Filter::resolve(
                    meta,
                    object,
                    &list.under(Operator::In.name()).under(SystemField::Id.name()),
                )?;
                let page = Page::Forward {
                    first: ids.len() as u32,
                    after: None,
                };
                let query = ConnectionQuery::in_default_order(object, Some(by_ids), page)
                    .with_node(Selection::full_record(object))
                    .with_parts(Cursors::None, false);
                self.find_many(meta, &query).await?.nodes().cloned().collect()
            }
        };
        let mut problems = Problems::new();
        let mut filters = Vec::with_capacity(records.len());
        for (i, record) in records.iter().enumerate() {
            let filter = duplicate_condition(object, record)
                .and_then(|condition| condition.map(|c| Filter::resolve(meta, object, &c)).transpose());
            match filter {
                Ok(filter) => filters.push(filter),
                Err(e) => problems.absorb(&format!("data[{i}]"), e),
            }
        }
        problems.finish(())?;
        let mut pages = Vec::with_capacity(filters.len());
        for filter in filters {
            let Some(filter) = filter else {
                pages.push(Connection::empty());
                continue;
            };
            let page = Page::Forward {
                first: limits.default_size,
                after: None,
            };
            let query = ConnectionQuery::in_default_order(object, Some(filter), page)
                .with_node(node.clone())
                .with_total_count(true)
                .with_parts(Cursors::Ends, true);
            pages.push(self.find_many(meta, &query).await?);
        }
        Ok(pages)
    }
}

/// The filter "shares a criterion with `record`, and is not `record`", or `None` when `record` gives no criterion
/// all its values (each a text of at least [`MIN_DUPLICATE_VALUE_CHARS`] characters).
fn duplicate_condition(object: &ObjectMetadata, record: &Json) -> DomainResult<Option<InputValue>> {
    let Json::Object(fields) = record else {
        return Err(DomainError::validation("expected an object"));
    };
    let value_at = |path: &str| -> Option<String> {
        let mut parts = path.split('.');
        let mut value = fields.get(parts.next()?)?;
        for part in parts {
            value = value.get(part)?;
        }
        value
            .as_str()
            .filter(|s| s.chars().count() >= MIN_DUPLICATE_VALUE_CHARS)
            .map(str::to_owned)
    };
    let mut alternatives = Vec::new();
    for criterion in duplicate_criteria(object) {
        let Some(values) = criterion.iter().map(|path| value_at(path)).collect::<Option<Vec<_>>>() else {
            continue;
        };
        // `{name: {firstName: {eq: …}, lastName: {eq: …}}}`: paths of one field share its entry.
        let mut entries: Vec<(String, InputValue)> = Vec::new();
        for (path, value) in criterion.iter().zip(values) {
            let equal = InputValue::String(value).under(Operator::Eq.name());
            match path.split_once('.') {
                None => entries.push((path.to_string(), equal)),
                Some((field, sub_field)) => match entries.iter_mut().find(|(name, _)| name == field) {
                    Some((_, InputValue::Object(subs))) => subs.push((sub_field.to_string(), equal)),
                    _ => entries.push((field.to_string(), equal.under(sub_field))),
                },
            }
        }
        alternatives.push(InputValue::Object(entries));
    }
    if alternatives.is_empty() {
        return Ok(None);
    }
    let mut condition = vec![("or".to_string(), InputValue::List(alternatives))];
    if let Some(id) = fields.get(SystemField::Id.name()).and_then(Json::as_str) {
        let id = parse_uuid("id", id)?;
        condition.push((
            SystemField::Id.name().to_string(),
            InputValue::String(id.to_string()).under(Operator::Neq.name()),
        ));
    }
    Ok(Some(InputValue::Object(condition)))
}
