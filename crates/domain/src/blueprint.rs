//! Blueprints: objects, fields and relations described by name, turned into [`WorkspaceMetadata`] with fresh ids
//! after validation. Workspace provisioning and tests describe data models this way.

use crate::error::{DomainResult, Problems, join_path};
use crate::field_type::{FieldType, SystemField};
use crate::metadata::{
    FieldMetadata, ObjectId, ObjectMetadata, OnDelete, RelationMetadata, RelationType, SelectOption, WorkspaceId,
    WorkspaceMetadata, workspace_schema_name,
};
use crate::naming::{check_field_name, check_labels_differ, check_name_shape, check_object_name, identifier};
use crate::value::check_text;
use chrono::{DateTime, Utc};
use serde_json::Value as Json;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct FieldBlueprint {
    pub name: String,
    pub label: String,
    pub field_type: FieldType,
    pub description: Option<String>,
    pub icon: Option<String>,
    pub is_nullable: bool,
    pub is_unique: bool,
    pub is_system: bool,
    pub default_value: Option<Json>,
    pub options: Vec<SelectOption>,
    pub settings: Option<Json>,
}

impl FieldBlueprint {
    pub fn new(name: &str, label: &str, field_type: FieldType) -> Self {
        FieldBlueprint {
            name: name.into(),
            label: label.into(),
            field_type,
            description: None,
            icon: None,
            is_nullable: true,
            is_unique: false,
            is_system: false,
            default_value: None,
            options: Vec::new(),
            settings: None,
        }
    }

    pub fn default_value(mut self, value: Json) -> Self {
        self.default_value = Some(value);
        self
    }

    /// Options from `(value, label)` pairs, positioned in the given order.
    pub fn options(mut self, options: &[(&str, &str)]) -> Self {
        self.options = options
            .iter()
            .enumerate()
            .map(|(i, (value, label))| SelectOption {
                value: (*value).into(),
                label: (*label).into(),
                color: None,
                position: i as i32,
            })
            .collect();
        self
    }

    /// A NUMBER stored and served as an integer.
    pub fn integer(mut self) -> Self {
        self.settings = Some(serde_json::json!({"dataType": "int"}));
        self
    }

    /// Kept indexed by storage (`settings.isIndexed`), for the fields the standard views sort by.
    pub fn indexed(mut self) -> Self {
        let mut settings = self.settings.take().unwrap_or_else(|| serde_json::json!({}));
        settings["isIndexed"] = serde_json::json!(true);
        self.settings = Some(settings);
        self
    }

    pub fn required(mut self) -> Self {
        self.is_nullable = false;
        self
    }

    pub fn unique(mut self) -> Self {
        self.is_unique = true;
        self
    }

    fn system(mut self) -> Self {
        self.is_system = true;
        self
    }

    /// Validates the field (name, type, options, default) and builds its metadata with a fresh id. A field given
    /// no options gets its type's default ones ([`default_options`]).
    pub fn to_metadata(
        &self,
        object_id: Uuid,
        standard: bool,
        now: DateTime<Utc>,
        path: &str,
        problems: &mut Problems,
    ) -> FieldMetadata {
        if self.options.is_empty() && !default_options(self.field_type).is_empty() {
            let defaulted = FieldBlueprint {
                options: default_options(self.field_type),
                ..self.clone()
            };
            return defaulted.to_metadata(object_id, standard, now, path, problems);
        }
        if !self.is_system {
            if standard {
                check_name_shape(&join_path(path, "name"), &self.name, problems);
            } else {
                check_field_name(&join_path(path, "name"), &self.name, problems);
            }
        }
        if self.label.trim().is_empty() {
            problems.push(join_path(path, "label"), "must not be empty");
        }
        check_text(&join_path(path, "label"), &self.label, 100, problems);
        for (name, value) in [("description", &self.description), ("icon", &self.icon)] {
            check_text(
                &join_path(path, name),
                value.as_deref().unwrap_or_default(),
                2000,
                problems,
            );
        }
        if self.field_type == FieldType::Relation {
            problems.push(join_path(path, "type"), "relations are created with createOneRelation");
        }
        self.check_options(path, problems);
        if let Some(data_type) = self.settings.as_ref().and_then(|s| s.get("dataType"))
            && !matches!(data_type.as_str(), Some("int" | "float"))
        {
            problems.push(join_path(path, "settings.dataType"), "must be int or float");
        }
        let field = field_from(self, object_id, standard, now);
        if let Some(default) = &self.default_value
            && !default.is_null()
        {
            // A default must be a valid value of the field.
            let _ = crate::value::coerce_field_input(&field, default, &join_path(path, "defaultValue"), problems);
        }
        field
    }

