//! A hybrid logical clock: wall-clock milliseconds, a logical counter and the device.
//!
//! Mutable rows (students, classes, memberships…) resolve concurrent edits from two PCs by
//! last-writer-wins on their HLC. An HLC never goes backwards on one device, even when a
//! classroom PC's clock is reset to 2009 after its battery dies: the last issued value is stored
//! with the device and every new one is greater. Receiving a peer's HLC moves the clock past it,
//! so an edit made after seeing a peer's change always wins over that change.
//!
//! The text form (`000001709210040000.00000.<device uuid>`) has fixed-width fields, so comparing
//! the strings compares the clocks; SQL can `ORDER BY hlc`.

use std::fmt;
use std::str::FromStr;

use crate::error::{Result, StoreError};
use crate::ids::DeviceId;
use crate::time::Timestamp;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Hlc {
    pub millis: i64,
    pub logical: u32,
    pub device: DeviceId,
}

impl Hlc {
    /// The first value of a device's clock.
    pub fn zero(device: DeviceId) -> Hlc {
        Hlc { millis: 0, logical: 0, device }
    }

    /// The next value for a local change at wall time `now`.
    pub fn tick(self, now: Timestamp) -> Hlc {
        if now.millis() > self.millis {
            Hlc { millis: now.millis(), logical: 0, device: self.device }
        } else {
            Hlc { millis: self.millis, logical: self.logical.saturating_add(1), device: self.device }
        }
    }

    /// The local clock after seeing a peer's value `remote` at wall time `now`.
    pub fn receive(self, remote: Hlc, now: Timestamp) -> Hlc {
        let millis = self.millis.max(remote.millis).max(now.millis());
        let logical = if millis == self.millis && millis == remote.millis {
            self.logical.max(remote.logical).saturating_add(1)
        } else if millis == self.millis {
            self.logical.saturating_add(1)
        } else if millis == remote.millis {
            remote.logical.saturating_add(1)
        } else {
            0
        };
        Hlc { millis, logical, device: self.device }
    }
}

impl fmt::Display for Hlc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:018}.{:05}.{}", self.millis.max(0), self.logical, self.device)
    }
}

impl FromStr for Hlc {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<Hlc> {
        let bad = || StoreError::invalid("clock", format!("{s:?} is not a hybrid logical clock value"));
        let mut parts = s.splitn(3, '.');
        let millis = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        let logical = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        let device = parts.next().ok_or_else(bad)?.parse().map_err(|_| bad())?;
        Ok(Hlc { millis, logical, device })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clock_never_goes_backwards_when_the_wall_clock_does() {
        let d = DeviceId::new();
        let a = Hlc::zero(d).tick(Timestamp::from_millis(1_000));
        let b = a.tick(Timestamp::from_millis(500));
        let c = b.tick(Timestamp::from_millis(500));
        assert!(a < b && b < c);
        assert_eq!(c.millis, 1_000);
        assert_eq!(c.logical, 2);
    }

    #[test]
    fn receiving_a_later_peer_value_moves_past_it() {
        let here = Hlc::zero(DeviceId::new()).tick(Timestamp::from_millis(1_000));
        let peer = Hlc { millis: 9_000, logical: 4, device: DeviceId::new() };
        let after = here.receive(peer, Timestamp::from_millis(1_001));
        assert_eq!((after.millis, after.logical), (9_000, 5));
        let next = after.tick(Timestamp::from_millis(1_002));
        assert!((next.millis, next.logical) > (peer.millis, peer.logical));
    }

    #[test]
    fn text_order_is_clock_order() {
        let d = DeviceId::new();
        let a = Hlc { millis: 99, logical: 7, device: d };
        let b = Hlc { millis: 100, logical: 0, device: d };
        assert!(a.to_string() < b.to_string());
        assert_eq!(b.to_string().parse::<Hlc>().unwrap(), b);
    }
}
