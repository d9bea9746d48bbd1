//! The shape of REST answers, chosen by `REST_RESPONSE_FORMAT` (contract §11): the reference's (`{"data": …}` with a
//! `meta` object on lists) or Twenty's, keyed by the operation as Twenty's GraphQL names it
//! (`{"data": {"createPerson": …}}`, `{"data": {"people": […]}, "pageInfo": …, "totalCount": n}`), for clients
//! generated from Twenty's own OpenAPI documents. Handlers say what they answer; this module alone says how it is
//! wrapped, and the OpenAPI document reads the same names ([`ResponseFormat::key`]).

use serde_json::{Value as Json, json};
use twenty_domain::metadata::ObjectMetadata;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ResponseFormat {
    #[default]
    Reference,
    Twenty,
}

impl ResponseFormat {
    pub const NAMES: &'static str = "reference, twenty";

    pub fn parse(value: &str) -> Option<ResponseFormat> {
        match value {
            "reference" => Some(ResponseFormat::Reference),
            "twenty" => Some(ResponseFormat::Twenty),
            _ => None,
        }
    }
}

/// What a route did to the records it answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Find,
    Create,
    Update,
    Delete,
    Restore,
}

impl Operation {
    fn verb(self) -> &'static str {
        match self {
            Operation::Find => "",
            Operation::Create => "create",
            Operation::Update => "update",
            Operation::Delete => "delete",
            Operation::Restore => "restore",
        }
    }
}

/// One page of a list, as storage answered it.
pub struct ListPage {
    pub records: Vec<Json>,
    pub total_count: Option<i64>,
    pub has_next_page: Option<bool>,
    pub has_previous_page: Option<bool>,
    pub start_cursor: Json,
    pub end_cursor: Json,
}

impl ResponseFormat {
    /// Twenty's key under `data`: the object's name (`person`, `people`) for reads, else the verb and the
    /// capitalised name (`createPerson`, `deletePeople`).
    pub fn key(operation: Operation, object: &ObjectMetadata, many: bool) -> String {
        let name = if many {
            &object.name_plural
        } else {
            &object.name_singular
        };
        if operation == Operation::Find {
            return name.clone();
        }
        format!("{}{}", operation.verb(), twenty_domain::naming::capitalised(name))
    }

    /// The answer about one record. The reference answers a deletion with the id and `deleted: true`.
    pub fn one(self, operation: Operation, object: &ObjectMetadata, record: Json) -> Json {
        match self {
            ResponseFormat::Reference if operation == Operation::Delete => {
                json!({"data": {"id": record["id"], "deleted": true}})
            }
            ResponseFormat::Reference => json!({ "data": record }),
            ResponseFormat::Twenty => json!({"data": {ResponseFormat::key(operation, object, false): record}}),
        }
    }

    /// The answer about several records (batch create, changes by filter).
    pub fn many(self, operation: Operation, object: &ObjectMetadata, records: Vec<Json>) -> Json {
        match self {
            ResponseFormat::Reference => json!({ "data": records }),
            ResponseFormat::Twenty => json!({"data": {ResponseFormat::key(operation, object, true): records}}),
        }
    }

    /// A page of a list.
    pub fn list(self, object: &ObjectMetadata, page: ListPage) -> Json {
        match self {
            ResponseFormat::Reference => json!({
                "data": page.records,
                "meta": {
                    "totalCount": page.total_count,
                    "hasMore": page.has_next_page,
                    "startCursor": page.start_cursor,
                    "endCursor": page.end_cursor,
                }
            }),
            ResponseFormat::Twenty => twenty_page(
                ResponseFormat::key(Operation::Find, object, true),
                page,
                |records| json!({ "data": records }),
            ),
        }
    }

    /// Likely duplicates (`POST /rest/{plural}/duplicates`): one page per record asked about, in Twenty's shape
    /// (`{"data": [{"personDuplicates": […], "pageInfo": …, "totalCount": n}]}`) whatever the format — the route is
    /// Twenty's, the reference has none.
    pub fn duplicates(self, object: &ObjectMetadata, pages: Vec<ListPage>) -> Json {
        let key = format!("{}Duplicates", object.name_singular);
        let pages: Vec<Json> = pages
            .into_iter()
            .map(|page| twenty_page(key.clone(), page, |records| records))
            .collect();
        json!({ "data": pages })
    }
}

/// A page in Twenty's shape: its records under `key` (wrapped by `wrap`: under `data` for a list), `pageInfo` and
/// `totalCount`.
fn twenty_page(key: String, page: ListPage, wrap: impl FnOnce(Json) -> Json) -> Json {
    let mut records = serde_json::Map::new();
    records.insert(key, Json::Array(page.records));
    let mut answer = wrap(Json::Object(records));
    answer["pageInfo"] = json!({
        "hasNextPage": page.has_next_page,
        "hasPreviousPage": page.has_previous_page,
        "startCursor": page.start_cursor,
        "endCursor": page.end_cursor,
    });
    answer["totalCount"] = json!(page.total_count);
    answer
}
