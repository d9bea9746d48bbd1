//! Typed values and the validation and coercion of input values per field type (contract §8, last paragraph).

use crate::error::{DomainError, DomainResult, Problems};
use crate::field_type::{ListItems, ScalarKind, SubFormat, TextFormat};
use crate::metadata::{Column, FieldMetadata};
use chrono::{DateTime, Datelike, NaiveDate, SubsecRound, Utc};
use serde_json::Value as Json;
use uuid::Uuid;

/// One value as it is stored in a column; storage binds it as a parameter of the column's type.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Text(String),
    Float(f64),
    BigInt(i64),
    Boolean(bool),
    Uuid(Uuid),
    Timestamp(DateTime<Utc>),
    Date(NaiveDate),
    TextArray(Vec<String>),
    Json(Json),
    /// An exact decimal in its canonical text (checked by [`parse_decimal`]).
    Decimal(String),
}

impl Value {
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
}

/// Parses a literal for a column of `kind`. Numbers and booleans are also accepted as strings, since the REST
/// query string carries everything as text. Timestamps are truncated to milliseconds, the stored precision.
pub fn parse_scalar(kind: ScalarKind, json: &Json) -> Result<Value, String> {
    if json.is_null() {
        return Ok(Value::Null);
    }
    // PostgreSQL stores no NUL character in text or JSON.
    if contains_nul(json) {
        return Err(NUL_MESSAGE.into());
    }
    match kind {
        ScalarKind::Text => match json {
            Json::String(s) => Ok(Value::Text(s.clone())),
            _ => Err("expected a string".into()),
        },
        ScalarKind::Float => parse_float(json).map(Value::Float),
        ScalarKind::BigInt => parse_bigint(json).map(Value::BigInt),
        ScalarKind::Boolean => match json {
            Json::Bool(b) => Ok(Value::Boolean(*b)),
            Json::String(s) if s == "true" => Ok(Value::Boolean(true)),
            Json::String(s) if s == "false" => Ok(Value::Boolean(false)),
            _ => Err("expected a boolean".into()),
        },
        ScalarKind::Uuid => match json {
            Json::String(s) => Uuid::parse_str(s)
                .map(Value::Uuid)
                .map_err(|_| "expected a UUID".into()),
            _ => Err("expected a UUID".into()),
        },
        ScalarKind::Timestamp => match json {
            Json::String(s) => parse_timestamp(s).map(Value::Timestamp),
            _ => Err("expected an RFC 3339 date-time string".into()),
        },
        ScalarKind::Date => match json {
            Json::String(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .ok()
                .filter(|d| (1..=9999).contains(&d.year()))
                .map(Value::Date)
                .ok_or_else(|| "expected a date as YYYY-MM-DD between years 1 and 9999".into()),
            _ => Err("expected a date as YYYY-MM-DD".into()),
        },
        ScalarKind::TextArray => match json {
            Json::Array(items) => items
                .iter()
                .map(|i| {
                    i.as_str()
                        .map(str::to_string)
                        .ok_or_else(|| "expected a list of strings".to_string())
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Value::TextArray),
            _ => Err("expected a list of strings".into()),
        },
        ScalarKind::Json => Ok(Value::Json(json.clone())),
        ScalarKind::Decimal => parse_decimal(json).map(Value::Decimal),
    }
}

/// An exact decimal: a JSON number, or a string of an optional sign, digits with an optional fraction, and an
/// optional exponent of at most three digits (`"-12.50"`, `"1e6"`); at most 100 characters.
pub fn parse_decimal(json: &Json) -> Result<String, String> {
    const MSG: &str = "expected a decimal number such as \"12.50\"";
    let text = match json {
        Json::Number(n) => n.to_string(),
        Json::String(s) => s.trim().to_string(),
        _ => return Err(MSG.into()),
    };
    is_decimal(&text).then_some(text).ok_or_else(|| MSG.into())
}

fn is_decimal(s: &str) -> bool {
    if s.len() > 100 {
        return false;
    }
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let mantissa = mantissa.strip_prefix(['-', '+']).unwrap_or(mantissa);
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |d: &str| d.chars().all(|c| c.is_ascii_digit());
    let mantissa_ok = digits(int)
        && digits(frac)
        && !(int.is_empty() && frac.is_empty())
        && !(mantissa.ends_with('.') && frac.is_empty() && int.is_empty());
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        (1..=3).contains(&e.len()) && digits(e)
    });
    mantissa_ok && exponent_ok
}

