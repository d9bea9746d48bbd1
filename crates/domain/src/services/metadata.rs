//! Changing a workspace's data model: custom objects, fields and relations (the rules of contract §5). Every
//! change is validated against the current metadata, reported with every problem at once, and handed to the
//! `MetadataStore`, which applies DDL and metadata rows in one transaction.

use crate::blueprint::{FieldBlueprint, ObjectBlueprint, RelationBlueprint, options_or_default};
use crate::error::{DomainError, DomainResult, FieldError, Problems};
use crate::field_type::FieldType;
use crate::metadata::{
    FieldId, FieldMetadata, ObjectId, ObjectMetadata, OnDelete, RelationMetadata, RelationType, SelectOption,
    WorkspaceId, WorkspaceMetadata,
};
use crate::naming::{check_field_name, check_labels_differ};
use crate::ports::{MetadataStore, WorkspaceStore};
use chrono::Utc;
use serde_json::Value as Json;
use std::sync::Arc;
use uuid::Uuid;

/// What `updateOneObject` may change.
#[derive(Debug, Clone, Default)]
pub struct ObjectUpdate {
    pub label_singular: Option<String>,
    pub label_plural: Option<String>,
    pub presentation: PresentationUpdate,
    pub name_singular: Option<String>,
    pub name_plural: Option<String>,
}

/// What `updateOneField` may change.
#[derive(Debug, Clone, Default)]
pub struct FieldUpdate {
    pub name: Option<String>,
    pub label: Option<String>,
    pub presentation: PresentationUpdate,
    pub is_nullable: Option<bool>,
    pub default_value: Option<Option<Json>>,
    pub options: Option<Vec<SelectOption>>,
}

/// `createOneRelation`'s input: the relation's kind (seen from the "from" side), its two sides and what deleting a
/// "to" record does.
#[derive(Debug, Clone)]
pub struct NewRelation {
    pub relation_type: RelationType,
    pub from: NewRelationSide,
    pub to: NewRelationSide,
    pub on_delete: Option<OnDelete>,
}

/// One side of a new relation: the object and the relation field created on it. The label defaults to one
/// derived from the name; icon and description are none unless given.
#[derive(Debug, Clone, Default)]
pub struct NewRelationSide {
    pub object_id: ObjectId,
    pub name: String,
    pub label: Option<String>,
    pub icon: Option<String>,
    pub description: Option<String>,
}

impl NewRelationSide {
    fn label(&self) -> String {
        self.label.clone().unwrap_or_else(|| labelled(&self.name))
    }
}

/// One option of a new or changed SELECT, MULTI_SELECT or RATING field, as the APIs take it: the position may be
/// left out.
#[derive(Debug, Clone, PartialEq)]
pub struct OptionInput {
    pub value: String,
    pub label: String,
    pub color: Option<String>,
    pub position: Option<i32>,
}

impl OptionInput {
    /// The options in the order given; an option without a position takes its index in the list.
    pub fn positioned(options: Vec<OptionInput>) -> Vec<SelectOption> {
        options
            .into_iter()
            .enumerate()
            .map(|(i, o)| SelectOption {
                value: o.value,
                label: o.label,
                color: o.color,
                position: o.position.unwrap_or(i as i32),
            })
            .collect()
    }
}

/// The settings a new field may be given: `dataType` (`int` or `float`, for NUMBER) and `isIndexed`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldSettingsInput {
    pub data_type: Option<String>,
    pub is_indexed: Option<bool>,
}

impl FieldSettingsInput {
    /// The `settings` JSON of a new field: only what was given (`isIndexed` only when true).
    fn to_json(&self) -> Option<Json> {
        let mut settings = serde_json::Map::new();
        if let Some(data_type) = &self.data_type {
            settings.insert("dataType".into(), data_type.clone().into());
        }
        if self.is_indexed == Some(true) {
            settings.insert("isIndexed".into(), true.into());
        }
        (!settings.is_empty()).then_some(Json::Object(settings))
    }
}

