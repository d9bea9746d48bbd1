//! A PostgreSQL cluster that accepts TLS connections only, with certificates made for it: a test CA, a server
//! certificate for `localhost` signed by it, and a second CA that signed nothing (the "wrong CA"). It listens on
//! `127.0.0.1` at a free port; `pg_hba.conf` has `hostssl` lines only, so a plain TCP connection is refused.

use std::fs;
use std::path::{Path, PathBuf};
use twenty_storage::cluster::LocalCluster;

pub struct TlsCluster {
    cluster: LocalCluster,
    dir: PathBuf,
    pub port: u16,
    /// The CA that signed the server's certificate.
    pub ca: PathBuf,
    /// A CA that did not.
    pub wrong_ca: PathBuf,
}

impl TlsCluster {
    /// Makes the certificates and starts the cluster (a few seconds: `initdb` included).
    pub fn start() -> TlsCluster {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let base = crate::test_cluster_dir();
        let dir = base.with_file_name(format!("test-pg-tls-{}-{n}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let certs = dir.join("certs");
        fs::create_dir_all(&certs).unwrap_or_else(|e| panic!("create {}: {e}", certs.display()));
        let made = Certificates::make();
        let write = |name: &str, contents: &str| {
            let path = certs.join(name);
            fs::write(&path, contents).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
            path
        };
        let ca = write("ca.pem", &made.ca);
        let wrong_ca = write("wrong-ca.pem", &made.wrong_ca);
        let cert = write("server.crt", &made.server_cert);
        let key = write("server.key", &made.server_key);
        let hba = write(
            "pg_hba.conf",
            "local all all trust\nhostssl all all 127.0.0.1/32 trust\nhostssl all all ::1/128 trust\n",
        );
        owner_only(&key);
        hand_to_postgres(&[&dir, &certs, &ca, &wrong_ca, &cert, &key, &hba]);

        let port = crate::free_port();
        let quoted = |p: &Path| format!("'{}'", p.display());
        let cluster = LocalCluster::new(dir.join("pg"))
            .unwrap_or_else(|e| panic!("{e}"))
            .with_setting("fsync", "off")
            .with_setting("listen_addresses", "'127.0.0.1'")
            .with_setting("port", &port.to_string())
            .with_setting("ssl", "on")
            .with_setting("ssl_cert_file", &quoted(&cert))
            .with_setting("ssl_key_file", &quoted(&key))
            .with_setting("hba_file", &quoted(&hba));
        cluster.ensure_started().unwrap_or_else(|e| panic!("{e}"));
        TlsCluster {
            cluster,
            dir,
            port,
            ca,
            wrong_ca,
        }
    }

    /// A URL to the `postgres` database through `host` (`localhost` is the name in the certificate; `127.0.0.1` is
    /// not), with the query string `params` (`sslmode=…&sslrootcert=…`).
    pub fn url(&self, host: &str, params: &str) -> String {
        format!("postgres://postgres@{host}:{}/postgres?{params}", self.port)
    }

    /// `url` for another database on the cluster.
    pub fn url_of(&self, database: &str, host: &str, params: &str) -> String {
        format!("postgres://postgres@{host}:{}/{database}?{params}", self.port)
    }
}

impl Drop for TlsCluster {
    fn drop(&mut self) {
        let _ = self.cluster.stop();
        let _ = fs::remove_dir_all(&self.dir);
    }
}

struct Certificates {
    ca: String,
    wrong_ca: String,
    server_cert: String,
    server_key: String,
}

impl Certificates {
    fn make() -> Certificates {
        use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
        let fail = |e: rcgen::Error| -> ! { panic!("making the test certificates: {e}") };
        let authority = |name: &str| {
            let key = KeyPair::generate().unwrap_or_else(|e| fail(e));
            let mut params = CertificateParams::new(Vec::<String>::new()).unwrap_or_else(|e| fail(e));
            params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
            params.distinguished_name.push(DnType::CommonName, name);
            params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
            let cert = params.self_signed(&key).unwrap_or_else(|e| fail(e));
            (cert.pem(), Issuer::new(params, key))
        };
        let (ca, issuer) = authority("twenty test CA");
        let (wrong_ca, _) = authority("another test CA");
        let key = KeyPair::generate().unwrap_or_else(|e| fail(e));
        let mut params = CertificateParams::new(vec!["localhost".to_string()]).unwrap_or_else(|e| fail(e));
        params.distinguished_name.push(DnType::CommonName, "localhost");
        let cert = params.signed_by(&key, &issuer).unwrap_or_else(|e| fail(e));
        Certificates {
            ca,
            wrong_ca,
            server_cert: cert.pem(),
            server_key: key.serialize_pem(),
        }
    }
}

fn owner_only(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o600)).unwrap_or_else(|e| panic!("chmod: {e}"));
}

/// Running as root, the cluster runs as `postgres`, which must read the certificate files and own the key.
fn hand_to_postgres(paths: &[&Path]) {
    let id = |args: &[&str]| -> Option<u32> {
        let out = std::process::Command::new("id").args(args).output().ok()?;
        String::from_utf8_lossy(&out.stdout).trim().parse().ok()
    };
    if id(&["-u"]) != Some(0) {
        return;
    }
    let (Some(uid), Some(gid)) = (id(&["-u", "postgres"]), id(&["-g", "postgres"])) else {
        panic!("running as root, the test cluster runs as the `postgres` OS user, which does not exist");
    };
    for path in paths {
        std::os::unix::fs::chown(path, Some(uid), Some(gid)).unwrap_or_else(|e| panic!("chown: {e}"));
    }
}
