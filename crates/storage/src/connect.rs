//! Opening connections to PostgreSQL, with libpq's TLS rules (contract §9): `sslmode` (`disable`, `prefer` — the
//! default —, `require`, `verify-ca`, `verify-full`) and `sslrootcert` (a PEM file, or `system`) in the connection
//! string, over rustls. The pool, `migrate` and the `LISTEN` connection all connect through [`Target::establish`].
//!
//! As in libpq, `prefer` and `require` encrypt without checking who answers — except that `require` with an
//! `sslrootcert` checks the chain like `verify-ca`; `verify-ca` checks the chain, `verify-full` the chain and the host
//! name. The roots are `sslrootcert`'s certificates, or the system's when it is unset or `system`.

use crate::error::StorageError;
use diesel::ConnectionError;
use diesel_async::AsyncPgConnection;
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme};
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use tokio_postgres_rustls::MakeRustlsConnect;

/// libpq's `sslmode` values this server implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl SslMode {
    pub const NAMES: &'static str = "disable, prefer, require, verify-ca, verify-full";

    pub fn parse(value: &str) -> Option<SslMode> {
        Some(match value {
            "disable" => SslMode::Disable,
            "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            _ => return None,
        })
    }
}

/// Where the trusted roots come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RootCert {
    System,
    File(PathBuf),
}

/// A parsed connection string: where to connect, and how to secure the connection.
#[derive(Clone)]
pub struct Target {
    config: tokio_postgres::Config,
    mode: SslMode,
    tls: MakeRustlsConnect,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("sslmode", &self.mode)
            .finish_non_exhaustive()
    }
}

impl Target {
    /// Parses a URL (`postgres://…?sslmode=…`) or a key/value string (`host=… sslmode=…`) and loads the roots it
    /// names. `PGSSLMODE` / `PGSSLROOTCERT`-style defaults are applied by the caller with [`with_ssl_defaults`].
    pub fn parse(url: &str) -> Result<Target, StorageError> {
        let (rest, ssl) = split_ssl_parameters(url)?;
        let mut config = tokio_postgres::Config::from_str(&rest)
            .map_err(|e| StorageError::InvalidUrl(format!("the database URL is not valid: {e}")))?;
        let mode = match &ssl.mode {
            None => SslMode::Prefer,
            Some(value) => SslMode::parse(value).ok_or_else(|| {
                StorageError::InvalidUrl(format!(
                    "sslmode={value} is not supported; use one of {}",
                    SslMode::NAMES
                ))
            })?,
        };
        let root = ssl.root_cert.map(|value| match value.as_str() {
            "system" => RootCert::System,
            path => RootCert::File(PathBuf::from(path)),
        });
        config.ssl_mode(match mode {
            SslMode::Disable => tokio_postgres::config::SslMode::Disable,
            SslMode::Prefer => tokio_postgres::config::SslMode::Prefer,
            _ => tokio_postgres::config::SslMode::Require,
        });
        let tls = MakeRustlsConnect::new(client_config(mode, root.as_ref())?);
        Ok(Target { config, mode, tls })
    }

    pub fn ssl_mode(&self) -> SslMode {
        self.mode
    }

    /// Opens one connection.
    pub async fn establish(&self) -> Result<AsyncPgConnection, ConnectionError> {
        let (client, connection) = self
            .config
            .connect(self.tls.clone())
            .await
            .map_err(|e| ConnectionError::BadConnection(error_chain(&e)))?;
        AsyncPgConnection::try_from_client_and_connection(client, connection).await
    }
}

/// `url` with `sslmode` / `sslrootcert` added where it has none: how libpq applies `PGSSLMODE` and
/// `PGSSLROOTCERT`. The values are checked when the result is parsed.
pub fn with_ssl_defaults(url: &str, mode: Option<&str>, root_cert: Option<&str>) -> String {
    let Ok((_, present)) = split_ssl_parameters(url) else {
        return url.to_string();
    };
    let mut missing = Vec::new();
    if let (None, Some(mode)) = (&present.mode, mode) {
        missing.push(("sslmode", mode));
    }
    if let (None, Some(root)) = (&present.root_cert, root_cert) {
        missing.push(("sslrootcert", root));
    }
    let mut out = url.to_string();
    for (key, value) in missing {
        if is_url(url) {
            let encoded = percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC);
            out.push(if out.contains('?') { '&' } else { '?' });
            out.push_str(&format!("{key}={encoded}"));
        } else {
            let quoted = value.replace('\\', "\\\\").replace('\'', "\\'");
            out.push_str(&format!(" {key}='{quoted}'"));
        }
    }
    out
}

