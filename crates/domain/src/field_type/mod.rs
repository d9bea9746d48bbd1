//! The capability table of the metadata model: field types, the scalar kinds they are stored as, the composite
//! types' sub-fields, the system fields every object has, and ([`operator`]) the filter operators each takes.
//! Every adapter (GraphQL types, REST dialect, OpenAPI document) and the SQL compiler read these; none restates
//! them.

pub mod operator;

use crate::naming::identifier;
pub use operator::{Operand, Operator, operators_of, operators_of_kind, orderable};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A field type of the metadata model: the reference's fourteen, `FULL_NAME`, `UUID` and `POSITION`, and the
/// custom-field types of contract §11 (`EMAILS` … `NUMERIC`).
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
    Emails,
    Phones,
    Links,
    Address,
    Array,
    RichText,
    Numeric,
}

impl FieldType {
    pub const ALL: [FieldType; 24] = [
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
        FieldType::Emails,
        FieldType::Phones,
        FieldType::Links,
        FieldType::Address,
        FieldType::Array,
        FieldType::RichText,
        FieldType::Numeric,
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
            FieldType::Emails => "EMAILS",
            FieldType::Phones => "PHONES",
            FieldType::Links => "LINKS",
            FieldType::Address => "ADDRESS",
            FieldType::Array => "ARRAY",
            FieldType::RichText => "RICH_TEXT",
            FieldType::Numeric => "NUMERIC",
        }
    }

    /// What this type is besides its storage kind. The match names every type, so a new type is a decision here.
    pub fn traits(self) -> TypeTraits {
        const fn text(format: TextFormat) -> TypeTraits {
            TypeTraits {
                text_format: Some(format),
                ..TypeTraits::PLAIN
            }
        }
        const fn composite(composite: CompositeType) -> TypeTraits {
            TypeTraits {
                composite: Some(composite),
                ..TypeTraits::PLAIN
            }
        }
        const OPTIONS: TypeTraits = TypeTraits {
            has_options: true,
            ..TypeTraits::PLAIN
        };
        match self {
            FieldType::Text
            | FieldType::Number
            | FieldType::Boolean
            | FieldType::DateTime
            | FieldType::Date
            | FieldType::Relation
            | FieldType::Json
            | FieldType::Uuid
            | FieldType::Position
            | FieldType::Array
            | FieldType::Numeric => TypeTraits::PLAIN,
            FieldType::Email => text(TextFormat::Email),
            FieldType::Phone => text(TextFormat::Phone),
            FieldType::Url => text(TextFormat::Url),
            FieldType::Currency => composite(CompositeType::Currency),
            FieldType::FullName => composite(CompositeType::FullName),
            FieldType::Emails => composite(CompositeType::Emails),
            FieldType::Phones => composite(CompositeType::Phones),
            FieldType::Links => composite(CompositeType::Links),
            FieldType::Address => composite(CompositeType::Address),
            FieldType::RichText => composite(CompositeType::RichText),
            FieldType::Select | FieldType::MultiSelect | FieldType::Rating => OPTIONS,
        }
    }

    /// The composite type behind this field type, if it is one.
    pub fn composite(self) -> Option<CompositeType> {
        self.traits().composite
    }

    /// Types whose values are names from the field's `options` (one, or a list for MULTI_SELECT).
    pub fn has_options(self) -> bool {
        self.traits().has_options
    }

    /// The format text values of this type must have (checked by `value`, announced by the OpenAPI document).
    pub fn text_format(self) -> Option<TextFormat> {
        self.traits().text_format
    }

    /// The filter operators of a field of this type stored as `kind`.
    pub fn operators(self, kind: ScalarKind) -> &'static [Operator] {
        operators_of(self, kind)
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

/// What a field type is besides its storage kind ([`FieldType::traits`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TypeTraits {
    /// Stored as one column per sub-field of this composite type.
    pub composite: Option<CompositeType>,
    /// Values are names from the field's `options`.
    pub has_options: bool,
    /// Text values must have this format.
    pub text_format: Option<TextFormat>,
}

impl TypeTraits {
    /// A plain value of its storage kind.
    pub const PLAIN: TypeTraits = TypeTraits {
        composite: None,
        has_options: false,
        text_format: None,
    };
}

