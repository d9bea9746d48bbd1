//! `twenty-api-graphql`: the GraphQL APIs. So far it owns the GraphQL error shape of contract §3, used for
//! authentication and rate-limit failures on `/graphql` and `/metadata`.

pub mod error;
