//! Integration tests of syncing by USB stick, one binary with a module per area.

mod conflicts;
mod faults;
mod fuzz;
mod helpers;
mod identity;
mod killed_export;
mod usb;
