//! Record queries: filter, order, page and selection, validated against metadata before storage sees them.

pub mod connection;
pub mod filter;
pub mod input;
pub mod order;
pub mod page;
pub mod selection;

use crate::error::DomainResult;
use crate::metadata::{ObjectId, ObjectMetadata, WorkspaceMetadata};
pub use connection::Connection;
pub use filter::{Comparison, Filter};
pub use input::InputValue;
pub use order::{OrderTerm, SortDirection, parse_order};
pub use page::{Page, PageArgs, ReadLimits};
pub use selection::{Selection, SelectionItem};

/// One list read: the records of `object_id` matching `filter`, in `order`, one `page` of them, each shaped by
/// `node`; `total_count` asks for the number of all matching records, `cursors` for which cursors (see
/// [`Cursors`]), `page_info` for `pageInfo`. Storage answers it with one statement and computes only what was asked
/// for.
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectionQuery {
    pub object_id: ObjectId,
    pub filter: Option<Filter>,
    pub order: Vec<OrderTerm>,
    pub page: Page,
    pub node: Selection,
    pub total_count: bool,
    pub cursors: Cursors,
    pub page_info: bool,
}

/// The cursors a connection carries: none, only `pageInfo`'s start and end cursors (a list answer that pages on
/// with them), or every edge's cursor as well.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cursors {
    None,
    Ends,
    Every,
}

impl ConnectionQuery {
    /// Builds a query from the adapters' filter and order arguments, reporting every problem of both at once.
    pub fn from_input(
        meta: &WorkspaceMetadata,
        object: &ObjectMetadata,
        filter: Option<&InputValue>,
        order_by: Option<&InputValue>,
        page: &PageArgs,
        limits: ReadLimits,
    ) -> DomainResult<ConnectionQuery> {
        let mut problems = crate::error::Problems::new();
        let filter = match filter.filter(|f| !f.is_null()) {
            Some(input) => match Filter::resolve(meta, object, input) {
                Ok(f) => Some(f),
                Err(e) => {
                    problems.absorb("", e);
                    None
                }
            },
            None => None,
        };
        let order = match parse_order(object, order_by, limits.max_order_keys) {
            Ok(o) => o,
            Err(e) => {
                problems.absorb("", e);
                Vec::new()
            }
        };
        problems.finish(())?;
        let page = Page::from_args(page, &order, limits)?;
        Ok(ConnectionQuery::new(object, filter, order, page))
    }

    /// A query over the records of an object matching `filter` (all without one), in the default order, one
    /// `page` of them.
    pub fn in_default_order(object: &ObjectMetadata, filter: Option<Filter>, page: Page) -> ConnectionQuery {
        ConnectionQuery::new(object, filter, order::finish_order(object, Vec::new()), page)
    }

    /// The query of `object`'s records matching `filter` in `order` (already finished with its tie-breaker),
    /// one `page` of them, with cursors and `pageInfo` and nothing selected yet.
    pub fn new(object: &ObjectMetadata, filter: Option<Filter>, order: Vec<OrderTerm>, page: Page) -> ConnectionQuery {
        ConnectionQuery {
            object_id: object.id,
            filter,
            order,
            page,
            node: Selection::new(),
            total_count: false,
            cursors: Cursors::Every,
            page_info: true,
        }
    }

    pub fn with_node(mut self, node: Selection) -> Self {
        self.node = node;
        self
    }

    pub fn with_total_count(mut self, total_count: bool) -> Self {
        self.total_count = total_count;
        self
    }

    /// Which parts of the connection besides the nodes are needed (every cursor and `pageInfo` by default).
    pub fn with_parts(mut self, cursors: Cursors, page_info: bool) -> Self {
        self.cursors = cursors;
        self.page_info = page_info;
        self
    }
}
