//! Files as corpora: fixtures written in each tool's own format (tests/fixtures/corpus:
//! a brat directory of three documents with line breaks, tabs, a BOM, discontinuous
//! spans, events, relations, attributes, normalisations, notes, an equivalence and a
//! wrong covered text; doccano JSON Lines and a pretty-printed JSON array; Prodigy
//! examples with their own tokens and answers; Label Studio tasks with predictions and
//! results of other types; a Latin-1 file). Per file: documents and items in = out (or
//! listed), identity round trips, exact offsets against each file's own text, the
//! converter's exit codes and report, and the widget's import of a corpus file.

use article_annotator::core::corpus::write::{Chunk, DocReport, Options, Predictions, Writer};
use article_annotator::core::corpus::{self, brat, Cutter, Doc, Frag, Span};
use article_annotator::core::document::Document;
use article_annotator::core::format::catalog::{self, Format};
use article_annotator::core::model::Timestamp;
use article_annotator::core::schema::Schema;
use proptest::prelude::*;
use std::path::PathBuf;
use std::process::Command;

const NOW: Timestamp = Timestamp(1_700_000_000_000);

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus")
}

fn text(name: &str) -> String {
    String::from_utf8(std::fs::read(dir().join(name)).unwrap()).unwrap()
}

/// The brat fixture directory's documents, as the converter reads them.
fn brat_docs() -> Vec<(Doc, Vec<corpus::Issue>)> {
    ["doc-a", "doc-b", "doc-c"].iter().map(|s| brat::read(&text(&format!("brat/{s}.ann")), &text(&format!("brat/{s}.txt")), Some(s.to_string()))).collect()
}

fn records(format: Format, name: &str) -> Vec<(Doc, Vec<corpus::Issue>)> {
    let t = text(name);
    corpus::read_records(corpus::record_reader(format).unwrap(), &t).map(|r| r.unwrap()).collect()
}

fn options(predictions: Predictions) -> Options {
    Options { predictions, all_answers: true, schema_types: Vec::new(), schema: Schema::default(), now: NOW, collection: "urn:x:c".into() }
}

/// Every document written in `format`: the output by file (`""` the main one), and the reports.
fn write_all(format: Format, docs: &[Doc], predictions: Predictions) -> (Vec<(String, String)>, Vec<DocReport>) {
    let mut w = Writer::new(format, options(predictions));
    let mut files: Vec<(String, String)> = Vec::new();
    let take = |chunks: Vec<Chunk>, files: &mut Vec<(String, String)>| {
        for c in chunks {
            let name = c.file.unwrap_or_default();
            match files.iter_mut().find(|(n, _)| *n == name) {
                Some((_, t)) => t.push_str(&c.text),
                None => files.push((name, c.text)),
            }
        }
    };
    take(w.start(), &mut files);
    let mut reports = Vec::new();
    for (i, d) in docs.iter().enumerate() {
        let (chunks, r) = w.push(d.clone(), i, Vec::new()).unwrap();
        take(chunks, &mut files);
        reports.push(r);
    }
    take(w.finish(), &mut files);
    (files, reports)
}

/// Reads back what [`write_all`] wrote.
fn read_back(format: Format, files: &[(String, String)]) -> Vec<Doc> {
    if format == Format::Brat {
        let names: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
        return brat::pair(&names)
            .into_iter()
            .map(|(stem, a, t)| brat::read(a.map_or("", |a| &files[a].1), &files[t.unwrap()].1, Some(stem)).0)
            .collect();
    }
    let main = &files.iter().find(|(n, _)| n.is_empty()).unwrap().1;
    corpus::read_records(corpus::record_reader(format).unwrap(), main).map(|r| r.unwrap().0).collect()
}

