//! The DOM side of offsets, and small browser helpers.
//!
//! The DOM counts UTF-16 code units inside text nodes; [`point_to_char`] turns a DOM
//! point into a document [`CharOffset`] by measuring the text from the start of its block
//! (each block element carries `data-block="<index>"`) and converting through the
//! document's [`TextIndex`](crate::core::offset::TextIndex); [`block_point`] and
//! [`point_in_nodes`] go the other way (the highlights, and [`select_range`]). This is
//! the only place that does either.
//!
//! Invariant: block elements contain exactly their block's text (no decorations in
//! text nodes), so the text measured equals the canonical text.

use crate::core::document::Document;
use crate::core::model::{AnnotationId, Timestamp};
use crate::core::offset::{Bias, CharOffset, CharRange};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, Node};

pub fn now() -> Timestamp {
    Timestamp(js_sys::Date::now() as i64)
}

/// A fresh `urn:uuid:` id from the browser's random source.
pub fn random_id() -> AnnotationId {
    let mut b = [0u8; 16];
    let ok = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut b).is_ok());
    if !ok {
        for x in b.iter_mut() {
            *x = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    AnnotationId::from_random(b)
}

/// The block element containing `node`, and its index.
pub fn block_of(node: &Node) -> Option<(Element, usize)> {
    let el = match node.dyn_ref::<Element>() {
        Some(e) => e.clone(),
        None => node.parent_element()?,
    };
    let block = el.closest("[data-block]").ok()??;
    let idx = block.get_attribute("data-block")?.parse().ok()?;
    Some((block, idx))
}

/// A DOM point (node, offset) as a document offset. Points outside every block (between
/// blocks, or on the container) go to the nearest block edge in reading order.
pub fn point_to_char(doc: &Document, article: &Element, node: &Node, offset: u32, bias: Bias) -> Option<CharOffset> {
    let document = article.owner_document()?;
    if let Some((block_el, idx)) = block_of(node).filter(|(b, _)| article.contains(Some(b))) {
        let r = document.create_range().ok()?;
        r.set_start(&block_el, 0).ok()?;
        r.set_end(node, offset).ok()?;
        let local = r.to_string().length() as usize;
        return doc.char_in_block(idx, local, bias);
    }
    // Outside a block: find the first block at or after the point.
    let blocks = article.query_selector_all("[data-block]").ok()?;
    for i in 0..blocks.length() {
        let el = blocks.item(i)?;
        let r = document.create_range().ok()?;
        r.select_node_contents(&el).ok()?;
        if r.compare_point(node, offset).ok()? <= 0 {
            let idx: usize = el.dyn_ref::<Element>()?.get_attribute("data-block")?.parse().ok()?;
            return doc.blocks().get(idx).map(|b| b.range.start());
        }
    }
    Some(doc.len_chars())
}

/// The reader's current selection inside `article`, as a document range and its
/// bounding box. `None` when there is no selection or it is collapsed or elsewhere.
pub fn selection_in(doc: &Document, article: &Element) -> Option<(CharRange, web_sys::DomRect)> {
    let range = selection_range(article)?;
    if range.collapsed() {
        return None;
    }
    let (sc, so, ec, eo) = (range.start_container().ok()?, range.start_offset().ok()?, range.end_container().ok()?, range.end_offset().ok()?);
    if !article.contains(Some(&sc)) && !article.contains(Some(&ec)) {
        return None;
    }
    let start = point_to_char(doc, article, &sc, so, Bias::Backward)?;
    let end = point_to_char(doc, article, &ec, eo, Bias::Forward)?;
    Some((CharRange::new(start, end)?, range.get_bounding_client_rect()))
}

fn call(target: &JsValue, name: &str, args: &[JsValue]) -> Option<JsValue> {
    let f: js_sys::Function = js_sys::Reflect::get(target, &JsValue::from_str(name)).ok()?.dyn_into().ok()?;
    f.apply(target, &args.iter().collect::<js_sys::Array>()).ok()
}

/// `{shadowRoots: [root]}`, the option that lets selection and caret APIs see into the
/// widget's shadow root.
fn shadow_option(root: &web_sys::ShadowRoot) -> JsValue {
    let o = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&o, &"shadowRoots".into(), &js_sys::Array::of1(root));
    o.into()
}

