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
