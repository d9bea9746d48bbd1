//! The REST query-string languages, both parsed into the domain's typed argument tree ([`InputValue`]) in the
//! shape the GraphQL adapter builds, so one filter means the same thing on every API; values are
//! [`InputValue::Text`], read by each field's kind when the domain resolves them against metadata.
//! - The reference's (contract §6): `filter[field][op]=value` (repeat = AND), dotted paths for composite
//!   sub-fields and MANY_TO_ONE relations, `order[field]=direction` in parameter order, `offset`.
//! - Twenty's (contract §11): `filter=field[op]:value,…` with `and(…)`, `or(…)`, `not(…)`, quoted strings,
//!   `in:[a,b]`, `is:NULL`; `order_by=field[Direction],…`; `starting_after` / `ending_before` (and the older
//!   `last_cursor`) with the cursors of a previous page.
//!
//! `limit` and `depth` belong to both. The two cannot be mixed in one request.

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
    /// Twenty's cursor paging: the page after (`starting_after`) or before (`ending_before`) a record's cursor.
    pub after: Option<String>,
    pub before: Option<String>,
    /// See [`Depth`].
    pub depth: Depth,
}

/// How much of the related records a REST answer embeds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Depth {
    /// Relation ids only (`companyId`).
    #[default]
    Ids,
    /// MANY_TO_ONE relations embedded as objects.
    Related,
    /// As [`Depth::Related`], and each embedded record with its own relations (to-many ones as arrays).
    RelatedOfRelated,
}

impl Depth {
    pub const RULE: &'static str = "must be 0, 1 or 2";

    pub fn parse(value: &str) -> Option<Depth> {
        match value {
            "0" => Some(Depth::Ids),
            "1" => Some(Depth::Related),
            "2" => Some(Depth::RelatedOfRelated),
            _ => None,
        }
    }

