//! Every annotation file format by name: what it can carry, how to export to it and
//! import from it, and how to recognise a file. The UI's export menu, the JS API's
//! `exportAs`/`importFrom` and the CLI all go through [`export`] and [`import`], so a
//! format behaves the same everywhere.
//!
//! Invariants: [`Format::ALL`] lists each format once; [`Format::info`] is the single
//! source of the "what each format can't carry" table (README.md is checked against it
//! by a test); an export never fails, it reports what it left out instead.

#[cfg(feature = "formats")]
use crate::core::format::{brat, claimreview, conll, csv, doccano, labelstudio, spacy};
use crate::core::format::{w3c, Carries, Imported};
pub use crate::core::format::{count, label_of, ExportContext, ImportContext, OutFile};
use crate::core::model::{Body, Claim};
use crate::core::schema::Schema;
use thiserror::Error;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    W3c,
    Jsonl,
    Brat,
    Conll,
    Doccano,
    DoccanoRelations,
    LabelStudio,
    Spacy,
    ClaimReview,
    Csv,
}

/// What a format is and what it holds.
#[derive(Clone, Copy, Debug)]
pub struct Info {
    /// The name used by `exportAs`, `importFrom` and the CLI's `--from`/`--to`.
    pub name: &'static str,
    pub title: &'static str,
    /// The file name ending of the (main) file, without a dot.
    pub extension: &'static str,
    pub mime: &'static str,
    pub export: bool,
    pub import: bool,
    /// Holds entity annotations / claim annotations at all.
    pub entities: bool,
    pub claims: bool,
    /// Holds spans that overlap one another.
    pub overlaps: bool,
    pub carries: Carries,
    /// The unit of its positions, as its documentation states.
    pub unit: &'static str,
}

impl Info {
    /// The columns of the "what each format holds" table (README.md, `article-annotator
    /// formats`), in the order of [`Info::COLUMNS`].
    pub fn cells(&self) -> [&'static str; 10] {
        let yes = |b: bool| if b { "yes" } else { "no" };
        [
            yes(self.export),
            yes(self.import),
            self.unit,
            yes(self.claims && self.carries.claimants),
            yes(self.claims && self.carries.verdicts),
            yes(self.claims && self.carries.notes),
            yes(self.overlaps),
            yes(self.carries.orphans),
            yes(self.carries.ids),
            if !self.entities {
                "no"
            } else if self.carries.entities {
                "yes"
            } else if self.carries.groups {
                "groups"
            } else {
                "no"
            },
        ]
    }
    /// The headings of [`Info::cells`].
    pub const COLUMNS: [&'static str; 10] = ["export", "import", "offsets", "claim links", "verdicts", "notes", "overlaps", "orphans", "ids", "entity groups and links"];
}

impl Format {
    pub const ALL: [Format; 10] = [
        Format::W3c,
        Format::Jsonl,
        Format::Brat,
        Format::Conll,
        Format::Doccano,
        Format::DoccanoRelations,
        Format::LabelStudio,
        Format::Spacy,
        Format::ClaimReview,
        Format::Csv,
    ];

    pub fn info(self) -> Info {
        let all = Carries::ALL;
        let spans = Carries::SPANS;
        let i = |name, title, extension, mime, export, import, carries, unit| Info {
            name,
            title,
            extension,
            mime,
            export,
            import,
            entities: true,
            claims: true,
            overlaps: true,
            carries,
            unit,
        };
        match self {
            Format::W3c => i("w3c", "W3C Web Annotation (JSON-LD)", "jsonld", "application/ld+json", true, true, all, "code points"),
            Format::Jsonl => i("jsonl", "W3C annotations, one per line (JSON Lines)", "jsonl", "application/jsonl", true, true, all, "code points"),
            Format::Brat => i(
                "brat",
                "brat standoff (zip of .txt, .ann, annotation.conf)",
                "zip",
                "application/zip",
                true,
                true,
                Carries::BRAT,
                "code points",
            ),
            Format::Conll => Info {
                claims: false,
                overlaps: false,
                ..i("conll", "CoNLL-2003 style IOB2 (entities)", "conll", "text/plain", true, false, spans, "tokens")
            },
            Format::Doccano => i("doccano", "doccano JSONL (text + label)", "jsonl", "application/jsonl", true, true, spans, "code points"),
            Format::DoccanoRelations => i(
                "doccano-relations",
                "doccano JSONL (entities + relations)",
                "jsonl",
                "application/jsonl",
                true,
                true,
                Carries { claimants: true, groups: true, ..spans },
                "code points",
            ),
            Format::LabelStudio => i(
                "label-studio",
                "Label Studio JSON (tasks)",
                "json",
                "application/json",
                true,
                true,
                Carries::LABEL_STUDIO,
                "code points",
            ),
            Format::Spacy => i("spacy", "spaCy / Prodigy JSONL (text + spans)", "jsonl", "application/jsonl", true, true, Carries { entities: true, ..spans }, "code points"),
            Format::ClaimReview => Info {
                entities: false,
                ..i(
                    "claimreview",
                    "ClaimReview JSON-LD (schema.org), claims with a verdict",
                    "jsonld",
                    "application/ld+json",
                    true,
                    false,
                    Carries { ids: false, timestamps: true, creator: true, claimants: true, verdicts: true, notes: true, orphans: true, entities: false, groups: false },
                    "quotes",
                )
            },
            Format::Csv => i("csv", "CSV, one row per annotation", "csv", "text/csv", true, false, Carries { entities: false, groups: false, ..all }, "code points"),
        }
    }

