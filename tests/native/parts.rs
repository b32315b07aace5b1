//! The plain data between the widget's two wasm modules (`core::format::wire`): each
//! side of it put back to back, as the widget and its formats part are in the browser.
//! Every export through it is byte for byte the direct one (so the golden files hold for
//! the split widget), every import brings back the same annotations, a document crosses
//! unchanged, and bad requests and replies are errors that say what is wrong.

use crate::formats::{id, NOW};
use crate::interchange::{export, file, rich_session};
use crate::util::{find, MULTILINGUAL, SAMPLE};
use article_annotator::core::article::parse_markdown;
use article_annotator::core::document::Document;
use article_annotator::core::edit::Edit;
use article_annotator::core::format::catalog::{self, ExportContext, Format, ImportContext};
use article_annotator::core::format::wire::{self, ImportShape};
use article_annotator::core::format::{w3c, zip};
use article_annotator::core::sanitize::document_from_html;
use article_annotator::core::session::Session;

fn through_wire(s: &Session, f: Format) -> catalog::Exported {
    let source = w3c::default_source(&s.doc, &s.document_id);
    let cx = ExportContext { set: s.annotations(), schema: &s.schema, doc: &s.doc, document_id: &s.document_id, source: &source };
    let reply = wire::serve_export(&wire::export_request(f.info().name, &cx)).unwrap_or_else(|e| panic!("{f:?}: {e}"));
    wire::exported_from(&reply).unwrap()
}

/// The session of the golden files, with one mention linked to Wikidata and two joined
/// as one entity, so that the relations and links cross too.
fn session() -> Session {
    let mut s = rich_session();
    for (n, iri) in [(3u8, "http://www.wikidata.org/entity/Q956"), (5, "http://www.wikidata.org/entity/Q148")] {
        let mut a = s.annotations().get(&id(n)).unwrap().clone();
        a.entity = Some(iri.into());
        s.apply(Edit::Update(a)).unwrap();
    }
    s
}

#[test]
fn every_export_through_the_wire_is_byte_for_byte_the_direct_one() {
    for s in [rich_session(), session()] {
        for f in Format::ALL {
            let direct = export(&s, f);
            let wired = through_wire(&s, f);
            assert_eq!(wired.files.len(), direct.files.len(), "{f:?}");
            for (a, b) in wired.files.iter().zip(&direct.files) {
                assert_eq!((&a.name, a.mime), (&b.name, b.mime), "{f:?}");
                assert!(a.text == b.text, "{f:?}: {} differs through the wire", a.name);
            }
            assert_eq!(wired.left_out, direct.left_out, "{f:?}");
        }
    }
}

#[test]
fn the_golden_files_hold_through_the_wire() {
    let s = rich_session();
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/golden");
    for f in Format::ALL {
        for out in through_wire(&s, f).files.iter().filter(|o| !o.name.ends_with(".txt")) {
            let want = std::fs::read_to_string(dir.join(&out.name)).unwrap();
            assert!(want == out.text, "{f:?}: {} through the wire differs from its golden file", out.name);
        }
    }
}

#[test]
fn every_import_through_the_wire_brings_back_what_the_direct_one_does() {
    let s = session();
    let later = article_annotator::core::model::Timestamp(NOW.0 + 1);
    for f in Format::ALL.into_iter().filter(|f| f.info().import) {
        let e = export(&s, f);
        let (text, companion) = if f == Format::Brat { (file(&e, ".ann"), Some(file(&e, ".txt"))) } else { (e.files[0].text.as_str(), None) };
        let direct = catalog::import(f, text, companion, &ImportContext { doc: &s.doc, schema: &s.schema, now: later }).unwrap();
        let shape = ImportShape { format: Some(f.info().name), companion, corpus: false };
        let request = wire::import_request(shape, &[("file", text.as_bytes())], &s.doc, &s.schema, later);
        let wired = wire::imported_from(&wire::serve_import(&request).unwrap(), &s.doc).unwrap();
        assert_eq!(wired, direct, "{f:?}");
        assert!(!wired.annotations.is_empty(), "{f:?}: the test imports something");
    }
}

