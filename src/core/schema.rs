//! The annotation schema: which entity types exist, their labels, colours and keys.
//!
//! Entity types are referred to everywhere by their `id` (`person`); the label is for
//! people and files. The claim type is built in and always on key `c`.
//!
//! Invariant: ids and keys are unique within a schema (checked by [`Schema::new`]).

use crate::core::model::Verdict;
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
    // Invariant: the verdicts a reader can choose, each once, `Unverified` first; labels
    // non-empty.
    verdicts: Vec<(Verdict, String)>,
}

fn default_verdicts() -> Vec<(Verdict, String)> {
    Verdict::ALL.iter().map(|v| (*v, v.label().to_string())).collect()
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
    #[error("entity type {0:?}: colour {1:?} is not a CSS colour (#rgb, #rrggbb, rgb(…), hsl(…) or a colour name)")]
    BadColour(String, String),
    #[error("{0}")]
    Invalid(String),
}

/// True for the CSS colours a schema may use: `#rgb`, `#rgba`, `#rrggbb`, `#rrggbbaa`,
/// `rgb(…)`, `rgba(…)`, `hsl(…)`, `hsla(…)` with numbers only, or a colour name. Schema
/// colours are written into a stylesheet, so nothing else gets through.
pub fn is_css_colour(s: &str) -> bool {
    let s = s.trim();
    if let Some(hex) = s.strip_prefix('#') {
        return matches!(hex.len(), 3 | 4 | 6 | 8) && hex.bytes().all(|b| b.is_ascii_hexdigit());
    }
    for f in ["rgb(", "rgba(", "hsl(", "hsla("] {
        if let Some(rest) = s.get(..f.len()).filter(|p| p.eq_ignore_ascii_case(f)).and(s.get(f.len()..)) {
            return rest.strip_suffix(')').is_some_and(|args| {
                !args.trim().is_empty() && args.bytes().all(|b| b.is_ascii_digit() || b" .,%/+-".contains(&b) || b == b'd' || b == b'e' || b == b'g')
            });
        }
    }
    (3..=24).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphabetic())
}

impl Schema {
    pub fn new(types: Vec<EntityType>) -> Result<Schema, SchemaError> {
        for (i, t) in types.iter().enumerate() {
            if t.id.is_empty() {
                return Err(SchemaError::EmptyId);
            }
            if !is_css_colour(&t.colour) {
                return Err(SchemaError::BadColour(t.id.clone(), t.colour.clone()));
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
        Ok(Schema { types, verdicts: default_verdicts() })
    }
    pub fn types(&self) -> &[EntityType] {
        &self.types
    }
    /// The verdicts offered for claims, in the host's order, with their labels.
    pub fn verdicts(&self) -> &[(Verdict, String)] {
        &self.verdicts
    }
    /// The label a reader sees for a verdict (the host's, or the built-in one).
    pub fn verdict_label(&self, v: Verdict) -> &str {
        self.verdicts.iter().find(|(x, _)| *x == v).map_or(v.label(), |(_, l)| l.as_str())
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

/// One entity type as a host writes it in JSON.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct TypeIn {
    id: String,
    #[serde(default)]
    label: Option<String>,
    #[serde(alias = "color")]
    colour: String,
    key: String,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct VerdictIn {
    id: String,
    #[serde(default)]
    label: Option<String>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct SchemaIn {
    types: Vec<TypeIn>,
    #[serde(default)]
    verdicts: Option<Vec<VerdictIn>>,
}

impl Schema {
    /// Reads a host's schema: `{"types": [{"id", "label", "colour" (or "color"), "key"}]}`.
    /// Errors name the field: `types[2].key: expected one character, got "12"`.
    pub fn from_json(text: &str) -> Result<Schema, SchemaError> {
        let raw: SchemaIn = serde_json::from_str(text).map_err(|e| SchemaError::Invalid(format!("schema is not valid: {e}")))?;
        if raw.types.is_empty() {
            return Err(SchemaError::Invalid("schema.types must list at least one entity type".into()));
        }
        let mut types = Vec::with_capacity(raw.types.len());
        for (i, t) in raw.types.into_iter().enumerate() {
            let mut keys = t.key.chars();
            let key = match (keys.next(), keys.next()) {
                (Some(k), None) if !k.is_whitespace() => k,
                _ => return Err(SchemaError::Invalid(format!("schema.types[{i}].key: expected one character, got {:?}", t.key))),
            };
            let id = t.id.trim().to_string();
            if id.chars().any(char::is_whitespace) {
                return Err(SchemaError::Invalid(format!("schema.types[{i}].id: {id:?} must not contain spaces")));
            }
            let label = t.label.filter(|l| !l.trim().is_empty()).unwrap_or_else(|| id.clone());
            types.push(EntityType { id, label: label.trim().to_string(), colour: t.colour.trim().to_string(), key });
        }
        let mut schema = Schema::new(types)?;
        if let Some(list) = raw.verdicts {
            let mut verdicts: Vec<(Verdict, String)> = Vec::new();
            for (i, v) in list.into_iter().enumerate() {
                let names = Verdict::ALL.map(|x| x.as_str()).join(", ");
                let verdict = Verdict::parse(&v.id)
                    .ok_or_else(|| SchemaError::Invalid(format!("schema.verdicts[{i}].id: {:?} is not a verdict; expected one of {names}", v.id)))?;
                if verdicts.iter().any(|(x, _)| *x == verdict) {
                    return Err(SchemaError::Invalid(format!("schema.verdicts[{i}].id: {:?} is listed twice", v.id)));
                }
                let label = v.label.map(|l| l.trim().to_string()).filter(|l| !l.is_empty()).unwrap_or_else(|| verdict.label().to_string());
                verdicts.push((verdict, label));
            }
            // A new claim is unverified: that choice is always offered, first.
            match verdicts.iter().position(|(x, _)| *x == Verdict::Unverified) {
                Some(k) => {
                    let u = verdicts.remove(k);
                    verdicts.insert(0, u);
                }
                None => verdicts.insert(0, (Verdict::Unverified, Verdict::Unverified.label().to_string())),
            }
            schema.verdicts = verdicts;
        }
        Ok(schema)
    }
}

impl Schema {
    /// The schema as [`Schema::from_json`] reads it back, equal: its types and verdicts.
    pub fn to_json(&self) -> String {
        let types: Vec<serde_json::Value> = self
            .types
            .iter()
            .map(|t| serde_json::json!({"id": t.id, "label": t.label, "colour": t.colour, "key": t.key.to_string()}))
            .collect();
        let verdicts: Vec<serde_json::Value> = self.verdicts.iter().map(|(v, l)| serde_json::json!({"id": v.as_str(), "label": l})).collect();
        serde_json::json!({"types": types, "verdicts": verdicts}).to_string()
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
            verdicts: default_verdicts(),
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
