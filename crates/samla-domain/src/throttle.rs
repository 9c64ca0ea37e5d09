//! How failed logins slow further attempts. Failures are counted per account and per
//! source address; past a number that ordinary typing mistakes never reach, each further
//! attempt must wait a delay that doubles with every failure, up to a ceiling. There is
//! no lock: a real user whose account is under attack waits at most the ceiling, while a
//! guesser gets a handful of tries an hour. A window without failures forgives them.

/// The rule for one kind of key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Failures allowed without any delay.
    pub free: i64,
    /// Seconds after the last failure when the count starts again from nothing.
    pub window: i64,
    /// The longest delay, in seconds.
    pub ceiling: i64,
}

/// Per account: five mistakes, then 1, 2, 4 … seconds, at most five minutes.
pub const ACCOUNT: Policy = Policy {
    free: 5,
    window: 15 * 60,
    ceiling: 5 * 60,
};

/// Per source address: an office behind one address makes many honest mistakes.
pub const SOURCE: Policy = Policy {
    free: 20,
    window: 15 * 60,
    ceiling: 5 * 60,
};

/// The longest an e-mail address can be (RFC 5321).
pub const EMAIL_MAX: usize = 254;

/// The longest password accepted, in bytes: far more than any passphrase, far less than
/// what would make hashing a way to spend the server's time.
pub const PASSWORD_MAX_BYTES: usize = 512;

impl Policy {
    /// Seconds the next attempt must wait after `failures` failures in the window.
    pub fn delay_after(self, failures: i64) -> i64 {
        let over = failures - self.free;
        if over < 0 {
            0
        } else {
            // 2^over, without overflowing for any count.
            1_i64
                .checked_shl(over.min(62) as u32)
                .unwrap_or(i64::MAX)
                .min(self.ceiling)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_from_the_first_failure_past_the_free_ones_up_to_the_ceiling() {
        let delays: Vec<i64> = (0..=15).map(|n| ACCOUNT.delay_after(n)).collect();
        assert_eq!(
            delays,
            [0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300]
        );
        assert_eq!(ACCOUNT.delay_after(i64::MAX), 300);
        assert_eq!(SOURCE.delay_after(19), 0);
        assert_eq!(SOURCE.delay_after(20), 1);
    }
}
