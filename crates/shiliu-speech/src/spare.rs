//! One expensive thing kept between uses while they come close together, and given up once
//! they stop. The engine keeps Whisper's decoding state this way: making one for every clip
//! costs a slow PC 50 ms, while keeping it idle holds 70 MiB that a classroom PC wants back
//! when nobody is practising.

use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::{Duration, Instant};

/// How long an unused spare is kept: a class practising takes turns well within it.
const KEEP_IDLE_FOR: Duration = Duration::from_secs(60);
/// How often the keeper looks for a spare that has been idle too long.
const CHECK_EVERY: Duration = Duration::from_secs(10);

struct Slot<T> {
    item: Option<T>,
    kept_at: Instant,
}

/// A slot for at most one spare `T`, shared with the thread that drops it when idle.
pub struct Spare<T> {
    slot: Arc<Mutex<Slot<T>>>,
}

impl<T> Spare<T> {
    pub fn new() -> Spare<T> {
        Spare { slot: Arc::new(Mutex::new(Slot { item: None, kept_at: Instant::now() })) }
    }

    /// The spare, if there is one; the caller makes a new one otherwise.
    pub fn take(&self) -> Option<T> {
        self.lock().item.take()
    }

    /// Whether a spare is waiting.
    pub fn is_kept(&self) -> bool {
        self.lock().item.is_some()
    }

    /// Keeps `item` for the next [`Spare::take`] (replacing any other spare).
    pub fn keep(&self, item: T) {
        let mut slot = self.lock();
        slot.item = Some(item);
        slot.kept_at = Instant::now();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Slot<T>> {
        self.slot.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl<T: Send + 'static> Spare<T> {
    /// Starts a thread that drops the spare once it has been idle for [`KEEP_IDLE_FOR`], then
    /// calls `after_drop` (to hand the freed memory back). The thread ends soon after the
    /// `Spare` itself is dropped.
    pub fn drop_when_idle(&self, after_drop: fn()) {
        let weak: Weak<Mutex<Slot<T>>> = Arc::downgrade(&self.slot);
        // A thread that cannot start only means the spare is kept until the engine goes.
        let _ = std::thread::Builder::new().name("shiliu-spare-state".into()).spawn(move || {
            loop {
                std::thread::sleep(CHECK_EVERY);
                let Some(slot) = weak.upgrade() else { return };
                if drop_if_idle(&slot, Instant::now(), KEEP_IDLE_FOR) {
                    after_drop();
                }
            }
        });
    }
}

/// Drops the spare if it has been kept unused for longer than `idle` at `now`; true if it did.
fn drop_if_idle<T>(slot: &Mutex<Slot<T>>, now: Instant, idle: Duration) -> bool {
    let dropped = {
        let mut slot = slot.lock().unwrap_or_else(PoisonError::into_inner);
        if slot.item.is_some() && now.saturating_duration_since(slot.kept_at) > idle { slot.item.take() } else { None }
    };
    // Dropped outside the lock: freeing a large item should not hold up a clip that wants a new one.
    dropped.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    impl<T> Spare<T> {
        fn drop_if_idle(&self, now: Instant, idle: Duration) -> bool {
            drop_if_idle(&self.slot, now, idle)
        }
    }

    #[test]
    fn a_kept_item_is_given_back_once_and_then_there_is_none() {
        let spare = Spare::new();
        assert_eq!(spare.take(), None::<u32>);
        spare.keep(7);
        assert!(spare.is_kept());
        assert_eq!(spare.take(), Some(7));
        assert!(!spare.is_kept());
        assert_eq!(spare.take(), None);
    }

    #[test]
    fn a_spare_is_dropped_only_after_it_has_been_idle_long_enough() {
        let spare = Spare::new();
        spare.keep("state");
        let kept = Instant::now();
        assert!(!spare.drop_if_idle(kept, Duration::from_secs(60)));
        assert!(!spare.drop_if_idle(kept + Duration::from_secs(30), Duration::from_secs(60)));
        assert_eq!(spare.take(), Some("state"), "still there after 30 s");
        spare.keep("state");
        assert!(spare.drop_if_idle(Instant::now() + Duration::from_secs(61), Duration::from_secs(60)));
        assert_eq!(spare.take(), None);
    }

    #[test]
    fn keeping_again_restarts_the_idle_clock() {
        let spare = Spare::new();
        spare.keep(1);
        std::thread::sleep(Duration::from_millis(30));
        let before_second = Instant::now();
        spare.keep(2);
        // 20 ms after the second keep: idle for more than 20 ms counted from the first keep,
        // but not from the second.
        assert!(!spare.drop_if_idle(before_second + Duration::from_millis(20), Duration::from_millis(20)));
        assert_eq!(spare.take(), Some(2));
    }

    #[test]
    fn nothing_is_dropped_when_nothing_is_kept() {
        let spare: Spare<u8> = Spare::new();
        assert!(!spare.drop_if_idle(Instant::now() + Duration::from_secs(3600), Duration::from_secs(1)));
    }
}
