//! The widget's own corner of the host page: an open shadow root on the host element,
//! holding the widget's stylesheets and the element Yew renders into.
//!
//! The shadow root keeps the widget's styles from leaking into the page and the page's
//! styles (resets, `span { display: block }`, `user-select: none`, …) out of the widget;
//! stylesheets are constructed (`CSSStyleSheet` + `adoptedStyleSheets`), which a strict
//! Content-Security-Policy allows, unlike `<style>` elements and `style` attributes.
//! The host's own children (the CMS's article) stay in the light DOM: shown until the
//! widget's first render is complete ([`reveal`], in the frame the widget appears in),
//! unrendered after, and back when it is destroyed.
//!
//! Also here: reading host HTML (the element's children, or a string parsed by the
//! browser's inert `DOMParser`) into [`HtmlNode`]s for the allowlist reader in
//! [`crate::core::sanitize`].
//!
//! Invariant: nothing here panics; a host element that cannot hold a shadow root is an
//! error the API reports.

use crate::core::sanitize::{HtmlNode, MAX_DEPTH};
use std::cell::RefCell;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, Node, ShadowRoot};

/// The widget's stylesheet (the same text for every widget on the page).
const BASE_CSS: &str = include_str!("../../www/annotator.css");

/// What the host becomes at the reveal (a custom element is `display: inline` until a
/// stylesheet says otherwise): adopted then for an inline host, not with the widget's
/// stylesheet, so the host's own content keeps the page's layout while the widget is laid
/// out unseen.
const SHOWN_CSS: &str = ":host { display: block; }";

thread_local! {
    static BASE_SHEET: RefCell<Option<web_sys::CssStyleSheet>> = const { RefCell::new(None) };
    static SHOWN_SHEET: RefCell<Option<web_sys::CssStyleSheet>> = const { RefCell::new(None) };
}

fn sheet(text: &str) -> Option<web_sys::CssStyleSheet> {
    let s = web_sys::CssStyleSheet::new().ok()?;
    s.replace_sync(text).ok()?;
    Some(s)
}

fn base_sheet() -> Option<web_sys::CssStyleSheet> {
    BASE_SHEET.with(|b| {
        let mut b = b.borrow_mut();
        if b.is_none() {
            *b = sheet(BASE_CSS);
        }
        b.clone()
    })
}

pub struct Shell {
    root: ShadowRoot,
    /// Where Yew renders.
    pub container: Element,
}

impl Shell {
    /// Opens `host`'s shadow root (or reuses the one it has), holding only a `<slot>`
    /// if it is new: the page looks exactly as before until [`Shell::fill`] (a host
    /// custom element is `display: inline` until the widget's stylesheet says `block`,
    /// so filling it at `mount` and rendering a task later moved the page twice).
    pub fn open(host: &Element) -> Result<ShadowRoot, String> {
        if let Some(r) = host.shadow_root() {
            return Ok(r);
        }
        let root = host
            .attach_shadow(&web_sys::ShadowRootInit::new(web_sys::ShadowRootMode::Open))
            .map_err(|_| format!("<{}> cannot hold the widget: it cannot have a shadow root (use a <div>, <article>, <section> or a custom element)", host.local_name()))?;
        root.set_inner_html("<slot></slot>");
        Ok(root)
    }

