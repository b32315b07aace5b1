//! The JS API: the only `#[wasm_bindgen]` exports. Doc comments here become the JS docs.
//!
//! `mount(element, options)` renders the widget into a shadow root on `element` and
//! returns an [`Annotator`] handle. Bad options throw a JS `Error` naming what is wrong;
//! the page keeps working. The `<article-annotator>` custom element (`www/element.js`)
//! is a thin JS class over `mount`.
//!
//! Invariant: nothing here panics on input; every failure is a thrown `Error`.

use crate::core::document::Document;
use crate::core::schema::Schema;
use crate::core::session::Session;
use crate::core::anchor::AnchorHint;
use crate::core::edit::Edit;
use crate::core::format::{w3c, Imported};
use crate::core::sanitize::document_from_html;
use crate::ui::shell::{html_nodes, parse_html, Shell};
use crate::ui::theme::Theme;
use crate::core::model::AnnotationId;
use crate::core::format::catalog::{self, Format};
use crate::ui::app::{App, AppProps};
use crate::ui::files;
use crate::ui::dom::now;
use crate::ui::persist::StorageChoice;
use crate::ui::state::{import_notice, Action, Bridge};
use crate::store::AnnotationStore;
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
    /// The Yew app, once rendered: the first render runs in a task after `mount`'s
    /// ([`render_later`]), so reading the article and storage and rendering are two
    /// tasks, not one long one.
    handle: Rc<std::cell::RefCell<Option<yew::AppHandle<App>>>>,
    /// False once destroyed (a render still waiting then never happens).
    alive: Rc<std::cell::Cell<bool>>,
    session: AnnotationStore,
    bridge: Bridge,
    /// The shadow root's contents, once the widget is rendered ([`render_later`]).
    shell: Rc<std::cell::RefCell<Option<Shell>>>,
    /// The team sync, when `options.sync` was given.
    syncer: Option<crate::ui::team::Syncer>,
    /// Who the reader is (`options.user`): the creator of what they accept.
    user: Option<String>,
    read_only: bool,
}

#[wasm_bindgen(typescript_custom_section)]
const SUGGESTION_TS: &str = r#"
/** Another mention of an entity's text, offered to be tagged: not an annotation (never
 * saved, exported or sent) until accepted. `start` and `end` count code points, as a
 * W3C TextPositionSelector does; `type` is the entity type's id; `source` the id of the
 * annotation whose text it is. */
export interface Suggestion { start: number; end: number; exact: string; type: string; source: string; }

/** What `importFrom` did: counts of annotations, the documents of a corpus file that are
 * not this article (not imported), and each item skipped, with where and why. */
