//! Dynamic SQL: statements assembled from text segments and typed bind parameters. Diesel numbers the
//! placeholders while walking the fragment, so pieces compose in any order without hand-written `$n`.
//!
//! This module is the only place that turns names into SQL identifiers ([`Sql::ident`]); every value is a bind.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{Array, BigInt, Bool, Date, Double, Jsonb, Nullable, Text, Timestamptz, Untyped};
use diesel::{QueryResult, QueryableByName};
use twenty_domain::field_type::ScalarKind;
use twenty_domain::value::Value;
use uuid::Uuid;

/// One bind parameter with its SQL type.
#[derive(Debug, Clone)]
pub enum Bind {
    Text(Option<String>),
    Float(Option<f64>),
    BigInt(Option<i64>),
    Bool(Option<bool>),
    Uuid(Option<Uuid>),
    Timestamp(Option<DateTime<Utc>>),
    Date(Option<NaiveDate>),
    TextArray(Option<Vec<String>>),
    UuidArray(Vec<Uuid>),
    BigIntArray(Vec<i64>),
    FloatArray(Vec<f64>),
    TimestampArray(Vec<DateTime<Utc>>),
    DateArray(Vec<NaiveDate>),
    /// Exact decimals, sent as their texts and cast.
    NumericArray(Vec<String>),
    Json(Option<serde_json::Value>),
    /// An exact decimal, sent as its text.
    Numeric(Option<String>),
}

impl Bind {
    /// The bind of a value stored in a column of `kind`.
    pub fn of(kind: ScalarKind, value: &Value) -> Bind {
        match value {
            Value::Null => match kind {
                ScalarKind::Text => Bind::Text(None),
                ScalarKind::Float => Bind::Float(None),
                ScalarKind::BigInt => Bind::BigInt(None),
                ScalarKind::Boolean => Bind::Bool(None),
                ScalarKind::Uuid => Bind::Uuid(None),
                ScalarKind::Timestamp => Bind::Timestamp(None),
                ScalarKind::Date => Bind::Date(None),
                ScalarKind::TextArray => Bind::TextArray(None),
                ScalarKind::Json => Bind::Json(None),
                ScalarKind::Decimal => Bind::Numeric(None),
            },
            Value::Text(s) => Bind::Text(Some(s.clone())),
            Value::Float(f) => Bind::Float(Some(*f)),
            Value::BigInt(i) if kind == ScalarKind::Float => Bind::Float(Some(*i as f64)),
            Value::BigInt(i) => Bind::BigInt(Some(*i)),
            Value::Boolean(b) => Bind::Bool(Some(*b)),
            Value::Uuid(u) => Bind::Uuid(Some(*u)),
            Value::Timestamp(t) => Bind::Timestamp(Some(*t)),
            Value::Date(d) => Bind::Date(Some(*d)),
            Value::TextArray(items) => Bind::TextArray(Some(items.clone())),
            Value::Json(j) => Bind::Json(Some(j.clone())),
            Value::Decimal(d) => Bind::Numeric(Some(d.clone())),
        }
    }

    /// Every value of a list stored as `kind`, in one bind of the matching array type, for `column = ANY($n)`:
    /// one parameter whatever the list's length, so one statement text and one plan, and PostgreSQL reads the
    /// array once rather than a row of parameters per row. `None` when `kind` has no array type or a value is
    /// null or not of `kind`.
    pub fn list(kind: ScalarKind, values: &[Value]) -> Option<Bind> {
        // The values of the scalar bind `$scalar` of every item, or `None` when one is not that bind or null.
        macro_rules! each {
            ($scalar:ident) => {
                values
                    .iter()
                    .map(|v| match Bind::of(kind, v) {
                        Bind::$scalar(value) => value,
                        _ => None,
                    })
                    .collect::<Option<Vec<_>>>()?
            };
        }
        Some(match kind {
            ScalarKind::Text => Bind::TextArray(Some(each!(Text))),
            ScalarKind::Decimal => Bind::NumericArray(each!(Numeric)),
            ScalarKind::Uuid => Bind::UuidArray(each!(Uuid)),
            ScalarKind::BigInt => Bind::BigIntArray(each!(BigInt)),
            ScalarKind::Float => Bind::FloatArray(each!(Float)),
            ScalarKind::Timestamp => Bind::TimestampArray(each!(Timestamp)),
            ScalarKind::Date => Bind::DateArray(each!(Date)),
            ScalarKind::Boolean | ScalarKind::TextArray | ScalarKind::Json => return None,
        })
    }
}

