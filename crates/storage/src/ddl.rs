//! DDL generated from metadata: a schema per workspace, a table per object, a column per field (and per composite
//! sub-field), foreign keys with indexes, junction tables. DDL takes no bind parameters, so it is built only from
//! identifiers (quoted) and fixed SQL text — never from values.

use crate::sql::quote_ident;
use twenty_domain::field_type::ScalarKind;
use twenty_domain::metadata::{Column, FieldMetadata, ObjectMetadata, OnDelete, RelationMetadata, WorkspaceMetadata};

pub fn sql_type(kind: ScalarKind) -> &'static str {
    match kind {
        ScalarKind::Text => "text",
        ScalarKind::Float => "double precision",
        ScalarKind::BigInt => "bigint",
        ScalarKind::Boolean => "boolean",
        ScalarKind::Uuid => "uuid",
        // Millisecond precision: a value the API returned matches itself exactly in filters.
        ScalarKind::Timestamp => "timestamptz(3)",
        ScalarKind::Date => "date",
        ScalarKind::TextArray => "text[]",
        ScalarKind::Json => "jsonb",
        ScalarKind::Decimal => "numeric",
    }
}

fn qualified(schema: &str, name: &str) -> String {
    format!("{}.{}", quote_ident(schema), quote_ident(name))
}

fn on_delete_sql(on_delete: OnDelete) -> &'static str {
    match on_delete {
        OnDelete::SetNull => "SET NULL",
        OnDelete::Cascade => "CASCADE",
        OnDelete::Restrict => "RESTRICT",
    }
}

/// The sequence that numbers `position` in insertion order.
/// Derived names use ids, so they always fit PostgreSQL's 63-byte identifiers and never collide.
fn position_sequence(object: &ObjectMetadata) -> String {
    format!("seq_{}", object.id.simple())
}

/// The definition of a non-system column.
fn column_definition(column: &Column) -> String {
    format!("{} {}", quote_ident(&column.name), sql_type(column.kind))
}

/// `CREATE TABLE` with the system columns and every stored, non-relation field.
pub fn create_object_table(schema: &str, object: &ObjectMetadata) -> String {
    let seq = qualified(schema, &position_sequence(object));
    let mut lines = vec![
        "\"id\" uuid PRIMARY KEY DEFAULT gen_random_uuid()".to_string(),
        "\"createdAt\" timestamptz(3) NOT NULL DEFAULT now()".to_string(),
        "\"updatedAt\" timestamptz(3) NOT NULL DEFAULT now()".to_string(),
        "\"deletedAt\" timestamptz(3)".to_string(),
        format!(
            "\"position\" double precision NOT NULL DEFAULT nextval('{}')",
            seq.replace('\'', "''")
        ),
    ];
    for field in object.fields.iter().filter(|f| !f.is_system && f.relation.is_none()) {
        lines.extend(field.columns().iter().map(column_definition));
    }
    let table = qualified(schema, &object.table_name);
    let mut sql = format!(
        "CREATE SEQUENCE {seq};\nCREATE TABLE {table} (\n  {}\n);\n",
        lines.join(",\n  ")
    );
    sql.push_str(&format!("ALTER SEQUENCE {seq} OWNED BY {table}.\"position\";\n"));
    sql.push_str(&sort_indexes(schema, object));
    for field in object.fields.iter().filter(|f| f.relation.is_none()) {
        if field.is_unique {
            sql.push_str(&unique_index(schema, object, field));
        }
        if field.is_indexed() && !field.is_system {
            sql.push_str(&field_index(schema, object, field));
        }
    }
    sql
}

/// The indexes that serve the orders every object is read in: the default (`position`, then `id`) and newest
/// first (`createdAt: DescNullsLast`, then `id`). An index serves an `ORDER BY` only when directions and NULLS
/// placement match exactly (or are all reversed, which backward pages use), so they are spelled out.
pub fn sort_indexes(schema: &str, object: &ObjectMetadata) -> String {
    let table = qualified(schema, &object.table_name);
    format!(
        "CREATE INDEX {} ON {table} (\"position\" ASC NULLS FIRST, \"id\" ASC NULLS FIRST);\n\
         CREATE INDEX {} ON {table} (\"createdAt\" DESC NULLS LAST, \"id\" ASC NULLS FIRST);\n",
        quote_ident(&format!("pos_{}", object.id.simple())),
        quote_ident(&format!("crt_{}", object.id.simple())),
    )
}

/// The index of a field with `settings.isIndexed`: equality and range filters, and the orders `AscNullsLast` /
/// `DescNullsFirst` (then `id`).
pub fn field_index(schema: &str, object: &ObjectMetadata, field: &FieldMetadata) -> String {
    let columns: Vec<String> = field
        .columns()
        .iter()
        .map(|c| format!("{} ASC NULLS LAST", quote_ident(&c.name)))
        .collect();
    format!(
        "CREATE INDEX {} ON {} ({}, \"id\" ASC NULLS FIRST);\n",
        quote_ident(&format!("fx_{}", field.id.simple())),
        qualified(schema, &object.table_name),
        columns.join(", ")
    )
}

