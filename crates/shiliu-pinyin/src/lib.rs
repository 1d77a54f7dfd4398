//! Mandarin phonology for Shiliu (being written).

/// Serialises a name enum as its stable `name()` and reads it back with `from_name()`.
#[macro_export]
#[doc(hidden)]
macro_rules! serde_by_name {
    ($ty:ty) => {
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.name())
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<$ty, D::Error> {
                let name = String::deserialize(d)?;
                <$ty>::from_name(&name).map_err(serde::de::Error::custom)
            }
        }
    };
}

mod contrast;
mod error;
mod finals;
mod hanzi;
mod initial;
mod line;
mod spelling;
mod syllable;
mod table;
mod tone;

pub use contrast::{Contrast, confusable_neighbours, contrast_of};
pub use error::{Error, Result};
pub use finals::{Final, MedialClass, NasalCoda};
pub use hanzi::{Reading, ReadingSource, align_pinyin, readings_from_pinyin, to_pinyin};
pub use initial::Initial;
pub use line::{parse_pinyin_line, parse_pinyin_words};
pub use syllable::Syllable;
pub use table::{is_attested, syllable_table};
pub use tone::Tone;