impl Bind {
    /// The PostgreSQL type the value is sent as.
    fn type_name(&self) -> &'static str {
        match self {
            Bind::Text(_) => "text",
            Bind::Float(_) => "float8",
            Bind::BigInt(_) => "int8",
            Bind::Bool(_) => "bool",
            Bind::Uuid(_) => "uuid",
            Bind::Timestamp(_) => "timestamptz",
            Bind::Date(_) => "date",
            Bind::TextArray(_) => "text[]",
            Bind::UuidArray(_) => "uuid[]",
            Bind::BigIntArray(_) => "int8[]",
            Bind::FloatArray(_) => "float8[]",
            Bind::TimestampArray(_) => "timestamptz[]",
            Bind::DateArray(_) => "date[]",
            Bind::NumericArray(_) => "numeric[]",
            Bind::Json(_) => "jsonb",
            Bind::Numeric(_) => "numeric",
        }
    }

    fn as_text(&self) -> Option<String> {
        fn array(items: &[String]) -> String {
            let quoted: Vec<String> = items
                .iter()
                .map(|i| format!("\"{}\"", i.replace('\\', "\\\\").replace('"', "\\\"")))
                .collect();
            format!("{{{}}}", quoted.join(","))
        }
        match self {
            Bind::Text(v) | Bind::Numeric(v) => v.clone(),
            Bind::Float(v) => v.map(|f| f.to_string()),
            Bind::BigInt(v) => v.map(|i| i.to_string()),
            Bind::Bool(v) => v.map(|b| b.to_string()),
            Bind::Uuid(v) => v.map(|u| u.to_string()),
            Bind::Timestamp(v) => v.map(|t| t.to_rfc3339()),
            Bind::Date(v) => v.map(|d| d.to_string()),
            Bind::TextArray(v) => v.as_deref().map(array),
            Bind::UuidArray(v) => Some(array(&v.iter().map(Uuid::to_string).collect::<Vec<_>>())),
            Bind::BigIntArray(v) => Some(array(&v.iter().map(i64::to_string).collect::<Vec<_>>())),
            Bind::FloatArray(v) => Some(array(&v.iter().map(f64::to_string).collect::<Vec<_>>())),
            Bind::TimestampArray(v) => Some(array(&v.iter().map(DateTime::to_rfc3339).collect::<Vec<_>>())),
            Bind::DateArray(v) => Some(array(&v.iter().map(NaiveDate::to_string).collect::<Vec<_>>())),
            Bind::NumericArray(v) => Some(array(v)),
            Bind::Json(v) => v.as_ref().map(|j| j.to_string()),
        }
    }
}

#[derive(Debug, Clone)]
enum Segment {
    Text(String),
    Bind(Bind),
}

/// A statement or fragment under construction.
#[derive(Debug, Clone, Default)]
pub struct Sql {
    segments: Vec<Segment>,
    /// Sent unnamed: PostgreSQL parses and plans it once, and no connection keeps it (see [`Sql::prepare_if_hot`]).
    unprepared: bool,
}

/// Statement texts seen recently, by hash: a text is kept prepared on a connection only once it has run
/// [`PREPARE_AFTER`] times. Without this every workspace (its schema name is in every statement) and every rare
/// query shape would stay prepared on every pooled connection for the connection's lifetime.
static SEEN: std::sync::Mutex<Option<std::collections::HashMap<u64, u32>>> = std::sync::Mutex::new(None);
/// Runs of one statement text before it is prepared.
pub const PREPARE_AFTER: u32 = 3;
/// Distinct texts remembered; the memory starts over when full.
const SEEN_CAPACITY: usize = 8192;

