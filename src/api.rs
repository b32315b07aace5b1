//! The JS API: the only `#[wasm_bindgen]` exports. Doc comments here become the JS docs.
//!
//! `mount(element, options)` renders the widget into `element` and returns an
//! [`Annotator`] handle. Bad options throw a JS `Error` naming what is wrong; the page
//! keeps working.
//!
//! Invariant: nothing here panics on input; every failure is a thrown `Error`.

use crate::core::article::parse_markdown;
use crate::core::document::Document;
use crate::core::schema::Schema;
use crate::core::session::Session;
use crate::core::anchor::AnchorHint;
use crate::core::edit::Edit;
use crate::core::format::{w3c, Imported};
use crate::core::model::AnnotationId;
use crate::ui::app::{export_w3c, App, AppProps};
use crate::ui::dom::now;
use crate::ui::persist::StorageChoice;
use crate::ui::state::{Action, Bridge, SharedSession};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

fn get_str(o: &JsValue, key: &str) -> Result<Option<String>, JsError> {
    let v = js_sys::Reflect::get(o, &JsValue::from_str(key)).map_err(|_| JsError::new(&format!("options.{key} could not be read")))?;
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    v.as_string().map(Some).ok_or_else(|| JsError::new(&format!("options.{key} must be a string")))
}

/// A mounted annotator.
#[wasm_bindgen]
pub struct Annotator {
    handle: Option<yew::AppHandle<App>>,
    session: SharedSession,
    bridge: Bridge,
}