fn all_fixtures() -> Vec<(&'static str, Vec<Doc>)> {
    let strip = |v: Vec<(Doc, Vec<corpus::Issue>)>| v.into_iter().map(|(d, _)| d).collect::<Vec<_>>();
    vec![
        ("brat", strip(brat_docs())),
        ("doccano", strip(records(Format::Doccano, "doccano.jsonl"))),
        ("doccano-pretty", strip(records(Format::Doccano, "doccano-pretty.json"))),
        ("prodigy", strip(records(Format::Spacy, "prodigy.jsonl"))),
        ("label-studio", strip(records(Format::LabelStudio, "label-studio.json"))),
    ]
}

#[test]
fn every_document_of_a_file_is_read_with_its_own_text() {
    let b = brat_docs();
    assert_eq!(b.len(), 3);
    assert_eq!(b.iter().map(|(d, _)| d.spans.len()).collect::<Vec<_>>(), vec![7, 4, 3]);
    let a = &b[0].0;
    assert_eq!(a.text, text("brat/doc-a.txt"), "line breaks, the tab and the double space kept");
    assert_eq!((a.relations.len(), a.extras.len(), a.items().attributes, a.items().norms, a.items().notes), (2, 3, 3, 1, 1));
    assert_eq!(a.spans[6].fragments, vec![Frag { start: 0, end: 7 }, Frag { start: 8, end: 17 }], "a discontinuous span keeps its fragments");
    assert_eq!(a.spans[6].label, "Gene_expression", "types as written");
    assert!(b[1].0.text.starts_with('\u{feff}'), "brat counts the BOM, so it is kept");
    assert!(b[0].1.is_empty() && b[1].1.is_empty(), "{:?}", b[1].1);
    assert_eq!(b[2].1.len(), 1, "the wrong covered text is named");
    assert!(b[2].1[0].message.contains("the covered text \"p54\" is not the text at its offsets 12 15 (\"p53\")"), "{:?}", b[2].1);
    assert_eq!(records(Format::Doccano, "doccano.jsonl").len(), 3);
    let pretty = records(Format::DoccanoRelations, "doccano-pretty.json");
    assert_eq!((pretty.len(), pretty[0].0.relations.len(), pretty[0].0.name.as_deref()), (2, 2, Some("10")));
    let prodigy = records(Format::Spacy, "prodigy.jsonl");
    assert_eq!(prodigy.iter().map(|(d, _)| d.answer.clone().unwrap()).collect::<Vec<_>>(), vec!["accept", "reject", "ignore"]);
    assert_eq!(prodigy[0].0.tokens.as_ref().unwrap().len(), 7, "the file's tokens, not ours");
    assert_eq!(prodigy[0].0.spans[1].norms[0].reference, "Q567", "kb_id is a knowledge-base link");
    let ls = records(Format::LabelStudio, "label-studio.json");
    assert_eq!(ls.len(), 2);
    let t = &ls[0].0;
    assert_eq!(t.groups.len(), 2);
    assert_eq!(t.spans.iter().filter(|s| t.is_prediction(s)).count(), 2, "predictions are read as predictions");
    assert_eq!((t.relations.len(), t.items().attributes, t.items().notes, t.extras.len()), (1, 1, 1, 1));
    assert_eq!(ls[1].0.extras[0].what, "result 1 (hypertextlabels h1)");
}

#[test]
fn offsets_are_exact_in_each_files_own_text() {
    for (d, _) in brat_docs() {
        let cut = Cutter::new(&d.text);
        let ann = text(&format!("brat/{}.ann", d.name.as_deref().unwrap()));
        for s in &d.spans {
            let covered: Vec<&str> = s.fragments.iter().map(|f| cut.cut(f.start, f.end).unwrap()).collect();
            let line = ann.lines().find(|l| l.starts_with(&format!("{}\t", s.id.as_deref().unwrap()))).unwrap();
            let said = line.rsplit('\t').next().unwrap();
            if said != "p54" {
                assert_eq!(covered.join(" "), said, "{line}");
            }
        }
    }
    let b = &brat_docs()[1].0;
    let cut = Cutter::new(&b.text);
    let got: Vec<&str> = b.spans.iter().map(|s| cut.cut(s.fragments[0].start, s.fragments[0].end).unwrap()).collect();
    assert_eq!(got, vec!["Кремль", "习近平", "👩🏽\u{200d}💻", "Mü\u{308}nchen"], "Cyrillic, Chinese, ZWJ with a skin tone, a combining mark");
    let d = &records(Format::Doccano, "doccano.jsonl")[2].0;
    let cut = Cutter::new(&d.text);
    assert_eq!(d.spans.iter().map(|s| cut.cut(s.fragments[0].start, s.fragments[0].end).unwrap()).collect::<Vec<_>>(), vec!["Путин", "习近平", "Пекине"]);
    let ls = &records(Format::LabelStudio, "label-studio.json")[0].0;
    let cut = Cutter::new(&ls.text);
    assert!(ls.spans.iter().all(|s| cut.cut(s.fragments[0].start, s.fragments[0].end).is_some()));
    assert_eq!(cut.cut(ls.spans[2].fragments[0].start, ls.spans[2].fragments[0].end), Some("Miao Wei"), "after the skin-toned emoji");
}

