//! Connections: filter, keyset or offset page, order, nested relations and `totalCount` in one statement.

use super::filter::read_scope;
use super::{Compiler, and_all};
use crate::sql::{Bind, Sql};
use twenty_domain::error::DomainResult;
use twenty_domain::metadata::{ObjectMetadata, RelationStorage};
use twenty_domain::query::{ConnectionQuery, Cursors, OrderTerm, Page, SortDirection};
use twenty_domain::value::Value;

/// How a nested connection's rows hang off the parent row under `alias`.
pub(super) struct ParentLink {
    pub alias: String,
    pub storage: RelationStorage,
}

impl Compiler<'_> {
    /// The top-level read: `SELECT <connection json> AS data`.
    pub fn find(&mut self, query: &ConnectionQuery) -> DomainResult<Sql> {
        let object = self.object(query.object_id)?;
        let mut sql = Sql::text("SELECT x.j AS data FROM (");
        sql.append(self.connection(object, query, None)?).push(") x");
        Ok(sql)
    }

    /// A `SELECT … AS j` yielding one connection object (`edges`, `pageInfo`, `totalCount`).
    pub(super) fn connection(
        &mut self,
        object: &ObjectMetadata,
        query: &ConnectionQuery,
        parent: Option<&ParentLink>,
    ) -> DomainResult<Sql> {
        let backward = matches!(query.page, Page::Backward { .. });
        // Backward pages read the reversed order from the cursor, then present rows in the natural order.
        let fetch_order: Vec<OrderTerm> = if backward {
            query.order.iter().map(OrderTerm::reversed).collect()
        } else {
            query.order.clone()
        };
        let size = i64::from(query.page.size());
        let cursor = match &query.page {
            Page::Forward { after, .. } => after.as_ref(),
            Page::Backward { before, .. } => before.as_ref(),
            Page::Offset { .. } => None,
        };

        // 1. The page of base rows: filtered, ordered, limited to size + 1 when `pageInfo` must tell whether more
        // exist, to size otherwise.
        let probe = query.page_info;
        // Only the page's first and last rows need a cursor when the edges carry none: the last is found by the
        // row count, so it is counted then too.
        let ends_only = query.cursors == Cursors::Ends;
        let counted = probe || ends_only;
        let t = self.alias("t");
        let mut conditions = self.base_conditions(query, parent, &t)?;
        if let Some(values) = cursor {
            conditions.push(keyset_after(&t, &fetch_order, values));
        }
        let mut base = Sql::text("SELECT * FROM ");
        base.append(self.table_as(object, &t))
            .push(" WHERE ")
            .append(and_all(conditions));
        base.push(" ORDER BY ").append(order_by(&t, &fetch_order));
        base.push(" LIMIT ")
            .bind(Bind::BigInt(Some(if probe { size + 1 } else { size })));
        if let Page::Offset { offset, .. } = query.page {
            base.push(" OFFSET ")
                .bind(Bind::BigInt(Some(offset.min(i64::MAX as u64) as i64)));
        }

        // 2. Number the rows in the order the page produced them (no re-sort: `OVER ()`), and count them when
        // the probe row matters.
        let p = self.alias("p");
        let mut numbered = Sql::text("SELECT ");
        numbered.push(&p).push(".*, row_number() OVER () AS \"__rn\"");
        if counted {
            numbered.push(", count(*) OVER () AS \"__n\"");
        }
        numbered.push(" FROM (").append(base).push(") ").push(&p);

        // 3. Shape each row of the page (the extra row is dropped before relations are joined).
        let q = self.alias("q");
        let (node, joins) = self.node(&q, &query.node)?;
        let mut rows = Sql::text("SELECT ");
        rows.append(node).push(" AS n, ");
        match query.cursors {
            Cursors::None => {}
            Cursors::Every => {
                rows.append(cursor_expr(&q, &query.order)).push(" AS c, ");
            }
            Cursors::Ends => {
                rows.push("CASE WHEN ")
                    .push(&q)
                    .push(".\"__rn\" = 1 OR ")
                    .push(&q)
                    .push(".\"__rn\" = LEAST(")
                    .push(&q)
                    .push(".\"__n\", ")
                    .bind(Bind::BigInt(Some(size)))
                    .push(") THEN ")
                    .append(cursor_expr(&q, &query.order))
                    .push(" END AS c, ");
            }
        }
        rows.push(&q).push(".\"__rn\" AS o");
        if probe {
            rows.push(", ").push(&q).push(".\"__n\" AS fetched");
        }
        rows.push(" FROM (").append(numbered);
        rows.push(") ").push(&q).append(joins);
        if probe {
            // At least one row survives even for `first: 0`, so that `hasNextPage` can still be known.
            rows.push(" WHERE ")
                .push(&q)
                .push(".\"__rn\" <= ")
                .bind(Bind::BigInt(Some(size.max(1))));
        }

        // 4. Aggregate into the connection: only the parts that were asked for.
        let (natural, reverse) = if backward { ("DESC", "ASC") } else { ("ASC", "DESC") };
        let in_page = |sql: &mut Sql| {
            sql.push(" FILTER (WHERE r.o <= ")
                .bind(Bind::BigInt(Some(size)))
                .push(")");
        };
        let mut sql = Sql::text("SELECT json_build_object('edges', COALESCE(json_agg(json_build_object('node', r.n");
        if query.cursors == Cursors::Every {
            sql.push(", 'cursor', r.c");
        }
        sql.push(") ORDER BY r.o ").push(natural).push(")");
        if probe {
            in_page(&mut sql);
        }
        sql.push(", '[]'::json)");
        if query.page_info {
            let more = {
                let mut m = Sql::text("COALESCE(max(r.fetched) > ");
                m.bind(Bind::BigInt(Some(size))).push(", FALSE)");
                m
            };
            let (has_next, has_previous) = match &query.page {
                Page::Forward { after, .. } => (more, Sql::text(if after.is_some() { "TRUE" } else { "FALSE" })),
                Page::Backward { before, .. } => (Sql::text(if before.is_some() { "TRUE" } else { "FALSE" }), more),
                Page::Offset { offset, .. } => (more, Sql::text(if *offset > 0 { "TRUE" } else { "FALSE" })),
            };
            sql.push(", 'pageInfo', json_build_object('hasNextPage', ")
                .append(has_next);
            sql.push(", 'hasPreviousPage', ").append(has_previous);
            if query.cursors != Cursors::None {
                sql.push(", 'startCursor', (array_agg(r.c ORDER BY r.o ")
                    .push(natural)
                    .push(")");
                in_page(&mut sql);
                sql.push(")[1], 'endCursor', (array_agg(r.c ORDER BY r.o ")
                    .push(reverse)
                    .push(")");
                in_page(&mut sql);
                sql.push(")[1]");
            } else {
                sql.push(", 'startCursor', NULL, 'endCursor', NULL");
            }
            sql.push(")");
        }
        if query.total_count {
            let tc = self.alias("t");
            let conditions = self.base_conditions(query, parent, &tc)?;
            sql.push(", 'totalCount', (SELECT count(*) FROM ")
                .append(self.table_as(object, &tc));
            sql.push(" WHERE ").append(and_all(conditions)).push(")");
        }
        sql.push(") AS j FROM (").append(rows).push(") r");
        Ok(sql)
    }

    /// Scope, filter and parent link of a connection's rows under `alias`.
    fn base_conditions(
        &mut self,
        query: &ConnectionQuery,
        parent: Option<&ParentLink>,
        alias: &str,
    ) -> DomainResult<Vec<Sql>> {
        let mut conditions = self.conditions(alias, query.filter.as_ref(), read_scope(query.filter.as_ref()))?;
        if let Some(parent) = parent {
            conditions.push(self.parent_condition(alias, parent));
        }
        Ok(conditions)
    }

    fn parent_condition(&self, alias: &str, parent: &ParentLink) -> Sql {
        let mut sql = Sql::new();
        match &parent.storage {
            RelationStorage::TargetColumn { column } => {
                sql.column(alias, column).push(" = ").column(&parent.alias, "id");
            }
            RelationStorage::OwnColumn { column } => {
                sql.column(alias, "id").push(" = ").column(&parent.alias, column);
            }
            RelationStorage::Junction {
                table,
                own_column,
                target_column,
            } => {
                sql.column(alias, "id")
                    .push(" IN (SELECT j.")
                    .ident(target_column)
                    .push(" FROM ");
                sql.table(&self.meta.schema_name, table)
                    .push(" j WHERE j.")
                    .ident(own_column);
                sql.push(" = ").column(&parent.alias, "id").push(")");
            }
        }
        sql
    }
}

