//! Twenty's paging of metadata lists: `limit` (default and maximum 1,000), and the id of an item as the cursor of
//! `starting_after` / `ending_before` (not both) within the list's stable order; a cursor naming no item gives an
//! empty page. The answer carries `pageInfo {hasNextPage, hasPreviousPage, startCursor, endCursor}` and the
//! `totalCount` of the whole list.

use crate::query::query_pairs;
use serde_json::{Value as Json, json};
use twenty_domain::DomainResult;
use twenty_domain::error::Problems;
use uuid::Uuid;

/// The most items one page holds, and the default.
pub const MAX_METADATA_PAGE: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Cursor {
    None,
    After(Uuid),
    Before(Uuid),
}

/// The paging parameters of one list request, and its other accepted parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Paging {
    pub limit: usize,
    pub cursor: Cursor,
    /// The values of the extra parameters the route accepts, by name.
    pub extra: Vec<(String, String)>,
}

impl Paging {
    /// Reads `limit`, `starting_after`, `ending_before` and the `extra` names the route accepts; anything else,
    /// a repeated parameter or a bad value is a `VALIDATION_ERROR` listing every problem.
    pub(super) fn parse(query: &str, extra: &[&str]) -> DomainResult<Paging> {
        let mut problems = Problems::new();
        let mut seen: Vec<String> = Vec::new();
        let (mut limit, mut after, mut before) = (None, None, None);
        let mut extras = Vec::new();
        for (key, value) in query_pairs(query) {
            if seen.contains(&key) {
                problems.push(key.as_str(), "is given more than once");
                continue;
            }
            seen.push(key.clone());
            match key.as_str() {
                // An empty value is no value, as in Twenty's parsers.
                "limit" | "starting_after" | "ending_before" if value.is_empty() => {}
                "limit" => match value.parse::<usize>() {
                    Ok(n) => limit = Some(n.min(MAX_METADATA_PAGE)),
                    Err(_) => problems.push("limit", "must be a non-negative integer"),
                },
                "starting_after" | "ending_before" => match Uuid::parse_str(&value) {
                    Ok(id) if key == "starting_after" => after = Some(id),
                    Ok(id) => before = Some(id),
                    Err(_) => problems.push(key.as_str(), "must be the id of an item (a UUID)"),
                },
                name if extra.contains(&name) => extras.push((key, value)),
                _ => problems.push(key.as_str(), "is not a parameter of this list"),
            }
        }
        let cursor = match (after, before) {
            (Some(_), Some(_)) => {
                problems.push("ending_before", "cannot be used together with starting_after");
                Cursor::None
            }
            (Some(id), None) => Cursor::After(id),
            (None, Some(id)) => Cursor::Before(id),
            (None, None) => Cursor::None,
        };
        problems.finish(Paging {
            limit: limit.unwrap_or(MAX_METADATA_PAGE),
            cursor,
            extra: extras,
        })
    }

    /// The value of an extra parameter.
    pub(super) fn extra(&self, name: &str) -> Option<&str> {
        self.extra.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// The page of `items` (ids and views, in the list's order) these parameters ask for.
    pub(super) fn page(&self, items: Vec<(Uuid, Json)>) -> Page {
        let total_count = items.len();
        let index_of = |id: Uuid| items.iter().position(|(item, _)| *item == id);
        let (window, has_next, has_previous): (Vec<(Uuid, Json)>, bool, bool) = match self.cursor {
            Cursor::None | Cursor::After(_) => {
                let start = match self.cursor {
                    Cursor::After(id) => index_of(id).map(|i| i + 1),
                    _ => Some(0),
                };
                match start {
                    Some(start) => {
                        let rest: Vec<_> = items.into_iter().skip(start).collect();
                        let more = rest.len() > self.limit;
                        let window = rest.into_iter().take(self.limit).collect();
                        (window, more, start > 0)
                    }
                    None => (Vec::new(), false, true),
                }
            }
            Cursor::Before(id) => match index_of(id) {
                Some(end) => {
                    let more = end > self.limit;
                    let window = items
                        .into_iter()
                        .take(end)
                        .skip(end.saturating_sub(self.limit))
                        .collect();
                    (window, true, more)
                }
                None => (Vec::new(), true, false),
            },
        };
        let cursor = |item: Option<&(Uuid, Json)>| item.map_or(Json::Null, |(id, _)| json!(id));
        Page {
            page_info: json!({
                "hasNextPage": has_next,
                "hasPreviousPage": has_previous,
                "startCursor": cursor(window.first()),
                "endCursor": cursor(window.last()),
            }),
            total_count,
            items: window.into_iter().map(|(_, view)| view).collect(),
        }
    }
}

/// One page of a list.
pub(super) struct Page {
    pub items: Vec<Json>,
    pub page_info: Json,
    pub total_count: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: u128) -> Vec<(Uuid, Json)> {
        (1..=n).map(|i| (Uuid::from_u128(i), json!(i))).collect()
    }

