//! [`Connection`]: one page of records as storage answers a [`crate::query::ConnectionQuery`] — in the API's
//! JSON form (`{edges: [{node, cursor}], pageInfo, totalCount}`), which the GraphQL adapter writes out as it is —
//! with typed accessors, so no adapter digs through it with string paths.

use serde_json::Value as Json;

#[derive(Debug, Clone, PartialEq)]
pub struct Connection(Json);

impl Connection {
    /// A page without records: no next page, no cursors, a total count of 0.
    pub fn empty() -> Self {
        Connection(serde_json::json!({
            "edges": [],
            "pageInfo": {"hasNextPage": false, "hasPreviousPage": false, "startCursor": null, "endCursor": null},
            "totalCount": 0,
        }))
    }

    /// Wraps what storage answered for a connection query.
    pub fn from_json(json: Json) -> Self {
        Connection(json)
    }

    /// The records of the page, in order.
    pub fn nodes(&self) -> impl Iterator<Item = &Json> {
        self.0["edges"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|edge| &edge["node"])
    }

    /// The first record of the page.
    pub fn into_first_node(mut self) -> Option<Json> {
        self.0
            .get_mut("edges")
            .and_then(Json::as_array_mut)
            .filter(|edges| !edges.is_empty())
            .map(|edges| edges.swap_remove(0))
            .and_then(|mut edge| edge.get_mut("node").map(Json::take))
    }

    /// The number of all matching records, when the query asked for it.
    pub fn total_count(&self) -> Option<i64> {
        self.0["totalCount"].as_i64()
    }

    /// Whether records follow this page, when the query asked for `pageInfo`.
    pub fn has_next_page(&self) -> Option<bool> {
        self.0["pageInfo"]["hasNextPage"].as_bool()
    }

    /// The cursor of the page's last record, when the query asked for `pageInfo` and the page has records.
    pub fn end_cursor(&self) -> Option<&str> {
        self.0["pageInfo"]["endCursor"].as_str()
    }

    /// The whole page in the API's JSON form (what the GraphQL adapter writes out).
    pub fn as_json(&self) -> &Json {
        &self.0
    }

    pub fn into_json(self) -> Json {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn accessors_read_the_connection_shape() {
        let page = json!({"edges": [{"node": {"id": 1}}, {"node": {"id": 2}}], "totalCount": 7,
                          "pageInfo": {"hasNextPage": true}});
        let connection = Connection::from_json(page);
        assert_eq!(
            connection.nodes().cloned().collect::<Vec<_>>(),
            [json!({"id": 1}), json!({"id": 2})]
        );
        assert_eq!(
            (connection.total_count(), connection.has_next_page()),
            (Some(7), Some(true))
        );
        assert_eq!(connection.into_first_node(), Some(json!({"id": 1})));
        let empty = Connection::from_json(json!({"edges": []}));
        assert_eq!((empty.total_count(), empty.has_next_page()), (None, None));
        assert_eq!(empty.into_first_node(), None);
    }
}
