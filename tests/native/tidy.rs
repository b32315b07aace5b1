//! Project rules that a reviewer would otherwise have to remember.

use std::fs;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(rust_files(&p));
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
    out
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn core_uses_no_browser_crate() {
    let core = root().join("src/core");
    let mut files = rust_files(&core);
    files.push(root().join("src/core.rs"));
    for f in files {
        let text = fs::read_to_string(&f).unwrap();
        for word in ["web_sys", "js_sys", "wasm_bindgen", "gloo", "yew"] {
            let hit = text.lines().any(|l| {
                let code = l.split("//").next().unwrap_or("");
                code.split(|c: char| !(c.is_alphanumeric() || c == '_')).any(|w| w == word)
            });
            assert!(!hit, "{} uses {word}: src/core must stay pure", f.display());
        }
    }
}

#[test]
fn every_module_opens_with_a_doc_comment() {
    for f in rust_files(&root().join("src")) {
        let text = fs::read_to_string(&f).unwrap();
        assert!(text.starts_with("//!"), "{} must open with a //! comment saying what it is for", f.display());
    }
}

/// Only the annotation store mutates the session: outside `src/core` (where the session
/// is defined) and `src/store.rs`, no code holds a `RefCell<Session>` or a `&mut Session`,
/// and a session made elsewhere goes straight into a store, so nothing else can call the
/// session's mutating methods (they all take `&mut self`).
#[test]
fn only_the_store_mutates_the_session() {
    let mut files = rust_files(&root().join("src"));
    files.retain(|f| !f.starts_with(root().join("src/core")) && !f.ends_with("src/store.rs") && !f.ends_with("src/core.rs"));
    assert!(files.len() > 10, "the UI, the API and the rest are looked at");
    for f in files {
        let text = fs::read_to_string(&f).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for pattern in ["RefCell<Session>", "&mut Session", "mut session: Session"] {
                assert!(!code.contains(pattern), "{}:{}: {pattern}: only src/store.rs may mutate the session", f.display(), n + 1);
            }
            if code.contains("Session::new(") {
                assert!(code.contains("AnnotationStore::new(Session::new("), "{}:{}: a session made outside the store goes straight into one", f.display(), n + 1);
            }
        }
    }
}

/// The format modules stand side by side: none imports the catalog (which imports them)
/// or another format; what they share lives below them (`core::format`, `core::corpus`).
/// `wire` is above the catalog, beside it: it carries the catalog's exports and imports
/// between the widget's two wasm modules.
#[test]
fn format_modules_import_neither_the_catalog_nor_each_other() {
    let dir = root().join("src/core/format");
    let names: Vec<String> = rust_files(&dir).iter().filter_map(|f| f.file_stem()?.to_str().map(str::to_string)).collect();
    for f in rust_files(&dir) {
        let me = f.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
        if me == "catalog" || me == "wire" {
            continue;
        }
        let text = fs::read_to_string(&f).unwrap();
        for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim_start().starts_with("//")) {
            assert!(!line.contains("format::catalog"), "{}:{}: a format module imports the catalog", f.display(), n + 1);
            for other in names.iter().filter(|o| **o != me && *o != "tokens" && *o != "zip" && *o != "stored") {
                assert!(!line.contains(&format!("format::{other}::")), "{}:{}: imports the {other} format", f.display(), n + 1);
            }
        }
    }
}
