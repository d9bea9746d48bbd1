//! The OpenAPI 3.0 document of a workspace's REST API, generated from its active objects and cached by
//! metadata version.

use crate::envelope::{Operation, ResponseFormat};
use serde_json::{Map, Value as Json, json};
use std::sync::Arc;
use twenty_domain::field_type::{ListItems, ScalarKind, SubFormat, TextFormat};
use twenty_domain::metadata::{FieldMetadata, ObjectMetadata, WorkspaceMetadata};
use twenty_domain::naming::{self, noun, with_article};
use twenty_domain::value::format_values;
use twenty_storage::cache::VersionedCache;

fn leaf_schema(kind: ScalarKind, field: &FieldMetadata) -> Json {
    let mut schema = match kind {
        ScalarKind::Text => json!({"type": "string"}),
        ScalarKind::Float => json!({"type": "number"}),
        ScalarKind::BigInt => json!({"type": "integer", "format": "int64"}),
        ScalarKind::Boolean => json!({"type": "boolean"}),
        ScalarKind::Uuid => json!({"type": "string", "format": "uuid"}),
        ScalarKind::Timestamp => json!({"type": "string", "format": "date-time"}),
        ScalarKind::Date => json!({"type": "string", "format": "date"}),
        ScalarKind::TextArray => json!({"type": "array", "items": {"type": "string"}}),
        ScalarKind::Json => json!({}),
        ScalarKind::Decimal => json!({"type": "string", "format": "decimal", "example": "12.50"}),
    };
    let options: Vec<&str> = field.option_values().collect();
    if field.field_type.has_options() && !options.is_empty() {
        match kind {
            ScalarKind::TextArray => schema["items"]["enum"] = json!(options),
            _ => schema["enum"] = json!(options),
        }
    }
    if let Some(format) = field.field_type.text_format() {
        text_format(&mut schema, format);
    }
    schema
}

fn text_format(schema: &mut Json, format: TextFormat) {
    match format {
        TextFormat::Email => schema["format"] = json!("email"),
        TextFormat::Url => schema["format"] = json!("uri"),
        TextFormat::Phone | TextFormat::Link => {}
    }
}

/// The schema of a value of a sub-field format (`kind` is the sub-field's storage kind).
fn format_schema(format: SubFormat, kind: ScalarKind, field: &FieldMetadata) -> Json {
    let mut schema = match format {
        SubFormat::List(ListItems::Text(item)) => {
            return json!({"type": "array", "items": format_schema(*item, ScalarKind::Text, field)});
        }
        SubFormat::List(ListItems::Object(properties)) => {
            let properties: Map<String, Json> = properties
                .iter()
                .map(|p| {
                    let schema = match p.format {
                        Some(format) => format_schema(format, ScalarKind::Text, field),
                        None => json!({"type": "string"}),
                    };
                    (p.name.to_string(), nullable(schema))
                })
                .collect();
            return json!({"type": "array", "items": {"type": "object", "properties": properties}});
        }
        _ => leaf_schema(kind, field),
    };
    let values = format_values(format);
    if !values.is_empty() {
        schema["enum"] = json!(values);
    }
    if let Some(pattern) = format.pattern() {
        schema["pattern"] = json!(pattern);
    }
    match format {
        SubFormat::Text(text) => text_format(&mut schema, text),
        SubFormat::Range(low, high) => {
            schema["minimum"] = json!(low);
            schema["maximum"] = json!(high);
        }
        _ => {}
    }
    schema
}

/// Nullable in OpenAPI 3.0 terms; `{}` (any value) already admits null.
fn nullable(mut schema: Json) -> Json {
    if let Json::Object(map) = &mut schema
        && !map.is_empty()
    {
        map.insert("nullable".into(), json!(true));
    }
    schema
}

fn field_schema(field: &FieldMetadata) -> Option<Json> {
    if let Some(composite) = field.composite() {
        let properties: Map<String, Json> = composite
            .sub_fields()
            .iter()
            .map(|s| {
                let sub = match s.format {
                    Some(format) => format_schema(format, s.kind, field),
                    None => leaf_schema(s.kind, field),
                };
                (s.name.to_string(), nullable(sub))
            })
            .collect();
        return Some(json!({"type": "object", "properties": properties}));
    }
    field.scalar_kind().map(|kind| leaf_schema(kind, field))
}