/// `createOneField`'s input as the APIs take it (any type but RELATION); [`NewField::blueprint`] applies the
/// defaults: nullable, not unique, no default (a null default is none), no options, no settings.
#[derive(Debug, Clone)]
pub struct NewField {
    pub name: String,
    pub label: String,
    pub field_type: FieldType,
    pub description: Option<String>,
    pub icon: Option<String>,
    pub is_nullable: Option<bool>,
    pub is_unique: Option<bool>,
    pub default_value: Option<Json>,
    pub options: Option<Vec<OptionInput>>,
    pub settings: Option<FieldSettingsInput>,
}

impl NewField {
    /// The blueprint [`MetadataService::create_field`] validates and creates.
    pub fn blueprint(&self) -> FieldBlueprint {
        let mut blueprint = FieldBlueprint::new(&self.name, &self.label, self.field_type);
        blueprint.description = self.description.clone();
        blueprint.icon = self.icon.clone();
        blueprint.is_nullable = self.is_nullable.unwrap_or(true);
        blueprint.is_unique = self.is_unique.unwrap_or(false);
        blueprint.default_value = self.default_value.clone().filter(|v| !v.is_null());
        blueprint.options = OptionInput::positioned(self.options.clone().unwrap_or_default());
        blueprint.settings = self.settings.as_ref().and_then(FieldSettingsInput::to_json);
        blueprint
    }
}

fn conflict(field: &str, message: String) -> DomainError {
    DomainError::Conflict {
        message: message.clone(),
        details: vec![FieldError::new(field, message)],
    }
}

fn labelled(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if i == 0 {
            out.extend(c.to_uppercase());
        } else if c.is_uppercase() {
            out.push(' ');
            out.push(c);
        } else {
            out.push(c);
        }
    }
    out
}

fn check_label(path: &str, label: &str, problems: &mut Problems) {
    if label.trim().is_empty() {
        problems.push(path, "must not be empty");
    }
    crate::value::check_text(path, label, 100, problems);
}

/// Descriptions and icons: free text, no NUL.
fn check_optional_text(path: &str, value: &Option<Option<String>>, problems: &mut Problems) {
    if let Some(Some(text)) = value {
        crate::value::check_text(path, text, 2000, problems);
    }
}

/// A new label, when there is one: checked, and stored trimmed.
fn relabel(path: &str, update: &Option<String>, label: &mut String, problems: &mut Problems) {
    if let Some(new) = update {
        check_label(path, new, problems);
        *label = new.trim().to_string();
    }
}

/// What objects and fields change the same way: description and icon (free text, `Some(None)` clears them) and
/// activation.
#[derive(Debug, Clone, Default)]
pub struct PresentationUpdate {
    pub description: Option<Option<String>>,
    pub icon: Option<Option<String>>,
    pub is_active: Option<bool>,
}

impl PresentationUpdate {
    /// Descriptions and icons: free text, no NUL.
    fn check(&self, problems: &mut Problems) {
        check_optional_text("description", &self.description, problems);
        check_optional_text("icon", &self.icon, problems);
    }

    /// Applies the update to an object's or a field's description, icon and activation.
    fn apply(&self, description: &mut Option<String>, icon: &mut Option<String>, is_active: &mut bool) {
        if let Some(new) = &self.description {
            *description = new.clone();
        }
        if let Some(new) = &self.icon {
            *icon = new.clone();
        }
        if let Some(active) = self.is_active {
            *is_active = active;
        }
    }
}

/// Names an object's fields already use: field names, the API names of generated foreign keys (`companyId`) and
/// every stored column (those keys, composite sub-columns such as `nameFirstName`).
fn taken_names(object: &ObjectMetadata) -> Vec<String> {
    object.fields.iter().flat_map(names_of).collect()
}

/// The names a field occupies on its object.
fn names_of(field: &FieldMetadata) -> Vec<String> {
    let mut names = vec![field.name.clone()];
    for column in field.columns() {
        names.push(column.name);
        names.push(column.field);
    }
    names
}

pub struct MetadataService<S> {
    store: S,
}

