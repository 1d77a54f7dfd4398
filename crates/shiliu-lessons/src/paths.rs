//! Which paths inside a pack are safe.
//!
//! A pack's file names come from a zip archive a stranger may have made, so they are checked as
//! text before any of them touches the file system: only plain relative `/`-separated paths
//! whose parts are ordinary names. Anything that could climb out of the pack folder (`..`),
//! start somewhere else (`/etc`, `C:`) or mean something else on Windows (`\`) is refused.

/// Longest accepted path, in bytes; real pack paths are a few dozen.
const MAX_PATH_BYTES: usize = 255;

/// `Ok` for a safe relative path, else why not.
pub fn check_relative(path: &str) -> Result<(), &'static str> {
    if path.is_empty() {
        return Err("empty path");
    }
    if path.len() > MAX_PATH_BYTES {
        return Err("path too long");
    }
    if path.starts_with('/') {
        return Err("absolute path");
    }
    if path.contains('\\') {
        return Err("backslash in path");
    }
    if path.contains(':') {
        return Err("drive letter or stream name in path");
    }
    if path.chars().any(char::is_control) {
        return Err("control character in path");
    }
    for part in path.split('/') {
        match part {
            "" => return Err("empty path component"),
            "." | ".." => return Err("parent or current directory component"),
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_pack_paths_are_safe() {
        for ok in ["pack.toml", "units/02-tones.toml", "audio/ma1.wav", "audio/女儿.wav"] {
            assert_eq!(check_relative(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn paths_that_could_escape_the_pack_are_refused() {
        for bad in [
            "",
            "../evil",
            "units/../../evil",
            "/etc/passwd",
            "C:/Windows/x",
            "units\\..\\evil",
            "units//x",
            "units/",
            "./pack.toml",
            "a\0b",
        ] {
            assert!(check_relative(bad).is_err(), "{bad:?}");
        }
    }
}
