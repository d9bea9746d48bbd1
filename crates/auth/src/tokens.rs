//! JWT access, refresh and API-key tokens (HS256, key from `APP_SECRET`).

use chrono::{DateTime, SubsecRound, Utc};
use jwt_simple::prelude::*;
use serde::{Deserialize, Serialize};
use twenty_domain::error::{DomainError, DomainResult};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TokenKind {
    Access,
    Refresh,
    ApiKey,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct TwentyClaims {
    #[serde(rename = "workspaceId")]
    workspace_id: Uuid,
    #[serde(rename = "type")]
    kind: TokenKind,
}

/// What a verified token says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedToken {
    pub kind: TokenKind,
    pub workspace_id: Uuid,
    /// User id (access, refresh) or workspace id (API key).
    pub subject: Uuid,
    /// Refresh-token row id or API-key id.
    pub jwt_id: Option<Uuid>,
}

/// Signs and verifies the server's tokens.
#[derive(Clone)]
pub struct TokenSigner {
    key: HS256Key,
}

const ISSUER: &str = "twenty";
/// API keys without an expiry date still carry one, far away. (The JWT clock counts seconds in 32 bits, so
/// "forever" is 50 years; the key's row, checked on every request, is what really decides.)
const NO_EXPIRY: u64 = 50 * 365 * 24 * 3600;

/// The latest expiry a token can carry: JWT times are whole seconds since the epoch, which jwt-simple's clock holds
/// in 32 bits (2106-02-07T06:28:15Z).
pub const LATEST_EXPIRY: DateTime<Utc> = match DateTime::from_timestamp_secs(u32::MAX as i64) {
    Some(latest) => latest,
    None => DateTime::UNIX_EPOCH,
};

/// The expiry a token can carry for an asked one: JWT times are whole seconds, so an expiry is truncated to its
/// second. A key's `expiresAt` is stored rounded the same way, so it and its token's `exp` are one instant, and a
/// key never outlives what was asked.
pub fn expiry_second(at: DateTime<Utc>) -> DateTime<Utc> {
    at.trunc_subsecs(0)
}

fn unauthorized() -> DomainError {
    DomainError::Unauthorized("Invalid or expired token".into())
}

impl TokenSigner {
    pub fn new(secret: &[u8]) -> Self {
        TokenSigner {
            key: HS256Key::from_bytes(secret),
        }
    }

    fn claims(
        kind: TokenKind,
        workspace_id: Uuid,
        subject: Uuid,
        jwt_id: Option<Uuid>,
        ttl_secs: u64,
    ) -> JWTClaims<TwentyClaims> {
        let claims = Claims::with_custom_claims(TwentyClaims { workspace_id, kind }, Duration::from_secs(ttl_secs))
            .with_subject(subject)
            .with_issuer(ISSUER);
        match jwt_id {
            Some(id) => claims.with_jwt_id(id),
            None => claims,
        }
    }

    fn authenticate(&self, claims: JWTClaims<TwentyClaims>) -> DomainResult<String> {
        self.key
            .authenticate(claims)
            .map_err(|e| DomainError::internal(format!("signing failed: {e}")))
    }

    fn sign(
        &self,
        kind: TokenKind,
        workspace_id: Uuid,
        subject: Uuid,
        jwt_id: Option<Uuid>,
        ttl_secs: u64,
    ) -> DomainResult<String> {
        self.authenticate(Self::claims(kind, workspace_id, subject, jwt_id, ttl_secs))
    }

    pub fn access_token(&self, workspace_id: Uuid, user_id: Uuid, ttl_secs: u64) -> DomainResult<String> {
        self.sign(TokenKind::Access, workspace_id, user_id, None, ttl_secs)
    }

    pub fn refresh_token(&self, workspace_id: Uuid, user_id: Uuid, id: Uuid, ttl_secs: u64) -> DomainResult<String> {
        self.sign(TokenKind::Refresh, workspace_id, user_id, Some(id), ttl_secs)
    }

    /// An API key's token. Its `exp` is `expires_at` exactly, which must be a whole second (see
    /// [`expiry_second`]) no later than [`LATEST_EXPIRY`]; `None` for a key that does not expire.
    pub fn api_key_token(
        &self,
        workspace_id: Uuid,
        key_id: Uuid,
        expires_at: Option<DateTime<Utc>>,
    ) -> DomainResult<String> {
        let mut claims = Self::claims(TokenKind::ApiKey, workspace_id, workspace_id, Some(key_id), NO_EXPIRY);
        if let Some(at) = expires_at {
            if at.timestamp_subsec_nanos() != 0 || at > LATEST_EXPIRY {
                return Err(DomainError::internal(format!("no token can expire at {at}")));
            }
            let secs = u64::try_from(at.timestamp())
                .map_err(|_| DomainError::internal(format!("no token can expire at {at}")))?;
            claims.expires_at = Some(Duration::from_secs(secs));
        }
        self.authenticate(claims)
    }

