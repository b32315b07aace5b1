//! The annotation schema: which entity types exist, their labels, colours and keys.
//!
//! Entity types are referred to everywhere by their `id` (`person`); the label is for
//! people and files. The claim type is built in and always on key `c`.
//!
//! Invariant: ids and keys are unique within a schema (checked by [`Schema::new`]).

use thiserror::Error;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntityType {
    pub id: String,
    pub label: String,
    /// A CSS colour for the type's highlight border and legend swatch.
    pub colour: String,
    /// The single key that applies the type to a selection.
    pub key: char,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schema {
    // Invariant: unique ids and keys, none of them the claim key.
    types: Vec<EntityType>,
}

/// The key that turns a selection into a claim.
pub const CLAIM_KEY: char = 'c';

#[derive(Debug, Error, PartialEq, Eq)]
pub enum SchemaError {
    #[error("entity type {0:?} is defined twice")]
    DuplicateId(String),
    #[error("key {0:?} is used by two entity types")]
    DuplicateKey(char),
    #[error("key {0:?} is reserved for claims")]
    ReservedKey(char),
    #[error("an entity type has an empty id")]
    EmptyId,
}

impl Schema {
    pub fn new(types: Vec<EntityType>) -> Result<Schema, SchemaError> {
        for (i, t) in types.iter().enumerate() {
            if t.id.is_empty() {
                return Err(SchemaError::EmptyId);
            }
            if t.key.to_ascii_lowercase() == CLAIM_KEY {
                return Err(SchemaError::ReservedKey(t.key));
            }
            if types[..i].iter().any(|u| u.id == t.id) {
                return Err(SchemaError::DuplicateId(t.id.clone()));
            }
            if types[..i].iter().any(|u| u.key == t.key) {
                return Err(SchemaError::DuplicateKey(t.key));
            }
        }
        Ok(Schema { types })
    }
    pub fn types(&self) -> &[EntityType] {
        &self.types
    }
    pub fn get(&self, id: &str) -> Option<&EntityType> {
        self.types.iter().find(|t| t.id == id)
    }
    pub fn by_key(&self, key: char) -> Option<&EntityType> {
        self.types.iter().find(|t| t.key == key)
    }
    /// The type with this id or label (case-insensitive), as files name them.
    pub fn resolve(&self, name: &str) -> Option<&EntityType> {
        let n = name.trim();
        self.types
            .iter()
            .find(|t| t.id.eq_ignore_ascii_case(n) || t.label.eq_ignore_ascii_case(n))
    }
    /// The label of a type id, or the id itself for a type this schema does not know.
    pub fn label<'a>(&'a self, id: &'a str) -> &'a str {
        self.get(id).map_or(id, |t| t.label.as_str())
    }
}

impl Default for Schema {
    fn default() -> Schema {
        let t = |id: &str, label: &str, colour: &str, key| EntityType {
            id: id.into(),
            label: label.into(),
            colour: colour.into(),
            key,
        };
        Schema {
            types: vec![
                t("person", "Person", "#1d4ed8", '1'),
                t("organization", "Organization", "#047857", '2'),
                t("location", "Location", "#b45309", '3'),
                t("event", "Event", "#7e22ce", '4'),
                t("product", "Product", "#be123c", '5'),
                t("other", "Other", "#475569", '6'),
            ],
        }
    }
}