impl<S: MetadataStore + WorkspaceStore> MetadataService<S> {
    /// The workspace's current metadata (from memory while fresh); `NOT_FOUND` when the workspace is gone.
    pub async fn current(&self, workspace_id: WorkspaceId) -> DomainResult<Arc<WorkspaceMetadata>> {
        self.store
            .current_metadata(workspace_id)
            .await?
            .ok_or_else(|| DomainError::not_found("workspace"))
    }
}

impl<S: MetadataStore> MetadataService<S> {
    pub fn new(store: S) -> Self {
        MetadataService { store }
    }

    fn object(meta: &WorkspaceMetadata, id: ObjectId) -> DomainResult<&ObjectMetadata> {
        meta.object(id).ok_or_else(|| DomainError::not_found("object"))
    }

    fn field(meta: &WorkspaceMetadata, id: FieldId) -> DomainResult<(&ObjectMetadata, &FieldMetadata)> {
        meta.object_and_field(id).ok_or_else(|| DomainError::not_found("field"))
    }

    /// Creates a custom object with only the system fields; its other fields come from [`Self::create_field`].
    pub async fn create_object(
        &self,
        meta: &WorkspaceMetadata,
        blueprint: &ObjectBlueprint,
    ) -> DomainResult<ObjectMetadata> {
        let mut problems = Problems::new();
        let blueprint = ObjectBlueprint {
            is_custom: true,
            is_system: false,
            ..blueprint.clone()
        };
        let object = blueprint.to_metadata(Utc::now(), "", &mut problems);
        problems.finish(())?;
        for (path, name) in [
            ("nameSingular", &object.name_singular),
            ("namePlural", &object.name_plural),
        ] {
            if meta
                .objects
                .iter()
                .any(|o| &o.name_singular == name || &o.name_plural == name)
            {
                return Err(conflict(path, format!("An object named `{name}` already exists")));
            }
        }
        // A shortened table name (a name of 63 characters) meeting another's: refused rather than shared.
        if meta.objects.iter().any(|o| o.table_name == object.table_name) {
            return Err(conflict(
                "nameSingular",
                format!("The table `{}` is already taken", object.table_name),
            ));
        }
        self.store.create_object(meta, &object).await?;
        Ok(object)
    }

    /// Relabels, describes, deactivates or reactivates an object. Names are fixed once created.
    pub async fn update_object(
        &self,
        meta: &WorkspaceMetadata,
        id: ObjectId,
        update: &ObjectUpdate,
    ) -> DomainResult<ObjectMetadata> {
        let current = Self::object(meta, id)?;
        let mut problems = Problems::new();
        let mut object = current.clone();
        for (path, name, existing) in [
            ("nameSingular", &update.name_singular, &current.name_singular),
            ("namePlural", &update.name_plural, &current.name_plural),
        ] {
            if name.as_ref().is_some_and(|n| n != existing) {
                problems.push(path, "objects cannot be renamed; relabel them instead");
            }
        }
        let labels = [
            ("labelSingular", &update.label_singular, &mut object.label_singular),
            ("labelPlural", &update.label_plural, &mut object.label_plural),
        ];
        for (path, new, label) in labels {
            relabel(path, new, label, &mut problems);
        }
        // Checked when a label changes (objects made before the rule keep theirs until then), under the label that
        // changed (the plural when both did).
        let changed = match (&update.label_singular, &update.label_plural) {
            (_, Some(_)) => Some("labelPlural"),
            (Some(_), None) => Some("labelSingular"),
            (None, None) => None,
        };
        if let Some(path) = changed {
            check_labels_differ(path, &object.label_singular, &object.label_plural, &mut problems);
        }
        update.presentation.check(&mut problems);
        update
            .presentation
            .apply(&mut object.description, &mut object.icon, &mut object.is_active);
        problems.finish(())?;
        object.updated_at = Utc::now();
        self.store.update_object(meta, &object).await?;
        Ok(object)
    }

