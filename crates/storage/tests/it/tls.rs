//! TLS to PostgreSQL with libpq's `sslmode` rules, against a local cluster that accepts TLS connections only and
//! whose certificate (for `localhost`) was signed by a CA the test made.

use diesel::QueryableByName;
use diesel::sql_types::Bool;
use diesel_async::RunQueryDsl;
use test_support::tls::TlsCluster;
use twenty_storage::Target;

#[derive(QueryableByName)]
struct Encrypted {
    #[diesel(sql_type = Bool)]
    ssl: bool,
}

/// Connects with `url`: whether the session is encrypted, or the connection error.
async fn connect(url: &str) -> Result<bool, String> {
    let target = Target::parse(url).map_err(|e| e.to_string())?;
    let mut conn = target.establish().await.map_err(|e| e.to_string())?;
    let row: Encrypted = diesel::sql_query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        .get_result(&mut conn)
        .await
        .map_err(|e| e.to_string())?;
    Ok(row.ssl)
}

#[tokio::test]
async fn connections_follow_libpq_sslmode_rules() {
    let pg = TlsCluster::start();
    let ca = pg.ca.display().to_string();
    let wrong_ca = pg.wrong_ca.display().to_string();

    // require: encrypted, the certificate is not checked (libpq's rule without sslrootcert).
    assert_eq!(
        connect(&pg.url("127.0.0.1", "sslmode=require")).await,
        Ok(true),
        "require"
    );
    // prefer (the default) encrypts when the server offers it.
    assert_eq!(connect(&pg.url("127.0.0.1", "")).await, Ok(true), "prefer by default");

    // verify-full: the chain leads to the CA and the name matches.
    let full = |host: &str, root: &str| pg.url(host, &format!("sslmode=verify-full&sslrootcert={root}"));
    assert_eq!(connect(&full("localhost", &ca)).await, Ok(true), "verify-full");

    // A wrong CA is refused, by verify-full and verify-ca, and by require given that root (libpq checks the chain).
    for mode in ["verify-full", "verify-ca", "require"] {
        let url = pg.url("localhost", &format!("sslmode={mode}&sslrootcert={wrong_ca}"));
        let err = connect(&url).await.expect_err(mode);
        assert!(
            err.contains("certificate") && err.contains("UnknownIssuer"),
            "{mode} with a wrong CA: {err}"
        );
    }
    // The system roots do not know the test CA either.
    let err = connect(&pg.url("localhost", "sslmode=verify-full"))
        .await
        .expect_err("system roots");
    assert!(err.contains("UnknownIssuer"), "{err}");

    // The name is checked by verify-full only.
    let err = connect(&full("127.0.0.1", &ca)).await.expect_err("name mismatch");
    assert!(
        err.contains("not valid for name"),
        "verify-full to an address not in the certificate: {err}"
    );
    let ca_only = pg.url("127.0.0.1", &format!("sslmode=verify-ca&sslrootcert={ca}"));
    assert_eq!(connect(&ca_only).await, Ok(true), "verify-ca ignores the name");

    // A TLS-only server refuses sslmode=disable, and says why.
    let err = connect(&pg.url("127.0.0.1", "sslmode=disable"))
        .await
        .expect_err("disable");
    assert!(
        err.contains("no encryption"),
        "disable against a TLS-only server: {err}"
    );
}

#[tokio::test]
async fn migrations_the_pool_and_the_listening_connection_use_tls() {
    let pg = TlsCluster::start();
    let params = format!("sslmode=verify-full&sslrootcert={}", pg.ca.display());
    let url = pg.url("localhost", &params);
    twenty_storage::db::ensure_database(&url, "crm").await.unwrap();
    let crm = pg.url_of("crm", "localhost", &params);
    assert!(twenty_storage::run_migrations(&crm, false).await.unwrap() > 0);

    let pool = twenty_storage::build_pool(&crm, &Default::default()).unwrap();
    let mut conn = pool.get().await.unwrap();
    let row: Encrypted = diesel::sql_query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        .get_result(&mut conn)
        .await
        .unwrap();
    assert!(row.ssl, "pooled connections are encrypted");
    drop(conn);

    let store = twenty_storage::PgStore::new(pool.clone());
    let _listening = store.listen_for_changes(&crm);
    let mut listening = false;
    for _ in 0..100 {
        if store.serving_from_memory() {
            listening = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(listening, "the LISTEN connection came up over TLS");
}
