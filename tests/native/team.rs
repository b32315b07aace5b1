//! The widget's side of the team server (`core::team`): ids on the server, the JSON both
//! ways, the field-by-field merge of a conflict, and the outbox.

use crate::util::{find, sample};
use article_annotator::core::anchor::quote_at;
use article_annotator::core::model::{Annotation, AnnotationId, Body, Claim, Target, Timestamp, Verdict};
use article_annotator::core::schema::Schema;
use article_annotator::core::format::stored::StoredAnnotation;
use article_annotator::core::team::{compact, from_compact, from_server, merge3, restore, server_segment, to_server, Field, FieldValue, Op, Outbox};
use serde_json::{json, Value};

const SOURCE: &str = "urn:article-annotator:document:story-1";

fn ann(id: &str, needle: &str, body: Body, modified: i64) -> Annotation {
    let doc = sample();
    let range = find(&doc, needle);
    Annotation {
        id: AnnotationId::new(id).unwrap(),
        target: Target { range: Some(range), quote: quote_at(&doc, range).unwrap() },
        body,
        created: Timestamp(1_000),
        modified: Timestamp(modified),
        creator: None,
        entity: None,
    }
}

fn claim(claimant: Option<&str>, verdict: Verdict, note: &str) -> Body {
    Body::Claim(Claim { claimant: claimant.and_then(AnnotationId::new), verdict, note: note.into() })
}

/// What the server would serve for what the widget sent: the same JSON with its own id,
/// creator and times.
fn served(sent: &str, segment: &str, author: (&str, &str), modified: &str) -> Value {
    let mut v: Value = serde_json::from_str(sent).unwrap();
    v["via"] = v["id"].clone();
    v["id"] = json!(format!("http://127.0.0.1:8090/annotations/story-1/{segment}"));
    v["creator"] = json!({"type": "Person", "id": format!("urn:article-annotator:user:{}", author.0), "name": author.1});
    v["modified"] = json!(modified);
    v
}

#[test]
fn ids_have_a_stable_place_on_the_server() {
    let uuid = AnnotationId::new("urn:uuid:3F1E2D4C-1111-4222-8333-944455556666").unwrap();
    assert_eq!(server_segment(&uuid), "3f1e2d4c-1111-4222-8333-944455556666");
    let other = AnnotationId::new("urn:article-annotator:brat:T12/with spaces?").unwrap_or_else(|| AnnotationId::new("urn:x:T12/q?").unwrap());
    let seg = server_segment(&other);
    assert_eq!(seg, server_segment(&other), "stable");
    assert!(seg.starts_with("x-") && seg.len() > 10 && seg.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b)), "{seg}");
    assert_ne!(server_segment(&AnnotationId::new("urn:x:T13").unwrap()), seg);
}

