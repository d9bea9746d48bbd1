//! The metadata model: a workspace's objects, their fields and the relations between them.
//!
//! Metadata is the single source of every identifier that reaches SQL: table and column names are derived here
//! from names that passed [`crate::naming`] validation.

use crate::field_type::{CompositeType, FieldType, ScalarKind, SystemField, composite_column};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub type WorkspaceId = Uuid;
pub type ObjectId = Uuid;
pub type FieldId = Uuid;

/// Everything the APIs need to know about one workspace's data model, at one metadata version.
#[derive(Debug, Clone)]
pub struct WorkspaceMetadata {
    pub workspace_id: WorkspaceId,
    /// The PostgreSQL schema holding the workspace's tables.
    pub schema_name: String,
    pub version: i64,
    pub objects: Vec<ObjectMetadata>,
    pub relations: Vec<RelationMetadata>,
}

impl WorkspaceMetadata {
    /// What the APIs' generated schemas depend on, without ids, times, the schema name or the version: two
    /// workspaces with equal keys (all with only the standard objects, say) can share one compiled schema.
    /// Relations are described by the names they point to. Objects are matched by name, never by position.
    pub fn shape_key(&self) -> String {
        use std::fmt::Write;
        let name_of = |id: ObjectId| self.object(id).map(|o| o.name_singular.as_str()).unwrap_or("?");
        let mut key = String::new();
        // Objects in name order: the order they load in follows creation time and then their (random) ids.
        let mut objects: Vec<&ObjectMetadata> = self.objects.iter().collect();
        objects.sort_by(|a, b| a.name_singular.cmp(&b.name_singular));
        for o in objects {
            let _ = write!(
                key,
                "O{:?}|{:?}|{:?}|{:?}|{:?}|{}{}{};",
                o.name_singular,
                o.name_plural,
                o.label_singular,
                o.label_plural,
                o.description,
                o.is_custom,
                o.is_active,
                o.is_system
            );
            for f in &o.fields {
                let relation = f.relation.as_ref().map(|r| {
                    let target_field = self
                        .object(r.target_object_id)
                        .and_then(|t| t.fields.iter().find(|tf| tf.id == r.target_field_id))
                        .map(|tf| tf.name.as_str())
                        .unwrap_or("?");
                    format!(
                        "{:?}>{}.{}:{:?}",
                        r.kind,
                        name_of(r.target_object_id),
                        target_field,
                        r.storage
                    )
                });
                let _ = write!(
                    key,
                    "F{:?}|{:?}|{:?}|{:?}|{}{}{}{}{}|{:?}|{:?}|{:?}|{:?};",
                    f.name,
                    f.label,
                    f.field_type,
                    f.description,
                    f.is_custom,
                    f.is_active,
                    f.is_system,
                    f.is_nullable,
                    f.is_unique,
                    f.default_value,
                    f.options,
                    f.settings,
                    relation
                );
            }
        }
        key
    }

    pub fn object(&self, id: ObjectId) -> Option<&ObjectMetadata> {
        self.objects.iter().find(|o| o.id == id)
    }

    /// The field `id`, with the object it belongs to.
    pub fn object_and_field(&self, id: FieldId) -> Option<(&ObjectMetadata, &FieldMetadata)> {
        self.objects.iter().find_map(|o| o.field_by_id(id).map(|f| (o, f)))
    }

    pub fn relation(&self, id: Uuid) -> Option<&RelationMetadata> {
        self.relations.iter().find(|r| r.id == id)
    }

    pub fn object_by_singular(&self, name: &str) -> Option<&ObjectMetadata> {
        self.objects.iter().find(|o| o.name_singular == name)
    }

    pub fn object_by_plural(&self, name: &str) -> Option<&ObjectMetadata> {
        self.objects.iter().find(|o| o.name_plural == name)
    }

