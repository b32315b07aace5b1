//! Entities as things: mentions grouped by a shared IRI (accepting mentions joins them,
//! the editor's join, split and link), the panel's list of entities, and the IRI kept by
//! the stored form, W3C (an `identifying` body), merges and the team's field merge;
//! formats without a place for it say so.

use crate::formats::{id, NOW};
use article_annotator::core::document::Document;
use article_annotator::core::edit::Edit;
use article_annotator::core::entities::{self, entities};
use article_annotator::core::format::catalog::{self, ExportContext, Format, ImportContext};
use article_annotator::core::format::{stored, w3c};
use article_annotator::core::mentions::Which;
use article_annotator::core::model::{entity_iri, AnnotationId, Body, Timestamp};
use article_annotator::core::schema::Schema;
use article_annotator::core::session::Session;

const TEXT: &str = "Nikolai Nikiforov spoke. Later Nikiforov said Apple would wait; Nikiforov left. Apple agreed.";

fn minter() -> impl FnMut() -> AnnotationId {
    let mut n = 100u8;
    move || {
        n += 1;
        id(n)
    }
}

fn nth(doc: &Document, needle: &str, n: usize) -> article_annotator::core::offset::CharRange {
    let (b, _) = doc.text().match_indices(needle).nth(n).unwrap();
    let start = doc.text()[..b].chars().count();
    article_annotator::core::offset::CharRange::from_usize(start, start + needle.chars().count()).unwrap()
}

fn session() -> Session {
    Session::new("doc".into(), Document::from_plain_text(TEXT), Schema::default())
}

fn tag(s: &mut Session, n: u8, needle: &str, k: usize, t: &str) -> AnnotationId {
    let a = s.new_annotation(id(n), nth(&s.doc, needle, k), Body::Entity(t.into()), NOW, None).unwrap();
    s.apply(Edit::Add(a)).unwrap();
    id(n)
}

#[test]
fn accepted_mentions_join_the_entity_of_the_span_they_came_from_in_one_step() {
    let mut s = session();
    let src = tag(&mut s, 1, "Nikiforov", 1, "person");
    s.suggest(&src, true).unwrap();
    let ids = s.accept_suggestions(&Which::All, &mut minter(), NOW, None).unwrap();
    assert_eq!(ids.len(), 2);
    let iri = s.annotations().get(&src).unwrap().entity.clone().expect("the source joins an entity");
    assert!(iri.starts_with("urn:uuid:"));
    for i in &ids {
        assert_eq!(s.annotations().get(i).unwrap().entity.as_ref(), Some(&iri));
    }
    let list = entities(s.annotations());
    assert_eq!(list.len(), 1);
    assert_eq!((list[0].label.as_str(), list[0].mentions.len(), list[0].linked()), ("Nikiforov", 3, false));
    // One undo: the mentions go and the source is on its own again.
    assert!(s.undo().unwrap());
    assert_eq!(s.annotations().len(), 1);
    assert_eq!(s.annotations().get(&src).unwrap().entity, None);
    // A source already in an entity keeps its IRI; new mentions take it.
    let mut s = session();
    let src = tag(&mut s, 1, "Apple", 0, "organization");
    let e = entities::set_entity(s.annotations(), std::slice::from_ref(&src), Some("http://www.wikidata.org/entity/Q312"), NOW);
    s.apply(e).unwrap();
    s.suggest(&src, true).unwrap();
    let ids = s.accept_suggestions(&Which::All, &mut minter(), NOW, None).unwrap();
    assert_eq!(s.annotations().get(&ids[0]).unwrap().entity.as_deref(), Some("http://www.wikidata.org/entity/Q312"));
    assert!(entities(s.annotations())[0].linked());
}

