//! Rebuild when the built-in lesson packs change: in release builds rust-embed copies them into
//! the binary, and cargo does not otherwise notice a new or edited lesson file.

fn main() {
    println!("cargo:rerun-if-changed=../../lessons");
    println!("cargo:rerun-if-changed=build.rs");
}
