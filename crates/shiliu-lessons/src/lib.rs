//! Lesson packs for Shiliu: the format of `lessons/FORMAT.md`, its validation and coverage
//! report, the built-in packs compiled into the app, and signed add-on packs carried on USB
//! sticks.
//!
//! * [`Pack`] holds a [`Manifest`] and its [`Unit`]s of [`Item`]s, with [`PackId`], [`UnitId`]
//!   and [`ItemId`] newtypes (progress is keyed on item ids).
//! * [`check`] validates a pack against the format and the pinyin dictionary and reports
//!   [`Coverage`]: which initials, finals, tones, sandhi rules and contrasts it drills.
//! * [`Item::surface`] and [`Item::target_contour`] give what an item sounds like after sandhi
//!   and the pitch curve to aim for.
//! * [`builtin_packs`] loads (once) and checks the packs embedded from the workspace `lessons/`.
//! * [`build_pack`] writes a signed `.shiliupack`; [`verify_pack`] and [`install_pack`] check
//!   one against the [`trusted_keys`] and install it atomically into `<data>/packs/<id>/`;
//!   [`all_packs`] is what the app offers.
//!
//! ```
//! use shiliu_lessons::{Item, ItemKind};
//!
//! let item: Item = toml::from_str(r#"
//!     id = "starter.u10.0001"
//!     kind = "word"
//!     hanzi = "你好"
//!     pinyin = "ni3 hao3"
//!     gloss = { en = "hello" }
//! "#)?;
//! assert_eq!(item.kind, ItemKind::Word);
//! assert_eq!(item.surface_marked()?, "ní hǎo"); // 3 + 3 → 2 + 3
//! assert_eq!(item.target_contour()?.len(), 2 * shiliu_pinyin::POINTS_PER_SYLLABLE);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Every error is a [`LessonError`] with a stable [`LessonError::code`].

mod archive;
mod check;
mod coverage;
mod derive;
mod embedded;
mod error;
mod fsutil;
mod ids;
mod install;
mod keys;
mod load;
mod model;
mod paths;

pub use archive::{
    FORMAT_VERSION, FileEntry, Limits, MANIFEST_JSON, MANIFEST_SIG, PACK_EXTENSION, SignedManifest, VerifiedPack,
    build_pack, verify_pack,
};
pub use check::{APP_VERSION, CheckReport, Issue, check, check_dir};
pub use coverage::{Counts, Coverage, UnitCoverage, coverage};
pub use embedded::{builtin_folders, builtin_pack_ids, builtin_packs, embedded_bytes};
pub use error::{LessonError, Result};
pub use ids::{ItemId, PackId, UnitId, is_valid_item_id, is_valid_pack_id, is_valid_unit_id};
pub use install::{
    InstallOptions, Installed, StagedPack, all_packs, install_pack, installed_packs, installed_publisher, stage_pack,
};
pub use keys::{
    BUILTIN_TRUSTED_KEYS, PublicKey, SecretKey, TRUSTED_KEYS_FILE, TrustedKey, trust_key, trusted_keys, write_keypair,
};
pub use load::{PACK_TOML, UNITS_DIR};
pub use model::{Focus, Item, ItemKind, Manifest, Pack, PackOrigin, Text, Unit, sandhi_name};
pub use paths::check_relative;
