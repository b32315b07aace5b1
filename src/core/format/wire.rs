//! The plain data between the widget's two wasm modules (issue 18): the widget's own
//! module, which a first paint needs, and the *formats part*, loaded on first use, which
//! holds the Markdown reader and every file format but W3C, JSON Lines and the stored
//! form. Each request and reply is one JSON text, so the two modules share no memory,
//! no classes and no Rust types across the boundary, only this module's source.
//!
//! The widget's side ([`export_request`], [`exported_from`], [`import_request`],
//! [`imported_from`], [`document_from`]) is always compiled; the part's side
//! ([`serve_export`], [`serve_import`], [`serve_markdown`]) only with the `formats`
//! feature. Native tests put the two sides back to back and check that every format's
//! export through them is byte for byte the direct one.
//!
//! Invariants: a document crosses as its canonical text and its blocks, and the reader
//! rebuilds it through [`DocumentBuilder`], refusing one whose text does not come out
//! the same; annotations cross in the stored form ([`StoredAnnotation`]) with their
//! positions, and a position is taken only where the document's text there is the
//! annotation's quote (otherwise it is an orphan, as a stale position would be); no
//! reader here panics on any input, and every error names what was wrong.

use crate::core::document::{Block, BlockKind, Document, DocumentBuilder, Image, Inline, InlineKind};
use crate::core::format::stored::StoredAnnotation;
use crate::core::format::{Carries, ImportIssue, Imported};
use crate::core::model::{Annotation, Timestamp};
use crate::core::offset::CharRange;
use crate::core::schema::Schema;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// A document as plain data: its canonical text, each block's kind and range, its
/// inline marks and images. Ranges count code points.
#[derive(Serialize, Deserialize, Debug, PartialEq)]
pub struct DocWire<'a> {
    text: Cow<'a, str>,
    blocks: Vec<BlockWire>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    images: Vec<ImageWire>,
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct BlockWire {
    k: String,
    s: usize,
    e: usize,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    i: Vec<InlineWire>,
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct InlineWire {
    k: String,
    s: usize,
    e: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    href: Option<String>,
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct ImageWire {
    before: usize,
    src: String,
    alt: String,
}

fn kind_name(k: &BlockKind) -> Cow<'static, str> {
    Cow::Borrowed(match k {
        BlockKind::Headline => "headline",
        BlockKind::Byline => "byline",
        BlockKind::Dateline => "dateline",
        BlockKind::Caption => "caption",
        BlockKind::Paragraph => "p",
        BlockKind::Heading(n) => return Cow::Owned(format!("h{n}")),
        BlockKind::Quote => "quote",
        BlockKind::ListItem => "li",
        BlockKind::Label => "label",
        BlockKind::Related => "related",
        BlockKind::Source => "source",
    })
}

fn kind_of(name: &str) -> Option<BlockKind> {
    Some(match name {
        "headline" => BlockKind::Headline,
        "byline" => BlockKind::Byline,
        "dateline" => BlockKind::Dateline,
        "caption" => BlockKind::Caption,
        "p" => BlockKind::Paragraph,
        "quote" => BlockKind::Quote,
        "li" => BlockKind::ListItem,
        "label" => BlockKind::Label,
        "related" => BlockKind::Related,
        "source" => BlockKind::Source,
        h => match h.strip_prefix('h').and_then(|n| n.parse::<u8>().ok()) {
            Some(n @ 2..=6) => BlockKind::Heading(n),
            _ => return None,
        },
    })
}

fn inline_wire(i: &Inline, block_start: usize) -> InlineWire {
    let href = match &i.kind {
        InlineKind::Link(u) => Some(u.clone()),
        _ => None,
    };
    InlineWire { k: i.kind.tag().into(), s: i.range.start().0 - block_start, e: i.range.end().0 - block_start, href }
}

fn inline_kind(w: &InlineWire) -> Option<InlineKind> {
    Some(match (w.k.as_str(), &w.href) {
        ("a", Some(u)) if crate::core::url::is_link_url(u) => InlineKind::Link(u.clone()),
        ("em", _) => InlineKind::Emphasis,
        ("strong", _) => InlineKind::Strong,
        ("code", _) => InlineKind::Code,
        ("sub", _) => InlineKind::Subscript,
        ("sup", _) => InlineKind::Superscript,
        _ => return None,
    })
}

impl<'a> DocWire<'a> {
    pub fn of(doc: &'a Document) -> DocWire<'a> {
        let blocks = doc
            .blocks()
            .iter()
            .map(|b: &Block| {
                let s = b.range.start().0;
                BlockWire { k: kind_name(&b.kind).into_owned(), s, e: b.range.end().0, i: b.inlines.iter().map(|i| inline_wire(i, s)).collect() }
            })
            .collect();
        let images = doc.images().iter().map(|i: &Image| ImageWire { before: i.before, src: i.src.clone(), alt: i.alt.clone() }).collect();
        DocWire { text: Cow::Borrowed(doc.text()), blocks, images }
    }

    /// The document again; an error says what does not fit.
    pub fn into_document(self) -> Result<Document, String> {
        let text = self.text.as_ref();
        // Blocks come in order: one walk along the text finds each one's bytes (the
        // builder makes the document's own index once, at the end).
        let mut chars = text.char_indices().map(|(at, _)| at).chain(std::iter::once(text.len())).enumerate();
        let mut byte_at = |want: usize| chars.find(|(n, _)| *n == want).map(|(_, at)| at);
        let mut b = DocumentBuilder::default();
        let mut images = self.images.iter().peekable();
        let mut last_end = 0usize;
        for (n, block) in self.blocks.iter().enumerate() {
            while let Some(img) = images.next_if(|i| i.before <= n) {
                b.push_image(&img.src, &img.alt);
            }
            let kind = kind_of(&block.k).ok_or_else(|| format!("blocks[{n}].k: {:?} is not a block kind", block.k))?;
            let bad = || format!("blocks[{n}]: {}..{} is not a range of the text", block.s, block.e);
            if block.s >= block.e || block.s < last_end {
                return Err(bad());
            }
            let (Some(from), Some(to)) = (byte_at(block.s), byte_at(block.e)) else { return Err(bad()) };
            let slice = &text[from..to];
            last_end = block.e;
            let len = block.e - block.s;
            let inlines = block
                .i
                .iter()
                .filter_map(|w| Some(Inline { range: CharRange::from_usize(w.s.min(len), w.e.min(len))?, kind: inline_kind(w)? }))
                .collect();
            b.push(kind, slice, inlines);
        }
        for img in images {
            b.push_image(&img.src, &img.alt);
        }
        let doc = b.finish();
        if doc.text() != text {
            return Err("the blocks do not make up the text (each block is separated from the next by one blank line)".into());
        }
        Ok(doc)
    }
}

/// Annotations read back, each anchored where its position's text is its quote, an
/// orphan otherwise. Items that cannot be read are issues.
fn annotations_from(list: Vec<StoredAnnotation<'_>>, doc: &Document, issues: &mut Vec<ImportIssue>) -> Vec<Annotation> {
    let mut out = Vec::with_capacity(list.len());
    for (n, s) in list.into_iter().enumerate() {
        match s.into_annotation() {
            Ok((mut a, position)) => {
                if let Some(r) = position.filter(|r| doc.slice(*r) == Some(a.target.quote.exact())) {
                    a.target.range = Some(r);
                }
                out.push(a);
            }
            Err((field, message)) => issues.push(ImportIssue { location: format!("annotation {}", n + 1), field: field.into(), message: message.into() }),
        }
    }
    out
}

/// What the formats part needs to export.
#[derive(Serialize, Deserialize)]
pub struct ExportRequest<'a> {
    pub format: Cow<'a, str>,
    pub document_id: Cow<'a, str>,
    pub source: Cow<'a, str>,
    pub schema: Cow<'a, str>,
    #[serde(borrow)]
    pub doc: DocWire<'a>,
    pub annotations: Vec<StoredAnnotation<'a>>,
}

#[derive(Serialize, Deserialize)]
struct ExportedWire {
    files: Vec<FileWire>,
    left_out: Vec<String>,
}

#[derive(Serialize, Deserialize)]
struct FileWire {
    name: String,
    mime: String,
    text: String,
}

/// The request for an export of `format` (by its name in [`Format::parse`](crate::core::format::catalog::Format::parse)).
pub fn export_request(format: &str, cx: &crate::core::format::ExportContext) -> String {
    let req = ExportRequest {
        format: Cow::Borrowed(format),
        document_id: Cow::Borrowed(cx.document_id),
        source: Cow::Borrowed(cx.source),
        schema: Cow::Owned(cx.schema.to_json()),
        doc: DocWire::of(cx.doc),
        annotations: cx.set.iter().map(StoredAnnotation::of).collect(),
    };
    serde_json::to_string(&req).unwrap_or_default()
}

/// The part's reply to an export, read back. A file's type is one of the catalog's.
pub fn exported_from(reply: &str) -> Result<crate::core::format::catalog::Exported, String> {
    let w: ExportedWire = serde_json::from_str(reply).map_err(|e| format!("the formats part's export could not be read: {e}"))?;
    let files = w
        .files
        .into_iter()
        .map(|f| crate::core::format::OutFile { name: f.name, mime: crate::core::format::catalog::known_mime(&f.mime), text: f.text })
        .collect();
    Ok(crate::core::format::catalog::Exported { files, left_out: w.left_out })
}

/// What the formats part needs to import a file.
#[derive(Serialize, Deserialize)]
pub struct ImportRequest<'a> {
    /// The format's name; `None` to recognise it from the file's name and content.
    pub format: Option<Cow<'a, str>>,
    /// The files: one (with `companion`, the brat `.txt` its `.ann` counts in), or with
    /// `corpus`, brat `.ann` and `.txt` files paired by name.
    pub files: Vec<FileIn<'a>>,
    #[serde(default)]
    pub companion: Option<Cow<'a, str>>,
    #[serde(default)]
    pub corpus: bool,
    pub schema: Cow<'a, str>,
    #[serde(borrow)]
    pub doc: DocWire<'a>,
    pub now: i64,
}

