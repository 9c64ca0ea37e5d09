//! Credentials: argon2id password hashes and random bearer secrets.
//!
//! Session ids and API tokens are 256-bit random values shown to the holder once;
//! the database keeps only their SHA-256, so a leaked table cannot be replayed.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{Output, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use sha2::{Digest, Sha256};
use std::cell::RefCell;

/// argon2id with 7 MiB, 5 passes, 1 lane: one of OWASP's equivalent settings
/// (Password Storage Cheat Sheet), chosen over 19 MiB × 2 so that the server stays
/// small. Verification reads the parameters from each stored hash, so they can be
/// raised later without invalidating passwords.
fn params() -> Params {
    Params::new(7 * 1024, 5, 1, Some(32)).unwrap_or_default()
}

thread_local! {
    // argon2's working memory, allocated once per thread and reused: allocating a fresh
    // aligned 7 MiB buffer per hash fragments the allocator so that every login grew
    // the process by another 7 MiB.
    static BLOCKS: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

fn argon2_into(
    params: Params,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> Result<(), argon2::Error> {
    let need = params.block_count();
    let hasher = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
    BLOCKS.with(|blocks| {
        let mut blocks = blocks.borrow_mut();
        if blocks.len() < need {
            blocks.resize(need, Block::default());
        }
        hasher.hash_password_into_with_memory(password, salt, out, &mut blocks[..need])
    })
}

/// Hashes a password with argon2id and a fresh salt (PHC string format).
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_bytes = [0u8; 64];
    let salt_raw = salt
        .as_salt()
        .decode_b64(&mut salt_bytes)
        .map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    let params = params();
    let mut out = [0u8; 32];
    argon2_into(params.clone(), password.as_bytes(), salt_raw, &mut out)
        .map_err(|e| anyhow::anyhow!("password hashing failed: {e}"))?;
    let output = Output::new(&out).map_err(|e| anyhow::anyhow!("hash output: {e}"))?;
    Ok(format!(
        "$argon2id$v=19$m={},t={},p={}${}${}",
        params.m_cost(),
        params.t_cost(),
        params.p_cost(),
        salt.as_str(),
        output
    ))
}

/// Checks a password against a stored argon2id hash; a malformed hash never matches.
pub fn verify_password(password: &str, hash: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let (Some(expected), Some(salt), Ok(params)) =
        (parsed.hash, parsed.salt, Params::try_from(&parsed))
    else {
        return false;
    };
    if parsed.algorithm.as_str() != "argon2id" {
        return false;
    }
    let mut salt_bytes = [0u8; 64];
    let Ok(salt_raw) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let mut out = vec![0u8; expected.len()];
    if argon2_into(params, password.as_bytes(), salt_raw, &mut out).is_err() {
        return false;
    }
    // Output compares in constant time.
    Output::new(&out).is_ok_and(|computed| computed == expected)
}

type Job = Box<dyn FnOnce() + Send>;

/// Jobs allowed to wait per hasher thread. Past that, password work is refused at once
/// rather than queued: a flood of logins answers "busy" instead of stalling every other
/// login behind it.
const QUEUE_PER_THREAD: usize = 8;

/// The password hasher has more waiting work than it takes.
#[derive(Debug, thiserror::Error)]
#[error("the password hasher is busy")]
pub struct HasherBusy;

/// Runs password work on a pool of threads, one per core the machine gives the process,
/// with a bounded queue. argon2 needs a 7 MiB buffer per hash, so the pool is no larger
/// than the cores that can use one.
fn run_on_hasher<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<tokio::sync::oneshot::Receiver<T>, HasherBusy> {
    use std::sync::mpsc::{SyncSender, TrySendError, sync_channel};
    use std::sync::{Arc, Mutex, OnceLock};
    static SENDER: OnceLock<SyncSender<Job>> = OnceLock::new();
    let sender = SENDER.get_or_init(|| {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let (tx, rx) = sync_channel::<Job>(threads * QUEUE_PER_THREAD);
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..threads {
            let rx = Arc::clone(&rx);
            let spawned = std::thread::Builder::new()
                .name(format!("samla-password-{i}"))
                .spawn(move || {
                    loop {
                        // The lock is held only while waiting, never while hashing.
                        let job = rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
                        match job {
                            Ok(job) => job(),
                            Err(_) => break,
                        }
                    }
                });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "cannot start a password thread");
            }
        }
        tx
    });
    let (tx, rx) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        let _ = tx.send(work());
    });
    match sender.try_send(job) {
        Ok(()) => Ok(rx),
        Err(TrySendError::Full(_)) => Err(HasherBusy),
        Err(TrySendError::Disconnected(_)) => {
            tracing::error!("the password threads have stopped");
            Err(HasherBusy)
        }
    }
}

/// [`hash_password`] on the password pool; refused when the pool is busy.
pub async fn hash_password_async(password: String) -> anyhow::Result<String> {
    run_on_hasher(move || hash_password(&password))?
        .await
        .map_err(|_| anyhow::anyhow!("the password thread has stopped"))?
}

/// [`verify_password`] on the password pool; a stopped thread never matches.
/// Without a hash (no such account) it verifies against a decoy, which takes as long
/// and never matches.
pub async fn verify_password_async(
    password: String,
    hash: Option<String>,
) -> Result<bool, HasherBusy> {
    let verified = run_on_hasher(move || match hash {
        Some(hash) => verify_password(&password, &hash),
        None => {
            verify_password(&password, decoy_hash());
            false
        }
    })?;
    Ok(verified.await.unwrap_or(false))
}

/// A hash to verify against when the account does not exist, so that a wrong
/// e-mail address takes as long as a wrong password.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password that matches nothing").unwrap_or_default())
}

/// A new random secret with a readable prefix (`samla_…` for API tokens).
pub fn new_secret(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    format!("{prefix}{}", hex(&bytes))
}

/// The SHA-256 of a secret, as stored.
pub fn secret_hash(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_round_trip_and_secrets_differ() {
        let h = hash_password("riktig passord").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("riktig passord", &h));
        assert!(!verify_password("feil passord", &h));
        assert!(!verify_password("x", "not a hash"));
        let (a, b) = (new_secret("samla_"), new_secret("samla_"));
        assert_ne!(a, b);
        assert_eq!(a.len(), 6 + 64);
        assert_eq!(secret_hash(&a).len(), 64);
    }
}
