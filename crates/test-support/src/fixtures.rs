//! The snapshot fixture of the schema generators: the standard objects plus the reference's custom `property`
//! object with a field of every type the capability table knows. The GraphQL SDL snapshot (`twenty-api-graphql`)
//! and the OpenAPI snapshot (`twenty-api-rest`) are generated from it, so a new field type is added here once.

use serde_json::json;
use twenty_domain::blueprint::{FieldBlueprint as F, ObjectBlueprint};
use twenty_domain::catalogue::standard_objects;
use twenty_domain::field_type::FieldType;
use twenty_domain::metadata::WorkspaceMetadata;

/// The fixture workspace (its ids are fixed; its timestamps are now).
pub fn property_workspace() -> WorkspaceMetadata {
    let property = ObjectBlueprint::custom("property", "properties", "Property", "Properties")
        .field(F::new("address", "Address", FieldType::Text).required())
        .field(F::new("price", "Price", FieldType::Currency))
        .field(F::new("bedrooms", "Bedrooms", FieldType::Number).integer())
        .field(F::new("bathrooms", "Bathrooms", FieldType::Number))
        .field(F::new("squareFeet", "Square feet", FieldType::Number).integer())
        .field(F::new("status", "Status", FieldType::Select).options(&[("FOR_SALE", "For sale"), ("SOLD", "Sold")]))
        .field(F::new("parkingSpaces", "Parking", FieldType::Number).integer())
        .field(F::new("hasGarage", "Garage", FieldType::Boolean).default_value(json!(false)))
        .field(F::new("yearBuilt", "Year built", FieldType::Number).integer())
        .field(F::new("amenities", "Amenities", FieldType::MultiSelect).options(&[("POOL", "Pool"), ("GYM", "Gym")]))
        .field(F::new("rating", "Rating", FieldType::Rating).options(&[("RATING_1", "1"), ("RATING_5", "5")]))
        .field(F::new("extra", "Extra", FieldType::Json))
        .field(F::new("listedOn", "Listed on", FieldType::Date))
        .field(F::new("agentEmail", "Agent", FieldType::Email))
        .field(F::new("externalId", "External id", FieldType::Uuid))
        .field(F::new("emails", "Emails", FieldType::Emails))
        .field(F::new("phones", "Phones", FieldType::Phones))
        .field(F::new("links", "Links", FieldType::Links))
        .field(F::new("location", "Location", FieldType::Address))
        .field(F::new("tags", "Tags", FieldType::Array))
        .field(F::new("notes", "Notes", FieldType::RichText))
        .field(F::new("commission", "Commission", FieldType::Numeric));
    match standard_objects()
        .object(property)
        .build(uuid::Uuid::nil(), chrono::Utc::now())
    {
        Ok(meta) => meta,
        Err(e) => panic!("the fixture's blueprint is invalid: {e}"),
    }
}
