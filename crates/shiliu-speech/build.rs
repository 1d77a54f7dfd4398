//! Records which SIMD level whisper.cpp is being built with (whisper-rs-sys reads the same
//! GGML_* variables), so the binary can tell at start-up whether the CPU can run it.

fn main() {
    for var in ["GGML_NATIVE", "GGML_AVX2", "GGML_AVX"] {
        println!("cargo:rerun-if-env-changed={var}");
    }
    let on = |v: &str| {
        std::env::var(v).map(|s| matches!(s.to_ascii_uppercase().as_str(), "ON" | "1" | "TRUE")).unwrap_or(false)
    };
    let native_default = std::env::var("GGML_NATIVE").is_err();
    let simd = if on("GGML_NATIVE") || native_default {
        "native"
    } else if on("GGML_AVX2") {
        "avx2"
    } else if on("GGML_AVX") {
        "avx"
    } else {
        "baseline"
    };
    println!("cargo:rustc-env=SHILIU_SIMD={simd}");
}