/// `alias."a" ASC NULLS FIRST, alias."id" ASC NULLS FIRST`
pub(super) fn order_by(alias: &str, terms: &[OrderTerm]) -> Sql {
    let parts = terms
        .iter()
        .map(|term| {
            let mut sql = Sql::new();
            sql.column(alias, &term.column.name);
            sql.push(match term.direction {
                SortDirection::Asc => " ASC",
                SortDirection::Desc => " DESC",
            });
            sql.push(if term.nulls_first {
                " NULLS FIRST"
            } else {
                " NULLS LAST"
            });
            sql
        })
        .collect();
    Sql::join(parts, ", ")
}

/// The opaque cursor of a row: base64url (no padding) of the JSON array of its sort values.
fn cursor_expr(alias: &str, terms: &[OrderTerm]) -> Sql {
    let values = terms
        .iter()
        .map(|t| {
            let mut sql = Sql::text("to_jsonb(");
            sql.column(alias, &t.column.name).push(")");
            sql
        })
        .collect();
    let mut sql = Sql::text("translate(encode(convert_to(jsonb_build_array(");
    sql.append(Sql::join(values, ", "))
        .push(")::text, 'UTF8'), 'base64'), E'+/=\\n', '-_')");
    sql
}

/// Rows strictly after the cursor `values` in the order `terms` (NULL-aware):
/// `(k0 after v0) OR (k0 = v0 AND k1 after v1) OR …`, and, in front, the redundant "`k0` at or after `v0`": an
/// index on `k0` can start its scan at the cursor from that, where the disjunction alone makes PostgreSQL walk the
/// index from its start and filter (a page deep in a long list read every row before it).
fn keyset_after(alias: &str, terms: &[OrderTerm], values: &[Value]) -> Sql {
    let mut disjuncts = Vec::new();
    for i in 0..terms.len().min(values.len()) {
        let Some(beyond) = after(alias, &terms[i], &values[i], false) else {
            continue;
        };
        let mut parts: Vec<Sql> = (0..i).map(|j| equal_value(alias, &terms[j], &values[j])).collect();
        parts.push(beyond);
        disjuncts.push(and_all(parts));
    }
    if disjuncts.is_empty() {
        return Sql::text("FALSE");
    }
    let mut sql = Sql::text("((");
    sql.append(Sql::join(disjuncts, ") OR (")).push("))");
    match terms
        .first()
        .zip(values.first())
        .and_then(|(term, value)| after(alias, term, value, true))
    {
        Some(mut bound) => {
            bound.push(" AND ").append(sql);
            bound
        }
        None => sql,
    }
}