#[test]
fn tagging_every_mention_makes_one_entity_and_its_label_is_the_longest_mention() {
    let mut s = session();
    let a = s.new_annotation(id(1), nth(&s.doc, "Nikiforov", 1), Body::Entity("person".into()), NOW, None).unwrap();
    let ids = s.add_with_mentions(a, true, &mut minter()).unwrap();
    assert_eq!(ids.len(), 3);
    let iris: Vec<Option<String>> = ids.iter().map(|i| s.annotations().get(i).unwrap().entity.clone()).collect();
    assert!(iris[0].is_some() && iris.iter().all(|x| *x == iris[0]));
    // "Nikolai Nikiforov", tagged and joined: the entity is named by it.
    let full = tag(&mut s, 9, "Nikolai Nikiforov", 0, "person");
    let (a, other) = (s.annotations().get(&full).unwrap().clone(), s.annotations().get(&ids[0]).unwrap().clone());
    s.apply(entities::join(s.annotations(), &a, &other, "urn:uuid:unused", Timestamp(NOW.0 + 1))).unwrap();
    let list = entities(s.annotations());
    assert_eq!(list.len(), 1);
    assert_eq!((list[0].label.as_str(), list[0].mentions.len()), ("Nikolai Nikiforov", 4));
    assert_eq!(list[0].mentions[0], full, "in reading order");
    // Split one off: three stay together.
    let one = s.annotations().get(&ids[2]).unwrap().clone();
    s.apply(entities::split(s.annotations(), &one, NOW)).unwrap();
    assert_eq!(entities(s.annotations())[0].mentions.len(), 3);
    assert_eq!(s.annotations().get(&ids[2]).unwrap().entity, None);
    // Link to Wikidata: every mention takes the IRI, in one step.
    let a = s.annotations().get(&full).unwrap().clone();
    s.apply(entities::link(s.annotations(), &a, Some("http://www.wikidata.org/entity/Q4233718"), "urn:uuid:x", NOW)).unwrap();
    let list = entities(s.annotations());
    assert_eq!((list.len(), list[0].iri.as_str(), list[0].mentions.len(), list[0].linked()), (1, "http://www.wikidata.org/entity/Q4233718", 3, true));
    assert!(s.undo().unwrap());
    assert!(!entities(s.annotations())[0].linked());
}

#[test]
fn what_a_reader_may_type_as_an_entity_iri() {
    assert_eq!(entity_iri("Q42").as_deref(), Some("http://www.wikidata.org/entity/Q42"));
    assert_eq!(entity_iri(" wd:Q4233718 ").as_deref(), Some("http://www.wikidata.org/entity/Q4233718"));
    assert_eq!(entity_iri("https://en.wikipedia.org/wiki/Nikolai_Nikiforov").as_deref(), Some("https://en.wikipedia.org/wiki/Nikolai_Nikiforov"));
    assert_eq!(entity_iri("urn:uuid:0b5c-1").as_deref(), Some("urn:uuid:0b5c-1"));
    for bad in ["", "Q", "Q0", "Q12a", "Nikiforov", "javascript:alert(1)", "http://", "https:///x", "http://a b", "ftp://x.org/y", "urn:isbn:1", "http://x.org/<script>"] {
        assert_eq!(entity_iri(bad), None, "{bad:?}");
    }
}

fn grouped() -> Session {
    let mut s = session();
    let a = s.new_annotation(id(1), nth(&s.doc, "Nikiforov", 1), Body::Entity("person".into()), NOW, None).unwrap();
    s.add_with_mentions(a, true, &mut minter()).unwrap();
    let apple = tag(&mut s, 2, "Apple", 0, "organization");
    s.apply(entities::set_entity(s.annotations(), &[apple], Some("http://www.wikidata.org/entity/Q312"), NOW)).unwrap();
    s
}

