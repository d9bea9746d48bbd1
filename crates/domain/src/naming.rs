//! Naming rules for objects and fields (contract §5). A name that passes here is safe as a GraphQL name and as a
//! quoted SQL identifier.

use crate::error::Problems;
use crate::field_type::SystemField;

pub const MAX_NAME_LEN: usize = 63;

/// Names no object or field may take besides the system fields' ([`SystemField`]): API words, GraphQL and SQL
/// keywords, and the names of static GraphQL types (an object named `pageInfo` would otherwise shadow `PageInfo`).
const RESERVED: &[&str] = &[
    "object",
    "objects",
    "field",
    "fields",
    "relation",
    "relations",
    "user",
    "users",
    "workspace",
    "workspaces",
    "workspaceMember",
    "type",
    "types",
    "query",
    "mutation",
    "subscription",
    "schema",
    "fragment",
    "on",
    "null",
    "true",
    "false",
    "enum",
    "input",
    "interface",
    "union",
    "scalar",
    "directive",
    "extend",
    "implements",
    "select",
    "from",
    "where",
    "table",
    "order",
    "group",
    "limit",
    "offset",
    "and",
    "or",
    "not",
    "in",
    "is",
    "like",
    "between",
    "join",
    "union",
    "insert",
    "update",
    "delete",
    "create",
    "drop",
    "alter",
    "index",
    "primary",
    "foreign",
    "key",
    "references",
    "default",
    "check",
    "constraint",
    "column",
    "grant",
    "user",
    "all",
    "any",
    "as",
    "asc",
    "desc",
    "by",
    "case",
    "when",
    "then",
    "else",
    "end",
    "distinct",
    "having",
    "returning",
    "with",
    "filter",
    "orderBy",
    "first",
    "last",
    "after",
    "before",
    "edges",
    "node",
    "nodes",
    "cursor",
    "pageInfo",
    "totalCount",
    "string",
    "int",
    "float",
    "boolean",
    "bigInt",
    "bigFloat",
    "uuid",
    "dateTime",
    "date",
    "json",
    "currency",
    "fullName",
    "orderByDirection",
    "filterIs",
    "event",
    "events",
    "webhook",
    "webhooks",
    "apiKey",
    "apiKeys",
    "core",
    "metadata",
    "data",
];

/// Suffixes of generated GraphQL type names; an object named like that would collide with another object's types.
const RESERVED_OBJECT_SUFFIXES: &[&str] = &[
    "Connection",
    "Edge",
    "Input",
    "Filter",
    "FilterInput",
    "OrderByInput",
    "CreateInput",
    "UpdateInput",
    "Enum",
];

pub fn is_reserved(name: &str) -> bool {
    SystemField::ALL
        .into_iter()
        .map(SystemField::name)
        .chain(RESERVED.iter().copied())
        .any(|r| r.eq_ignore_ascii_case(name))
}

/// Checks the shape of a name: `^[a-z][a-zA-Z0-9]*$`, 1..63 characters. Reports problems under `path`.
pub fn check_name_shape(path: &str, name: &str, problems: &mut Problems) -> bool {
    if name.is_empty() {
        problems.push(path, "must not be empty");
        return false;
    }
    if name.len() > MAX_NAME_LEN {
        problems.push(path, format!("must be at most {MAX_NAME_LEN} characters"));
        return false;
    }
    let mut chars = name.chars();
    let starts_lower = chars.next().is_some_and(|c| c.is_ascii_lowercase());
    if !starts_lower || !chars.all(|c| c.is_ascii_alphanumeric()) {
        problems.push(
            path,
            "must start with a lowercase letter and contain only letters and digits (camelCase)",
        );
        return false;
    }
    true
}

/// Validates a field name (shape and reserved words).
pub fn check_field_name(path: &str, name: &str, problems: &mut Problems) {
    if check_name_shape(path, name, problems) && is_reserved(name) {
        problems.push(path, format!("`{name}` is a reserved name"));
    }
}

/// Validates an object name (shape, reserved words and generated-type suffixes).
pub fn check_object_name(path: &str, name: &str, problems: &mut Problems) {
    if !check_name_shape(path, name, problems) {
        return;
    }
    if is_reserved(name) {
        problems.push(path, format!("`{name}` is a reserved name"));
    } else if let Some(suffix) = RESERVED_OBJECT_SUFFIXES.iter().find(|s| name.ends_with(*s)) {
        problems.push(path, format!("must not end with `{suffix}`"));
    }
}

/// An object's singular and plural labels must differ (ignoring case and surrounding spaces), as Twenty requires;
/// reported under `path`. Empty labels are reported by their own rule.
pub fn check_labels_differ(path: &str, singular: &str, plural: &str, problems: &mut Problems) {
    let (singular, plural) = (singular.trim(), plural.trim());
    if !singular.is_empty() && singular.to_lowercase() == plural.to_lowercase() {
        problems.push(
            path,
            "must differ from labelSingular: the singular and plural labels cannot be the same",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems_of(f: impl FnOnce(&mut Problems)) -> usize {
        let mut p = Problems::new();
        f(&mut p);
        p.finish(()).err().map(|e| e.details().len()).unwrap_or(0)
    }

    #[test]
    fn accepts_camel_case_names() {
        assert_eq!(problems_of(|p| check_field_name("name", "parkingSpaces", p)), 0);
        assert_eq!(problems_of(|p| check_object_name("nameSingular", "property", p)), 0);
    }

    #[test]
    fn rejects_bad_shapes_reserved_words_and_suffixes() {
        for bad in ["", "Price", "price_eur", "9lives", "émoji", &"a".repeat(64)] {
            assert_eq!(problems_of(|p| check_field_name("name", bad, p)), 1, "{bad:?}");
        }
        for reserved in ["id", "createdAt", "select", "pageInfo", "Object"] {
            assert_eq!(problems_of(|p| check_field_name("name", reserved, p)), 1, "{reserved}");
        }
        assert_eq!(problems_of(|p| check_object_name("n", "companyConnection", p)), 1);
    }
}
