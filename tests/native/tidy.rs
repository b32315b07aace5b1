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
