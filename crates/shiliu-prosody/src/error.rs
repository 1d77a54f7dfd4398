//! The crate's one error type. Each variant has a stable `code()` the UI can branch on.

/// What can go wrong when analysing an attempt.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The expected text has no syllables, so there is nothing to time or score.
    #[error("no syllables were expected")]
    NothingExpected,
    /// The recording holds no speech that could be found (silence, or too quiet).
    #[error("no speech found in {duration_ms} ms of audio")]
    NoSpeech { duration_ms: u32 },
    /// Recogniser hint spans must come one per expected syllable.
    #[error("got {got} hint spans for {expected} syllables")]
    HintCount { expected: usize, got: usize },
    /// A speaker profile with non-positive or inverted frequencies cannot normalise pitch.
    #[error("invalid speaker profile: {reason}")]
    InvalidProfile { reason: &'static str },
}

impl Error {
    /// A stable identifier for the UI and logs; never changes once shipped.
    pub fn code(&self) -> &'static str {
        match self {
            Error::NothingExpected => "prosody.nothing_expected",
            Error::NoSpeech { .. } => "prosody.no_speech",
            Error::HintCount { .. } => "prosody.hint_count",
            Error::InvalidProfile { .. } => "prosody.invalid_profile",
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_namespaced_and_distinct() {
        let all = [
            Error::NothingExpected,
            Error::NoSpeech { duration_ms: 10 },
            Error::HintCount { expected: 2, got: 1 },
            Error::InvalidProfile { reason: "x" },
        ];
        let codes: std::collections::HashSet<_> = all.iter().map(Error::code).collect();
        assert_eq!(codes.len(), all.len());
        assert!(codes.iter().all(|c| c.starts_with("prosody.")));
    }

    #[test]
    fn messages_are_lowercase_with_context() {
        let e = Error::HintCount { expected: 3, got: 2 };
        assert_eq!(e.to_string(), "got 2 hint spans for 3 syllables");
    }
}
