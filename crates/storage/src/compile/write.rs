//! Writes: each mutation and its outbox events in one statement (`WITH w AS (<dml> RETURNING *), ev AS
//! (INSERT INTO core.event_outbox …) SELECT <records> FROM w`), so a write never commits without its events.

use super::RowScope;
use super::{Compiler, and_all};
use crate::sql::{Bind, Sql};
use twenty_domain::error::DomainResult;
use twenty_domain::events::RecordEventKind;
use twenty_domain::field_type::SystemField;
use twenty_domain::metadata::{Column, ObjectMetadata};
use twenty_domain::query::Selection;
use twenty_domain::record::{RecordInput, RecordTarget};
use uuid::Uuid;

/// The state-changing statements other than insert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteKind {
    Update,
    SoftDelete,
    Restore,
    Destroy,
}

impl WriteKind {
    fn event(self) -> RecordEventKind {
        match self {
            WriteKind::Update => RecordEventKind::Updated,
            WriteKind::SoftDelete => RecordEventKind::Deleted,
            WriteKind::Restore => RecordEventKind::Restored,
            WriteKind::Destroy => RecordEventKind::Destroyed,
        }
    }

    fn scope(self, target: &RecordTarget) -> RowScope {
        match (self, target) {
            (WriteKind::Update, RecordTarget::Filter(f)) if f.mentions_deleted_at() => RowScope::Any,
            (WriteKind::Update | WriteKind::SoftDelete, _) => RowScope::Live,
            (WriteKind::Restore, _) => RowScope::Deleted,
            (WriteKind::Destroy, _) => RowScope::Any,
        }
    }
}

/// How the records a write returns are ordered.
pub enum RowOrder<'a> {
    /// In the order of these ids (inserts, writes by id).
    Ids(&'a [Uuid]),
    /// `position`, then `id`.
    Default,
}

/// What the final SELECT of a write returns.
pub enum Output<'a> {
    /// One `data` JSON per record, shaped by the selection.
    Records(&'a Selection),
    /// One `id` per record.
    Ids,
}