/// A block element's text nodes, each with the UTF-16 offset it starts at in the block.
pub fn text_nodes(block: &Element) -> Option<Vec<(usize, web_sys::Text)>> {
    let walker = block.owner_document()?.create_tree_walker_with_what_to_show(block, 4).ok()?;
    let mut list = Vec::new();
    let mut at = 0usize;
    while let Ok(Some(n)) = walker.next_node() {
        if let Ok(t) = n.dyn_into::<web_sys::Text>() {
            let len = t.length() as usize;
            list.push((at, t));
            at += len;
        }
    }
    Some(list)
}

/// The block a document offset is drawn in and its UTF-16 offset there; an offset in a
/// separator is the end of the block before (`is_end`) or the start of the block after.
pub fn block_point(doc: &Document, at: CharOffset, is_end: bool) -> Option<(usize, usize)> {
    let b = doc.block_at(at).or_else(|| {
        let k = doc.blocks().partition_point(|b| b.range.end() < at);
        if is_end { k.checked_sub(1) } else { (k < doc.blocks().len()).then_some(k) }
    })?;
    Some((b, doc.utf16_in_block(b, at)?))
}

/// The DOM point of a block-local UTF-16 offset among the block's [`text_nodes`]: the last
/// node starting at or before it (at a boundary, the node that ends there for an end, the
/// one that starts there for a start).
pub fn point_in_nodes(nodes: &[(usize, web_sys::Text)], local: usize, is_end: bool) -> Option<(web_sys::Text, u32)> {
    let k = if is_end { nodes.partition_point(|(s, _)| *s < local) } else { nodes.partition_point(|(s, _)| *s <= local) };
    let (start, node) = nodes.get(k.saturating_sub(1))?;
    Some((node.clone(), (local - start).min(node.length() as usize) as u32))
}

/// Makes a document range the reader's selection in the article (as if they had
/// selected it); false if the article does not show it.
pub fn select_range(doc: &Document, article: &Element, r: CharRange) -> bool {
    let (Some((sn, so)), Some((en, eo))) = (article_point(doc, article, r.start(), false), article_point(doc, article, r.end(), true)) else { return false };
    let Some(sel) = web_sys::window().and_then(|w| w.get_selection().ok().flatten()) else { return false };
    sel.set_base_and_extent(&sn, so, &en, eo).is_ok()
}

/// The DOM point of a document offset in the article (a text node, a UTF-16 offset).
fn article_point(doc: &Document, article: &Element, at: CharOffset, is_end: bool) -> Option<(web_sys::Text, u32)> {
    let (b, local) = block_point(doc, at, is_end)?;
    let block = article.query_selector(&format!("[data-block=\"{b}\"]")).ok()??;
    point_in_nodes(&text_nodes(&block)?, local, is_end)
}

/// Whether a document range is drawn within the viewport. Its chunk is looked at first:
/// a range in a chunk the browser skips (off screen) is not measured, which would lay
/// the chunk out.
pub fn in_view(doc: &Document, article: &Element, r: CharRange) -> bool {
    let Some(view) = web_sys::window().and_then(|w| w.inner_height().ok()).and_then(|h| h.as_f64()) else { return false };
    let visible = |rect: web_sys::DomRect| rect.bottom() > 0.0 && rect.top() < view && rect.height() > 0.0;
    let Some((b, _)) = block_point(doc, r.start(), false) else { return false };
    let Some(block) = article.query_selector(&format!("[data-block=\"{b}\"]")).ok().flatten() else { return false };
    if block.closest(".aa-chunk").ok().flatten().is_some_and(|c| !visible(c.get_bounding_client_rect())) {
        return false;
    }
    let (Some((sn, so)), Some((en, eo))) = (article_point(doc, article, r.start(), false), article_point(doc, article, r.end(), true)) else { return false };
    let Some(range) = article.owner_document().and_then(|d| d.create_range().ok()) else { return false };
    range.set_start(&sn, so).is_ok() && range.set_end(&en, eo).is_ok() && visible(range.get_bounding_client_rect())
}

