//! Running on any x86-64 classroom PC.
//!
//! whisper.cpp is compiled for one instruction-set level. The release ships two builds of each
//! binary: the normal one with AVX2 code paths (`shiliu`) and a baseline one without
//! (`shiliu-baseline`). Our own Rust code never uses AVX2, so the AVX2 build can start on any
//! CPU, check, and hand over to the baseline build before whisper runs.

/// The SIMD level whisper.cpp was built with: "avx2", "avx", "baseline" or "native".
pub const BUILD_SIMD: &str = env!("SHILIU_SIMD");

/// Suffix of the fallback executable that sits next to the main one.
pub const BASELINE_SUFFIX: &str = "-baseline";

pub fn cpu_has_avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

fn cpu_has_avx() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// True when this CPU can run the whisper.cpp code in this binary.
pub fn build_runs_here() -> bool {
    match BUILD_SIMD {
        "avx2" => cpu_has_avx2(),
        "avx" => cpu_has_avx(),
        _ => true,
    }
}

/// The recognition threads to use when `asked` for: at least one, and never more than the
/// cores this process may run on. whisper.cpp's threads wait for each other by spinning, so one
/// thread more than the cores costs far more than it could gain: on one core, a lone syllable
/// took 12.9 s with 2 threads against 0.48 s with 1 (on two cores, 3 threads: 12.9 s).
pub fn usable_threads(asked: usize) -> usize {
    threads_within(asked, std::thread::available_parallelism().map_or(1, |n| n.get()))
}

fn threads_within(asked: usize, cores: usize) -> usize {
    asked.clamp(1, cores.max(1))
}

/// A one-line description for `shiliu model info` and the settings screen.
pub fn describe() -> String {
    format!(
        "whisper.cpp {} built for {BUILD_SIMD}; this CPU {} AVX2",
        whisper_rs::WHISPER_CPP_VERSION,
        if cpu_has_avx2() { "has" } else { "lacks" }
    )
}

/// Call first thing in `main`. When this build cannot run on this CPU, replaces the process
/// with the baseline build beside it; if there is none, explains and exits.
pub fn ensure_runnable() {
    if build_runs_here() {
        return;
    }
    let exe = std::env::current_exe().ok();
    let fallback = exe.as_ref().and_then(|exe| {
        let stem = exe.file_stem()?.to_string_lossy().into_owned();
        let ext = exe.extension().map(|e| format!(".{}", e.to_string_lossy())).unwrap_or_default();
        let candidate = exe.with_file_name(format!("{stem}{BASELINE_SUFFIX}{ext}"));
        candidate.is_file().then_some(candidate)
    });
    if let Some(fallback) = fallback {
        let args: Vec<_> = std::env::args_os().skip(1).collect();
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            let err = std::process::Command::new(&fallback).args(&args).exec();
            eprintln!("error: cannot start {}: {err}", fallback.display());
            std::process::exit(1);
        }
        #[cfg(not(unix))]
        {
            let status = std::process::Command::new(&fallback).args(&args).status();
            std::process::exit(status.ok().and_then(|s| s.code()).unwrap_or(1));
        }
    }
    eprintln!(
        "error: this build of Shiliu uses AVX2 instructions, which this CPU does not have, and the \
         baseline build (shiliu{BASELINE_SUFFIX}) is not installed next to it. Reinstall the full package."
    );
    std::process::exit(1);
}

#[cfg(test)]
mod tests {
    use super::threads_within;

    #[test]
    fn recognition_never_asks_for_more_threads_than_cores_nor_for_none() {
        assert_eq!(threads_within(2, 1), 1);
        assert_eq!(threads_within(2, 2), 2);
        assert_eq!(threads_within(2, 8), 2);
        assert_eq!(threads_within(999, 4), 4);
        assert_eq!(threads_within(0, 4), 1);
        assert_eq!(threads_within(3, 0), 1);
    }
}
