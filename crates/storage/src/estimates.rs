//! Row estimates of workspace tables, from PostgreSQL's statistics (`pg_class.reltuples`, no scan), kept in memory
//! for a minute: the GraphQL cost model asks for them before every document that counts rows.

use diesel::QueryableByName;
use diesel::sql_types::{Double, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use twenty_domain::error::DomainResult;
use twenty_domain::metadata::{ObjectId, WorkspaceId};

use crate::error::to_domain;

/// How long an estimate is reused.
const FRESH_FOR: Duration = Duration::from_secs(60);
/// Estimates kept before the cache starts over.
const CAPACITY: usize = 10_000;

#[derive(Default)]
pub struct RowEstimates {
    entries: Mutex<HashMap<(WorkspaceId, ObjectId), (u64, Instant)>>,
}

#[derive(QueryableByName)]
struct Estimate {
    #[diesel(sql_type = Double)]
    rows: f64,
}

impl RowEstimates {
    pub fn cached(&self, workspace: WorkspaceId, object: ObjectId) -> Option<u64> {
        let entries = self.entries.lock().ok()?;
        let (rows, at) = entries.get(&(workspace, object))?;
        (at.elapsed() < FRESH_FOR).then_some(*rows)
    }

    pub fn remember(&self, workspace: WorkspaceId, object: ObjectId, rows: u64) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= CAPACITY {
                entries.clear();
            }
            entries.insert((workspace, object), (rows, Instant::now()));
        }
    }
}

/// PostgreSQL's estimate of the rows of `schema.table`; 0 for a table never analysed or not found.
pub async fn estimate(conn: &mut AsyncPgConnection, schema: &str, table: &str) -> DomainResult<u64> {
    let found: Vec<Estimate> = diesel::sql_query(
        "SELECT greatest(c.reltuples, 0)::float8 AS rows FROM pg_class c \
         JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2",
    )
    .bind::<Text, _>(schema)
    .bind::<Text, _>(table)
    .load(conn)
    .await
    .map_err(to_domain)?;
    Ok(found.into_iter().next().map_or(0, |e| e.rows as u64))
}
