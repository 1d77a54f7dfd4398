pub mod audio;
pub mod bench;
pub mod eval;
pub mod model;
pub mod score;
pub mod transcribe;
