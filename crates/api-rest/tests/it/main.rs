//! The OpenAPI document of a fixture workspace is committed and compared; it is also written for the
//! `openapi-spec-validator` check that CI runs (`scripts/check-openapi`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::json;
use std::path::PathBuf;
use twenty_api_rest::envelope::ResponseFormat;
use twenty_domain::metadata::{FieldMetadata, WorkspaceMetadata};
use twenty_domain::value::format_values;

fn fixture() -> WorkspaceMetadata {
    test_support::fixtures::property_workspace()
}

#[test]
fn the_fixture_document_matches_its_snapshot() {
    let meta = fixture();
    let document = twenty_api_rest::openapi::document(&meta, ResponseFormat::Reference);
    let text = serde_json::to_string_pretty(&document).unwrap() + "\n";
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let path = root.join("tests/snapshots/openapi.json");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    let out = root.join("../../target/openapi");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("fixture.json"), &text).unwrap();
    assert!(
        std::fs::read_to_string(&path).unwrap_or_default() == text,
        "the OpenAPI document differs from {}; review and rerun with UPDATE_SNAPSHOTS=1 to accept",
        path.display()
    );
    assert_eq!(
        document["paths"]["/properties"]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        json!("#/components/schemas/PropertyCreateInput")
    );
    assert_eq!(
        document["components"]["schemas"]["PropertyCreateInput"]["required"],
        json!(["address"])
    );
}

/// With `REST_RESPONSE_FORMAT=twenty`, the document describes Twenty's envelopes (a valid document too: it is
/// written beside the fixture's for `scripts/check-openapi`).
#[test]
fn the_twenty_format_document_describes_twentys_envelopes() {
    let meta = fixture();
    let document = twenty_api_rest::openapi::document(&meta, ResponseFormat::Twenty);
    let out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/openapi");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(
        out.join("fixture-twenty.json"),
        serde_json::to_string_pretty(&document).unwrap(),
    )
    .unwrap();
    let answer = |path: &str, method: &str, status: &str| {
        document["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"].clone()
    };
    // A generated client sends every declared default: a default `offset` would mix the dialects in every list
    // request it makes with Twenty's `filter` (found with openapi-python-client, scripts/twenty-clients).
    let parameters = document["paths"]["/people"]["get"]["parameters"].as_array().unwrap();
    for parameter in parameters {
        let name = parameter["name"].as_str().unwrap();
        if !["limit", "depth"].contains(&name) {
            assert!(
                parameter["schema"].get("default").is_none(),
                "{name} declares a default"
            );
        }
    }
    let list = answer("/people", "get", "200");
    assert_eq!(list["required"], json!(["data", "pageInfo", "totalCount"]));
    assert_eq!(list["properties"]["data"]["required"], json!(["people"]));
    assert!(list["properties"]["pageInfo"]["properties"]["endCursor"].is_object());
    for (path, method, status, key) in [
        ("/people", "post", "201", "createPerson"),
        ("/batch/people", "post", "201", "createPeople"),
        ("/people/{id}", "get", "200", "person"),
        ("/people/{id}", "patch", "200", "updatePerson"),
        ("/people/{id}", "delete", "200", "deletePerson"),
        ("/people", "patch", "200", "updatePeople"),
        ("/people", "delete", "200", "deletePeople"),
        ("/people/{id}/restore", "patch", "200", "restorePerson"),
        ("/people/restore", "patch", "200", "restorePeople"),
    ] {
        assert_eq!(
            answer(path, method, status)["properties"]["data"]["required"],
            json!([key]),
            "{method} {path}"
        );
    }
}

/// The record, create and update schemas say what the domain's capability table says: required on create, read
/// only, always present, and the values a formatted sub-field takes.
#[test]
fn the_schemas_follow_the_domains_field_rules() {
    let meta = fixture();
    let document = twenty_api_rest::openapi::document(&meta, ResponseFormat::Reference);
    let schemas = &document["components"]["schemas"];
    for object in meta.active_objects() {
        let name = object.type_name();
        let (record, create, update) = (
            &schemas[&name],
            &schemas[format!("{name}CreateInput")],
            &schemas[format!("{name}UpdateInput")],
        );
        let listed = |schema: &serde_json::Value| -> Vec<String> {
            schema["required"]
                .as_array()
                .map(|names| names.iter().filter_map(|n| n.as_str().map(String::from)).collect())
                .unwrap_or_default()
        };
        let fields: Vec<&FieldMetadata> = object.active_fields().filter(|f| f.relation.is_none()).collect();
        let names_where = |rule: fn(&FieldMetadata) -> bool| -> Vec<String> {
            fields.iter().filter(|f| rule(f)).map(|f| f.name.clone()).collect()
        };
        assert_eq!(
            listed(create),
            names_where(FieldMetadata::required_on_create),
            "{name}: required on create"
        );
        assert_eq!(
            listed(record),
            names_where(FieldMetadata::non_null_output),
            "{name}: always present"
        );
        for field in &fields {
            let read_only = field.is_read_only();
            assert_eq!(
                create["properties"].get(&field.name).is_none(),
                read_only,
                "{name}.{}",
                field.name
            );
            assert_eq!(
                update["properties"].get(&field.name).is_none(),
                read_only || field.name == "id"
            );
            for sub in field.composite().map(|c| c.sub_fields()).unwrap_or_default() {
                let schema = &record["properties"][&field.name]["properties"][sub.name];
                let values = sub
                    .format
                    .map(format_values)
                    .filter(|values| !values.is_empty())
                    .map(|values| json!(values));
                assert_eq!(
                    schema.get("enum").cloned(),
                    values,
                    "{name}.{}.{}",
                    field.name,
                    sub.name
                );
            }
        }
    }
}

/// The metadata document (`GET /rest/open-api/metadata`) in both envelopes is committed and compared, and written
/// beside the fixture's for `scripts/check-openapi`.
#[test]
fn the_metadata_documents_match_their_snapshots() {
    use twenty_api_rest::metadata::{MetadataFormat, openapi};
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let out = root.join("../../target/openapi");
    std::fs::create_dir_all(&out).unwrap();
    for (format, name) in [
        (MetadataFormat::Legacy, "metadata"),
        (MetadataFormat::Direct, "metadata-direct"),
    ] {
        let document = openapi::document(format, None);
        let text = serde_json::to_string_pretty(&document).unwrap() + "\n";
        let path = root.join(format!("tests/snapshots/openapi-{name}.json"));
        if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
            std::fs::write(&path, &text).unwrap();
        }
        std::fs::write(out.join(format!("{name}.json")), &text).unwrap();
        assert!(
            std::fs::read_to_string(&path).unwrap_or_default() == text,
            "the metadata OpenAPI document differs from {}; review and rerun with UPDATE_SNAPSHOTS=1 to accept",
            path.display()
        );
        assert_eq!(document["servers"], json!([{"url": "/rest/metadata"}]));
        let created =
            &document["paths"]["/fields"]["post"]["responses"]["201"]["content"]["application/json"]["schema"];
        let expected = match format {
            MetadataFormat::Legacy => json!({"type": "object", "required": ["data"], "properties": {"data": {
                "type": "object", "required": ["createOneField"],
                "properties": {"createOneField": {"$ref": "#/components/schemas/Field"}}}}}),
            MetadataFormat::Direct => json!({"$ref": "#/components/schemas/Field"}),
        };
        assert_eq!(created, &expected);
    }
}