/// The reader's selection as a live `Range` in the article's own tree. Inside a shadow
/// root the document's selection is retargeted to the host, so this asks with
/// `getComposedRanges({shadowRoots})` (or Chromium's older `ShadowRoot.getSelection()`).
pub fn selection_range(article: &Element) -> Option<web_sys::Range> {
    let sel = web_sys::window()?.get_selection().ok()??;
    let root = article.get_root_node();
    if let Some(sr) = root.dyn_ref::<web_sys::ShadowRoot>() {
        if let Some(list) = call(&sel, "getComposedRanges", &[shadow_option(sr)]) {
            let first = js_sys::Array::from(&list).get(0);
            let st: web_sys::StaticRange = first.dyn_into().ok()?;
            let r = article.owner_document()?.create_range().ok()?;
            r.set_start(&st.start_container(), st.start_offset()).ok()?;
            r.set_end(&st.end_container(), st.end_offset()).ok()?;
            return Some(r);
        }
        if let Some(inner) = call(sr, "getSelection", &[]) {
            let inner: web_sys::Selection = inner.dyn_into().ok()?;
            return (inner.range_count() > 0).then(|| inner.get_range_at(0).ok()).flatten();
        }
    }
    (sel.range_count() > 0).then(|| sel.get_range_at(0).ok()).flatten()
}

/// The text position under a viewport point (`caretPositionFromPoint`, seeing into the
/// widget's shadow root).
pub fn caret_at(article: &Element, x: f64, y: f64) -> Option<(Node, u32)> {
    let document = article.owner_document()?;
    let root = article.get_root_node();
    let mut args = vec![JsValue::from_f64(x), JsValue::from_f64(y)];
    if let Some(sr) = root.dyn_ref::<web_sys::ShadowRoot>() {
        args.push(shadow_option(sr));
    }
    let pos: web_sys::CaretPosition = call(&document, "caretPositionFromPoint", &args)?.dyn_into().ok()?;
    Some((pos.offset_node()?, pos.offset()))
}

pub fn clear_selection() {
    if let Some(Ok(Some(sel))) = web_sys::window().map(|w| w.get_selection()) {
        let _ = sel.remove_all_ranges();
    }
}

/// Runs `f` in a task of its own (a `setTimeout(0)`), or at once without a window.
pub fn later(f: impl FnOnce() + 'static) {
    let f = wasm_bindgen::closure::Closure::once_into_js(f);
    let queued = web_sys::window().is_some_and(|w| w.set_timeout_with_callback_and_timeout_and_arguments_0(f.unchecked_ref(), 0).is_ok());
    if !queued {
        let _ = f.unchecked_ref::<js_sys::Function>().call0(&wasm_bindgen::JsValue::UNDEFINED);
    }
}

/// Runs `f` in a task of its own after the browser's next frame (`requestAnimationFrame`,
/// then a `setTimeout(0)`): what the task before changed has been styled, laid out and
/// painted by then. At once without a window.
pub fn after_frame(f: impl FnOnce() + 'static) {
    let Some(w) = web_sys::window() else { return f() };
    let frame = wasm_bindgen::closure::Closure::once_into_js(move || later(f));
    if w.request_animation_frame(frame.unchecked_ref()).is_err() {
        let _ = frame.unchecked_ref::<js_sys::Function>().call0(&wasm_bindgen::JsValue::UNDEFINED);
    }
}

/// Runs `f` in the animation callbacks of the frame after the next one (two
/// `requestAnimationFrame`s): the next frame has styled, laid out and painted what is in
/// the DOM now, and what `f` changes is in the frame after, before its paint. At once
/// without a window.
pub fn next_frame(f: impl FnOnce() + 'static) {
    let Some(w) = web_sys::window() else { return f() };
    let second = wasm_bindgen::closure::Closure::once_into_js(f);
    let first = wasm_bindgen::closure::Closure::once_into_js(move || {
        if web_sys::window().is_none_or(|w| w.request_animation_frame(second.unchecked_ref()).is_err()) {
            let _ = second.unchecked_ref::<js_sys::Function>().call0(&wasm_bindgen::JsValue::UNDEFINED);
        }
    });
    if w.request_animation_frame(first.unchecked_ref()).is_err() {
        let _ = first.unchecked_ref::<js_sys::Function>().call0(&wasm_bindgen::JsValue::UNDEFINED);
    }
}

