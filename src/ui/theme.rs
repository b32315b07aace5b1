//! Per-widget names and styles that depend on the schema: each mounted widget gets its own
//! highlight-name prefix (`aa1-`, `aa2-`, …) in the page-wide `CSS.highlights` registry,
//! and a stylesheet generated from its schema's colours (legend swatches, toolbar
//! buttons, `::highlight()` rules).
//!
//! Invariants: two widgets on a page never share a highlight name; only colours that
//! pass [`is_css_colour`](crate::core::schema::is_css_colour) reach a stylesheet (the
//! schema refuses others), and class and highlight names are made of `a-z0-9-` only.

use crate::core::model::{Annotation, Body};
use crate::core::schema::Schema;
use std::cell::Cell;

/// Name parts of the highlights that are not entity types.
pub const CLAIM: &str = "claim";
pub const FLASH: &str = "flash";
pub const CURRENT: &str = "current";
pub const PENDING: &str = "pending";
/// Other mentions on offer, not yet annotations ([`crate::core::mentions`]).
pub const SUGGESTED: &str = "suggested";
/// The name part of entity types the schema does not know.
pub const OTHER: &str = "other";
const RESERVED: [&str; 5] = [CLAIM, FLASH, CURRENT, PENDING, SUGGESTED];

thread_local! {
    static NEXT: Cell<u32> = const { Cell::new(1) };
}