#[test]
fn every_item_is_written_or_listed_in_every_format() {
    let targets = [Format::Brat, Format::Doccano, Format::DoccanoRelations, Format::Spacy, Format::LabelStudio, Format::Conll, Format::W3c, Format::Jsonl];
    for (name, docs) in all_fixtures() {
        for f in targets {
            for p in [Predictions::Separate, Predictions::Merge, Predictions::Drop] {
                let (_, reports) = write_all(f, &docs, p);
                assert_eq!(reports.len(), docs.len(), "{name} → {f:?}: one report a document");
                for r in &reports {
                    assert_eq!(r.read.total(), r.written + r.left_out.len() + r.excluded, "{name} → {f:?} ({p:?}), {}: {r:#?}", r.name);
                }
            }
        }
    }
}

/// What a round trip must keep of a document: text, labels, fragments, ids, relations,
/// attributes, notes, links, tokens, answers, fields, groups and extras.
fn same(a: &Doc, b: &Doc, what: &str) {
    assert_eq!(a.text, b.text, "{what}: text");
    assert_eq!(a.spans.len(), b.spans.len(), "{what}: spans");
    for (x, y) in a.spans.iter().zip(&b.spans) {
        assert_eq!((&x.id, &x.label, &x.fragments, &x.attributes, &x.notes, &x.norms, x.group), (&y.id, &y.label, &y.fragments, &y.attributes, &y.notes, &y.norms, y.group), "{what}");
    }
    assert_eq!(a.relations.iter().map(|r| (&r.label, r.from, r.to)).collect::<Vec<_>>(), b.relations.iter().map(|r| (&r.label, r.from, r.to)).collect::<Vec<_>>(), "{what}: relations");
    assert_eq!((&a.answer, &a.groups), (&b.answer, &b.groups), "{what}");
    // Extras as written (their description names their place, which may move).
    assert_eq!(a.extras.iter().map(|e| (e.format, &e.raw)).collect::<Vec<_>>(), b.extras.iter().map(|e| (e.format, &e.raw)).collect::<Vec<_>>(), "{what}: extras");
    // A document without tokens gets UAX #29 words in spaCy's file; one with tokens keeps them.
    if a.tokens.is_some() {
        assert_eq!(a.tokens, b.tokens, "{what}: tokens");
    }
}

