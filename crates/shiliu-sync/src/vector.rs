//! Version vectors: per origin device, the highest change counter a PC (or bundle, or hub)
//! covers. "Covers counter n of device D" means: for every row D changed at counter ≤ n, this
//! version or a newer one is here. An exchange sends only rows above the other side's vector.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use shiliu_store::{DeviceId, Store};

use crate::error::Result;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct VersionVector(BTreeMap<DeviceId, i64>);

impl VersionVector {
    pub fn new() -> VersionVector {
        VersionVector::default()
    }

    /// What this PC covers: its own last counter and, per peer, what it has received in full.
    pub fn of_store(store: &Store) -> Result<VersionVector> {
        let mut v = VersionVector::new();
        for d in store.device_counters()? {
            v.raise(d.device, d.counter);
        }
        Ok(v)
    }

    pub fn get(&self, device: DeviceId) -> i64 {
        self.0.get(&device).copied().unwrap_or(0)
    }

    /// Raises the entry for `device` to at least `counter`.
    pub fn raise(&mut self, device: DeviceId, counter: i64) {
        if counter > 0 {
            let e = self.0.entry(device).or_insert(0);
            *e = (*e).max(counter);
        }
    }

    /// The entry-wise maximum.
    pub fn merge(&mut self, other: &VersionVector) {
        for (d, c) in &other.0 {
            self.raise(*d, *c);
        }
    }

    /// The entry-wise minimum (what both cover).
    pub fn meet(&self, other: &VersionVector) -> VersionVector {
        let mut out = VersionVector::new();
        for (d, c) in &self.0 {
            out.raise(*d, (*c).min(other.get(*d)));
        }
        out
    }

    /// Whether this vector covers everything `other` covers.
    pub fn covers(&self, other: &VersionVector) -> bool {
        other.0.iter().all(|(d, c)| self.get(*d) >= *c)
    }

    /// Where this vector falls short of `other`: (device, have, need).
    pub fn shortfall(&self, other: &VersionVector) -> Vec<(DeviceId, i64, i64)> {
        other.0.iter().filter(|(d, c)| self.get(**d) < **c).map(|(d, c)| (*d, self.get(*d), *c)).collect()
    }

    pub fn iter(&self) -> impl Iterator<Item = (DeviceId, i64)> + '_ {
        self.0.iter().map(|(d, c)| (*d, *c))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The sum of all counters: a rough size of what is covered.
    pub fn total(&self) -> i64 {
        self.0.values().fold(0, |sum, n| sum.saturating_add(*n))
    }
}

impl fmt::Display for VersionVector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|(d, c)| format!("{}:{c}", d.short())).collect();
        write!(f, "{{{}}}", parts.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covering_is_entry_wise() {
        let (a, b) = (DeviceId::new(), DeviceId::new());
        let mut x = VersionVector::new();
        x.raise(a, 5);
        let mut y = VersionVector::new();
        y.raise(a, 3);
        y.raise(b, 1);
        assert!(!x.covers(&y));
        assert_eq!(x.shortfall(&y), vec![(b, 0, 1)]);
        x.merge(&y);
        assert!(x.covers(&y));
        assert_eq!(x.get(a), 5);
        assert_eq!(x.meet(&y).get(a), 3);
        assert!(x.covers(&VersionVector::new()));
    }
}