#[test]
fn an_annotation_goes_to_the_server_and_comes_back_the_same() {
    let schema = Schema::default();
    let person = ann("urn:uuid:00000000-0000-4000-8000-000000000001", "Nikolai Nikiforov", Body::Entity("person".into()), 5_000);
    let said = ann("urn:uuid:00000000-0000-4000-8000-000000000002", "China", claim(Some(person.id.as_str()), Verdict::MostlyTrue, "Checked with the ministry.\nТакже: 你好 👩🏽‍💻"), 6_000);
    for a in [&person, &said] {
        let sent = to_server(a, &schema, SOURCE);
        let v: Value = serde_json::from_str(&sent).unwrap();
        assert_eq!(v["canonical"], json!(a.id.as_str()), "the widget's id travels as canonical");
        assert!(v.get("creator").is_none(), "the server writes the creator");
        let back = served(&sent, &server_segment(&a.id), ("alice%20b", "Alice B"), "2026-12-02T10:00:00.000Z");
        let f = from_server(&back, &schema, Timestamp(0)).unwrap();
        assert_eq!(f.annotation.id, a.id);
        assert_eq!(f.annotation.body, a.body);
        assert_eq!(f.annotation.target, a.target);
        assert_eq!(f.annotation.creator.as_deref(), Some("Alice B"));
        let author = f.author.unwrap();
        assert_eq!((author.sub.as_str(), author.name.as_str()), ("alice b", "Alice B"));
    }
    // One a colleague's other client made (no canonical): its id is where it lives.
    let mut foreign = served(&to_server(&person, &schema, SOURCE), "abc", ("bob", "Bob"), "2026-12-02T10:00:00.000Z");
    foreign.as_object_mut().unwrap().remove("canonical");
    foreign.as_object_mut().unwrap().remove("via");
    let f = from_server(&foreign, &schema, Timestamp(0)).unwrap();
    assert_eq!(f.annotation.id.as_str(), "http://127.0.0.1:8090/annotations/story-1/abc");
    // A broken one is refused with the importer's message.
    let mut bad = foreign.clone();
    bad["target"]["selector"][1]["start"] = json!("x");
    assert_eq!(from_server(&bad, &schema, Timestamp(0)).unwrap_err(), "target.selector.start: expected a whole number");
}