#[test]
fn brat_files_cross_as_a_corpus_and_as_a_zip() {
    let s = session();
    let e = export(&s, Format::Brat);
    let files: Vec<(&str, &[u8])> = e.files.iter().map(|f| (f.name.as_str(), f.text.as_bytes())).collect();
    let corpus = wire::import_request(ImportShape { format: Some("brat"), companion: None, corpus: true }, &files, &s.doc, &s.schema, NOW);
    let wired = wire::imported_from(&wire::serve_import(&corpus).unwrap(), &s.doc).unwrap();
    let stem = catalog::file_stem(&s.document_id);
    let direct = article_annotator::core::format::brat::import_corpus(&[(stem, file(&e, ".ann"), Some(file(&e, ".txt")))], &s.doc, &s.schema, NOW);
    assert_eq!(wired, direct);
    assert_eq!(wired.annotations.len(), s.annotations().iter().filter(|a| !a.is_orphan()).count());

    // A zip is not UTF-8: it crosses as bytes.
    let zipped = zip::write(&files);
    let request = wire::import_request(ImportShape { format: Some("brat"), ..ImportShape::default() }, &[("test-doc.brat.zip", &zipped)], &s.doc, &s.schema, NOW);
    let wired = wire::imported_from(&wire::serve_import(&request).unwrap(), &s.doc).unwrap();
    let direct = catalog::import_bytes(Format::Brat, &zipped, None, &ImportContext { doc: &s.doc, schema: &s.schema, now: NOW }).unwrap();
    assert_eq!(wired, direct);
}

#[test]
fn a_file_whose_format_is_not_said_is_recognised_by_the_part() {
    let s = session();
    let e = export(&s, Format::Spacy);
    let request = wire::import_request(ImportShape::default(), &[("x.spacy.jsonl", e.files[0].text.as_bytes())], &s.doc, &s.schema, NOW);
    let wired = wire::imported_from(&wire::serve_import(&request).unwrap(), &s.doc).unwrap();
    let direct = catalog::import(Format::Spacy, &e.files[0].text, None, &ImportContext { doc: &s.doc, schema: &s.schema, now: NOW }).unwrap();
    assert_eq!(wired, direct);
    assert_eq!(wired.annotations.len(), s.annotations().iter().filter(|a| !a.is_orphan()).count());
}

#[test]
fn a_document_crosses_unchanged() {
    let html = "<h1>Заголовок 👩🏽‍💻</h1><p>Line one<br>line <a href=\"https://example.org/\">two</a> <em>é</em> 中文</p><img src=\"https://example.org/a.png\" alt=\"A\"><blockquote><p>Quoted <strong>words</strong></p></blockquote><ul><li>item <code>x</code></li></ul>";
    let nodes = article_annotator::core::html_read::parse(html);
    for doc in [parse_markdown(SAMPLE), parse_markdown(MULTILINGUAL), document_from_html(&nodes), Document::from_plain_text("one\n\ntwo"), parse_markdown("")] {
        let back = wire::document_from(&wire::document_json(&doc)).unwrap();
        assert_eq!(back, doc);
        assert_eq!(wire::document_from(&wire::serve_markdown(SAMPLE)).unwrap(), parse_markdown(SAMPLE));
    }
    assert!(!document_from_html(&nodes).images().is_empty() && document_from_html(&nodes).blocks().iter().any(|b| !b.inlines.is_empty()), "the test has images and marks");
}