/// One file of an import: its name, and its text or (a zip) its bytes.
#[derive(Serialize, Deserialize)]
pub struct FileIn<'a> {
    pub name: Cow<'a, str>,
    /// The file's text, when it is UTF-8.
    #[serde(default)]
    pub text: Option<Cow<'a, str>>,
    /// The file's bytes as hexadecimal, when it is not text (a zip).
    #[serde(default)]
    pub hex: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct ImportedWire<'a> {
    #[serde(borrow)]
    annotations: Vec<StoredAnnotation<'a>>,
    issues: Vec<(String, String, String)>,
    carries: [bool; 9],
    other_documents: usize,
}

#[cfg(feature = "formats")]
fn carries_bits(c: Carries) -> [bool; 9] {
    [c.ids, c.timestamps, c.creator, c.claimants, c.verdicts, c.notes, c.orphans, c.entities, c.groups]
}

fn carries_of(b: [bool; 9]) -> Carries {
    Carries { ids: b[0], timestamps: b[1], creator: b[2], claimants: b[3], verdicts: b[4], notes: b[5], orphans: b[6], entities: b[7], groups: b[8] }
}

/// How an import request's files are read.
#[derive(Clone, Copy, Debug, Default)]
pub struct ImportShape<'a> {
    /// The format's name; `None` to recognise it from the file's name and content.
    pub format: Option<&'a str>,
    /// The brat `.txt` a single `.ann` counts in.
    pub companion: Option<&'a str>,
    /// The files are brat `.ann` and `.txt` files, paired by name (a corpus).
    pub corpus: bool,
}