    /// Fills a shadow root from [`Shell::open`] with the widget's stylesheets
    /// and an empty container, in the task that renders into it. Until [`reveal`], a frame
    /// after the render, the host's own content shows (the slot) as the page laid it out,
    /// and the widget is laid out beside it, unseen and taking no room, at the width it
    /// will have: its first layout and its first paint fall in two frames.
    pub fn fill(root: ShadowRoot, theme_css: &str) -> Result<Shell, String> {
        // Read before anything changes (the page's own stylesheet may give the host
        // borders and padding).
        let HostBox { inline, width } = host_box(&root.host());
        root.set_inner_html("");
        let document = root.owner_document().ok_or("the element is not in a document")?;
        let sheets = js_sys::Array::new();
        // The width the widget is laid out at while unseen: a rule of this widget's own
        // sheet (no `style` attribute), which ends with the waiting class at the reveal.
        let waiting = width.map(|w| format!("\n.aa-shell-waiting {{ width: {w:.2}px; }}\n")).unwrap_or_default();
        match (base_sheet(), sheet(&format!("{theme_css}{waiting}"))) {
            (Some(base), Some(theme)) if js_sys::Reflect::has(&root, &"adoptedStyleSheets".into()).unwrap_or(false) => {
                sheets.push(&base);
                sheets.push(&theme);
                // An inline host becomes a block at the reveal, not before: the page's
                // layout of its content holds until the widget takes its place.
                if !inline {
                    if let Some(shown) = shown_sheet() {
                        sheets.push(&shown);
                    }
                }
                let _ = js_sys::Reflect::set(&root, &"adoptedStyleSheets".into(), &sheets);
            }
            _ => {
                // Browsers without constructable stylesheets: a <style> element.
                let style = document.create_element("style").map_err(|_| "could not add the widget's styles")?;
                style.set_text_content(Some(&format!("{BASE_CSS}\n{theme_css}\n{SHOWN_CSS}")));
                let _ = root.append_child(&style);
            }
        }
        let slot = document.create_element("slot").map_err(|_| "could not create the widget's container")?;
        let container = document.create_element("div").map_err(|_| "could not create the widget's container")?;
        container.set_class_name("aa-shell aa-shell-waiting");
        root.append_child(&slot).map_err(|_| "could not add the widget's container")?;
        root.append_child(&container).map_err(|_| "could not add the widget's container")?;
        Ok(Shell { root, container })
    }

    /// Empties the shadow root and shows the host's own content again.
    ///
    /// (The host's content shows, too, from [`Shell::attach`] until [`reveal`].)
    pub fn detach(&self) {
        self.root.set_inner_html("<slot></slot>");
        let _ = js_sys::Reflect::set(&self.root, &"adoptedStyleSheets".into(), &js_sys::Array::new());
    }
}

/// The parts of a widget on a [`stage`], each left out (`display: none`) while its class
/// is on the stage's container.
pub const STAGE_PARTS: [(&str, &str); 3] = [("aa-stage-header", ".aa-header"), ("aa-stage-panel", ".aa-panel"), ("aa-stage-article", ".aa-article")];

/// An element for [`crate::ui::rehearsal`] to render on, from [`stage`].
pub struct Stage {
    /// The stage itself, in the host's shadow root.
    pub element: Element,
    /// Where to render, in the stage's own shadow root.
    pub container: Element,
}

