use crate::util::{find, sample, MULTILINGUAL};
use article_annotator::core::article::parse_markdown;
use article_annotator::core::document::Document;
use article_annotator::core::edit::Edit;
use article_annotator::core::format::{stored, w3c};
use article_annotator::core::model::{AnnotationId, Body, Claim, Timestamp, Verdict};
use article_annotator::core::schema::Schema;
use article_annotator::core::session::Session;
use article_annotator::core::time;
use serde_json::Value;

pub const NOW: Timestamp = Timestamp(1_700_000_000_000);

pub fn id(n: u8) -> AnnotationId {
    AnnotationId::from_random([n; 16])
}

/// A session on `doc` with an entity per `(needle, type)` and a claim over `claim`
/// made by the first entity.
pub fn session(doc: Document, entities: &[(&str, &str)], claim: &str) -> Session {
    let mut s = Session::new("test-doc".into(), doc, Schema::default());
    for (n, (needle, t)) in entities.iter().enumerate() {
        let r = find(&s.doc, needle);
        let a = s.new_annotation(id(n as u8 + 1), r, Body::Entity(t.to_string()), NOW, Some("Ann Tester".into())).unwrap();
        s.apply(Edit::Add(a)).unwrap();
    }
    let r = find(&s.doc, claim);
    let body = Body::Claim(Claim { claimant: Some(id(1)), verdict: Verdict::MostlyTrue, note: "Checked against <b>TASS</b> & AFP.".into() });
    let a = s.new_annotation(id(99), r, body, Timestamp(NOW.0 + 1500), None).unwrap();
    s.apply(Edit::Add(a)).unwrap();
    s
}

pub fn sample_session() -> Session {
    session(
        sample(),
        &[("Nikolai Nikiforov said", "person"), ("Kaspersky Lab", "organization"), ("Beijing", "location"), ("Chinese Industry and IT Minister Miao Wei", "person"), ("China", "location")],
        "the Kremlin has agreed to broaden software deliveries to China",
    )
}

fn export(s: &Session) -> String {
    let source = w3c::default_source(&s.doc, &s.document_id);
    w3c::export_string(s.annotations(), &s.schema, &s.doc, &w3c::ExportMeta { document_id: &s.document_id, source: &source })
}

#[test]
fn w3c_export_is_a_collection_with_both_selectors_in_code_points() {
    let s = sample_session();
    let v: Value = serde_json::from_str(&export(&s)).unwrap();
    assert_eq!(v["@context"], "http://www.w3.org/ns/anno.jsonld");
    assert_eq!(v["type"], "AnnotationCollection");
    assert_eq!(v["total"], 6);
    assert_eq!(v["first"]["type"], "AnnotationPage");
    let items = v["first"]["items"].as_array().unwrap();
    assert_eq!(items.len(), 6);
    for it in items {
        assert_eq!(it["type"], "Annotation");
        assert!(it["id"].as_str().unwrap().starts_with("urn:uuid:"));
        assert!(time::parse(it["created"].as_str().unwrap()).is_some());
        let sel = it["target"]["selector"].as_array().unwrap();
        assert_eq!(sel[0]["type"], "TextQuoteSelector");
        assert_eq!(sel[1]["type"], "TextPositionSelector");
        let (st, en) = (sel[1]["start"].as_u64().unwrap() as usize, sel[1]["end"].as_u64().unwrap() as usize);
        let by_code_points: String = s.doc.text().chars().skip(st).take(en - st).collect();
        assert_eq!(by_code_points, sel[0]["exact"].as_str().unwrap());
        assert!(sel[0]["prefix"].as_str().unwrap().chars().count() <= 32);
        assert_eq!(it["target"]["source"], "https://www.themoscowtimes.com/2014/08/18/wary-of-the-west-russia-and-china-expand-trade-in-computer-software-a38461");
    }
    let claim = items.iter().find(|i| i["motivation"] == "assessing").unwrap();
    let bodies = claim["body"].as_array().unwrap();
    assert!(bodies.iter().any(|b| b["purpose"] == "tagging" && b["value"] == "Claim"));
    assert!(bodies.iter().any(|b| b["purpose"] == "assessing" && b["value"] == "mostly-true"));
    assert!(bodies.iter().any(|b| b["purpose"] == "linking" && b["source"] == id(1).as_str()));
    assert!(bodies.iter().any(|b| b["purpose"] == "commenting" && b["value"] == "Checked against <b>TASS</b> & AFP."));
    let person = items.iter().find(|i| i["id"] == id(1).as_str()).unwrap();
    assert_eq!(person["motivation"], "tagging");
    assert_eq!(person["body"][0]["value"], "Person");
    assert_eq!(person["creator"]["name"], "Ann Tester");
}

