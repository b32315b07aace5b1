//! Paints annotations with the CSS Custom Highlight API: one `Highlight` per kind
//! (`aa1-person`, …, `aa1-claim`, prefixed per widget by its [`Theme`]) in the page's
//! `CSS.highlights` registry, holding one DOM `Range` per annotation. The article's DOM
//! is never changed.
//!
//! Only the annotations near the viewport are registered: those that meet the *band*,
//! the chunks of blocks (see [`crate::core::html`]) within three quarters of a viewport
//! height above and below what is visible
//! ([`crate::core::viewport`] says why: Chromium rebuilds the markers of every registered
//! range after any DOM or style change, so the cost of each change follows the number
//! registered). The article view moves the band as the page scrolls or resizes
//! ([`HighlightLayer::follow_view`]); printing paints everything.
//!
//! [`HighlightLayer::sync`] diffs the session against what is painted and touches only
//! the annotations that changed, so an edit costs its own ranges, not the article.
//! Several widgets on a page never share a highlight: each has its own prefix, and
//! removes its names when it goes away ([`HighlightLayer::clear`]).
//!
//! Invariants: `painted` holds exactly the ranges this layer added to the registry, and
//! after every sync or band move they are exactly the anchored annotations that meet the
//! band; a block's text nodes are cached once, which is sound because blocks never
//! re-render.

use crate::core::document::Document;
use crate::core::html::CHUNK;
use crate::core::model::{Annotation, AnnotationId};
use crate::core::offset::{CharOffset, CharRange};
use crate::core::session::Session;
use crate::core::viewport::{self, Extent};
use crate::ui::theme::Theme;
use std::collections::HashMap;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{Element, Highlight, Range, Text};

pub use crate::ui::theme::{CURRENT, FLASH, PENDING, SUGGESTED};
use crate::ui::theme::CLAIM;

struct Painted {
    range: Range,
    /// Index into [`HighlightLayer::kinds`] (a name per annotation cost 0.4 MB at 10k).
    kind: u16,
    at: CharRange,
}

/// Painting priorities: claims under entities, the cursor and flashes on top.
fn priority(name: &str) -> i32 {
    let part = name.split_once('-').map_or(name, |(_, p)| p);
    match part {
        CLAIM => 0,
        SUGGESTED => 3,
        PENDING => 5,
        CURRENT => 10,
        FLASH => 20,
        _ => 1,
    }
}

/// Articles of up to this many chunks (of [`CHUNK`] blocks) are painted whole, with no
/// band and no layout read.
const WHOLE_UP_TO: usize = 8;

pub struct HighlightLayer {
    article: Element,
    theme: Rc<Theme>,
    painted: HashMap<AnnotationId, Painted>,
    /// Every highlight this layer painted annotations in: its name and the `Highlight`.
    kinds: Vec<(String, Highlight)>,
    /// Every block element, by block index (found in one pass, on first use).
    blocks: Option<Vec<Element>>,
    /// Every chunk element (`CHUNK` blocks each), in order, on first use.
    chunks: Option<Vec<Element>>,
    /// Per block: its text nodes and the UTF-16 offset (within the block) each starts at.
    nodes: HashMap<usize, Vec<(usize, Text)>>,
    /// Ranges painted for the flash, cursor and pending selection.
    extra: HashMap<String, Range>,
    /// The suggestions on offer (their version and ranges), and the DOM ranges of those
    /// in the band, painted in the `suggested` highlight.
    suggestions: (u64, Vec<CharRange>),
    suggested: Vec<Range>,
    /// The session revision painted; `None` before the first sync.
    synced: Option<u64>,
    /// The document range of the band painted; `None` before it is first measured.
    band: Option<CharRange>,
    /// The band's blocks (inclusive); `None` when everything is painted.
    band_blocks: Option<(usize, usize)>,
    /// Paint every annotation, whatever the band (while the page prints).
    everything: bool,
}