    /// The format with this name (as in [`Info::name`]; a few common spellings too).
    pub fn parse(name: &str) -> Option<Format> {
        let n = name.trim().to_ascii_lowercase().replace('_', "-");
        let f = match n.as_str() {
            "w3c" | "jsonld" | "json-ld" | "json" | "wadm" | "web-annotation" => Format::W3c,
            "jsonl" | "w3c-jsonl" | "ndjson" => Format::Jsonl,
            "brat" | "ann" | "standoff" => Format::Brat,
            "conll" | "iob2" | "iob" | "conll2003" | "conll-2003" => Format::Conll,
            "doccano" => Format::Doccano,
            "doccano-relations" | "doccano-rel" | "doccano-entities" => Format::DoccanoRelations,
            "label-studio" | "labelstudio" | "ls" => Format::LabelStudio,
            "spacy" | "prodigy" => Format::Spacy,
            "claimreview" | "claim-review" => Format::ClaimReview,
            "csv" => Format::Csv,
            _ => return None,
        };
        Some(f)
    }

    /// Names of the formats that can be exported (or imported), for messages.
    pub fn names(export: bool) -> String {
        Format::ALL.iter().map(|f| f.info()).filter(|i| if export { i.export } else { i.import }).map(|i| i.name).collect::<Vec<_>>().join(", ")
    }
}

/// The body for a label read from a file: `Claim` is a claim; a type of the schema by
/// id or label; a common NER tag (`PER`, `ORG`, `LOC`, `GPE`, `MISC`) mapped onto the
/// schema's type when it has one; anything else a type of that name.
pub fn body_for_label(schema: &Schema, label: &str) -> Body {
    let l = label.trim();
    if l.eq_ignore_ascii_case(w3c::CLAIM_TAG) {
        return Body::Claim(Claim::default());
    }
    if let Some(t) = schema.resolve(l).or_else(|| schema.resolve(&l.replace('_', " "))) {
        return Body::Entity(t.id.clone());
    }
    let alias = match l.to_ascii_uppercase().as_str() {
        "PER" | "PERSON" | "PERS" => "person",
        "ORG" | "ORGANISATION" | "NORP" => "organization",
        "LOC" | "GPE" | "FAC" | "PLACE" => "location",
        "EVT" => "event",
        "PROD" => "product",
        "MISC" => "other",
        _ => "",
    };
    match schema.get(alias) {
        Some(t) => Body::Entity(t.id.clone()),
        None => Body::Entity(l.to_string()),
    }
}

/// The files of an export and what the format could not hold, one sentence each.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Exported {
    pub files: Vec<OutFile>,
    pub left_out: Vec<String>,
}

/// The catalog's spelling of a file type (a `&'static str`, as [`OutFile::mime`] holds);
/// one it does not know is `application/octet-stream`.
pub fn known_mime(mime: &str) -> &'static str {
    Format::ALL.iter().map(|f| f.info().mime).find(|m| *m == mime).unwrap_or(match mime {
        "text/plain" => "text/plain",
        _ => "application/octet-stream",
    })
}

