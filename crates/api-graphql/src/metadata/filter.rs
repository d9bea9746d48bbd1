//! The filters of the metadata lists, as Twenty declares them: `objects(filter: ObjectFilter)` and
//! `fields(filter: FieldFilter)`, with `and` / `or` and the comparisons `UUIDFilterComparison` and
//! `BooleanFieldComparison`. They test the metadata the process already holds; no field outside them is accepted
//! (the document fails validation).

use super::scalars::UuidValue;
use juniper::{DefaultScalarValue as S, GraphQLInputObject};
use twenty_domain::metadata::{FieldMetadata, ObjectMetadata};
use uuid::Uuid;

/// A boolean column: `is` / `isNot`.
#[derive(GraphQLInputObject, Default)]
#[graphql(name = "BooleanFieldComparison", scalar = S)]
pub struct BooleanFieldComparison {
    is: Option<bool>,
    is_not: Option<bool>,
}

impl BooleanFieldComparison {
    fn accepts(&self, value: bool) -> bool {
        self.is.is_none_or(|is| value == is) && self.is_not.is_none_or(|is_not| value != is_not)
    }
}

/// A UUID column. The `like` family is typed `UUID` as in Twenty, so a pattern can only be a whole UUID: they
/// compare like `eq` / `neq` (UUIDs are compared case-insensitively, being parsed).
#[derive(GraphQLInputObject, Default)]
#[graphql(name = "UUIDFilterComparison", scalar = S)]
pub struct UuidFilterComparison {
    eq: Option<UuidValue>,
    neq: Option<UuidValue>,
    gt: Option<UuidValue>,
    gte: Option<UuidValue>,
    lt: Option<UuidValue>,
    lte: Option<UuidValue>,
    like: Option<UuidValue>,
    not_like: Option<UuidValue>,
    #[graphql(name = "iLike")]
    i_like: Option<UuidValue>,
    #[graphql(name = "notILike")]
    not_i_like: Option<UuidValue>,
    #[graphql(name = "in")]
    in_: Option<Vec<UuidValue>>,
    not_in: Option<Vec<UuidValue>>,
}

impl UuidFilterComparison {
    fn accepts(&self, value: Uuid) -> bool {
        let is = |v: &Option<UuidValue>, test: fn(Uuid, Uuid) -> bool| v.is_none_or(|v| test(value, v.0));
        is(&self.eq, |a, b| a == b)
            && is(&self.like, |a, b| a == b)
            && is(&self.i_like, |a, b| a == b)
            && is(&self.neq, |a, b| a != b)
            && is(&self.not_like, |a, b| a != b)
            && is(&self.not_i_like, |a, b| a != b)
            && is(&self.gt, |a, b| a > b)
            && is(&self.gte, |a, b| a >= b)
            && is(&self.lt, |a, b| a < b)
            && is(&self.lte, |a, b| a <= b)
            && self.in_.as_ref().is_none_or(|l| l.iter().any(|v| v.0 == value))
            && self.not_in.as_ref().is_none_or(|l| l.iter().all(|v| v.0 != value))
    }
}

fn optional<C>(comparison: &Option<C>, test: impl FnOnce(&C) -> bool) -> bool {
    comparison.as_ref().is_none_or(test)
}

/// `and` (every one) and `or` (at least one, when any is given) of a filter's sub-filters.
fn combined<F>(and: &Option<Vec<F>>, or: &Option<Vec<F>>, test: impl Fn(&F) -> bool) -> bool {
    and.as_ref().is_none_or(|all| all.iter().all(&test))
        && or.as_ref().is_none_or(|any| any.is_empty() || any.iter().any(&test))
}

/// Twenty's `ObjectFilter`.
#[derive(GraphQLInputObject, Default)]
#[graphql(name = "ObjectFilter", scalar = S)]
pub struct ObjectFilter {
    and: Option<Vec<ObjectFilter>>,
    or: Option<Vec<ObjectFilter>>,
    id: Option<UuidFilterComparison>,
    is_active: Option<BooleanFieldComparison>,
    is_custom: Option<BooleanFieldComparison>,
    is_system: Option<BooleanFieldComparison>,
}

impl ObjectFilter {
    pub(super) fn accepts(&self, object: &ObjectMetadata) -> bool {
        optional(&self.id, |c| c.accepts(object.id))
            && optional(&self.is_active, |c| c.accepts(object.is_active))
            && optional(&self.is_custom, |c| c.accepts(object.is_custom))
            && optional(&self.is_system, |c| c.accepts(object.is_system))
            && combined(&self.and, &self.or, |f| f.accepts(object))
    }
}

/// Twenty's `FieldFilter`.
#[derive(GraphQLInputObject, Default)]
#[graphql(name = "FieldFilter", scalar = S)]
pub struct FieldFilter {
    and: Option<Vec<FieldFilter>>,
    or: Option<Vec<FieldFilter>>,
    id: Option<UuidFilterComparison>,
    object_metadata_id: Option<UuidFilterComparison>,
    is_active: Option<BooleanFieldComparison>,
    is_custom: Option<BooleanFieldComparison>,
    is_system: Option<BooleanFieldComparison>,
}

impl FieldFilter {
    pub(super) fn accepts(&self, field: &FieldMetadata) -> bool {
        optional(&self.id, |c| c.accepts(field.id))
            && optional(&self.object_metadata_id, |c| c.accepts(field.object_id))
            && optional(&self.is_active, |c| c.accepts(field.is_active))
            && optional(&self.is_custom, |c| c.accepts(field.is_custom))
            && optional(&self.is_system, |c| c.accepts(field.is_system))
            && combined(&self.and, &self.or, |f| f.accepts(field))
    }
}