    /// Deletes a custom object (active or not) with its records and every relation touching it.
    pub async fn delete_object(&self, meta: &WorkspaceMetadata, id: ObjectId) -> DomainResult<ObjectMetadata> {
        let object = Self::object(meta, id)?;
        if !object.is_custom {
            return Err(DomainError::validation(format!(
                "`{}` is a standard object: it can be deactivated, not deleted",
                object.name_singular
            )));
        }
        self.store.delete_object(meta, object).await?;
        Ok(object.clone())
    }

    /// Adds a custom field to an object. Relations are created with [`Self::create_relation`].
    pub async fn create_field(
        &self,
        meta: &WorkspaceMetadata,
        object_id: ObjectId,
        blueprint: &FieldBlueprint,
    ) -> DomainResult<FieldMetadata> {
        let object = Self::object(meta, object_id)?;
        let mut problems = Problems::new();
        let blueprint = FieldBlueprint {
            is_system: false,
            ..blueprint.clone()
        };
        let field = blueprint.to_metadata(object.id, false, Utc::now(), "", &mut problems);
        problems.finish(())?;
        let taken = taken_names(object);
        if names_of(&field).iter().any(|n| taken.contains(n)) {
            return Err(conflict(
                "name",
                format!(
                    "A field named `{}` already exists on {}",
                    field.name, object.name_singular
                ),
            ));
        }
        self.store.create_field(meta, object, &field).await?;
        Ok(field)
    }

    /// Changes a field. Standard fields can be relabelled and (de)activated only; system fields not at all.
    pub async fn update_field(
        &self,
        meta: &WorkspaceMetadata,
        id: FieldId,
        update: &FieldUpdate,
    ) -> DomainResult<FieldMetadata> {
        let (object, current) = Self::field(meta, id)?;
        let mut problems = Problems::new();
        let mut field = current.clone();
        if current.is_system {
            return Err(DomainError::validation(format!(
                "`{}` is a system field and cannot be changed",
                current.name
            )));
        }
        if let Some(name) = &update.name
            && name != &current.name
        {
            problems.push("name", "fields cannot be renamed; relabel them instead");
        }
        relabel("label", &update.label, &mut field.label, &mut problems);
        update.presentation.check(&mut problems);
        update
            .presentation
            .apply(&mut field.description, &mut field.icon, &mut field.is_active);
        let structural = update.is_nullable.is_some() || update.default_value.is_some() || update.options.is_some();
        if structural && !current.is_custom {
            problems.push("data", "standard fields can only be relabelled and (de)activated");
        }
        if let Some(nullable) = update.is_nullable {
            field.is_nullable = nullable;
        }
        if let Some(options) = &update.options {
            field.options = options_or_default(field.field_type, options);
        }
        if let Some(default) = &update.default_value {
            field.default_value = default.clone().filter(|d| !d.is_null());
        }
        if update.options.is_some() || update.default_value.is_some() {
            // The same checks as at creation: options well formed, default one of them.
            let blueprint = FieldBlueprint {
                name: field.name.clone(),
                label: field.label.clone(),
                field_type: field.field_type,
                description: None,
                icon: None,
                is_nullable: field.is_nullable,
                is_unique: field.is_unique,
                is_system: false,
                default_value: field.default_value.clone(),
                options: field.options.clone(),
                settings: field.settings.clone(),
            };
            let mut checks = Problems::new();
            let _ = blueprint.to_metadata(object.id, false, Utc::now(), "", &mut checks);
            if let Err(DomainError::Validation { details, .. }) = checks.finish(()) {
                for d in details.into_iter().filter(|d| d.field != "name") {
                    problems.push(d.field, d.message);
                }
            }
        }
        problems.finish(())?;
        field.updated_at = Utc::now();
        self.store.update_field(meta, object, current, &field).await?;
        Ok(field)
    }

    /// Deletes a custom field (active or not) with its data. Relation fields go with their relation.
    pub async fn delete_field(&self, meta: &WorkspaceMetadata, id: FieldId) -> DomainResult<FieldMetadata> {
        let (object, field) = Self::field(meta, id)?;
        if !field.is_custom || field.is_system {
            return Err(DomainError::validation(format!(
                "`{}` is a standard field: it can be deactivated, not deleted",
                field.name
            )));
        }
        if field.field_type == FieldType::Relation {
            return Err(DomainError::validation(
                "relation fields are deleted with deleteOneRelation",
            ));
        }
        self.store.delete_field(meta, object, field).await?;
        Ok(field.clone())
    }