/// Bytes as lower-case hexadecimal, two digits each.
fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
}

/// The request to import `files` (each a name and its bytes) into `doc`.
pub fn import_request(shape: ImportShape, files: &[(&str, &[u8])], doc: &Document, schema: &Schema, now: Timestamp) -> String {
    let files = files
        .iter()
        .map(|(name, bytes)| match std::str::from_utf8(bytes) {
            Ok(t) => FileIn { name: Cow::Borrowed(name), text: Some(Cow::Borrowed(t)), hex: None },
            Err(_) => FileIn { name: Cow::Borrowed(name), text: None, hex: Some(hex(bytes)) },
        })
        .collect();
    let req = ImportRequest {
        format: shape.format.map(Cow::Borrowed),
        files,
        companion: shape.companion.map(Cow::Borrowed),
        corpus: shape.corpus,
        schema: Cow::Owned(schema.to_json()),
        doc: DocWire::of(doc),
        now: now.0,
    };
    serde_json::to_string(&req).unwrap_or_default()
}

/// The part's reply to an import, read back: annotations anchored in `doc` as the part
/// anchored them (a position is taken only where the text there is the quote).
pub fn imported_from(reply: &str, doc: &Document) -> Result<Imported, String> {
    let w: ImportedWire = serde_json::from_str(reply).map_err(|e| format!("the formats part's import could not be read: {e}"))?;
    let mut issues: Vec<ImportIssue> = w.issues.into_iter().map(|(location, field, message)| ImportIssue { location, field, message }).collect();
    let annotations = annotations_from(w.annotations, doc, &mut issues);
    Ok(Imported { annotations, issues, carries: carries_of(w.carries), other_documents: w.other_documents })
}

/// A document sent by the part (the Markdown reader's), read back.
pub fn document_from(reply: &str) -> Result<Document, String> {
    let w: DocWire = serde_json::from_str(reply).map_err(|e| format!("the formats part's document could not be read: {e}"))?;
    w.into_document()
}

/// The document as the part's request carries it.
pub fn document_json(doc: &Document) -> String {
    serde_json::to_string(&DocWire::of(doc)).unwrap_or_default()
}

#[cfg(feature = "formats")]
pub use serve::*;

