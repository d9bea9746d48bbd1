//! Record reads and writes: [`RecordStore`] over PostgreSQL. Reads and creates are also functions over one
//! connection (`&mut AsyncPgConnection`) so that a caller may run them inside its own transaction (account
//! creation, tests); writes needing several statements open a transaction (a savepoint when nested).

use crate::compile::{Compiler, Output, WriteKind};
use crate::error::{TxError, to_domain};
use crate::sql::{Bind, IdRow, JsonRow, Sql};
use crate::store::PgStore;
use crate::transaction::tx;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::Value as Json;
use twenty_domain::error::{DomainError, DomainResult};
use twenty_domain::metadata::{ObjectId, ObjectMetadata, WorkspaceMetadata};
use twenty_domain::ports::RecordStore;
use twenty_domain::query::{ConnectionQuery, Selection};
use twenty_domain::record::LifeCycle;
use twenty_domain::record::{LinkWrite, RecordInput, RecordTarget};
use uuid::Uuid;

fn object(meta: &WorkspaceMetadata, id: ObjectId) -> DomainResult<&ObjectMetadata> {
    meta.object(id).ok_or_else(|| DomainError::not_found("object"))
}

/// PostgreSQL's protocol carries at most 65,535 parameters per statement.
const MAX_BIND_PARAMETERS: usize = 65_535;

/// A statement too large to send is the client's doing (huge filters or batches): a validation error.
fn check_size(sql: &Sql) -> Result<(), DomainError> {
    if sql.bind_count() > MAX_BIND_PARAMETERS {
        return Err(DomainError::validation(format!(
            "query too large: it needs {} values, at most {MAX_BIND_PARAMETERS} fit in one statement",
            sql.bind_count()
        )));
    }
    Ok(())
}

async fn load_json(conn: &mut AsyncPgConnection, mut sql: Sql) -> Result<Vec<Json>, TxError> {
    check_size(&sql)?;
    sql.trace();
    sql.prepare_if_hot();
    let rows: Vec<JsonRow> = sql.load(conn).await?;
    Ok(rows.into_iter().map(|r| r.data).collect())
}