/// Offers `bytes` as a file download.
pub fn download(filename: &str, mime: &str, bytes: &[u8]) -> Result<(), JsValue> {
    let document = web_sys::window().and_then(|w| w.document()).ok_or_else(|| JsValue::from_str("no document"))?;
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &opts)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let a: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    a.set_href(&url);
    a.set_download(filename);
    a.set_hidden(true);
    let body = document.body().ok_or_else(|| JsValue::from_str("no body"))?;
    body.append_child(&a)?;
    a.click();
    a.remove();
    web_sys::Url::revoke_object_url(&url)?;
    Ok(())
}

/// A thrown JS value as a sentence: an `Error`'s message, a string, or its debug form.
pub fn describe(e: &JsValue) -> String {
    if let Some(err) = e.dyn_ref::<js_sys::Error>() {
        return String::from(err.message());
    }
    e.as_string().unwrap_or_else(|| format!("{e:?}"))
}

/// Scrolls the window so that `range` is in view, centred, unless it already is.
pub fn scroll_into_view(range: &web_sys::Range) {
    let Some(window) = web_sys::window() else { return };
    let rect = range.get_bounding_client_rect();
    let height = window.inner_height().ok().and_then(|h| h.as_f64()).unwrap_or(800.0);
    if rect.top() < 0.0 || rect.bottom() > height {
        window.scroll_by_with_x_and_y(0.0, rect.top() - height / 2.0);
    }
}

/// Sets an element's position through the CSSOM (allowed under a strict CSP, unlike
/// `style` attributes).
pub fn place(el: &web_sys::HtmlElement, left: f64, top: f64) {
    let style = el.style();
    let _ = style.set_property("left", &format!("{left:.0}px"));
    let _ = style.set_property("top", &format!("{top:.0}px"));
}

/// An event listener, removed when the guard is dropped.
pub struct Listener {
    target: web_sys::EventTarget,
    name: &'static str,
    capture: bool,
    closure: wasm_bindgen::closure::Closure<dyn FnMut(web_sys::Event)>,
}

impl Listener {
    pub fn new(target: web_sys::EventTarget, name: &'static str, f: impl FnMut(web_sys::Event) + 'static) -> Listener {
        Listener::with(target, name, false, f)
    }

    /// A passive listener in the capture phase: on `window`, it hears `scroll` from every
    /// scrolling element of the page (the event does not bubble).
    pub fn capturing(target: web_sys::EventTarget, name: &'static str, f: impl FnMut(web_sys::Event) + 'static) -> Listener {
        Listener::with(target, name, true, f)
    }

    fn with(target: web_sys::EventTarget, name: &'static str, capture: bool, f: impl FnMut(web_sys::Event) + 'static) -> Listener {
        let closure = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::Event)>::new(f);
        let options = web_sys::AddEventListenerOptions::new();
        options.set_capture(capture);
        options.set_passive(capture);
        let _ = target.add_event_listener_with_callback_and_add_event_listener_options(name, closure.as_ref().unchecked_ref(), &options);
        Listener { target, name, capture, closure }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.target.remove_event_listener_with_callback_and_bool(self.name, self.closure.as_ref().unchecked_ref(), self.capture);
    }
}

/// A `ResizeObserver` on one element, disconnected when dropped.
pub struct SizeObserver {
    observer: web_sys::ResizeObserver,
    _closure: wasm_bindgen::closure::Closure<dyn FnMut(js_sys::Array)>,
}

impl SizeObserver {
    /// Calls `f` after every change of `el`'s size (and once, when it is first laid out).
    pub fn new(el: &Element, mut f: impl FnMut() + 'static) -> Option<SizeObserver> {
        let closure = wasm_bindgen::closure::Closure::<dyn FnMut(js_sys::Array)>::new(move |_| f());
        let observer = web_sys::ResizeObserver::new(closure.as_ref().unchecked_ref()).ok()?;
        observer.observe(el);
        Some(SizeObserver { observer, _closure: closure })
    }
}

impl Drop for SizeObserver {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}
