//! The server on a PostgreSQL that accepts TLS connections only: `migrate`, the pool and the `LISTEN` connection
//! all connect with `sslmode=verify-full`; a certificate the server cannot verify stops it at start.

use super::wait_until_live;
use crate::support::SECRET;
use crate::support::binary::{post_json, serve_on};
use diesel::QueryableByName;
use diesel::sql_types::BigInt;
use diesel_async::RunQueryDsl;
use serde_json::json;
use std::process::Command;
use test_support::tls::TlsCluster;

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[tokio::test]
async fn the_server_migrates_serves_and_listens_over_verify_full() {
    let pg = TlsCluster::start();
    let params = format!("sslmode=verify-full&sslrootcert={}", pg.ca.display());
    twenty_storage::db::ensure_database(&pg.url("localhost", &params), "crm")
        .await
        .unwrap();
    let server = serve_on(&pg.url_of("crm", "localhost", &params), &[]);
    wait_until_live(server.port);
    let signed_up = post_json(
        server.port,
        "/auth/signup",
        &json!({"email": "tls@example.com", "password": crate::support::PASSWORD, "workspaceName": "Acme"}),
    );
    assert_eq!(signed_up.status, 201, "{}", signed_up.body);

    // Every session of the server on its database is encrypted, the listening one included.
    let admin = twenty_storage::Target::parse(&pg.url("127.0.0.1", "sslmode=require")).unwrap();
    let mut conn = admin.establish().await.unwrap();
    let count = |sql: &'static str| diesel::sql_query(sql);
    let sessions: Count = count(
        "SELECT count(*) AS n FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid) \
         WHERE a.datname = 'crm' AND s.ssl",
    )
    .get_result(&mut conn)
    .await
    .unwrap();
    let plain: Count = count(
        "SELECT count(*) AS n FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid) \
         WHERE a.datname = 'crm' AND NOT s.ssl",
    )
    .get_result(&mut conn)
    .await
    .unwrap();
    assert_eq!(twenty_storage::changes::APPLICATION_NAME, "twenty-change-feed");
    let listening: Count = count(
        "SELECT count(*) AS n FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid) \
         WHERE a.datname = 'crm' AND s.ssl AND a.application_name = 'twenty-change-feed'",
    )
    .get_result(&mut conn)
    .await
    .unwrap();
    assert!(sessions.n >= 2, "pooled and listening sessions: {}", sessions.n);
    assert_eq!(plain.n, 0);
    assert_eq!(listening.n, 1, "the LISTEN connection is encrypted");
}

#[tokio::test]
async fn a_certificate_the_server_cannot_verify_is_exit_1_after_the_retries_with_the_reason() {
    let pg = TlsCluster::start();
    let url = pg.url(
        "localhost",
        &format!("sslmode=verify-full&sslrootcert={}", pg.wrong_ca.display()),
    );
    let out = Command::new(env!("CARGO_BIN_EXE_twenty-server"))
        .arg("serve")
        .env("DATABASE_URL", &url)
        .env("APP_SECRET", SECRET)
        .env("DB_CONNECT_RETRY_SECS", "1")
        .env("PORT", test_support::free_port().to_string())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("UnknownIssuer"), "{stderr}");
}
