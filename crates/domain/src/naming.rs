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

/// The camelCase name a label stands for, as Twenty derives names from labels: words are runs of ASCII letters and
/// digits (a capital letter after a lowercase one starts a word); the first word is lowercased, each other one
/// capitalised. `"Quote Sections"` → `quoteSections`, `"API keys"` → `apiKeys`. Characters outside ASCII letters
/// and digits only separate words; the result is checked like any name by whoever uses it.
pub fn name_from_label(label: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in label.chars() {
        if !c.is_ascii_alphanumeric() {
            words.extend((!current.is_empty()).then(|| std::mem::take(&mut current)));
            previous_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && previous_lower {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c);
    }
    words.extend((!current.is_empty()).then_some(current));
    let mut name = String::new();
    for (i, word) in words.iter().enumerate() {
        let lower = word.to_ascii_lowercase();
        if i == 0 {
            name.push_str(&lower);
        } else {
            let mut chars = lower.chars();
            if let Some(first) = chars.next() {
                name.push(first.to_ascii_uppercase());
                name.push_str(chars.as_str());
            }
        }
    }
    name
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

    #[test]
    fn names_from_labels_are_camel_case() {
        for (label, name) in [
            ("Quote Sections", "quoteSections"),
            ("API keys", "apiKeys"),
            ("  person's  company ", "personSCompany"),
            ("fooBar baz", "fooBarBaz"),
            ("Opportunity", "opportunity"),
            ("Étage", "tage"),
            ("", ""),
        ] {
            assert_eq!(name_from_label(label), name, "{label:?}");
        }
    }
}
