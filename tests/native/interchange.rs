//! Every annotation file format: golden files from the sample article, round trips of
//! what each format carries, exact code-point offsets in a multilingual article, files
//! written the way other tools write them, bad input, and the W3C model's MUSTs.
//!
//! Golden files live in tests/fixtures/golden/; `UPDATE_GOLDEN=1 cargo test --test
//! native interchange` rewrites them after a deliberate change (review the diff).

use crate::formats::{id, sample_session, session, NOW};
use crate::util::{find, MULTILINGUAL};
use article_annotator::core::article::parse_markdown;
use article_annotator::core::document::Document;
use article_annotator::core::edit::{apply, AnnotationSet, Edit};
use article_annotator::core::format::catalog::{self, ExportContext, Exported, Format, ImportError};
use article_annotator::core::format::{w3c, zip, Carries, Imported};
use article_annotator::core::merge::merge_edit;
use article_annotator::core::model::{Annotation, AnnotationId, Body, Claim, Quote, Target, Timestamp, Verdict};
use article_annotator::core::offset::CharRange;
use article_annotator::core::schema::Schema;
use article_annotator::core::session::Session;
use serde_json::Value;
use std::path::PathBuf;

const LATER: Timestamp = Timestamp(NOW.0 + 86_400_000);

/// The sample session plus a nested entity, a second claim (no claimant, verdict
/// false) and an orphan: every case a format has to hold or say it cannot.
pub(crate) fn rich_session() -> Session {
    let mut s = sample_session();
    let r = find(&s.doc, "Miao Wei");
    let a = s.new_annotation(id(50), r, Body::Entity("person".into()), NOW, None).unwrap();
    s.apply(Edit::Add(a)).unwrap();
    let r = find(&s.doc, "Russia and China may collaborate on cyber surveillance in future");
    let body = Body::Claim(Claim { claimant: None, verdict: Verdict::False, note: "No source, = SUM(A1) in the original".into() });
    let a = s.new_annotation(id(60), r, body, NOW, Some("Ann Tester".into())).unwrap();
    s.apply(Edit::Add(a)).unwrap();
    let orphan = Annotation {
        id: id(70),
        target: Target { range: None, quote: Quote::new("", "a sentence the editor removed", "") },
        body: Body::Entity("event".into()),
        created: NOW,
        modified: NOW,
        creator: None,
        entity: None,
    };
    s.apply(Edit::Add(orphan)).unwrap();
    s
}

pub(crate) fn export(s: &Session, f: Format) -> Exported {
    let source = w3c::default_source(&s.doc, &s.document_id);
    catalog::export(f, &ExportContext { set: s.annotations(), schema: &s.schema, doc: &s.doc, document_id: &s.document_id, source: &source })
}

pub(crate) fn file<'a>(e: &'a Exported, suffix: &str) -> &'a str {
    &e.files.iter().find(|f| f.name.ends_with(suffix)).unwrap_or_else(|| panic!("no {suffix} in {:?}", e.files.iter().map(|f| &f.name).collect::<Vec<_>>())).text
}

/// Imports an export of `f` back into `doc` (brat: the `.ann` with its `.txt`).
fn reimport(e: &Exported, f: Format, doc: &Document, schema: &Schema, now: Timestamp) -> Imported {
    let r = if f == Format::Brat {
        catalog::import(f, file(e, ".ann"), Some(file(e, ".txt")), &catalog::ImportContext { doc, schema, now })
    } else {
        catalog::import(f, &e.files[0].text, None, &catalog::ImportContext { doc, schema, now })
    };
    r.unwrap_or_else(|err| panic!("{f:?}: {err}"))
}

fn into_set(imported: Imported) -> AnnotationSet {
    let mut set = AnnotationSet::default();
    let (edit, _) = merge_edit(&set, imported.annotations, imported.carries);
    apply(&mut set, edit).unwrap();
    set
}

fn importable() -> Vec<Format> {
    Format::ALL.into_iter().filter(|f| f.info().import).collect()
}

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/golden")
}

#[test]
fn golden_files_for_every_export_format() {
    let s = rich_session();
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    for f in Format::ALL {
        let e = export(&s, f);
        for out in &e.files {
            if out.name.ends_with(".txt") {
                assert_eq!(out.text, format!("{}\n", s.doc.text()), "the brat .txt is the article's text");
                continue;
            }
            let path = golden_dir().join(&out.name);
            if update {
                std::fs::create_dir_all(golden_dir()).unwrap();
                std::fs::write(&path, &out.text).unwrap();
                continue;
            }
            let want = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e} (run with UPDATE_GOLDEN=1 to create it)", path.display()));
            assert!(want == out.text, "{f:?}: {} differs from its golden file; if the change is deliberate, run UPDATE_GOLDEN=1 cargo test --test native interchange", out.name);
        }
    }
}