#[test]
fn the_stored_form_and_w3c_keep_the_entity_and_read_it_back() {
    let s = grouped();
    // Stored form: the same annotations back.
    let text = stored::to_string("doc", s.annotations());
    let back = stored::from_str(&text, &s.doc).unwrap();
    let mut got: Vec<_> = back.annotations.iter().map(|a| (a.id.clone(), a.entity.clone())).collect();
    let mut want: Vec<_> = s.annotations().iter().map(|a| (a.id.clone(), a.entity.clone())).collect();
    got.sort();
    want.sort();
    assert_eq!(got, want);
    // W3C: an identifying body with the IRI, read back the same.
    let source = w3c::default_source(&s.doc, &s.document_id);
    let out = w3c::export_string(s.annotations(), &s.schema, &s.doc, &w3c::ExportMeta { document_id: "doc", source: &source });
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let apple = v["first"]["items"].as_array().unwrap().iter().find(|i| i["id"] == id(2).as_str()).unwrap();
    assert!(apple["body"].as_array().unwrap().iter().any(|b| b["purpose"] == "identifying" && b["type"] == "SpecificResource" && b["source"] == "http://www.wikidata.org/entity/Q312"), "{apple}");
    let read = w3c::import(&out, &s.doc, &s.schema, NOW).unwrap();
    let mut got: Vec<_> = read.annotations.iter().map(|a| (a.id.clone(), a.entity.clone())).collect();
    got.sort();
    assert_eq!(got, want);
    // A bad identifying body is named.
    let bad = out.replace("http://www.wikidata.org/entity/Q312", "javascript:alert(1)");
    let read = w3c::import(&bad, &s.doc, &s.schema, NOW).unwrap();
    assert!(read.issues.iter().any(|i| i.to_string().contains("identifying body")), "{:?}", read.issues);
}

#[test]
fn brat_keeps_entities_as_normalisations_and_the_other_formats_say_they_cannot() {
    let mut s = grouped();
    let source = w3c::default_source(&s.doc, &s.document_id);
    let cx = ExportContext { set: s.annotations(), schema: &s.schema, doc: &s.doc, document_id: "doc", source: &source };
    for f in Format::ALL {
        let e = catalog::export(f, &cx);
        let said = e.left_out.iter().any(|l| l.contains("knowledge-base links"));
        assert_eq!(said, f.info().entities && !f.info().carries.entities, "{}: {:?}", f.info().name, e.left_out);
    }
    // brat holds them as normalisations: into a fresh session, every mention names the
    // same thing again.
    let files = catalog::export(Format::Brat, &cx).files;
    let ann = files.iter().find(|f| f.name.ends_with(".ann")).unwrap().text.clone();
    assert!(ann.contains("\tReference T") && ann.contains(" Wikidata:Q312\tApple"), "{ann}");
    let fresh = Session::new("doc".into(), s.doc.clone(), Schema::default());
    let txt = files.iter().find(|f| f.name.ends_with(".txt")).unwrap().text.clone();
    let read = catalog::import(Format::Brat, &ann, Some(&txt), &ImportContext { doc: &fresh.doc, schema: &fresh.schema, now: NOW }).unwrap();
    let mut got: Vec<_> = read.annotations.iter().map(|a| (a.target.range, a.entity.clone())).collect();
    let mut want: Vec<_> = s.annotations().iter().map(|a| (a.target.range, a.entity.clone())).collect();
    got.sort();
    want.sort();
    assert_eq!(got, want);
    // spaCy: each span's kb_id, read back the same.
    let line = catalog::export(Format::Spacy, &cx).files[0].text.clone();
    assert!(line.contains("\"kb_id\":\"Q312\""), "{line}");
    let read = catalog::import(Format::Spacy, &line, None, &ImportContext { doc: &fresh.doc, schema: &fresh.schema, now: NOW }).unwrap();
    let mut got: Vec<_> = read.annotations.iter().map(|a| (a.target.range, a.entity.clone())).collect();
    got.sort();
    assert_eq!(got, want);
    // brat back in over the same annotations: nothing changes.
    let files = catalog::export(Format::Brat, &cx).files;
    let ann = files.iter().find(|f| f.name.ends_with(".ann")).unwrap().text.clone();
    let txt = files.iter().find(|f| f.name.ends_with(".txt")).unwrap().text.clone();
    let before: Vec<_> = s.annotations().iter().map(|a| a.entity.clone()).collect();
    let imported = catalog::import(Format::Brat, &ann, Some(&txt), &ImportContext { doc: &s.doc, schema: &s.schema, now: NOW }).unwrap();
    s.merge(imported).unwrap();
    let after: Vec<_> = s.annotations().iter().map(|a| a.entity.clone()).collect();
    assert_eq!(after, before);
}