/// A stage for [`crate::ui::rehearsal`] in `host`'s shadow root (from [`Shell::open`]):
/// an element out of the flow, unseen and `aria-hidden`, as wide as the host, holding a
/// shadow root of its own with the widget's stylesheets, and the element to render into.
/// What is rendered there is styled and laid out as the widget will be (the browser
/// builds its index of the stylesheet's rules then, and opens the fonts), and moves
/// nothing. `None` when the host takes no room (it is not displayed) or the browser has
/// no constructable stylesheets.
pub fn stage(host: &Element, theme_css: &str) -> Option<Stage> {
    let root = host.shadow_root()?;
    let width = host.get_bounding_client_rect().width();
    if width < 1.0 || !js_sys::Reflect::has(&root, &"adoptedStyleSheets".into()).unwrap_or(false) {
        return None;
    }
    let document = root.owner_document()?;
    let stage = document.create_element("div").ok()?;
    stage.set_attribute("aria-hidden", "true").ok()?;
    // Nothing in it can be focused or clicked (the widget's root resets `visibility`).
    stage.set_attribute("inert", "").ok()?;
    let style = stage.dyn_ref::<web_sys::HtmlElement>()?.style();
    // CSSOM, not a style attribute: a strict Content-Security-Policy allows it. No height
    // and its overflow clipped: laid out, never painted.
    for (k, v) in [("position", "absolute"), ("top", "0"), ("left", "0"), ("height", "0"), ("overflow", "hidden"), ("visibility", "hidden"), ("opacity", "0"), ("pointer-events", "none"), ("contain", "strict")] {
        style.set_property(k, v).ok()?;
    }
    style.set_property("width", &format!("{width:.2}px")).ok()?;
    // The stylesheet gives its own root the default fonts; a page's choice on the host
    // is what the widget will use.
    let page = web_sys::window()?.get_computed_style(host).ok().flatten();
    for key in ["--aa-font", "--aa-ui-font"] {
        if let Some(v) = page.as_ref().and_then(|p| p.get_property_value(key).ok()).filter(|v| !v.trim().is_empty()) {
            style.set_property(key, v.trim()).ok()?;
        }
    }
    let inner = stage.attach_shadow(&web_sys::ShadowRootInit::new(web_sys::ShadowRootMode::Open)).ok()?;
    let parts: String = STAGE_PARTS.iter().map(|(c, part)| format!(".{c} {part} {{ display: none; }}\n")).collect();
    let sheets = js_sys::Array::of3(&base_sheet()?.into(), &sheet(theme_css)?.into(), &sheet(&parts)?.into());
    js_sys::Reflect::set(&inner, &"adoptedStyleSheets".into(), &sheets).ok()?;
    let container = document.create_element("div").ok()?;
    container.set_class_name(&format!("aa-shell {}", STAGE_PARTS.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(" ")));
    inner.append_child(&container).ok()?;
    root.append_child(&stage).ok()?;
    Some(Stage { element: stage, container })
}

/// How `host` is laid out now, read once: whether it is inline (a custom element is until
/// a stylesheet says otherwise), and the width, in CSS pixels, its content box will have
/// as a block (the widget's width): its own if it is a block already, else its containing
/// block's less its margins, borders and padding (`None` when there is no telling: no
/// parent element, no window).
struct HostBox {
    inline: bool,
    width: Option<f64>,
}

fn host_box(host: &Element) -> HostBox {
    let unknown = HostBox { inline: false, width: None };
    let Some(window) = web_sys::window() else { return unknown };
    let Some(own) = window.get_computed_style(host).ok().flatten() else { return unknown };
    // The browser's `parseFloat` ("12.5px" → 12.5): Rust's float parser would add its
    // tables to the module (13 KB).
    let px = |style: &web_sys::CssStyleDeclaration, key: &str| style.get_property_value(key).map(|v| js_sys::parse_float(&v)).ok().filter(|n| n.is_finite()).unwrap_or(0.0);
    let sides = |style: &web_sys::CssStyleDeclaration, parts: &[&str]| parts.iter().map(|k| px(style, k)).sum::<f64>();
    if own.get_property_value("display").ok().as_deref() != Some("inline") {
        return HostBox { inline: false, width: Some(f64::from(host.client_width()) - sides(&own, &["padding-left", "padding-right"])) };
    }
    let width = host.parent_element().and_then(|parent| {
        let outer = window.get_computed_style(&parent).ok()??;
        let room = f64::from(parent.client_width()) - sides(&outer, &["padding-left", "padding-right"]);
        Some(room - sides(&own, &["margin-left", "margin-right", "border-left-width", "border-right-width", "padding-left", "padding-right"]))
    });
    HostBox { inline: true, width: width.filter(|w| *w > 0.0) }
}

fn shown_sheet() -> Option<web_sys::CssStyleSheet> {
    SHOWN_SHEET.with(|s| {
        let mut s = s.borrow_mut();
        if s.is_none() {
            *s = sheet(SHOWN_CSS);
        }
        s.clone()
    })
}