/// Pairs brat files by stem: every `.ann` with the `.txt` of the same name (sorted by
/// name); a `.txt` alone is a document without annotations (a `.txt` of another tool's
/// that is not brat, such as a README, is not looked at). Returns `(stem, ann, txt)`
/// index triples into `names`. (Here, not in `corpus::brat`, so that the widget's module
/// pairs dropped files without the formats part.)
pub fn pair_brat(names: &[String]) -> Vec<(String, Option<usize>, Option<usize>)> {
    let mut by_stem: std::collections::BTreeMap<String, (Option<usize>, Option<usize>)> = Default::default();
    for (i, n) in names.iter().enumerate() {
        if let Some(stem) = n.strip_suffix(".ann") {
            by_stem.entry(stem.to_string()).or_default().0 = Some(i);
        } else if let Some(stem) = n.strip_suffix(".txt") {
            by_stem.entry(stem.to_string()).or_default().1 = Some(i);
        }
    }
    let any_ann = by_stem.values().any(|(a, _)| a.is_some());
    by_stem.into_iter().filter(|(_, (a, _))| a.is_some() || !any_ann).map(|(s, (a, t))| (s, a, t)).collect()
}

/// A file name stem made safe for file systems from a document id.
pub fn file_stem(document_id: &str) -> String {
    let safe: String = document_id.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' }).collect();
    let trimmed = safe.trim_matches('-');
    if trimmed.is_empty() {
        "article".into()
    } else {
        trimmed.chars().take(80).collect()
    }
}

/// Exports in `format`. Brat gives three files (the UI zips them, the CLI writes them
/// side by side); every other format one. Never fails: what the format could not hold
/// is listed in [`Exported::left_out`].
#[cfg(feature = "formats")]
pub fn export(format: Format, cx: &ExportContext) -> Exported {
    if let Some(done) = export_here(format, cx) {
        return done;
    }
    let stem = file_stem(cx.document_id);
    let info = format.info();
    let one = |text: String| OutFile { name: format!("{stem}.{}", name_suffix(format)), mime: info.mime, text };
    let mut left_out = Vec::new();
    let orphans = cx.set.iter().filter(|a| a.is_orphan()).count();
    if orphans > 0 && !info.carries.orphans {
        left_out.push(format!("{} without a position in the article ({} files cannot hold them)", count(orphans, "orphaned annotation", "orphaned annotations"), info.name));
    }
    let grouped = cx.set.iter().filter(|a| a.entity.is_some() && !a.body.is_claim()).count();
    let linked = cx.set.iter().filter(|a| a.entity.as_deref().is_some_and(crate::core::entities::is_link) && !a.body.is_claim()).count();
    if info.entities && !info.carries.entities {
        if info.carries.groups && linked > 0 {
            left_out.push(format!("the knowledge-base links of {} ({} files say which mentions are one entity, as relations, but not what it is)", count(linked, "mention", "mentions"), info.name));
        } else if !info.carries.groups && grouped > 0 {
            left_out.push(format!("which entity {} name and {} knowledge-base links ({} files have no place for them; the mentions themselves are written)", if grouped == 1 { "1 mention" } else { "the mentions" }, if grouped == 1 { "its" } else { "their" }, info.name));
        }
    }
    let files = match format {
        Format::W3c | Format::Jsonl => unreachable!("exported by export_here"),
        Format::Brat => brat::export(cx, &stem),
        Format::Conll => vec![one(conll::export(cx, &mut left_out))],
        Format::Doccano => vec![one(doccano::export(cx, false))],
        Format::DoccanoRelations => vec![one(doccano::export(cx, true))],
        Format::LabelStudio => vec![one(labelstudio::export(cx))],
        Format::Spacy => vec![one(spacy::export(cx))],
        Format::ClaimReview => vec![one(claimreview::export(cx, &mut left_out))],
        Format::Csv => vec![one(csv::export(cx))],
    };
    Exported { files, left_out }
}

/// The formats the widget's own module exports (W3C and JSON Lines, which carry
/// everything); `None` for the formats part's.
pub fn export_here(format: Format, cx: &ExportContext) -> Option<Exported> {
    let one = |text: String| OutFile { name: file_name(format, cx.document_id), mime: format.info().mime, text };
    let file = match format {
        Format::W3c => one(w3c::export_string(cx.set, cx.schema, cx.doc, &w3c::ExportMeta { document_id: cx.document_id, source: cx.source })),
        Format::Jsonl => one(w3c::export_lines(cx.set, cx.schema, cx.source)),
        _ => return None,
    };
    Some(Exported { files: vec![file], left_out: Vec::new() })
}

