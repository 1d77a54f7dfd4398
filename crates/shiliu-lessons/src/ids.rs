//! Newtype ids for packs, units and items.
//!
//! Progress is keyed on item ids, so they are never bare strings across module boundaries: a
//! unit id cannot be passed where an item id is expected. Parsing accepts any string so a pack
//! with a malformed id still loads and `check` can say what is wrong with it; the `is_valid_*`
//! functions hold the rules.

/// Declares a string newtype id that serialises as the bare string.
macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn new(id: impl Into<String>) -> $name {
                $name(id.into())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> $name {
                $name(id.to_owned())
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
    };
}

string_id!(
    /// A pack's id: `[a-z0-9-]`, unique among packs (`starter`).
    PackId
);
string_id!(
    /// A unit's id: `<pack id>.<name>` (`starter.u02`); stable, never reused.
    UnitId
);
string_id!(
    /// An item's id: `<unit id>.<4 digits>` (`starter.u02.0001`); progress is keyed on it.
    ItemId
);

/// `[a-z0-9-]`, starting and ending with a letter or digit. The id becomes a folder name in the
/// data directory, so nothing else is allowed.
pub fn is_valid_pack_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-')
}

/// `<pack id>.<name>` where the name is `[a-z0-9_-]`.
pub fn is_valid_unit_id(id: &str, pack: &PackId) -> bool {
    id.strip_prefix(pack.as_str()).and_then(|rest| rest.strip_prefix('.')).is_some_and(|name| {
        !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
    })
}

/// `<unit id>.<4 digits>`.
pub fn is_valid_item_id(id: &str, unit: &UnitId) -> bool {
    id.strip_prefix(unit.as_str())
        .and_then(|rest| rest.strip_prefix('.'))
        .is_some_and(|n| n.len() == 4 && n.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_ids_are_lowercase_letters_digits_and_hyphens() {
        for ok in ["starter", "psc-mock", "tibetan-2"] {
            assert!(is_valid_pack_id(ok), "{ok}");
        }
        for bad in ["", "Starter", "my pack", "../x", "a.b", "-x", "x-", "包"] {
            assert!(!is_valid_pack_id(bad), "{bad}");
        }
    }

    #[test]
    fn unit_ids_start_with_their_pack_id() {
        let pack = PackId::new("starter");
        assert!(is_valid_unit_id("starter.u02", &pack));
        assert!(!is_valid_unit_id("starter.", &pack));
        assert!(!is_valid_unit_id("other.u02", &pack));
        assert!(!is_valid_unit_id("starteru02", &pack));
        assert!(!is_valid_unit_id("starter.U02", &pack));
    }

    #[test]
    fn item_ids_are_their_unit_id_and_four_digits() {
        let unit = UnitId::new("starter.u02");
        assert!(is_valid_item_id("starter.u02.0001", &unit));
        assert!(!is_valid_item_id("starter.u02.1", &unit));
        assert!(!is_valid_item_id("starter.u03.0001", &unit));
        assert!(!is_valid_item_id("starter.u02.00a1", &unit));
    }

    #[test]
    fn ids_serialise_as_bare_strings_and_compare_with_str() {
        let id = ItemId::new("starter.u02.0001");
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"starter.u02.0001\"");
        assert_eq!(id, "starter.u02.0001");
        assert_eq!(id.to_string(), "starter.u02.0001");
    }
}