#[test]
fn a_document_that_does_not_fit_together_is_refused_with_the_reason() {
    let bad = [
        (r#"{"text":"ab","blocks":[{"k":"p","s":0,"e":5}]}"#, "blocks[0]: 0..5 is not a range of the text"),
        (r#"{"text":"ab cd","blocks":[{"k":"p","s":0,"e":2}]}"#, "do not make up the text"),
        (r#"{"text":"ab","blocks":[{"k":"h9","s":0,"e":2}]}"#, "blocks[0].k: \"h9\" is not a block kind"),
        (r#"{"text":"ab\n\ncd","blocks":[{"k":"p","s":3,"e":5},{"k":"p","s":0,"e":2}]}"#, "blocks[1]"),
        ("[1,2", "could not be read"),
    ];
    for (json, want) in bad {
        let err = wire::document_from(json).unwrap_err();
        assert!(err.contains(want), "{json}: {err}");
    }
    // A link that is not http(s) or mailto does not cross; its text does.
    let doc = wire::document_from(r#"{"text":"ab","blocks":[{"k":"p","s":0,"e":2,"i":[{"k":"a","s":0,"e":2,"href":"javascript:alert(1)"}]}]}"#).unwrap();
    assert!(doc.blocks()[0].inlines.is_empty() && doc.text() == "ab");
}

#[test]
fn a_position_whose_text_is_not_the_quote_makes_an_orphan_not_a_wrong_highlight() {
    let s = session();
    let reply = wire::serve_import(&wire::import_request(ImportShape { format: Some("doccano"), ..ImportShape::default() }, &[("f", export(&s, Format::Doccano).files[0].text.as_bytes())], &s.doc, &s.schema, NOW)).unwrap();
    // Another article of the same length: every position now points at other text.
    let other = Document::from_plain_text(&"x".repeat(s.doc.text().chars().count()));
    let imported = wire::imported_from(&reply, &other).unwrap();
    assert!(!imported.annotations.is_empty() && imported.annotations.iter().all(|a| a.is_orphan()));
    let r = find(&s.doc, "Kaspersky Lab");
    let same = wire::imported_from(&reply, &s.doc).unwrap();
    assert!(same.annotations.iter().any(|a| a.target.range == Some(r)));
}

#[test]
fn bad_requests_and_replies_say_what_is_wrong() {
    let s = session();
    let source = w3c::default_source(&s.doc, &s.document_id);
    let cx = ExportContext { set: s.annotations(), schema: &s.schema, doc: &s.doc, document_id: &s.document_id, source: &source };
    let err = wire::serve_export(&wire::export_request("docx", &cx)).unwrap_err();
    assert!(err.contains("unknown export format \"docx\""), "{err}");
    assert!(wire::serve_export("{").unwrap_err().contains("the export request could not be read"));
    assert!(wire::serve_import("null").unwrap_err().contains("the import request could not be read"));
    let csv = wire::import_request(ImportShape { format: Some("csv"), ..ImportShape::default() }, &[("a.csv", b"a,b")], &s.doc, &s.schema, NOW);
    assert!(wire::serve_import(&csv).unwrap_err().contains("can be exported but not imported"));
    let none = wire::import_request(ImportShape::default(), &[("a.bin", b"\x00\x01")], &s.doc, &s.schema, NOW);
    assert!(wire::serve_import(&none).unwrap_err().contains("a.bin"));
    // A file's bytes that are not hexadecimal (here not even ASCII) are named, not a panic.
    let mut req: serde_json::Value = serde_json::from_str(&wire::import_request(ImportShape { format: Some("brat"), ..ImportShape::default() }, &[("z.zip", b"PK\x03\x04\xff")], &s.doc, &s.schema, NOW)).unwrap();
    for bad in ["0é0", "zz00", "0"] {
        req["files"][0]["hex"] = serde_json::Value::from(bad);
        let err = wire::serve_import(&req.to_string()).unwrap_err();
        assert!(err.contains("z.zip"), "{bad}: {err}");
    }
    assert!(wire::exported_from("[]").unwrap_err().contains("the formats part's export could not be read"));
    assert!(wire::imported_from("{}", &s.doc).unwrap_err().contains("the formats part's import could not be read"));
    // A stored item the widget cannot read is an issue naming it, not a panic.
    let bad_item = r#"{"annotations":[{"id":"","x":"a","c":0,"m":0,"t":"person"}],"issues":[],"carries":[true,true,true,true,true,true,true,true,true],"other_documents":0}"#;
    let imported = wire::imported_from(bad_item, &s.doc).unwrap();
    assert!(imported.annotations.is_empty() && imported.issues[0].to_string().contains("annotation 1"), "{:?}", imported.issues);
}

#[test]
fn a_schema_crosses_as_json_and_comes_back_equal() {
    use article_annotator::core::schema::Schema;
    let custom = Schema::from_json(r##"{"types":[{"id":"drug","label":"Drug name","colour":"#aa0000","key":"d"},{"id":"org","colour":"teal","key":"7"}],"verdicts":[{"id":"false","label":"Wrong"},{"id":"true"}]}"##).unwrap();
    for schema in [Schema::default(), custom] {
        assert_eq!(Schema::from_json(&schema.to_json()).unwrap(), schema);
    }
}