pub const NUL_MESSAGE: &str = "must not contain NUL (\\u0000) characters";

/// Whether a JSON value holds a NUL character in any string or key.
pub fn contains_nul(json: &Json) -> bool {
    match json {
        Json::String(s) => s.contains('\0'),
        Json::Array(items) => items.iter().any(contains_nul),
        Json::Object(map) => map.iter().any(|(k, v)| k.contains('\0') || contains_nul(v)),
        _ => false,
    }
}

/// Checks free text stored outside records (labels, descriptions, names of things): at most `max_chars`
/// characters and no NUL.
pub fn check_text(path: &str, value: &str, max_chars: usize, problems: &mut Problems) {
    if value.contains('\0') {
        problems.push(path, NUL_MESSAGE);
    } else if value.chars().count() > max_chars {
        problems.push(path, format!("must be at most {max_chars} characters"));
    }
}

/// An id the client gave as text (a path segment, an argument): anything but a UUID is a validation error on `field`.
pub fn parse_uuid(field: &str, text: &str) -> DomainResult<Uuid> {
    Uuid::parse_str(text).map_err(|_| DomainError::invalid_field(field, "must be a UUID"))
}

pub fn parse_timestamp(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|d| d.with_timezone(&Utc).trunc_subsecs(3))
        .filter(|d| (1..=9999).contains(&d.year()))
        .ok_or_else(|| "expected an RFC 3339 date-time such as 2024-01-15T10:00:00Z (years 1 to 9999)".into())
}