export interface ImportReport { added: number; updated: number; unchanged: number; orphaned: number; otherDocuments: number; errors: string[]; }
"#;

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
fn read_w3c(session: &AnnotationStore, value: &JsValue) -> Result<Imported, JsError> {
    let s = session.read();
    let stamp = now();
    let stringify = |v: &JsValue| -> Result<String, JsError> {
        Ok(js_sys::JSON::stringify(v).map_err(|_| JsError::new("annotations must be JSON-serialisable objects"))?.into())
    };
    let Some(items) = js_items(value) else {
        return w3c::import(&stringify(value)?, &s.doc, &s.schema, stamp).map_err(|e| JsError::new(&e.to_string()));
    };
    let mut out = Imported::default();
    out.annotations.reserve_exact(items.length() as usize);
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
    /// The annotations as a file's text, in any export format: `"w3c"` (the default: a
    /// W3C Web Annotation JSON-LD `AnnotationCollection`) and `"jsonl"` return the text;
    /// `"brat"` (the `.ann`; `exportFiles` gives all three files), `"conll"`,
    /// `"doccano"`, `"doccano-relations"`, `"label-studio"`, `"spacy"`, `"claimreview"`
    /// and `"csv"` return a Promise of it, their code being loaded on first use (the
    /// formats part). `await` works for both. An unknown format throws.
    #[wasm_bindgen(js_name = exportAs, unchecked_return_type = "string | Promise<string>")]
    pub fn export_as(&self, format: Option<String>) -> Result<JsValue, JsError> {
        self.live()?;
        let format = export_format(format)?;
        if let Some(text) = self.stream(format)? {
            return Ok(text.into());
        }
        let request = self.export_request(format);
        Ok(wasm_bindgen_futures::future_to_promise(async move {
            let mut exported = request?.await?;
            let main = exported.files.iter().position(|f| f.name.ends_with(".ann")).unwrap_or(0);
            Ok(JsValue::from_str(&exported.files.swap_remove(main).text))
        })
        .into())
    }

    /// An export of what the session holds now, by the formats part (loaded first if
    /// need be) unless the widget's module writes it.
    fn export_request(&self, format: Format) -> Result<impl std::future::Future<Output = Result<catalog::Exported, JsValue>>, JsValue> {
        let request = files::export_or_request(&self.session, format);
        Ok(async move {
            match request {
                Ok(done) => Ok(done),
                Err(request) => crate::parts::export(&request).await.map_err(|e| JsValue::from(js_sys::Error::new(&e.0))),
            }
        })
    }

    /// W3C and JSON Lines (the large ones) written in 64 KB pieces joined in JS: the
    /// whole text is never in wasm memory, which only grows. `None` for other formats.
    fn stream(&self, format: Format) -> Result<Option<js_sys::JsString>, JsError> {
        if !matches!(format, Format::W3c | Format::Jsonl) {
            return Ok(None);
        }
        let s = self.session.read();
        let source = s.source();
        let mut pieces = crate::storage::local::Pieces::default();
        let written = match format {
            Format::W3c => w3c::export_to(&mut pieces, s.annotations(), &s.schema, &s.doc, &w3c::ExportMeta { document_id: &s.document_id, source: &source }),
            _ => w3c::export_lines_to(&mut pieces, s.annotations(), &s.schema, &source),
        };
        written.and_then(|()| pieces.finish()).map(Some).map_err(|e| JsError::new(&format!("could not export: {e}")))
    }

    /// Every file of an export with what the format could not hold:
    /// `{files: [{name, type, text}], leftOut: ["2 claims (…)"]}`; for W3C and JSON Lines
    /// the object itself, for the other formats a Promise of it (as `exportAs`).
    #[wasm_bindgen(js_name = exportFiles, unchecked_return_type = "{files: {name: string, type: string, text: string}[], leftOut: string[]} | Promise<{files: {name: string, type: string, text: string}[], leftOut: string[]}>")]
    pub fn export_files(&self, format: Option<String>) -> Result<JsValue, JsError> {
        self.live()?;
        let format = export_format(format)?;
        if let Some(text) = self.stream(format)? {
            // One file, and W3C and JSON Lines hold everything.
            let name = catalog::file_name(format, &self.session.read().document_id);
            return Ok(files_object(&[(&name, format.info().mime, text.into())], &[]));
        }
        let request = self.export_request(format);
        Ok(wasm_bindgen_futures::future_to_promise(async move {
            let exported = request?.await?;
            let files: Vec<(&str, &str, JsValue)> = exported.files.iter().map(|f| (f.name.as_str(), f.mime, JsValue::from_str(&f.text))).collect();
            Ok(files_object(&files, &exported.left_out))
        })
        .into())
    }

    /// Every annotation, as W3C Web Annotation objects in reading order (orphans last).
    pub fn annotations(&self) -> Result<JsValue, JsError> {
        self.live()?;
        let s = self.session.read();
        let source = s.source();
        // Each object built in JS straight from its Rust description, one at a time: no
        // JSON text of the whole set in wasm memory.
        let out = js_sys::Array::new();
        let as_json = serde_wasm_bindgen::Serializer::json_compatible();
        for a in s.annotations().in_reading_order() {
            let v = serde::Serialize::serialize(&w3c::annotation_out(a, &s.schema, &source), &as_json).map_err(|e| JsError::new(&format!("could not build the annotations: {e}")))?;
            out.push(&v);
        }
        Ok(out.into())
    }

    /// Replaces every annotation with `annotations` (W3C objects: an array, a page or a
    /// collection). Throws, changing nothing, if any of them is malformed. Not undoable.
    pub fn load(&self, annotations: JsValue) -> Result<(), JsError> {
        self.live()?;
        let imported = read_w3c(&self.session, &annotations)?;
        refuse_issues(&imported)?;
        self.session.load(imported);
        Ok(())
    }

    /// Adds one W3C annotation (or updates the one with its id), as one undoable step.
    /// Throws if it is malformed; one whose text is not in the article is kept as an orphan.
    pub fn add(&self, annotation: JsValue) -> Result<(), JsError> {
        self.live()?;
        let imported = read_w3c(&self.session, &annotation)?;
        refuse_issues(&imported)?;
        if imported.annotations.len() != 1 {
            return Err(JsError::new("add takes exactly one annotation"));
        }
        self.merge(imported, "annotation").map(drop)
    }

    /// Removes the annotation with this id, as one undoable step.
    pub fn remove(&self, id: &str) -> Result<(), JsError> {
        self.live()?;
        let id = AnnotationId::new(id).ok_or_else(|| JsError::new("an annotation id must be a non-empty string without spaces"))?;
        if self.session.read().annotations().get(&id).is_none() {
            return Err(JsError::new(&format!("no annotation with id {id}")));
        }
        self.session.apply(Edit::Remove(id)).map_err(|e| JsError::new(&format!("could not remove it: {e}")))
    }

    /// Makes a text of the article the reader's pending selection, as if they had
    /// selected it (the selection toolbar shows for it; a key or a click tags it):
    /// `{exact, prefix?, suffix?}`, the text and what comes just before and after it (to
    /// choose among repeats), found as an annotation's quote is and snapped to whole
    /// words. Returns whether the text was found. For a reader who finds text rather than
    /// dragging over it (a screen reader, a search box), and for the `<article-annotator>`
    /// element, which passes on a selection made before the widget was up. A read-only
    /// widget selects nothing.
    pub fn select(&self, #[wasm_bindgen(unchecked_param_type = "{ exact: string; prefix?: string; suffix?: string }")] quote: JsValue) -> Result<bool, JsError> {
        self.live()?;
        let field = |k: &str| -> Result<String, JsError> {
            let v = js_sys::Reflect::get(&quote, &JsValue::from_str(k)).map_err(|_| JsError::new("select takes {exact, prefix, suffix}"))?;
            if v.is_undefined() || v.is_null() {
                return Ok(String::new());
            }
            v.as_string().ok_or_else(|| JsError::new(&format!("select: {k} must be a string")))
        };
        let exact = field("exact")?;
        if exact.trim().is_empty() {
            return Err(JsError::new("select: exact must be a non-empty string"));
        }
        let q = crate::core::model::Quote::new(&field("prefix")?, &exact, &field("suffix")?);
        let s = self.session.read();
        let Ok((range, _)) = crate::core::anchor::anchor(&s.doc, None, Some(&q)) else { return Ok(false) };
        let Some(range) = s.snap(range) else { return Ok(false) };
        drop(s);
        self.bridge.send(Action::SelectText(range));
        Ok(true)
    }

    /// Offers the other mentions of an entity's text as suggestions: drawn in the
    /// article, listed in the panel, tagged only when accepted. Whole words only; a
    /// mention already tagged with the entity's type is never offered, and where two
    /// suggestions overlap the longer stays. `options.caseSensitive` is `true` by
    /// default. Returns every suggestion on offer afterwards, in document order. Throws
    /// for an unknown id, a claim or an orphan.
    #[wasm_bindgen(js_name = suggestOccurrences, unchecked_return_type = "Suggestion[]")]
    pub fn suggest_occurrences(&self, id: &str, #[wasm_bindgen(unchecked_optional_param_type = "{ caseSensitive?: boolean }")] options: Option<js_sys::Object>) -> Result<JsValue, JsError> {
        self.live()?;
        let options: JsValue = options.map_or(JsValue::UNDEFINED, Into::into);
        let id = AnnotationId::new(id).ok_or_else(|| JsError::new("an annotation id must be a non-empty string without spaces"))?;
        let case = get(&options, "caseSensitive");
        let case_sensitive = if case.is_undefined() || case.is_null() { true } else { case.as_bool().ok_or_else(|| JsError::new("options.caseSensitive must be a boolean"))? };
        self.session.suggest(&id, case_sensitive).map_err(|e| JsError::new(&e.to_string()))?;
        self.suggestions()
    }

    /// The suggestions on offer, in document order (see `suggestOccurrences`).
    #[wasm_bindgen(getter, unchecked_return_type = "Suggestion[]")]
    pub fn suggestions(&self) -> Result<JsValue, JsError> {
        self.live()?;
        let s = self.session.read();
        // One JSON text parsed in JS: an object built field by field through the
        // boundary cost 5 calls each (hundreds of suggestions for a common name).
        #[derive(serde::Serialize)]
        struct Out<'a> {
            start: usize,
            end: usize,
            exact: &'a str,
            #[serde(rename = "type")]
            kind: &'a str,
            source: &'a str,
        }
        let list: Vec<Out> = s
            .suggestions()
            .list()
            .iter()
            .map(|x| Out { start: x.range.start().0, end: x.range.end().0, exact: s.doc.slice(x.range).unwrap_or_default(), kind: &x.type_id, source: x.source.as_str() })
            .collect();
        let text = serde_json::to_string(&list).map_err(|e| JsError::new(&format!("could not list the suggestions: {e}")))?;
        js_sys::JSON::parse(&text).map_err(|_| JsError::new("could not list the suggestions"))
    }

    /// Tags suggestions as one undoable step: every one on offer (no argument), or those
    /// listed (suggestion objects, or any `{start, end}`). Returns the new annotations'
    /// ids, in document order; a listed range with no suggestion is left alone.
    #[wasm_bindgen(js_name = acceptSuggestions, unchecked_return_type = "string[]")]
    pub fn accept_suggestions(&self, #[wasm_bindgen(unchecked_optional_param_type = "Array<{ start: number; end: number }>")] which: Option<js_sys::Array>) -> Result<JsValue, JsError> {
        self.live()?;
        let which: JsValue = which.map_or(JsValue::UNDEFINED, Into::into);
        if self.read_only {
            return Err(JsError::new("this annotator is read-only"));
        }
        let which = read_which(&which, "acceptSuggestions")?;
        let mut mint = crate::ui::dom::random_id;
        let ids = self.session.accept_suggestions(&which, &mut mint, now(), self.user.clone()).map_err(|e| JsError::new(&format!("could not tag them: {e}")))?;
        Ok(ids.iter().map(|i| JsValue::from_str(i.as_str())).collect::<js_sys::Array>().into())
    }

    /// Turns suggestions down (all, or those listed, as for `acceptSuggestions`): they
    /// go and are not offered again. Returns how many went.
    #[wasm_bindgen(js_name = rejectSuggestions)]
    pub fn reject_suggestions(&self, #[wasm_bindgen(unchecked_optional_param_type = "Array<{ start: number; end: number }>")] which: Option<js_sys::Array>) -> Result<usize, JsError> {
        self.live()?;
        let which: JsValue = which.map_or(JsValue::UNDEFINED, Into::into);
        let which = read_which(&which, "rejectSuggestions")?;
        Ok(self.session.reject_suggestions(&which))
    }

    /// Withdraws every suggestion, tagging nothing (asking again offers them again).
    #[wasm_bindgen(js_name = dismissSuggestions)]
    pub fn dismiss_suggestions(&self) -> Result<(), JsError> {
        self.live()?;
        self.session.dismiss_suggestions();
        Ok(())
    }

    /// An error once the widget is destroyed; every method calls it first.
    fn live(&self) -> Result<(), JsError> {
        if self.alive.get() {
            Ok(())
        } else {
            Err(JsError::new("this annotator has been destroyed"))
        }
    }

    /// Merges at once (the answers of every later call include it) and tells the reader.
    fn merge(&self, imported: Imported, name: &str) -> Result<crate::core::merge::MergeReport, JsError> {
        merge_into(&self.session, &self.bridge, imported, name)
    }

    /// The revision of the annotations: it grows with every change. The widget's root
    /// element carries the revision it last rendered as `data-rev`.
    #[wasm_bindgen(getter)]
    pub fn revision(&self) -> Result<f64, JsError> {
        self.live()?;
        Ok(self.session.read().revision() as f64)
    }

    /// The revision whose highlights the article shows: it equals `revision` once the
    /// article's text and highlights for the latest change are in the page, before the
    /// browser paints them; `undefined` before the first time.
    #[wasm_bindgen(getter, js_name = paintedRevision)]
    pub fn painted_revision(&self) -> Option<f64> {
        self.session.painted().map(|r| r as f64)
    }

    /// The number of annotations, orphans included.
    #[wasm_bindgen(getter)]
    pub fn count(&self) -> Result<usize, JsError> {
        self.live()?;
        Ok(self.session.read().annotations().len())
    }

    /// Removes the widget and everything it added to the page (listeners, timers,
    /// highlights, styles); the host element shows its own content again. Pending
    /// changes are saved first. Calling it twice does nothing.
    pub fn destroy(&mut self) {
        if let Some(s) = self.syncer.take() {
            s.stop();
        }
        self.alive.set(false);
        if let Some(h) = self.handle.borrow_mut().take() {
            h.destroy();
        }
        if let Some(shell) = self.shell.borrow_mut().take() {
            shell.detach();
        }
    }

    /// Merges annotations from a file's text by id (one undo step) and reports what
    /// happened: `{added, updated, unchanged, orphaned, otherDocuments, errors}`
    /// (`otherDocuments`: documents of a corpus file that are not this article, not
    /// imported). Bad items are listed in
    /// `errors` (with where and what) and skipped; a file that cannot be read at all
    /// throws, changing nothing. Formats: `"w3c"`, `"jsonl"`, `"brat"` (the `.ann`, with
    /// its `.txt` as the third argument), `"doccano"`, `"label-studio"`, `"spacy"`;
    /// recognised from the text when omitted. W3C and JSON Lines return the report; the
    /// other formats a Promise of it (their readers are loaded on first use), which
    /// rejects where W3C's would throw.
    #[wasm_bindgen(js_name = importFrom, unchecked_return_type = "ImportReport | Promise<ImportReport>")]
    pub fn import_from(&self, text: &str, format: Option<String>, txt: Option<String>) -> Result<JsValue, JsError> {
        self.live()?;
        if text.len() > files::MAX_IMPORT_BYTES {
            return Err(JsError::new(&format!("the text is {} MB, more than the {} MB importFrom reads at once; nothing was changed", text.len() / 1_000_000, files::MAX_IMPORT_BYTES / 1_000_000)));
        }
        let format = match format.as_deref() {
            None | Some("") => catalog::sniff("", text).ok_or_else(|| JsError::new("the format of the text is not one we read"))?,
            Some(name) => Format::parse(name).ok_or_else(|| JsError::new(&format!("unknown import format {name:?}; expected one of {}", Format::names(false))))?,
        };
        if !format.info().import {
            return Err(JsError::new(&catalog::ImportError::NotImportable(format.info().name, Format::names(false)).to_string()));
        }
        let here = {
            let s = self.session.read();
            catalog::import_here(format, text, &catalog::ImportContext { doc: &s.doc, schema: &s.schema, now: now() })
        };
        let later = Later { alive: self.alive.clone(), session: self.session.clone(), bridge: self.bridge.clone() };
        if let Some(imported) = here {
            return later.report(imported.map_err(|e| JsError::new(&e.to_string()))?);
        }
        let (text, name) = (text.to_string(), format.info().name);
        Ok(wasm_bindgen_futures::future_to_promise(async move {
            let shape = crate::core::format::wire::ImportShape { format: Some(name), companion: txt.as_deref(), corpus: false };
            let imported = files::by_part(&later.session, shape, &[("import", text.as_bytes())]).await.map_err(|e| JsValue::from(js_sys::Error::new(&e)))?;
            later.report(imported).map_err(JsValue::from)
        })
        .into())
    }
}