#[test]
fn w3c_export_import_export_is_identical() {
    let s = sample_session();
    let first = export(&s);
    let mut fresh = Session::new("test-doc".into(), sample(), Schema::default());
    let imported = w3c::import(&first, &fresh.doc, &fresh.schema, NOW).unwrap();
    assert!(imported.issues.is_empty(), "{:?}", imported.issues);
    let report = fresh.merge(imported).unwrap();
    assert_eq!((report.added, report.orphaned), (6, 0));
    assert_eq!(fresh.annotations(), s.annotations());
    assert_eq!(export(&fresh), first);
    // A second import of the same file changes nothing.
    let again = w3c::import(&first, &fresh.doc, &fresh.schema, NOW).unwrap();
    let report = fresh.merge(again).unwrap();
    assert_eq!((report.added, report.updated, report.unchanged), (0, 0, 6));
}

#[test]
fn w3c_positions_are_code_points_in_a_multilingual_article() {
    let doc = parse_markdown(MULTILINGUAL);
    let s = session(doc, &[("Николай Никифоров", "person"), ("👨‍👩‍👧‍👦", "other"), ("北京", "location"), ("naïve", "other"), ("Reuters", "organization")], "中国 и Россия расширят торговлю");
    let v: Value = serde_json::from_str(&export(&s)).unwrap();
    let text = s.doc.text();
    for it in v["first"]["items"].as_array().unwrap() {
        let sel = &it["target"]["selector"];
        let exact = sel[0]["exact"].as_str().unwrap();
        let start = sel[1]["start"].as_u64().unwrap() as usize;
        // What Python's text[start:end] would give: code points.
        let py: String = text.chars().skip(start).take(exact.chars().count()).collect();
        assert_eq!(py, exact);
    }
    let family = v["first"]["items"].as_array().unwrap().iter().find(|i| i["target"]["selector"][0]["exact"] == "👨‍👩‍👧‍👦").unwrap();
    let sel = &family["target"]["selector"][1];
    assert_eq!(sel["end"].as_u64().unwrap() - sel["start"].as_u64().unwrap(), 7);
}

