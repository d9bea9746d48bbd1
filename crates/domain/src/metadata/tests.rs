//! Unit tests of `metadata`.

use super::*;

#[test]
fn schema_names_are_short_and_distinct() {
    let a = workspace_schema_name(Uuid::from_u128(0));
    assert_eq!(a, "workspace_0");
    let b = workspace_schema_name(Uuid::from_u128(u128::MAX));
    assert!(b.len() <= 63, "{b}");
    assert_ne!(
        workspace_schema_name(Uuid::new_v4()),
        workspace_schema_name(Uuid::new_v4())
    );
}

#[test]
fn pascal_case_capitalises_the_first_letter() {
    assert_eq!(pascal_case("workspaceMember"), "WorkspaceMember");
}

#[test]
fn workspaces_with_the_same_model_have_the_same_shape_key_whatever_the_load_order() {
    use crate::catalogue::standard_objects;
    let a = standard_objects().build(Uuid::new_v4(), Utc::now()).unwrap();
    let mut b = standard_objects().build(Uuid::new_v4(), Utc::now()).unwrap();
    // Objects load ordered by creation time, then id: random among objects created together.
    b.objects.reverse();
    assert_eq!(a.shape_key(), b.shape_key());
    let mut c = standard_objects().build(Uuid::new_v4(), Utc::now()).unwrap();
    c.objects[0].fields[0].label = "Renamed".into();
    assert_ne!(a.shape_key(), c.shape_key(), "labels are part of the model");
}
