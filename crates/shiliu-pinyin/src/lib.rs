//! Mandarin phonology for Shiliu: pinyin syllables, their parts, the contrasts learners confuse,
//! hanzi → pinyin, tone sandhi and target pitch curves.
//!
//! The scorer, the lesson packs, the progress store and the UI all speak in these types, so they
//! are small, serialisable and free of any speech or GUI dependency:
//!
//! * [`Syllable`] is an [`Initial`], a [`Final`], a [`Tone`] and a 儿化 flag, read from numbered
//!   or tone-mark pinyin and written back to both; it serialises as `"lao3"`.
//! * [`contrast_of`] and [`confusable_neighbours`] name the seven classic confusions (平翘舌,
//!   前后鼻音, n/l, f/h, r/l, aspiration, i/ü) plus tone, for diagnosis and minimal pairs.
//! * [`to_pinyin`] gives each hanzi its citation reading, resolving polyphones by word and
//!   flagging the guesses; [`surface`] applies 3-3, 一, 不 sandhi and 儿化 and keeps the mapping
//!   back to characters; [`target_contour`] draws the pitch to aim for.
//!
//! ```
//! use shiliu_pinyin::{Syllable, Tone, surface, target_contour, to_pinyin};
//!
//! let lao = Syllable::parse("lǎo")?;
//! assert_eq!(lao.to_numbered(), "lao3");
//! assert_eq!(lao.tone, Tone::Third);
//!
//! let readings = to_pinyin("你好，老师！");
//! let citation: Vec<String> =
//!     readings.iter().filter_map(|r| r.syllable).map(|s| s.to_numbered()).collect();
//! assert_eq!(citation, ["ni3", "hao3", "lao3", "shi1"]);
//!
//! let said = surface(&readings);
//! assert_eq!(said[0].syllable.to_marked(), "ní"); // 3 + 3 → 2 + 3
//! assert!(said[2].half_third); // 老 before a first tone is a low 21
//!
//! let curve = target_contour(&said);
//! assert_eq!(curve.len(), 4 * shiliu_pinyin::POINTS_PER_SYLLABLE);
//! # Ok::<(), shiliu_pinyin::Error>(())
//! ```
//!
//! Word readings come from data shipped in `data/` (phrase-pinyin-data, MIT; CC-CEDICT,
//! CC BY-SA 4.0): see `DATA-LICENCES.md` in this crate.

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

mod contour;
mod contrast;
mod error;
mod finals;
mod hanzi;
mod initial;
mod line;
mod psc;
mod sandhi;
mod spelling;
mod syllable;
mod table;
mod tone;

pub use contour::{ContourPoint, POINTS_PER_SYLLABLE, SEMITONES_PER_LEVEL, chao_to_semitones, target_contour};
pub use contrast::{Contrast, confusable_neighbours, contrast_of};
pub use error::{Error, Result};
pub use finals::{Final, MedialClass, NasalCoda};
pub use hanzi::{
    Reading, ReadingSource, align_pinyin, char_readings, is_hanzi, readings_from_pinyin, standard_characters,
    to_pinyin, words_containing,
};
pub use initial::Initial;
pub use line::{parse_pinyin_line, parse_pinyin_words, writes_tones};
pub use psc::{PscBand, psc_band};
pub use sandhi::{SandhiRule, SurfaceSyllable, surface};
pub use syllable::Syllable;
pub use table::{is_attested, syllable_table};
pub use tone::Tone;
