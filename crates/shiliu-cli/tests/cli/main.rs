//! End-to-end tests of the `shiliu` binary's school, device and sync commands: real SQLite
//! files in temporary folders, real bundles on a pretend stick, a real hub on loopback. One
//! binary with a module per area.

mod db;
mod helpers;
mod hub;
mod school;
mod usb;