fn parse_float(json: &Json) -> Result<f64, String> {
    let f = match json {
        Json::Number(n) => n.as_f64(),
        Json::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    f.filter(|f| f.is_finite()).ok_or_else(|| "expected a number".into())
}

fn parse_bigint(json: &Json) -> Result<i64, String> {
    const MSG: &str = "expected an integer";
    match json {
        Json::Number(n) => match n.as_i64() {
            Some(i) => Ok(i),
            None => match n.as_f64() {
                Some(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => Ok(f as i64),
                _ => Err(MSG.into()),
            },
        },
        Json::String(s) => s.trim().parse::<i64>().map_err(|_| MSG.into()),
        _ => Err(MSG.into()),
    }
}

/// An e-mail address: one `@`, a non-empty local part, a dotted domain, no white space.
pub fn is_valid_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && local.len() <= 64
        && s.len() <= 254
        && !domain.contains('@')
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        && domain.contains('.')
        && domain.split('.').all(|label| {
            !label.is_empty() && !label.starts_with('-') && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
}

/// An absolute http(s) URL with a host and no white space.
pub fn is_valid_url(s: &str) -> bool {
    let rest = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://"));
    let Some(rest) = rest else { return false };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    let host = host.split(':').next().unwrap_or("");
    !host.is_empty()
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        && host
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-' || c == '[' || c == ']')
}

/// A link: an absolute http(s) URL, or one without its scheme whose host has a dot (`twenty.com/about`), as
/// Twenty accepts them.
pub fn is_valid_link(s: &str) -> bool {
    if s.contains("://") {
        return is_valid_url(s);
    }
    let host = s.split(['/', '?', '#', ':']).next().unwrap_or("");
    host.contains('.') && !host.starts_with('.') && is_valid_url(&format!("https://{s}"))
}

/// A plausible phone number: `+`, digits, spaces, `-`, `(`, `)`, `.`, with 3 to 20 digits.
pub fn is_valid_phone(s: &str) -> bool {
    let digits = s.chars().filter(char::is_ascii_digit).count();
    (3..=20).contains(&digits)
        && s.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '(' | ')' | '.'))
        && s.chars().filter(|c| *c == '+').count() <= 1
        && (!s.contains('+') || s.trim_start().starts_with('+'))
}

/// Active ISO 4217 currency codes.
pub const CURRENCY_CODES: &[&str] = &[
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BHD", "BIF",
    "BMD", "BND", "BOB", "BOV", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHE", "CHF", "CHW", "CLF",
    "CLP", "CNY", "COP", "COU", "CRC", "CUC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB",
    "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR",
    "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD",
    "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR",
    "MVR", "MWK", "MXN", "MXV", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK",
    "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP",
    "SLE", "SLL", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD",
    "TWD", "TZS", "UAH", "UGX", "USD", "USN", "UYI", "UYU", "UYW", "UZS", "VED", "VES", "VND", "VUV", "WST", "XAF",
    "XAG", "XAU", "XCD", "XCG", "XDR", "XOF", "XPD", "XPF", "XPT", "XSU", "XUA", "YER", "ZAR", "ZMW", "ZWG", "ZWL",
];

pub fn is_currency_code(s: &str) -> bool {
    CURRENCY_CODES.contains(&s)
}

/// Active ISO 3166-1 alpha-2 country codes.
pub const COUNTRY_CODES: &[&str] = &[
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ", "BA", "BB", "BD",
    "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BV", "BW", "BY", "BZ", "CA",
    "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE",
    "DJ", "DK", "DM", "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA",
    "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK",
    "HM", "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM", "JO", "JP",
    "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT",
    "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS",
    "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ",
    "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS",
    "RU", "RW", "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST",
    "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW",
    "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI", "VN", "VU", "WF", "WS", "YE", "YT", "ZA",
    "ZM", "ZW",
];

/// An international calling code: `+` and one to four digits.
pub fn is_calling_code(s: &str) -> bool {
    s.strip_prefix('+')
        .is_some_and(|d| (1..=4).contains(&d.len()) && d.chars().all(|c| c.is_ascii_digit()))
}

/// The values a sub-field of `format` may take, beyond its storage kind (empty: any of its kind).
pub fn format_values(format: SubFormat) -> &'static [&'static str] {
    match format {
        SubFormat::CurrencyCode => CURRENCY_CODES,
        SubFormat::CountryCode => COUNTRY_CODES,
        SubFormat::CallingCode | SubFormat::Text(_) | SubFormat::Range(..) | SubFormat::List(_) => &[],
    }
}

/// Checks a sub-field value against its format (`NULL`, and the empty string for text formats, always pass).
pub fn check_sub_format(format: SubFormat, value: &Value) -> Result<(), String> {
    match value {
        Value::Null => Ok(()),
        Value::Text(s) if s.is_empty() => Ok(()),
        Value::Text(s) => check_format_text(format, s),
        Value::Float(f) => match format {
            SubFormat::Range(low, high) if *f < f64::from(low) || *f > f64::from(high) => {
                Err(format!("must be between {low} and {high}"))
            }
            _ => Ok(()),
        },
        Value::Json(json) => match format {
            SubFormat::List(items) => check_list(items, json),
            _ => Ok(()),
        },
        _ => Ok(()),
    }
}

fn check_format_text(format: SubFormat, s: &str) -> Result<(), String> {
    match format {
        SubFormat::CurrencyCode if !is_currency_code(s) => Err("must be a three-letter ISO 4217 currency code".into()),
        SubFormat::CountryCode if !COUNTRY_CODES.contains(&s) => {
            Err("must be a two-letter ISO 3166-1 alpha-2 country code".into())
        }
        SubFormat::CallingCode if !is_calling_code(s) => Err("must be a calling code: `+` and 1 to 4 digits".into()),
        SubFormat::Text(text) => check_text_format(text, s),
        _ => Ok(()),
    }
}