#[test]
fn a_colleagues_grouping_and_a_retype_of_mine_both_survive_the_team_merge() {
    use article_annotator::core::team::merge3;
    let s = session();
    let base = s.new_annotation(id(1), nth(&s.doc, "Apple", 0), Body::Entity("organization".into()), NOW, None).unwrap();
    let mut mine = base.clone();
    mine.body = Body::Entity("product".into());
    mine.modified = Timestamp(NOW.0 + 10);
    let mut theirs = base.clone();
    theirs.entity = Some("http://www.wikidata.org/entity/Q312".into());
    theirs.modified = Timestamp(NOW.0 + 20);
    let m = merge3(Some(&base), &mine, &theirs);
    assert_eq!(m.annotation.body, Body::Entity("product".into()));
    assert_eq!(m.annotation.entity.as_deref(), Some("http://www.wikidata.org/entity/Q312"));
    assert!(m.lost.is_empty());
}

#[test]
fn an_entity_of_several_mentions_is_one_claimant() {
    use article_annotator::core::editor::claimant_options;
    let mut s = grouped();
    let mentions = entities(s.annotations())[0].mentions.clone();
    assert_eq!(mentions.len(), 3);
    let names: Vec<String> = claimant_options(&s, &entities(s.annotations()), None).into_iter().map(|(_, t)| t).collect();
    assert_eq!(names, ["Nikiforov (Person, 3 mentions)", "Apple (Organization)"]);
    // A claim naming the second mention: the option is that mention, so it shows selected.
    let opts = claimant_options(&s, &entities(s.annotations()), Some(&mentions[1]));
    assert_eq!(opts[0].0, mentions[1]);
    // Split one off: it is a claimant of its own again.
    let one = s.annotations().get(&mentions[2]).unwrap().clone();
    s.apply(entities::split(s.annotations(), &one, NOW)).unwrap();
    let names: Vec<String> = claimant_options(&s, &entities(s.annotations()), None).into_iter().map(|(_, t)| t).collect();
    assert_eq!(names, ["Nikiforov (Person, 2 mentions)", "Apple (Organization)", "Nikiforov (Person)"]);
    // What a mention can join: the other entities of its type, then its type's mentions
    // on their own with another text.
    let apple2 = s.new_annotation(id(40), nth(&s.doc, "Apple", 1), Body::Entity("organization".into()), NOW, None).unwrap();
    s.apply(Edit::Add(apple2.clone())).unwrap();
    let opts = entities::join_options(s.annotations(), &entities(s.annotations()), &apple2, 10);
    assert_eq!(opts.iter().map(|(_, l)| l.as_str()).collect::<Vec<_>>(), ["Apple (1 mention)"]);
    let lone = s.annotations().get(&mentions[2]).unwrap().clone();
    let opts = entities::join_options(s.annotations(), &entities(s.annotations()), &lone, 10);
    assert_eq!(opts.iter().map(|(_, l)| l.as_str()).collect::<Vec<_>>(), ["Nikiforov (2 mentions)"]);
}

#[test]
fn brat_equivalences_group_mentions_from_other_tools() {
    let s = session();
    let doc = &s.doc;
    let r = |needle: &str, k: usize| nth(doc, needle, k);
    let (a, b, c, d) = (r("Nikiforov", 1), r("Nikiforov", 2), r("Apple", 0), r("Apple", 1));
    let ann = format!(
        "T1\tPerson {} {}\tNikiforov\nT2\tPerson {} {}\tNikiforov\nT3\tOrganization {} {}\tApple\nT4\tOrganization {} {}\tApple\n*\tEquiv T1 T2\n*\tEquiv T3 T4\nN1\tReference T4 Wikidata:Q312\tApple\n",
        a.start().0, a.end().0, b.start().0, b.end().0, c.start().0, c.end().0, d.start().0, d.end().0
    );
    let cx = ImportContext { doc, schema: &s.schema, now: NOW };
    let read = catalog::import(Format::Brat, &ann, None, &cx).unwrap();
    let entity_at = |read: &article_annotator::core::format::Imported, range| read.annotations.iter().find(|x| x.target.range == Some(range)).unwrap().entity.clone();
    // No normalisation: a urn:uuid derived from the ids, the same on every import.
    let iri = entity_at(&read, a).expect("grouped");
    assert!(iri.starts_with("urn:uuid:"), "{iri}");
    assert_eq!(entity_at(&read, b), Some(iri.clone()));
    assert_eq!(entity_at(&catalog::import(Format::Brat, &ann, None, &cx).unwrap(), a), Some(iri));
    // One of them names a thing: the other joins it.
    assert_eq!(entity_at(&read, c).as_deref(), Some("http://www.wikidata.org/entity/Q312"));
    assert_eq!(entity_at(&read, d).as_deref(), Some("http://www.wikidata.org/entity/Q312"));
    // Our export writes the equivalence too, and the configuration declares it.
    let g = grouped();
    let source = w3c::default_source(&g.doc, &g.document_id);
    let files = catalog::export(Format::Brat, &ExportContext { set: g.annotations(), schema: &g.schema, doc: &g.doc, document_id: "doc", source: &source }).files;
    let out = files.iter().find(|f| f.name.ends_with(".ann")).unwrap();
    assert_eq!(out.text.lines().filter(|l| l.starts_with("*\tEquiv ")).count(), 1, "{}", out.text);
    assert!(files.iter().any(|f| f.name == "annotation.conf" && f.text.contains("Equiv\tArg1:<ENTITY>, Arg2:<ENTITY>, <REL-TYPE>:symmetric-transitive")));
}