#[test]
fn brat_doccano_spacy_and_label_studio_round_trip_as_identities() {
    let b: Vec<Doc> = brat_docs().into_iter().map(|(d, _)| d).collect();
    let (files, reports) = write_all(Format::Brat, &b, Predictions::Separate);
    assert!(reports.iter().all(|r| r.left_out.is_empty() && r.changed.is_empty()), "{reports:#?}");
    for d in &b {
        let stem = d.name.as_deref().unwrap();
        assert_eq!(files.iter().find(|(n, _)| *n == format!("{stem}.txt")).unwrap().1, text(&format!("brat/{stem}.txt")), "the .txt byte for byte");
    }
    let back = read_back(Format::Brat, &files);
    for (x, y) in b.iter().zip(&back) {
        same(x, y, "brat");
    }
    for (format, file) in [(Format::Doccano, "doccano.jsonl"), (Format::DoccanoRelations, "doccano-pretty.json"), (Format::Spacy, "prodigy.jsonl"), (Format::LabelStudio, "label-studio.json")] {
        let docs: Vec<Doc> = records(format, file).into_iter().map(|(d, _)| d).collect();
        let (files, reports) = write_all(format, &docs, Predictions::Separate);
        assert!(reports.iter().all(|r| r.left_out.is_empty()), "{file}: {reports:#?}");
        let back = read_back(format, &files);
        assert_eq!(back.len(), docs.len(), "{file}");
        for (x, y) in docs.iter().zip(&back) {
            same(x, y, file);
            assert_eq!(x.fields, y.fields, "{file}: the record's other fields");
        }
    }
}

#[test]
fn the_widget_imports_the_document_that_is_its_article() {
    // A doccano corpus of three: only the record that is the article is imported.
    let t = text("doccano.jsonl");
    let article = Document::from_plain_text("Путин встретился с 习近平 👋🏽 в Пекине.");
    let got = catalog::import(Format::Doccano, &t, None, &catalog::ImportContext { doc: &article, schema: &Schema::default(), now: NOW }).unwrap();
    assert_eq!((got.annotations.len(), got.other_documents), (3, 2), "{:?}", got.issues);
    assert!(got.annotations.iter().all(|a| !a.is_orphan()));
    // A brat .txt with single line breaks is the article before folding: mapped exactly.
    let txt = text("brat/doc-c.txt");
    let article = Document::from_plain_text(&txt);
    assert_ne!(article.text(), txt);
    let got = catalog::import(Format::Brat, &text("brat/doc-c.ann"), Some(&txt), &catalog::ImportContext { doc: &article, schema: &Schema::default(), now: NOW }).unwrap();
    let found: Vec<(&str, bool)> = got.annotations.iter().map(|a| (a.target.quote.exact(), a.target.range.is_some())).collect();
    assert!(found.contains(&("binds", true)) && found.contains(&("MDM2", true)), "entities next to a line break are exact, not orphans: {found:?}");
    let binds = got.annotations.iter().find(|a| a.target.quote.exact() == "binds").unwrap().target.range.unwrap();
    assert_eq!(article.slice(binds), Some("binds"));
    // Rejected Prodigy examples are not imported.
    let article = Document::from_plain_text("Apple pie is tasty.");
    let got = catalog::import(Format::Spacy, &text("prodigy.jsonl"), None, &catalog::ImportContext { doc: &article, schema: &Schema::default(), now: NOW }).unwrap();
    assert!(!got.annotations.iter().any(|a| a.target.quote.exact() == "Apple"), "the rejected example's span is not imported");
    assert!(got.issues.iter().any(|i| i.message.contains("answer \"reject\"")), "{:?}", got.issues);
}