/// The parts of an [`Annotator`] that an import answered later (by the formats part)
/// merges into; W3C's, answered at once, goes through it too.
struct Later {
    alive: Rc<std::cell::Cell<bool>>,
    session: AnnotationStore,
    bridge: Bridge,
}

impl Later {
    fn report(&self, imported: Imported) -> Result<JsValue, JsError> {
        if !self.alive.get() {
            return Err(JsError::new("this annotator has been destroyed"));
        }
        let errors = js_sys::Array::new();
        for i in &imported.issues {
            errors.push(&JsValue::from_str(&i.to_string()));
        }
        let others = imported.other_documents;
        let report = merge_into(&self.session, &self.bridge, imported, "import")?;
        let out = js_sys::Object::new();
        for (k, v) in [("added", report.added), ("updated", report.updated), ("unchanged", report.unchanged), ("orphaned", report.orphaned)] {
            let _ = js_sys::Reflect::set(&out, &k.into(), &(v as f64).into());
        }
        let _ = js_sys::Reflect::set(&out, &"otherDocuments".into(), &(others as f64).into());
        let _ = js_sys::Reflect::set(&out, &"errors".into(), &errors);
        Ok(out.into())
    }
}

/// `{files: [{name, type, text}], leftOut}`.
fn files_object(files: &[(&str, &str, JsValue)], left_out: &[String]) -> JsValue {
    let list = js_sys::Array::new();
    for (name, mime, text) in files {
        let o = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&o, &"name".into(), &(*name).into());
        let _ = js_sys::Reflect::set(&o, &"type".into(), &(*mime).into());
        let _ = js_sys::Reflect::set(&o, &"text".into(), text);
        list.push(&o);
    }
    let left: js_sys::Array = left_out.iter().map(|l| JsValue::from_str(l)).collect();
    let out = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&out, &"files".into(), &list);
    let _ = js_sys::Reflect::set(&out, &"leftOut".into(), &left);
    out.into()
}