    /// One level less: what an embedded record gets.
    pub fn below(self) -> Depth {
        match self {
            Depth::RelatedOfRelated => Depth::Related,
            Depth::Related | Depth::Ids => Depth::Ids,
        }
    }
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
        && let Some(id_field) = object.active_field(relation).and_then(|f| f.id_field_name())
    {
        return value.under(id_field);
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

/// Which query-string language a parameter belongs to (`limit`, `depth` and `token` belong to both).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dialect {
    Reference,
    Twenty,
}

/// Parses a raw query string. Every problem is reported; unknown parameters are errors (a typo must not be
/// silently ignored), except `token`, which authenticates the OpenAPI route.
pub fn parse_list_query(object: &ObjectMetadata, query: &str) -> DomainResult<ListParams> {
    let mut problems = Problems::new();
    let mut params = ListParams::default();
    let mut conditions = Vec::new();
    let mut order = Vec::new();
    let mut seen: [Option<String>; 2] = [None, None];
    for (key, value) in query_pairs(query) {
        let dialect = match key.as_str() {
            "filter" | "order_by" | "starting_after" | "ending_before" | "last_cursor" => Some(Dialect::Twenty),
            "offset" => Some(Dialect::Reference),
            k if k.starts_with("filter[") || k.starts_with("order[") => Some(Dialect::Reference),
            _ => None,
        };
        if let Some(dialect) = dialect {
            seen[dialect as usize].get_or_insert_with(|| key.clone());
        }
        match key.as_str() {
            "limit" => params.limit = integer(&value, "limit", &mut problems),
            "offset" => params.offset = integer(&value, "offset", &mut problems),
            "depth" => match Depth::parse(&value) {
                Some(depth) => params.depth = depth,
                None => problems.push("depth", Depth::RULE),
            },
            "token" => {}
            "filter" => match parse_twenty_filter(object, &value) {
                // A root `and` joins its conditions with the others.
                Ok(Some(InputValue::Object(mut root))) if root.len() == 1 && root[0].0 == "and" => {
                    match root.pop().map(|(_, v)| v) {
                        Some(InputValue::List(items)) => conditions.extend(items),
                        Some(other) => conditions.push(other.under("and")),
                        None => {}
                    }
                }
                Ok(Some(filter)) => conditions.push(filter),
                Ok(None) => {}
                Err(message) => problems.push("filter", message),
            },
            "order_by" => match parse_twenty_order(object, &value) {
                Ok(terms) => order.extend(terms),
                Err(message) => problems.push("order_by", message),
            },
            "starting_after" | "last_cursor" => params.after = Some(value),
            "ending_before" => params.before = Some(value),
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
    if let [Some(reference), Some(twenty)] = &seen {
        problems.push(
            twenty,
            format!(
                "`{reference}` (the reference's query syntax) and `{twenty}` (Twenty's) cannot be mixed in one request"
            ),
        );
    }
    if params.after.is_some() && params.before.is_some() {
        problems.push("ending_before", "cannot be used together with starting_after");
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

const CONJUNCTIONS: [&str; 3] = ["and", "or", "not"];

/// Twenty's `filter=` value: `None` when it is empty.
pub fn parse_twenty_filter(object: &ObjectMetadata, text: &str) -> Result<Option<InputValue>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let opened = text.matches('(').count();
    let closed = text.matches(')').count();
    if opened != closed {
        let (missing, kind) = if opened > closed {
            (opened - closed, "closing")
        } else {
            (closed - opened, "opening")
        };
        return Err(format!("{missing} {kind} parenthesis missing"));
    }
    // Conditions side by side at the root are joined by `and`.
    let root = if conjunction(text).is_some() {
        twenty_condition(object, text)?
    } else {
        let parts = split_top_level(text);
        InputValue::List(
            parts
                .iter()
                .map(|part| twenty_condition(object, part))
                .collect::<Result<_, _>>()?,
        )
        .under("and")
    };
    Ok(Some(root))
}

/// `and(…)`, `or(…)`, `not(…)` whose opening parenthesis is closed by the last character: the conjunction and
/// what is inside.
fn conjunction(text: &str) -> Option<(&'static str, &str)> {
    let name = CONJUNCTIONS
        .into_iter()
        .find(|name| text.strip_prefix(name).is_some_and(|rest| rest.starts_with('(')))?;
    let inner = text[name.len() + 1..].strip_suffix(')')?;
    // The parenthesis opened after the name must be the one the last character closes.
    let mut depth = 1usize;
    let mut quote = None;
    for c in inner.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => {
                depth -= 1;
                if depth == 0 {
                    return None;
                }
            }
            _ => {}
        }
    }
    Some((name, inner))
}

/// Splits on the commas that are outside parentheses, brackets and quotes.
fn split_top_level(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut brackets, mut quote, mut start) = (0i32, 0i32, None, 0);
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => depth -= 1,
            (None, '[') => brackets += 1,
            (None, ']') => brackets -= 1,
            (None, ',') if depth == 0 && brackets == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

/// One condition: a conjunction or `path[op]:value`.
fn twenty_condition(object: &ObjectMetadata, text: &str) -> Result<InputValue, String> {
    let text = text.trim();
    if let Some((name, inner)) = conjunction(text) {
        let mut parts = split_top_level(inner)
            .into_iter()
            .map(|part| twenty_condition(object, part))
            .collect::<Result<Vec<_>, _>>()?;
        return if name == "not" {
            match (parts.pop(), parts.is_empty()) {
                (Some(only), true) => Ok(only.under("not")),
                _ => Err("`not(…)` takes exactly one condition, e.g. not(name[eq]:\"Acme\")".into()),
            }
        } else {
            Ok(InputValue::List(parts).under(name))
        };
    }
    let invalid = || format!("`{text}` is not a condition; expected field[operator]:value, e.g. employees[gte]:10");
    let (path, rest) = text.split_once('[').ok_or_else(invalid)?;
    let (op, value) = rest.split_once("]:").ok_or_else(invalid)?;
    if path.is_empty() || op.is_empty() || value.is_empty() {
        return Err(invalid());
    }
    let operator = Operator::from_name(op).ok_or_else(|| {
        let names: Vec<&str> = Operator::ALL.iter().map(|o| o.name()).collect();
        format!("`{op}` in `{text}` is not an operator; use one of {}", names.join(", "))
    })?;
    let operand = if operator.takes_list() {
        let items = value
            .strip_prefix('[')
            .and_then(|v| v.strip_suffix(']'))
            .ok_or_else(|| format!("`{op}` takes a list: {path}[{op}]:[value_1,value_2]"))?;
        InputValue::List(
            split_top_level(items)
                .into_iter()
                .map(|item| InputValue::Text(unquote(item.trim()).to_string()))
                .collect(),
        )
    } else if operator == Operator::Is {
        InputValue::Text(value.to_string())
    } else {
        InputValue::Text(unquote(value).to_string())
    };
    Ok(nest(object, path, operand.under(op)))
}

/// `"text"` or `'text'` → `text`.
fn unquote(value: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(inner) = value.strip_prefix(q).and_then(|v| v.strip_suffix(q)) {
            return inner;
        }
    }
    value
}

/// Twenty's `order_by=` value: `field[Direction]` or `field` (ascending, nulls first), comma-separated.
fn parse_twenty_order(object: &ObjectMetadata, text: &str) -> Result<Vec<InputValue>, String> {
    text.split(',')
        .filter(|item| !item.trim().is_empty())
        .map(|item| {
            let item = item.trim();
            let (path, direction) = match item.split_once('[') {
                Some((path, rest)) => {
                    let direction = rest
                        .strip_suffix(']')
                        .ok_or_else(|| format!("`{item}`: expected field[Direction]"))?;
                    (path, direction)
                }
                None => (item, "AscNullsFirst"),
            };
            if path.is_empty() {
                return Err(format!("`{item}`: expected field[Direction]"));
            }
            Ok(nest(object, path, InputValue::Text(direction.to_string())))
        })
        .collect()
}

#[cfg(test)]
mod tests;