    pub fn active_objects(&self) -> impl Iterator<Item = &ObjectMetadata> {
        self.objects.iter().filter(|o| o.is_active)
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectMetadata {
    pub id: ObjectId,
    pub name_singular: String,
    pub name_plural: String,
    pub label_singular: String,
    pub label_plural: String,
    pub description: Option<String>,
    pub icon: Option<String>,
    pub is_custom: bool,
    pub is_active: bool,
    pub is_system: bool,
    /// Standard objects use `nameSingular`, custom ones `_` + `nameSingular` (as Twenty does).
    pub table_name: String,
    pub fields: Vec<FieldMetadata>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ObjectMetadata {
    pub fn field(&self, name: &str) -> Option<&FieldMetadata> {
        self.fields.iter().find(|f| f.name == name)
    }

    pub fn field_by_id(&self, id: FieldId) -> Option<&FieldMetadata> {
        self.fields.iter().find(|f| f.id == id)
    }

    /// Active fields in definition order.
    pub fn active_fields(&self) -> impl Iterator<Item = &FieldMetadata> {
        self.fields.iter().filter(|f| f.is_active)
    }

    /// An active field by name.
    pub fn active_field(&self, name: &str) -> Option<&FieldMetadata> {
        self.field(name).filter(|f| f.is_active)
    }

    /// The active to-one relation field whose foreign key has this API name (`companyId` → `company`).
    pub fn relation_by_id_column(&self, name: &str) -> Option<&FieldMetadata> {
        let field = name.strip_suffix("Id")?;
        self.active_fields()
            .find(|f| f.name == field && f.own_join_column().is_some())
    }

    /// The active MANY_TO_MANY relation a `<name>Ids` key sets (`tagIds` → `tag`), with its junction table.
    pub fn junction_by_ids_key(&self, key: &str) -> Option<&RelationLink> {
        let link = self.active_field(key.strip_suffix("Ids")?)?.relation.as_ref()?;
        matches!(link.storage, RelationStorage::Junction { .. }).then_some(link)
    }

    /// GraphQL type name: `company` → `Company`.
    pub fn type_name(&self) -> String {
        pascal_case(&self.name_singular)
    }

    /// Every stored column of every active field, in field order: what a full record carries.
    pub fn active_columns(&self) -> Vec<Column> {
        self.active_fields().flat_map(|f| f.columns()).collect()
    }
}

/// One option of a SELECT, MULTI_SELECT or RATING field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SelectOption {
    pub value: String,
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    #[serde(default)]
    pub position: i32,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldMetadata {
    pub id: FieldId,
    pub object_id: ObjectId,
    pub name: String,
    pub label: String,
    #[serde(rename = "type")]
    pub field_type: FieldType,
    pub description: Option<String>,
    pub icon: Option<String>,
    pub is_custom: bool,
    pub is_active: bool,
    pub is_system: bool,
    pub is_nullable: bool,
    pub is_unique: bool,
    /// In the API's value shape: `"NEW"`, `false`, `{"amountMicros": null, "currencyCode": "USD"}`.
    pub default_value: Option<serde_json::Value>,
    pub options: Vec<SelectOption>,
    pub settings: Option<serde_json::Value>,
    #[serde(skip)]
    pub relation: Option<RelationLink>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A stored column together with the API path that reaches it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The column name (unquoted).
    pub name: String,
    pub kind: ScalarKind,
    /// The field the column belongs to.
    pub field: String,
    /// The composite sub-field, for composite fields.
    pub sub_field: Option<&'static str>,
}

impl Column {
    /// Whether the column can hold NULL: only the system fields that every record has cannot.
    pub fn nullable(&self) -> bool {
        self.sub_field.is_some() || !SystemField::from_name(&self.field).is_some_and(SystemField::always_set)
    }
}

impl FieldMetadata {
    /// The system field this is, for the fields the server maintains.
    pub fn system_field(&self) -> Option<SystemField> {
        SystemField::from_name(&self.name)
    }

    /// A create must give a value: not nullable, no default, not a system field (relations are linked through
    /// their id column, which is always optional).
    pub fn required_on_create(&self) -> bool {
        !self.is_nullable && self.default_value.is_none() && !self.is_system && self.relation.is_none()
    }

    /// Never accepted in create or update input (`createdAt`, `updatedAt`, `deletedAt`).
    pub fn is_read_only(&self) -> bool {
        self.system_field().is_some_and(SystemField::is_read_only)
    }

    /// Always present in output (`id`, `createdAt`, `updatedAt`).
    pub fn non_null_output(&self) -> bool {
        self.system_field().is_some_and(SystemField::non_null_output)
    }

    /// `settings.isIndexed: true`: storage keeps an index on the field's columns (filters, and the orders
    /// `AscNullsLast` / `DescNullsFirst`).
    pub fn is_indexed(&self) -> bool {
        self.settings
            .as_ref()
            .and_then(|s| s.get("isIndexed"))
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(false)
    }

    /// NUMBER fields whose `settings.dataType` is `int` are stored and served as integers.
    pub fn is_integer_number(&self) -> bool {
        self.field_type == FieldType::Number
            && self
                .settings
                .as_ref()
                .and_then(|s| s.get("dataType"))
                .and_then(|d| d.as_str())
                == Some("int")
    }

    /// The storage kind of a non-composite, non-relation field.
    pub fn scalar_kind(&self) -> Option<ScalarKind> {
        Some(match self.field_type {
            FieldType::Text
            | FieldType::Email
            | FieldType::Phone
            | FieldType::Url
            | FieldType::Select
            | FieldType::Rating => ScalarKind::Text,
            FieldType::Number if self.is_integer_number() => ScalarKind::BigInt,
            FieldType::Number | FieldType::Position => ScalarKind::Float,
            FieldType::Boolean => ScalarKind::Boolean,
            FieldType::DateTime => ScalarKind::Timestamp,
            FieldType::Date => ScalarKind::Date,
            FieldType::MultiSelect | FieldType::Array => ScalarKind::TextArray,
            FieldType::Numeric => ScalarKind::Decimal,
            FieldType::Json => ScalarKind::Json,
            FieldType::Uuid => ScalarKind::Uuid,
            FieldType::Currency
            | FieldType::FullName
            | FieldType::Emails
            | FieldType::Phones
            | FieldType::Links
            | FieldType::Address
            | FieldType::RichText
            | FieldType::Relation => return None,
        })
    }

    pub fn composite(&self) -> Option<CompositeType> {
        self.field_type.composite()
    }

    /// The foreign-key column this field's own table holds, for to-one relations stored here: `<name>Id`, or
    /// its shortened [`identifier`](crate::naming::identifier) when that is too long.
    pub fn own_join_column(&self) -> Option<&str> {
        match &self.relation {
            Some(RelationLink {
                storage: RelationStorage::OwnColumn { column },
                ..
            }) => Some(column),
            _ => None,
        }
    }

    /// The API name of the foreign key of a to-one relation stored on this object: `company` → `companyId`, in
    /// inputs, filters, orders and records, whatever its column is called.
    pub fn id_field_name(&self) -> Option<String> {
        self.own_join_column().map(|_| format!("{}Id", self.name))
    }

    /// The columns this field occupies in its object's table (none for relations stored elsewhere).
    pub fn columns(&self) -> Vec<Column> {
        if let Some(composite) = self.composite() {
            return composite
                .sub_fields()
                .iter()
                .map(|s| Column {
                    name: composite_column(&self.name, s.name),
                    kind: s.kind,
                    field: self.name.clone(),
                    sub_field: Some(s.name),
                })
                .collect();
        }
        if let (Some(column), Some(api_name)) = (self.own_join_column(), self.id_field_name()) {
            return vec![Column {
                name: column.to_string(),
                kind: ScalarKind::Uuid,
                field: api_name,
                sub_field: None,
            }];
        }
        match self.scalar_kind() {
            Some(kind) => vec![Column {
                name: self.name.clone(),
                kind,
                field: self.name.clone(),
                sub_field: None,
            }],
            None => Vec::new(),
        }
    }

    pub fn option_values(&self) -> impl Iterator<Item = &str> {
        self.options.iter().map(|o| o.value.as_str())
    }

    pub fn is_to_one(&self) -> bool {
        self.relation.as_ref().is_some_and(RelationLink::is_to_one)
    }

    pub fn is_to_many(&self) -> bool {
        self.relation.as_ref().is_some_and(|r| !r.is_to_one())
    }
}

/// The four relation kinds, as seen from one side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RelationType {
    OneToMany,
    ManyToOne,
    OneToOne,
    ManyToMany,
}

impl RelationType {
    pub fn as_str(self) -> &'static str {
        match self {
            RelationType::OneToMany => "ONE_TO_MANY",
            RelationType::ManyToOne => "MANY_TO_ONE",
            RelationType::OneToOne => "ONE_TO_ONE",
            RelationType::ManyToMany => "MANY_TO_MANY",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            RelationType::OneToMany,
            RelationType::ManyToOne,
            RelationType::OneToOne,
            RelationType::ManyToMany,
        ]
        .into_iter()
        .find(|t| t.as_str() == s)
    }

    /// The same relation seen from the other side.
    pub fn inverse(self) -> Self {
        match self {
            RelationType::OneToMany => RelationType::ManyToOne,
            RelationType::ManyToOne => RelationType::OneToMany,
            other => other,
        }
    }
}

/// What happens to referencing rows when a record a foreign key points at is destroyed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OnDelete {
    SetNull,
    Cascade,
    Restrict,
}

