//! [`tx`]: the one way storage opens a transaction. Inside, database errors convert to domain errors through
//! [`TxError`]; what comes out is a [`DomainResult`].

use crate::error::TxError;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use std::future::Future;
use twenty_domain::error::DomainResult;

/// The body of a transaction: an async closure over the connection whose future is `Send`. Stable Rust cannot
/// put `Send` on an `AsyncFnOnce`'s future directly, hence this trait (the bound diesel-async's `transaction` asks).
pub(crate) trait TxBody<'conn, R>:
    AsyncFnOnce(&'conn mut AsyncPgConnection) -> Result<R, TxError>
    + FnOnce(&'conn mut AsyncPgConnection) -> <Self as TxBody<'conn, R>>::Future
{
    type Future: Future<Output = Result<R, TxError>> + Send;
}

impl<'conn, R, F, Fut> TxBody<'conn, R> for F
where
    F: AsyncFnOnce(&'conn mut AsyncPgConnection) -> Result<R, TxError> + FnOnce(&'conn mut AsyncPgConnection) -> Fut,
    Fut: Future<Output = Result<R, TxError>> + Send,
{
    type Future = Fut;
}

/// Runs `body` in a transaction (a savepoint when the connection is already in one): all of it commits or none.
pub(crate) async fn tx<R, F>(conn: &mut AsyncPgConnection, body: F) -> DomainResult<R>
where
    R: Send,
    F: for<'conn> TxBody<'conn, R> + Send,
{
    Ok(conn.transaction::<R, TxError, _>(body).await?)
}