/// A format of text values beyond being text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextFormat {
    /// An e-mail address.
    Email,
    /// An absolute http(s) URL.
    Url,
    /// A phone number: digits, spaces, `+`, `-`, parentheses, dots.
    Phone,
    /// A link: an absolute http(s) URL, or one without its scheme (`twenty.com/about`).
    Link,
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
    /// An exact decimal (`numeric`), written as a string on the wire so no digit is lost.
    Decimal,
}

/// The composite field types; each is stored as one column per sub-field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompositeType {
    Currency,
    FullName,
    Emails,
    Phones,
    Links,
    Address,
    RichText,
}

/// One sub-field of a composite type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubField {
    pub name: &'static str,
    pub kind: ScalarKind,
    /// The field type whose validation and operators apply to this sub-field.
    pub as_type: FieldType,
    /// A format beyond the storage kind that values must have.
    pub format: Option<SubFormat>,
}

/// A value format of a composite sub-field. Text formats accept the empty string as "no value" (what Twenty's
/// clients send for an unset sub-field); list formats are JSON lists whose items have the format
/// [`SubFormat::list_items`] gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubFormat {
    /// A three-letter ISO 4217 code of [`crate::value::CURRENCY_CODES`].
    CurrencyCode,
    /// A two-letter ISO 3166-1 alpha-2 code of [`crate::value::COUNTRY_CODES`].
    CountryCode,
    /// An international calling code: `+` and one to four digits.
    CallingCode,
    /// Text of the [`TextFormat`].
    Text(TextFormat),
    /// A number within an inclusive range.
    Range(i16, i16),
    /// A JSON list of items.
    List(ListItems),
}

/// The items of a [`SubFormat::List`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListItems {
    /// Strings of the format.
    Text(&'static SubFormat),
    /// Objects with these string properties (each optional, `null` allowed), and no others.
    Object(&'static [ItemProperty]),
}

/// One property of the objects of a [`ListItems::Object`] list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemProperty {
    pub name: &'static str,
    pub format: Option<SubFormat>,
}

/// The text formats of links: a URL, with or without its `http(s)://` scheme (as Twenty accepts them).
const LINK_URL: SubFormat = SubFormat::Text(TextFormat::Link);
const EMAIL: SubFormat = SubFormat::Text(TextFormat::Email);

impl SubFormat {
    /// The pattern text values must match, as a regular expression for API documents.
    pub fn pattern(self) -> Option<&'static str> {
        match self {
            SubFormat::CallingCode => Some("^\\+[0-9]{1,4}$"),
            _ => None,
        }
    }
}

const fn sub(name: &'static str, kind: ScalarKind, as_type: FieldType, format: Option<SubFormat>) -> SubField {
    SubField {
        name,
        kind,
        as_type,
        format,
    }
}
const fn text(name: &'static str, format: Option<SubFormat>) -> SubField {
    sub(name, ScalarKind::Text, FieldType::Text, format)
}
const fn json_list(name: &'static str, items: ListItems) -> SubField {
    sub(name, ScalarKind::Json, FieldType::Json, Some(SubFormat::List(items)))
}
const fn float(name: &'static str, format: Option<SubFormat>) -> SubField {
    sub(name, ScalarKind::Float, FieldType::Number, format)
}

const FULL_NAME_SUB_FIELDS: &[SubField] = &[text("firstName", None), text("lastName", None)];
const EMAILS_SUB_FIELDS: &[SubField] = &[
    text("primaryEmail", Some(EMAIL)),
    json_list("additionalEmails", ListItems::Text(&EMAIL)),
];
const PHONES_SUB_FIELDS: &[SubField] = &[
    text("primaryPhoneNumber", Some(SubFormat::Text(TextFormat::Phone))),
    text("primaryPhoneCountryCode", Some(SubFormat::CountryCode)),
    text("primaryPhoneCallingCode", Some(SubFormat::CallingCode)),
    json_list(
        "additionalPhones",
        ListItems::Object(&[
            ItemProperty {
                name: "number",
                format: Some(SubFormat::Text(TextFormat::Phone)),
            },
            ItemProperty {
                name: "countryCode",
                format: Some(SubFormat::CountryCode),
            },
            ItemProperty {
                name: "callingCode",
                format: Some(SubFormat::CallingCode),
            },
        ]),
    ),
];
const LINKS_SUB_FIELDS: &[SubField] = &[
    text("primaryLinkUrl", Some(LINK_URL)),
    text("primaryLinkLabel", None),
    json_list(
        "secondaryLinks",
        ListItems::Object(&[
            ItemProperty {
                name: "url",
                format: Some(LINK_URL),
            },
            ItemProperty {
                name: "label",
                format: None,
            },
        ]),
    ),
];
const ADDRESS_SUB_FIELDS: &[SubField] = &[
    text("addressStreet1", None),
    text("addressStreet2", None),
    text("addressCity", None),
    text("addressState", None),
    text("addressCountry", None),
    text("addressPostcode", None),
    float("addressLat", Some(SubFormat::Range(-90, 90))),
    float("addressLng", Some(SubFormat::Range(-180, 180))),
];
const RICH_TEXT_SUB_FIELDS: &[SubField] = &[text("blocknote", None), text("markdown", None)];