    /// Builds a custom field's metadata without validation (the caller validated the name).
    pub fn to_metadata_unchecked(&self, object_id: Uuid, now: DateTime<Utc>) -> FieldMetadata {
        field_from(self, object_id, false, now)
    }

    fn check_options(&self, path: &str, problems: &mut Problems) {
        let options_path = join_path(path, "options");
        if !self.field_type.has_options() {
            if !self.options.is_empty() {
                problems.push(options_path, "only SELECT, MULTI_SELECT and RATING fields take options");
            }
            return;
        }
        if self.options.is_empty() {
            problems.push(options_path, "at least one option is required");
            return;
        }
        let mut seen = Vec::new();
        let mut positions = Vec::new();
        for (i, option) in self.options.iter().enumerate() {
            let value = &option.value;
            let valid = value
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && value.len() <= 63;
            if !valid {
                problems.push(
                    format!("{options_path}[{i}].value"),
                    "must be a GraphQL enum name such as IN_PROGRESS",
                );
            } else if seen.contains(&value) {
                problems.push(format!("{options_path}[{i}].value"), "is used twice");
            }
            if option.label.trim().is_empty() {
                problems.push(format!("{options_path}[{i}].label"), "must not be empty");
            }
            check_text(&format!("{options_path}[{i}].label"), &option.label, 100, problems);
            check_text(
                &format!("{options_path}[{i}].color"),
                option.color.as_deref().unwrap_or_default(),
                50,
                problems,
            );
            seen.push(value);
            if positions.contains(&option.position) {
                problems.push(format!("{options_path}[{i}].position"), "is used twice");
            }
            positions.push(option.position);
        }
        if self.field_type == FieldType::Rating
            && let Some(bad) = self.options.iter().find(|o| !RATING_VALUES.contains(&o.value.as_str()))
        {
            problems.push(
                options_path,
                format!("`{}` is not one of RATING_1..RATING_5", bad.value),
            );
        }
    }
}

/// The values of RATING fields.
pub const RATING_VALUES: [&str; 5] = ["RATING_1", "RATING_2", "RATING_3", "RATING_4", "RATING_5"];

/// The options a field of `field_type` gets when it is given none: RATING's `RATING_1` … `RATING_5` (labelled 1 …
/// 5, as Twenty makes them); no other type has defaults.
pub fn default_options(field_type: FieldType) -> Vec<SelectOption> {
    if field_type != FieldType::Rating {
        return Vec::new();
    }
    RATING_VALUES
        .iter()
        .zip(1..)
        .map(|(value, n)| SelectOption {
            value: (*value).to_string(),
            label: n.to_string(),
            color: None,
            position: n - 1,
        })
        .collect()
}

/// The options given, or the type's defaults when none are.
pub fn options_or_default(field_type: FieldType, options: &[SelectOption]) -> Vec<SelectOption> {
    if options.is_empty() {
        default_options(field_type)
    } else {
        options.to_vec()
    }
}

#[derive(Debug, Clone)]
pub struct ObjectBlueprint {
    pub name_singular: String,
    pub name_plural: String,
    pub label_singular: String,
    pub label_plural: String,
    pub description: Option<String>,
    pub icon: Option<String>,
    pub is_custom: bool,
    pub is_system: bool,
    pub fields: Vec<FieldBlueprint>,
}

impl ObjectBlueprint {
    /// A custom object (`isCustom: true`, table `_<nameSingular>`).
    pub fn custom(singular: &str, plural: &str, label_singular: &str, label_plural: &str) -> Self {
        ObjectBlueprint {
            name_singular: singular.into(),
            name_plural: plural.into(),
            label_singular: label_singular.into(),
            label_plural: label_plural.into(),
            description: None,
            icon: None,
            is_custom: true,
            is_system: false,
            fields: Vec::new(),
        }
    }

    pub(crate) fn standard(singular: &str, plural: &str, label_singular: &str, label_plural: &str) -> Self {
        ObjectBlueprint {
            is_custom: false,
            ..Self::custom(singular, plural, label_singular, label_plural)
        }
    }

    pub(crate) fn system(mut self) -> Self {
        self.is_system = true;
        self
    }

    pub fn field(mut self, field: FieldBlueprint) -> Self {
        self.fields.push(field);
        self
    }