#[test]
fn the_feeds_compact_form_reads_as_its_w3c_form_does() {
    // A host's own types: the W3C body names the label ("Politician"), the compact form
    // keeps that word, and the reader's schema resolves it in both.
    let custom = Schema::from_json(r##"{"types": [{"id": "pol", "label": "Politician", "colour": "#aa3377", "key": "p"}, {"id": "place", "label": "Place", "colour": "#228833", "key": "l"}]}"##).unwrap();
    let person = ann("urn:uuid:00000000-0000-4000-8000-000000000001", "Nikolai Nikiforov", Body::Entity("pol".into()), 5_000);
    let said = ann("urn:uuid:00000000-0000-4000-8000-000000000002", "China", claim(Some(person.id.as_str()), Verdict::MostlyTrue, "Checked.\nТакже: 你好 👩🏽‍💻 e\u{301}"), 6_000);
    let mut orphan = ann("urn:uuid:00000000-0000-4000-8000-000000000003", "Russia", Body::Entity("place".into()), 7_000);
    orphan.target.range = None;
    let unknown = ann("urn:uuid:00000000-0000-4000-8000-000000000004", "Russia", Body::Entity("vessel".into()), 8_000);
    // An entity mention naming a thing (Wikidata), and one grouped by the widget.
    let mut linked = ann("urn:uuid:00000000-0000-4000-8000-000000000005", "Nikolai Nikiforov", Body::Entity("pol".into()), 9_000);
    linked.entity = Some("http://www.wikidata.org/entity/Q42".into());
    let mut grouped = ann("urn:uuid:00000000-0000-4000-8000-000000000006", "China", Body::Entity("place".into()), 9_500);
    grouped.entity = Some("urn:uuid:00000000-0000-4000-8000-00000000abcd".into());
    for schema in [&custom, &Schema::default()] {
        for a in [&person, &said, &orphan, &unknown, &linked, &grouped] {
            let back = served(&to_server(a, schema, SOURCE), &server_segment(&a.id), ("alice%20b", "Alice B"), "2026-12-02T10:00:00.000Z");
            let text = compact(&back).unwrap();
            assert!(text.len() * 2 < back.to_string().len(), "compact: {} bytes against {}", text.len(), back.to_string().len());
            let item: StoredAnnotation<'static> = serde_json::from_str(&text).unwrap();
            let read = from_compact(item, Some("alice b"), schema).unwrap();
            assert_eq!(read, from_server(&back, schema, Timestamp(0)).unwrap(), "{}", a.id.as_str());
            assert_eq!(read.annotation.body, a.body);
            assert_eq!(read.annotation.target, a.target);
            assert_eq!(read.annotation.entity, a.entity, "the entity travels in both forms");
        }
    }
    // A compact item the reader cannot use says which field.
    let item: StoredAnnotation<'static> = serde_json::from_str(r#"{"id": "x y", "x": "China", "c": 0, "m": 0, "t": "person"}"#).unwrap();
    assert_eq!(from_compact(item, None, &custom).unwrap_err(), "id: empty or has spaces");
}

#[test]
fn changes_to_different_fields_both_survive() {
    let base = ann("urn:x:c", "China", claim(None, Verdict::Unverified, ""), 1_000);
    let mut mine = base.clone();
    mine.body = claim(None, Verdict::False, "");
    mine.modified = Timestamp(2_000);
    let mut theirs = base.clone();
    theirs.body = claim(None, Verdict::Unverified, "Bob's note");
    theirs.modified = Timestamp(3_000);
    let m = merge3(Some(&base), &mine, &theirs);
    assert_eq!(m.annotation.body, claim(None, Verdict::False, "Bob's note"));
    assert!(m.lost.is_empty());
    assert_eq!(m.annotation.modified, Timestamp(3_000));
    // The same the other way round.
    let m2 = merge3(Some(&base), &theirs, &mine);
    assert_eq!(m2.annotation.body, m.annotation.body);
}

#[test]
fn the_same_field_changed_on_both_sides_goes_to_the_later_and_the_other_is_kept() {
    let base = ann("urn:x:c", "China", claim(None, Verdict::Unverified, "n"), 1_000);
    let mut alice = base.clone();
    alice.body = claim(None, Verdict::True, "n");
    alice.modified = Timestamp(2_000);
    let mut bob = base.clone();
    bob.body = claim(None, Verdict::False, "n");
    bob.modified = Timestamp(3_000);
    // Alice merges Bob's (later) change into hers: Bob's verdict wins, hers is kept as lost.
    let at_alice = merge3(Some(&base), &alice, &bob);
    assert_eq!(at_alice.annotation.claim().unwrap().verdict, Verdict::False);
    assert_eq!(at_alice.lost.len(), 1);
    assert_eq!(at_alice.lost[0].field, Field::Verdict);
    assert_eq!(at_alice.lost[0].value, FieldValue::Verdict(Verdict::True));
    assert!(at_alice.lost[0].mine);
    // Alice can take hers back after all.
    let back = restore(&at_alice.annotation, &at_alice.lost[0]);
    assert_eq!(back.claim().unwrap().verdict, Verdict::True);
    assert_eq!(back.claim().unwrap().note, "n");
    // Bob merging Alice's gives the same winner.
    let at_bob = merge3(Some(&base), &bob, &alice);
    assert_eq!(at_bob.annotation.claim().unwrap().verdict, Verdict::False);
    assert!(!at_bob.lost[0].mine);
    // At the same millisecond, the winner still does not depend on who merges.
    bob.modified = alice.modified;
    let (x, y) = (merge3(Some(&base), &alice, &bob), merge3(Some(&base), &bob, &alice));
    assert_eq!(x.annotation.body, y.annotation.body);
}

#[test]
fn spans_and_types_merge_too_and_no_base_means_every_difference_is_a_conflict() {
    let base = ann("urn:x:e", "Nikolai Nikiforov", Body::Entity("person".into()), 1_000);
    let mut moved = ann("urn:x:e", "Nikiforov", Body::Entity("person".into()), 2_000);
    moved.created = base.created;
    let mut retyped = base.clone();
    retyped.body = Body::Entity("organization".into());
    retyped.modified = Timestamp(3_000);
    let m = merge3(Some(&base), &moved, &retyped);
    assert_eq!(m.annotation.target, moved.target);
    assert_eq!(m.annotation.body, retyped.body);
    assert!(m.lost.is_empty());
    let m = merge3(None, &moved, &retyped);
    assert_eq!(m.annotation.body, retyped.body, "the later wins");
    assert_eq!(m.annotation.target, retyped.target);
    assert_eq!(m.lost.iter().map(|l| l.field).collect::<Vec<_>>(), [Field::Span, Field::Type]);
    assert_eq!(m.lost[0].value, FieldValue::Span(moved.target.clone()));
    // An entity made a claim on one side, retyped on the other: one conflict on the type.
    let mut claimed = base.clone();
    claimed.body = claim(None, Verdict::Unverified, "");
    claimed.modified = Timestamp(4_000);
    let m = merge3(Some(&base), &retyped, &claimed);
    assert!(m.annotation.body.is_claim());
    assert_eq!(m.lost[0].value, FieldValue::Type(Body::Entity("organization".into())));
}

#[test]
fn the_outbox_keeps_one_entry_per_annotation_and_its_first_base() {
    let schema = Schema::default();
    let a = ann("urn:uuid:00000000-0000-4000-8000-00000000000a", "Nikolai Nikiforov", Body::Entity("person".into()), 1_000);
    let b = ann("urn:uuid:00000000-0000-4000-8000-00000000000b", "China", Body::Entity("organization".into()), 1_000);
    let c = ann("urn:uuid:00000000-0000-4000-8000-00000000000c", "Russia", Body::Entity("location".into()), 1_000);
    let mut o = Outbox::default();
    o.record(&a.id, true, None); // created here
    o.record(&b.id, true, Some(("\"7\"", &b))); // changed, known on the server
    o.record(&a.id, true, None); // changed again before a push
    assert_eq!(o.len(), 2);
    assert_eq!(o.get(&a.id).unwrap().version, 2);
    o.record(&b.id, true, Some(("\"9\"", &a)));
    assert_eq!(o.get(&b.id).unwrap().base.as_ref().unwrap().0, "\"7\"", "the first base stays");
    // Created and deleted before a push: nothing to send. Deleted after: a delete.
    o.record(&c.id, true, None);
    o.record(&c.id, false, None);
    assert!(o.get(&c.id).is_none());
    o.record(&b.id, false, Some(("\"7\"", &b)));
    assert_eq!(o.get(&b.id).unwrap().op, Op::Delete);
    // An acknowledgement of an older version keeps the entry, with the new base.
    o.acknowledged(&a.id, 1, Some(("\"10\"", &a)));
    assert_eq!(o.get(&a.id).unwrap().base.as_ref().unwrap().0, "\"10\"");
    o.acknowledged(&a.id, 2, Some(("\"11\"", &a)));
    assert!(o.get(&a.id).is_none());
    // A deletion of something the server never had is not queued at all.
    let mut fresh = Outbox::default();
    fresh.record(&c.id, false, None);
    assert!(fresh.is_empty());

    // Stored and read back, as a reload would.
    let text = o.to_json(&schema, SOURCE);
    let (back, skipped) = Outbox::from_json(&text, &schema, Timestamp(0)).unwrap();
    assert!(skipped.is_empty());
    assert_eq!(back.len(), o.len());
    let (p, q) = (&back.items()[0], &o.items()[0]);
    assert_eq!((&p.id, p.op, p.version), (&q.id, q.op, q.version));
    assert_eq!(p.base.as_ref().unwrap().1.body, q.base.as_ref().unwrap().1.body);
    assert_eq!(p.base.as_ref().unwrap().1.target, q.base.as_ref().unwrap().1.target);
    // Damaged entries are named, the rest kept; a damaged whole is an error.
    let (_, skipped) = Outbox::from_json(r#"{"v":1,"items":[{"id":"urn:x:1","op":"put"},{"op":"fly"}]}"#, &schema, Timestamp(0)).unwrap();
    assert_eq!(skipped, ["pending item 2: expected an id and an op"]);
    assert!(Outbox::from_json("{", &schema, Timestamp(0)).is_err());
    assert!(Outbox::from_json(r#"{"v":9}"#, &schema, Timestamp(0)).is_err());
}