/// The name of an export's (main) file for a document: `<id>.annotations.jsonld`.
pub fn file_name(format: Format, document_id: &str) -> String {
    format!("{}.{}", file_stem(document_id), name_suffix(format))
}

fn name_suffix(format: Format) -> &'static str {
    match format {
        Format::W3c => "annotations.jsonld",
        Format::Jsonl => "annotations.jsonl",
        Format::Brat => "brat.zip",
        Format::Conll => "conll",
        Format::Doccano => "doccano.jsonl",
        Format::DoccanoRelations => "doccano-relations.jsonl",
        Format::LabelStudio => "label-studio.json",
        Format::Spacy => "spacy.jsonl",
        Format::ClaimReview => "claimreview.jsonld",
        Format::Csv => "annotations.csv",
    }
}

/// An import that could not read the file at all.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ImportError {
    #[error("{0} files can be exported but not imported; importable formats: {1}")]
    NotImportable(&'static str, String),
    #[error("{0}")]
    Unreadable(String),
}

/// Reads a file of `format` into annotations anchored in `doc`. `companion` is the
/// brat `.txt` the `.ann` counts in, when there is one. `now` stamps annotations whose
/// file carries no dates. Per-item problems are issues in the result; only a file that
/// cannot be read at all is an error.
#[cfg(feature = "formats")]
pub fn import(format: Format, text: &str, companion: Option<&str>, cx: &ImportContext) -> Result<Imported, ImportError> {
    if let Some(done) = import_here(format, text, cx) {
        return done;
    }
    let (doc, schema, now) = (cx.doc, cx.schema, cx.now);
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let imported = match format {
        Format::W3c | Format::Jsonl => unreachable!("imported by import_here"),
        Format::Brat => brat::import(text, companion, doc, schema, now),
        Format::Doccano | Format::DoccanoRelations => doccano::import(text, doc, schema, now),
        Format::LabelStudio => labelstudio::import(text, doc, schema, now).map_err(ImportError::Unreadable)?,
        Format::Spacy => spacy::import(text, doc, schema, now),
        Format::Conll | Format::ClaimReview | Format::Csv => {
            return Err(ImportError::NotImportable(format.info().name, Format::names(false)));
        }
    };
    Ok(said_empty(imported, text))
}

/// The formats the widget's own module imports (W3C and JSON Lines); `None` for the
/// formats part's.
pub fn import_here(format: Format, text: &str, cx: &ImportContext) -> Option<Result<Imported, ImportError>> {
    let (doc, schema, now) = (cx.doc, cx.schema, cx.now);
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let imported = match format {
        Format::W3c => w3c::import(text, doc, schema, now).map_err(|e| ImportError::Unreadable(e.to_string())),
        Format::Jsonl => Ok(w3c::import_lines(text, doc, schema, now)),
        _ => return None,
    };
    Some(imported.map(|i| said_empty(i, text)))
}

/// An import of nothing from a file of nothing says so.
fn said_empty(mut imported: Imported, text: &str) -> Imported {
    if imported.annotations.is_empty() && imported.issues.is_empty() && text.trim().is_empty() {
        imported.issues.push(crate::core::format::ImportIssue { location: "file".into(), field: String::new(), message: "the file is empty".into() });
    }
    imported
}