fn get(o: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(o, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// The list of annotation objects in a JS value: an array, a page's `items`, or a
/// collection's embedded first page; `None` for anything else (a single annotation).
fn js_items(value: &JsValue) -> Option<js_sys::Array> {
    if js_sys::Array::is_array(value) {
        return Some(value.clone().into());
    }
    let kind = get(value, "type").as_string().unwrap_or_default();
    let page = if kind == "AnnotationCollection" { get(value, "first") } else { value.clone() };
    let items = get(&page, "items");
    (js_sys::Array::is_array(&items) && (kind == "AnnotationCollection" || kind == "AnnotationPage")).then(|| items.into())
}

/// Reads W3C annotations given as JS values (an annotation, an array, a page or a
/// collection) against the session's document, one item at a time.
fn read_w3c(session: &SharedSession, value: &JsValue) -> Result<Imported, JsError> {
    let s = session.0.borrow();
    let stamp = now();
    let stringify = |v: &JsValue| -> Result<String, JsError> {
        Ok(js_sys::JSON::stringify(v).map_err(|_| JsError::new("annotations must be JSON-serialisable objects"))?.into())
    };
    let Some(items) = js_items(value) else {
        return w3c::import(&stringify(value)?, &s.doc, &s.schema, stamp).map_err(|e| JsError::new(&e.to_string()));
    };
    let mut out = Imported::default();
    let mut hint = AnchorHint::default();
    for (i, item) in items.iter().enumerate() {
        match w3c::import_item_str(&stringify(&item)?, i, &s.doc, &s.schema, stamp, &mut hint) {
            Ok(a) => out.annotations.push(a),
            Err(issue) => out.issues.push(issue),
        }
    }
    Ok(out)
}

/// The first issue of an import as an error, if there was one.
fn refuse_issues(imported: &Imported) -> Result<(), JsError> {
    match imported.issues.first() {
        Some(i) => Err(JsError::new(&format!("bad annotation: {i}"))),
        None => Ok(()),
    }
}

#[wasm_bindgen]
impl Annotator {
    /// The annotations as a W3C Web Annotation JSON-LD `AnnotationCollection` string.
    /// Only `"w3c"` is supported for now.
    #[wasm_bindgen(js_name = exportAs)]
    pub fn export_as(&self, format: Option<String>) -> Result<String, JsError> {
        match format.as_deref().unwrap_or("w3c") {
            "w3c" => Ok(export_w3c(&self.session)),
            other => Err(JsError::new(&format!("unknown export format {other:?}; expected \"w3c\""))),
        }
    }

    /// Every annotation, as W3C Web Annotation objects in reading order (orphans last).
    pub fn annotations(&self) -> Result<JsValue, JsError> {
        let s = self.session.0.borrow();
        let source = w3c::default_source(&s.doc, &s.document_id);
        let items: Vec<w3c::AnnotationOut> =
            s.annotations().in_reading_order().into_iter().map(|a| w3c::annotation_out(a, &s.schema, &source)).collect();
        let text = serde_json::to_string(&items).map_err(|e| JsError::new(&e.to_string()))?;
        js_sys::JSON::parse(&text).map_err(|_| JsError::new("could not build the annotations"))
    }

    /// Replaces every annotation with `annotations` (W3C objects: an array, a page or a
    /// collection). Throws, changing nothing, if any of them is malformed. Not undoable.
    pub fn load(&self, annotations: JsValue) -> Result<(), JsError> {
        let imported = read_w3c(&self.session, &annotations)?;
        refuse_issues(&imported)?;
        self.dispatch(Action::Load(imported))
    }

    /// Adds one W3C annotation (or updates the one with its id), as one undoable step.
    /// Throws if it is malformed; one whose text is not in the article is kept as an orphan.
    pub fn add(&self, annotation: JsValue) -> Result<(), JsError> {
        let imported = read_w3c(&self.session, &annotation)?;
        refuse_issues(&imported)?;
        if imported.annotations.len() != 1 {
            return Err(JsError::new("add takes exactly one annotation"));
        }
        self.dispatch(Action::Import(imported, "annotation".into()))
    }

    /// Removes the annotation with this id, as one undoable step.
    pub fn remove(&self, id: &str) -> Result<(), JsError> {
        let id = AnnotationId::new(id).ok_or_else(|| JsError::new("an annotation id must be a non-empty string without spaces"))?;
        if self.session.0.borrow().annotations().get(&id).is_none() {
            return Err(JsError::new(&format!("no annotation with id {id}")));
        }
        self.dispatch(Action::Apply(Edit::Remove(id), None))
    }

    fn dispatch(&self, action: Action) -> Result<(), JsError> {
        if self.bridge.send(action) {
            Ok(())
        } else {
            Err(JsError::new("this annotator has been destroyed"))
        }
    }

    /// The revision of the annotations: it grows with every change. The widget's root
    /// element carries the revision it last rendered as `data-rev`.
    #[wasm_bindgen(getter)]
    pub fn revision(&self) -> f64 {
        self.session.0.borrow().revision() as f64
    }

    /// The number of annotations, orphans included.
    #[wasm_bindgen(getter)]
    pub fn count(&self) -> usize {
        self.session.0.borrow().annotations().len()
    }

    /// Removes the widget and everything it added to the page.
    pub fn destroy(&mut self) {
        if let Some(h) = self.handle.take() {
            h.destroy();
        }
    }
}

/// Renders the annotator into `element`.
///
/// Options: `documentId` (the storage key; default: a hash of the article text),
/// `article` (`{format: "markdown" | "text", content}`), `storage` (`"local"`, the
/// default, or `"none"`), `user` (recorded as the annotations' creator), `annotations`
/// (W3C annotations to start with, replacing what storage held).
#[wasm_bindgen]
pub fn mount(element: web_sys::Element, options: JsValue) -> Result<Annotator, JsError> {
    console_error_panic_hook::set_once();
    let options = if options.is_undefined() || options.is_null() { js_sys::Object::new().into() } else { options };
    if !options.is_object() {
        return Err(JsError::new("options must be an object"));
    }
    let article = js_sys::Reflect::get(&options, &JsValue::from_str("article")).map_err(|_| JsError::new("options.article could not be read"))?;
    let doc: Document = if article.is_undefined() || article.is_null() {
        Document::from_plain_text(&element.text_content().unwrap_or_default())
    } else {
        let format = get_str(&article, "format")?.unwrap_or_else(|| "markdown".into());
        let content = get_str(&article, "content")?.ok_or_else(|| JsError::new("options.article.content is required"))?;
        match format.as_str() {
            "markdown" => parse_markdown(&content),
            "text" => Document::from_plain_text(&content),
            other => return Err(JsError::new(&format!("options.article.format {other:?} is not supported; expected \"markdown\" or \"text\""))),
        }
    };
    let storage = match get_str(&options, "storage")?.as_deref() {
        None | Some("local") => StorageChoice::Local,
        Some("none") => StorageChoice::None,
        Some(other) => return Err(JsError::new(&format!("options.storage {other:?} is not supported; expected \"local\" or \"none\""))),
    };
    let document_id = match get_str(&options, "documentId")? {
        Some(id) if id.trim().is_empty() => return Err(JsError::new("options.documentId must not be empty")),
        Some(id) => id,
        None => doc.fingerprint(),
    };
    let user = get_str(&options, "user")?;
    let session = SharedSession(Rc::new(RefCell::new(Session::new(document_id, doc, Schema::default()))));
    // Annotations the host passes are loaded before the first render (one render, not two)
    // and take the place of what storage held.
    let initial = js_sys::Reflect::get(&options, &JsValue::from_str("annotations")).map_err(|_| JsError::new("options.annotations could not be read"))?;
    let preloaded = !initial.is_undefined() && !initial.is_null();
    if preloaded {
        let imported = read_w3c(&session, &initial)?;
        refuse_issues(&imported)?;
        session.0.borrow_mut().load(imported);
    }
    element.set_inner_html("");
    let bridge = Bridge::default();
    let props = AppProps { session: session.clone(), storage, user, bridge: bridge.clone(), preloaded };
    let handle = yew::Renderer::<App>::with_root_and_props(element, props).render();
    Ok(Annotator { handle: Some(handle), session, bridge })
}