    /// Creates both fields of a relation and its storage.
    pub async fn create_relation(
        &self,
        meta: &WorkspaceMetadata,
        input: &NewRelation,
    ) -> DomainResult<RelationMetadata> {
        let from = Self::object(meta, input.from.object_id)?;
        let to = Self::object(meta, input.to.object_id)?;
        let sides = [("from", &input.from), ("to", &input.to)];
        let mut problems = Problems::new();
        for (side, new) in sides {
            check_field_name(&format!("{side}FieldMetadataName"), &new.name, &mut problems);
        }
        for (side, new) in sides {
            if let Some(label) = &new.label {
                check_label(&format!("{side}FieldMetadataLabel"), label, &mut problems);
            }
        }
        for (side, new) in sides {
            check_optional_text(&format!("{side}Icon"), &Some(new.icon.clone()), &mut problems);
        }
        for (side, new) in sides {
            check_optional_text(
                &format!("{side}Description"),
                &Some(new.description.clone()),
                &mut problems,
            );
        }
        if from.id == to.id && input.from.name == input.to.name {
            problems.push(
                "toFieldMetadataName",
                "must differ from fromFieldMetadataName on a self-relation",
            );
        }
        problems.finish(())?;
        let mut blueprint = RelationBlueprint::new(
            input.relation_type,
            (&from.name_singular, &input.from.name, &input.from.label()),
            (&to.name_singular, &input.to.name, &input.to.label()),
        );
        if let Some(on_delete) = input.on_delete {
            blueprint = blueprint.on_delete(on_delete);
        }
        let relation = blueprint.to_metadata(from.id, to.id, Uuid::new_v4());
        let (from_link, to_link) = relation.links();
        let now = Utc::now();
        let field = |object: &ObjectMetadata, id, new: &NewRelationSide, label: &str, link| {
            let mut field =
                FieldBlueprint::new(&new.name, label, FieldType::Relation).to_metadata_unchecked(object.id, now);
            field.id = id;
            field.icon = new.icon.clone();
            field.description = new.description.clone();
            field.relation = Some(link);
            field
        };
        let from_field = field(
            from,
            relation.from_field_id,
            &input.from,
            &blueprint.from_label,
            from_link,
        );
        let to_field = field(to, relation.to_field_id, &input.to, &blueprint.to_label, to_link);
        for (path, object, field, other) in [
            ("fromFieldMetadataName", from, &from_field, &to_field),
            ("toFieldMetadataName", to, &to_field, &from_field),
        ] {
            let mut taken = taken_names(object);
            // On a self-relation the two new sides must not collide with each other either.
            if from.id == to.id {
                taken.extend(names_of(other));
            }
            for name in names_of(field) {
                if taken.contains(&name) {
                    return Err(conflict(
                        path,
                        format!("`{name}` already exists on {}", object.name_singular),
                    ));
                }
            }
        }
        self.store
            .create_relation(meta, &relation, &from_field, &to_field)
            .await?;
        Ok(relation)
    }

    pub async fn delete_relation(&self, meta: &WorkspaceMetadata, id: Uuid) -> DomainResult<RelationMetadata> {
        let relation = meta.relation(id).ok_or_else(|| DomainError::not_found("relation"))?;
        let standard = [relation.from_object_id, relation.to_object_id]
            .iter()
            .filter_map(|o| meta.object(*o))
            .all(|o| !o.is_custom)
            && meta
                .object(relation.from_object_id)
                .and_then(|o| o.field_by_id(relation.from_field_id))
                .is_some_and(|f| !f.is_custom);
        if standard {
            return Err(DomainError::validation("standard relations cannot be deleted"));
        }
        self.store.delete_relation(meta, relation).await?;
        Ok(relation.clone())
    }
}
