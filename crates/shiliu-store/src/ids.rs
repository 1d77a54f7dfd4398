//! Newtype ids, all made by one macro.
//!
//! Rows that a peer may receive have UUIDv7 ids: globally unique without coordination, so the
//! rows of many classroom PCs merge, and time-ordered, so indexes on them stay append-mostly.
//! They are stored as their lowercase hyphenated text, readable in any SQLite browser.
//!
//! Lesson packs name their own packs, units and items; those ids are text chosen by the pack
//! author and are only wrapped here so they cannot be mixed up with each other.

macro_rules! id {
    ($(#[$meta:meta])* uuid $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(uuid::Uuid);

        impl $name {
            /// A fresh, time-ordered (UUIDv7) id.
            pub fn new() -> $name {
                $name(uuid::Uuid::now_v7())
            }

            pub fn uuid(&self) -> uuid::Uuid {
                self.0
            }

            /// The last 8 hex digits, to tell ids apart in labels and file names: the first
            /// ones are the creation time, the same for ids made within a minute.
            pub fn short(&self) -> String {
                self.0.simple().to_string()[24..].to_owned()
            }
        }

        impl Default for $name {
            fn default() -> $name {
                $name::new()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = crate::StoreError;
            fn from_str(s: &str) -> crate::Result<$name> {
                uuid::Uuid::parse_str(s.trim())
                    .map($name)
                    .map_err(|e| crate::StoreError::invalid(stringify!($name), format!("{s:?} is not an id: {e}")))
            }
        }

        impl rusqlite::ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(rusqlite::types::ToSqlOutput::from(self.to_string()))
            }
        }

        impl rusqlite::types::FromSql for $name {
            fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<$name> {
                let text = v.as_str()?;
                uuid::Uuid::parse_str(text).map($name).map_err(|e| rusqlite::types::FromSqlError::Other(Box::new(e)))
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<$name, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
    ($(#[$meta:meta])* text $name:ident) => {
        $(#[$meta])*
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

        impl From<&str> for $name {
            fn from(s: &str) -> $name {
                $name(s.to_owned())
            }
        }

        impl rusqlite::ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                self.0.to_sql()
            }
        }

        impl rusqlite::types::FromSql for $name {
            fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<$name> {
                String::column_result(v).map($name)
            }
        }
    };
}

id!(
    /// A PC running Shiliu (created on the database's first open).
    uuid DeviceId
);
id!(
    /// A school: the unit that owns classes, teachers and students.
    uuid FacilityId
);
id!(uuid ClassId);
id!(uuid TeacherId);
id!(uuid StudentId);
id!(
    /// One scored reading of one item by one student.
    uuid AttemptId
);
id!(
    /// A student recording kept for the teacher to listen to.
    uuid RecordingId
);
id!(
    /// Audio a teacher recorded as the model reading of an item.
    uuid ReferenceAudioId
);
id!(
    /// A losing version kept aside by the sync layer.
    uuid ConflictId
);
id!(
    /// A lesson pack ("basics", "tibetan-learners").
    text PackId
);
id!(
    /// A unit inside a pack.
    text UnitId
);
id!(
    /// An item (a word, a minimal pair, a sentence) inside a pack.
    text ItemId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_ids_are_distinct_and_increase_with_time() {
        let a = StudentId::new();
        let b = StudentId::new();
        assert_ne!(a, b);
        assert!(a < b, "UUIDv7 ids sort by creation time");
        assert_eq!(a.uuid().get_version_num(), 7);
    }

    #[test]
    fn an_id_reads_back_from_its_text() {
        let a = AttemptId::new();
        let text = a.to_string();
        assert_eq!(text.len(), 36);
        assert_eq!(text.parse::<AttemptId>().unwrap(), a);
        assert_eq!(serde_json::to_string(&a).unwrap(), format!("\"{text}\""));
        assert_eq!(serde_json::from_str::<AttemptId>(&format!("\"{text}\"")).unwrap(), a);
    }

    #[test]
    fn text_that_is_not_an_id_is_refused_with_the_input_code() {
        let e = "not-an-id".parse::<ClassId>().unwrap_err();
        assert_eq!(e.code(), "store.invalid_input");
    }
}
