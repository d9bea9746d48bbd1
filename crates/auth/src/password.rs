//! Password rules and bcrypt hashing. Hashing is CPU-heavy: the async wrappers run it on the blocking pool.

use twenty_domain::error::{DomainError, DomainResult};

pub const MIN_PASSWORD_BYTES: usize = 8;
/// bcrypt reads at most 72 bytes; longer passwords are refused rather than silently truncated.
pub const MAX_PASSWORD_BYTES: usize = 72;

/// A hash of a random password, verified when the e-mail is unknown so that both failures take the same time.
const DUMMY_HASH: &str = "$2b$10$7EqJtq98hPqEX7fNZaFWoOhi5BWX4Z6/ULC5NJP5s6mNc2jEJ4K9e";

pub fn check_password_rules(password: &str) -> Result<(), String> {
    // bcrypt stops at a NUL byte: "secret\0anything" would equal "secret".
    if password.contains('\0') {
        return Err("must not contain NUL characters".into());
    }
    let len = password.len();
    if !(MIN_PASSWORD_BYTES..=MAX_PASSWORD_BYTES).contains(&len) {
        return Err(format!(
            "must be {MIN_PASSWORD_BYTES} to {MAX_PASSWORD_BYTES} bytes long"
        ));
    }
    Ok(())
}

pub async fn hash_password(password: String, cost: u32) -> DomainResult<String> {
    tokio::task::spawn_blocking(move || bcrypt::hash(password, cost))
        .await
        .map_err(|e| DomainError::internal(format!("hashing task failed: {e}")))?
        .map_err(|e| DomainError::internal(format!("hashing failed: {e}")))
}

/// Verifies `password` against `hash`, or against a dummy hash when there is no user (constant-ish timing).
pub async fn verify_password(password: String, hash: Option<String>) -> bool {
    let known = hash.is_some();
    let hash = hash.unwrap_or_else(|| DUMMY_HASH.to_string());
    let ok = tokio::task::spawn_blocking(move || bcrypt::verify(password, &hash).unwrap_or(false))
        .await
        .unwrap_or(false);
    known && ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_length_rules() {
        assert!(check_password_rules("short").is_err());
        assert!(check_password_rules("long enough").is_ok());
        assert!(check_password_rules(&"x".repeat(73)).is_err());
    }

    #[tokio::test]
    async fn hashes_verify_and_unknown_users_never_pass() {
        let hash = hash_password("correct horse".into(), 4).await.unwrap();
        assert!(verify_password("correct horse".into(), Some(hash.clone())).await);
        assert!(!verify_password("wrong horse".into(), Some(hash)).await);
        assert!(!verify_password("anything".into(), None).await);
    }
}
