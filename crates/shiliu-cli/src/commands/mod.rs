pub mod audio;
pub mod model;
pub mod transcribe;
