//! The most recent measurements of one kind from one speaker, kept in their profile so a
//! measure can be judged against the speaker's own voice (see [`crate::SibilantReference`] and
//! [`crate::RoundingReference`]).

use std::ops::RangeInclusive;

use serde::{Deserialize, Serialize};

/// How many recent measurements are kept (the reference follows a changing voice).
pub(crate) const KEPT: usize = 12;
/// Measurements needed before their median judges anything.
pub(crate) const JUDGES_FROM: usize = 4;

/// A ring of the last [`KEPT`] values. Its field names are part of stored profiles.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct RecentValues {
    pub(crate) values: [f32; KEPT],
    pub(crate) len: u8,
    pub(crate) next: u8,
}

impl RecentValues {
    pub(crate) fn push(&mut self, value: f32) {
        self.values[self.next as usize] = value;
        self.next = ((self.next as usize + 1) % KEPT) as u8;
        self.len = (self.len as usize + 1).min(KEPT) as u8;
    }

    pub(crate) fn len(&self) -> usize {
        self.len as usize
    }

    /// The median, once at least [`JUDGES_FROM`] values are kept.
    pub(crate) fn median(&self) -> Option<f32> {
        let n = self.len();
        if n < JUDGES_FROM {
            return None;
        }
        let mut v = self.values[..n].to_vec();
        v.sort_by(f32::total_cmp);
        Some(if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 })
    }

    /// Whether a ring read from storage is consistent, with every value within `range`.
    pub(crate) fn is_valid(&self, range: RangeInclusive<f32>) -> bool {
        self.len() <= KEPT
            && (self.next as usize) < KEPT
            && self.values.iter().all(|v| v.is_finite() && range.contains(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_waits_for_enough_values_and_then_follows_the_latest() {
        let mut r = RecentValues::default();
        (0..JUDGES_FROM - 1).for_each(|_| r.push(1.0));
        assert_eq!(r.median(), None);
        r.push(3.0);
        assert_eq!(r.median(), Some(1.0));
        (0..KEPT).for_each(|_| r.push(5.0));
        assert_eq!(r.median(), Some(5.0), "the old values are forgotten");
        assert_eq!(r.len(), KEPT);
    }

    #[test]
    fn a_ring_with_a_value_out_of_range_is_invalid() {
        let mut r = RecentValues::default();
        r.push(0.5);
        assert!(r.is_valid(0.0..=1.0));
        r.values[1] = f32::NAN;
        assert!(!r.is_valid(0.0..=1.0));
    }
}