impl Sql {
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts a fragment with fixed SQL text.
    pub fn text(sql: &str) -> Self {
        let mut s = Sql::new();
        s.push(sql);
        s
    }

    /// Appends fixed SQL text (never data).
    pub fn push(&mut self, sql: &str) -> &mut Self {
        match self.segments.last_mut() {
            Some(Segment::Text(t)) => t.push_str(sql),
            _ => self.segments.push(Segment::Text(sql.to_string())),
        }
        self
    }

    /// Appends a quoted identifier. Names come from validated metadata; quoting doubles any `"` regardless.
    pub fn ident(&mut self, name: &str) -> &mut Self {
        let quoted = quote_ident(name);
        self.push(&quoted)
    }

    /// Appends `alias."column"`.
    pub fn column(&mut self, alias: &str, name: &str) -> &mut Self {
        self.push(alias).push(".").ident(name)
    }

    /// Appends `"schema"."table"`.
    pub fn table(&mut self, schema: &str, table: &str) -> &mut Self {
        self.ident(schema).push(".").ident(table)
    }

    /// Appends a JSON object key as a string literal. Keys are field names or GraphQL response keys, which are
    /// restricted to `[_A-Za-z][_0-9A-Za-z]*`; quotes are escaped regardless.
    pub fn key(&mut self, key: &str) -> &mut Self {
        let literal = format!("'{}'", key.replace('\'', "''"));
        self.push(&literal)
    }

    pub fn bind(&mut self, bind: Bind) -> &mut Self {
        self.segments.push(Segment::Bind(bind));
        self
    }

    pub fn bind_value(&mut self, kind: ScalarKind, value: &Value) -> &mut Self {
        self.bind(Bind::of(kind, value))
    }

    pub fn append(&mut self, other: Sql) -> &mut Self {
        for segment in other.segments {
            match segment {
                Segment::Text(t) => {
                    self.push(&t);
                }
                Segment::Bind(b) => {
                    self.segments.push(Segment::Bind(b));
                }
            }
        }
        self
    }

    /// Joins fragments with a separator.
    pub fn join(parts: Vec<Sql>, separator: &str) -> Sql {
        let mut out = Sql::new();
        for (i, part) in parts.into_iter().enumerate() {
            if i > 0 {
                out.push(separator);
            }
            out.append(part);
        }
        out
    }

    pub fn is_empty(&self) -> bool {
        self.segments.is_empty()
    }

    /// The SQL text with `$n` placeholders, for logs and tests.
    pub fn to_debug_string(&self) -> String {
        let mut out = String::new();
        let mut n = 0;
        for segment in &self.segments {
            match segment {
                Segment::Text(t) => out.push_str(t),
                Segment::Bind(_) => {
                    n += 1;
                    out.push_str(&format!("${n}"));
                }
            }
        }
        out
    }

    /// The bind values as (PostgreSQL type, text input format or `None` for NULL), in placeholder order: with
    /// [`Sql::to_debug_string`], what the statement capture of the benchmarks replays.
    pub fn params_as_text(&self) -> Vec<(&'static str, Option<String>)> {
        self.segments
            .iter()
            .filter_map(|s| match s {
                Segment::Bind(b) => Some((b.type_name(), b.as_text())),
                Segment::Text(_) => None,
            })
            .collect()
    }

    /// Logs the statement and its values at TRACE under target `twenty_storage::statement` (the benchmark's
    /// capture switch: `RUST_LOG=twenty_storage::statement=trace`). Values are data, so never at a lower level.
    pub fn trace(&self) {
        if tracing::enabled!(target: "twenty_storage::statement", tracing::Level::TRACE) {
            let params = serde_json::to_string(&self.params_as_text()).unwrap_or_default();
            tracing::trace!(target: "twenty_storage::statement", sql = %self.to_debug_string(), %params, "statement");
        }
    }

