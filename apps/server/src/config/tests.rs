//! Unit tests of `config`.

use super::*;
use std::collections::HashMap;

fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    Config::from_lookup(|k| map.get(k).cloned())
}

#[test]
fn defaults_follow_the_contract() {
    let c = config(&[]).unwrap();
    assert_eq!((c.host.as_str(), c.port), ("127.0.0.1", 3000));
    assert_eq!(c.access_token_ttl.as_secs(), 1800);
    assert_eq!((c.default_page_size, c.max_page_size), (60, 200));
    assert_eq!(
        (c.rate_limit_graphql, c.rate_limit_rest, c.rate_limit_metadata),
        (100, 200, 50)
    );
    assert!(c.database_url.is_none());
}

#[test]
fn each_bad_value_names_its_variable() {
    for (var, value) in [
        ("PORT", "abc"),
        ("PORT", "70000"),
        ("APP_SECRET", "short"),
        ("BCRYPT_COST", "3"),
        ("SIGN_UP_DISABLED", "maybe"),
        ("LOG_FORMAT", "xml"),
        ("MAX_PAGE_SIZE", "-1"),
        ("WEBHOOK_TIMEOUT_SECS", "0"),
    ] {
        let err = config(&[(var, value)]).unwrap_err();
        assert_eq!(err.variable, var);
        assert!(!err.to_string().contains('\n'));
    }
    assert_eq!(
        config(&[("DEFAULT_PAGE_SIZE", "300")]).unwrap_err().variable,
        "DEFAULT_PAGE_SIZE"
    );
}

#[test]
fn twentys_variable_names_are_read_and_ours_win() {
    let c = config(&[("IS_SIGN_UP_DISABLED", "true"), ("ACCESS_TOKEN_EXPIRES_IN", "30m")]).unwrap();
    assert!(c.sign_up_disabled);
    assert_eq!(c.access_token_ttl.as_secs(), 1800);
    let c = config(&[("REFRESH_TOKEN_EXPIRES_IN", "60d"), ("ACCESS_TOKEN_EXPIRES_IN", "2h")]).unwrap();
    assert_eq!(
        (c.refresh_token_ttl.as_secs(), c.access_token_ttl.as_secs()),
        (5_184_000, 7200)
    );
    let c = config(&[
        ("SIGN_UP_DISABLED", "false"),
        ("IS_SIGN_UP_DISABLED", "true"),
        ("ACCESS_TOKEN_TTL_SECS", "60"),
        ("ACCESS_TOKEN_EXPIRES_IN", "2h"),
    ])
    .unwrap();
    assert!(!c.sign_up_disabled);
    assert_eq!(c.access_token_ttl.as_secs(), 60);
    for bad in ["30 minutes", "0m", "-5m", "m"] {
        let err = config(&[("ACCESS_TOKEN_EXPIRES_IN", bad)]).unwrap_err();
        assert_eq!(err.variable, "ACCESS_TOKEN_EXPIRES_IN", "{bad}");
    }
    assert_eq!(
        config(&[("IS_SIGN_UP_DISABLED", "maybe")]).unwrap_err().variable,
        "IS_SIGN_UP_DISABLED"
    );
}

#[test]
fn every_variable_is_in_the_example_file() {
    let example = include_str!("../../../../.env.example");
    for (name, _) in config(&[]).unwrap().describe() {
        assert!(
            example.contains(&format!("{name}=")),
            "{name} is missing from .env.example"
        );
    }
}

#[test]
fn libpq_tls_variables_apply_where_the_url_has_none_and_bad_modes_are_refused_at_start() {
    let c = config(&[("DATABASE_URL", "postgres://u@h/db"), ("PGSSLMODE", "require")]).unwrap();
    assert_eq!(
        c.database_url.as_ref().map(Secret::expose),
        Some("postgres://u@h/db?sslmode=require")
    );
    let c = config(&[
        ("DATABASE_URL", "postgres://u@h/db?sslmode=disable"),
        ("PGSSLMODE", "require"),
    ])
    .unwrap();
    assert_eq!(
        c.database_url.as_ref().map(Secret::expose),
        Some("postgres://u@h/db?sslmode=disable"),
        "the URL's own sslmode wins"
    );
    let err = config(&[("DATABASE_URL", "postgres://u:pw@h/db?sslmode=verify-everything")]).unwrap_err();
    assert_eq!(err.variable, "DATABASE_URL");
    assert!(
        err.message.contains("sslmode=verify-everything is not supported"),
        "{}",
        err.message
    );
    assert!(!err.message.contains("pw"), "the password is not echoed");
    let err = config(&[
        ("DATABASE_URL", "postgres://u@h/db"),
        ("PGSSLMODE", "verify-full"),
        ("PGSSLROOTCERT", "/nonexistent/ca.pem"),
    ])
    .unwrap_err();
    assert!(err.message.contains("/nonexistent/ca.pem"), "{}", err.message);
}