/// What a format must bring back: for each anchored annotation, its range and kind;
/// and the claim fields, ids and orphans if the format carries them.
fn assert_round_trip(original: &Session, f: Format) {
    let info = f.info();
    let e = export(original, f);
    let imported = reimport(&e, f, &original.doc, &original.schema, LATER);
    assert!(imported.issues.is_empty(), "{f:?}: {:?}", imported.issues);
    let back = into_set(imported.clone());
    for a in original.annotations().iter() {
        let Some(r) = a.target.range else {
            assert_eq!(back.iter().any(|b| b.is_orphan()), info.carries.orphans, "{f:?}: orphans");
            continue;
        };
        let got = back.iter().find(|b| b.target.range == Some(r) && b.body.is_claim() == a.body.is_claim());
        let got = got.unwrap_or_else(|| panic!("{f:?}: {:?} at {r:?} did not come back", a.target.quote.exact()));
        if let Body::Entity(t) = &a.body {
            assert_eq!(got.body, Body::Entity(t.clone()), "{f:?}: entity type");
        }
        assert_eq!(got.target.quote, a.target.quote, "{f:?}: quote");
        if info.carries.ids {
            assert_eq!(got.id, a.id, "{f:?}: ids");
        }
        if let (Some(want), Some(have)) = (a.claim(), got.claim()) {
            if info.carries.verdicts {
                assert_eq!(have.verdict, want.verdict, "{f:?}: verdict");
            }
            if info.carries.notes {
                assert_eq!(have.note, want.note, "{f:?}: note");
            }
            if info.carries.claimants {
                let want_who = want.claimant.as_ref().and_then(|w| original.annotations().get(w)).and_then(|w| w.target.range);
                let have_who = have.claimant.as_ref().and_then(|w| back.get(w)).and_then(|w| w.target.range);
                assert_eq!(have_who, want_who, "{f:?}: claimant");
            }
        }
    }
    let anchored = original.annotations().iter().filter(|a| !a.is_orphan()).count();
    let expected = if info.carries.orphans { original.annotations().len() } else { anchored };
    assert_eq!(back.len(), expected, "{f:?}: nothing more, nothing less");
    // Importing into the widget the file came from changes nothing and duplicates
    // nothing, even for formats without ids; what the format cannot carry is kept.
    let (_, report) = merge_edit(original.annotations(), imported.annotations.clone(), imported.carries);
    assert_eq!((report.added, report.updated, report.unchanged), (0, 0, anchored.max(back.len())), "{f:?}: a second import changes nothing");
}

#[test]
fn every_importable_format_round_trips_what_it_carries() {
    let s = rich_session();
    for f in importable() {
        assert_round_trip(&s, f);
    }
}

#[test]
fn brat_zip_and_label_studio_bytes_import_like_their_text() {
    let s = rich_session();
    let e = export(&s, Format::Brat);
    let entries: Vec<(&str, &[u8])> = e.files.iter().map(|f| (f.name.as_str(), f.text.as_bytes())).collect();
    let archive = zip::write(&entries);
    let read = zip::read(&archive).unwrap();
    assert_eq!(read.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(), vec!["test-doc.txt", "test-doc.ann", "annotation.conf"]);
    assert_eq!(zip::crc32(b"123456789"), 0xCBF4_3926, "the standard CRC-32 check value");
    let from_zip = catalog::import_bytes(Format::Brat, &archive, None, &catalog::ImportContext { doc: &s.doc, schema: &s.schema, now: LATER }).unwrap();
    let from_text = catalog::import(Format::Brat, file(&e, ".ann"), Some(file(&e, ".txt")), &catalog::ImportContext { doc: &s.doc, schema: &s.schema, now: LATER }).unwrap();
    assert_eq!(from_zip, from_text);
    assert_eq!(catalog::sniff_bytes("export.zip", &archive), Some(Format::Brat));
    // A zip another tool compressed is refused with what to do instead.
    let mut deflated = archive.clone();
    deflated[8] = 8;
    let err = catalog::import_bytes(Format::Brat, &deflated, None, &catalog::ImportContext { doc: &s.doc, schema: &s.schema, now: LATER }).unwrap_err();
    assert!(err.to_string().contains("unzip the archive"), "{err}");
    let err = catalog::import_bytes(Format::Doccano, b"{\"text\": \"\xff\"}", None, &catalog::ImportContext { doc: &s.doc, schema: &s.schema, now: LATER }).unwrap_err();
    assert_eq!(err.to_string(), "the file is not UTF-8 text (invalid byte at offset 10)");
}

fn multilingual_session() -> Session {
    let doc = parse_markdown(MULTILINGUAL);
    session(
        doc,
        &[
            ("Николай Никифоров", "person"),
            ("👨‍👩‍👧‍👦", "other"),
            ("北京", "location"),
            ("cafe\u{301}", "organization"),
            ("Zoe\u{308}", "person"),
            ("👋🏿", "other"),
            ("नमस्ते", "other"),
            ("Ана Ђурић", "person"),
        ],
        "中国 и Россия расширят торговлю",
    )
}

/// `text[start:end]` as Python (and every format here) counts: code points.
fn py(text: &str, start: u64, end: u64) -> String {
    text.chars().skip(start as usize).take((end - start) as usize).collect()
}

