//! Integration tests of shiliu-lessons, one binary of area modules sharing `util`.

mod checks;
mod coverage;
mod embedded;
mod install;
mod util;
mod verify;
