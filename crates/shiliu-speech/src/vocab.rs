//! Whisper's byte-level vocabulary, indexed so the scorer can ask "how likely is the next
//! *character* c?" rather than "how likely is the next *token*?".
//!
//! A hanzi can be emitted in several ways: as its own token, as the start of a multi-character
//! token (出去), or as a byte-fragment token that needs one or two more tokens to complete it
//! (鼠 = two tokens, the first shared by every character with the same leading bytes). The index
//! answers both questions the scorer needs: which tokens *start with* a byte string, and which
//! tokens are an *incomplete prefix* of a character.

pub type TokenId = i32;

/// Token byte strings sorted for prefix searches.
pub struct VocabIndex {
    sorted: Vec<(Vec<u8>, TokenId)>,
    bytes: Vec<Vec<u8>>,
    /// The tokens that are only sentence-final punctuation (see [`Self::full_stops`]).
    full_stops: Vec<TokenId>,
}

/// Punctuation Whisper writes at the end of a sentence (a comma would go on).
const FULL_STOPS: &str = "。！？…!?.";

/// The ways a model can begin emitting one character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CharRoutes {
    /// Tokens that contain the whole character at their start (maybe followed by more text).
    pub complete: Vec<TokenId>,
    /// Tokens that are only the first `covered` bytes of the character.
    pub partial: Vec<(TokenId, usize)>,
}

impl VocabIndex {
    /// Builds the index from the byte strings of the ordinary tokens (index = token id).
    pub fn new(tokens: Vec<Vec<u8>>) -> Self {
        let mut sorted: Vec<(Vec<u8>, TokenId)> =
            tokens.iter().enumerate().filter(|(_, b)| !b.is_empty()).map(|(i, b)| (b.clone(), i as TokenId)).collect();
        sorted.sort();
        let full_stops = (0..tokens.len() as TokenId)
            .filter(|&t| {
                std::str::from_utf8(&tokens[t as usize])
                    .is_ok_and(|s| !s.is_empty() && s.chars().all(|c| FULL_STOPS.contains(c)))
            })
            .collect();
        VocabIndex { sorted, bytes: tokens, full_stops }
    }

    /// The tokens made only of sentence-final punctuation (。, ？, ..., …): what the recogniser
    /// writes where a text ends.
    pub fn full_stops(&self) -> &[TokenId] {
        &self.full_stops
    }

    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    pub fn token_bytes(&self, t: TokenId) -> &[u8] {
        self.bytes.get(t as usize).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Every token whose bytes begin with `prefix`.
    pub fn starting_with<'a>(&'a self, prefix: &'a [u8]) -> impl Iterator<Item = TokenId> + 'a {
        let start = self.sorted.partition_point(|(b, _)| b.as_slice() < prefix);
        self.sorted[start..].iter().take_while(move |(b, _)| b.starts_with(prefix)).map(|(_, t)| *t)
    }

    /// The token whose bytes are exactly `bytes`, if any.
    pub fn exact(&self, bytes: &[u8]) -> Option<TokenId> {
        let i = self.sorted.partition_point(|(b, _)| b.as_slice() < bytes);
        self.sorted.get(i).filter(|(b, _)| b == bytes).map(|(_, t)| *t)
    }

    pub fn routes(&self, c: char) -> CharRoutes {
        let mut buf = [0u8; 4];
        let utf8 = c.encode_utf8(&mut buf).as_bytes();
        CharRoutes {
            complete: self.starting_with(utf8).collect(),
            partial: (1..utf8.len()).filter_map(|j| self.exact(&utf8[..j]).map(|t| (t, j))).collect(),
        }
    }

    /// The first complete character a token's bytes spell, if it spells one.
    pub fn first_char(&self, t: TokenId) -> Option<char> {
        let b = self.token_bytes(t);
        let len = match b.first()? {
            0x00..=0x7F => 1,
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF7 => 4,
            _ => return None,
        };
        std::str::from_utf8(b.get(..len)?).ok()?.chars().next()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A toy vocabulary: 我 whole, 们 whole, 我们 merged, 鼠 as two fragments, and a shared
    /// first fragment for 鼓 (same two leading bytes as 鼠).
    pub(crate) fn toy() -> VocabIndex {
        let shu = "鼠".as_bytes().to_vec();
        let gu = "鼓".as_bytes().to_vec();
        assert_eq!(shu[..2], gu[..2]);
        VocabIndex::new(vec![
            "我".as_bytes().to_vec(),
            "们".as_bytes().to_vec(),
            "我们".as_bytes().to_vec(),
            shu[..2].to_vec(),
            shu[2..].to_vec(),
            gu[2..].to_vec(),
            b"a".to_vec(),
        ])
    }

    #[test]
    fn a_character_can_start_with_its_own_token_or_a_merged_one() {
        let v = toy();
        let mut r = v.routes('我');
        r.complete.sort();
        assert_eq!(r.complete, vec![0, 2]);
        assert!(r.partial.is_empty());
    }

    #[test]
    fn a_two_token_character_is_reached_through_its_leading_fragment() {
        let v = toy();
        let r = v.routes('鼠');
        assert!(r.complete.is_empty());
        assert_eq!(r.partial, vec![(3, 2)]);
        assert_eq!(v.starting_with(&"鼠".as_bytes()[2..]).collect::<Vec<_>>(), vec![4]);
    }

    #[test]
    fn first_char_reads_whole_characters_only() {
        let v = toy();
        assert_eq!(v.first_char(2), Some('我'));
        assert_eq!(v.first_char(3), None);
        assert_eq!(v.first_char(6), Some('a'));
    }
}