impl OnDelete {
    pub fn as_str(self) -> &'static str {
        match self {
            OnDelete::SetNull => "SET_NULL",
            OnDelete::Cascade => "CASCADE",
            OnDelete::Restrict => "RESTRICT",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [OnDelete::SetNull, OnDelete::Cascade, OnDelete::Restrict]
            .into_iter()
            .find(|o| o.as_str() == s)
    }
}

/// One side of a relation: where it points and how the link is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelationLink {
    pub relation_id: Uuid,
    /// The relation kind from this side's point of view.
    pub kind: RelationType,
    pub target_object_id: ObjectId,
    pub target_field_id: FieldId,
    pub storage: RelationStorage,
}

impl RelationLink {
    pub fn is_to_one(&self) -> bool {
        matches!(self.kind, RelationType::ManyToOne | RelationType::OneToOne)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RelationStorage {
    /// This object's table holds the foreign key (`person."companyId"`).
    OwnColumn { column: String },
    /// The target's table holds a foreign key pointing here (`company.people` through `person."companyId"`).
    TargetColumn { column: String },
    /// A junction table holds `(own_column, target_column)` pairs.
    Junction {
        table: String,
        own_column: String,
        target_column: String,
    },
}

/// A relation between two objects, stored once; each side is a RELATION field with its own [`RelationLink`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelationMetadata {
    pub id: Uuid,
    /// The kind as seen from the "from" side.
    pub relation_type: RelationType,
    pub from_object_id: ObjectId,
    pub to_object_id: ObjectId,
    pub from_field_id: FieldId,
    pub to_field_id: FieldId,
    pub on_delete: OnDelete,
    /// The foreign-key column of the *-to-one kinds (on the "to" table for ONE_TO_MANY, else on the "from" table).
    pub join_column: Option<String>,
    /// The junction table of MANY_TO_MANY.
    pub junction_table: Option<String>,
}

/// Where a relation's foreign key lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKey {
    /// The object whose table holds the column.
    pub holder: ObjectId,
    pub column: String,
    /// The object the column references.
    pub references: ObjectId,
    pub unique: bool,
}

