//! Integration tests of the hub and of sync through it, one binary with a module per area.

mod api;
mod convergence;
mod helpers;
mod killed;
mod postgres;