#[test]
fn multilingual_offsets_are_code_points_in_every_format() {
    let s = multilingual_session();
    let text = s.doc.text();
    let quotes: Vec<String> = s.annotations().iter().map(|a| a.target.quote.exact().to_string()).collect();
    let check = |f: &str, got: String, start: u64, end: u64| {
        assert!(quotes.contains(&got), "{f}: [{start}, {end}) is {got:?}, not a quote");
    };
    let mut n = 0;
    // brat: the covered text column equals the .txt at the offsets.
    let e = export(&s, Format::Brat);
    for l in file(&e, ".ann").lines().filter(|l| l.starts_with('T')) {
        let cols: Vec<&str> = l.split('\t').collect();
        let nums: Vec<u64> = cols[1].split(' ').skip(1).map(|x| x.parse().unwrap()).collect();
        assert_eq!(py(file(&e, ".txt"), nums[0], nums[1]), cols[2]);
        check("brat", cols[2].to_string(), nums[0], nums[1]);
        n += 1;
    }
    // doccano, both shapes, and spaCy.
    let line: Value = serde_json::from_str(&export(&s, Format::Doccano).files[0].text).unwrap();
    for l in line["label"].as_array().unwrap() {
        check("doccano", py(text, l[0].as_u64().unwrap(), l[1].as_u64().unwrap()), l[0].as_u64().unwrap(), l[1].as_u64().unwrap());
        n += 1;
    }
    let line: Value = serde_json::from_str(&export(&s, Format::DoccanoRelations).files[0].text).unwrap();
    for l in line["entities"].as_array().unwrap() {
        let (a, b) = (l["start_offset"].as_u64().unwrap(), l["end_offset"].as_u64().unwrap());
        check("doccano-relations", py(text, a, b), a, b);
    }
    assert_eq!(line["relations"].as_array().unwrap().len(), 1);
    let line: Value = serde_json::from_str(&export(&s, Format::Spacy).files[0].text).unwrap();
    for l in line["spans"].as_array().unwrap() {
        let (a, b) = (l["start"].as_u64().unwrap(), l["end"].as_u64().unwrap());
        check("spacy", py(text, a, b), a, b);
        let toks = line["tokens"].as_array().unwrap();
        let (ts, te) = (l["token_start"].as_u64().unwrap() as usize, l["token_end"].as_u64().unwrap() as usize);
        assert_eq!(toks[ts]["start"].as_u64().unwrap(), a, "spans are word-aligned, so tokens match");
        assert_eq!(toks[te]["end"].as_u64().unwrap(), b);
    }
    // Label Studio: value.text equals the data text at value.start..value.end.
    let tasks: Value = serde_json::from_str(&export(&s, Format::LabelStudio).files[0].text).unwrap();
    for r in tasks[0]["annotations"][0]["result"].as_array().unwrap().iter().filter(|r| r["type"] == "labels") {
        let v = &r["value"];
        let (a, b) = (v["start"].as_u64().unwrap(), v["end"].as_u64().unwrap());
        assert_eq!(py(tasks[0]["data"]["text"].as_str().unwrap(), a, b), v["text"].as_str().unwrap());
    }
    // CSV: start and end columns.
    let csv = export(&s, Format::Csv).files[0].text.clone();
    for row in parse_csv(csv.trim_start_matches('\u{feff}')).into_iter().skip(1) {
        let (a, b) = (row[3].parse::<u64>().unwrap(), row[4].parse::<u64>().unwrap());
        assert_eq!(py(text, a, b), row[5]);
    }
    // CoNLL: the ZWJ family, the skin-toned hands and the combining marks stay whole tokens.
    let conll = export(&s, Format::Conll).files[0].text.clone();
    for tok in ["👨‍👩‍👧‍👦 _ _ B-Other", "👋🏿 _ _ B-Other", "cafe\u{301} _ _ B-Organization", "Zoe\u{308} _ _ B-Person", "北 _ _ B-Location", "京 _ _ I-Location"] {
        assert!(conll.lines().any(|l| l == tok), "CoNLL has no line {tok:?}");
    }
    assert_eq!(n, 9 * 2);
    for f in importable() {
        assert_round_trip(&s, f);
    }
}

/// A small RFC 4180 reader for the test.
fn parse_csv(s: &str) -> Vec<Vec<String>> {
    let mut rows = vec![];
    let (mut row, mut cell, mut quoted, mut chars) = (vec![], String::new(), false, s.chars().peekable());
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => row.push(std::mem::take(&mut cell)),
            ('\r', false) => {}
            ('\n', false) => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (c, _) => cell.push(c),
        }
    }
    rows
}

const SMALL: &str = "Nikolai Nikiforov said the Kremlin agreed to sell software.\n\nMiao Wei 👋🏽 said China will buy it.";