/// What a schema says about itself: the metadata's description, else its label.
fn described(mut schema: Json, description: &str) -> Json {
    if let Json::Object(map) = &mut schema {
        map.insert("description".into(), json!(description));
    }
    schema
}

/// Record, create and update schemas of one object.
fn object_schemas(meta: &WorkspaceMetadata, object: &ObjectMetadata, schemas: &mut Map<String, Json>) {
    let name = object.type_name();
    let mut record = Map::new();
    let mut create = Map::new();
    let mut required_record = Vec::new();
    let mut required_create = Vec::new();
    for field in object.active_fields() {
        if let Some(link) = &field.relation {
            if let Some(id_field) = field.id_field_name() {
                let id = json!({"type": "string", "format": "uuid", "nullable": true,
                                "description": format!("{}: the id of the linked record", field.label)});
                record.insert(id_field.clone(), id.clone());
                create.insert(id_field, id);
                if let Some(target) = meta.object(link.target_object_id).filter(|t| t.is_active) {
                    let embedded = json!({"allOf": [{"$ref": format!("#/components/schemas/{}", target.type_name())}], "nullable": true,
                                          "description": format!("{}: the linked record, present with depth=1", field.label)});
                    record.insert(field.name.clone(), embedded);
                }
            }
            continue;
        }
        let Some(schema) = field_schema(field) else { continue };
        // Described after `nullable`, which leaves an empty schema (any JSON value) as it is.
        let describe = |schema: Json| described(schema, naming::field_description(field));
        let always = field.non_null_output();
        record.insert(
            field.name.clone(),
            describe(if always {
                schema.clone()
            } else {
                nullable(schema.clone())
            }),
        );
        if always {
            required_record.push(json!(field.name));
        }
        if field.is_read_only() {
            continue;
        }
        if field.required_on_create() {
            required_create.push(json!(field.name));
            create.insert(field.name.clone(), describe(schema));
        } else {
            create.insert(field.name.clone(), describe(nullable(schema)));
        }
    }
    let mut update = create.clone();
    update.remove("id");
    let one = noun(&object.label_singular);
    schemas.insert(
        name.clone(),
        json!({"type": "object", "description": naming::object_description(object), "properties": record,
               "required": required_record}),
    );
    let mut create_schema = json!({"type": "object", "description": format!("The fields of a new {one}"),
                                   "properties": create, "additionalProperties": false});
    if !required_create.is_empty() {
        create_schema["required"] = json!(required_create);
    }
    schemas.insert(format!("{name}CreateInput"), create_schema);
    schemas.insert(
        format!("{name}UpdateInput"),
        json!({"type": "object",
               "description": format!("The fields to change on {}; those left out keep their values", with_article(&one)),
               "properties": update, "additionalProperties": false}),
    );
}