/// A JSON list whose items have the list's format; problems name the item (`[1].url: …`).
fn check_list(items: ListItems, json: &Json) -> Result<(), String> {
    let Json::Array(list) = json else {
        return Err(match items {
            ListItems::Text(_) => "expected a list of strings".into(),
            ListItems::Object(properties) => format!("expected a list of objects with {}", property_list(properties)),
        });
    };
    for (i, item) in list.iter().enumerate() {
        match (items, item) {
            (ListItems::Text(format), Json::String(s)) => {
                check_format_text(*format, s).map_err(|msg| format!("[{i}]: {msg}"))?
            }
            (ListItems::Text(_), _) => return Err(format!("[{i}]: expected a string")),
            (ListItems::Object(properties), Json::Object(map)) => {
                for (key, value) in map {
                    let Some(property) = properties.iter().find(|p| p.name == key) else {
                        return Err(format!(
                            "[{i}].{key}: unknown property; expected {}",
                            property_list(properties)
                        ));
                    };
                    match value {
                        Json::Null => {}
                        Json::String(s) if s.is_empty() => {}
                        Json::String(s) => {
                            if let Some(format) = property.format {
                                check_format_text(format, s).map_err(|msg| format!("[{i}].{key}: {msg}"))?
                            }
                        }
                        _ => return Err(format!("[{i}].{key}: expected a string")),
                    }
                }
            }
            (ListItems::Object(properties), _) => {
                return Err(format!("[{i}]: expected an object with {}", property_list(properties)));
            }
        }
    }
    Ok(())
}

fn property_list(properties: &[crate::field_type::ItemProperty]) -> String {
    properties.iter().map(|p| p.name).collect::<Vec<_>>().join(", ")
}

/// Validates and converts one input value of `field` into its columns' values. Problems are reported under
/// `path` (the field name, possibly prefixed by a batch index). `None` when the value was rejected.
pub fn coerce_field_input(
    field: &FieldMetadata,
    json: &Json,
    path: &str,
    problems: &mut Problems,
) -> Option<Vec<(Column, Value)>> {
    let columns = field.columns();
    if let Some(composite) = field.composite() {
        let map = match json {
            Json::Null => {
                return Some(columns.into_iter().map(|c| (c, Value::Null)).collect());
            }
            Json::Object(map) => map,
            _ => {
                problems.push(path, format!("expected an object with {}", sub_field_list(field)));
                return None;
            }
        };
        let before = problems.len();
        for key in map.keys() {
            if composite.sub_field(key).is_none() {
                problems.push(
                    format!("{path}.{key}"),
                    format!("unknown sub-field; expected {}", sub_field_list(field)),
                );
            }
        }
        let mut out = Vec::new();
        for column in columns {
            let Some(sub) = column.sub_field else {
                continue;
            };
            let Some(value) = map.get(sub) else { continue };
            let sub_path = format!("{path}.{sub}");
            let format = composite.sub_field(sub).and_then(|s| s.format);
            match parse_scalar(column.kind, value) {
                Ok(v) => {
                    if let Some(format) = format
                        && let Err(msg) = check_sub_format(format, &v)
                    {
                        match msg.strip_prefix('[') {
                            // A list item's problem names the item in the path.
                            Some(rest) => match rest.split_once(": ") {
                                Some((item, text)) => problems.push(format!("{sub_path}[{item}"), text),
                                None => problems.push(&sub_path, msg),
                            },
                            None => problems.push(&sub_path, msg),
                        }
                    }
                    out.push((column, v));
                }
                Err(msg) => problems.push(&sub_path, msg),
            }
        }
        return (problems.len() == before).then_some(out);
    }
    let column = columns.into_iter().next()?;
    let value = match parse_scalar(column.kind, json) {
        Ok(v) => v,
        Err(msg) => {
            problems.push(path, msg);
            return None;
        }
    };
    if let Err(msg) = check_field_rules(field, &value) {
        problems.push(path, msg);
        return None;
    }
    Some(vec![(column, value)])
}

/// The format rules of a field type beyond the storage kind.
fn check_field_rules(field: &FieldMetadata, value: &Value) -> Result<(), String> {
    if let (Some(format), Value::Text(s)) = (field.field_type.text_format(), value) {
        check_text_format(format, s)?;
    }
    if !field.field_type.has_options() {
        return Ok(());
    }
    let not_an_option = match value {
        Value::Text(s) => Some(s).filter(|s| !field.option_values().any(|o| o == s.as_str())),
        Value::TextArray(items) => items.iter().find(|s| !field.option_values().any(|o| o == s.as_str())),
        _ => None,
    };
    match not_an_option {
        Some(bad) => Err(format!("`{bad}` is not one of {}", option_list(field))),
        None => Ok(()),
    }
}