#[test]
fn brat_files_as_brat_writes_them() {
    let doc = Document::from_plain_text(SMALL);
    assert_eq!(doc.text(), SMALL);
    let ann = "T1\tPER 0 17\tNikolai Nikiforov\n\
               T2\tClaim 18 59\tsaid the Kremlin agreed to sell software.\n\
               T3\tClaim 18 59;61 69\tsaid the Kremlin agreed to sell software. Miao Wei\n\
               T4\tOrganization 27 34\tKremlin\n\
               R1\tClaimant Arg1:T2 Arg2:T1\n\
               R2\tLocatedIn Arg1:T4 Arg2:T1\n\
               A1\tVerdict T2 Mostly_True\n\
               A2\tNegated T4\n\
               #1\tAnnotatorNotes T2\tper TASS, 18 Aug\n\
               E1\tSell:T2 Seller:T4\n\
               N1\tReference T1 Wikipedia:12345\tNikolai Nikiforov\n\
               T5\tPerson 5 x\tbad\n";
    let got = catalog::import(Format::Brat, ann, Some(SMALL), &catalog::ImportContext { doc: &doc, schema: &Schema::default(), now: NOW }).unwrap();
    let msgs: Vec<String> = got.issues.iter().map(|i| i.to_string()).collect();
    assert_eq!(
        msgs,
        vec![
            "line 12: T5: expected `start end` pairs separated by `;`, found \"5 x\"",
            "N1: the knowledge-base link Wikipedia:12345 is not kept (expected Wikidata:Q…, an http(s) IRI or a urn:uuid)",
            "A2: attribute \"Negated\" skipped; only Verdict (of a Claim) is read",
            "R2: relation \"LocatedIn\" skipped; only Claimant (claim → who makes it) is read",
            "line 10: event E1: not read (only spans, their verdicts and notes, claimants and brat equivalences are)",
            "T3: its 2 fragments joined into one span 18-69 (an annotation here has one range)",
        ]
    );
    assert_eq!(got.annotations.len(), 4);
    let set = into_set(got);
    let claim = set.iter().find(|a| a.target.quote.exact() == "said the Kremlin agreed to sell software.").unwrap();
    let c = claim.claim().unwrap();
    assert_eq!(c.verdict, Verdict::MostlyTrue);
    assert_eq!(c.note, "per TASS, 18 Aug");
    assert_eq!(set.get(c.claimant.as_ref().unwrap()).unwrap().body, Body::Entity("person".into()), "PER is the schema's person");
    let hull = set.iter().find(|a| a.target.range == CharRange::from_usize(18, 69)).expect("a fragmented span becomes its hull");
    assert!(hull.body.is_claim());
    // Without the .txt, the covered text is checked against the article.
    let only = catalog::import(Format::Brat, "T1\tPerson 0 17\tNikolai Nikiforov\nT2\tPerson 0 7\tVladimir\n", None, &catalog::ImportContext { doc: &doc, schema: &Schema::default(), now: NOW }).unwrap();
    assert_eq!(only.annotations[0].target.range, CharRange::from_usize(0, 17));
    assert!(only.annotations[1].is_orphan(), "offsets whose text disagrees are not trusted");
}

#[test]
fn doccano_files_in_both_shapes() {
    let doc = Document::from_plain_text(SMALL);
    let jsonl = format!(
        "{}\n{}\n",
        serde_json::json!({"id": 1, "text": SMALL, "label": [[0, 17, "PER"], [27, 34, "ORG"], [70, 72, "GPE"]], "Comments": []}),
        serde_json::json!({"id": 2, "text": SMALL, "entities": [
            {"id": 10, "label": "PERSON", "start_offset": 61, "end_offset": 69},
            {"id": 11, "label": "Claim", "start_offset": 61, "end_offset": 95}],
            "relations": [{"id": 1, "from_id": 11, "to_id": 10, "type": "Claimant"}]}),
    );
    assert_eq!(catalog::sniff("x.jsonl", &jsonl), Some(Format::Doccano));
    let got = catalog::import(Format::Doccano, &jsonl, None, &catalog::ImportContext { doc: &doc, schema: &Schema::default(), now: NOW }).unwrap();
    assert!(got.issues.is_empty(), "{:?}", got.issues);
    let set = into_set(got);
    let exact = |r: (usize, usize)| set.iter().find(|a| a.target.range == CharRange::from_usize(r.0, r.1)).unwrap();
    assert_eq!(exact((0, 17)).body, Body::Entity("person".into()));
    assert_eq!(exact((27, 34)).body, Body::Entity("organization".into()));
    assert_eq!(exact((70, 72)).target.quote.exact(), "👋🏽", "code points: the skin-toned hand is 2");
    let claim = exact((61, 95));
    assert_eq!(claim.target.quote.exact(), "Miao Wei 👋🏽 said China will buy it");
    assert_eq!(claim.claim().unwrap().claimant.as_ref(), Some(&exact((61, 69)).id));
}

#[test]
fn label_studio_tasks_as_label_studio_exports_them() {
    let doc = Document::from_plain_text("💩This is an annotation.\n\nКремль заявил об этом.");
    let tasks = r#"[{"id": 7, "data": {"text": "💩This is an annotation.\n\nКремль заявил об этом."},
      "annotations": [{"id": 3, "completed_by": 1, "created_at": "2021-08-23T12:19:18.905800Z", "updated_at": "2021-08-23T12:20:00.000000Z", "lead_time": 8.4,
        "result": [
          {"value": {"start": 26, "end": 32, "text": "Кремль", "labels": ["Organization"]}, "id": "BtfOIVC3G2", "from_name": "label", "to_name": "text", "type": "labels", "origin": "manual"},
          {"value": {"start": 26, "end": 48, "text": "Кремль заявил об этом.", "labels": ["Claim"]}, "id": "5n2MsvFQur", "from_name": "label", "to_name": "text", "type": "labels"},
          {"value": {"start": 26, "end": 48, "choices": ["Misleading"]}, "id": "5n2MsvFQur", "from_name": "verdict", "to_name": "text", "type": "choices"},
          {"value": {"start": 26, "end": 48, "text": ["line one", "line two"]}, "id": "5n2MsvFQur", "from_name": "note", "to_name": "text", "type": "textarea"},
          {"from_id": "5n2MsvFQur", "to_id": "BtfOIVC3G2", "type": "relation", "direction": "right", "labels": ["claimant"]},
          {"value": {"rating": 4}, "id": "r1", "from_name": "stars", "to_name": "text", "type": "rating"}
        ]}],
      "predictions": []},
     {"id": 8, "data": {"text": "💩This is an annotation.\n\nКремль заявил об этом."},
      "completions": [{"result": [
          {"value": {"start": 13, "end": 23, "text": "annotation", "labels": ["Other"]}, "id": "utf16", "from_name": "label", "to_name": "text", "type": "labels"}]}]}]"#;
    assert_eq!(catalog::sniff("project-1.json", tasks), Some(Format::LabelStudio));
    let got = catalog::import(Format::LabelStudio, tasks, None, &catalog::ImportContext { doc: &doc, schema: &Schema::default(), now: NOW }).unwrap();
    let msgs: Vec<String> = got.issues.iter().map(|i| i.to_string()).collect();
    assert_eq!(
        msgs,
        vec![
            "task 1, annotations[0].result[0]: value.start/end 26-32 count UTF-16 units (an older Label Studio export); read as code points 25-31",
            "task 1, annotations[0].result[1]: value.start/end 26-48 count UTF-16 units (an older Label Studio export); read as code points 25-47",
            "task 2, completions[0].result[0]: value.start/end 13-23 count UTF-16 units (an older Label Studio export); read as code points 12-22",
            "document 7, result 6 (rating r1): not read (only spans, their verdicts and notes, claimants and brat equivalences are)",
        ]
    );
    let set = into_set(got);
    let claim = set.get(&AnnotationId::new("5n2MsvFQur").unwrap()).unwrap();
    let c = claim.claim().unwrap();
    assert_eq!((c.verdict, c.note.as_str(), c.claimant.as_ref().map(AnnotationId::as_str)), (Verdict::Misleading, "line one\nline two", Some("BtfOIVC3G2")));
    assert_eq!(claim.created, article_annotator::core::time::parse("2021-08-23T12:19:18.905Z").unwrap());
    // An old export that counted UTF-16 units after the emoji is found by its text.
    let old = set.get(&AnnotationId::new("utf16").unwrap()).unwrap();
    assert_eq!(old.target.range, CharRange::from_usize(12, 22));
    assert_eq!(old.target.quote.exact(), "annotation");
}

