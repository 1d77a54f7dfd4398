//! The crate's one error type.
//!
//! Every variant has a stable `code()` so the UI can branch on it without matching message text;
//! messages are lowercase and name the offending input.

/// Everything that can go wrong turning text into phonology.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The input had nothing to parse.
    #[error("empty pinyin input")]
    Empty,

    /// A token is not pinyin at all (wrong letters, two tone marks, a tone digit out of range…).
    #[error("invalid pinyin syllable {token:?}: {reason}")]
    InvalidSyllable { token: String, reason: String },

    /// Well-formed pinyin for a syllable Mandarin does not have (`bü`, `fiao`).
    #[error("{token:?} is not a syllable of standard mandarin")]
    UnattestedSyllable { token: String },

    /// A name that is not one of the stable names of an initial, final, tone or contrast.
    #[error("unknown {kind} name {name:?}")]
    UnknownName { kind: &'static str, name: String },

    /// Hanzi and the pinyin given for them do not line up one syllable per character.
    #[error("{text:?} has {hanzi} hanzi but {syllables} pinyin syllables were given")]
    AlignmentMismatch { text: String, hanzi: usize, syllables: usize },
}

impl Error {
    /// A stable identifier for the kind of error, for the UI and logs.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Empty => "pinyin.empty",
            Error::InvalidSyllable { .. } => "pinyin.invalid_syllable",
            Error::UnattestedSyllable { .. } => "pinyin.unattested_syllable",
            Error::UnknownName { .. } => "pinyin.unknown_name",
            Error::AlignmentMismatch { .. } => "pinyin.alignment_mismatch",
        }
    }

    pub(crate) fn invalid(token: &str, reason: impl Into<String>) -> Error {
        Error::InvalidSyllable { token: token.to_owned(), reason: reason.into() }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_namespaced_and_distinct() {
        let all = [
            Error::Empty,
            Error::invalid("x", "y"),
            Error::UnattestedSyllable { token: "bü".into() },
            Error::UnknownName { kind: "initial", name: "q2".into() },
            Error::AlignmentMismatch { text: "你好".into(), hanzi: 2, syllables: 1 },
        ];
        let mut codes: Vec<_> = all.iter().map(Error::code).collect();
        assert!(codes.iter().all(|c| c.starts_with("pinyin.")));
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
    }

    #[test]
    fn messages_are_lowercase_and_name_the_token() {
        let e = Error::invalid("xyz3", "no final");
        let msg = e.to_string();
        assert!(msg.contains("\"xyz3\""), "{msg}");
        assert!(msg.starts_with(char::is_lowercase), "{msg}");
    }
}
