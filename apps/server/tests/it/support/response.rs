//! What a request answers, with typed accessors for the parts of the contract tests check: status, headers, the
//! JSON body, and the error code and detail fields of REST (`error`) and GraphQL (`errors[0].extensions`) bodies.

use serde_json::Value;

pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The JSON body of a response that must have `status`.
    pub fn expect(&self, status: u16) -> Value {
        assert_eq!(self.status, status, "{}", self.body);
        self.json()
    }

    /// A REST or auth error answer that must have `status` and the error code `code`: the `field` of each of its
    /// `error.details` entries.
    pub fn expect_error(&self, status: u16, code: &str) -> Vec<String> {
        assert_eq!(self.status, status, "{}", self.body);
        assert_eq!(self.error_code(), code, "{}", self.body);
        self.error_fields()
    }

    /// `error.code` of a REST or auth error body.
    pub fn error_code(&self) -> String {
        text(&self.json()["error"]["code"])
    }

    /// The `field` of each `error.details` entry of a REST or auth error body.
    pub fn error_fields(&self) -> Vec<String> {
        detail_fields(&self.json()["error"]["details"])
    }

    /// The body as a GraphQL response.
    pub fn gql(&self) -> Gql {
        Gql(self.json())
    }

    /// A GraphQL answer that must come with HTTP 200.
    pub fn gql_ok(&self) -> Gql {
        assert_eq!(self.status, 200, "{}", self.body);
        self.gql()
    }
}

/// A GraphQL response body (core or metadata API).
#[derive(Debug, Clone)]
pub struct Gql(pub Value);

impl Gql {
    /// The `data` of a response that must have no errors.
    pub fn data(&self) -> Value {
        assert!(self.0.get("errors").is_none(), "unexpected errors: {:#}", self.0);
        self.0["data"].clone()
    }

    /// The first error, which must be there.
    pub fn error(&self) -> &Value {
        assert!(self.0["errors"][0].is_object(), "expected an error: {:#}", self.0);
        &self.0["errors"][0]
    }

    /// `extensions.code` of the first error.
    pub fn error_code(&self) -> String {
        text(&self.error()["extensions"]["code"])
    }

    /// The `field` of each `extensions.details` entry of the first error.
    pub fn error_fields(&self) -> Vec<String> {
        detail_fields(&self.error()["extensions"]["details"])
    }

    pub fn has_errors(&self) -> bool {
        self.0.get("errors").is_some()
    }
}

/// The nodes of a GraphQL connection's edges, which must be there.
pub fn nodes(connection: &Value) -> impl Iterator<Item = &Value> {
    let edges = connection["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("not a connection: {connection}"));
    edges.iter().map(|e| &e["node"])
}

/// `key` of each node of a GraphQL connection's edges, which must be text.
pub fn node_texts(connection: &Value, key: &str) -> Vec<String> {
    nodes(connection).map(|node| text_at(node, key)).collect()
}

/// The node of a GraphQL connection whose `key` is `value`, which must be there.
pub fn node_where<'c>(connection: &'c Value, key: &str, value: &str) -> &'c Value {
    match nodes(connection).find(|node| node[key] == value) {
        Some(node) => node,
        None => panic!("no node with {key} {value} in {connection}"),
    }
}

/// The items of a REST list answer in either envelope: `data` itself, or `data.<key>` (Twenty's
/// `extractMetadataListPayload`; `REST_RESPONSE_FORMAT=twenty`).
pub fn items<'a>(body: &'a Value, key: &str) -> &'a Vec<Value> {
    let data = if body["data"].is_array() {
        &body["data"]
    } else {
        &body["data"][key]
    };
    data.as_array().unwrap_or_else(|| panic!("no list in {body}"))
}

/// `key` of each item of a JSON array (a REST list's `data`, say), which must be text.
pub fn texts(list: &Value, key: &str) -> Vec<String> {
    let items = list.as_array().unwrap_or_else(|| panic!("not a list: {list}"));
    items.iter().map(|item| text_at(item, key)).collect()
}

/// `key` of `item`, which must be text.
fn text_at(item: &Value, key: &str) -> String {
    match item[key].as_str() {
        Some(text) => text.to_string(),
        None => panic!("no text {key} in {item}"),
    }
}

fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_string()
}

fn detail_fields(details: &Value) -> Vec<String> {
    details
        .as_array()
        .map(|d| d.iter().map(|x| text(&x["field"])).collect())
        .unwrap_or_default()
}
