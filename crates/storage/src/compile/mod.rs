//! The record query compiler: domain queries and writes → one parameterised SQL statement each, returning the
//! records already shaped as the API's JSON.
//!
//! Aliases are generated (`t1`, `l2`, …); identifiers come from metadata and are quoted by [`Sql`]; every value
//! is a bind parameter.

mod filter;
mod read;
mod write;

pub use write::{Output, RowOrder, WriteKind};

use crate::sql::Sql;
use twenty_domain::error::{DomainError, DomainResult};
use twenty_domain::field_type::ScalarKind;
use twenty_domain::metadata::{Column, ObjectId, ObjectMetadata, RelationStorage, WorkspaceMetadata};
use twenty_domain::query::{Selection, SelectionItem};

/// Which rows a statement may see with respect to soft deletion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowScope {
    /// Not soft-deleted.
    Live,
    /// Soft-deleted only (restore).
    Deleted,
    /// Everything (destroy, or a filter that names `deletedAt`).
    Any,
}

/// `jsonb_build_object` takes at most 100 arguments; larger objects are built in chunks joined with `||`.
const JSON_PAIRS_PER_CALL: usize = 50;

pub struct Compiler<'m> {
    meta: &'m WorkspaceMetadata,
    aliases: usize,
}

impl<'m> Compiler<'m> {
    pub fn new(meta: &'m WorkspaceMetadata) -> Self {
        Compiler { meta, aliases: 0 }
    }

    fn alias(&mut self, prefix: &str) -> String {
        self.aliases += 1;
        format!("{prefix}{}", self.aliases)
    }

    fn object(&self, id: ObjectId) -> DomainResult<&'m ObjectMetadata> {
        self.meta.object(id).ok_or_else(|| DomainError::not_found("object"))
    }

    /// `"schema"."table" alias`
    fn table_as(&self, object: &ObjectMetadata, alias: &str) -> Sql {
        let mut sql = Sql::new();
        sql.table(&self.meta.schema_name, &object.table_name)
            .push(" ")
            .push(alias);
        sql
    }

    fn table(&self, object: &ObjectMetadata) -> Sql {
        let mut sql = Sql::new();
        sql.table(&self.meta.schema_name, &object.table_name);
        sql
    }

    /// The JSON of one record of `object` under `alias`, shaped by `selection`, plus the LATERAL joins its
    /// relations need. The joins must follow the FROM item that defines `alias`.
    fn node(&mut self, alias: &str, selection: &Selection) -> DomainResult<(Sql, Sql)> {
        let mut pairs: Vec<Sql> = Vec::new();
        let mut joins = Sql::new();
        for item in &selection.items {
            let mut pair = Sql::new();
            pair.key(item.key()).push(", ");
            match item {
                SelectionItem::Column { column, .. } => {
                    pair.append(output_value(alias, column));
                }
                SelectionItem::Composite { columns, .. } => {
                    let parts = columns
                        .iter()
                        .map(|c| {
                            let mut p = Sql::new();
                            p.key(c.sub_field.unwrap_or(&c.name))
                                .push(", ")
                                .append(output_value(alias, c));
                            p
                        })
                        .collect();
                    pair.push("json_build_object(").append(Sql::join(parts, ", ")).push(")");
                }
                SelectionItem::ToOne {
                    target_object,
                    storage,
                    selection,
                    ..
                } => {
                    let lateral = self.alias("l");
                    let target = self.object(*target_object)?;
                    let t = self.alias("t");
                    let (json, inner_joins) = self.node(&t, selection)?;
                    let mut sub = Sql::text(" LEFT JOIN LATERAL (SELECT ");
                    sub.append(json)
                        .push(" AS j FROM ")
                        .append(self.table_as(target, &t))
                        .append(inner_joins);
                    sub.push(" WHERE ");
                    match storage {
                        RelationStorage::OwnColumn { column } => sub.column(&t, "id").push(" = ").column(alias, column),
                        RelationStorage::TargetColumn { column } => {
                            sub.column(&t, column).push(" = ").column(alias, "id")
                        }
                        RelationStorage::Junction { .. } => {
                            return Err(DomainError::internal("a junction relation is not to-one"));
                        }
                    };
                    sub.push(" AND ")
                        .column(&t, "deletedAt")
                        .push(" IS NULL LIMIT 1) ")
                        .push(&lateral)
                        .push(" ON TRUE");
                    joins.append(sub);
                    pair.push(&lateral).push(".j");
                }
                SelectionItem::ToMany {
                    target_object,
                    storage,
                    connection,
                    ..
                } => {
                    let lateral = self.alias("l");
                    let target = self.object(*target_object)?;
                    let parent = read::ParentLink {
                        alias: alias.to_string(),
                        storage: storage.clone(),
                    };
                    let sub = self.connection(target, connection, Some(&parent))?;
                    joins
                        .push(" LEFT JOIN LATERAL (")
                        .append(sub)
                        .push(") ")
                        .push(&lateral)
                        .push(" ON TRUE");
                    pair.push(&lateral).push(".j");
                }
            }
            pairs.push(pair);
        }
        Ok((json_object(pairs), joins))
    }

    /// `alias."deletedAt" IS NULL` and friends; `None` for [`RowScope::Any`].
    fn scope(alias: &str, scope: RowScope) -> Option<Sql> {
        let mut sql = Sql::new();
        match scope {
            RowScope::Live => sql.column(alias, "deletedAt").push(" IS NULL"),
            RowScope::Deleted => sql.column(alias, "deletedAt").push(" IS NOT NULL"),
            RowScope::Any => return None,
        };
        Some(sql)
    }
}

