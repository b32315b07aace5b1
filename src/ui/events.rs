//! The host page's events: after each change, `annotation-create`, `annotation-update`
//! and `annotation-delete` on the host element (their `detail` is the W3C annotation;
//! for a delete, as it was), then one `annotations-change` (`detail`: `{revision, count}`).
//! A load that replaces everything sends only `annotations-change`.
//!
//! Events bubble and are dispatched after the widget has rendered the change, so a
//! listener that calls back into the API sees the new state.

use crate::core::format::w3c;
use crate::core::model::Annotation;
use crate::core::session::{Change, Session};
use web_sys::Element;

fn annotation_value(a: &Annotation, s: &Session, source: &str) -> wasm_bindgen::JsValue {
    let out = w3c::annotation_out(a, &s.schema, source);
    serde_json::to_string(&out).ok().and_then(|t| js_sys::JSON::parse(&t).ok()).unwrap_or_default()
}

fn dispatch(host: &Element, name: &str, detail: &wasm_bindgen::JsValue) {
    let init = web_sys::CustomEventInit::new();
    init.set_bubbles(true);
    init.set_detail(detail);
    if let Ok(ev) = web_sys::CustomEvent::new_with_event_init_dict(name, &init) {
        let _ = host.dispatch_event(&ev);
    }
}

/// Sends the events for what changed since the last call. Listeners run after the
/// session is released, so they may call the API.
pub fn emit(host: &Element, store: &crate::store::AnnotationStore) {
    let changes = store.take_changes();
    if changes.is_empty() {
        return;
    }
    let (events, revision, count) = {
        let s = store.read();
        let source = s.source();
        let events: Vec<(&'static str, wasm_bindgen::JsValue)> = changes
            .iter()
            .filter_map(|c| match c {
                Change::Created(id) => s.annotations().get(id).map(|a| ("annotation-create", annotation_value(a, &s, &source))),
                Change::Updated(id) => s.annotations().get(id).map(|a| ("annotation-update", annotation_value(a, &s, &source))),
                Change::Deleted(old) => Some(("annotation-delete", annotation_value(old, &s, &source))),
                Change::Reset => None,
            })
            .collect();
        (events, s.revision(), s.annotations().len())
    };
    for (name, detail) in &events {
        dispatch(host, name, detail);
    }
    let detail = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&detail, &"revision".into(), &(revision as f64).into());
    let _ = js_sys::Reflect::set(&detail, &"count".into(), &(count as f64).into());
    dispatch(host, "annotations-change", &detail.into());
}