impl Compiler<'_> {
    /// `INSERT` of every input with ids chosen by the caller (`ids[i]` for `inputs[i]`). With `upsert`, an
    /// existing id is updated with the columns the input sent; the event says `created` or `updated`.
    pub fn insert(
        &mut self,
        object: &ObjectMetadata,
        inputs: &[RecordInput],
        ids: &[Uuid],
        upsert: bool,
        output: Output<'_>,
    ) -> DomainResult<Sql> {
        let mut columns: Vec<&Column> = Vec::new();
        for input in inputs {
            for (column, _) in &input.values {
                if !columns.iter().any(|c| c.name == column.name) {
                    columns.push(column);
                }
            }
        }
        let mut dml = Sql::text("INSERT INTO ");
        dml.append(self.table(object)).push(" AS t (\"id\"");
        for column in &columns {
            dml.push(", ").ident(&column.name);
        }
        dml.push(") VALUES ");
        for (i, (input, id)) in inputs.iter().zip(ids).enumerate() {
            dml.push(if i == 0 { "(" } else { ", (" }).bind(Bind::Uuid(Some(*id)));
            for column in &columns {
                dml.push(", ");
                match input.values.iter().find(|(c, _)| c.name == column.name) {
                    Some((c, value)) => dml.bind_value(c.kind, value),
                    None => dml.push("DEFAULT"),
                };
            }
            dml.push(")");
        }
        let updated_fields = inputs.first().map(|i| i.fields.clone());
        if upsert {
            // Only the columns of fields the client sent are overwritten (one input per statement in upsert mode).
            dml.push(" ON CONFLICT (\"id\") DO UPDATE SET ");
            let sent: Vec<&Column> = inputs
                .first()
                .map(|i| {
                    i.values
                        .iter()
                        .map(|(c, _)| c)
                        .filter(|c| i.fields.contains(&c.field))
                        .collect()
                })
                .unwrap_or_default();
            for column in sent {
                dml.ident(&column.name)
                    .push(" = EXCLUDED.")
                    .ident(&column.name)
                    .push(", ");
            }
            // Upserting a soft-deleted record brings it back: the caller asked for it to exist.
            dml.push("\"updatedAt\" = now(), \"deletedAt\" = NULL");
        }
        dml.push(" RETURNING t.*, (t.xmax = 0) AS \"__inserted\"");
        let event = if upsert {
            let mut e = Sql::text("CASE WHEN e.\"__inserted\" THEN ");
            e.bind(Bind::Text(Some(
                RecordEventKind::Created.event_name(&object.name_singular),
            )));
            e.push(" ELSE ").bind(Bind::Text(Some(
                RecordEventKind::Updated.event_name(&object.name_singular),
            )));
            e.push(" END");
            e
        } else {
            let mut e = Sql::new();
            e.bind(Bind::Text(Some(
                RecordEventKind::Created.event_name(&object.name_singular),
            )));
            e
        };
        let fields = if upsert {
            let mut f = Sql::text("CASE WHEN e.\"__inserted\" THEN NULL ELSE ");
            f.bind(Bind::TextArray(updated_fields)).push(" END");
            f
        } else {
            let mut f = Sql::new();
            f.bind(Bind::TextArray(None));
            f
        };
        self.with_events(object, dml, event, fields, output, RowOrder::Ids(ids))
    }

    /// `UPDATE` (or soft delete, restore) or `DELETE` of the targeted records in their scope.
    pub fn modify(
        &mut self,
        object: &ObjectMetadata,
        kind: WriteKind,
        target: &RecordTarget,
        input: Option<&RecordInput>,
        output: Output<'_>,
    ) -> DomainResult<Sql> {
        let mut dml = match kind {
            WriteKind::Destroy => Sql::text("DELETE FROM "),
            _ => Sql::text("UPDATE "),
        };
        dml.append(self.table(object)).push(" AS t");
        match kind {
            WriteKind::Update => {
                let values = input.map(|i| i.values.as_slice()).unwrap_or_default();
                for (i, (column, value)) in values.iter().enumerate() {
                    dml.push(if i == 0 { " SET " } else { ", " })
                        .ident(&column.name)
                        .push(" = ")
                        .bind_value(column.kind, value);
                }
                // An import restoring a record's relation ids gives the `updatedAt` the record had.
                if !values.iter().any(|(c, _)| c.name == SystemField::UpdatedAt.name()) {
                    dml.push(if values.is_empty() { " SET " } else { ", " })
                        .push("\"updatedAt\" = now()");
                }
            }
            WriteKind::SoftDelete => {
                dml.push(" SET \"deletedAt\" = now()");
            }
            WriteKind::Restore => {
                dml.push(" SET \"deletedAt\" = NULL");
            }
            WriteKind::Destroy => {}
        }
        let mut conditions = self.conditions("t", None, kind.scope(target))?;
        let order = match target {
            RecordTarget::Ids(ids) => {
                let mut c = Sql::text("t.\"id\" = ANY(");
                c.bind(Bind::UuidArray(ids.clone())).push(")");
                conditions.push(c);
                RowOrder::Ids(ids)
            }
            RecordTarget::Filter(filter) => {
                conditions.push(self.filter("t", filter)?);
                RowOrder::Default
            }
        };
        dml.push(" WHERE ").append(and_all(conditions)).push(" RETURNING t.*");
        let mut event = Sql::new();
        event.bind(Bind::Text(Some(kind.event().event_name(&object.name_singular))));
        let mut fields = Sql::new();
        fields.bind(Bind::TextArray(match kind {
            WriteKind::Update => input.map(|i| i.fields.clone()),
            _ => None,
        }));
        self.with_events(object, dml, event, fields, output, order)
    }

    /// Reads records by id with a selection (after a write that needed more than one statement).
    pub fn records_by_ids(
        &mut self,
        object: &ObjectMetadata,
        ids: &[Uuid],
        selection: &Selection,
    ) -> DomainResult<Sql> {
        let o = self.alias("o");
        let (node, joins) = self.node(&o, selection)?;
        let mut sql = Sql::text("SELECT ");
        sql.append(node)
            .push(" AS data FROM ")
            .append(self.table_as(object, &o))
            .append(joins);
        sql.push(" WHERE ")
            .column(&o, "id")
            .push(" = ANY(")
            .bind(Bind::UuidArray(ids.to_vec()))
            .push(")");
        sql.push(" ORDER BY array_position(")
            .bind(Bind::UuidArray(ids.to_vec()))
            .push(", ")
            .column(&o, "id")
            .push(")");
        Ok(sql)
    }

    /// Wraps a data-modifying statement (returning the table's rows) with its outbox insert and the final SELECT.
    fn with_events(
        &mut self,
        object: &ObjectMetadata,
        dml: Sql,
        event: Sql,
        updated_fields: Sql,
        output: Output<'_>,
        order: RowOrder<'_>,
    ) -> DomainResult<Sql> {
        let full = Selection::full_record(object);
        let (payload, _) = self.node("e", &full)?;
        let mut sql = Sql::text("WITH w AS (");
        sql.append(dml).push("), ev AS (INSERT INTO core.event_outbox (workspace_id, event, object_name, record_id, payload, updated_fields) SELECT ");
        sql.bind(Bind::Uuid(Some(self.meta.workspace_id)))
            .push(", ")
            .append(event)
            .push(", ");
        sql.bind(Bind::Text(Some(object.name_singular.clone())))
            .push(", e.\"id\", (")
            .append(payload)
            .push(")::jsonb, ");
        sql.append(updated_fields).push(" FROM w e) SELECT ");
        let o = self.alias("o");
        match output {
            Output::Records(selection) => {
                let (node, joins) = self.node(&o, selection)?;
                sql.append(node).push(" AS data FROM w ").push(&o).append(joins);
            }
            Output::Ids => {
                sql.column(&o, "id").push(" AS id FROM w ").push(&o);
            }
        }
        match order {
            RowOrder::Ids(ids) => {
                sql.push(" ORDER BY array_position(")
                    .bind(Bind::UuidArray(ids.to_vec()))
                    .push(", ")
                    .column(&o, "id")
                    .push(")");
            }
            RowOrder::Default => {
                sql.push(" ORDER BY ")
                    .column(&o, "position")
                    .push(", ")
                    .column(&o, "id");
            }
        }
        Ok(sql)
    }
}
