//! The crate's one error type.
//!
//! Every variant has a stable `code()` so the app and the CLI can branch on the kind of problem
//! without matching message text. Messages are lowercase and name the file, zip entry or pack
//! involved, because the person reading them is a teacher holding a USB stick.

use std::path::PathBuf;

use crate::check::Issue;

/// Everything that can go wrong reading, checking, building, verifying or installing a pack.
#[derive(Debug, thiserror::Error)]
pub enum LessonError {
    /// A pack file is not valid TOML or does not match the format.
    #[error("{}", where_(.file, .line, .field, .message))]
    Parse { file: String, line: Option<usize>, field: Option<String>, message: String },

    /// The pack parsed but breaks the format's rules (see [`crate::check`]).
    #[error("pack {pack} has {} error(s): {}", .errors.len(), summarise(.errors))]
    Invalid { pack: String, errors: Vec<Issue> },

    /// Reading or writing a file failed.
    #[error("cannot {op} {}: {source}", path.display())]
    File {
        op: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The file is not a pack archive at all, or its manifest is malformed.
    #[error("{} is not a shiliu pack: {why}", path.display())]
    NotAPack { path: PathBuf, why: String },

    /// The archive has no `manifest.json` or no `manifest.sig`.
    #[error("{} is not signed (no {missing})", path.display())]
    Unsigned { path: PathBuf, missing: &'static str },

    /// The signature does not match the manifest, or the manifest names another publisher.
    #[error("the signature of {} does not match its manifest: {why}", path.display())]
    Signature { path: PathBuf, why: String },

    /// The signature is valid for a key nobody on this PC has chosen to trust.
    #[error("{} is signed by an untrusted publisher key {key}; a teacher can trust it with `shiliu pack trust`", path.display())]
    Untrusted { path: PathBuf, key: String },

    /// A file's size or hash differs from the signed manifest, or a listed file is missing.
    #[error("{entry} in {} was changed after signing: {why}", path.display())]
    Tampered { path: PathBuf, entry: String, why: String },

    /// The archive holds a file the signed manifest does not list.
    #[error("{entry} in {} is not listed in the signed manifest", path.display())]
    UnknownFile { path: PathBuf, entry: String },

    /// The archive holds two entries with the same name.
    #[error("{entry} appears more than once in {}", path.display())]
    DuplicateEntry { path: PathBuf, entry: String },

    /// A path that could escape the pack folder (`..`, absolute, backslashes, links).
    #[error("unsafe path {entry:?} in {}: {why}", path.display())]
    UnsafePath { path: PathBuf, entry: String, why: &'static str },

    /// A file, or the pack as a whole, is over the size limit.
    #[error("{entry} is too large: {size} bytes, the limit is {limit}")]
    TooLarge { entry: String, size: u64, limit: u64 },

    /// The same pack at a higher version is already installed.
    #[error("pack {id} {installed} is installed; {offered} is older")]
    Downgrade { id: String, installed: semver::Version, offered: semver::Version },

    /// The same pack at the same version is installed (use `--reinstall`).
    #[error("pack {id} {version} is already installed (reinstall to replace it)")]
    AlreadyInstalled { id: String, version: semver::Version },

    /// An add-on tried to take the id of a pack built into the app.
    #[error("pack id {id} belongs to a built-in pack; an add-on must use its own id")]
    Conflict { id: String },

    /// An item's `surface` override does not line up with its syllables.
    #[error("item {item}: the surface override has {given} syllable(s) but the item is said in {expected}")]
    Surface { item: String, expected: usize, given: usize },

    /// A key file is malformed.
    #[error("{} is not a valid {what}: {why}", path.display())]
    Key { path: PathBuf, what: &'static str, why: String },

    /// Hanzi and pinyin of an item do not make phonology (only on unchecked packs).
    #[error("item {item}: {source}")]
    Pinyin {
        item: String,
        #[source]
        source: shiliu_pinyin::Error,
    },
}

/// `file:line: field: message`, leaving out what is unknown.
fn where_(file: &str, line: &Option<usize>, field: &Option<String>, message: &str) -> String {
    let mut out = file.to_owned();
    if let Some(line) = line {
        out.push_str(&format!(":{line}"));
    }
    out.push_str(": ");
    if let Some(field) = field {
        out.push_str(field);
        out.push_str(": ");
    }
    out.push_str(message);
    out
}

fn summarise(errors: &[Issue]) -> String {
    let mut shown: Vec<String> = errors.iter().take(3).map(Issue::to_string).collect();
    if errors.len() > 3 {
        shown.push(format!("and {} more", errors.len() - 3));
    }
    shown.join("; ")
}

impl LessonError {
    /// A short, stable identifier for the kind of error (never changes with the wording).
    pub fn code(&self) -> &'static str {
        match self {
            LessonError::Parse { .. } => "lessons.parse",
            LessonError::Invalid { .. } => "lessons.invalid",
            LessonError::File { .. } => "lessons.file",
            LessonError::NotAPack { .. } => "lessons.not_a_pack",
            LessonError::Unsigned { .. } => "lessons.unsigned",
            LessonError::Signature { .. } => "lessons.signature",
            LessonError::Untrusted { .. } => "lessons.untrusted",
            LessonError::Tampered { .. } => "lessons.tampered",
            LessonError::UnknownFile { .. } => "lessons.unknown_file",
            LessonError::DuplicateEntry { .. } => "lessons.duplicate_entry",
            LessonError::UnsafePath { .. } => "lessons.unsafe_path",
            LessonError::TooLarge { .. } => "lessons.too_large",
            LessonError::Downgrade { .. } => "lessons.downgrade",
            LessonError::AlreadyInstalled { .. } => "lessons.already_installed",
            LessonError::Conflict { .. } => "lessons.conflict",
            LessonError::Surface { .. } => "lessons.surface",
            LessonError::Key { .. } => "lessons.key",
            LessonError::Pinyin { .. } => "lessons.pinyin",
        }
    }

    /// `map_err` helper naming the operation and the path.
    pub(crate) fn file(op: &'static str, path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> LessonError {
        let path = path.into();
        move |source| LessonError::File { op, path, source }
    }
}

pub type Result<T, E = LessonError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_errors_name_file_line_and_field() {
        let e = LessonError::Parse {
            file: "starter/units/02-tones.toml".into(),
            line: Some(14),
            field: Some("item[2].kind".into()),
            message: "unknown variant `sylable`".into(),
        };
        assert_eq!(e.to_string(), "starter/units/02-tones.toml:14: item[2].kind: unknown variant `sylable`");
        assert_eq!(e.code(), "lessons.parse");
    }

    #[test]
    fn codes_are_namespaced_and_messages_lowercase() {
        let path = PathBuf::from("/media/usb/extra.shiliupack");
        let all = [
            LessonError::Unsigned { path: path.clone(), missing: "manifest.sig" },
            LessonError::Tampered { path: path.clone(), entry: "units/01.toml".into(), why: "hash differs".into() },
            LessonError::UnsafePath { path: path.clone(), entry: "../evil".into(), why: "parent directory" },
            LessonError::TooLarge { entry: "audio/a.wav".into(), size: 30, limit: 20 },
            LessonError::Downgrade {
                id: "extra".into(),
                installed: semver::Version::new(2, 0, 0),
                offered: semver::Version::new(1, 0, 0),
            },
        ];
        for e in &all {
            assert!(e.code().starts_with("lessons."), "{}", e.code());
            let msg = e.to_string();
            assert!(msg.starts_with(|c: char| !c.is_uppercase()), "{msg}");
        }
        assert!(all[2].to_string().contains("../evil"));
    }
}
