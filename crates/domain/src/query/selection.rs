//! What a client asked for: the fields and nested relations of each record, keyed by response key.

use crate::error::{DomainError, DomainResult};
use crate::metadata::{Column, FieldMetadata, ObjectId, ObjectMetadata, RelationLink, RelationStorage};
use crate::query::ConnectionQuery;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Selection {
    pub items: Vec<SelectionItem>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SelectionItem {
    /// A scalar field or a relation-id column (`companyId`).
    Column { key: String, column: Column },
    /// A composite field, returned as an object of its sub-fields.
    Composite { key: String, columns: Vec<Column> },
    /// A to-one relation: the related record or null.
    ToOne {
        key: String,
        target_object: ObjectId,
        storage: RelationStorage,
        selection: Selection,
    },
    /// A to-many relation: a connection, with its own filter, order and page applied per parent.
    ToMany {
        key: String,
        target_object: ObjectId,
        storage: RelationStorage,
        connection: Box<ConnectionQuery>,
    },
}

impl SelectionItem {
    pub fn key(&self) -> &str {
        match self {
            SelectionItem::Column { key, .. }
            | SelectionItem::Composite { key, .. }
            | SelectionItem::ToOne { key, .. }
            | SelectionItem::ToMany { key, .. } => key,
        }
    }
}

impl Selection {
    pub fn new() -> Self {
        Self::default()
    }

    /// Every stored value of a record: scalar and composite fields and relation ids. This is the record shape of
    /// REST responses and webhook events.
    pub fn full_record(object: &ObjectMetadata) -> Selection {
        let mut selection = Selection::new();
        for field in object.active_fields() {
            selection.push_stored_field(field);
        }
        selection
    }

    fn push_stored_field(&mut self, field: &FieldMetadata) {
        let columns = field.columns();
        if field.composite().is_some() {
            self.push(SelectionItem::Composite {
                key: field.name.clone(),
                columns,
            });
        } else if let Some(column) = columns.into_iter().next() {
            self.push(SelectionItem::Column {
                key: column.field.clone(),
                column,
            });
        }
    }

    /// Adds an item unless its key is taken (GraphQL merges identical response keys).
    pub fn push(&mut self, item: SelectionItem) {
        if !self.items.iter().any(|i| i.key() == item.key()) {
            self.items.push(item);
        }
    }

    /// Selects a scalar, composite or relation-id field by its API name.
    pub fn field(mut self, object: &ObjectMetadata, name: &str) -> DomainResult<Self> {
        self.select_field(object, name)?;
        Ok(self)
    }

    pub fn select_field(&mut self, object: &ObjectMetadata, name: &str) -> DomainResult<()> {
        if let Some(field) = object.active_field(name).filter(|f| f.relation.is_none()) {
            self.push_stored_field(field);
            return Ok(());
        }
        if let Some(relation) = object.relation_by_id_column(name) {
            self.push_stored_field(relation);
            return Ok(());
        }
        Err(DomainError::invalid_field(
            name,
            format!("unknown field on {}", object.name_singular),
        ))
    }

    /// Selects a to-one relation under `key` with the related record's selection.
    pub fn to_one(
        mut self,
        object: &ObjectMetadata,
        field: &str,
        key: &str,
        selection: Selection,
    ) -> DomainResult<Self> {
        let link = relation_link(object, field, true)?;
        self.push(SelectionItem::ToOne {
            key: key.to_string(),
            target_object: link.target_object_id,
            storage: link.storage.clone(),
            selection,
        });
        Ok(self)
    }

    /// Selects a to-many relation under `key`; `connection` must query the relation's target object.
    pub fn to_many(
        mut self,
        object: &ObjectMetadata,
        field: &str,
        key: &str,
        connection: ConnectionQuery,
    ) -> DomainResult<Self> {
        let link = relation_link(object, field, false)?;
        if connection.object_id != link.target_object_id {
            return Err(DomainError::invalid_field(field, "nested query is for another object"));
        }
        self.push(SelectionItem::ToMany {
            key: key.to_string(),
            target_object: link.target_object_id,
            storage: link.storage.clone(),
            connection: Box::new(connection),
        });
        Ok(self)
    }
}
/// The link of relation field `field`, which must be to-one (`to_one`) or to-many.
fn relation_link<'o>(object: &'o ObjectMetadata, field: &str, to_one: bool) -> DomainResult<&'o RelationLink> {
    object
        .active_field(field)
        .and_then(|f| f.relation.as_ref())
        .filter(|l| l.is_to_one() == to_one)
        .ok_or_else(|| {
            let kind = if to_one { "to-one" } else { "to-many" };
            DomainError::invalid_field(field, format!("not a {kind} relation"))
        })
}