async fn load_ids(conn: &mut AsyncPgConnection, sql: Sql) -> Result<Vec<Uuid>, TxError> {
    check_size(&sql)?;
    let rows: Vec<IdRow> = sql.load(conn).await?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// One connection, in one statement.
pub async fn find(
    conn: &mut AsyncPgConnection,
    meta: &WorkspaceMetadata,
    query: &ConnectionQuery,
) -> DomainResult<Json> {
    let mut sql = Compiler::new(meta).find(query)?;
    check_size(&sql)?;
    sql.trace();
    sql.prepare_if_hot();
    let row: JsonRow = sql.get_result(conn).await.map_err(to_domain)?;
    Ok(row.data)
}

/// Inserts every input or none. Ids the client did not choose are generated here, so results keep input order.
pub async fn create(
    conn: &mut AsyncPgConnection,
    meta: &WorkspaceMetadata,
    object_id: ObjectId,
    inputs: &[RecordInput],
    upsert: bool,
    selection: &Selection,
) -> DomainResult<Vec<Json>> {
    let object = object(meta, object_id)?;
    let ids: Vec<Uuid> = inputs.iter().map(|i| i.id.unwrap_or_else(Uuid::new_v4)).collect();
    let has_links = inputs.iter().any(|i| !i.links.is_empty());
    if !upsert && !has_links {
        let sql = Compiler::new(meta).insert(object, inputs, &ids, false, Output::Records(selection))?;
        return Ok(load_json(conn, sql).await?);
    }
    tx(conn, async |conn| {
        let mut records = Vec::new();
        if upsert {
            // One statement per record: each overwrites only the fields its own input sent.
            for (input, id) in inputs.iter().zip(&ids) {
                let output = if has_links {
                    Output::Ids
                } else {
                    Output::Records(selection)
                };
                let sql = Compiler::new(meta).insert(object, std::slice::from_ref(input), &[*id], true, output)?;
                if has_links {
                    load_ids(conn, sql).await?;
                } else {
                    records.extend(load_json(conn, sql).await?);
                }
            }
        } else {
            let sql = Compiler::new(meta).insert(object, inputs, &ids, false, Output::Ids)?;
            load_ids(conn, sql).await?;
        }
        if !has_links {
            return Ok(records);
        }
        let links: Vec<_> = ids
            .iter()
            .zip(inputs)
            .map(|(id, i)| (*id, i.links.as_slice()))
            .collect();
        link_and_read(conn, meta, object, &links, selection).await
    })
    .await
}

/// Each method checks a connection out of the pool; `find` and `create` run the functions of the same name on it.
impl RecordStore for PgStore {
    async fn find(&self, meta: &WorkspaceMetadata, query: &ConnectionQuery) -> DomainResult<Json> {
        find(&mut *self.conn_of(meta.workspace_id).await?, meta, query).await
    }

    async fn create(
        &self,
        meta: &WorkspaceMetadata,
        object: ObjectId,
        inputs: &[RecordInput],
        upsert: bool,
        selection: &Selection,
    ) -> DomainResult<Vec<Json>> {
        create(
            &mut *self.conn_of(meta.workspace_id).await?,
            meta,
            object,
            inputs,
            upsert,
            selection,
        )
        .await
    }

    async fn update(
        &self,
        meta: &WorkspaceMetadata,
        object_id: ObjectId,
        target: &RecordTarget,
        input: &RecordInput,
        selection: &Selection,
    ) -> DomainResult<Vec<Json>> {
        let object = object(meta, object_id)?;
        let conn = &mut *self.conn_of(meta.workspace_id).await?;
        if input.links.is_empty() {
            let output = Output::Records(selection);
            let sql = Compiler::new(meta).modify(object, WriteKind::Update, target, Some(input), output)?;
            return Ok(load_json(conn, sql).await?);
        }
        tx(conn, async |conn| {
            let sql = Compiler::new(meta).modify(object, WriteKind::Update, target, Some(input), Output::Ids)?;
            let ids = load_ids(conn, sql).await?;
            let links: Vec<_> = ids.iter().map(|id| (*id, input.links.as_slice())).collect();
            link_and_read(conn, meta, object, &links, selection).await
        })
        .await
    }

    async fn change_life_cycle(
        &self,
        meta: &WorkspaceMetadata,
        object_id: ObjectId,
        change: LifeCycle,
        target: &RecordTarget,
        selection: &Selection,
    ) -> DomainResult<Vec<Json>> {
        let kind = match change {
            LifeCycle::SoftDelete => WriteKind::SoftDelete,
            LifeCycle::Restore => WriteKind::Restore,
            LifeCycle::Destroy => WriteKind::Destroy,
        };
        let object = object(meta, object_id)?;
        let sql = Compiler::new(meta).modify(object, kind, target, None, Output::Records(selection))?;
        Ok(load_json(&mut *self.conn_of(meta.workspace_id).await?, sql).await?)
    }

    async fn estimated_rows(&self, meta: &WorkspaceMetadata, object_id: ObjectId) -> DomainResult<u64> {
        if let Some(rows) = self.estimates.cached(meta.workspace_id, object_id) {
            return Ok(rows);
        }
        let table = &object(meta, object_id)?.table_name;
        let rows = crate::estimates::estimate(&mut *self.conn().await?, &meta.schema_name, table).await?;
        self.estimates.remember(meta.workspace_id, object_id, rows);
        Ok(rows)
    }
}

/// Replaces the MANY_TO_MANY links of each written record (`(id, links)`), then reads the records back, in that
/// order, with the selection.
async fn link_and_read(
    conn: &mut AsyncPgConnection,
    meta: &WorkspaceMetadata,
    object: &ObjectMetadata,
    links: &[(Uuid, &[LinkWrite])],
    selection: &Selection,
) -> Result<Vec<Json>, TxError> {
    for (id, record_links) in links {
        write_links(conn, meta, *id, record_links).await?;
    }
    let ids: Vec<Uuid> = links.iter().map(|(id, _)| *id).collect();
    let sql = Compiler::new(meta).records_by_ids(object, &ids, selection)?;
    load_json(conn, sql).await
}

/// Replaces the linked sets of MANY_TO_MANY fields of one record.
async fn write_links(
    conn: &mut AsyncPgConnection,
    meta: &WorkspaceMetadata,
    id: Uuid,
    links: &[LinkWrite],
) -> Result<(), TxError> {
    for link in links {
        let mut delete = Sql::text("DELETE FROM ");
        delete
            .table(&meta.schema_name, &link.table)
            .push(" WHERE ")
            .ident(&link.own_column)
            .push(" = ");
        delete.bind(Bind::Uuid(Some(id)));
        delete.execute(conn).await?;
        if link.ids.is_empty() {
            continue;
        }
        let mut insert = Sql::text("INSERT INTO ");
        insert
            .table(&meta.schema_name, &link.table)
            .push(" (")
            .ident(&link.own_column)
            .push(", ");
        insert
            .ident(&link.target_column)
            .push(") SELECT ")
            .bind(Bind::Uuid(Some(id)));
        insert
            .push(", unnest(")
            .bind(Bind::UuidArray(link.ids.clone()))
            .push(")");
        if let Err(e) = insert.execute(conn).await {
            return Err(match to_domain(e) {
                DomainError::Validation { .. } => TxError(DomainError::invalid_field(
                    &link.field,
                    "contains an id that matches no record",
                )),
                other => TxError(other),
            });
        }
    }
    Ok(())
}
