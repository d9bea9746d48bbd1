//! Page requests (keyset with opaque cursors, or offset for REST) and the cursor format.

use crate::error::{DomainError, DomainResult};
use crate::query::order::OrderTerm;
use crate::value::{Value, parse_scalar};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value as Json;

/// The bounds of one list read: `DEFAULT_PAGE_SIZE`, `MAX_PAGE_SIZE` and `MAX_ORDER_KEYS` of the configuration.
#[derive(Debug, Clone, Copy)]
pub struct ReadLimits {
    pub default_size: u32,
    pub max_size: u32,
    /// Order keys one read may give (its `id` tie-breaker not counted).
    pub max_order_keys: usize,
}

impl Default for ReadLimits {
    fn default() -> Self {
        ReadLimits {
            default_size: 60,
            max_size: 200,
            max_order_keys: 8,
        }
    }
}

/// The client's paging arguments, as received.
#[derive(Debug, Clone, Default)]
pub struct PageArgs {
    pub first: Option<i64>,
    pub last: Option<i64>,
    pub after: Option<String>,
    pub before: Option<String>,
}

/// A validated page request. Cursor values are already decoded and typed against the order terms.
#[derive(Debug, Clone, PartialEq)]
pub enum Page {
    Forward { first: u32, after: Option<Vec<Value>> },
    Backward { last: u32, before: Option<Vec<Value>> },
    Offset { limit: u32, offset: u64 },
}

impl Page {
    pub fn from_args(args: &PageArgs, order: &[OrderTerm], limits: ReadLimits) -> DomainResult<Page> {
        let size = |n: i64, name: &str| -> DomainResult<u32> {
            if n < 0 {
                return Err(DomainError::invalid_field(name, "must not be negative"));
            }
            Ok(n.min(i64::from(limits.max_size)) as u32)
        };
        if args.first.is_some() && args.last.is_some() {
            return Err(DomainError::validation("Cannot provide both `first` and `last`"));
        }
        if args.after.is_some() && args.before.is_some() {
            return Err(DomainError::validation("Cannot provide both `after` and `before`"));
        }
        if args.first.is_some() && args.before.is_some() {
            return Err(DomainError::validation("`before` goes with `last`, not with `first`"));
        }
        if args.last.is_some() && args.after.is_some() {
            return Err(DomainError::validation("`after` goes with `first`, not with `last`"));
        }
        let decode = |c: &Option<String>, name: &str| c.as_deref().map(|c| decode_cursor(c, order, name)).transpose();
        if args.last.is_some() || args.before.is_some() {
            let last = args
                .last
                .map(|n| size(n, "last"))
                .transpose()?
                .unwrap_or(limits.default_size);
            return Ok(Page::Backward {
                last,
                before: decode(&args.before, "before")?,
            });
        }
        let first = args
            .first
            .map(|n| size(n, "first"))
            .transpose()?
            .unwrap_or(limits.default_size);
        Ok(Page::Forward {
            first,
            after: decode(&args.after, "after")?,
        })
    }

    /// Offset paging (REST): `limit` capped to the maximum, default when absent.
    pub fn offset(limit: Option<i64>, offset: Option<i64>, limits: ReadLimits) -> DomainResult<Page> {
        let limit = match limit {
            Some(n) if n < 0 => {
                return Err(DomainError::invalid_field("limit", "must not be negative"));
            }
            Some(n) => n.min(i64::from(limits.max_size)) as u32,
            None => limits.default_size,
        };
        let offset = match offset {
            Some(n) if n < 0 => {
                return Err(DomainError::invalid_field("offset", "must not be negative"));
            }
            Some(n) => n as u64,
            None => 0,
        };
        Ok(Page::Offset { limit, offset })
    }

    pub fn size(&self) -> u32 {
        match self {
            Page::Forward { first, .. } => *first,
            Page::Backward { last, .. } => *last,
            Page::Offset { limit, .. } => *limit,
        }
    }
}

fn decode_cursor(cursor: &str, order: &[OrderTerm], arg: &str) -> DomainResult<Vec<Value>> {
    let invalid = || DomainError::invalid_field(arg, "invalid cursor");
    let bytes = URL_SAFE_NO_PAD
        .decode(cursor.trim_end_matches('='))
        .map_err(|_| invalid())?;
    let Ok(Json::Array(items)) = serde_json::from_slice::<Json>(&bytes) else {
        return Err(invalid());
    };
    if items.len() != order.len() {
        return Err(invalid());
    }
    let values = items
        .iter()
        .zip(order)
        .map(|(item, term)| parse_scalar(term.column.kind, item).map_err(|_| invalid()))
        .collect::<DomainResult<Vec<_>>>()?;
    // The last term is always `id`, which is never null.
    if values.last().is_none_or(Value::is_null) {
        return Err(invalid());
    }
    Ok(values)
}
