//! Fuzzes the REST list query-string parser (`twenty_api_rest::query::parse_list_query`) on the company, person
//! and all-types objects, then what the list handler does with a parsed query: the domain's
//! `ConnectionQuery::from_input`, offset paging, and SQL compilation. Errors are expected; panics are findings.

#![no_main]

use libfuzzer_sys::fuzz_target;
use twenty_api_rest::query::parse_list_query;
use twenty_domain::query::{ConnectionQuery, Page, PageArgs, ReadLimits};
use twenty_fuzz::{compile, objects, workspace};

fuzz_target!(|data: &[u8]| {
    // A query string reaches the parser as text (actix hands the raw, still percent-encoded, &str).
    let Ok(query) = std::str::from_utf8(data) else {
        return;
    };
    let limits = ReadLimits::default();
    for object in objects() {
        let params = match parse_list_query(object, query) {
            Ok(params) => params,
            Err(e) => {
                std::hint::black_box(e.to_string());
                continue;
            }
        };
        let built = ConnectionQuery::from_input(
            workspace(),
            object,
            params.filter.as_ref(),
            params.order.as_ref(),
            &PageArgs::default(),
            limits,
        )
        .and_then(|query| Ok((query, Page::offset(params.limit, params.offset, limits)?)));
        if let Ok((mut query, page)) = built {
            query.page = page;
            compile(object, query);
        }
    }
});
