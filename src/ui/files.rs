//! Annotation files in the browser: exporting in any format of
//! [`catalog`](crate::core::format::catalog) as a download (brat as one stored zip), and
//! reading chosen or dropped files (a brat `.ann` paired with its `.txt` by name) into
//! imports for the reducer.
//!
//! Invariants: nothing here decides a format's content (that is `core`); a file that
//! cannot be read becomes an error notice naming it, never a panic, and changes nothing.

use crate::core::format::catalog::{self, ExportContext, Exported, Format};
use crate::core::format::{zip, Imported};
use crate::ui::dom;
use crate::ui::state::{Action, Notice};
use crate::store::AnnotationStore;
use yew::Callback;

/// The largest file the page reads for import: a 10,000-annotation W3C file is about
/// 10 MB; past this the tab would stall parsing, so the reader gets a clear error instead.
pub const MAX_IMPORT_BYTES: usize = 25_000_000;

/// Exports and starts the download: one file, or the brat files as `<id>.brat.zip`.
/// Says in a notice what the format could not hold. W3C and JSON Lines are exported at
/// once; the other formats by the formats part, loaded first if need be (a notice says
/// so if it cannot be), with what the session held at the click.
pub fn download(session: &AnnotationStore, format: Format, dispatch: &Callback<Action>) {
    let stem = catalog::file_stem(&session.read().document_id);
    let dispatch = dispatch.clone();
    match export_or_request(session, format) {
        Ok(exported) => save(exported, &stem, &dispatch),
        Err(request) => wasm_bindgen_futures::spawn_local(async move {
            match crate::parts::export(&request).await {
                Ok(exported) => save(exported, &stem, &dispatch),
                Err(e) => dispatch.emit(Action::Notify(Notice::error(format!("Could not export {}: {e}.", format.info().title)))),
            }
        }),
    }
}

/// The session's annotations in `format` when the widget's own module writes it (W3C,
/// JSON Lines); otherwise the request for the formats part ([`crate::parts::export`]),
/// holding what the session holds now.
pub fn export_or_request(session: &AnnotationStore, format: Format) -> Result<Exported, String> {
    let s = session.read();
    let source = s.source();
    let cx = ExportContext { set: s.annotations(), schema: &s.schema, doc: &s.doc, document_id: &s.document_id, source: &source };
    catalog::export_here(format, &cx).ok_or_else(|| crate::core::format::wire::export_request(format.info().name, &cx))
}

fn save(exported: Exported, stem: &str, dispatch: &Callback<Action>) {
    let started = match exported.files.as_slice() {
        [one] => dom::download(&one.name, one.mime, one.text.as_bytes()).map(|()| one.name.clone()),
        files => {
            let entries: Vec<(&str, &[u8])> = files.iter().map(|f| (f.name.as_str(), f.text.as_bytes())).collect();
            let name = format!("{stem}.brat.zip");
            dom::download(&name, "application/zip", &zip::write(&entries)).map(|()| name)
        }
    };
    match started {
        Err(e) => dispatch.emit(Action::Notify(Notice::error(format!("The download could not start: {}", dom::describe(&e))))),
        Ok(name) if !exported.left_out.is_empty() => dispatch.emit(Action::Notify(Notice::warning(format!(
            "Downloaded {name}. Not in it: {}. Export W3C JSON-LD to keep everything.",
            exported.left_out.join("; ")
        )))),
        Ok(_) => {}
    }
}

async fn bytes_of(file: &web_sys::File) -> Result<Vec<u8>, String> {
    let buf = wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await.map_err(|e| dom::describe(&e))?;
    Ok(js_sys::Uint8Array::new(&buf).to_vec())
}