#[test]
fn spacy_and_prodigy_lines_as_prodigy_writes_them() {
    let doc = Document::from_plain_text(SMALL);
    let line = serde_json::json!({
        "text": SMALL, "_input_hash": 123, "_task_hash": -456, "answer": "accept",
        "tokens": [{"text": "Nikolai", "start": 0, "end": 7, "id": 0, "ws": true}, {"text": "Nikiforov", "start": 8, "end": 17, "id": 1, "ws": true}],
        "spans": [{"start": 0, "end": 17, "token_start": 0, "token_end": 1, "label": "PERSON"}, {"start": 89, "end": 95, "label": "GPE"}],
    });
    let text = format!("{line}\n");
    assert_eq!(catalog::sniff("db-export.jsonl", &text), Some(Format::Spacy));
    let got = catalog::import(Format::Spacy, &text, None, &catalog::ImportContext { doc: &doc, schema: &Schema::default(), now: NOW }).unwrap();
    // The file's own tokens are kept, and a span that does not line up with them is said.
    let msgs: Vec<String> = got.issues.iter().map(|i| i.to_string()).collect();
    assert_eq!(msgs, vec!["line 1, spans[1]: 89-95 does not start and end on token boundaries"]);
    assert_eq!(got.annotations.iter().map(|a| a.target.quote.exact()).collect::<Vec<_>>(), vec!["Nikolai Nikiforov", "buy it"]);
}

#[test]
fn imports_land_in_the_current_article() {
    let s = sample_session();
    let doc = &s.doc;
    // A file of paragraphs: each record's text is found in the article and its spans shift.
    let para = "The deal is likely aimed at helping Russia replace deliveries of U.S. information technology products in light of Western sanctions imposed on Moscow for its role in the Ukraine crisis.";
    let base = find(doc, para).start().0;
    let at = |w: &str| para[..para.find(w).unwrap()].chars().count();
    let (russia, moscow) = (at("Russia"), at("Moscow"));
    let line = serde_json::json!({"text": para, "label": [[russia, russia + 6, "Location"], [moscow, moscow + 6, "Location"]]});
    let got = catalog::import(Format::Doccano, &line.to_string(), None, &catalog::ImportContext { doc, schema: &s.schema, now: NOW }).unwrap();
    let ranges: Vec<_> = got.annotations.iter().map(|a| a.target.range).collect();
    assert_eq!(ranges, vec![CharRange::from_usize(base + russia, base + russia + 6), CharRange::from_usize(base + moscow, base + moscow + 6)]);
    // A file made on an older version: a paragraph since inserted, a name since removed.
    let old_text = doc.text().replacen("Edward Snowden", "the former contractor Edward Snowden", 1);
    let old = Document::from_plain_text(&old_text);
    let r_kaspersky = find(&old, "Kaspersky Lab");
    let r_snowden = find(&old, "Edward Snowden");
    let line = serde_json::json!({"text": old.text(), "label": [[r_kaspersky.start().0, r_kaspersky.end().0, "Organization"], [r_snowden.start().0 - 22, r_snowden.end().0, "Person"]]});
    let got = catalog::import(Format::Doccano, &line.to_string(), None, &catalog::ImportContext { doc, schema: &s.schema, now: NOW }).unwrap();
    assert_eq!(got.annotations[0].target.range, Some(find(doc, "Kaspersky Lab")), "re-anchored by quote and context");
    assert!(got.annotations[1].is_orphan(), "its quote is gone: kept as an orphan, not dropped");
    assert_eq!(got.annotations[1].target.quote.exact(), "the former contractor Edward Snowden");
}