/// Loads the formats part (the Markdown reader and every file format but W3C and JSON
/// Lines) if it is not loaded yet. `mount` with a Markdown article needs it loaded
/// first; the export and import calls load it themselves. Rejects with a message naming
/// the part if it cannot be fetched (a later call tries again).
#[wasm_bindgen(js_name = loadFormats)]
pub async fn load_formats() -> Result<(), JsError> {
    crate::parts::formats().await.map(|_| ()).map_err(|e| JsError::new(&e.0))
}

/// Merges at once (the answers of every later call include it) and tells the reader.
fn merge_into(session: &AnnotationStore, bridge: &Bridge, imported: Imported, name: &str) -> Result<crate::core::merge::MergeReport, JsError> {
    let (issues, others) = (imported.issues.clone(), imported.other_documents);
    // The notice's action renders the change too: one render, not two.
    let report = {
        let _quiet = crate::ui::state::Reducing::start();
        session.merge(imported).map_err(|e| JsError::new(&format!("could not merge: {e}")))?
    };
    // The notice waits for the widget's first render if it has not happened yet.
    bridge.send(Action::Notify(import_notice(name, &report, others, &issues)));
    Ok(report)
}

/// Fills the shadow root and renders the widget in a task of its own after `mount`'s: on
/// a CMS page at 4× CPU throttling the two together were one 143 ms task. On a page that
/// called `warmUp`, the first widget renders after a rehearsal ([`crate::ui::rehearsal`]:
/// the same render on a two-sentence article, unseen, so that the real one calls compiled
/// code and the browser's first style and layout of the widget have been done).
/// Until the render is complete and laid out the page looks as it did (the shadow root
/// shows only a slot, then [`crate::ui::shell::reveal`] swaps, a frame later), and every
/// API call already sees the store `mount` filled; actions sent meanwhile wait in the
/// [`Bridge`]. Without a window (never, in a page) it renders at once.
#[allow(clippy::type_complexity)]
fn render_later(root: web_sys::ShadowRoot, css: String, props: AppProps) -> (Rc<std::cell::RefCell<Option<yew::AppHandle<App>>>>, Rc<std::cell::Cell<bool>>, Rc<std::cell::RefCell<Option<Shell>>>) {
    let handle = Rc::new(std::cell::RefCell::new(None));
    let alive = Rc::new(std::cell::Cell::new(true));
    let shell_cell = Rc::new(std::cell::RefCell::new(None));
    let schema = props.session.read().schema.clone();
    let host = props.host.clone();
    let render = {
        let (handle, alive, shell_cell) = (handle.clone(), alive.clone(), shell_cell.clone());
        move || {
            if !alive.get() {
                return;
            }
            match Shell::fill(root, &css) {
                Ok(shell) => {
                    // Laid out unseen until the reveal, a frame after this render.
                    props.session.set_shown(false);
                    *handle.borrow_mut() = Some(yew::Renderer::<App>::with_root_and_props(shell.container.clone(), props).render());
                    *shell_cell.borrow_mut() = Some(shell);
                }
                Err(e) => web_sys::console::error_1(&JsValue::from_str(&format!("article-annotator: {e}"))),
            }
        }
    };
    crate::ui::rehearsal::then(host.as_ref(), &schema, render);
    (handle, alive, shell_cell)
}