    /// Marks the statement to be sent unprepared unless its text is hot (has run [`PREPARE_AFTER`] times
    /// recently). Called once, on the complete statement, before it is sent.
    pub fn prepare_if_hot(&mut self) {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        for segment in &self.segments {
            match segment {
                Segment::Text(t) => t.hash(&mut hasher),
                Segment::Bind(b) => b.type_name().hash(&mut hasher),
            }
        }
        let key = hasher.finish();
        let Ok(mut seen) = SEEN.lock() else { return };
        let seen = seen.get_or_insert_with(std::collections::HashMap::new);
        if seen.len() >= SEEN_CAPACITY && !seen.contains_key(&key) {
            seen.clear();
        }
        let runs = seen.entry(key).or_insert(0);
        *runs = runs.saturating_add(1);
        self.unprepared = *runs < PREPARE_AFTER;
    }

    pub fn bind_count(&self) -> usize {
        self.segments.iter().filter(|s| matches!(s, Segment::Bind(_))).count()
    }
}

pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

impl QueryFragment<Pg> for Sql {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        if self.unprepared {
            out.unsafe_to_cache_prepared();
        }
        for segment in &self.segments {
            match segment {
                Segment::Text(t) => out.push_sql(t),
                Segment::Bind(b) => match b {
                    Bind::Text(v) => out.push_bind_param::<Nullable<Text>, _>(v)?,
                    Bind::Float(v) => out.push_bind_param::<Nullable<Double>, _>(v)?,
                    Bind::BigInt(v) => out.push_bind_param::<Nullable<BigInt>, _>(v)?,
                    Bind::Bool(v) => out.push_bind_param::<Nullable<Bool>, _>(v)?,
                    Bind::Uuid(v) => out.push_bind_param::<Nullable<diesel::sql_types::Uuid>, _>(v)?,
                    Bind::Timestamp(v) => out.push_bind_param::<Nullable<Timestamptz>, _>(v)?,
                    Bind::Date(v) => out.push_bind_param::<Nullable<Date>, _>(v)?,
                    Bind::TextArray(v) => out.push_bind_param::<Nullable<Array<Text>>, _>(v)?,
                    Bind::UuidArray(v) => out.push_bind_param::<Array<diesel::sql_types::Uuid>, _>(v)?,
                    Bind::BigIntArray(v) => out.push_bind_param::<Array<BigInt>, _>(v)?,
                    Bind::FloatArray(v) => out.push_bind_param::<Array<Double>, _>(v)?,
                    Bind::TimestampArray(v) => out.push_bind_param::<Array<Timestamptz>, _>(v)?,
                    Bind::DateArray(v) => out.push_bind_param::<Array<Date>, _>(v)?,
                    Bind::NumericArray(v) => {
                        out.push_sql("CAST(");
                        out.push_bind_param::<Array<Text>, _>(v)?;
                        out.push_sql(" AS numeric[])");
                    }
                    Bind::Json(v) => out.push_bind_param::<Nullable<Jsonb>, _>(v)?,
                    // Sent as text and cast, so no decimal library sits between the client's digits and the column.
                    Bind::Numeric(v) => {
                        out.push_sql("CAST(");
                        out.push_bind_param::<Nullable<Text>, _>(v)?;
                        out.push_sql(" AS numeric)");
                    }
                },
            }
        }
        Ok(())
    }
}

impl QueryId for Sql {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for Sql {
    type SqlType = Untyped;
}

/// A statement's single `json` result column, named `data`.
#[derive(Debug, QueryableByName)]
pub struct JsonRow {
    #[diesel(sql_type = diesel::sql_types::Json)]
    pub data: serde_json::Value,
}

/// A statement's single `uuid` result column, named `id`.
#[derive(Debug, QueryableByName)]
pub struct IdRow {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub id: Uuid,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_quoted_and_values_bound() {
        let mut sql = Sql::text("SELECT ");
        sql.column("t", "name")
            .push(" FROM ")
            .table("ws", "we\"ird")
            .push(" WHERE x = ")
            .bind(Bind::Text(Some("'; DROP".into())));
        assert_eq!(
            sql.to_debug_string(),
            "SELECT t.\"name\" FROM \"ws\".\"we\"\"ird\" WHERE x = $1"
        );
        assert_eq!(sql.bind_count(), 1);
    }
}
