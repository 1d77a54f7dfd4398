pub mod audio;
pub mod bench;
pub mod model;
pub mod transcribe;