    fn page_of(query: &str, n: u128) -> (Vec<Json>, Json) {
        let page = Paging::parse(query, &[]).unwrap_or_else(|e| panic!("{e}")).page(ids(n));
        assert_eq!(page.total_count, n as usize);
        (page.items, page.page_info)
    }

    #[test]
    fn pages_forward_and_backward_by_item_id() {
        let (items, info) = page_of("limit=2", 5);
        assert_eq!(items, [json!(1), json!(2)]);
        assert_eq!(info["hasNextPage"], json!(true));
        assert_eq!(info["hasPreviousPage"], json!(false));
        assert_eq!(info["endCursor"], json!(Uuid::from_u128(2)));
        let (items, info) = page_of(&format!("limit=2&starting_after={}", Uuid::from_u128(4)), 5);
        assert_eq!(items, [json!(5)]);
        assert_eq!(
            (info["hasNextPage"].clone(), info["hasPreviousPage"].clone()),
            (json!(false), json!(true))
        );
        let (items, info) = page_of(&format!("limit=2&ending_before={}", Uuid::from_u128(4)), 5);
        assert_eq!(items, [json!(2), json!(3)]);
        assert_eq!(
            (info["hasNextPage"].clone(), info["hasPreviousPage"].clone()),
            (json!(true), json!(true))
        );
        let (items, info) = page_of(&format!("ending_before={}", Uuid::from_u128(2)), 5);
        assert_eq!(items, [json!(1)]);
        assert_eq!(info["hasPreviousPage"], json!(false));
        let (items, info) = page_of("", 3);
        assert_eq!(items.len(), 3);
        assert_eq!(info["hasNextPage"], json!(false));
    }

    #[test]
    fn an_unknown_cursor_gives_an_empty_page() {
        let (items, info) = page_of(&format!("starting_after={}", Uuid::from_u128(99)), 3);
        assert!(items.is_empty());
        assert_eq!(info["startCursor"], Json::Null);
    }

    #[test]
    fn bad_parameters_are_reported_together() {
        let err = Paging::parse("limit=-1&starting_after=x&ending_before=y&depth=1&limit=3", &[])
            .err()
            .unwrap_or_else(|| panic!("accepted"));
        let fields: Vec<&str> = err.details().iter().map(|d| d.field.as_str()).collect();
        assert_eq!(fields, ["limit", "starting_after", "ending_before", "depth", "limit"]);
        let both = format!("starting_after={}&ending_before={}", Uuid::nil(), Uuid::nil());
        assert!(Paging::parse(&both, &[]).is_err());
        assert_eq!(
            Paging::parse("limit=5000", &[]).map(|p| p.limit).ok(),
            Some(MAX_METADATA_PAGE)
        );
        let empty = Paging::parse("limit=&starting_after=", &[]).ok();
        assert_eq!(
            empty.map(|p| (p.limit, p.cursor)),
            Some((MAX_METADATA_PAGE, Cursor::None))
        );
    }
}
