//! The REST query-string language: `filter[field][op]=value` (repeat = AND), dotted paths for composite
//! sub-fields and MANY_TO_ONE relations, `order[field]=direction` in parameter order, `limit`, `offset`, `depth`.
//! It parses into the domain's typed argument tree ([`InputValue`]) in the shape the GraphQL adapter builds, so
//! one filter means the same thing on both APIs; values are [`InputValue::Text`], read by each field's kind when
//! the domain resolves them against metadata.

use twenty_domain::error::{DomainResult, Problems};
use twenty_domain::field_type::Operator;
use twenty_domain::metadata::ObjectMetadata;
use twenty_domain::query::InputValue;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListParams {
    pub filter: Option<InputValue>,
    pub order: Option<InputValue>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
    /// 0: relation ids only; 1: MANY_TO_ONE relations embedded as objects.
    pub depth: u8,
}

/// Percent-decodes one query-string component (`+` is a space). An escape that does not start a valid UTF-8
/// character stays literal, so `filter[name][like]=%Acme%` means the pattern `%Acme%`, as the reference writes
/// it, while `%25Acme%25` means the same.
pub fn decode_component(raw: &str) -> String {
    fn hex(b: u8) -> Option<u8> {
        (b as char).to_digit(16).map(|d| d as u8)
    }
    let bytes = raw.as_bytes();
    let escape_at = |i: usize| -> Option<u8> {
        (bytes.get(i) == Some(&b'%')).then_some(())?;
        Some(hex(*bytes.get(i + 1)?)? << 4 | hex(*bytes.get(i + 2)?)?)
    };
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if let Some(first) = escape_at(i) {
            let width = match first {
                0x00..=0x7f => 1,
                0xc2..=0xdf => 2,
                0xe0..=0xef => 3,
                0xf0..=0xf4 => 4,
                _ => 0,
            };
            let sequence: Option<Vec<u8>> = (0..width).map(|k| escape_at(i + 3 * k)).collect();
            if let Some(sequence) = sequence.filter(|s| width > 0 && std::str::from_utf8(s).is_ok()) {
                out.extend(sequence);
                i += 3 * width;
                continue;
            }
            out.push(b'%');
            i += 1;
            continue;
        }
        out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
        i += 1;
    }
    // Only whole characters were decoded, so this is valid UTF-8.
    String::from_utf8(out).unwrap_or_default()
}

/// The `key=value` pairs of a query string, decoded, in order.
pub fn query_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) => (decode_component(k), decode_component(v)),
            None => (decode_component(pair), String::new()),
        })
        .collect()
}

/// Splits `a,"b,c",d` into `a`, `b,c`, `d`: double quotes protect commas (and are removed).
pub fn split_list(value: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                current.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => items.push(std::mem::take(&mut current)),
            other => current.push(other),
        }
    }
    items.push(current);
    items
}

/// `filter[a.b][op]` → (`a.b`, `op`); `order[a.b]` → (`a.b`, None).
fn bracketed<'a>(key: &'a str, prefix: &str) -> Option<(&'a str, Option<&'a str>)> {
    let rest = key.strip_prefix(prefix)?.strip_prefix('[')?;
    let (first, rest) = rest.split_once(']')?;
    if rest.is_empty() {
        return Some((first, None));
    }
    let op = rest.strip_prefix('[')?.strip_suffix(']')?;
    (!op.contains('[') && !op.contains(']')).then_some((first, Some(op)))
}

/// Nests `value` under a dotted path: `a.b` → `{"a": {"b": value}}`; a MANY_TO_ONE `company.id` becomes the
/// `companyId` column.
fn nest(object: &ObjectMetadata, path: &str, value: InputValue) -> InputValue {
    let parts: Vec<&str> = path.split('.').collect();
    if let [relation, "id"] = parts.as_slice()
        && let Some(column) = object.active_field(relation).and_then(|f| f.own_join_column())
    {
        return value.under(column);
    }
    parts.iter().rev().fold(value, |inner, part| inner.under(*part))
}

fn integer(value: &str, name: &str, problems: &mut Problems) -> Option<i64> {
    match value.trim().parse::<i64>() {
        Ok(n) if n >= 0 => Some(n),
        _ => {
            problems.push(name, "must be a whole number, 0 or more");
            None
        }
    }
}

