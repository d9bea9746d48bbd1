//! Lists of the metadata API as connections: the whole list in one page, cursors are positions. One macro
//! declares each connection and edge type and builds it from the list.

use juniper::{DefaultScalarValue as S, GraphQLInputObject, GraphQLObject};

#[derive(GraphQLObject, Clone)]
#[graphql(name = "PageInfo", scalar = S)]
pub struct PageInfo {
    has_next_page: bool,
    has_previous_page: bool,
    start_cursor: Option<String>,
    end_cursor: Option<String>,
}

impl PageInfo {
    /// The page info of a whole list of `count` items.
    pub(super) fn whole_list(count: usize) -> PageInfo {
        PageInfo {
            has_next_page: false,
            has_previous_page: false,
            start_cursor: (count > 0).then(|| "0".to_string()),
            end_cursor: count.checked_sub(1).map(|n| n.to_string()),
        }
    }
}

#[derive(GraphQLInputObject)]
#[graphql(scalar = S)]
pub struct CursorPaging {
    pub(super) first: Option<i32>,
    pub(super) after: Option<String>,
    pub(super) last: Option<i32>,
    pub(super) before: Option<String>,
}

/// How many items a list keeps: `paging.first` (at least 0), or all.
pub(super) fn first_of(paging: Option<CursorPaging>) -> usize {
    paging
        .and_then(|p| p.first)
        .map_or(usize::MAX, |first| first.max(0) as usize)
}

/// Declares `$connection { edges: [$edge], pageInfo, totalCount }` and `$edge { node: $node, cursor }`, and builds
/// the connection from a whole list of nodes (`From<Vec<$node>>`).
macro_rules! connection {
    ($connection:ident, $edge:ident, $node:ty) => {
        #[derive(juniper::GraphQLObject, Clone)]
        #[graphql(scalar = juniper::DefaultScalarValue)]
        pub struct $edge {
            node: $node,
            cursor: String,
        }

        #[derive(juniper::GraphQLObject, Clone)]
        #[graphql(scalar = juniper::DefaultScalarValue)]
        pub struct $connection {
            edges: Vec<$edge>,
            page_info: $crate::metadata::connection::PageInfo,
            total_count: i32,
        }

        impl From<Vec<$node>> for $connection {
            fn from(nodes: Vec<$node>) -> Self {
                let count = nodes.len();
                $connection {
                    edges: nodes
                        .into_iter()
                        .enumerate()
                        .map(|(i, node)| $edge {
                            node,
                            cursor: i.to_string(),
                        })
                        .collect(),
                    page_info: $crate::metadata::connection::PageInfo::whole_list(count),
                    total_count: count as i32,
                }
            }
        }
    };
}
pub(super) use connection;