/// Which suggestions a call means: all (`undefined`), or the `{start, end}` listed.
fn read_which(v: &JsValue, call: &str) -> Result<crate::core::mentions::Which, JsError> {
    use crate::core::mentions::Which;
    if v.is_undefined() || v.is_null() {
        return Ok(Which::All);
    }
    if !js_sys::Array::is_array(v) {
        return Err(JsError::new(&format!("{call} takes an array of {{start, end}}, or nothing for all")));
    }
    let mut out = Vec::new();
    for (i, item) in js_sys::Array::from(v).iter().enumerate() {
        let num = |k: &str| get(&item, k).as_f64().filter(|n| n.fract() == 0.0 && *n >= 0.0).map(|n| n as usize);
        let (Some(a), Some(b)) = (num("start"), num("end")) else {
            return Err(JsError::new(&format!("{call}: item {i} needs whole numbers start and end")));
        };
        let r = crate::core::offset::CharRange::from_usize(a, b).ok_or_else(|| JsError::new(&format!("{call}: item {i} ends before it starts")))?;
        out.push(r);
    }
    Ok(Which::At(out))
}

fn export_format(format: Option<String>) -> Result<Format, JsError> {
    let name = format.unwrap_or_else(|| "w3c".into());
    Format::parse(&name).ok_or_else(|| JsError::new(&format!("unknown export format {name:?}; expected one of {}", Format::names(true))))
}

