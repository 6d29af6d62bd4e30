//! Retention: an object whose rows expire sweeps them itself, on a Durable
//! Object alarm, so its storage stays bounded though no request does the
//! work. The alarm is set when rows that can expire are written and set
//! again after a sweep while any remain; an object with none sleeps with
//! no alarm. The period is the `RETENTION_SWEEP_SECONDS` variable (an hour
//! by default; tests shorten it).

use std::cell::Cell;
use std::time::Duration;

use worker::{Env, Result, Storage};

/// The sweep period, in ms.
pub fn every_ms(env: &Env) -> u64 {
    crate::session::seconds(env, "RETENTION_SWEEP_SECONDS", 3600) * 1000
}

/// A site's retention "day" in ms (`RETENTION_DAY_SECONDS`, 86,400 by
/// default; tests make a day a second).
pub fn day_ms(env: &Env) -> u64 {
    crate::session::seconds(env, "RETENTION_DAY_SECONDS", 86_400) * 1000
}

/// Whether this wake of an object already made sure a sweep is due.
#[derive(Default)]
pub struct Sweeps {
    armed: Cell<bool>,
}

impl Sweeps {
    /// Makes sure the alarm is set (once per wake: it survives sleep).
    pub async fn arm(&self, storage: &Storage, every_ms: u64) -> Result<()> {
        if !self.armed.replace(true) && storage.get_alarm().await?.is_none() {
            storage.set_alarm(Duration::from_millis(every_ms)).await?;
        }
        Ok(())
    }

    /// After a sweep at `now`: the next one at `at` (ms since the epoch;
    /// when the oldest row left expires), else none until new rows arm it
    /// again.
    pub async fn rearm_at(&self, storage: &Storage, at: Option<u64>, now: u64) -> Result<()> {
        self.armed.set(at.is_some());
        // At least 1 ms on: with 0 ms, workerd sometimes never ran the
        // next sweep (an alarm set for the time of the running one seems
        // to be cleared when that one ends).
        if let Some(at) = at {
            storage.set_alarm(Duration::from_millis(at.saturating_sub(now).max(1))).await?;
        }
        Ok(())
    }
}
