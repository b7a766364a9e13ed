//! Passwords, session tokens and CSRF tokens.
//!
//! Passwords are hashed with Argon2id (the `argon2` crate's defaults: 19 MiB, 2 passes, OWASP's
//! recommended minimum). Session tokens are 256 random bits; the database keeps only their
//! SHA-256, so a copy of the database does not let anyone in. CSRF tokens are per session and
//! compared in constant time.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::domain::staff::NewPassword;
use crate::web::hex::hex;

/// Hashes a new password (Argon2id, random salt) into a PHC string.
pub fn hash_password(password: &NewPassword) -> String {
    let mut salt_bytes = [0u8; 16];
    getrandom::getrandom(&mut salt_bytes).expect("the operating system provides randomness");
    let salt = SaltString::encode_b64(&salt_bytes).expect("16 bytes make a valid salt");
    Argon2::default()
        .hash_password(password.as_str().as_bytes(), &salt)
        .expect("Argon2 with default parameters hashes any password")
        .to_string()
}

/// Whether `candidate` matches a stored PHC hash.
pub fn verify_password(stored_hash: &str, candidate: &str) -> bool {
    PasswordHash::new(stored_hash)
        .is_ok_and(|hash| Argon2::default().verify_password(candidate.as_bytes(), &hash).is_ok())
}

/// A hash to verify against when the account does not exist, so that a login for an unknown
/// name takes as long as one for a known name.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        hash_password(&NewPassword::parse("not-a-real-password-for-timing").expect("long enough"))
    });
    &DUMMY
}

/// 256 random bits as 64 hex digits.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes).expect("the operating system provides randomness");
    hex(&bytes)
}

/// What the database stores for a session token.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Compares two tokens without leaking, through timing, how much of them matched (their
/// length is no secret: every token is 64 hex digits).
pub fn tokens_match(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_and_hashes_are_argon2id() {
        let password = NewPassword::parse("correct horse battery").unwrap();
        let hash = hash_password(&password);
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password(&hash, "correct horse battery"));
        assert!(!verify_password(&hash, "correct horse battery!"));
        assert!(!verify_password("garbage", "correct horse battery"));
    }

    #[test]
    fn tokens_are_random_and_compared_exactly() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert!(tokens_match(&a, &a.clone()));
        assert!(!tokens_match(&a, &b));
        assert!(!tokens_match(&a, &a[..63]));
        assert_ne!(token_hash(&a), a);
    }
}