/// The page's highlight registry, `CSS.highlights`.
fn registry() -> web_sys::HighlightRegistry {
    web_sys::css::JsNamespaceCss::highlights()
}

fn highlight(name: &str) -> Option<Highlight> {
    let registry = registry();
    if let Some(h) = registry.get(name) {
        return Some(h);
    }
    let h = Highlight::new(&[]).ok()?;
    h.set_priority(priority(name));
    registry.set(name, &h);
    Some(h)
}

/// True when this browser can paint highlights.
pub fn supported() -> bool {
    let css = js_sys::Reflect::get(&js_sys::global(), &"CSS".into()).unwrap_or_default();
    js_sys::Reflect::has(&css, &"highlights".into()).unwrap_or(false)
}

impl HighlightLayer {
    pub fn new(article: Element, theme: Rc<Theme>) -> HighlightLayer {
        HighlightLayer { article, theme, painted: HashMap::new(), kinds: Vec::new(), blocks: None, chunks: None, nodes: HashMap::new(), extra: HashMap::new(), suggestions: (u64::MAX, Vec::new()), suggested: Vec::new(), synced: None, band: None, band_blocks: None, everything: false }
    }

    /// Every block element, by block index.
    fn blocks(&mut self) -> &[Element] {
        let article = &self.article;
        self.blocks.get_or_insert_with(|| {
            let Ok(list) = article.query_selector_all("[data-block]") else { return Vec::new() };
            let mut blocks: Vec<Element> = (0..list.length()).filter_map(|i| list.item(i)?.dyn_into().ok()).collect();
            // Document order is block order; check rather than trust it.
            blocks.sort_by_key(|e| e.get_attribute("data-block").and_then(|v| v.parse::<usize>().ok()).unwrap_or(usize::MAX));
            blocks
        })
    }

    fn block_nodes(&mut self, block: usize) -> Option<&Vec<(usize, Text)>> {
        if !self.nodes.contains_key(&block) {
            let el = self.blocks().get(block)?.clone();
            self.nodes.insert(block, crate::ui::dom::text_nodes(&el)?);
        }
        self.nodes.get(&block)
    }

    /// The DOM point of a document offset: a text node and a UTF-16 offset in it.
    fn point(&mut self, doc: &Document, at: CharOffset, is_end: bool) -> Option<(Text, u32)> {
        let (b, local) = crate::ui::dom::block_point(doc, at, is_end)?;
        crate::ui::dom::point_in_nodes(self.block_nodes(b)?, local, is_end)
    }

    /// A DOM range for a document range.
    pub fn dom_range(&mut self, doc: &Document, r: CharRange) -> Option<Range> {
        let (sn, so) = self.point(doc, r.start(), false)?;
        let (en, eo) = self.point(doc, r.end(), true)?;
        let range = self.article.owner_document()?.create_range().ok()?;
        range.set_start(&sn, so).ok()?;
        range.set_end(&en, eo).ok()?;
        Some(range)
    }

    fn unpaint(&mut self, id: &AnnotationId) {
        if let Some(p) = self.painted.remove(id) {
            if let Some((_, h)) = self.kinds.get(usize::from(p.kind)) {
                h.delete(&p.range);
            }
        }
    }

    /// The index of the highlight named `name`, registering it on first use.
    fn kind(&mut self, name: &str) -> Option<u16> {
        if let Some(i) = self.kinds.iter().position(|(n, _)| n == name) {
            return u16::try_from(i).ok();
        }
        let h = highlight(name)?;
        self.kinds.push((name.to_string(), h));
        u16::try_from(self.kinds.len() - 1).ok()
    }