#[test]
fn doccano_and_label_studio_keep_which_mentions_are_one_entity_as_relations() {
    let mut g = grouped();
    // A second Apple mention in Apple's (linked) entity.
    let apple2 = g.new_annotation(id(50), nth(&g.doc, "Apple", 1), Body::Entity("organization".into()), NOW, None).unwrap();
    g.apply(Edit::Add(apple2)).unwrap();
    let apple = entities(g.annotations()).into_iter().find(|e| e.label == "Apple").unwrap().mentions[0].clone();
    let a = g.annotations().get(&id(50)).unwrap().clone();
    let o = g.annotations().get(&apple).unwrap().clone();
    g.apply(entities::join(g.annotations(), &a, &o, "urn:uuid:unused", NOW)).unwrap();
    let source = w3c::default_source(&g.doc, &g.document_id);
    let cx = ExportContext { set: g.annotations(), schema: &g.schema, doc: &g.doc, document_id: "doc", source: &source };
    // The partition of mentions into entities, by range.
    let partition = |anns: &mut dyn Iterator<Item = &article_annotator::core::model::Annotation>| {
        let mut by: std::collections::BTreeMap<String, Vec<usize>> = Default::default();
        for a in anns {
            if let (Some(e), Some(r)) = (&a.entity, a.target.range) {
                by.entry(e.clone()).or_default().push(r.start().0);
            }
        }
        let mut v: Vec<Vec<usize>> = by.into_values().map(|mut x| {
            x.sort();
            x
        }).collect();
        v.sort();
        v
    };
    let want = partition(&mut g.annotations().iter());
    assert_eq!(want.len(), 2);
    for f in [Format::DoccanoRelations, Format::LabelStudio] {
        let e = catalog::export(f, &cx);
        assert!(e.left_out.iter().any(|l| l.contains("knowledge-base links of 2 mentions")), "{:?}", e.left_out);
        let text = &e.files[0].text;
        // Into a fresh session: the same mentions together, under urn:uuid IRIs.
        let fresh = Session::new("doc".into(), g.doc.clone(), Schema::default());
        let read = catalog::import(f, text, None, &ImportContext { doc: &fresh.doc, schema: &fresh.schema, now: NOW }).unwrap();
        assert_eq!(partition(&mut read.annotations.iter()), want, "{}", f.info().name);
        assert!(read.annotations.iter().filter_map(|a| a.entity.as_deref()).all(|i| i.starts_with("urn:uuid:")), "{}", f.info().name);
        // Over the widget's own annotations: nothing changes (the links stay).
        let mut again = g.clone();
        let read = catalog::import(f, text, None, &ImportContext { doc: &again.doc, schema: &again.schema, now: NOW }).unwrap();
        let report = again.merge(read).unwrap();
        assert_eq!(report.updated, 0, "{}", f.info().name);
        assert_eq!(again.annotations().get(&id(50)).unwrap().entity.as_deref(), Some("http://www.wikidata.org/entity/Q312"), "{}", f.info().name);
    }
}
