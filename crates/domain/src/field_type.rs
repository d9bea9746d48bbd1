//! Field types, the scalar kinds they are stored as, and the composite types' sub-fields.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A field type of the metadata model: the reference's fourteen plus `FULL_NAME`, `UUID` and `POSITION`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FieldType {
    Text,
    Number,
    Boolean,
    DateTime,
    Date,
    Email,
    Phone,
    Url,
    Currency,
    Select,
    MultiSelect,
    Relation,
    Rating,
    Json,
    FullName,
    Uuid,
    Position,
}

impl FieldType {
    pub const ALL: [FieldType; 17] = [
        FieldType::Text,
        FieldType::Number,
        FieldType::Boolean,
        FieldType::DateTime,
        FieldType::Date,
        FieldType::Email,
        FieldType::Phone,
        FieldType::Url,
        FieldType::Currency,
        FieldType::Select,
        FieldType::MultiSelect,
        FieldType::Relation,
        FieldType::Rating,
        FieldType::Json,
        FieldType::FullName,
        FieldType::Uuid,
        FieldType::Position,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FieldType::Text => "TEXT",
            FieldType::Number => "NUMBER",
            FieldType::Boolean => "BOOLEAN",
            FieldType::DateTime => "DATE_TIME",
            FieldType::Date => "DATE",
            FieldType::Email => "EMAIL",
            FieldType::Phone => "PHONE",
            FieldType::Url => "URL",
            FieldType::Currency => "CURRENCY",
            FieldType::Select => "SELECT",
            FieldType::MultiSelect => "MULTI_SELECT",
            FieldType::Relation => "RELATION",
            FieldType::Rating => "RATING",
            FieldType::Json => "JSON",
            FieldType::FullName => "FULL_NAME",
            FieldType::Uuid => "UUID",
            FieldType::Position => "POSITION",
        }
    }

    /// The composite type behind this field type, if it is one.
    pub fn composite(self) -> Option<CompositeType> {
        match self {
            FieldType::Currency => Some(CompositeType::Currency),
            FieldType::FullName => Some(CompositeType::FullName),
            _ => None,
        }
    }

    /// Types whose values are names from the field's `options`.
    pub fn has_options(self) -> bool {
        matches!(self, FieldType::Select | FieldType::MultiSelect | FieldType::Rating)
    }

    /// Types compared as text by the `like`/`ilike`/`startsWith` operators.
    pub fn is_text_like(self) -> bool {
        matches!(
            self,
            FieldType::Text | FieldType::Email | FieldType::Phone | FieldType::Url
        )
    }
}

impl fmt::Display for FieldType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for FieldType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FieldType::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| format!("unknown field type `{s}`"))
    }
}

/// How one stored value is represented: the column type and the wire form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScalarKind {
    Text,
    Float,
    BigInt,
    Boolean,
    Uuid,
    Timestamp,
    Date,
    TextArray,
    Json,
}

/// The composite field types; each is stored as one column per sub-field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompositeType {
    Currency,
    FullName,
}

/// One sub-field of a composite type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubField {
    pub name: &'static str,
    pub kind: ScalarKind,
    /// The field type whose validation and operators apply to this sub-field.
    pub as_type: FieldType,
}

impl CompositeType {
    pub fn sub_fields(self) -> &'static [SubField] {
        match self {
            CompositeType::Currency => &[
                SubField {
                    name: "amountMicros",
                    kind: ScalarKind::BigInt,
                    as_type: FieldType::Number,
                },
                SubField {
                    name: "currencyCode",
                    kind: ScalarKind::Text,
                    as_type: FieldType::Text,
                },
            ],
            CompositeType::FullName => &[
                SubField {
                    name: "firstName",
                    kind: ScalarKind::Text,
                    as_type: FieldType::Text,
                },
                SubField {
                    name: "lastName",
                    kind: ScalarKind::Text,
                    as_type: FieldType::Text,
                },
            ],
        }
    }

    pub fn sub_field(self, name: &str) -> Option<&'static SubField> {
        self.sub_fields().iter().find(|s| s.name == name)
    }

    /// The GraphQL-facing name of the composite type (`Currency`, `FullName`).
    pub fn type_name(self) -> &'static str {
        match self {
            CompositeType::Currency => "Currency",
            CompositeType::FullName => "FullName",
        }
    }
}

/// The column holding a composite sub-field: `annualRecurringRevenue` + `amountMicros` →
/// `annualRecurringRevenueAmountMicros`, as in Twenty.
pub fn composite_column(field: &str, sub_field: &str) -> String {
    let mut chars = sub_field.chars();
    match chars.next() {
        Some(first) => format!("{field}{}{}", first.to_ascii_uppercase(), chars.as_str()),
        None => field.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_type_round_trips_through_its_name() {
        for t in FieldType::ALL {
            assert_eq!(t.as_str().parse::<FieldType>(), Ok(t));
            assert_eq!(
                serde_json::to_value(t).ok(),
                Some(serde_json::Value::String(t.as_str().into()))
            );
        }
        assert!("TEXTS".parse::<FieldType>().is_err());
    }

    #[test]
    fn composite_columns_follow_twenty_naming() {
        assert_eq!(
            composite_column("annualRecurringRevenue", "amountMicros"),
            "annualRecurringRevenueAmountMicros"
        );
        assert_eq!(composite_column("name", "firstName"), "nameFirstName");
    }
}