    /// The blocks from `from` to `to` viewport heights below the top of the viewport
    /// (`-1.0` is one height above it), in whole chunks (see [`crate::core::html`]);
    /// `None` while printing, when there is no window to measure, or for an article of at
    /// most [`WHOLE_UP_TO`] chunks (then everything is painted, and no layout is read:
    /// a short article's first paint forces none). Only chunks' boxes are read: a block's box inside a chunk the browser
    /// skips would force that chunk's layout. Chunks stack down the article, so their
    /// boxes are in order and no slack is needed.
    fn measure(&mut self, from: f64, to: f64) -> Option<(usize, usize)> {
        let view = web_sys::window().and_then(|w| w.inner_height().ok()).and_then(|h| h.as_f64());
        let (false, Some(view)) = (self.everything, view) else { return None };
        let blocks = self.blocks().len();
        if blocks <= WHOLE_UP_TO * CHUNK {
            return None;
        }
        let article = &self.article;
        let chunks = self.chunks.get_or_insert_with(|| {
            let Ok(list) = article.query_selector_all(":scope > .aa-chunk") else { return Vec::new() };
            (0..list.length()).filter_map(|i| list.item(i)?.dyn_into().ok()).collect()
        });
        let extent = |i: usize| {
            let r = chunks[i].get_bounding_client_rect();
            Extent { top: r.top(), bottom: r.bottom() }
        };
        let (first, last) = viewport::band(chunks.len(), extent, from * view, to * view)?;
        let end = ((last + 1) * CHUNK).min(blocks);
        (first * CHUNK < end).then(|| (first * CHUNK, end - 1))
    }

    /// Measures a new band: the chunks within three quarters of a viewport height above
    /// and below what is visible (1.5 was measured: 2.5 ms more of each selection gesture
    /// at 100k words x 10k, as every change rebuilds the markers of what is registered,
    /// for no less main-thread work while scrolling). Its document range, or the whole document.
    fn new_band(&mut self, doc: &Document) -> Option<CharRange> {
        let whole = CharRange::new(CharOffset(0), doc.len_chars());
        self.band_blocks = self.measure(-0.75, 1.75);
        self.band_blocks.and_then(|b| viewport::chars(doc, b)).or(whole)
    }

    /// True when an annotation at `at` is to be painted.
    fn wanted(&self, at: CharRange) -> bool {
        self.band.is_some_and(|b| b.meets(&at))
    }

    /// Brings the painted ranges in line with the session, touching only the annotations
    /// the session's change log names since the last sync (all of them after a load).
    pub fn sync(&mut self, session: &Session) {
        if self.band.is_none() {
            self.band = self.new_band(&session.doc);
        }
        let changed = self.synced.and_then(|rev| session.changed_since(rev));
        self.synced = Some(session.revision());
        let Some(changed) = changed else { return self.sync_all(session) };
        for id in changed {
            match session.annotations().get(id) {
                Some(a) => self.paint(a, &session.doc),
                None => self.unpaint(id),
            }
        }
    }

    /// Moves the band to where the page now is (after a scroll or a resize) and paints
    /// what came into it, unpainting what left it. The band moves only when what is
    /// visible, and a quarter of a viewport height around it, is no longer inside it, so
    /// a steady scroll moves it about every half viewport height, not at every block.
    /// Cheap when it does not move: a bisection over the chunks' boxes, which reads
    /// layout but never forces one after a scroll.
    pub fn follow_view(&mut self, session: &Session) {
        if self.synced.is_none() {
            return;
        }
        let need = self.measure(-0.25, 1.25);
        let covered = match (need, self.band_blocks) {
            (Some((lo, hi)), Some((first, last))) => first <= lo && hi <= last,
            // Everything is painted, and everything is wanted (printing, or no window).
            (None, None) => true,
            _ => false,
        };
        if covered {
            return;
        }
        self.band = self.new_band(&session.doc);
        self.sync_all(session);
        self.paint_suggestions(&session.doc);
    }

    /// Paints everything (the page is about to print) or goes back to the band.
    pub fn set_everything(&mut self, on: bool, session: &Session) {
        self.everything = on;
        self.follow_view(session);
    }