    /// Validates the object's names and fields and builds its metadata (system fields first) with fresh ids.
    /// Uniqueness among other objects is the caller's to check.
    pub fn to_metadata(&self, now: DateTime<Utc>, path: &str, problems: &mut Problems) -> ObjectMetadata {
        // Standard names are fixed by the catalogue; reserved words only bind what users name.
        let check_object = if self.is_custom { check_object_name } else { check_shape };
        check_object(&join_path(path, "nameSingular"), &self.name_singular, problems);
        check_object(&join_path(path, "namePlural"), &self.name_plural, problems);
        if self.name_singular == self.name_plural {
            problems.push(join_path(path, "namePlural"), "must differ from nameSingular");
        }
        for (label, value) in [
            ("labelSingular", &self.label_singular),
            ("labelPlural", &self.label_plural),
        ] {
            if value.trim().is_empty() {
                problems.push(join_path(path, label), "must not be empty");
            }
            check_text(&join_path(path, label), value, 100, problems);
        }
        check_labels_differ(
            &join_path(path, "labelPlural"),
            &self.label_singular,
            &self.label_plural,
            problems,
        );
        for (name, value) in [("description", &self.description), ("icon", &self.icon)] {
            check_text(
                &join_path(path, name),
                value.as_deref().unwrap_or_default(),
                2000,
                problems,
            );
        }
        let object_id = Uuid::new_v4();
        let mut fields: Vec<FieldMetadata> = Vec::new();
        for (j, fbp) in system_fields().iter().chain(&self.fields).enumerate() {
            let field_path = format!("{}.fields[{j}]", if path.is_empty() { "object" } else { path });
            let field = fbp.to_metadata(object_id, !self.is_custom, now, &field_path, problems);
            if fields.iter().any(|f| f.name == field.name) {
                problems.push(join_path(&field_path, "name"), "a field with this name already exists");
            }
            fields.push(field);
        }
        ObjectMetadata {
            id: object_id,
            name_singular: self.name_singular.clone(),
            name_plural: self.name_plural.clone(),
            label_singular: self.label_singular.clone(),
            label_plural: self.label_plural.clone(),
            description: self.description.clone(),
            icon: self.icon.clone(),
            is_custom: self.is_custom,
            is_active: true,
            is_system: self.is_system,
            table_name: self.table_name(),
            fields,
            created_at: now,
            updated_at: now,
        }
    }

    /// The table of this object: standard objects use their name, custom ones `_` + name (as Twenty), shortened by
    /// [`identifier`] when that is too long.
    pub fn table_name(&self) -> String {
        if self.is_custom {
            identifier(&format!("_{}", self.name_singular))
        } else {
            identifier(&self.name_singular)
        }
    }
}

/// A relation by object and field names; `relation_type` is seen from the "from" side.
#[derive(Debug, Clone)]
pub struct RelationBlueprint {
    pub relation_type: RelationType,
    pub from_object: String,
    pub from_field: String,
    pub from_label: String,
    pub to_object: String,
    pub to_field: String,
    pub to_label: String,
    pub on_delete: OnDelete,
}

impl RelationBlueprint {
    pub fn new(
        relation_type: RelationType,
        (from_object, from_field, from_label): (&str, &str, &str),
        (to_object, to_field, to_label): (&str, &str, &str),
    ) -> Self {
        RelationBlueprint {
            relation_type,
            from_object: from_object.into(),
            from_field: from_field.into(),
            from_label: from_label.into(),
            to_object: to_object.into(),
            to_field: to_field.into(),
            to_label: to_label.into(),
            on_delete: OnDelete::SetNull,
        }
    }

    pub fn on_delete(mut self, on_delete: OnDelete) -> Self {
        self.on_delete = on_delete;
        self
    }

    /// The relation row for objects `from` and `to`, with fresh field ids.
    pub fn to_metadata(&self, from: ObjectId, to: ObjectId, id: Uuid) -> RelationMetadata {
        RelationMetadata {
            id,
            relation_type: self.relation_type,
            from_object_id: from,
            to_object_id: to,
            from_field_id: Uuid::new_v4(),
            to_field_id: Uuid::new_v4(),
            on_delete: self.on_delete,
            join_column: self.join_column(),
            junction_table: (self.relation_type == RelationType::ManyToMany).then(|| format!("_j_{}", id.simple())),
        }
    }