/// The TLS parameters of a connection string, taken out of it (tokio-postgres knows neither `sslrootcert` nor the
/// `verify-*` modes).
#[derive(Debug, Default, PartialEq, Eq)]
struct SslParameters {
    mode: Option<String>,
    root_cert: Option<String>,
}

fn is_url(s: &str) -> bool {
    s.starts_with("postgres://") || s.starts_with("postgresql://")
}

fn split_ssl_parameters(s: &str) -> Result<(String, SslParameters), StorageError> {
    let mut ssl = SslParameters::default();
    if is_url(s) {
        let Some((base, query)) = s.split_once('?') else {
            return Ok((s.to_string(), ssl));
        };
        let mut kept = Vec::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let decode = || {
                percent_encoding::percent_decode_str(value)
                    .decode_utf8()
                    .map(|v| v.into_owned())
                    .map_err(|_| StorageError::InvalidUrl(format!("the database URL's `{key}` is not UTF-8")))
            };
            match key {
                "sslmode" => ssl.mode = Some(decode()?),
                "sslrootcert" => ssl.root_cert = Some(decode()?),
                _ => kept.push(pair),
            }
        }
        let rest = if kept.is_empty() {
            base.to_string()
        } else {
            format!("{base}?{}", kept.join("&"))
        };
        return Ok((rest, ssl));
    }
    let mut kept = Vec::new();
    for (key, value) in key_value_pairs(s)? {
        match key.as_str() {
            "sslmode" => ssl.mode = Some(value),
            "sslrootcert" => ssl.root_cert = Some(value),
            _ => {
                let quoted = value.replace('\\', "\\\\").replace('\'', "\\'");
                kept.push(format!("{key}='{quoted}'"));
            }
        }
    }
    Ok((kept.join(" "), ssl))
}

/// libpq's `key=value` form: values may be single-quoted, with `\` escaping the next character.
fn key_value_pairs(s: &str) -> Result<Vec<(String, String)>, StorageError> {
    let invalid = |why: &str| StorageError::InvalidUrl(format!("the database connection string is not valid: {why}"));
    let mut pairs = Vec::new();
    let mut chars = s.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        if chars.peek().is_none() {
            return Ok(pairs);
        }
        let mut key = String::new();
        while let Some(c) = chars.next_if(|c| *c != '=' && !c.is_whitespace()) {
            key.push(c);
        }
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        if chars.next() != Some('=') {
            return Err(invalid(&format!("`{key}` has no value")));
        }
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let mut value = String::new();
        if chars.next_if_eq(&'\'').is_some() {
            loop {
                match chars.next() {
                    Some('\'') => break,
                    Some('\\') => value.extend(chars.next()),
                    Some(c) => value.push(c),
                    None => return Err(invalid("a quoted value is not closed")),
                }
            }
        } else {
            while let Some(c) = chars.next_if(|c| !c.is_whitespace()) {
                if c == '\\' {
                    value.extend(chars.next());
                } else {
                    value.push(c);
                }
            }
        }
        pairs.push((key, value));
    }
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn client_config(mode: SslMode, root: Option<&RootCert>) -> Result<rustls::ClientConfig, StorageError> {
    let provider = provider();
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| StorageError::InvalidUrl(format!("TLS: {e}")))?;
    let algorithms = provider.signature_verification_algorithms;
    let verifier: Arc<dyn ServerCertVerifier> = match (mode, root) {
        (SslMode::Disable | SslMode::Prefer, _) | (SslMode::Require, None) => Arc::new(Relaxed {
            chain: None,
            algorithms,
        }),
        (SslMode::Require | SslMode::VerifyCa, _) => Arc::new(Relaxed {
            chain: Some(web_pki(root, provider)?),
            algorithms,
        }),
        (SslMode::VerifyFull, _) => web_pki(root, provider)?,
    };
    Ok(builder
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth())
}

fn web_pki(root: Option<&RootCert>, provider: Arc<CryptoProvider>) -> Result<Arc<WebPkiServerVerifier>, StorageError> {
    let mut roots = RootCertStore::empty();
    match root {
        Some(RootCert::File(path)) => {
            let unreadable =
                |e: &dyn std::fmt::Display| StorageError::InvalidUrl(format!("sslrootcert {}: {e}", path.display()));
            let certs = CertificateDer::pem_file_iter(path)
                .map_err(|e| unreadable(&e))?
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| unreadable(&e))?;
            let (added, _ignored) = roots.add_parsable_certificates(certs);
            if added == 0 {
                return Err(unreadable(&"no certificate in the file"));
            }
        }
        Some(RootCert::System) | None => {
            let found = rustls_native_certs::load_native_certs();
            roots.add_parsable_certificates(found.certs);
            if roots.is_empty() {
                return Err(StorageError::InvalidUrl(
                    "sslmode=verify-* needs trusted roots: the system has none; give sslrootcert=PATH".into(),
                ));
            }
        }
    }
    WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
        .build()
        .map_err(|e| StorageError::InvalidUrl(format!("TLS: {e}")))
}