#[test]
fn a_reimport_keeps_what_the_format_cannot_carry() {
    let mut s = sample_session();
    let before = s.annotations().clone();
    let doccano = export(&s, Format::Doccano).files[0].text.clone();
    let got = catalog::import(Format::Doccano, &doccano, None, &catalog::ImportContext { doc: &s.doc, schema: &s.schema, now: LATER }).unwrap();
    let report = s.merge(got).unwrap();
    assert_eq!((report.added, report.updated, report.unchanged), (0, 0, 6));
    assert_eq!(s.annotations(), &before, "ids, verdicts, notes, claimants and dates unchanged");
    // The file relabels Beijing: only that changes; its creation date stays.
    let relabelled = doccano.replacen("\"Location\"", "\"Organization\"", 1);
    let got = catalog::import(Format::Doccano, &relabelled, None, &catalog::ImportContext { doc: &s.doc, schema: &s.schema, now: LATER }).unwrap();
    let report = s.merge(got).unwrap();
    assert_eq!((report.added, report.updated, report.unchanged), (1, 0, 5), "a span with a new type is a new annotation");
    let claim = s.annotations().get(&id(99)).unwrap().claim().unwrap().clone();
    assert_eq!((claim.verdict, claim.claimant), (Verdict::MostlyTrue, Some(id(1))));
}

#[test]
fn bad_files_name_the_line_and_field_and_valid_parts_still_load() {
    let doc = Document::from_plain_text(SMALL);
    let schema = Schema::default();
    let jsonl = "{\"text\": \"Nikolai Nikiforov said\", \"label\": [[0, 17, \"PER\"]]}\n{oops\n{\"text\": \"short\", \"label\": [[0, 99, \"PER\"], [3, 1, \"PER\"], [0, \"5\", \"PER\"]]}\n\n{\"label\": []}\n[1]\n";
    let got = catalog::import(Format::Doccano, jsonl, None, &catalog::ImportContext { doc: &doc, schema: &schema, now: NOW }).unwrap();
    let msgs: Vec<String> = got.issues.iter().map(|i| i.to_string()).collect();
    assert_eq!(got.annotations.len(), 1);
    assert!(msgs[0].starts_with("line 2: not JSON: key must be a string"), "{msgs:?}");
    assert_eq!(msgs[1], "line 3, label[0]: end 99 is past the end of the text (5 code points); skipped");
    assert_eq!(msgs[2], "line 3, label[1]: start 3 is after end 1; skipped");
    assert_eq!(msgs[3], "line 3, label[2]: expected [start, end, \"label\"] with whole numbers; skipped");
    assert_eq!(msgs[4], "line 5, text: missing; expected the text the spans count in");
    assert_eq!(msgs[5], "line 6: expected a JSON object");
    let err = catalog::import(Format::LabelStudio, "{\"tasks\": 1}", None, &catalog::ImportContext { doc: &doc, schema: &schema, now: NOW }).unwrap_err();
    assert!(err.to_string().starts_with("no tasks found"), "{err}");
    let got = catalog::import(Format::LabelStudio, "[{\"data\": {}, \"annotations\": []}]", None, &catalog::ImportContext { doc: &doc, schema: &schema, now: NOW }).unwrap();
    assert_eq!(got.issues[0].to_string(), "task 1, data.text: missing; expected the text the regions count in");
    let got = catalog::import(Format::Brat, "X1\tfoo\nT1 Person 0 3 Nik\n", None, &catalog::ImportContext { doc: &doc, schema: &schema, now: NOW }).unwrap();
    assert_eq!(got.issues.len(), 2);
    assert!(matches!(catalog::import(Format::Conll, "", None, &catalog::ImportContext { doc: &doc, schema: &schema, now: NOW }), Err(ImportError::NotImportable("conll", _))));
    let empty = catalog::import(Format::Jsonl, "  \n", None, &catalog::ImportContext { doc: &doc, schema: &schema, now: NOW }).unwrap();
    assert_eq!(empty.issues[0].to_string(), "file: the file is empty");
}

#[test]
fn importers_never_panic_on_odd_input() {
    let doc = Document::from_plain_text(SMALL);
    let schema = Schema::default();
    let odd = [
        "", "\u{feff}", "null", "[]", "{}", "[null]", "[[[[", "\"text\"", "T1", "T1\t", "T1\tA", "T1\tA 1", "T1\tA 99999999999999999999 1", "R1\tClaimant",
        "A1\tVerdict", "#1", "#1\tAnnotatorNotes", "{\"text\": 5}", "{\"text\": \"\", \"label\": [[0, 0, \"\"]]}", "{\"text\": \"x\", \"entities\": [{}], \"relations\": [{}]}",
        "[{\"data\": {\"text\": \"x\"}, \"annotations\": [{\"result\": [{\"value\": {\"labels\": []}}, {\"type\": \"relation\"}, {\"type\": \"choices\", \"id\": 3}]}]}]",
        "{\"text\": \"👋🏽\", \"spans\": [{\"start\": 1, \"end\": 2, \"label\": \"x\"}]}", "PK\u{3}\u{4}",
    ];
    for f in importable() {
        for text in odd {
            let _ = catalog::import(f, text, Some(text), &catalog::ImportContext { doc: &doc, schema: &schema, now: NOW });
            let _ = catalog::import_bytes(f, text.as_bytes(), None, &catalog::ImportContext { doc: &doc, schema: &schema, now: NOW });
        }
    }
    for bytes in [&b"PK\x03\x04"[..], b"PK\x03\x04\x14\x00\x00\x08\x00\x00", b"PK\x03\x04\x14\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\xff\xff\xff\xff\xff\xff\x05\x00\x00\x00"] {
        assert!(zip::read(bytes).is_err());
    }
}