/// The error answers of an operation, by status (the contract's error envelope), for both OpenAPI documents.
pub(crate) fn error_responses(codes: &[u16]) -> Map<String, Json> {
    codes
        .iter()
        .map(|code| {
            let description = match code {
                400 => "Invalid input",
                401 => "Missing or invalid token",
                404 => "Not found",
                409 => "Conflict",
                429 => "Rate limit exceeded",
                _ => "Error",
            };
            (
                code.to_string(),
                json!({"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}),
            )
        })
        .collect()
}

fn json_body(schema: Json) -> Json {
    json!({"required": true, "content": {"application/json": {"schema": schema}}})
}

fn ok_response(description: &str, schema: Json) -> Json {
    json!({"description": description, "content": {"application/json": {"schema": schema}}})
}

fn with(mut responses: Map<String, Json>, code: &str, response: Json) -> Json {
    responses.insert(code.to_string(), response);
    Json::Object(responses)
}

/// The whole document.
pub fn document(meta: &WorkspaceMetadata, format: ResponseFormat) -> Json {
    let mut schemas = Map::new();
    schemas.insert(
        "Error".into(),
        json!({"type": "object", "required": ["error"], "properties": {"error": {
            "type": "object", "required": ["message", "code", "statusCode"],
            "properties": {
                "message": {"type": "string"},
                "code": {"type": "string", "enum": ["UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "VALIDATION_ERROR", "CONFLICT", "RATE_LIMIT_EXCEEDED", "INTERNAL_ERROR"]},
                "statusCode": {"type": "integer"},
                "details": {"type": "array", "items": {"type": "object", "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}},
                "retryAfter": {"type": "integer"}
            }}}}),
    );
    let mut paths = Map::new();
    let id_param =
        json!({"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}});
    let depth_param = json!({"name": "depth", "in": "query", "schema": {"type": "integer", "enum": [0, 1, 2], "default": 0},
                             "description": "1 embeds MANY_TO_ONE relations as objects; 2 also embeds their own relations (to-many ones as arrays)"});
    let filter_param = |required: bool| {
        json!({"name": "filter", "in": "query", "required": required, "schema": {"type": "string"},
               "description": "Twenty's syntax: field[operator]:value joined by commas (and), nested with and(…), or(…), not(…); \
                               quoted strings, in:[a,b], is:NULL|NOT_NULL, dotted paths for composite sub-fields and relations, \
                               e.g. or(name[ilike]:\"%acme%\",employees[gte]:100). The reference's filter[field][operator]=value \
                               is accepted too (not in the same request)."})
    };
    for object in meta.active_objects() {
        object_schemas(meta, object, &mut schemas);
        let name = object.type_name();
        let record = json!({"$ref": format!("#/components/schemas/{name}")});
        // The answers, in the envelopes of `format` (see `crate::envelope`).
        let wrapped = |key: String, value: Json| {
            json!({"type": "object", "required": ["data"], "properties": {"data": {
                "type": "object", "required": [key.clone()], "properties": {key: value}}}})
        };
        let records = json!({"type": "array", "items": record});
        let one = |operation: Operation| match format {
            ResponseFormat::Reference if operation == Operation::Delete => {
                json!({"type": "object", "required": ["data"], "properties": {"data": {"type": "object",
                    "properties": {"id": {"type": "string", "format": "uuid"}, "deleted": {"type": "boolean"}}}}})
            }
            ResponseFormat::Reference => {
                json!({"type": "object", "required": ["data"], "properties": {"data": record}})
            }
            ResponseFormat::Twenty if operation == Operation::Delete => wrapped(
                ResponseFormat::key(operation, object, false),
                json!({"type": "object", "properties": {"id": {"type": "string", "format": "uuid"}}}),
            ),
            ResponseFormat::Twenty => wrapped(ResponseFormat::key(operation, object, false), record.clone()),
        };
        let many = |operation: Operation| match format {
            ResponseFormat::Reference => {
                json!({"type": "object", "required": ["data"], "properties": {"data": records}})
            }
            ResponseFormat::Twenty => wrapped(ResponseFormat::key(operation, object, true), records.clone()),
        };
        let cursor = json!({"type": "string", "nullable": true});
        let page_info = json!({"type": "object", "properties": {
            "hasNextPage": {"type": "boolean"}, "hasPreviousPage": {"type": "boolean"},
            "startCursor": cursor, "endCursor": cursor}});
        let list = match format {
            ResponseFormat::Reference => json!({"type": "object", "required": ["data", "meta"], "properties": {
                "data": records,
                "meta": {"type": "object", "properties": {
                    "totalCount": {"type": "integer"}, "hasMore": {"type": "boolean"},
                    "startCursor": cursor, "endCursor": cursor}}}}),
            ResponseFormat::Twenty => {
                let mut list = wrapped(ResponseFormat::key(Operation::Find, object, true), records.clone());
                list["required"] = json!(["data", "pageInfo", "totalCount"]);
                list["properties"]["pageInfo"] = page_info.clone();
                list["properties"]["totalCount"] = json!({"type": "integer"});
                list
            }
        };
        let create = json!({"$ref": format!("#/components/schemas/{name}CreateInput")});
        let update = json!({"$ref": format!("#/components/schemas/{name}UpdateInput")});
        let destroy_param = json!({"name": "destroy", "in": "query", "schema": {"type": "boolean", "default": false},
                                   "description": "true removes for good; otherwise soft-deleted"});
        let plural = &object.name_plural;
        let tag = json!([object.label_plural]);
        let plural_noun = noun(&object.label_plural);
        let a_one = with_article(&noun(&object.label_singular));
        paths.insert(
            format!("/{plural}"),
            json!({
                "get": {
                    "tags": tag, "operationId": format!("findMany{name}"), "summary": format!("List {plural_noun}"),
                    "parameters": [
                        {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 0, "default": 60}},
                        {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0},
                         "description": "the reference's paging (0 when absent); not with Twenty's filter, order_by, \
                                         starting_after or ending_before. No declared default, so that generated \
                                         clients do not send it with those"},
                        depth_param,
                        filter_param(false),
                        {"name": "order_by", "in": "query", "schema": {"type": "string"},
                         "description": "field[Direction],… with AscNullsFirst (the default), AscNullsLast, DescNullsFirst, DescNullsLast"},
                        {"name": "order", "in": "query", "style": "deepObject", "explode": true,
                         "description": "the reference's order[field]=asc|desc|AscNullsFirst|AscNullsLast|DescNullsFirst|DescNullsLast",
                         "schema": {"type": "object", "additionalProperties": {"type": "string"}}},
                        {"name": "starting_after", "in": "query", "schema": {"type": "string"},
                         "description": "a cursor (meta.endCursor of the previous page): the records after it"},
                        {"name": "ending_before", "in": "query", "schema": {"type": "string"},
                         "description": "a cursor (meta.startCursor of the next page): the records before it"}
                    ],
                    "responses": with(error_responses(&[400, 401, 429]), "200", ok_response("A page of records", list))
                },
                "post": {
                    "tags": tag, "operationId": format!("createOne{name}"), "summary": format!("Create {a_one}"),
                    "parameters": [depth_param],
                    "requestBody": json_body(create.clone()),
                    "responses": with(error_responses(&[400, 401, 409, 429]), "201", ok_response("The created record", one(Operation::Create)))
                },
                "patch": {
                    "tags": tag, "operationId": format!("updateMany{name}"), "summary": format!("Update the {plural_noun} a filter matches"),
                    "parameters": [filter_param(true), depth_param],
                    "requestBody": json_body(update.clone()),
                    "responses": with(error_responses(&[400, 401, 409, 429]), "200", ok_response("The updated records", many(Operation::Update)))
                },
                "delete": {
                    "tags": tag, "operationId": format!("deleteMany{name}"), "summary": format!("Delete the {plural_noun} a filter matches"),
                    "parameters": [filter_param(true), destroy_param, depth_param],
                    "responses": with(error_responses(&[400, 401, 429]), "200", ok_response("The deleted records", many(Operation::Delete)))
                }
            }),
        );
        paths.insert(
            format!("/{plural}/restore"),
            json!({
                "patch": {
                    "tags": tag, "operationId": format!("restoreMany{name}"), "summary": format!("Restore the soft-deleted {plural_noun} a filter matches"),
                    "parameters": [filter_param(true), depth_param],
                    "responses": with(error_responses(&[400, 401, 429]), "200", ok_response("The restored records", many(Operation::Restore)))
                }
            }),
        );
        let duplicates_page = json!({"type": "object", "properties": {
            format!("{}Duplicates", object.name_singular): records,
            "pageInfo": page_info,
            "totalCount": {"type": "integer"}}});
        paths.insert(
            format!("/{plural}/duplicates"),
            json!({
                "post": {
                    "tags": tag, "operationId": format!("find{name}Duplicates"),
                    "summary": format!("Find likely duplicates of {}", object.label_plural),
                    "description": "Give either data (records, as they would be created) or ids (of stored records): \
                                    the answer has one page of likely duplicates per record, in the same order",
                    "parameters": [depth_param],
                    "requestBody": json_body(json!({"type": "object", "properties": {
                        "data": {"type": "array", "items": create.clone()},
                        "ids": {"type": "array", "items": {"type": "string", "format": "uuid"}}}})),
                    "responses": with(error_responses(&[400, 401, 429]), "200", ok_response("The likely duplicates of each record",
                        json!({"type": "object", "required": ["data"], "properties": {
                            "data": {"type": "array", "items": duplicates_page}}})))
                }
            }),
        );
        paths.insert(
            format!("/{plural}/{{id}}"),
            json!({
                "parameters": [id_param],
                "get": {
                    "tags": tag, "operationId": format!("findOne{name}"), "summary": format!("Get {a_one} by id"), "parameters": [depth_param],
                    "responses": with(error_responses(&[400, 401, 404, 429]), "200", ok_response("The record", one(Operation::Find)))
                },
                "patch": {
                    "tags": tag, "operationId": format!("updateOne{name}"), "summary": format!("Update {a_one}"), "parameters": [depth_param],
                    "requestBody": json_body(update),
                    "responses": with(error_responses(&[400, 401, 404, 409, 429]), "200", ok_response("The updated record", one(Operation::Update)))
                },
                "delete": {
                    "tags": tag, "operationId": format!("deleteOne{name}"), "summary": format!("Delete {a_one}"),
                    "parameters": [destroy_param],
                    "responses": with(error_responses(&[400, 401, 404, 429]), "200", ok_response("The deleted record's id", one(Operation::Delete)))
                }
            }),
        );
        paths.insert(
            format!("/{plural}/{{id}}/restore"),
            json!({
                "parameters": [id_param],
                "patch": {
                    "tags": tag, "operationId": format!("restoreOne{name}"), "summary": format!("Restore {a_one} that was soft-deleted"), "parameters": [depth_param],
                    "responses": with(error_responses(&[400, 401, 404, 429]), "200", ok_response("The restored record", one(Operation::Restore)))
                }
            }),
        );
        paths.insert(
            format!("/batch/{plural}"),
            json!({
                "post": {
                    "tags": tag, "operationId": format!("createMany{name}"), "summary": format!("Create {plural_noun} in one batch (at most 200)"), "parameters": [depth_param],
                    "requestBody": json_body(json!({"type": "array", "items": create, "maxItems": 200})),
                    "responses": with(error_responses(&[400, 401, 409, 429]), "201", ok_response("The created records", many(Operation::Create)))
                }
            }),
        );
    }
    json!({
        "openapi": "3.0.3",
        "info": {"title": "Twenty REST API", "version": "1.0.0",
                 "description": "Records of this workspace's objects. Authenticate with a bearer access token or API key."},
        "servers": [{"url": "/rest"}],
        "security": [{"bearerAuth": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
            "schemas": schemas
        }
    })
}

/// Documents by workspace, rebuilt when the metadata version changes.
pub struct OpenApiCache {
    entries: VersionedCache<Arc<Json>>,
    /// The public base URL (`SERVER_URL`): the documents' server is `{server_url}/rest` rather than `/rest`.
    server_url: Option<String>,
    /// The envelopes the documents describe (`REST_RESPONSE_FORMAT`).
    format: ResponseFormat,
}

impl OpenApiCache {
    /// Documents of at most `capacity` workspaces are kept.
    pub fn new(capacity: usize) -> Self {
        OpenApiCache {
            entries: VersionedCache::new(capacity),
            server_url: None,
            format: ResponseFormat::default(),
        }
    }

    /// Documents describing the answers in `format`'s envelopes.
    pub fn with_format(mut self, format: ResponseFormat) -> Self {
        self.format = format;
        self
    }

    /// Documents whose server is `{server_url}/rest` (a public base URL without a trailing slash).
    pub fn with_server_url(mut self, server_url: Option<String>) -> Self {
        self.server_url = server_url;
        self
    }

    pub fn get(&self, meta: &WorkspaceMetadata) -> Arc<Json> {
        let build = || {
            let mut document = document(meta, self.format);
            if let Some(base) = &self.server_url {
                document["servers"] = json!([{"url": format!("{base}/rest")}]);
            }
            Ok(Arc::new(document))
        };
        let built: Result<_, std::convert::Infallible> =
            self.entries.get_or_build(meta.workspace_id, meta.version, build);
        match built {
            Ok(doc) => doc,
        }
    }
}