/// Every mode below `verify-full`: encrypted, with the certificate checked no further than libpq does. Without
/// `chain` (`prefer`, and `require` without roots) whoever answers is accepted; with it (`verify-ca`, and `require`
/// with an `sslrootcert`) the chain must lead to a trusted root, but the host name is not compared. The handshake
/// signatures are always checked, so the peer holds the key of the certificate it shows.
#[derive(Debug)]
struct Relaxed {
    chain: Option<Arc<WebPkiServerVerifier>>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for Relaxed {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let Some(chain) = &self.chain else {
            return Ok(ServerCertVerified::assertion());
        };
        match chain.verify_server_cert(end_entity, intermediates, server_name, ocsp, now) {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// An error with its causes: tokio-postgres's own text for a TLS failure is only "error performing TLS handshake".
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(s: &str) -> (String, SslParameters) {
        split_ssl_parameters(s).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn ssl_parameters_are_taken_out_of_a_url_and_the_rest_is_kept() {
        let (rest, ssl) = split(
            "postgres://u:p@db.example.com:5433/crm?sslmode=verify-full&application_name=x&sslrootcert=%2Fetc%2Fca.pem",
        );
        assert_eq!(rest, "postgres://u:p@db.example.com:5433/crm?application_name=x");
        assert_eq!(ssl.mode.as_deref(), Some("verify-full"));
        assert_eq!(ssl.root_cert.as_deref(), Some("/etc/ca.pem"));
        let (rest, ssl) = split("postgresql://u@h/db?sslmode=require");
        assert_eq!(rest, "postgresql://u@h/db");
        assert_eq!(ssl.mode.as_deref(), Some("require"));
        assert_eq!(split("postgres://u@h/db").1, SslParameters::default());
    }

    #[test]
    fn ssl_parameters_are_taken_out_of_a_key_value_string() {
        let (rest, ssl) = split("host=db port=5433 sslmode=verify-ca sslrootcert='/a b/ca.pem' password='it\\'s'");
        assert_eq!(ssl.mode.as_deref(), Some("verify-ca"));
        assert_eq!(ssl.root_cert.as_deref(), Some("/a b/ca.pem"));
        let config = tokio_postgres::Config::from_str(&rest).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(config.get_password(), Some(&b"it's"[..]));
        assert_eq!(config.get_ports(), &[5433]);
        assert!(split_ssl_parameters("host=db sslmode").is_err());
        assert!(split_ssl_parameters("host='db").is_err());
    }

    #[test]
    fn every_mode_parses_and_unknown_modes_are_refused_by_name() {
        for (value, mode) in [
            ("disable", SslMode::Disable),
            ("prefer", SslMode::Prefer),
            ("require", SslMode::Require),
            ("verify-ca", SslMode::VerifyCa),
            ("verify-full", SslMode::VerifyFull),
        ] {
            let target = Target::parse(&format!("postgres://u@localhost/db?sslmode={value}"));
            assert_eq!(target.map(|t| t.ssl_mode()).ok(), Some(mode), "{value}");
        }
        assert_eq!(
            Target::parse("postgres://u@localhost/db").map(|t| t.ssl_mode()).ok(),
            Some(SslMode::Prefer),
            "prefer is the default, as in libpq"
        );
        let err = Target::parse("postgres://u@localhost/db?sslmode=allow")
            .err()
            .map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.contains("sslmode=allow is not supported")));
        let err = Target::parse("postgres://u@localhost/db?sslmode=verify-ca&sslrootcert=/nonexistent/ca.pem")
            .err()
            .map(|e| e.to_string());
        assert!(
            err.is_some_and(|e| e.contains("/nonexistent/ca.pem")),
            "a missing root file is named"
        );
    }

    #[test]
    fn libpq_environment_defaults_apply_only_where_the_string_has_none() {
        assert_eq!(
            with_ssl_defaults("postgres://u@h/db", Some("require"), Some("/c a.pem")),
            "postgres://u@h/db?sslmode=require&sslrootcert=%2Fc%20a%2Epem"
        );
        assert_eq!(
            with_ssl_defaults("postgres://u@h/db?sslmode=disable", Some("require"), None),
            "postgres://u@h/db?sslmode=disable"
        );
        assert_eq!(
            with_ssl_defaults("host=h", Some("verify-full"), None),
            "host=h sslmode='verify-full'"
        );
        let (_, ssl) = split(&with_ssl_defaults("postgres://u@h/db", None, Some("/c a.pem")));
        assert_eq!(ssl.root_cert.as_deref(), Some("/c a.pem"));
    }
}