impl CompositeType {
    pub fn sub_fields(self) -> &'static [SubField] {
        match self {
            CompositeType::Currency => &[
                SubField {
                    name: "amountMicros",
                    kind: ScalarKind::BigInt,
                    as_type: FieldType::Number,
                    format: None,
                },
                SubField {
                    name: "currencyCode",
                    kind: ScalarKind::Text,
                    as_type: FieldType::Text,
                    format: Some(SubFormat::CurrencyCode),
                },
            ],
            CompositeType::FullName => FULL_NAME_SUB_FIELDS,
            CompositeType::Emails => EMAILS_SUB_FIELDS,
            CompositeType::Phones => PHONES_SUB_FIELDS,
            CompositeType::Links => LINKS_SUB_FIELDS,
            CompositeType::Address => ADDRESS_SUB_FIELDS,
            CompositeType::RichText => RICH_TEXT_SUB_FIELDS,
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
            CompositeType::Emails => "Emails",
            CompositeType::Phones => "Phones",
            CompositeType::Links => "Links",
            CompositeType::Address => "Address",
            CompositeType::RichText => "RichText",
        }
    }
}

/// The fields every object has, which the server maintains. Their names are reserved (contract §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SystemField {
    Id,
    CreatedAt,
    UpdatedAt,
    DeletedAt,
    Position,
}

impl SystemField {
    pub const ALL: [SystemField; 5] = [
        SystemField::Id,
        SystemField::CreatedAt,
        SystemField::UpdatedAt,
        SystemField::DeletedAt,
        SystemField::Position,
    ];

    pub fn name(self) -> &'static str {
        match self {
            SystemField::Id => "id",
            SystemField::CreatedAt => "createdAt",
            SystemField::UpdatedAt => "updatedAt",
            SystemField::DeletedAt => "deletedAt",
            SystemField::Position => "position",
        }
    }

    /// Whether every record has a value: all but `deletedAt` (the DDL declares them `NOT NULL`).
    pub fn always_set(self) -> bool {
        !matches!(self, SystemField::DeletedAt)
    }

    pub fn from_name(name: &str) -> Option<SystemField> {
        SystemField::ALL.into_iter().find(|f| f.name() == name)
    }

    pub fn label(self) -> &'static str {
        match self {
            SystemField::Id => "Id",
            SystemField::CreatedAt => "Creation date",
            SystemField::UpdatedAt => "Last update",
            SystemField::DeletedAt => "Deleted at",
            SystemField::Position => "Position",
        }
    }

    pub fn field_type(self) -> FieldType {
        match self {
            SystemField::Id => FieldType::Uuid,
            SystemField::CreatedAt | SystemField::UpdatedAt | SystemField::DeletedAt => FieldType::DateTime,
            SystemField::Position => FieldType::Position,
        }
    }

    /// Written only by the server: never accepted in create or update input.
    pub fn is_read_only(self) -> bool {
        matches!(
            self,
            SystemField::CreatedAt | SystemField::UpdatedAt | SystemField::DeletedAt
        )
    }

    /// Always present on a record (a NOT NULL column), so non-null in every output schema.
    pub fn non_null_output(self) -> bool {
        matches!(self, SystemField::Id | SystemField::CreatedAt | SystemField::UpdatedAt)
    }
}

/// The column holding a composite sub-field: `annualRecurringRevenue` + `amountMicros` →
/// `annualRecurringRevenueAmountMicros`, as in Twenty (shortened by [`identifier`] when that is too long).
pub fn composite_column(field: &str, sub_field: &str) -> String {
    let mut chars = sub_field.chars();
    match chars.next() {
        Some(first) => identifier(&format!("{field}{}{}", first.to_ascii_uppercase(), chars.as_str())),
        None => identifier(field),
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
