//! `GET /rest/open-api/metadata`: the OpenAPI 3.0 document of the metadata routes, in the envelope of the
//! configured [`MetadataFormat`]. It does not depend on the workspace (field types come from the domain's list).

use super::page::MAX_METADATA_PAGE;
use super::view::MetadataFormat;
use crate::openapi::error_responses;
use serde_json::{Map, Value as Json, json};
use twenty_domain::field_type::FieldType;

fn schema_ref(name: &str) -> Json {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn nullable(schema: Json) -> Json {
    let mut schema = schema;
    schema["nullable"] = json!(true);
    schema
}

fn text() -> Json {
    json!({"type": "string"})
}

fn uuid() -> Json {
    json!({"type": "string", "format": "uuid"})
}

fn boolean() -> Json {
    json!({"type": "boolean"})
}

fn date_time() -> Json {
    json!({"type": "string", "format": "date-time"})
}

const RELATION_TYPES: [&str; 4] = ["ONE_TO_MANY", "MANY_TO_ONE", "ONE_TO_ONE", "MANY_TO_MANY"];
const ON_DELETE: [&str; 3] = ["SET_NULL", "CASCADE", "RESTRICT"];

fn schemas() -> Map<String, Json> {
    let field_types: Vec<&str> = FieldType::ALL.iter().map(|t| t.as_str()).collect();
    let object_ref = json!({"type": "object", "nullable": true, "properties": {
        "id": uuid(), "nameSingular": text(), "namePlural": text()}});
    let field_ref = json!({"type": "object", "nullable": true, "properties": {"id": uuid(), "name": text()}});
    let labels_synced = json!({"type": "boolean", "enum": [false],
        "description": "Accepted for Twenty's clients; names are fixed and independent of labels here"});
    let option = json!({"type": "object", "required": ["value", "label"], "properties": {
        "id": {"type": "string", "description": "Accepted and ignored: options are identified by their value"},
        "value": {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$", "example": "IN_PROGRESS"},
        "label": text(),
        "color": text(),
        "position": {"type": "integer"}}});
    let settings = json!({"type": "object", "additionalProperties": false, "properties": {
        "dataType": {"type": "string", "enum": ["int", "float"], "description": "NUMBER fields"},
        "isIndexed": boolean()}});
    let mut schemas = Map::new();
    let mut add = |name: &str, schema: Json| {
        schemas.insert(name.to_string(), schema);
    };
    add(
        "Error",
        json!({"type": "object", "required": ["error"], "properties": {"error": {
            "type": "object", "required": ["message", "code", "statusCode"],
            "properties": {
                "message": text(),
                "code": {"type": "string", "enum": ["UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "VALIDATION_ERROR", "CONFLICT", "RATE_LIMIT_EXCEEDED", "INTERNAL_ERROR"]},
                "statusCode": {"type": "integer"},
                "details": {"type": "array", "items": {"type": "object", "properties": {"field": text(), "message": text()}}},
                "retryAfter": {"type": "integer"}}}}}),
    );
    add(
        "PageInfo",
        json!({"type": "object", "required": ["hasNextPage", "hasPreviousPage", "startCursor", "endCursor"],
               "properties": {"hasNextPage": boolean(), "hasPreviousPage": boolean(),
                              "startCursor": nullable(uuid()), "endCursor": nullable(uuid())}}),
    );
    add("FieldOption", option);
    add(
        "Field",
        json!({"type": "object", "properties": {
            "id": uuid(), "objectMetadataId": uuid(),
            "type": {"type": "string", "enum": field_types.clone()},
            "name": text(), "label": text(), "description": nullable(text()), "icon": nullable(text()),
            "isCustom": boolean(), "isActive": boolean(), "isSystem": boolean(), "isNullable": boolean(),
            "isUnique": boolean(),
            "defaultValue": {"description": "In the field's value shape"},
            "options": {"type": "array", "nullable": true, "items": schema_ref("FieldOption")},
            "settings": {"type": "object", "nullable": true},
            "relation": {"type": "object", "nullable": true, "description": "RELATION fields: the kind seen from this field, and both ends",
                "properties": {"type": {"type": "string", "enum": RELATION_TYPES},
                    "sourceObjectMetadata": object_ref, "targetObjectMetadata": object_ref,
                    "sourceFieldMetadata": field_ref, "targetFieldMetadata": field_ref}},
            "createdAt": date_time(), "updatedAt": date_time()}}),
    );
    add(
        "RelationCreationPayload",
        json!({"type": "object", "required": ["type", "targetObjectMetadataId"], "additionalProperties": false,
               "properties": {
                "type": {"type": "string", "enum": RELATION_TYPES, "description": "seen from the field being created"},
                "targetObjectMetadataId": uuid(),
                "targetFieldLabel": text(),
                "targetFieldName": {"type": "string", "description": "default: derived from targetFieldLabel (camelCase)"},
                "targetFieldIcon": text(),
                "onDelete": {"type": "string", "enum": ON_DELETE}}}),
    );
    add(
        "FieldCreateInput",
        json!({"type": "object", "required": ["objectMetadataId", "type", "name", "label"], "additionalProperties": false,
               "properties": {
                "objectMetadataId": uuid(),
                "type": {"type": "string", "enum": field_types},
                "name": text(), "label": text(), "description": nullable(text()), "icon": nullable(text()),
                "isNullable": boolean(), "isUnique": boolean(),
                "defaultValue": {"description": "A value of the field (its default for new records)"},
                "options": {"type": "array", "items": schema_ref("FieldOption"), "description": "SELECT, MULTI_SELECT and RATING"},
                "settings": settings,
                "isLabelSyncedWithName": labels_synced,
                "relationCreationPayload": schema_ref("RelationCreationPayload")}}),
    );
    add(
        "FieldUpdateInput",
        json!({"type": "object", "additionalProperties": false, "properties": {
            "id": {"type": "string", "description": "Accepted when it is the field's own id"},
            "name": {"type": "string", "description": "Names are fixed: only the current one is accepted"},
            "label": text(), "description": nullable(text()), "icon": nullable(text()), "isActive": boolean(),
            "isNullable": {"type": "boolean", "description": "custom fields"},
            "defaultValue": {"description": "custom fields; null removes the default"},
            "options": {"type": "array", "items": schema_ref("FieldOption"), "description": "custom fields"},
            "isLabelSyncedWithName": labels_synced}}),
    );
    add(
        "Object",
        json!({"type": "object", "properties": {
            "id": uuid(), "nameSingular": text(), "namePlural": text(), "labelSingular": text(), "labelPlural": text(),
            "description": nullable(text()), "icon": nullable(text()),
            "isCustom": boolean(), "isActive": boolean(), "isSystem": boolean(),
            "createdAt": date_time(), "updatedAt": date_time(),
            "fields": {"type": "array", "items": schema_ref("Field")}}}),
    );
    add(
        "ObjectCreateInput",
        json!({"type": "object", "required": ["nameSingular", "namePlural", "labelSingular", "labelPlural"],
               "additionalProperties": false, "properties": {
                "nameSingular": text(), "namePlural": text(), "labelSingular": text(), "labelPlural": text(),
                "description": nullable(text()), "icon": nullable(text()), "isLabelSyncedWithName": labels_synced}}),
    );
    add(
        "ObjectUpdateInput",
        json!({"type": "object", "additionalProperties": false, "properties": {
            "labelSingular": text(), "labelPlural": text(), "description": nullable(text()), "icon": nullable(text()),
            "isActive": boolean(),
            "nameSingular": {"type": "string", "description": "Names are fixed: only the current one is accepted"},
            "namePlural": {"type": "string", "description": "Names are fixed: only the current one is accepted"},
            "isLabelSyncedWithName": labels_synced}}),
    );
    add(
        "Relation",
        json!({"type": "object", "properties": {
            "id": uuid(), "relationType": {"type": "string", "enum": RELATION_TYPES},
            "fromObjectMetadataId": uuid(), "toObjectMetadataId": uuid(),
            "fromFieldMetadataId": uuid(), "toFieldMetadataId": uuid(),
            "onDelete": {"type": "string", "enum": ON_DELETE},
            "fromObjectMetadata": object_ref, "toObjectMetadata": object_ref}}),
    );
    add(
        "RelationCreateInput",
        json!({"type": "object", "required": ["relationType", "fromObjectMetadataId", "toObjectMetadataId"],
               "additionalProperties": false,
               "description": "Names and labels in Twenty's REST spelling (fromName …) or the GraphQL input's (fromFieldMetadataName …), not both",
               "properties": {
                "relationType": {"type": "string", "enum": RELATION_TYPES, "description": "seen from the \"from\" object"},
                "fromObjectMetadataId": uuid(), "toObjectMetadataId": uuid(),
                "fromName": text(), "toName": text(), "fromLabel": text(), "toLabel": text(),
                "fromFieldMetadataName": text(), "toFieldMetadataName": text(),
                "fromFieldMetadataLabel": text(), "toFieldMetadataLabel": text(),
                "fromIcon": text(), "toIcon": text(), "fromDescription": text(), "toDescription": text(),
                "onDelete": {"type": "string", "enum": ON_DELETE}}}),
    );
    schemas
}

fn answer(status: &str, description: &str, schema: Json, errors: &[u16]) -> Json {
    let mut responses = error_responses(errors);
    responses.insert(
        status.to_string(),
        json!({"description": description, "content": {"application/json": {"schema": schema}}}),
    );
    Json::Object(responses)
}

fn body(schema: &str) -> Json {
    json!({"required": true, "content": {"application/json": {"schema": schema_ref(schema)}}})
}

/// One resource (`objects` / `object` / `Object`): its list, read, create, update and delete paths.
struct Resource {
    plural: &'static str,
    singular: &'static str,
    schema: &'static str,
    tag: &'static str,
    update: bool,
}

impl Resource {
    fn list_envelope(&self, format: MetadataFormat) -> Json {
        let items = json!({"type": "array", "items": schema_ref(self.schema)});
        let data = match format {
            MetadataFormat::Legacy => {
                json!({"type": "object", "required": [self.plural], "properties": {self.plural: items}})
            }
            MetadataFormat::Direct => items,
        };
        json!({"type": "object", "required": ["data", "pageInfo", "totalCount"], "properties": {
            "data": data, "pageInfo": schema_ref("PageInfo"), "totalCount": {"type": "integer"}}})
    }

    fn one_envelope(&self, format: MetadataFormat, key: &str) -> Json {
        match format {
            MetadataFormat::Legacy => json!({"type": "object", "required": ["data"], "properties": {"data": {
                "type": "object", "required": [key], "properties": {key: schema_ref(self.schema)}}}}),
            MetadataFormat::Direct => schema_ref(self.schema),
        }
    }

    fn paths(&self, format: MetadataFormat, paths: &mut Map<String, Json>) {
        let name = pascal(self.singular);
        let tag = json!([self.tag]);
        let a_one = twenty_domain::naming::with_article(self.singular);
        let mut list_parameters = vec![
            json!({"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 0, "maximum": MAX_METADATA_PAGE, "default": MAX_METADATA_PAGE}}),
            json!({"name": "starting_after", "in": "query", "schema": uuid(), "description": "the id of an item (pageInfo.endCursor): the items after it"}),
            json!({"name": "ending_before", "in": "query", "schema": uuid(), "description": "the id of an item (pageInfo.startCursor): the items before it; not with starting_after"}),
        ];
        if self.plural == "fields" {
            list_parameters.push(json!({"name": "objectMetadataId", "in": "query", "schema": uuid(), "description": "only the fields of this object"}));
        }
        paths.insert(
            format!("/{}", self.plural),
            json!({
                "get": {"tags": tag, "operationId": format!("findMany{}", pascal(self.plural)),
                        "summary": format!("List {}", self.plural), "parameters": list_parameters,
                        "responses": answer("200", "A page", self.list_envelope(format), &[400, 401, 429])},
                "post": {"tags": tag, "operationId": format!("createOne{name}"), "summary": format!("Create {a_one}"), "requestBody": body(&format!("{}CreateInput", self.schema)),
                         "responses": answer("201", "Created", self.one_envelope(format, &format!("createOne{name}")), &[400, 401, 404, 409, 429])}
            }),
        );
        let mut one = json!({
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": uuid()}],
            "get": {"tags": tag, "operationId": format!("findOne{name}"), "summary": format!("Get {a_one} by id"),
                    "responses": answer("200", "The item", self.one_envelope(format, self.singular), &[400, 401, 404, 429])},
            "delete": {"tags": tag, "operationId": format!("deleteOne{name}"), "summary": format!("Delete {a_one}"),
                       "responses": answer("200", "The deleted item", self.one_envelope(format, &format!("deleteOne{name}")), &[400, 401, 404, 429])}
        });
        if self.update {
            one["patch"] = json!({"tags": tag, "operationId": format!("updateOne{name}"), "summary": format!("Update {a_one}"), "requestBody": body(&format!("{}UpdateInput", self.schema)),
                                  "responses": answer("200", "The updated item", self.one_envelope(format, &format!("updateOne{name}")), &[400, 401, 404, 409, 429])});
        }
        paths.insert(format!("/{}/{{id}}", self.plural), one);
    }
}

fn pascal(name: &str) -> String {
    twenty_domain::metadata::pascal_case(name)
}

/// The whole document; its server is `{server_url}/rest/metadata` (`/rest/metadata` without a public URL).
pub fn document(format: MetadataFormat, server_url: Option<&str>) -> Json {
    let resources = [
        Resource {
            plural: "objects",
            singular: "object",
            schema: "Object",
            tag: "Objects",
            update: true,
        },
        Resource {
            plural: "fields",
            singular: "field",
            schema: "Field",
            tag: "Fields",
            update: true,
        },
        Resource {
            plural: "relations",
            singular: "relation",
            schema: "Relation",
            tag: "Relations",
            update: false,
        },
    ];
    let mut paths = Map::new();
    for resource in &resources {
        resource.paths(format, &mut paths);
    }
    json!({
        "openapi": "3.0.3",
        "info": {"title": "Twenty REST metadata API", "version": "1.0.0",
                 "description": "The data model of this workspace: objects, fields and relations (as /metadata). Authenticate with a bearer access token or API key."},
        "servers": [{"url": format!("{}/rest/metadata", server_url.unwrap_or_default())}],
        "security": [{"bearerAuth": []}],
        "tags": resources.iter().map(|r| json!({"name": r.tag})).collect::<Vec<_>>(),
        "paths": paths,
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
            "schemas": schemas()
        }
    })
}
