//! Filters → WHERE clauses.

use super::RowScope;
use super::{Compiler, and_all};
use crate::sql::{Bind, Sql};
use twenty_domain::error::{DomainError, DomainResult};
use twenty_domain::metadata::ObjectMetadata;
use twenty_domain::query::{Comparison, Filter};

impl Compiler<'_> {
    /// The condition of `filter` on the rows of `alias`.
    pub(super) fn filter(&mut self, alias: &str, filter: &Filter) -> DomainResult<Sql> {
        Ok(match filter {
            Filter::And(items) => {
                let parts = items
                    .iter()
                    .map(|f| self.filter(alias, f))
                    .collect::<DomainResult<Vec<_>>>()?;
                and_all(parts)
            }
            Filter::Or(items) => {
                if items.is_empty() {
                    return Ok(Sql::text("FALSE"));
                }
                let parts = items
                    .iter()
                    .map(|f| self.filter(alias, f))
                    .collect::<DomainResult<Vec<_>>>()?;
                let mut sql = Sql::text("((");
                sql.append(Sql::join(parts, ") OR (")).push("))");
                sql
            }
            Filter::Not(inner) => {
                // A NULL comparison counts as "not matching", so its negation matches.
                let mut sql = Sql::text("NOT COALESCE((");
                sql.append(self.filter(alias, inner)?).push("), FALSE)");
                sql
            }
            Filter::Compare { column, op } => {
                let mut sql = Sql::new();
                let kind = column.kind;
                // `column <operator> $n`, and `column <suffix>` for the operators without a value.
                let binary = |sql: &mut Sql, operator: &str, bind: Bind| {
                    sql.column(alias, &column.name).push(operator).bind(bind);
                };
                let unary = |sql: &mut Sql, suffix: &str| {
                    sql.column(alias, &column.name).push(suffix);
                };
                let text = |pattern: &String| Bind::Text(Some(pattern.clone()));
                let texts = |items: &Vec<String>| Bind::TextArray(Some(items.clone()));
                match op {
                    Comparison::Eq(v) => binary(&mut sql, " = ", Bind::of(kind, v)),
                    Comparison::Neq(v) => binary(&mut sql, " <> ", Bind::of(kind, v)),
                    Comparison::Gt(v) => binary(&mut sql, " > ", Bind::of(kind, v)),
                    Comparison::Gte(v) => binary(&mut sql, " >= ", Bind::of(kind, v)),
                    Comparison::Lt(v) => binary(&mut sql, " < ", Bind::of(kind, v)),
                    Comparison::Lte(v) => binary(&mut sql, " <= ", Bind::of(kind, v)),
                    Comparison::In(values) if values.is_empty() => {
                        sql.push("FALSE");
                    }
                    Comparison::In(values) => {
                        // The domain types every value of an `in` list by the column's kind, and only kinds with
                        // an array type take `in` (field_type::operators_of_kind).
                        let list = Bind::list(kind, values)
                            .ok_or_else(|| DomainError::internal(format!("an `in` list on a {kind:?} column")))?;
                        binary(&mut sql, " = ANY(", list);
                        sql.push(")");
                    }
                    Comparison::IsNull => unary(&mut sql, " IS NULL"),
                    Comparison::IsNotNull => unary(&mut sql, " IS NOT NULL"),
                    Comparison::Like(pattern) => binary(&mut sql, " LIKE ", text(pattern)),
                    Comparison::ILike(pattern) => binary(&mut sql, " ILIKE ", text(pattern)),
                    Comparison::StartsWith(prefix) => {
                        // starts_with compares literally: `%` and `_` in the prefix are not wildcards.
                        sql.push("starts_with(");
                        unary(&mut sql, ", ");
                        sql.bind(text(prefix)).push(")");
                    }
                    Comparison::ContainsAny(items) => binary(&mut sql, " && ", texts(items)),
                    Comparison::ContainsAll(items) => binary(&mut sql, " @> ", texts(items)),
                }
                sql
            }
            Filter::Related {
                join_column,
                target_object,
                filter,
                ..
            } => {
                let target = self.object(*target_object)?;
                self.exists_related(alias, join_column, target, filter)?
            }
        })
    }

    /// `EXISTS (SELECT 1 FROM target WHERE target.id = alias.join_column AND …)`; soft-deleted targets count only
    /// when the nested filter names `deletedAt`.
    fn exists_related(
        &mut self,
        alias: &str,
        join_column: &str,
        target: &ObjectMetadata,
        filter: &Filter,
    ) -> DomainResult<Sql> {
        let t = self.alias("t");
        let mut sql = Sql::text("EXISTS (SELECT 1 FROM ");
        sql.append(self.table_as(target, &t))
            .push(" WHERE ")
            .column(&t, "id")
            .push(" = ")
            .column(alias, join_column);
        let scope = if filter.mentions_deleted_at() {
            RowScope::Any
        } else {
            RowScope::Live
        };
        if let Some(s) = Self::scope(&t, scope) {
            sql.push(" AND ").append(s);
        }
        sql.push(" AND ").append(self.filter(&t, filter)?).push(")");
        Ok(sql)
    }

    /// Scope and optional filter together: the WHERE condition of a read or bulk write.
    pub(super) fn conditions(
        &mut self,
        alias: &str,
        filter: Option<&Filter>,
        scope: RowScope,
    ) -> DomainResult<Vec<Sql>> {
        let mut parts = Vec::new();
        if let Some(s) = Self::scope(alias, scope) {
            parts.push(s);
        }
        if let Some(f) = filter {
            parts.push(self.filter(alias, f)?);
        }
        Ok(parts)
    }
}

/// Reads hide soft-deleted records unless the filter names `deletedAt`.
pub(super) fn read_scope(filter: Option<&Filter>) -> RowScope {
    if filter.is_some_and(Filter::mentions_deleted_at) {
        RowScope::Any
    } else {
        RowScope::Live
    }
}