/// Reads chosen or dropped files and imports each (a `.ann` with the `.txt` of the same
/// name as one brat import).
pub fn import_files(files: Vec<web_sys::File>, session: AnnotationStore, dispatch: Callback<Action>) {
    wasm_bindgen_futures::spawn_local(async move {
        let mut read: Vec<(String, Vec<u8>)> = Vec::new();
        for f in &files {
            if f.size() > MAX_IMPORT_BYTES as f64 {
                dispatch.emit(Action::Notify(Notice::error(format!(
                    "{} is {:.0} MB, more than the {} MB this page imports at once. Nothing was changed. Split the file, or convert it with the article-annotator command-line tool.",
                    f.name(),
                    f.size() / 1e6,
                    MAX_IMPORT_BYTES / 1_000_000
                ))));
                continue;
            }
            match bytes_of(f).await {
                Ok(b) => read.push((f.name(), b)),
                Err(e) => dispatch.emit(Action::Notify(Notice::error(format!("Could not read {}: {e}. Nothing was changed.", f.name())))),
            }
        }
        // brat files are paired by name, as the converter pairs them; several `.ann`s
        // dropped together are one corpus, of which the article's documents are imported.
        let names: Vec<String> = read.iter().map(|(n, _)| n.clone()).collect();
        let pairs = catalog::pair_brat(&names);
        let brat: Vec<_> = pairs.iter().filter(|(_, a, _)| a.is_some()).collect();
        let in_brat = |i: usize| brat.iter().any(|(_, a, t)| *a == Some(i) || *t == Some(i));
        if !brat.is_empty() {
            let label = if brat.len() == 1 { read[brat[0].1.unwrap_or_default()].0.clone() } else { format!("{} brat documents", brat.len()) };
            let files: Vec<(&str, &[u8])> = read.iter().enumerate().filter(|(i, _)| in_brat(*i)).map(|(_, (n, b))| (n.as_str(), b.as_slice())).collect();
            let shape = crate::core::format::wire::ImportShape { format: Some("brat"), companion: None, corpus: true };
            match by_part(&session, shape, &files).await {
                Ok(imported) => dispatch.emit(Action::Import(imported, label)),
                Err(e) => dispatch.emit(Action::Notify(Notice::error(format!("Could not import {label}: {e}. Nothing was changed.")))),
            }
        }
        for (i, (name, bytes)) in read.iter().enumerate() {
            if in_brat(i) {
                continue;
            }
            if name.ends_with(".txt") {
                dispatch.emit(Action::Notify(Notice::error(format!("{name} is an article text, not annotations: import it together with its .ann file."))));
                continue;
            }
            match import_bytes(&session, name, bytes).await {
                Ok(imported) => dispatch.emit(Action::Import(imported, name.clone())),
                Err(e) => dispatch.emit(Action::Notify(Notice::error(format!("Could not import {name}: {e}. Nothing was changed.")))),
            }
        }
    });
}

/// An import by the formats part, loaded first if need be.
pub async fn by_part(session: &AnnotationStore, shape: crate::core::format::wire::ImportShape<'_>, files: &[(&str, &[u8])]) -> Result<Imported, String> {
    let request = {
        let s = session.read();
        crate::core::format::wire::import_request(shape, files, &s.doc, &s.schema, dom::now())
    };
    crate::parts::import(&request, session).await
}

/// One file's import, its format recognised from its name and content: W3C and JSON
/// Lines here, the others by the formats part.
pub async fn import_bytes(session: &AnnotationStore, name: &str, bytes: &[u8]) -> Result<Imported, String> {
    let format = catalog::sniff_bytes(name, bytes).ok_or_else(|| format!("the format of {name} is not one we read ({})", Format::names(false)))?;
    if !format.info().import {
        return Err(catalog::ImportError::NotImportable(format.info().name, Format::names(false)).to_string());
    }
    if matches!(format, Format::W3c | Format::Jsonl) {
        let text = std::str::from_utf8(bytes).map_err(|e| format!("the file is not UTF-8 text (invalid byte at offset {})", e.valid_up_to()))?;
        let s = session.read();
        if let Some(done) = catalog::import_here(format, text, &catalog::ImportContext { doc: &s.doc, schema: &s.schema, now: dom::now() }) {
            return done.map_err(|e| e.to_string());
        }
    }
    let shape = crate::core::format::wire::ImportShape { format: Some(format.info().name), companion: None, corpus: false };
    by_part(session, shape, &[(name, bytes)]).await
}

/// Every file in a drop or a file input's list.
pub fn file_list(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    let Some(list) = list else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

