//! The filter operators: their names, what operand each takes, and which fields take which (contract §4.4).
//!
//! This is the one list of operators. The domain's filter resolver, the GraphQL filter inputs, the REST query
//! dialect and the OpenAPI document all read it; a new operator is a variant here, its place in [`operators_of`],
//! its `Comparison` in `query::filter` and its SQL in storage's filter compiler — the exhaustive matches over
//! [`Operator`] and `Comparison` point at each of them.

use super::{FieldType, ScalarKind};

/// A filter operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operator {
    Eq,
    Neq,
    In,
    Is,
    Gt,
    Gte,
    Lt,
    Lte,
    Like,
    ILike,
    StartsWith,
    ContainsAny,
    ContainsAll,
}

/// What an operator compares against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operand {
    /// One value of the field's kind.
    Value,
    /// A list of values of the field's kind.
    Values,
    /// `NULL` or `NOT_NULL`.
    NullCheck,
    /// A LIKE pattern (`%`, `_`, `\` escapes).
    Pattern,
    /// A literal text prefix.
    Prefix,
    /// A list of the field's option values.
    Options,
}

impl Operator {
    pub const ALL: [Operator; 13] = [
        Operator::Eq,
        Operator::Neq,
        Operator::In,
        Operator::Is,
        Operator::Gt,
        Operator::Gte,
        Operator::Lt,
        Operator::Lte,
        Operator::Like,
        Operator::ILike,
        Operator::StartsWith,
        Operator::ContainsAny,
        Operator::ContainsAll,
    ];

    /// The operator's name in both APIs (`filter: {name: {eq: …}}`, `filter[name][eq]=…`).
    pub fn name(self) -> &'static str {
        match self {
            Operator::Eq => "eq",
            Operator::Neq => "neq",
            Operator::In => "in",
            Operator::Is => "is",
            Operator::Gt => "gt",
            Operator::Gte => "gte",
            Operator::Lt => "lt",
            Operator::Lte => "lte",
            Operator::Like => "like",
            Operator::ILike => "ilike",
            Operator::StartsWith => "startsWith",
            Operator::ContainsAny => "containsAny",
            Operator::ContainsAll => "containsAll",
        }
    }

    pub fn from_name(name: &str) -> Option<Operator> {
        Operator::ALL.into_iter().find(|op| op.name() == name)
    }

    pub fn operand(self) -> Operand {
        match self {
            Operator::Eq | Operator::Neq | Operator::Gt | Operator::Gte | Operator::Lt | Operator::Lte => {
                Operand::Value
            }
            Operator::In => Operand::Values,
            Operator::Is => Operand::NullCheck,
            Operator::Like | Operator::ILike => Operand::Pattern,
            Operator::StartsWith => Operand::Prefix,
            Operator::ContainsAny | Operator::ContainsAll => Operand::Options,
        }
    }

    /// Whether the operand is a list (a comma-separated one in the REST query string).
    pub fn takes_list(self) -> bool {
        matches!(self.operand(), Operand::Values | Operand::Options)
    }
}

const TEXT: &[Operator] = &[
    Operator::Eq,
    Operator::Neq,
    Operator::In,
    Operator::Is,
    Operator::Gt,
    Operator::Gte,
    Operator::Lt,
    Operator::Lte,
    Operator::Like,
    Operator::ILike,
    Operator::StartsWith,
];
const ORDERED: &[Operator] = &[
    Operator::Eq,
    Operator::Neq,
    Operator::In,
    Operator::Is,
    Operator::Gt,
    Operator::Gte,
    Operator::Lt,
    Operator::Lte,
];
const EQUALITY: &[Operator] = &[Operator::Eq, Operator::Neq, Operator::In, Operator::Is];
const BOOLEAN: &[Operator] = &[Operator::Eq, Operator::Neq, Operator::Is];
const NULL_CHECK: &[Operator] = &[Operator::Is];
const MULTI_OPTION: &[Operator] = &[Operator::ContainsAny, Operator::ContainsAll, Operator::Is];

/// The operators of a value stored as `kind`, whatever its field type (what a composite sub-field or a relation
/// id takes).
pub fn operators_of_kind(kind: ScalarKind) -> &'static [Operator] {
    match kind {
        ScalarKind::Text => TEXT,
        ScalarKind::Uuid => EQUALITY,
        ScalarKind::Boolean => BOOLEAN,
        ScalarKind::Json => NULL_CHECK,
        ScalarKind::TextArray => MULTI_OPTION,
        ScalarKind::Float | ScalarKind::BigInt | ScalarKind::Timestamp | ScalarKind::Date => ORDERED,
    }
}

/// The operators a field of `field_type`, stored as `kind`, takes. Fields whose values are option names compare
/// only for equality (or containment); every other field takes what its storage kind offers.
pub fn operators_of(field_type: FieldType, kind: ScalarKind) -> &'static [Operator] {
    match field_type {
        FieldType::MultiSelect => MULTI_OPTION,
        FieldType::Select | FieldType::Rating => EQUALITY,
        _ => operators_of_kind(kind),
    }
}

/// Whether records may be ordered by a value stored as `kind`.
pub fn orderable(kind: ScalarKind) -> bool {
    !matches!(kind, ScalarKind::TextArray | ScalarKind::Json)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators_round_trip_through_their_names() {
        for op in Operator::ALL {
            assert_eq!(Operator::from_name(op.name()), Some(op));
        }
        assert_eq!(Operator::from_name("endsWith"), None);
    }

    #[test]
    fn list_operators_are_in_and_the_contains_pair() {
        let lists: Vec<&str> = Operator::ALL
            .into_iter()
            .filter(|op| op.takes_list())
            .map(Operator::name)
            .collect();
        assert_eq!(lists, ["in", "containsAny", "containsAll"]);
    }
}