/// Builds a JSON object from `'key', value` pairs. `json`, not `jsonb`: nothing is looked up in it, and `json`
/// is built by appending text. Past PostgreSQL's argument limit the pairs are built in `jsonb` chunks joined with
/// `||` (`json` has no such operator).
fn json_object(pairs: Vec<Sql>) -> Sql {
    if pairs.is_empty() {
        return Sql::text("'{}'::json");
    }
    if pairs.len() <= JSON_PAIRS_PER_CALL {
        let mut sql = Sql::text("json_build_object(");
        sql.append(Sql::join(pairs, ", ")).push(")");
        return sql;
    }
    let mut chunks = Vec::new();
    let mut pairs = pairs.into_iter().peekable();
    while pairs.peek().is_some() {
        let chunk: Vec<Sql> = pairs.by_ref().take(JSON_PAIRS_PER_CALL).collect();
        let mut sql = Sql::text("jsonb_build_object(");
        sql.append(Sql::join(chunk, ", ")).push(")");
        chunks.push(sql);
    }
    let mut sql = Sql::text("(");
    sql.append(Sql::join(chunks, " || ")).push(")::json");
    sql
}

/// A column as it appears in API output: timestamps as UTC RFC 3339 with milliseconds, the rest as stored.
fn output_value(alias: &str, column: &Column) -> Sql {
    let mut sql = Sql::new();
    match column.kind {
        ScalarKind::Timestamp => {
            sql.push("to_char(")
                .column(alias, &column.name)
                // The colons are quoted literals: the same output, and no `:name` that pgbench (replaying a
                // captured statement) would take for a variable.
                .push(" AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24\":\"MI\":\"SS.MS\"Z\"')");
        }
        // Exact decimals travel as strings: a JSON number would lose digits in most clients.
        ScalarKind::Decimal => {
            sql.column(alias, &column.name).push("::text");
        }
        _ => {
            sql.column(alias, &column.name);
        }
    }
    sql
}

fn and_all(parts: Vec<Sql>) -> Sql {
    let parts: Vec<Sql> = parts.into_iter().filter(|p| !p.is_empty()).collect();
    if parts.is_empty() {
        return Sql::text("TRUE");
    }
    let mut sql = Sql::text("(");
    sql.append(Sql::join(parts, ") AND (")).push(")");
    sql
}