#[test]
fn w3c_import_accepts_what_other_tools_write() {
    let doc = sample();
    let schema = Schema::default();
    let r = find(&doc, "Edward Snowden");
    let only_quote = r#"{"@context":"http://www.w3.org/ns/anno.jsonld","id":"http://example.org/anno/1","type":"Annotation","body":{"type":"TextualBody","value":"person","purpose":"tagging"},"target":{"source":"http://x","selector":{"type":"TextQuoteSelector","exact":"Edward Snowden"}}}"#;
    let got = w3c::import(only_quote, &doc, &schema, NOW).unwrap();
    assert_eq!(got.annotations.len(), 1);
    assert_eq!(got.annotations[0].target.range, Some(r));
    assert_eq!(got.annotations[0].body, Body::Entity("person".into()));
    assert_eq!(got.annotations[0].created, NOW);
    let only_position = format!(r#"[{{"id":"urn:a:2","type":"Annotation","body":[{{"type":"TextualBody","value":"Organization"}}],"target":{{"source":"http://x","selector":[{{"type":"RangeSelector","startSelector":{{}}}},{{"type":"TextPositionSelector","start":{},"end":{}}}]}}}}]"#, r.start().0, r.end().0);
    let got = w3c::import(&only_position, &doc, &schema, NOW).unwrap();
    assert_eq!(got.annotations[0].target.range, Some(r));
    assert_eq!(got.annotations[0].target.quote.exact(), "Edward Snowden");
    let page = r#"{"type":"AnnotationPage","items":[{"id":"urn:a:3","body":{"value":"Claim","purpose":"tagging"},"motivation":"assessing","target":{"selector":{"type":"TextQuoteSelector","exact":"Vladimir Putin"}}}]}"#;
    let got = w3c::import(page, &doc, &schema, NOW).unwrap();
    assert!(got.annotations[0].is_orphan(), "a quote not in the text is kept as an orphan");
    assert_eq!(got.annotations[0].target.quote.exact(), "Vladimir Putin");
}

#[test]
fn w3c_import_names_the_item_and_field_at_fault() {
    let doc = sample();
    let schema = Schema::default();
    let bad = r#"[{"id":"urn:a:1","target":{"selector":{"type":"TextQuoteSelector","exact":"Kremlin"}},"body":{"value":"person"}},
                  {"id":"urn:a:2","target":{"selector":{"type":"TextPositionSelector","start":-1,"end":3}},"body":{"value":"person"}},
                  {"target":{}}, 7,
                  {"id":"urn:a:5","created":"yesterday","target":{"selector":{"type":"TextQuoteSelector","exact":"Kremlin"}},"body":{"value":"person"}}]"#;
    let got = w3c::import(bad, &doc, &schema, NOW).unwrap();
    assert_eq!(got.annotations.len(), 1, "the valid item still loads");
    let msgs: Vec<String> = got.issues.iter().map(|i| i.to_string()).collect();
    assert_eq!(msgs.len(), 4);
    assert!(msgs[0].starts_with("annotation 2 (urn:a:2), target.selector.start:"), "{msgs:?}");
    assert!(msgs[1].starts_with("annotation 3, id:"), "{msgs:?}");
    assert!(msgs[2].starts_with("annotation 4: expected a JSON object"), "{msgs:?}");
    assert!(msgs[3].contains("created: expected an xsd:dateTime"), "{msgs:?}");
    assert!(w3c::import("{not json", &doc, &schema, NOW).is_err());
    assert!(w3c::import(r#"{"type":"AnnotationCollection","first":"http://x/page1"}"#, &doc, &schema, NOW).is_err());
}

#[test]
fn stored_form_round_trips_and_reanchors_after_an_edit() {
    let s = sample_session();
    let text = stored::to_string(&s.document_id, s.annotations());
    let back = stored::from_str(&text, &s.doc).unwrap();
    let mut fresh = Session::new("test-doc".into(), sample(), Schema::default());
    fresh.load(back);
    assert_eq!(fresh.annotations(), s.annotations());
    // The article gains a paragraph at the top and loses the Kaspersky sentence.
    let edited_src = crate::util::SAMPLE.replacen("As Russia's", "Editor's note: updated.\n\nAs Russia's", 1).replace("Kaspersky Lab", "a company");
    let edited = parse_markdown(&edited_src);
    let back = stored::from_str(&text, &edited).unwrap();
    let orphans: Vec<&str> = back.annotations.iter().filter(|a| a.is_orphan()).map(|a| a.target.quote.exact()).collect();
    assert_eq!(orphans, vec!["Kaspersky Lab"]);
    for a in back.annotations.iter().filter(|a| !a.is_orphan()) {
        assert_eq!(edited.slice(a.target.range.unwrap()), Some(a.target.quote.exact()));
    }
}

#[test]
fn stored_form_is_compact() {
    let s = sample_session();
    let text = stored::to_string(&s.document_id, s.annotations());
    assert!(text.len() / 6 < 400, "about {} bytes per annotation", text.len() / 6);
}

#[test]
fn stored_form_refuses_newer_versions_and_reports_corruption() {
    let doc = sample();
    assert_eq!(stored::from_str(r#"{"v":3,"doc":"x","a":[]}"#, &doc), Err(stored::StoredError::NewerVersion { found: 3 }));
    assert!(matches!(stored::from_str("{{{", &doc), Err(stored::StoredError::Corrupt(_))));
    assert!(matches!(stored::from_str(r#"{"v":1}"#, &doc), Err(stored::StoredError::Corrupt(_))));
}

#[test]
fn timestamps_round_trip_as_xsd_datetime() {
    for t in [0i64, 1_408_356_000_000, 1_700_000_000_123, -86_400_000, 253_402_300_799_000] {
        assert_eq!(time::parse(&time::format(Timestamp(t))), Some(Timestamp(t)));
    }
    assert_eq!(time::format(Timestamp(1_408_356_000_000)), "2014-08-18T10:00:00Z");
    assert_eq!(time::parse("2014-08-18T12:00:00+02:00"), Some(Timestamp(1_408_356_000_000)));
    assert_eq!(time::parse("2014-13-18T12:00:00Z"), None);
    assert_eq!(time::parse("yesterday"), None);
}

#[test]
fn stored_version_1_migrates_to_version_2() {
    // Written by version 1 (before tombstones): every field as it was then.
    let v1 = r#"{"v":1,"doc":"test-doc","a":[
        {"id":"urn:uuid:01010101-0101-4101-8101-010101010101","s":443,"e":465,"x":"Nikolai Nikiforov said","p":"","q":"","t":"person","c":1700000000000,"m":1700000000000,"by":"Ann Tester"},
        {"id":"urn:uuid:63636363-6363-4363-a363-636363636363","s":223,"e":285,"x":"the Kremlin has agreed to broaden software deliveries to China","cl":"urn:uuid:01010101-0101-4101-8101-010101010101","vd":"mostly-true","n":"TASS","c":1700000001500,"m":1700000001500}]}"#;
    let doc = sample();
    let loaded = stored::read(v1, &doc).unwrap();
    assert!(loaded.tombstones.is_empty());
    assert_eq!(loaded.imported.annotations.len(), 2);
    assert!(loaded.imported.annotations.iter().all(|a| !a.is_orphan()));
    let mut s = Session::new("test-doc".into(), sample(), Schema::default());
    s.load(loaded.imported);
    let claim = s.annotations().get(&id(99)).unwrap().claim().unwrap().clone();
    assert_eq!((claim.verdict, claim.note.as_str(), claim.claimant), (Verdict::MostlyTrue, "TASS", Some(id(1))));
    // Saved again, it is version 2, and reads back the same.
    let v2 = stored::to_string(&s.document_id, s.annotations());
    assert!(v2.starts_with(r#"{"v":2,"#));
    assert_eq!(stored::from_str(&v2, &doc).unwrap().annotations.len(), 2);
}

#[test]
fn stored_version_2_keeps_tombstones() {
    use article_annotator::core::sync::Tombstone;
    let mut s = sample_session();
    let tombs = vec![Tombstone { id: AnnotationId::new("urn:x:gone").unwrap(), at: Timestamp(5) }];
    let text = stored::to_string_with(&s.document_id, s.annotations(), &tombs);
    let back = stored::read(&text, &s.doc).unwrap();
    assert_eq!(back.tombstones, tombs);
    assert_eq!(back.imported.annotations.len(), 6);
    // Touching marks an annotation modified now, without an undo step.
    let undo_before = s.can_undo();
    s.touch(&[id(1)], Timestamp(NOW.0 + 10));
    assert_eq!(s.annotations().get(&id(1)).unwrap().modified, Timestamp(NOW.0 + 10));
    assert_eq!(s.can_undo(), undo_before);
}

#[test]
fn the_storage_key_does_not_change_with_the_stored_version() {
    // Data saved by every earlier version lives under this key; a new format version
    // must still find it (and migrate it), so the key names no format version.
    assert_eq!(article_annotator::storage::key_for("moscow-times-2014-08-18"), "article-annotator/v1/moscow-times-2014-08-18");
}

#[test]
fn dates_outside_years_0_to_9999_are_refused_or_clamped() {
    // Found by fuzzing the Label Studio importer: a 12-digit year overflowed.
    assert_eq!(time::parse("222222222023-11-14T22:13:20Z"), None);
    assert_eq!(time::parse("9999-12-31T23:59:59.999Z"), Some(Timestamp(253_402_300_799_999)));
    assert_eq!(time::format(Timestamp(i64::MAX)), "9999-12-31T23:59:59.999Z");
    assert_eq!(time::format(Timestamp(i64::MIN)), "0000-01-01T00:00:00Z");
    let crash = include_str!("../fixtures/fuzz/label-studio-huge-year.json");
    let doc = sample();
    let got = article_annotator::core::format::catalog::import(article_annotator::core::format::catalog::Format::LabelStudio, crash, None, &article_annotator::core::format::catalog::ImportContext { doc: &doc, schema: &Schema::default(), now: NOW });
    assert!(got.is_ok());
}

#[test]
fn time_zone_offsets_are_bounded() {
    assert_eq!(time::parse("2014-08-18T12:00:00+9223372036854775807:00"), None);
    assert_eq!(time::parse("2014-08-18T12:00:00+24:00"), None);
    assert_eq!(time::parse("2014-08-18T12:00:00-05:30"), time::parse("2014-08-18T17:30:00Z"));
}
