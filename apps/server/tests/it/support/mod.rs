//! The harness of the server tests: the in-process app ([`app::TestApp`]) most tests use, the real binary
//! ([`binary::Server`]) for what needs a process of its own, the responses both give ([`response`]) and a parser of
//! their `/metrics` ([`metrics`]).

pub mod app;
pub mod binary;
pub mod metrics;
pub mod response;

pub use app::TestApp;
pub use response::{Gql, Response, items, node_texts, node_where, nodes, texts};
pub use test_support::{TEST_APP_SECRET as SECRET, TEST_PASSWORD as PASSWORD};

/// `text` percent-encoded for a URL's query string: every byte but ASCII letters and digits.
pub fn encode(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
}