    /// Paints one annotation if it meets the band (or unpaints it), unless it is painted
    /// as it is.
    fn paint(&mut self, a: &Annotation, doc: &Document) {
        let Some(at) = a.target.range.filter(|&at| self.wanted(at)) else { return self.unpaint(&a.id) };
        let Some(kind) = self.kind(&self.theme.highlight_of(a)) else { return };
        if self.painted.get(&a.id).is_some_and(|p| p.at == at && p.kind == kind) {
            return;
        }
        self.unpaint(&a.id);
        let Some(range) = self.dom_range(doc, at) else { return };
        if let Some((_, h)) = self.kinds.get(usize::from(kind)) {
            h.add(&range);
            self.painted.insert(a.id.clone(), Painted { range, kind, at });
        }
    }

    /// Compares every annotation with what is painted: unpaints what is gone or out of
    /// the band, paints what meets it. Only what meets the band costs more than a
    /// comparison.
    fn sync_all(&mut self, session: &Session) {
        let gone: Vec<AnnotationId> = self
            .painted
            .iter()
            .filter(|(id, p)| !self.wanted(p.at) || session.annotations().get(id).is_none_or(|a| a.target.range != Some(p.at)))
            .map(|(id, _)| id.clone())
            .collect();
        for id in gone {
            self.unpaint(&id);
        }
        for a in session.annotations().iter() {
            if a.target.range.is_some_and(|at| self.wanted(at)) {
                self.paint(a, &session.doc);
            }
        }
    }

    /// Paints the suggestions on offer (those in the band) when their version is not the
    /// one painted.
    pub fn sync_suggestions(&mut self, session: &Session) {
        let list = session.suggestions();
        if self.suggestions.0 == list.version() {
            return;
        }
        self.suggestions = (list.version(), list.list().iter().map(|s| s.range).collect());
        self.paint_suggestions(&session.doc);
    }

    fn paint_suggestions(&mut self, doc: &Document) {
        let name = self.theme.name(SUGGESTED);
        let Some(h) = highlight(&name) else { return };
        for r in self.suggested.drain(..) {
            h.delete(&r);
        }
        let wanted: Vec<CharRange> = self.suggestions.1.iter().copied().filter(|&r| self.wanted(r)).collect();
        for r in wanted {
            if let Some(range) = self.dom_range(doc, r) {
                h.add(&range);
                self.suggested.push(range);
            }
        }
    }

    /// Paints (or, with `None`, removes) one of the extra highlights over a document range.
    pub fn set_extra(&mut self, part: &'static str, doc: &Document, r: Option<CharRange>) {
        let name = self.theme.name(part);
        if let Some(old) = self.extra.remove(&name) {
            if let Some(h) = registry().get(&name) {
                h.delete(&old);
            }
        }
        if let Some(range) = r.and_then(|r| self.dom_range(doc, r)) {
            if let Some(h) = highlight(&name) {
                h.add(&range);
                self.extra.insert(name, range);
            }
        }
    }

    /// The DOM range of one of the extra highlights, if it is painted.
    pub fn extra_range(&self, part: &'static str) -> Option<&Range> {
        self.extra.get(&self.theme.name(part))
    }

    /// Removes every range this layer painted (the widget is going away).
    pub fn clear(&mut self) {
        let ids: Vec<AnnotationId> = self.painted.keys().cloned().collect();
        for id in ids {
            self.unpaint(&id);
        }
        if let Some(h) = registry().get(&self.theme.name(SUGGESTED)) {
            for r in self.suggested.drain(..) {
                h.delete(&r);
            }
        }
        for (name, range) in self.extra.drain() {
            if let Some(h) = registry().get(&name) {
                h.delete(&range);
            }
        }
        // The names are this widget's own: take them out of the registry.
        for n in self.theme.names() {
            registry().delete(&n);
        }
    }
}