#[test]
fn rest_response_format_is_reference_or_twenty() {
    assert_eq!(config(&[]).unwrap().rest_response_format, ResponseFormat::Reference);
    let c = config(&[("REST_RESPONSE_FORMAT", "twenty")]).unwrap();
    assert_eq!(c.rest_response_format, ResponseFormat::Twenty);
    let err = config(&[("REST_RESPONSE_FORMAT", "graphql")]).unwrap_err();
    assert_eq!(err.variable, "REST_RESPONSE_FORMAT");
}

#[test]
fn server_url_and_metrics_addr_are_checked() {
    let c = config(&[
        ("SERVER_URL", "https://crm.example.com/"),
        ("METRICS_ADDR", "127.0.0.1:9464"),
    ])
    .unwrap();
    assert_eq!(c.server_url.as_deref(), Some("https://crm.example.com"));
    assert_eq!(c.metrics_addr.map(|a| a.port()), Some(9464));
    assert_eq!(
        config(&[("SERVER_URL", "crm.example.com")]).unwrap_err().variable,
        "SERVER_URL"
    );
    assert_eq!(
        config(&[("METRICS_ADDR", "9464")]).unwrap_err().variable,
        "METRICS_ADDR"
    );
}

#[test]
fn cors_origins_are_any_or_a_list_of_origins() {
    assert_eq!(config(&[]).unwrap().cors_origins, None);
    assert_eq!(config(&[("CORS_ORIGINS", "*")]).unwrap().cors_origins, None);
    let c = config(&[("CORS_ORIGINS", "https://a.example.com, http://localhost:3001/")]).unwrap();
    assert_eq!(
        c.cors_origins,
        Some(vec![
            "https://a.example.com".to_string(),
            "http://localhost:3001".to_string()
        ])
    );
    for bad in ["a.example.com", "https://a.example.com/path"] {
        assert_eq!(
            config(&[("CORS_ORIGINS", bad)]).unwrap_err().variable,
            "CORS_ORIGINS",
            "{bad}"
        );
    }
}

#[test]
fn redis_url_is_unset_by_default_checked_and_redacted() {
    assert!(config(&[]).unwrap().redis_url.is_none());
    let url = "redis://:hunter2@cache.internal:6380/2";
    assert_secret_kept_and_hidden(("REDIS_URL", url), "hunter2", |c| &c.redis_url);
    assert!(
        config(&[("REDIS_URL", "unix:///run/redis.sock")])
            .unwrap()
            .redis_url
            .is_some()
    );
    for bad in [
        "cache.internal:6379",
        "http://cache.internal",
        "redis://:hunter2@cache.internal/not-a-db",
        "rediss://:hunter2@cache.internal",
    ] {
        let err = config(&[("REDIS_URL", bad)]).unwrap_err();
        assert_eq!(err.variable, "REDIS_URL", "{bad}");
        let line = err.to_string();
        assert!(!line.contains('\n') && !line.contains("hunter2"), "{line}");
    }
    assert!(
        config(&[("REDIS_URL", "rediss://cache.internal")])
            .unwrap_err()
            .message
            .contains("TLS")
    );
}

#[test]
fn pg_database_url_is_an_alias_and_secrets_are_redacted() {
    assert_secret_kept_and_hidden(("PG_DATABASE_URL", "postgres://u:pw@h/db"), "pw", |c| &c.database_url);
}

/// The value of `variable`, read into `secret`, is kept as given, and its `hidden` part is in neither the
/// configuration's `Debug` form nor the lines of `twenty-server config`.
fn assert_secret_kept_and_hidden(
    (variable, value): (&str, &str),
    hidden: &str,
    secret: impl Fn(&Config) -> &Option<Secret>,
) {
    let c = config(&[(variable, value)]).unwrap();
    assert_eq!(secret(&c).as_ref().map(Secret::expose), Some(value));
    let printed = format!("{:?} {:?}", c, c.describe());
    assert!(!printed.contains(hidden), "{printed}");
}