/// A class or highlight name part made only of `a-z0-9-`, from any type id.
pub fn css_ident(s: &str) -> String {
    let v: String = s.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    if v.is_empty() { "unknown".into() } else { v }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Theme {
    /// This widget's highlight-name prefix, e.g. `aa3-`.
    pub prefix: String,
    /// `(type id, class/highlight name part)`, unique within the schema.
    idents: Vec<(String, String)>,
}

impl Theme {
    /// A theme for a new widget (a fresh prefix).
    pub fn new(schema: &Schema) -> Theme {
        let n = NEXT.with(|c| {
            let n = c.get();
            c.set(n + 1);
            n
        });
        let mut idents: Vec<(String, String)> = Vec::new();
        for (i, t) in schema.types().iter().enumerate() {
            let mut ident = css_ident(&t.id);
            if RESERVED.contains(&ident.as_str()) || idents.iter().any(|(_, x)| *x == ident) {
                ident = format!("{ident}-{i}");
            }
            idents.push((t.id.clone(), ident));
        }
        Theme { prefix: format!("aa{n}-"), idents }
    }

    /// The class-name part of an entity type (`other` for types the schema lacks).
    pub fn ident(&self, type_id: &str) -> &str {
        self.idents.iter().find(|(id, _)| id == type_id).map_or(OTHER, |(_, x)| x.as_str())
    }

    /// Every registry name this widget may use.
    pub fn names(&self) -> impl Iterator<Item = String> + '_ {
        let parts = self.idents.iter().map(|(_, x)| x.as_str()).chain(std::iter::once(OTHER)).chain(RESERVED);
        parts.map(|x| self.name(x))
    }

    /// The highlight name for an annotation.
    pub fn highlight_of(&self, a: &Annotation) -> String {
        match &a.body {
            Body::Claim(_) => self.name(CLAIM),
            Body::Entity(t) => self.name(self.ident(t)),
        }
    }

    /// A registry name for a name part (`claim`, `flash`, a type's ident).
    pub fn name(&self, part: &str) -> String {
        format!("{}{part}", self.prefix)
    }

    /// The schema-dependent stylesheet. A type is never told by its colour alone: each
    /// of the first [`PATTERNS`] types has its own underline (solid, double, dotted,
    /// dashed, wavy, thick), which its legend swatch repeats; claims are overlined. In
    /// forced-colours mode the highlights take the system's mark colours, and keep their
    /// lines.
    pub fn css(&self, schema: &Schema) -> String {
        let p = &self.prefix;
        let mut out = String::new();
        for (i, t) in schema.types().iter().enumerate() {
            let (x, c) = (self.ident(&t.id), t.colour.trim());
            let (style, width) = PATTERNS[i % PATTERNS.len()];
            out.push_str(&format!(
                ".aa-root .aa-sw-{x} {{ background: color-mix(in srgb, {c} 22%, #fff); border-color: {c}; }}\n\
                 .aa-root .aa-sw-{x}::after {{ content: \"\\00a0\\00a0\\00a0\"; display: block; font-size: .55rem; line-height: .6rem; overflow: hidden; text-decoration: underline {width} {style} {c}; }}\n\
                 .aa-root .aa-tag-{x} {{ border-left-color: {c}; }}\n"
            ));
        }
        if !self.idents.iter().any(|(_, x)| x == OTHER) {
            // Types the schema does not know (from an import) are painted grey.
            out.push_str(".aa-root .aa-sw-other { background: #e2e8f0; border-color: #475569; }\n");
        }
        out.push_str(&self.annotation_rules(schema, p));
        out.push_str(&format!(
            "::highlight({p}pending) {{ background-color: rgba(9, 105, 218, .18); }}\n\
             ::highlight({p}suggested) {{ background-color: rgba(130, 80, 223, .10); text-decoration: underline overline 2px dotted #8250df; }}\n\
             ::highlight({p}current) {{ background-color: #0969da; color: #fff; }}\n\
             ::highlight({p}flash) {{ background-color: #fcd34d; color: #1f2328; }}\n"
        ));
        // Forced colours (Windows high contrast): the page's colours are replaced, so the
        // highlights use the system's own, and their lines stay.
        let names: Vec<String> = self.names().map(|n| format!("::highlight({n})")).collect();
        out.push_str(&format!(
            "@media (forced-colors: active) {{\n{} {FORCED_MARK}\n::highlight({p}current), ::highlight({p}flash) {{ background-color: Highlight; color: HighlightText; }}\n}}\n",
            names.join(", ")
        ));
        out
    }

    /// The `::highlight()` rules of the annotations themselves (each type, types the
    /// schema lacks, claims), their names prefixed with `p`.
    fn annotation_rules(&self, schema: &Schema, p: &str) -> String {
        let mut out = String::new();
        for (i, t) in schema.types().iter().enumerate() {
            let (x, c) = (self.ident(&t.id), t.colour.trim());
            let (style, width) = PATTERNS[i % PATTERNS.len()];
            out.push_str(&format!("::highlight({p}{x}) {{ background-color: color-mix(in srgb, {c} 22%, transparent); text-decoration: underline {width} {style} {c}; }}\n"));
        }
        if !self.idents.iter().any(|(_, x)| x == OTHER) {
            out.push_str(&format!("::highlight({p}other) {{ background-color: rgba(100, 116, 139, .2); text-decoration: underline 2px solid #475569; }}\n"));
        }
        out.push_str(&format!("::highlight({p}claim) {{ background-color: rgba(251, 146, 60, .12); text-decoration: overline 2px dashed #c2410c; }}\n"));
        out
    }

    /// What `element.js` needs to paint a previous visit's highlights on the page's own
    /// article before the widget is fetched (README, "When it loads"): each type id's
    /// name part, and the annotations' rules with `@@` where the name prefix goes. JSON,
    /// kept beside the stored annotations ([`paint_key`]).
    pub fn paint_style(&self, schema: &Schema) -> String {
        let types: serde_json::Map<String, serde_json::Value> = self.idents.iter().map(|(id, x)| (id.clone(), serde_json::Value::from(x.as_str()))).collect();
        let mut names: Vec<String> = self.idents.iter().map(|(_, x)| format!("::highlight(@@{x})")).collect();
        names.push(format!("::highlight(@@{OTHER})"));
        names.push(format!("::highlight(@@{CLAIM})"));
        let css = format!(
            "{}@media (forced-colors: active) {{\n{} {FORCED_MARK}\n}}\n",
            self.annotation_rules(schema, "@@"),
            names.join(", ")
        );
        serde_json::json!({"v": 1, "types": types, "css": css}).to_string()
    }
}

/// In forced colours (Windows high contrast) the page's colours are replaced: the
/// annotations' highlights take the system's mark colours, and keep their lines.
const FORCED_MARK: &str = "{ background-color: Mark; color: MarkText; text-decoration-color: CanvasText; }";

/// The storage key of a document's paint style ([`Theme::paint_style`]), beside its
/// annotations' `article-annotator/v1/<id>`.
pub fn paint_key(document_id: &str) -> String {
    format!("article-annotator/paint/v1/{document_id}")
}

/// The underline of the first types, in schema order: style and thickness (the seventh
/// type takes the first again; its label, in the tooltip, the editor and the panel, still
/// names it).
pub const PATTERNS: [(&str, &str); 6] = [("solid", "2px"), ("double", "3px"), ("dotted", "2px"), ("dashed", "2px"), ("wavy", "1px"), ("solid", "4px")];

/// A type's class-name part under `theme` (from a Yew context), or derived from the id.
pub fn ident_in(theme: Option<&Theme>, type_id: &str) -> String {
    theme.map_or_else(|| css_ident(type_id), |t| t.ident(type_id).to_string())
}
