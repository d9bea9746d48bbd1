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
    /// Every operator. The order is the order APIs list them in, and it nests: the first four compare for
    /// equality, the first eight order values, the first eleven also match text (see the tables below).
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

const ALL: &[Operator] = &Operator::ALL;
/// `eq` … `startsWith`.
const TEXT: &[Operator] = ALL.split_at(11).0;
/// `eq` … `lte`.
const ORDERED: &[Operator] = ALL.split_at(8).0;
/// `eq`, `neq`, `in`, `is`.
const EQUALITY: &[Operator] = ALL.split_at(4).0;
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
        ScalarKind::Float | ScalarKind::BigInt | ScalarKind::Decimal | ScalarKind::Timestamp | ScalarKind::Date => {
            ORDERED
        }
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
    fn the_nested_tables_hold_what_their_names_say() {
        let names = |ops: &[Operator]| ops.iter().map(|op| op.name()).collect::<Vec<_>>().join(" ");
        assert_eq!(names(EQUALITY), "eq neq in is");
        assert_eq!(names(ORDERED), "eq neq in is gt gte lt lte");
        assert_eq!(names(TEXT), "eq neq in is gt gte lt lte like ilike startsWith");
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
