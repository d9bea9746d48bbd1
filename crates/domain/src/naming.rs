//! Naming rules for objects and fields (contract §5). A name that passes here is safe as a GraphQL name and as a
//! quoted SQL identifier.

use crate::error::Problems;
use crate::field_type::SystemField;
use crate::metadata::{FieldMetadata, ObjectMetadata};

/// Object and field names take 1..63 characters (contract §5).
pub const MAX_NAME_LEN: usize = 63;

/// PostgreSQL keeps 63 bytes of an identifier and silently drops the rest, so two longer names could meet.
pub const MAX_IDENTIFIER_BYTES: usize = 63;

/// Hex digits of the SHA-256 that end a shortened identifier (64 bits).
const IDENTIFIER_HASH_DIGITS: usize = 16;

/// The SQL identifier of a name derived from metadata — a custom table `_<name>`, a composite sub-column
/// `<field><SubField>`, a foreign key `<field>Id`. A name that fits in [`MAX_IDENTIFIER_BYTES`] is its own
/// identifier, so every name that ever fitted keeps its table or column. A longer one becomes its first 46 bytes,
/// `_`, and the first 16 hex digits of its SHA-256: exactly 63 bytes, with a `_` where no name that fits has one
/// (names are letters and digits; tables add only a leading `_`), so it never meets a name that fits, nor the
/// id-based names of sequences, indexes, constraints and junction tables (all shorter). Two shortened
/// identifiers meet only if their hashes do; the metadata service refuses that (a taken table or column) rather
/// than let them collide.
pub fn identifier(name: &str) -> String {
    if name.len() <= MAX_IDENTIFIER_BYTES {
        return name.to_string();
    }
    let mut keep = MAX_IDENTIFIER_BYTES - 1 - IDENTIFIER_HASH_DIGITS;
    while !name.is_char_boundary(keep) {
        keep -= 1;
    }
    let hash: String = hmac_sha256::Hash::hash(name.as_bytes())
        .iter()
        .take(IDENTIFIER_HASH_DIGITS / 2)
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("{}_{hash}", &name[..keep])
}

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

/// A label as a noun inside an English sentence: each plain capitalised word is lowercased (`"Workspace Member"` →
/// `workspace member`), other words keep their capitals (`"API Key"` → `API key`, `"iPhone"`).
pub fn noun(label: &str) -> String {
    let words: Vec<String> = label
        .split_whitespace()
        .map(|word| {
            let mut chars = word.chars();
            let plain = chars.next().is_some_and(char::is_uppercase) && chars.all(|c| !c.is_uppercase());
            if plain { word.to_lowercase() } else { word.to_string() }
        })
        .collect();
    words.join(" ")
}

/// `noun` with its indefinite article, by how the word sounds: "an opportunity", "a company", "a user", "an API
/// key" (a capitalised initialism is read letter by letter).
pub fn with_article(noun: &str) -> String {
    let word = noun.split_whitespace().next().unwrap_or("");
    let initialism = word.len() > 1 && word.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    let vowel_sound = if initialism {
        word.starts_with(['A', 'E', 'F', 'H', 'I', 'L', 'M', 'N', 'O', 'R', 'S', 'X'])
    } else {
        let lower = word.to_lowercase();
        let sounds_like_you = ["uni", "use", "usu", "uti", "ura", "eu", "one"]
            .iter()
            .any(|p| lower.starts_with(p));
        let silent_h = ["hour", "honest", "honour", "honor"]
            .iter()
            .any(|p| lower.starts_with(p));
        (lower.starts_with(['a', 'e', 'i', 'o', 'u']) && !sounds_like_you) || silent_h
    };
    format!("{} {noun}", if vowel_sound { "an" } else { "a" })
}

/// `text` with its first letter in capitals ("an opportunity" → "An opportunity").
pub fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// What the APIs' documents say an object is: its description, else "A company record" from its label.
pub fn object_description(object: &ObjectMetadata) -> String {
    match given(object.description.as_deref()) {
        Some(description) => description.to_string(),
        None => format!("{} record", capitalised(&with_article(&noun(&object.label_singular)))),
    }
}

/// What the APIs' documents say a field is: its description, else its label.
pub fn field_description(field: &FieldMetadata) -> &str {
    given(field.description.as_deref()).unwrap_or(&field.label)
}

/// A description that says something (not blank).
fn given(description: Option<&str>) -> Option<&str> {
    description.map(str::trim).filter(|d| !d.is_empty())
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
    fn identifiers_keep_names_that_fit_and_shorten_longer_ones_apart() {
        for fits in [
            "company",
            "_property",
            "annualRecurringRevenueAmountMicros",
            &"a".repeat(63),
        ] {
            assert_eq!(identifier(fits), fits);
        }
        let table = format!("_{}", "g".repeat(63));
        let other = format!("_{}h", "g".repeat(62));
        let (a, b) = (identifier(&table), identifier(&other));
        assert_eq!((a.len(), b.len()), (63, 63));
        assert_ne!(a, b, "names sharing their first 63 bytes stay apart");
        assert!(a.starts_with(&table[..46]) && a[46..].starts_with('_'), "{a}");
        assert!(a[47..].chars().all(|c| c.is_ascii_hexdigit()), "{a}");
        assert_eq!(identifier(&table), a, "the same name, the same identifier");
        let column = format!("{}AmountMicros", "p".repeat(63));
        assert_eq!(identifier(&column).len(), 63);
        assert_ne!(
            identifier(&column),
            identifier(&format!("{}CurrencyCode", "p".repeat(63)))
        );
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

    #[test]
    fn labels_read_as_nouns_with_their_article() {
        for (label, expected) in [
            ("Opportunity", "an opportunity"),
            ("Company", "a company"),
            ("Workspace Member", "a workspace member"),
            ("API Key", "an API key"),
            ("User", "a user"),
            ("Hour log", "an hour log"),
            ("CRM note", "a CRM note"),
            ("iPhone", "an iPhone"),
            ("Euro account", "a euro account"),
        ] {
            assert_eq!(with_article(&noun(label)), expected, "{label}");
        }
    }
}