    /// Checks signature (HS256 only: `alg: none` and other algorithms fail), expiry (no clock tolerance) and
    /// issuer. Every failure is the same `UNAUTHORIZED`.
    pub fn verify(&self, token: &str) -> DomainResult<VerifiedToken> {
        let options = VerificationOptions {
            time_tolerance: Some(Duration::from_secs(0)),
            allowed_issuers: Some(HashSet::from_strings(&[ISSUER])),
            max_token_length: Some(4096),
            ..VerificationOptions::default()
        };
        let claims = self
            .key
            .verify_token::<TwentyClaims>(token, Some(options))
            .map_err(|_| unauthorized())?;
        let subject = claims
            .subject
            .as_deref()
            .and_then(|s| Uuid::parse_str(s).ok())
            .ok_or_else(unauthorized)?;
        let jwt_id = match claims.jwt_id.as_deref() {
            Some(s) => Some(Uuid::parse_str(s).map_err(|_| unauthorized())?),
            None => None,
        };
        Ok(VerifiedToken {
            kind: claims.custom.kind,
            workspace_id: claims.custom.workspace_id,
            subject,
            jwt_id,
        })
    }
}

/// A stored fingerprint of a token (refresh tokens are kept hashed).
pub fn token_hash(token: &str) -> String {
    hmac_sha256::Hash::hash(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn tokens_round_trip_with_their_kind() {
        let signer = TokenSigner::new(SECRET);
        let (ws, user, id) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let access = signer.verify(&signer.access_token(ws, user, 60).unwrap()).unwrap();
        assert_eq!(
            access,
            VerifiedToken {
                kind: TokenKind::Access,
                workspace_id: ws,
                subject: user,
                jwt_id: None
            }
        );
        let refresh = signer.verify(&signer.refresh_token(ws, user, id, 60).unwrap()).unwrap();
        assert_eq!((refresh.kind, refresh.jwt_id), (TokenKind::Refresh, Some(id)));
        let key = signer.verify(&signer.api_key_token(ws, id, None).unwrap()).unwrap();
        assert_eq!((key.kind, key.subject, key.jwt_id), (TokenKind::ApiKey, ws, Some(id)));
    }

    #[test]
    fn an_api_key_token_expires_at_its_keys_expiry_to_the_second() {
        let signer = TokenSigner::new(SECRET);
        let exp_of = |token: &str| {
            let payload = URL_SAFE_NO_PAD.decode(token.split('.').nth(1).unwrap()).unwrap();
            serde_json::from_slice::<serde_json::Value>(&payload).unwrap()["exp"]
                .as_i64()
                .unwrap()
        };
        let at = expiry_second(Utc::now() + chrono::Duration::milliseconds(90_500));
        let token = signer.api_key_token(Uuid::new_v4(), Uuid::new_v4(), Some(at)).unwrap();
        assert_eq!(exp_of(&token), at.timestamp());
        assert!(signer.verify(&token).is_ok());
        let latest = signer
            .api_key_token(Uuid::new_v4(), Uuid::new_v4(), Some(LATEST_EXPIRY))
            .unwrap();
        assert_eq!(exp_of(&latest), i64::from(u32::MAX));
        let beyond = LATEST_EXPIRY + chrono::Duration::seconds(1);
        assert!(
            signer
                .api_key_token(Uuid::new_v4(), Uuid::new_v4(), Some(beyond))
                .is_err()
        );
        let fraction = at + chrono::Duration::milliseconds(1);
        assert!(
            signer
                .api_key_token(Uuid::new_v4(), Uuid::new_v4(), Some(fraction))
                .is_err()
        );
    }

    #[test]
    fn foreign_malformed_and_unsigned_tokens_fail() {
        let signer = TokenSigner::new(SECRET);
        let other = TokenSigner::new(b"another secret of at least 32 bytes!!");
        let token = other.access_token(Uuid::new_v4(), Uuid::new_v4(), 60).unwrap();
        assert!(signer.verify(&token).is_err());
        assert!(signer.verify("not.a.token").is_err());
        assert!(signer.verify("").is_err());
        // alg: none with a valid-looking payload.
        let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
        let payload = URL_SAFE_NO_PAD.encode(format!(
            r#"{{"sub":"{}","workspaceId":"{}","type":"ACCESS","iss":"twenty","exp":9999999999}}"#,
            Uuid::new_v4(),
            Uuid::new_v4()
        ));
        assert!(signer.verify(&format!("{header}.{payload}.")).is_err());
    }
}