/// Reads `options.article` (or, without it, the element's own HTML) into a document.
fn read_article(element: &web_sys::Element, options: &JsValue) -> Result<Document, JsError> {
    let article = js_sys::Reflect::get(options, &JsValue::from_str("article")).map_err(|_| JsError::new("options.article could not be read"))?;
    if article.is_undefined() || article.is_null() {
        return Ok(document_from_html(&html_nodes(element)));
    }
    if !article.is_object() {
        return Err(JsError::new("options.article must be an object: {format: \"markdown\" | \"html\" | \"text\", content: string}"));
    }
    let format = get_str(&article, "format")?.unwrap_or_else(|| "markdown".into());
    let content = get_str(&article, "content")?.ok_or_else(|| JsError::new("options.article.content is required (a string)"))?;
    Ok(match format.as_str() {
        "markdown" => crate::parts::formats_now()
            .ok_or_else(|| JsError::new("a Markdown article needs the formats part, which is loaded on first use: `await loadFormats()` before `mount` (or give the article as HTML or text)"))?
            .markdown(&content)
            .map_err(|e| JsError::new(&format!("the Markdown article could not be read: {e}")))?,
        "html" => document_from_html(&parse_html(&content).map_err(|_| JsError::new("options.article.content could not be parsed as HTML"))?),
        "text" => Document::from_plain_text(&content),
        other => return Err(JsError::new(&format!("options.article.format {other:?} is not supported; expected \"markdown\", \"html\" or \"text\""))),
    })
}

