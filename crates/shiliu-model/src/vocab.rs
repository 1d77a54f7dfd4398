//! The Whisper vocabulary as whisper.cpp wants it: raw token bytes.
//!
//! CTranslate2 ships the tokens in GPT-2's byte-level BPE spelling, where every byte is shown
//! as a printable character. whisper.cpp wants the raw bytes back, and only the 50,257 ordinary
//! tokens: it creates the special ones (<|endoftext|>, languages, timestamps) itself.

use std::collections::HashMap;
use std::path::Path;

use crate::error::{ModelError, Result};

/// How many ordinary (non-special) tokens a multilingual Whisper vocabulary has.
pub const ORDINARY_TOKENS: usize = 50_257;

/// GPT-2's byte → printable-character table, inverted.
fn byte_decoder() -> HashMap<char, u8> {
    let mut printable: Vec<u32> = (b'!' as u32..=b'~' as u32).collect();
    printable.extend(0xA1..=0xAC);
    printable.extend(0xAE..=0xFF);
    let mut map = HashMap::with_capacity(256);
    let mut extra = 0u32;
    for b in 0u32..256 {
        let ch = if printable.contains(&b) {
            b
        } else {
            extra += 1;
            255 + extra
        };
        map.insert(char::from_u32(ch).expect("valid char"), b as u8);
    }
    map
}

/// Turns one BPE-spelled token back into the bytes it stands for.
pub fn token_bytes(token: &str, decoder: &HashMap<char, u8>) -> Option<Vec<u8>> {
    token.chars().map(|c| decoder.get(&c).copied()).collect()
}

/// Reads `vocabulary.json` (a JSON array) or `vocabulary.txt` (one token per line, split on
/// `\n` only) and returns the ordinary tokens as raw bytes.
pub fn load_vocabulary(path: &Path) -> Result<Vec<Vec<u8>>> {
    let text = std::fs::read_to_string(path).map_err(ModelError::file("read", path))?;
    let invalid = |detail: String| ModelError::Invalid { path: path.to_owned(), detail };
    let tokens: Vec<String> = if path.extension().is_some_and(|e| e == "json") {
        serde_json::from_str(&text).map_err(|e| invalid(format!("not a JSON token list: {e}")))?
    } else {
        text.split('\n').map(str::to_owned).collect()
    };
    decode_tokens(&tokens).map_err(invalid)
}

pub fn decode_tokens(tokens: &[String]) -> std::result::Result<Vec<Vec<u8>>, String> {
    if tokens.len() < ORDINARY_TOKENS {
        return Err(format!(
            "the vocabulary has {} tokens, a multilingual Whisper model needs {ORDINARY_TOKENS}",
            tokens.len()
        ));
    }
    let decoder = byte_decoder();
    tokens[..ORDINARY_TOKENS]
        .iter()
        .enumerate()
        .map(|(i, t)| {
            token_bytes(t, &decoder).ok_or_else(|| format!("token {i} ({t:?}) is not in byte-level BPE spelling"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_ascii_maps_to_itself_and_the_space_marker_to_a_space() {
        let d = byte_decoder();
        assert_eq!(token_bytes("hello", &d).unwrap(), b"hello");
        // 'Ġ' (U+0120) is how GPT-2 spells a leading space.
        assert_eq!(token_bytes("Ġthe", &d).unwrap(), b" the");
    }

    #[test]
    fn chinese_tokens_come_back_as_utf8_bytes() {
        let d = byte_decoder();
        // "ä½ł" + "å¥½" is the BPE spelling of the UTF-8 bytes of 你好.
        let bytes = token_bytes("ä½łå¥½", &d).unwrap();
        assert_eq!(String::from_utf8(bytes).unwrap(), "你好");
    }

    #[test]
    fn the_decoder_covers_all_256_bytes_exactly_once() {
        let d = byte_decoder();
        let mut seen: Vec<u8> = d.values().copied().collect();
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), 256);
    }

    #[test]
    fn a_short_vocabulary_is_refused() {
        let err = decode_tokens(&["a".to_string()]).unwrap_err();
        assert!(err.contains("50257"));
    }
}
