// Prevents an extra console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    shiliu_speech::cpu::ensure_runnable();
    use_a_real_locale();
    draw_without_gpu_compositing();
    shiliu_app::run();
}

/// WebKit takes the page's language from the process locale, and "C"/"POSIX" (a bare system, a
/// service) is not a language tag: `Intl` then throws. Such a locale gets the app's own default.
fn use_a_real_locale() {
    let effective =
        ["LC_ALL", "LC_MESSAGES", "LANG"].iter().find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()));
    let bare = effective.as_deref().is_none_or(|v| v == "C" || v == "POSIX" || v.starts_with("C."));
    if bare {
        // SAFETY: called first thing in main, before any other thread exists.
        unsafe {
            std::env::remove_var("LC_ALL");
            std::env::remove_var("LC_MESSAGES");
            std::env::set_var("LANG", "zh_CN.UTF-8");
        }
    }
}

/// WebKitGTK's accelerated compositing keeps GPU-sized layer buffers in the web process: turned
/// off, the whole app uses ~90 MiB less (measured with `cargo bench -p shiliu-tests --bench app`)
/// and old classroom GPUs' driver bugs cannot blank the window. The UI has no animations that
/// need it. Anyone may still choose otherwise by setting the variable themselves.
fn draw_without_gpu_compositing() {
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
        // SAFETY: called first thing in main, before any other thread exists.
        unsafe { std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1") };
    }
}
