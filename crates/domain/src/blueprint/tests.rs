//! Unit tests of `blueprint`.

use super::*;

fn problems_of(field: FieldBlueprint) -> Vec<String> {
    let mut problems = Problems::new();
    field.to_metadata(Uuid::nil(), false, Utc::now(), "", &mut problems);
    problems
        .finish(())
        .err()
        .map(|e| e.details().iter().map(|d| d.field.clone()).collect())
        .unwrap_or_default()
}

#[test]
fn a_number_is_stored_as_int_or_float_and_nothing_else() {
    let number = || FieldBlueprint::new("rooms", "Rooms", FieldType::Number);
    assert!(problems_of(number().integer()).is_empty());
    let mut decimal = number();
    decimal.settings = Some(serde_json::json!({"dataType": "decimal"}));
    assert_eq!(problems_of(decimal), ["settings.dataType"]);
}

#[test]
fn a_rating_given_no_options_gets_rating_1_to_5_and_other_option_types_need_some() {
    let mut problems = Problems::new();
    let rating = FieldBlueprint::new("stars", "Stars", FieldType::Rating).default_value(serde_json::json!("RATING_3"));
    let field = rating.to_metadata(Uuid::nil(), false, Utc::now(), "", &mut problems);
    assert!(problems.is_empty());
    let options: Vec<(&str, &str, i32)> = field
        .options
        .iter()
        .map(|o| (o.value.as_str(), o.label.as_str(), o.position))
        .collect();
    assert_eq!(
        options,
        [
            ("RATING_1", "1", 0),
            ("RATING_2", "2", 1),
            ("RATING_3", "3", 2),
            ("RATING_4", "4", 3),
            ("RATING_5", "5", 4)
        ]
    );
    for field_type in [FieldType::Select, FieldType::MultiSelect] {
        assert_eq!(
            problems_of(FieldBlueprint::new("tier", "Tier", field_type)),
            ["options"]
        );
    }
}

#[test]
fn option_positions_are_unique() {
    for field_type in [FieldType::Select, FieldType::MultiSelect, FieldType::Rating] {
        let mut field =
            FieldBlueprint::new("tier", "Tier", field_type).options(&[("RATING_1", "1"), ("RATING_2", "2")]);
        assert!(problems_of(field.clone()).is_empty(), "{field_type}");
        field.options[1].position = field.options[0].position;
        assert_eq!(problems_of(field), ["options[1].position"], "{field_type}");
    }
}

#[test]
fn an_objects_singular_and_plural_labels_differ() {
    let problems = |singular: &str, plural: &str| {
        let mut problems = Problems::new();
        ObjectBlueprint::custom("sheep", "flock", singular, plural).to_metadata(Utc::now(), "", &mut problems);
        problems
            .finish(())
            .err()
            .map(|e| e.details().iter().map(|d| d.field.clone()).collect::<Vec<_>>())
            .unwrap_or_default()
    };
    assert!(problems("Sheep", "Flock").is_empty());
    assert_eq!(problems("Sheep", "Sheep"), ["labelPlural"]);
    assert_eq!(problems("Sheep", " SHEEP "), ["labelPlural"]);
    // An empty label is reported once, by its own rule.
    assert_eq!(problems("", " "), ["labelSingular", "labelPlural"]);
}