fn cli(args: &[&str]) -> (i32, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_article-annotator")).args(args).output().unwrap();
    (o.status.code().unwrap_or(-1), String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned())
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("article-annotator-corpus-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn the_converter_says_what_arrived_and_its_exit_code_means_it() {
    let d = dir();
    let s = |p: PathBuf| p.to_str().unwrap().to_string();
    let out = scratch("cli");
    // brat directory → doccano: three records, what doccano cannot hold listed, exit 3.
    let report = out.join("report.json");
    let (code, stdout, err) = cli(&["convert", "--to", "doccano", &s(d.join("brat")), "--report", &s(report.clone())]);
    assert_eq!(code, 3, "{err}");
    assert_eq!(stdout.lines().count(), 3);
    assert!(err.contains("doc-a: line 15: event E1: doccano has no place for it"), "{err}");
    let r: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!((r["documents"].as_u64(), r["read"].as_u64(), r["complete"].as_bool()), (Some(3), Some(25), Some(false)));
    let docs = r["per_document"].as_array().unwrap();
    for doc in docs {
        let n = |k: &str| doc[k].as_u64().unwrap_or_else(|| doc[k]["total"].as_u64().unwrap()) as usize;
        assert_eq!(n("read"), n("written") + doc["left_out"].as_array().unwrap().len() + doc["excluded"]["items"].as_u64().unwrap() as usize, "{doc}");
    }
    // doccano → doccano is exact and complete: exit 0.
    let (code, stdout, err) = cli(&["convert", "--to", "doccano", &s(d.join("doccano.jsonl"))]);
    assert_eq!(code, 0, "{err}");
    for (a, b) in stdout.lines().zip(text("doccano.jsonl").lines()) {
        assert_eq!(serde_json::from_str::<serde_json::Value>(a).unwrap(), serde_json::from_str::<serde_json::Value>(b).unwrap());
    }
    // Pretty-printed JSON arrays are read.
    let (code, stdout, err) = cli(&["convert", "--to", "doccano-relations", &s(d.join("doccano-pretty.json"))]);
    assert_eq!((code, stdout.lines().count()), (0, 2), "{err}");
    // Latin-1: exit 1, with the byte.
    let (code, _, err) = cli(&["convert", "--from", "doccano", "--to", "conll", &s(d.join("doccano-latin1.jsonl"))]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("not UTF-8: invalid byte 0xe9 at byte 13 (line 1)"), "{err}");
    // Prodigy: accepted only by default (the others are noted, not an error); all on request.
    let (code, stdout, err) = cli(&["convert", "--to", "spacy", &s(d.join("prodigy.jsonl"))]);
    assert_eq!((code, stdout.lines().count()), (0, 1), "{err}");
    assert!(err.contains("answer \"reject\": only accepted examples are read"), "{err}");
    let (code, stdout, _) = cli(&["convert", "--to", "spacy", "--answers", "all", &s(d.join("prodigy.jsonl"))]);
    assert_eq!((code, stdout.lines().count()), (0, 3));
    assert!(stdout.contains("\"answer\":\"reject\""));
    // Label Studio predictions: left out of doccano by default (exit 3), merged, or dropped.
    let ls = s(d.join("label-studio.json"));
    let (code, _, err) = cli(&["convert", "--to", "doccano-relations", &ls]);
    assert_eq!(code, 3);
    assert!(err.contains("p1: a model's prediction"), "{err}");
    let (_, merged, _) = cli(&["convert", "--to", "doccano-relations", "--predictions", "merge", &ls]);
    assert!(merged.contains("\"Organization\""), "{merged}");
    let (code, dropped, err) = cli(&["convert", "--to", "label-studio", "--predictions", "drop", &ls]);
    assert!(!dropped.contains("\"predictions\""), "{dropped}");
    assert!(err.contains("2 items: a model's predictions (--predictions drop)"), "{err}");
    assert_eq!(code, 0, "{err}");
    // Label Studio → Label Studio keeps predictions as predictions.
    let (code, same_ls, err) = cli(&["convert", "--to", "label-studio", &ls]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&same_ls).unwrap();
    assert_eq!(v[0]["predictions"][0]["model_version"], "ner-v2");
    assert_eq!(v[0]["predictions"][0]["result"].as_array().unwrap().len(), 2);
    // brat → brat: the wrong covered text is a warning (exit 3); the texts are byte-identical.
    let b = out.join("brat");
    let (code, _, err) = cli(&["convert", "--to", "brat", &s(d.join("brat")), "-o", &s(b.clone())]);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("warning:") && err.contains("\"p54\""), "{err}");
    for f in ["doc-a.txt", "doc-b.txt", "doc-c.txt"] {
        assert_eq!(std::fs::read(b.join(f)).unwrap(), std::fs::read(d.join("brat").join(f)).unwrap(), "{f}");
    }
    let conf = std::fs::read_to_string(b.join("annotation.conf")).unwrap();
    assert!(conf.contains("\nGene_expression\n") && conf.contains("\nMeeting\tArg:<ENTITY>") && conf.contains("Confidence\tArg:<ANY>, Value:High"), "{conf}");
    // CoNLL marks every document.
    let (_, conll, _) = cli(&["convert", "--to", "conll", &s(d.join("doccano.jsonl"))]);
    assert_eq!(conll.matches("-DOCSTART-").count(), 3);
}