/// The widget's first render is complete and laid out: it takes the place of the host's
/// content, in one frame (nothing shows an empty widget, and what follows the host moves
/// once). Returns whether there was a widget waiting (none after a `destroy`).
pub fn reveal(host: &Element) -> bool {
    let Some(root) = host.shadow_root() else { return false };
    let Ok(Some(waiting)) = root.query_selector(".aa-shell-waiting") else { return false };
    // The host's content, shown until now: the shadow root's own `<slot>` (the widget
    // renders none).
    let kids = root.children();
    if let Some(slot) = (0..kids.length()).filter_map(|i| kids.item(i)).find(|k| k.local_name() == "slot") {
        slot.remove();
    }
    let _ = waiting.class_list().remove_1("aa-shell-waiting");
    // (Without constructable stylesheets, the `<style>` element holds it already.)
    if let (Some(shown), Ok(list)) = (shown_sheet(), js_sys::Reflect::get(&root, &"adoptedStyleSheets".into())) {
        if js_sys::Array::is_array(&list) {
            let sheets = js_sys::Array::from(&list);
            if !sheets.includes(&shown, 0) {
                sheets.push(&shown);
                let _ = js_sys::Reflect::set(&root, &"adoptedStyleSheets".into(), &sheets);
            }
        }
    }
    true
}

/// A URL attribute resolved against the node's base URL (`""` if it does not parse).
fn resolved(el: &Element, name: &str) -> Option<String> {
    let v = el.get_attribute(name)?;
    let base = el.base_uri().ok().flatten().unwrap_or_default();
    Some(web_sys::Url::new_with_base(v.trim(), &base).map(|u| u.href()).unwrap_or_default())
}

/// The HTML under `parent` as [`HtmlNode`]s: tag names, the few attributes the reader
/// looks at (`href` and `src` resolved), and text. Below [`MAX_DEPTH`], text only.
pub fn html_nodes(parent: &Node) -> Vec<HtmlNode> {
    fn walk(node: &Node, depth: usize, out: &mut Vec<HtmlNode>) {
        match node.node_type() {
            Node::TEXT_NODE | Node::CDATA_SECTION_NODE => out.push(HtmlNode::Text(node.text_content().unwrap_or_default())),
            Node::ELEMENT_NODE => {
                let Some(el) = node.dyn_ref::<Element>() else { return };
                if depth >= MAX_DEPTH {
                    out.push(HtmlNode::Text(el.text_content().unwrap_or_default()));
                    return;
                }
                let mut attrs = Vec::new();
                for key in ["href", "src"] {
                    if let Some(v) = resolved(el, key) {
                        attrs.push((key.to_string(), v));
                    }
                }
                for key in ["alt", "class"] {
                    if let Some(v) = el.get_attribute(key) {
                        attrs.push((key.to_string(), v));
                    }
                }
                let mut children = Vec::new();
                let kids = node.child_nodes();
                for i in 0..kids.length() {
                    if let Some(k) = kids.item(i) {
                        walk(&k, depth + 1, &mut children);
                    }
                }
                out.push(HtmlNode::Element { name: el.local_name().to_ascii_lowercase(), attrs, children });
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    let kids = parent.child_nodes();
    for i in 0..kids.length() {
        if let Some(k) = kids.item(i) {
            walk(&k, 0, &mut out);
        }
    }
    out
}

/// Parses an HTML string with the browser's inert `DOMParser` (no script runs, nothing
/// loads) and reads its body.
pub fn parse_html(text: &str) -> Result<Vec<HtmlNode>, JsValue> {
    let parser = web_sys::DomParser::new()?;
    let doc = parser.parse_from_string(text, web_sys::SupportedType::TextHtml)?;
    // A `<base>` in the article must not decide where its relative links and images
    // point (found by the XSS corpus: `<base href=https://evil/>` then `<img src=x>`).
    let bases = doc.query_selector_all("base")?;
    for i in 0..bases.length() {
        if let Some(b) = bases.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
            b.remove();
        }
    }
    Ok(doc.body().map(|b| html_nodes(&b)).unwrap_or_default())
}