/// Parses a raw query string. Every problem is reported; unknown parameters are errors (a typo must not be
/// silently ignored), except `token`, which authenticates the OpenAPI route.
pub fn parse_list_query(object: &ObjectMetadata, query: &str) -> DomainResult<ListParams> {
    let mut problems = Problems::new();
    let mut params = ListParams::default();
    let mut conditions = Vec::new();
    let mut order = Vec::new();
    for (key, value) in query_pairs(query) {
        match key.as_str() {
            "limit" => params.limit = integer(&value, "limit", &mut problems),
            "offset" => params.offset = integer(&value, "offset", &mut problems),
            "depth" => match value.as_str() {
                "0" => params.depth = 0,
                "1" => params.depth = 1,
                _ => problems.push("depth", "must be 0 or 1"),
            },
            "token" => {}
            k if k.starts_with("filter") => match bracketed(k, "filter") {
                Some((path, Some(op))) if !path.is_empty() && !op.is_empty() => {
                    let operand = if Operator::from_name(op).is_some_and(Operator::takes_list) {
                        InputValue::List(split_list(&value).into_iter().map(InputValue::Text).collect())
                    } else {
                        InputValue::Text(value)
                    };
                    conditions.push(nest(object, path, operand.under(op)));
                }
                _ => problems.push(k, "expected filter[field][operator]=value"),
            },
            k if k.starts_with("order") => match bracketed(k, "order") {
                Some((path, None)) if !path.is_empty() => order.push(nest(object, path, InputValue::Text(value))),
                _ => problems.push(k, "expected order[field]=direction"),
            },
            other => problems.push(other, "unknown query parameter"),
        }
    }
    problems.finish(())?;
    if !conditions.is_empty() {
        params.filter = Some(InputValue::List(conditions).under("and"));
    }
    if !order.is_empty() {
        params.order = Some(InputValue::List(order));
    }
    Ok(params)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use twenty_domain::catalogue::standard_objects;

    fn person() -> ObjectMetadata {
        let meta = standard_objects()
            .build(uuid::Uuid::nil(), chrono_now())
            .unwrap_or_else(|e| panic!("{e:?}"));
        meta.object_by_singular("person")
            .cloned()
            .unwrap_or_else(|| panic!("person"))
    }

    fn chrono_now() -> chrono::DateTime<chrono::Utc> {
        chrono::Utc::now()
    }

    #[test]
    fn components_decode_but_keep_stray_percent_signs() {
        assert_eq!(decode_component("%Acme%"), "%Acme%");
        assert_eq!(decode_component("%25Acme%25"), "%Acme%");
        assert_eq!(decode_component("a+b%20c"), "a b c");
        assert_eq!(decode_component("%C3%A9t%C3%A9"), "été");
        assert_eq!(decode_component("%E2%9C%93%ZZ%"), "✓%ZZ%");
        assert_eq!(decode_component("filter%5Bname%5D"), "filter[name]");
        assert_eq!(decode_component("%C3"), "%C3");
    }

    #[test]
    fn lists_split_on_unquoted_commas() {
        assert_eq!(split_list("Technology,Finance"), ["Technology", "Finance"]);
        assert_eq!(split_list(r#""a,b",c"#), ["a,b", "c"]);
        assert_eq!(split_list(r#""say ""hi""",x"#), [r#"say "hi""#, "x"]);
        assert_eq!(split_list(""), [""]);
    }

    #[test]
    fn filters_orders_and_paging_parse() {
        let person = person();
        let params = parse_list_query(
            &person,
            "limit=20&offset=5&depth=1&filter[city][eq]=Paris&filter[name.firstName][ilike]=%25jo%25\
             &filter[company.id][eq]=c0a8&filter[company.name][in]=A,B&order[createdAt]=desc&order[name.lastName]=asc",
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!((params.limit, params.offset, params.depth), (Some(20), Some(5), 1));
        assert_eq!(
            params.filter.map(|f| f.to_json()),
            Some(json!({"and": [
                {"city": {"eq": "Paris"}},
                {"name": {"firstName": {"ilike": "%jo%"}}},
                {"companyId": {"eq": "c0a8"}},
                {"company": {"name": {"in": ["A", "B"]}}},
            ]}))
        );
        assert_eq!(
            params.order.map(|o| o.to_json()),
            Some(json!([{"createdAt": "desc"}, {"name": {"lastName": "asc"}}]))
        );
    }

    #[test]
    fn malformed_parameters_are_all_reported() {
        let person = person();
        let err = parse_list_query(
            &person,
            "limit=-1&offset=x&depth=2&filter[city]=x&order[]=asc&nope=1&filter[a][b]]=1",
        )
        .err()
        .unwrap_or_else(|| panic!("accepted"));
        let fields: Vec<&str> = err.details().iter().map(|d| d.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "limit",
                "offset",
                "depth",
                "filter[city]",
                "order[]",
                "nope",
                "filter[a][b]]"
            ]
        );
    }
}