fn is_iri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else { return false };
    !rest.is_empty()
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        && !s.chars().any(|c| c.is_whitespace() || "<>\"{}|\\^`".contains(c))
}

fn is_xsd_datetime(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b.get(r).is_some_and(|x| x.iter().all(u8::is_ascii_digit));
    b.len() >= 20 && digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10) && b[10] == b'T' && digits(11..13) && b[13] == b':' && digits(14..16) && b[16] == b':' && digits(17..19) && (s.ends_with('Z') || s[19..].contains(['+', '-']))
}

/// The MUSTs of the W3C Web Annotation Data Model that apply to what we write
/// (sections 3.1 annotations, 3.2 bodies and targets, 3.3.1 lifecycle, 3.3.5 agents,
/// 4.2 selectors, 5 collections and pages; vocabulary of motivations).
fn assert_w3c_annotation(it: &Value, standalone: bool) {
    const MOTIVATIONS: [&str; 13] =
        ["assessing", "bookmarking", "classifying", "commenting", "describing", "editing", "highlighting", "identifying", "linking", "moderating", "questioning", "replying", "tagging"];
    if standalone {
        assert_eq!(it["@context"], "http://www.w3.org/ns/anno.jsonld", "3.1: @context MUST be the anno context");
    }
    assert!(is_iri(it["id"].as_str().unwrap()), "3.1: an Annotation MUST have exactly one IRI id");
    assert_eq!(it["type"], "Annotation", "3.1: type MUST include Annotation");
    assert!(it.get("target").is_some(), "3.1: MUST have one or more targets");
    let t = &it["target"];
    assert!(is_iri(t["source"].as_str().unwrap()), "3.2: a SpecificResource MUST have a source IRI");
    for sel in t["selector"].as_array().unwrap() {
        match sel["type"].as_str().unwrap() {
            "TextQuoteSelector" => assert!(sel["exact"].is_string(), "4.2.4: exact MUST be given"),
            "TextPositionSelector" => {
                let (s, e) = (sel["start"].as_u64().expect("4.2.5: start MUST be a non-negative integer"), sel["end"].as_u64().expect("4.2.5: end MUST be a non-negative integer"));
                assert!(s <= e);
            }
            other => panic!("unexpected selector {other}"),
        }
    }
    assert!(MOTIVATIONS.contains(&it["motivation"].as_str().unwrap()), "3.3.5: motivation from the vocabulary");
    for b in it["body"].as_array().unwrap() {
        match b["type"].as_str().unwrap() {
            "TextualBody" => assert!(b["value"].is_string(), "3.2.4: a TextualBody MUST have a value"),
            "SpecificResource" => assert!(is_iri(b["source"].as_str().unwrap()), "3.2: a SpecificResource MUST have a source"),
            other => panic!("unexpected body type {other}"),
        }
        assert!(MOTIVATIONS.contains(&b["purpose"].as_str().unwrap()), "3.3.5: purpose from the vocabulary");
    }
    for k in ["created", "modified"] {
        assert!(is_xsd_datetime(it[k].as_str().unwrap()), "3.3.1: {k} MUST be an xsd:dateTime with a timezone");
    }
    if let Some(c) = it.get("creator") {
        assert!(c["type"] == "Person" && c["name"].is_string(), "3.3.3: an agent has a type and a name");
    }
}

#[test]
fn w3c_export_meets_the_musts_of_the_data_model() {
    let s = rich_session();
    let v: Value = serde_json::from_str(&export(&s, Format::W3c).files[0].text).unwrap();
    assert_eq!(v["@context"], "http://www.w3.org/ns/anno.jsonld");
    assert!(is_iri(v["id"].as_str().unwrap()), "5.1: a collection MUST have an IRI id");
    assert_eq!(v["type"], "AnnotationCollection");
    assert_eq!(v["total"].as_u64(), Some(9));
    let page = &v["first"];
    assert!(is_iri(page["id"].as_str().unwrap()), "5.2: a page MUST have an IRI id");
    assert_eq!(page["type"], "AnnotationPage");
    assert_eq!(page["startIndex"].as_u64(), Some(0));
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 9, "5.2: a page MUST have items, orphans included");
    for it in items {
        assert_w3c_annotation(it, true);
    }
    let orphan = items.iter().find(|i| i["id"] == id(70).as_str()).unwrap();
    assert_eq!(orphan["target"]["selector"].as_array().unwrap().len(), 1, "an orphan keeps its quote, has no position");
    for line in export(&s, Format::Jsonl).files[0].text.lines() {
        assert_w3c_annotation(&serde_json::from_str(line).unwrap(), true);
    }
}

