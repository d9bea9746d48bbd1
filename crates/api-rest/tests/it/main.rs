//! The OpenAPI document of a fixture workspace is committed and compared; it is also written for the
//! `openapi-spec-validator` check that CI runs (`scripts/check-openapi`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::json;
use std::path::PathBuf;
use twenty_domain::blueprint::{FieldBlueprint as F, ObjectBlueprint};
use twenty_domain::catalogue::standard_objects;
use twenty_domain::field_type::FieldType;

#[test]
fn the_fixture_document_matches_its_snapshot() {
    let property = ObjectBlueprint::custom("property", "properties", "Property", "Properties")
        .field(F::new("address", "Address", FieldType::Text).required())
        .field(F::new("price", "Price", FieldType::Currency))
        .field(F::new("bedrooms", "Bedrooms", FieldType::Number).integer())
        .field(F::new("status", "Status", FieldType::Select).options(&[("FOR_SALE", "For sale"), ("SOLD", "Sold")]))
        .field(F::new("amenities", "Amenities", FieldType::MultiSelect).options(&[("POOL", "Pool")]))
        .field(F::new("extra", "Extra", FieldType::Json))
        .field(F::new("listedOn", "Listed on", FieldType::Date))
        .field(F::new("agentEmail", "Agent", FieldType::Email))
        .field(F::new("hasGarage", "Garage", FieldType::Boolean).default_value(json!(false)));
    let meta = standard_objects()
        .object(property)
        .build(uuid::Uuid::nil(), chrono::Utc::now())
        .unwrap();
    let document = twenty_api_rest::openapi::document(&meta);
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