/// Guesses a file's format from its name and first bytes; `None` when nothing fits.
pub fn sniff(name: &str, text: &str) -> Option<Format> {
    let lower = name.to_ascii_lowercase();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text).trim_start();
    if lower.ends_with(".ann") || text.starts_with("PK\u{3}\u{4}") || lower.ends_with(".zip") {
        return Some(Format::Brat);
    }
    if text.starts_with('T') && text.split(['\t', ' ']).next().is_some_and(|t| t.len() > 1 && t[1..].bytes().all(|b| b.is_ascii_digit())) {
        return Some(Format::Brat);
    }
    let first_line = text.lines().next().unwrap_or("");
    let json_line = serde_json::from_str::<serde_json::Value>(first_line).ok().filter(|v| v.is_object());
    let many_lines = text.lines().filter(|l| !l.trim().is_empty()).take(2).count() > 1;
    if let Some(v) = json_line.filter(|_| many_lines || lower.ends_with(".jsonl") || lower.ends_with(".ndjson")) {
        if v.get("target").is_some() {
            return Some(Format::Jsonl);
        }
        if v.get("entities").is_some() {
            return Some(Format::DoccanoRelations);
        }
        if v.get("spans").is_some() {
            return Some(Format::Spacy);
        }
        if v.get("label").is_some() || v.get("labels").is_some() || v.get("column_data").is_some() {
            return Some(Format::Doccano);
        }
        if v.get("data").is_some() {
            return Some(Format::LabelStudio);
        }
    }
    // The keys of the first object are enough: read them without building the file.
    // The first value only: pretty-printed records may follow one another (doccano, Prodigy).
    let Some(Ok(FirstKeys(keys))) = serde_json::Deserializer::from_str(text).into_iter::<FirstKeys>().next() else {
        // Not JSON at all: go by the name, so the importer can say what is wrong and where.
        return match lower.rsplit('.').next() {
            Some("jsonld" | "json") => Some(Format::W3c),
            Some("jsonl" | "ndjson") => Some(Format::Jsonl),
            _ => None,
        };
    };
    let has = |k: &str| keys.iter().any(|x| x == k);
    if has("data") && (has("annotations") || has("completions") || has("predictions")) {
        return Some(Format::LabelStudio);
    }
    if has("text") && has("spans") {
        return Some(Format::Spacy);
    }
    if has("text") && has("entities") {
        return Some(Format::DoccanoRelations);
    }
    if (has("text") && (has("label") || has("labels"))) || has("column_data") {
        return Some(Format::Doccano);
    }
    Some(Format::W3c)
}

/// The keys of a JSON file's top-level object, or of the first object of a top-level
/// array; everything else is skimmed without being kept.
struct FirstKeys(Vec<String>);

impl<'de> serde::Deserialize<'de> for FirstKeys {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<FirstKeys, D::Error> {
        use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};
        struct Keys;
        impl<'de> Visitor<'de> for Keys {
            type Value = FirstKeys;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object or an array of objects")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FirstKeys, A::Error> {
                let mut keys = Vec::new();
                while let Some(k) = map.next_key::<String>()? {
                    map.next_value::<IgnoredAny>()?;
                    keys.push(k);
                }
                Ok(FirstKeys(keys))
            }
            // Any other value has no keys (the importer then says what it expected).
            fn visit_bool<E>(self, _: bool) -> Result<FirstKeys, E> {
                Ok(FirstKeys(Vec::new()))
            }
            fn visit_i64<E>(self, _: i64) -> Result<FirstKeys, E> {
                Ok(FirstKeys(Vec::new()))
            }
            fn visit_u64<E>(self, _: u64) -> Result<FirstKeys, E> {
                Ok(FirstKeys(Vec::new()))
            }
            fn visit_f64<E>(self, _: f64) -> Result<FirstKeys, E> {
                Ok(FirstKeys(Vec::new()))
            }
            fn visit_str<E>(self, _: &str) -> Result<FirstKeys, E> {
                Ok(FirstKeys(Vec::new()))
            }
            fn visit_unit<E>(self) -> Result<FirstKeys, E> {
                Ok(FirstKeys(Vec::new()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<FirstKeys, A::Error> {
                let first = seq.next_element::<FirstKeys>()?.unwrap_or(FirstKeys(Vec::new()));
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(first)
            }
        }
        d.deserialize_any(Keys)
    }
}

/// [`import`] for a file's bytes: a brat export may come zipped; everything else must
/// be UTF-8 text.
#[cfg(feature = "formats")]
pub fn import_bytes(format: Format, bytes: &[u8], companion: Option<&str>, cx: &ImportContext) -> Result<Imported, ImportError> {
    let (doc, schema, now) = (cx.doc, cx.schema, cx.now);
    if format == Format::Brat && bytes.starts_with(b"PK\x03\x04") {
        return brat::import_zip(bytes, doc, schema, now).map_err(ImportError::Unreadable);
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|e| ImportError::Unreadable(format!("the file is not UTF-8 text (invalid byte at offset {})", e.valid_up_to())))?;
    import(format, text, companion, &ImportContext { doc, schema, now })
}

/// [`sniff`] for a file's bytes.
pub fn sniff_bytes(name: &str, bytes: &[u8]) -> Option<Format> {
    if bytes.starts_with(b"PK\x03\x04") {
        return Some(Format::Brat);
    }
    sniff(name, &String::from_utf8_lossy(bytes))
}