    /// The foreign-key column name: `<to-one field name>Id` (shortened by [`identifier`] when that is too long).
    fn join_column(&self) -> Option<String> {
        match self.relation_type {
            RelationType::OneToMany => Some(identifier(&format!("{}Id", self.to_field))),
            RelationType::ManyToOne | RelationType::OneToOne => Some(identifier(&format!("{}Id", self.from_field))),
            RelationType::ManyToMany => None,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct WorkspaceBlueprint {
    pub objects: Vec<ObjectBlueprint>,
    pub relations: Vec<RelationBlueprint>,
}

/// The system fields every object has.
fn system_fields() -> Vec<FieldBlueprint> {
    SystemField::ALL
        .into_iter()
        .map(|f| {
            let field = FieldBlueprint::new(f.name(), f.label(), f.field_type()).system();
            if f.non_null_output() { field.required() } else { field }
        })
        .collect()
}

impl WorkspaceBlueprint {
    pub fn object(mut self, object: ObjectBlueprint) -> Self {
        self.objects.push(object);
        self
    }

    pub fn relation(mut self, relation: RelationBlueprint) -> Self {
        self.relations.push(relation);
        self
    }

    /// Validates names and builds the metadata of a new workspace (version 1) with fresh ids.
    pub fn build(&self, workspace_id: WorkspaceId, now: DateTime<Utc>) -> DomainResult<WorkspaceMetadata> {
        let mut problems = Problems::new();
        let mut objects: Vec<ObjectMetadata> = Vec::new();
        for (i, bp) in self.objects.iter().enumerate() {
            let path = format!("objects[{i}]");
            let taken = objects.iter().any(|o| {
                [&o.name_singular, &o.name_plural]
                    .iter()
                    .any(|n| **n == bp.name_singular || **n == bp.name_plural)
            });
            if taken {
                problems.push(
                    format!("{path}.nameSingular"),
                    "an object with this name already exists",
                );
            }
            objects.push(bp.to_metadata(now, &path, &mut problems));
        }
        let mut relations = Vec::new();
        for (i, rbp) in self.relations.iter().enumerate() {
            let path = format!("relations[{i}]");
            let from = objects.iter().position(|o| o.name_singular == rbp.from_object);
            let to = objects.iter().position(|o| o.name_singular == rbp.to_object);
            let (Some(from), Some(to)) = (from, to) else {
                problems.push(&path, "unknown object");
                continue;
            };
            let standard = !objects[from].is_custom && !objects[to].is_custom;
            let check_field = if standard { check_shape } else { check_field_name };
            check_field(&format!("{path}.fromFieldMetadataName"), &rbp.from_field, &mut problems);
            check_field(&format!("{path}.toFieldMetadataName"), &rbp.to_field, &mut problems);
            let relation = rbp.to_metadata(objects[from].id, objects[to].id, Uuid::new_v4());
            let (from_link, to_link) = relation.links();
            let sides = [
                (
                    from,
                    relation.from_field_id,
                    &rbp.from_field,
                    &rbp.from_label,
                    from_link,
                ),
                (to, relation.to_field_id, &rbp.to_field, &rbp.to_label, to_link),
            ];
            for (object_index, field_id, name, label, link) in sides {
                let mut field = field_from(
                    &FieldBlueprint::new(name, label, FieldType::Relation),
                    objects[object_index].id,
                    !objects[object_index].is_custom,
                    now,
                );
                field.id = field_id;
                field.relation = Some(link);
                objects[object_index].fields.push(field);
            }
            relations.push(relation);
        }
        for (i, object) in objects.iter().enumerate() {
            check_unique_api_names(object, &format!("objects[{i}]"), &mut problems);
        }
        problems.finish(WorkspaceMetadata {
            workspace_id,
            schema_name: workspace_schema_name(workspace_id),
            version: 1,
            objects,
            relations,
        })
    }
}

/// [`check_name_shape`] with the signature of the other name checks (standard names need only the shape).
fn check_shape(path: &str, name: &str, problems: &mut Problems) {
    check_name_shape(path, name, problems);
}

/// Field names and generated id columns must not collide within one object.
fn check_unique_api_names(object: &ObjectMetadata, path: &str, problems: &mut Problems) {
    let mut seen: Vec<&str> = Vec::new();
    for field in &object.fields {
        let mut names = vec![field.name.as_str()];
        names.extend(field.own_join_column());
        for name in names {
            if seen.contains(&name) {
                problems.push(format!("{path}.fields.{name}"), "a field with this name already exists");
            }
            seen.push(name);
        }
    }
}

fn field_from(bp: &FieldBlueprint, object_id: Uuid, standard: bool, now: DateTime<Utc>) -> FieldMetadata {
    FieldMetadata {
        id: Uuid::new_v4(),
        object_id,
        name: bp.name.clone(),
        label: bp.label.clone(),
        field_type: bp.field_type,
        description: bp.description.clone(),
        icon: bp.icon.clone(),
        is_custom: !standard && !bp.is_system,
        is_active: true,
        is_system: bp.is_system,
        is_nullable: bp.is_nullable,
        is_unique: bp.is_unique,
        default_value: bp.default_value.clone(),
        options: bp.options.clone(),
        settings: bp.settings.clone(),
        relation: None,
        created_at: now,
        updated_at: now,
    }
}

#[cfg(test)]
mod tests;