fn doc_strategy() -> impl Strategy<Value = Doc> {
    let pieces = prop::collection::vec(prop::sample::select(vec!["Кремль", "习近平", "👩🏽\u{200d}💻", "e\u{301}", "Nikiforov", " ", "\n", "\t", "  ", ".", "said"]), 1..30);
    (pieces, prop::collection::vec((0usize..200, 1usize..12, 0usize..3), 0..8)).prop_map(|(p, spans)| {
        let text: String = p.concat();
        let len = text.chars().count();
        let chars: Vec<char> = text.chars().collect();
        let mut d = Doc { name: None, text, ..Doc::default() };
        for (start, n, l) in spans {
            let start = start % len.max(1);
            let end = (start + n).min(len);
            // brat's fragments stay within a line: keep spans that do not cross one.
            if end <= start || chars[start..end].contains(&'\n') {
                continue;
            }
            d.spans.push(Span { label: ["PER", "Gene_expression", "org-x"][l].into(), fragments: vec![Frag { start, end }], ..Span::default() });
        }
        d
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn a_random_multilingual_corpus_survives_every_format_that_holds_it(docs in prop::collection::vec(doc_strategy(), 1..5)) {
        for f in [Format::Brat, Format::Doccano, Format::DoccanoRelations, Format::Spacy, Format::LabelStudio] {
            let (files, reports) = write_all(f, &docs, Predictions::Separate);
            prop_assert!(reports.iter().all(|r| r.left_out.is_empty()), "{:?}: {:?}", f, reports);
            let back = read_back(f, &files);
            prop_assert_eq!(back.len(), docs.len());
            for (a, b) in docs.iter().zip(&back) {
                prop_assert_eq!(&a.text, &b.text, "{:?}", f);
                let spans = |d: &Doc| d.spans.iter().map(|s| (s.label.clone(), s.fragments.clone())).collect::<Vec<_>>();
                prop_assert_eq!(spans(a), spans(b), "{:?}", f);
            }
        }
    }
}

#[test]
fn w3c_sources_go_to_the_articles_holding_their_quotes_and_plain_texts_keep_their_lines() {
    let out = scratch("w3c");
    let s = |p: PathBuf| p.to_str().unwrap().to_string();
    let ann = |id: &str, source: &str, exact: &str, label: &str| serde_json::json!({"id": id, "type": "Annotation", "body": {"type": "TextualBody", "purpose": "tagging", "value": label}, "target": {"source": source, "selector": {"type": "TextQuoteSelector", "exact": exact}}}).to_string();
    let lines = [ann("urn:x:1", "urn:story:a", "Miao Wei", "Person"), ann("urn:x:2", "urn:story:c", "binds", "Binding"), ann("urn:x:3", "urn:story:c", "MDM2", "Protein"), ann("urn:x:4", "urn:story:z", "nowhere to be found", "Person")];
    let file = out.join("team.jsonl");
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    let brat_out = out.join("brat");
    let (code, _, err) = cli(&["convert", "--from", "jsonl", "--to", "brat", "--text", &s(dir().join("brat/doc-a.txt")), "--text", &s(dir().join("brat/doc-c.txt")), &s(file.clone()), "-o", &s(brat_out.clone())]);
    assert_eq!(code, 3, "a source no article holds is named: {err}");
    assert!(err.contains("source urn:story:z: no article given with --text holds its quotes; its 1 annotations are left out"), "{err}");
    assert!(err.contains("2 documents read"), "{err}");
    // Each source is its own document, with the article's text as written (line breaks kept).
    let c = std::fs::read_to_string(brat_out.join("urn-story-c.txt")).unwrap();
    assert_eq!(c, text("brat/doc-c.txt"));
    let c_ann = std::fs::read_to_string(brat_out.join("urn-story-c.ann")).unwrap();
    assert!(c_ann.contains("\tBinding 16 21\tbinds\n") && c_ann.contains("\tProtein 22 26\tMDM2\n"), "positions in the .txt itself: {c_ann}");
    let a_ann = std::fs::read_to_string(brat_out.join("urn-story-a.ann")).unwrap();
    assert!(a_ann.contains("\tPerson 22 30\tMiao Wei\n"), "{a_ann}");
    // To W3C the positions count in the article as the widget shows it (white space folded).
    let (code, w3c, err) = cli(&["convert", "--from", "jsonl", "--to", "jsonl", "--text", &s(dir().join("brat/doc-c.txt")), &s(file)]);
    assert_eq!(code, 3, "{err}");
    let binds: serde_json::Value = serde_json::from_str(w3c.lines().find(|l| l.contains("binds")).unwrap()).unwrap();
    let folded = Document::from_plain_text(&text("brat/doc-c.txt"));
    let pos = binds["target"]["selector"].as_array().unwrap().iter().find(|x| x["type"] == "TextPositionSelector").unwrap().clone();
    let r = article_annotator::core::offset::CharRange::from_usize(pos["start"].as_u64().unwrap() as usize, pos["end"].as_u64().unwrap() as usize).unwrap();
    assert_eq!(folded.slice(r), Some("binds"));
}

#[test]
fn pretty_printed_records_one_after_another_are_read() {
    let a = serde_json::to_string_pretty(&serde_json::json!({"text": "Anna met Bob.", "label": [[0, 4, "PER"]]})).unwrap();
    let b = serde_json::to_string_pretty(&serde_json::json!({"text": "Bob left.", "label": [[0, 3, "PER"]]})).unwrap();
    let both = format!("{a}\n{b}\n");
    assert_eq!(catalog::sniff("export.json", &both), Some(Format::Doccano));
    let docs: Vec<_> = corpus::read_records(corpus::record_reader(Format::Doccano).unwrap(), &both).collect();
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[1].as_ref().unwrap().0.text, "Bob left.");
    // A record that is not an object is named by its place, line included.
    let three = format!("{a}\n{b}\n  [1]\n");
    let line = a.lines().count() + b.lines().count() + 1;
    let bad: Vec<_> = corpus::read_records(corpus::record_reader(Format::Doccano).unwrap(), &three).filter_map(Result::err).collect();
    assert_eq!(bad.iter().map(|i| i.to_string()).collect::<Vec<_>>(), vec![format!("record 3 (line {line}): expected a JSON object")]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn folding_maps_exactly_both_ways(pieces in prop::collection::vec(prop::sample::select(vec!["Кремль", "习", "👩🏽\u{200d}💻", "e\u{301}", "a", " ", "\n", "\n\n", "\t", "   "]), 1..40)) {
        let source: String = pieces.concat();
        let doc = Document::from_plain_text(&source);
        let map = article_annotator::core::document::FoldMap::new(&source, &doc).expect("a plain text folds to its document");
        let visible: Vec<usize> = source.chars().enumerate().filter(|(_, c)| !c.is_whitespace()).map(|(i, _)| i).collect();
        let (src, can) = (Cutter::new(&source), Cutter::new(doc.text()));
        for (k, &s) in visible.iter().enumerate() {
            for &e in visible[k..].iter().take(6) {
                let (a, b) = map.to_canonical(s, e + 1);
                // The same characters, white space folded between them.
                let fold = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
                prop_assert_eq!(fold(can.cut(a, b).unwrap()), fold(src.cut(s, e + 1).unwrap()));
                prop_assert_eq!(map.to_source(a, b), (s, e + 1), "there and back");
            }
        }
    }

    #[test]
    fn corpus_readers_never_panic(ann in ".{0,200}", txt in ".{0,80}", json in ".{0,200}") {
        let _ = brat::read(&ann, &txt, None);
        for f in [Format::Doccano, Format::Spacy, Format::LabelStudio] {
            let _ = corpus::read_records(corpus::record_reader(f).unwrap(), &json).count();
        }
        let _ = corpus::w3c::read(&json, false, &[], &Schema::default(), NOW, true);
    }
}

#[test]
fn a_brat_corpus_dropped_on_the_widget_imports_the_articles_document() {
    let files: Vec<(String, String, String)> = ["doc-a", "doc-b", "doc-c"].iter().map(|s| (s.to_string(), text(&format!("brat/{s}.ann")), text(&format!("brat/{s}.txt")))).collect();
    let borrowed: Vec<(String, &str, Option<&str>)> = files.iter().map(|(s, a, t)| (s.clone(), a.as_str(), Some(t.as_str()))).collect();
    let article = Document::from_plain_text(&text("brat/doc-a.txt"));
    let got = article_annotator::core::format::brat::import_corpus(&borrowed, &article, &Schema::default(), NOW);
    assert_eq!(got.other_documents, 2);
    assert_eq!(got.annotations.len(), 7, "doc-a's spans only: {:?}", got.issues);
    let off: Vec<_> = got.annotations.iter().filter(|a| a.target.range.is_none_or(|r| article.slice(r) != Some(a.target.quote.exact()))).map(|a| (a.target.quote.exact().to_string(), a.target.range.and_then(|r| article.slice(r)).map(str::to_string))).collect();
    assert!(off.is_empty(), "each exactly on its text: {off:?}");
}

#[test]
fn brat_lines_come_back_as_brat_wrote_them() {
    // Shapes from brat's own example corpora: a note type of the corpus's own, an
    // attribute value with a character type names may not hold, a relation with roles.
    let txt = "Delilah went home.\n";
    let ann = "T1\tWord 0 7\tDelilah\nT2\tWord 8 12\twent\n#1\tLemma T1\t Delilah\nA1\tOTHER T2 Typo+UNK\nR1\tPart-of Head:T1 Dep:T2\n";
    let (d, issues) = brat::read(ann, txt, Some("x".into()));
    assert!(issues.is_empty(), "{issues:?}");
    let (files, reports) = write_all(Format::Brat, &[d], Predictions::Separate);
    assert!(reports[0].clean(), "{:?}", reports[0]);
    let out = &files.iter().find(|(n, _)| n == "x.ann").unwrap().1;
    let mut got: Vec<&str> = out.lines().collect();
    let mut want: Vec<&str> = ann.lines().collect();
    got.sort_unstable();
    want.sort_unstable();
    assert_eq!(got, want);
}

#[test]
fn doccano_column_names_and_categories_are_read() {
    let t = "{\"column_data\": \"Terrible customer service.\", \"column_label\": [\"negative\"]}\n{\"column_data\": \"EU rejects German call\", \"column_label\": [[0, 2, \"ORG\"]]}\n";
    assert_eq!(catalog::sniff("example.jsonl", t), Some(Format::Doccano));
    let docs: Vec<Doc> = corpus::read_records(corpus::record_reader(Format::Doccano).unwrap(), t).map(|r| r.unwrap().0).collect();
    assert_eq!((docs[0].text.as_str(), docs[0].extras.len(), docs[1].spans[0].label.as_str()), ("Terrible customer service.", 1, "ORG"));
    let (files, reports) = write_all(Format::Doccano, &docs, Predictions::Separate);
    assert!(reports.iter().all(DocReport::clean));
    assert!(files[0].1.contains("\"label\":[\"negative\"]"), "the category is written back: {}", files[0].1);
}

#[test]
fn a_span_given_twice_is_imported_once_and_said() {
    let article = Document::from_plain_text("exampleA");
    let got = catalog::import(Format::Doccano, "{\"text\": \"exampleA\", \"label\": [[0, 8, \"LOC\"], [0, 8, \"LOC\"]]}\n", None, &catalog::ImportContext { doc: &article, schema: &Schema::default(), now: NOW }).unwrap();
    assert_eq!(got.annotations.len(), 1);
    assert_eq!(got.issues.iter().map(|i| i.to_string()).collect::<Vec<_>>(), vec!["document 1: \"exampleA\" at 0-8 is there twice; imported once"]);
}