#[test]
fn claimreview_holds_claims_with_a_verdict() {
    let mut s = rich_session();
    let r = find(&s.doc, "Wary of the West");
    let a = s.new_annotation(id(80), r, Body::Claim(Claim::default()), NOW, None).unwrap();
    s.apply(Edit::Add(a)).unwrap();
    let e = export(&s, Format::ClaimReview);
    assert_eq!(e.left_out, vec!["1 claim without a verdict (a ClaimReview needs one)".to_string()]);
    let v: Value = serde_json::from_str(&e.files[0].text).unwrap();
    let reviews = v.as_array().unwrap();
    assert_eq!(reviews.len(), 2);
    let first = &reviews[0];
    assert_eq!(first["@context"], "https://schema.org");
    assert_eq!(first["@type"], "ClaimReview");
    assert_eq!(first["claimReviewed"], "the Kremlin has agreed to broaden software deliveries to China");
    assert_eq!(first["itemReviewed"]["@type"], "Claim");
    assert_eq!(first["itemReviewed"]["author"], serde_json::json!({"@type": "Person", "name": "Nikolai Nikiforov said"}));
    assert_eq!(first["reviewRating"]["ratingValue"], 4);
    assert_eq!(first["reviewRating"]["alternateName"], "Mostly true");
    assert_eq!(reviews[1]["reviewRating"]["ratingValue"], 1);
    assert!(reviews[1]["itemReviewed"].get("author").is_none(), "no claimant, no author");
}

#[test]
fn csv_is_rfc4180_and_safe_in_spreadsheets() {
    let s = rich_session();
    let csv = export(&s, Format::Csv).files[0].text.clone();
    assert!(csv.starts_with("\u{feff}id,kind,label,start,end,quote,"));
    assert!(csv.split_terminator('\n').all(|l| l.ends_with('\r')), "CRLF line ends");
    let rows = parse_csv(csv.trim_start_matches('\u{feff}'));
    assert_eq!(rows.len(), 10);
    assert!(rows.iter().all(|r| r.len() == 14));
    let note_cell = rows.iter().find(|r| r[0] == id(60).as_str()).map(|r| r[9].clone()).unwrap();
    assert_eq!(note_cell, "No source, = SUM(A1) in the original");
    assert_eq!(article_annotator::core::format::csv::cell("=HYPERLINK(\"http://evil\")"), "\"'=HYPERLINK(\"\"http://evil\"\")\"");
    assert_eq!(article_annotator::core::format::csv::cell("@SUM(1)"), "'@SUM(1)");
    let orphan = rows.iter().find(|r| r[0] == id(70).as_str()).unwrap();
    assert_eq!((orphan[3].as_str(), orphan[13].as_str()), ("", "orphaned"));
}

#[test]
fn conll_tags_tokens_iob2_with_the_overlap_policy() {
    let s = rich_session();
    let e = export(&s, Format::Conll);
    assert_eq!(
        e.left_out,
        vec![
            "1 orphaned annotation without a position in the article (conll files cannot hold them)".to_string(),
            "2 claims (CoNLL IOB2 holds entities only)".to_string(),
            "1 entity overlapping a longer or earlier one (IOB2 tags each token once)".to_string(),
        ]
    );
    let text = &e.files[0].text;
    assert!(text.starts_with("-DOCSTART- -X- -X- O\n\n"));
    let lines: Vec<&str> = text.lines().collect();
    let at = lines.iter().position(|l| l.starts_with("Chinese ") && l.ends_with("B-Person")).unwrap();
    assert_eq!(&lines[at..at + 7], ["Chinese _ _ B-Person", "Industry _ _ I-Person", "and _ _ I-Person", "IT _ _ I-Person", "Minister _ _ I-Person", "Miao _ _ I-Person", "Wei _ _ I-Person"]);
    assert_eq!(lines[at + 7], "and _ _ O");
    assert!(lines.iter().all(|l| l.is_empty() || l.split(' ').count() == 4), "four columns");
    let sentences = text.split("\n\n").count();
    assert_eq!(sentences, 18, "-DOCSTART-, then one block per sentence (UAX #29), never across paragraphs");
}

#[test]
fn sniffing_recognises_every_importable_export() {
    let s = rich_session();
    for f in importable() {
        let e = export(&s, f);
        let main = e.files.iter().find(|f| !f.name.ends_with(".txt") && !f.name.ends_with(".conf")).unwrap();
        assert_eq!(catalog::sniff(&main.name, &main.text), Some(f), "{}", main.name);
    }
}

#[test]
fn readme_table_says_what_each_format_can_carry() {
    let readme = std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    assert!(readme.contains(&format!("| format | {} |", catalog::Info::COLUMNS.join(" | "))));
    for f in Format::ALL {
        let i = f.info();
        let row = format!("| `{}` | {} |", i.name, i.cells().join(" | "));
        assert!(readme.contains(&row), "README.md's format table lacks the row\n{row}");
    }
}

#[test]
fn carries_of_each_importer_match_the_catalog() {
    let s = rich_session();
    for f in importable() {
        let imported = reimport(&export(&s, f), f, &s.doc, &s.schema, NOW);
        let want = f.info().carries;
        let got = imported.carries;
        assert_eq!(Carries { orphans: want.orphans, ..got }, want, "{f:?}");
    }
}

#[test]
fn sniffing_reads_only_keys_and_tolerates_any_json() {
    for (text, want) in [("[1, 2]", Some(Format::W3c)), ("null", Some(Format::W3c)), ("\"x\"", Some(Format::W3c)), ("[]", Some(Format::W3c)), ("[{\"text\": \"a\", \"label\": []}, 7]", Some(Format::Doccano)), ("{not json", None)] {
        assert_eq!(catalog::sniff("", text), want, "{text}");
    }
    assert_eq!(catalog::sniff("x.json", "{not json"), Some(Format::W3c), "named files go by their name");
}
