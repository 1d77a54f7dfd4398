//! Integration tests of the progress store, one binary with a module per area.

mod attempts;
mod backup;
mod crash;
mod failures;
mod helpers;
mod migration;
mod people;
mod recordings;
mod reports;
mod review;
mod sync;