impl RelationMetadata {
    pub const JUNCTION_FROM: &'static str = "fromId";
    pub const JUNCTION_TO: &'static str = "toId";

    /// The link seen from the "from" side and from the "to" side.
    pub fn links(&self) -> (RelationLink, RelationLink) {
        let column = self.join_column.clone().unwrap_or_default();
        let (from_storage, to_storage) = match self.relation_type {
            RelationType::OneToMany => (
                RelationStorage::TargetColumn { column: column.clone() },
                RelationStorage::OwnColumn { column },
            ),
            RelationType::ManyToOne | RelationType::OneToOne => (
                RelationStorage::OwnColumn { column: column.clone() },
                RelationStorage::TargetColumn { column },
            ),
            RelationType::ManyToMany => {
                let table = self.junction_table.clone().unwrap_or_default();
                (
                    RelationStorage::Junction {
                        table: table.clone(),
                        own_column: Self::JUNCTION_FROM.into(),
                        target_column: Self::JUNCTION_TO.into(),
                    },
                    RelationStorage::Junction {
                        table,
                        own_column: Self::JUNCTION_TO.into(),
                        target_column: Self::JUNCTION_FROM.into(),
                    },
                )
            }
        };
        (
            RelationLink {
                relation_id: self.id,
                kind: self.relation_type,
                target_object_id: self.to_object_id,
                target_field_id: self.to_field_id,
                storage: from_storage,
            },
            RelationLink {
                relation_id: self.id,
                kind: self.relation_type.inverse(),
                target_object_id: self.from_object_id,
                target_field_id: self.from_field_id,
                storage: to_storage,
            },
        )
    }

    /// The foreign-key column of a *-to-one relation.
    pub fn foreign_key(&self) -> Option<ForeignKey> {
        let column = self.join_column.clone()?;
        Some(match self.relation_type {
            RelationType::OneToMany => ForeignKey {
                holder: self.to_object_id,
                column,
                references: self.from_object_id,
                unique: false,
            },
            RelationType::ManyToOne => ForeignKey {
                holder: self.from_object_id,
                column,
                references: self.to_object_id,
                unique: false,
            },
            RelationType::OneToOne => ForeignKey {
                holder: self.from_object_id,
                column,
                references: self.to_object_id,
                unique: true,
            },
            RelationType::ManyToMany => return None,
        })
    }
}

/// `company` → `Company`, `workspaceMember` → `WorkspaceMember`.
pub fn pascal_case(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

/// The schema name of a workspace: `workspace_` + the id in base 36, as Twenty names it.
pub fn workspace_schema_name(id: WorkspaceId) -> String {
    let mut n = id.as_u128();
    let mut digits = Vec::new();
    loop {
        let d = (n % 36) as u32;
        digits.push(char::from_digit(d, 36).unwrap_or('0'));
        n /= 36;
        if n == 0 {
            break;
        }
    }
    digits.reverse();
    format!("workspace_{}", digits.into_iter().collect::<String>())
}

#[cfg(test)]
mod tests;