/// Reads `options.schema`: a schema object (or its JSON text); `None` for the default.
fn read_schema(options: &JsValue) -> Result<Schema, JsError> {
    let v = js_sys::Reflect::get(options, &JsValue::from_str("schema")).map_err(|_| JsError::new("options.schema could not be read"))?;
    if v.is_undefined() || v.is_null() {
        return Ok(Schema::default());
    }
    let text = match v.as_string() {
        Some(t) => t,
        None => js_sys::JSON::stringify(&v).map(String::from).map_err(|_| JsError::new("options.schema must be an object or JSON text"))?,
    };
    Schema::from_json(&text).map_err(|e| JsError::new(&format!("options.schema: {e}")))
}

fn get_bool(o: &JsValue, key: &str) -> Result<bool, JsError> {
    let v = get(o, key);
    if v.is_undefined() || v.is_null() {
        return Ok(false);
    }
    v.as_bool().ok_or_else(|| JsError::new(&format!("options.{key} must be true or false")))
}

/// The default document id: the page's canonical URL (or its address without query and
/// fragment) and a hash of the article text, so an edited article or another page never
/// reads another document's annotations as its own.
fn default_document_id(doc: &Document) -> String {
    let page = web_sys::window().and_then(|w| w.document()).and_then(|d| {
        let canonical = d.query_selector("link[rel=canonical]").ok().flatten().and_then(|l| l.get_attribute("href"));
        let base = d.base_uri().ok().flatten().unwrap_or_default();
        let href = canonical.and_then(|c| web_sys::Url::new_with_base(&c, &base).ok()).or_else(|| web_sys::Url::new(&d.url().ok()?).ok())?;
        href.set_search("");
        href.set_hash("");
        Some(href.href())
    });
    match page {
        Some(p) => format!("{p}#{}", doc.fingerprint()),
        None => doc.fingerprint(),
    }
}

/// Keeps the document's paint style beside its annotations (if it changed), for
/// `element.js` to paint a later visit's highlights before the widget is fetched. A
/// storage that refuses it only costs that early paint.
fn keep_paint_style(document_id: &str, style: &str) {
    use crate::storage::Store;
    if let Ok(store) = crate::storage::local::LocalStore::open() {
        let key = crate::ui::theme::paint_key(document_id);
        if store.get(&key).ok().flatten().as_deref() != Some(style) {
            let _ = store.set(&key, style);
        }
    }
}

/// The `sync` option: `{url, token}`.
fn read_sync(options: &JsValue) -> Result<Option<(String, crate::ui::team::TokenSource)>, JsError> {
    let v = js_sys::Reflect::get(options, &JsValue::from_str("sync")).map_err(|_| JsError::new("options.sync could not be read"))?;
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    let url = get_str(&v, "url")?.ok_or_else(|| JsError::new("options.sync.url is missing: the team server's root URL"))?;
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(JsError::new(&format!("options.sync.url {url:?} must be an http(s) URL")));
    }
    let t = js_sys::Reflect::get(&v, &JsValue::from_str("token")).map_err(|_| JsError::new("options.sync.token could not be read"))?;
    let token = if let Some(s) = t.as_string() {
        crate::ui::team::TokenSource::Fixed(s)
    } else if let Some(f) = t.dyn_ref::<js_sys::Function>() {
        crate::ui::team::TokenSource::Function(f.clone())
    } else {
        return Err(JsError::new("options.sync.token must be a string or a function returning a promise of one"));
    };
    Ok(Some((url, token)))
}

/// Optional, before the first `mount` of a page, in a task of its own: runs what `mount`
/// does on a two-sentence article, so that the first `mount` calls code V8 has compiled
/// already (it compiles each wasm function on its first call, on the main thread), and
/// has the first widget's first render rehearsed, unseen, before it
/// ([`crate::ui::rehearsal`]): no step of the start is one long task, for a few frames
/// more before the first render. `element.js` calls it once the module is loaded. Once
/// per page; later calls do nothing.
#[wasm_bindgen(js_name = warmUp)]
pub fn warm_up() {
    crate::ui::rehearsal::mount_parts(&Schema::default());
}