fn equal_value(alias: &str, term: &OrderTerm, value: &Value) -> Sql {
    let mut sql = Sql::new();
    sql.column(alias, &term.column.name);
    if value.is_null() {
        sql.push(" IS NULL");
    } else {
        sql.push(" = ").bind_value(term.column.kind, value);
    }
    sql
}

/// Whether a row comes after `value` on one sort key (`inclusive`: at or after it), or `None` when every row
/// does or none can. `k > v` (`<` descending; `>=` and `<=` inclusive), with the NULLs of a nullable key when they
/// sort last. After a NULL: the values when NULLs sort first, nothing when they sort last; at or after a NULL
/// sorted last: `k IS NULL`.
fn after(alias: &str, term: &OrderTerm, value: &Value, inclusive: bool) -> Option<Sql> {
    let mut sql = Sql::new();
    if value.is_null() {
        if term.nulls_first == inclusive {
            return None;
        }
        let rest = if inclusive { " IS NULL" } else { " IS NOT NULL" };
        sql.column(alias, &term.column.name).push(rest);
        return Some(sql);
    }
    let op = match (term.direction, inclusive) {
        (SortDirection::Asc, false) => " > ",
        (SortDirection::Asc, true) => " >= ",
        (SortDirection::Desc, false) => " < ",
        (SortDirection::Desc, true) => " <= ",
    };
    sql.push("(")
        .column(alias, &term.column.name)
        .push(op)
        .bind_value(term.column.kind, value);
    // NULLs sorted last come after every value — unless the column never holds one.
    if !term.nulls_first && term.column.nullable() {
        sql.push(" OR ").column(alias, &term.column.name).push(" IS NULL");
    }
    sql.push(")");
    Some(sql)
}