/// The formats part's side: each function takes a request's JSON and returns its
/// reply's, or an error message for the caller to show.
#[cfg(feature = "formats")]
mod serve {
    use super::*;
    use crate::core::format::catalog::{self, Format};

    fn schema_of(text: &str) -> Result<Schema, String> {
        Schema::from_json(text).map_err(|e| e.to_string())
    }

    /// Exports as the request says.
    pub fn serve_export(request: &str) -> Result<String, String> {
        let req: ExportRequest = serde_json::from_str(request).map_err(|e| format!("the export request could not be read: {e}"))?;
        let format = Format::parse(&req.format).ok_or_else(|| format!("unknown export format {:?}; expected one of {}", req.format, Format::names(true)))?;
        let schema = schema_of(&req.schema)?;
        let doc = req.doc.into_document()?;
        let mut issues = Vec::new();
        let list = annotations_from(req.annotations, &doc, &mut issues);
        if let Some(i) = issues.first() {
            return Err(format!("the export request's {i}"));
        }
        let (set, _) = crate::core::merge::set_of(list);
        let out = catalog::export(format, &crate::core::format::ExportContext { set: &set, schema: &schema, doc: &doc, document_id: &req.document_id, source: &req.source });
        let w = ExportedWire { files: out.files.into_iter().map(|f| FileWire { name: f.name, mime: f.mime.into(), text: f.text }).collect(), left_out: out.left_out };
        serde_json::to_string(&w).map_err(|e| e.to_string())
    }

    fn bytes_of(f: &FileIn) -> Result<Vec<u8>, String> {
        match (&f.text, &f.hex) {
            (Some(t), _) => Ok(t.as_bytes().to_vec()),
            (None, Some(h)) if h.len() % 2 == 0 => {
                let digit = |c: u8| char::from(c).to_digit(16);
                h.as_bytes()
                    .chunks(2)
                    .enumerate()
                    .map(|(i, pair)| match (digit(pair[0]), digit(pair[1])) {
                        (Some(a), Some(b)) => Ok((a * 16 + b) as u8),
                        _ => Err(format!("{}: not hexadecimal at {}", f.name, 2 * i)),
                    })
                    .collect()
            }
            _ => Err(format!("{}: neither text nor bytes", f.name)),
        }
    }

    /// Imports as the request says: one file, an `.ann` with its `.txt`, or several brat
    /// documents (a corpus, of which the article's are taken).
    pub fn serve_import(request: &str) -> Result<String, String> {
        let req: ImportRequest = serde_json::from_str(request).map_err(|e| format!("the import request could not be read: {e}"))?;
        let schema = schema_of(&req.schema)?;
        let doc = req.doc.into_document()?;
        let now = Timestamp(req.now);
        let files: Vec<(String, Vec<u8>)> = req.files.iter().map(|f| Ok((f.name.to_string(), bytes_of(f)?))).collect::<Result<_, String>>()?;
        let cx = catalog::ImportContext { doc: &doc, schema: &schema, now };
        let imported = if req.corpus {
            let names: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
            let pairs = crate::core::corpus::brat::pair(&names);
            let brat: Vec<_> = pairs.iter().filter(|(_, a, _)| a.is_some()).collect();
            let text = |i: usize| std::str::from_utf8(&files[i].1).map_err(|e| format!("{} is not UTF-8 text (invalid byte at offset {})", files[i].0, e.valid_up_to()));
            let texts: Vec<(String, &str, Option<&str>)> =
                brat.iter().map(|(stem, a, t)| Ok((stem.clone(), text(a.unwrap_or_default())?, t.map(text).transpose()?))).collect::<Result<_, String>>()?;
            crate::core::format::brat::import_corpus(&texts, &doc, &schema, now)
        } else {
            let (name, bytes) = files.first().ok_or("the import request has no file")?;
            let format = match &req.format {
                Some(f) => Format::parse(f).ok_or_else(|| format!("unknown import format {f:?}; expected one of {}", Format::names(false)))?,
                None => catalog::sniff_bytes(name, bytes).ok_or_else(|| format!("the format of {name} is not one we read ({})", Format::names(false)))?,
            };
            catalog::import_bytes(format, bytes, req.companion.as_deref(), &cx).map_err(|e| e.to_string())?
        };
        let w = ImportedWire {
            annotations: imported.annotations.iter().map(StoredAnnotation::of).collect(),
            issues: imported.issues.into_iter().map(|i| (i.location, i.field, i.message)).collect(),
            carries: carries_bits(imported.carries),
            other_documents: imported.other_documents,
        };
        serde_json::to_string(&w).map_err(|e| e.to_string())
    }

    /// Reads a Markdown article; the reply is its document.
    pub fn serve_markdown(markdown: &str) -> String {
        document_json(&crate::core::article::parse_markdown(markdown))
    }
}