/// Renders the annotator into `element` (inside a shadow root of its own).
///
/// Options: `documentId` (the storage key; default: the page's canonical URL and a hash
/// of the article text), `article` (`{format: "markdown" | "html" | "text", content}`;
/// default: the element's own HTML, sanitized), `schema` (`{types: [{id, label, colour,
/// key}]}`), `storage` (`"local"`, the default, or `"none"`), `readOnly`, `user`
/// (recorded as the annotations' creator), `annotations` (W3C annotations to start with,
/// replacing what storage held), `sync` (`{url, token}`: the team server's root URL and a
/// token, or a function returning a promise of one, called again after a 401), `lookup`
/// (`(query) => Promise<[{id, label, description}]>`: the host's knowledge-base search,
/// offered in the editor to link an entity; `id` a Wikidata item or an http(s) IRI; the
/// widget itself fetches nothing).
#[wasm_bindgen]
pub fn mount(element: web_sys::Element, options: JsValue) -> Result<Annotator, JsError> {
    console_error_panic_hook::set_once();
    let options = if options.is_undefined() || options.is_null() { js_sys::Object::new().into() } else { options };
    if !options.is_object() {
        return Err(JsError::new("options must be an object"));
    }
    let doc = read_article(&element, &options)?;
    let schema = read_schema(&options)?;
    let storage = match get_str(&options, "storage")?.as_deref() {
        None | Some("local") => StorageChoice::Local,
        Some("none") => StorageChoice::None,
        Some(other) => return Err(JsError::new(&format!("options.storage {other:?} is not supported; expected \"local\" or \"none\""))),
    };
    let document_id = match get_str(&options, "documentId")? {
        Some(id) if id.trim().is_empty() => return Err(JsError::new("options.documentId must not be empty")),
        Some(id) => id,
        None => default_document_id(&doc),
    };
    let mut user = get_str(&options, "user")?;
    let mut read_only = get_bool(&options, "readOnly")?;
    let sync = read_sync(&options)?;
    // In a team, what the reader makes carries the token's name (what the server writes).
    if let (None, Some((_, crate::ui::team::TokenSource::Fixed(t)))) = (&user, &sync) {
        user = crate::ui::team::name_of(t);
    }
    // A viewer's token: the widget is read-only, and says why.
    let viewer = matches!(&sync, Some((_, crate::ui::team::TokenSource::Fixed(t))) if crate::ui::team::role_of(t).as_deref() == Some("viewer"));
    read_only |= viewer;
    let theme = Rc::new(Theme::new(&schema));
    let session = AnnotationStore::new(Session::new(document_id, doc, schema));
    // Annotations the host passes are loaded before the first render (one render, not two)
    // and take the place of what storage held.
    let initial = js_sys::Reflect::get(&options, &JsValue::from_str("annotations")).map_err(|_| JsError::new("options.annotations could not be read"))?;
    let preloaded = !initial.is_undefined() && !initial.is_null();
    if preloaded {
        let imported = read_w3c(&session, &initial)?;
        refuse_issues(&imported)?;
        session.load(imported);
    }
    // Storage is read now, not at the first render: every call after `mount` sees it.
    let persistence = crate::ui::persist::open(storage, session.clone(), !preloaded);
    drop(session.take_changes());
    let root = Shell::open(&element).map_err(|e| JsError::new(&e))?;
    let css = theme.css(&session.read().schema);
    let bridge = Bridge::default();
    let props_user = user.clone();
    let lookup = match get(&options, "lookup") {
        v if v.is_undefined() || v.is_null() => None,
        v => Some(v.dyn_into::<js_sys::Function>().map_err(|_| JsError::new("options.lookup must be a function: (query) => Promise<[{id, label, description}]>"))?),
    };
    let local_save = persistence.2;
    if local_save {
        // In a task of its own: nothing of it is needed before the widget is up.
        let (theme, session) = (theme.clone(), session.clone());
        crate::ui::dom::later(move || keep_paint_style(&session.read().document_id, &theme.paint_style(&session.read().schema)));
    }
    let props = AppProps { session: session.clone(), persistence, user, bridge: bridge.clone(), theme, host: Some(element), read_only, lookup, local_save };
    let (handle, alive, shell) = render_later(root, css, props);
    let syncer = sync.map(|(url, token)| {
        let why = viewer.then(|| crate::team::VIEWER.to_string());
        crate::ui::team::Syncer::start(&url, token, session.clone(), bridge.clone(), why, storage == StorageChoice::Local)
    });
    Ok(Annotator { handle, alive, session, bridge, shell, syncer, user: props_user, read_only })
}