fn check_text_format(format: TextFormat, s: &str) -> Result<(), String> {
    let (valid, expected) = match format {
        TextFormat::Email => (is_valid_email(s), "must be a valid email address"),
        TextFormat::Url => (is_valid_url(s), "must be an absolute http(s) URL"),
        TextFormat::Link => (
            is_valid_link(s),
            "must be a URL such as https://twenty.com or twenty.com",
        ),
        TextFormat::Phone => (
            is_valid_phone(s),
            "must be a phone number (digits, spaces, +, -, parentheses, dots)",
        ),
    };
    if valid { Ok(()) } else { Err(expected.into()) }
}

fn option_list(field: &FieldMetadata) -> String {
    field.option_values().collect::<Vec<_>>().join(", ")
}

fn sub_field_list(field: &FieldMetadata) -> String {
    field
        .composite()
        .map(|c| c.sub_fields().iter().map(|s| s.name).collect::<Vec<_>>().join(", "))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn emails() {
        assert!(is_valid_email("john.doe@example.com"));
        for bad in ["john", "@x.com", "a@b", "a b@c.com", "a@@b.com", "a@b..com"] {
            assert!(!is_valid_email(bad), "{bad}");
        }
    }

    #[test]
    fn urls() {
        assert!(is_valid_url("https://linkedin.com/company/acme"));
        assert!(is_valid_url("http://localhost:3000/x?y=1"));
        for bad in [
            "linkedin.com",
            "ftp://x.com",
            "https://",
            "https://a b.com",
            "javascript:alert(1)",
        ] {
            assert!(!is_valid_url(bad), "{bad}");
        }
    }

    #[test]
    fn phones() {
        assert!(is_valid_phone("+1-555-0123"));
        assert!(is_valid_phone("(555) 123.4567"));
        for bad in ["call me", "12", "+1+2 345", "555-0123+"] {
            assert!(!is_valid_phone(bad), "{bad}");
        }
    }

    #[test]
    fn scalars_parse_leniently_but_strictly_typed() {
        assert_eq!(
            parse_scalar(ScalarKind::BigInt, &json!(50_000_000_000i64)),
            Ok(Value::BigInt(50_000_000_000))
        );
        assert_eq!(parse_scalar(ScalarKind::BigInt, &json!("12")), Ok(Value::BigInt(12)));
        assert!(parse_scalar(ScalarKind::BigInt, &json!(1.5)).is_err());
        assert_eq!(parse_scalar(ScalarKind::Float, &json!("2.5")), Ok(Value::Float(2.5)));
        assert!(parse_scalar(ScalarKind::Uuid, &json!("nope")).is_err());
        assert!(parse_scalar(ScalarKind::Date, &json!("2024-13-01")).is_err());
        // Outside what PostgreSQL and the API format agree on.
        assert!(parse_scalar(ScalarKind::Date, &json!("0000-01-01")).is_err());
        assert!(parse_scalar(ScalarKind::Date, &json!("-0001-01-01")).is_err());
        assert!(parse_scalar(ScalarKind::Date, &json!("+10000-01-01")).is_err());
        assert!(parse_scalar(ScalarKind::Timestamp, &json!("0000-01-01T00:00:00Z")).is_err());
        assert!(parse_scalar(ScalarKind::Timestamp, &json!("9999-12-31T23:59:59+00:00")).is_ok());
        let ts = parse_scalar(ScalarKind::Timestamp, &json!("2024-01-15T10:00:00.123456+02:00"));
        assert_eq!(
            ts.ok().and_then(|v| if let Value::Timestamp(t) = v {
                Some(t.to_rfc3339())
            } else {
                None
            }),
            Some("2024-01-15T08:00:00.123+00:00".to_string())
        );
    }
}
