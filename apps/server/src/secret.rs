//! The signing secret: `APP_SECRET`, or — in private-PostgreSQL mode only — one generated on first start and kept
//! in `DATA_DIR/app-secret`. With `DATABASE_URL` the secret is required (contract §9): instances that share a
//! database must sign with the same secret, and a generated one would differ per instance.

use crate::config::{Config, ConfigError, Secret};
use anyhow::Context;
use std::io::Write;

const FILE_NAME: &str = "app-secret";

pub fn app_secret(config: &Config) -> anyhow::Result<Secret> {
    if let Some(secret) = &config.app_secret {
        return Ok(secret.clone());
    }
    if config.database_url.is_some() {
        return Err(ConfigError {
            variable: "APP_SECRET",
            message: "is required with DATABASE_URL (every instance on the database must sign with the same \
                      secret); make one with `openssl rand -base64 48`"
                .into(),
        }
        .into());
    }
    let path = config.data_dir.join(FILE_NAME);
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let existing = existing.trim().to_string();
        if existing.len() >= 32 {
            return Ok(Secret::new(existing));
        }
    }
    std::fs::create_dir_all(&config.data_dir).with_context(|| format!("creating {}", config.data_dir.display()))?;
    // Two v4 UUIDs: 244 random bits from the OS generator.
    let secret = format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple());
    let mut file = open_private(&path).with_context(|| format!("writing {}", path.display()))?;
    file.write_all(secret.as_bytes())?;
    tracing::warn!(path = %path.display(), "APP_SECRET is not set; generated one for this data directory (set APP_SECRET in production)");
    Ok(Secret::new(secret))
}

fn open_private(path: &std::path::Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
}