/// A unique index over a field's columns; soft-deleted rows keep their values without blocking new ones.
pub fn unique_index(schema: &str, object: &ObjectMetadata, field: &FieldMetadata) -> String {
    let columns: Vec<String> = field.columns().iter().map(|c| quote_ident(&c.name)).collect();
    format!(
        "CREATE UNIQUE INDEX {} ON {} ({}) WHERE \"deletedAt\" IS NULL;\n",
        quote_ident(&format!("uq_{}", field.id.simple())),
        qualified(schema, &object.table_name),
        columns.join(", ")
    )
}

/// The foreign-key column and index, or the junction table, of a relation.
pub fn create_relation(meta: &WorkspaceMetadata, relation: &RelationMetadata) -> String {
    let schema = &meta.schema_name;
    let table_of = |id| meta.object(id).map(|o| o.table_name.clone()).unwrap_or_default();
    if let Some(fk) = relation.foreign_key() {
        let holder = table_of(fk.holder);
        let table = qualified(schema, &holder);
        let mut sql = format!(
            "ALTER TABLE {table} ADD COLUMN {} uuid CONSTRAINT {} REFERENCES {} (\"id\") ON DELETE {};\n",
            quote_ident(&fk.column),
            quote_ident(&format!("fk_{}", relation.id.simple())),
            qualified(schema, &table_of(fk.references)),
            on_delete_sql(relation.on_delete),
        );
        let unique = if fk.unique { "UNIQUE " } else { "" };
        sql.push_str(&format!(
            "CREATE {unique}INDEX {} ON {table} ({});\n",
            quote_ident(&format!("ix_{}", relation.id.simple())),
            quote_ident(&fk.column)
        ));
        return sql;
    }
    let Some(junction) = &relation.junction_table else {
        return String::new();
    };
    let table = qualified(schema, junction);
    let (from, to) = (RelationMetadata::JUNCTION_FROM, RelationMetadata::JUNCTION_TO);
    format!(
        "CREATE TABLE {table} (\n  {f} uuid NOT NULL CONSTRAINT {ff} REFERENCES {ft} (\"id\") ON DELETE CASCADE,\n  \
         {t} uuid NOT NULL CONSTRAINT {tf} REFERENCES {tt} (\"id\") ON DELETE CASCADE,\n  PRIMARY KEY ({f}, {t})\n);\n\
         CREATE INDEX {idx} ON {table} ({t});\n",
        f = quote_ident(from),
        t = quote_ident(to),
        ff = quote_ident(&format!("{from}_fkey")),
        tf = quote_ident(&format!("{to}_fkey")),
        ft = qualified(schema, &table_of(relation.from_object_id)),
        tt = qualified(schema, &table_of(relation.to_object_id)),
        idx = quote_ident(&format!("{junction}_{to}_idx")),
    )
}

/// Everything a new workspace needs: its schema, tables and relations.
pub fn create_workspace_schema(meta: &WorkspaceMetadata) -> String {
    let mut sql = format!("CREATE SCHEMA {};\n", quote_ident(&meta.schema_name));
    for object in &meta.objects {
        sql.push_str(&create_object_table(&meta.schema_name, object));
    }
    for relation in &meta.relations {
        sql.push_str(&create_relation(meta, relation));
    }
    sql
}

/// The columns of a new field on an existing table, and its unique index.
pub fn add_field(schema: &str, object: &ObjectMetadata, field: &FieldMetadata) -> String {
    let table = qualified(schema, &object.table_name);
    let mut sql = String::new();
    for column in field.columns() {
        sql.push_str(&format!(
            "ALTER TABLE {table} ADD COLUMN {};\n",
            column_definition(&column)
        ));
    }
    if field.is_unique {
        sql.push_str(&unique_index(schema, object, field));
    }
    if field.is_indexed() {
        sql.push_str(&field_index(schema, object, field));
    }
    sql
}

/// Drops the columns of a field (its indexes go with them).
pub fn drop_field(schema: &str, object: &ObjectMetadata, field: &FieldMetadata) -> String {
    let table = qualified(schema, &object.table_name);
    field
        .columns()
        .iter()
        .map(|c| format!("ALTER TABLE {table} DROP COLUMN IF EXISTS {};\n", quote_ident(&c.name)))
        .collect()
}

/// Drops a relation's foreign-key column or junction table.
pub fn drop_relation(meta: &WorkspaceMetadata, relation: &RelationMetadata) -> String {
    if let Some(fk) = relation.foreign_key() {
        let Some(holder) = meta.object(fk.holder) else {
            return String::new();
        };
        return format!(
            "ALTER TABLE {} DROP COLUMN IF EXISTS {};\n",
            qualified(&meta.schema_name, &holder.table_name),
            quote_ident(&fk.column)
        );
    }
    match &relation.junction_table {
        Some(junction) => format!("DROP TABLE IF EXISTS {};\n", qualified(&meta.schema_name, junction)),
        None => String::new(),
    }
}

/// Drops an object's table after the relations touching it.
pub fn drop_object(meta: &WorkspaceMetadata, object: &ObjectMetadata) -> String {
    let mut sql: String = meta
        .relations
        .iter()
        .filter(|r| r.from_object_id == object.id || r.to_object_id == object.id)
        .map(|r| drop_relation(meta, r))
        .collect();
    sql.push_str(&format!(
        "DROP TABLE IF EXISTS {};\n",
        qualified(&meta.schema_name, &object.table_name)
    ));
    sql
}
