//! The panel's groups: the linear-time `panel_data` equals the plain algorithm it
//! replaced (sort the whole set in reading order, then fill each group in turn), for
//! groups under and over `ROWS_SHOWN`, expanded or not, with orphans, claims and types
//! the schema does not know; and `panel_since`, which works the panel out from the last
//! one after adds, equals it after any sequence of adds, removals, updates and undos.

use article_annotator::core::edit::{apply, AnnotationSet, Edit};
use article_annotator::core::model::{Annotation, AnnotationId, Body, Claim, Quote, Target, Timestamp, Verdict};
use article_annotator::core::offset::CharRange;
use article_annotator::core::panel::{panel_data, panel_since, Group, PanelData, Row, ROWS_SHOWN};
use article_annotator::core::schema::Schema;
use article_annotator::core::session::Session;
use proptest::prelude::*;
use std::collections::HashSet;
use std::rc::Rc;

use crate::util;

/// The algorithm before: every annotation in reading order, each group filled until full.
fn reference(set: &AnnotationSet, schema: &Schema, expanded: &HashSet<String>) -> PanelData {
    let group = |key: &str, label: &str| Group { key: key.into(), label: label.into(), ..Group::default() };
    let ordered = set.in_reading_order();
    let mut data = PanelData {
        claims: group("claims", "Claims"),
        entities: schema.types().iter().map(|t| group(&t.id, &t.label)).collect(),
        orphans: group("orphans", "Orphans"),
        total: ordered.len(),
    };
    for a in ordered {
        let g = if a.is_orphan() {
            &mut data.orphans
        } else {
            match &a.body {
                Body::Claim(_) => &mut data.claims,
                Body::Entity(t) => match data.entities.iter().position(|g| &g.key == t) {
                    Some(i) => &mut data.entities[i],
                    None => {
                        data.entities.push(group(t, t));
                        let last = data.entities.len() - 1;
                        &mut data.entities[last]
                    }
                },
            }
        };
        g.count += 1;
        if g.rows.len() < ROWS_SHOWN || expanded.contains(&g.key) {
            let mut row = Row { id: a.id.clone(), quote: a.target.quote.exact().to_string(), claimant: None, verdict: None, author: a.creator.clone() };
            if let (Body::Claim(c), false) = (&a.body, a.is_orphan()) {
                row.claimant = Some(c.claimant.as_ref().and_then(|id| set.get(id)).map_or("unknown".into(), |w| w.target.quote.exact().to_string()));
                row.verdict = Some((c.verdict.as_str(), schema.verdict_label(c.verdict).to_string()));
            }
            g.rows.push(Rc::new(row));
        }
    }
    data
}

const TYPES: [&str; 5] = ["person", "organization", "location", "x-weapon", "x-vessel"];

/// (id, start or orphan, length, kind: 0..5 a type, 5 a claim, claimant)
type Item = (u16, Option<u16>, u8, u8, Option<u16>);

fn item() -> impl Strategy<Value = Item> {
    (0u16..1000, proptest::option::weighted(0.9, 0u16..300), 1u8..6, 0u8..6, proptest::option::of(0u16..1000))
}

fn annotation(&(n, start, len, kind, claimant): &Item) -> Annotation {
    let id = AnnotationId::new(format!("urn:p:{n}")).unwrap();
    let body = match kind {
        5 => Body::Claim(Claim { claimant: claimant.and_then(|c| AnnotationId::new(format!("urn:p:{c}"))), verdict: Verdict::default(), note: String::new() }),
        k => Body::Entity(TYPES[k as usize].into()),
    };
    let range = start.and_then(|s| CharRange::from_usize(s as usize, s as usize + len as usize));
    // Short quotes (no shortening), distinct per id.
    let quote = Quote::new("", &format!("q{n}"), "");
    Annotation { id, target: Target { range, quote }, body, created: Timestamp(0), modified: Timestamp(0), creator: None, entity: None }
}

fn build(items: &[Item]) -> AnnotationSet {
    let mut set = AnnotationSet::default();
    let mut edits = Vec::new();
    let mut seen = HashSet::new();
    for item in items {
        if !seen.insert(item.0) {
            continue;
        }
        edits.push(Edit::Add(annotation(item)));
    }
    // Entities first; a claim keeps its claimant only if that is already in the set
    // (edits refuse unknown claimants).
    edits.sort_by_key(|e| matches!(e, Edit::Add(a) if a.body.is_claim()));
    for mut e in edits {
        if let Edit::Add(Annotation { body: Body::Claim(c), .. }) = &mut e {
            if c.claimant.as_ref().is_some_and(|who| set.get(who).is_none()) {
                c.claimant = None;
            }
        }
        apply(&mut set, e).unwrap();
    }
    set
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn the_linear_grouping_equals_the_sorted_one(items in proptest::collection::vec(item(), 0..400), expand in proptest::collection::vec(0usize..8, 0..3)) {
        let set = build(&items);
        let schema = Schema::default();
        let keys = ["claims", "orphans", "person", "organization", "location", "x-weapon", "x-vessel", "event"];
        let expanded: HashSet<String> = expand.iter().map(|&i| keys[i].to_string()).collect();
        let fast = panel_data(set.iter(), &schema, &expanded, |id| set.get(id));
        prop_assert_eq!(fast, reference(&set, &schema, &expanded));
    }
}

#[test]
fn a_full_group_shows_its_first_rows_and_counts_them_all() {
    let items: Vec<_> = (0..120u16).map(|n| (n, Some(300 - n * 2), 1u8, 0u8, None)).collect();
    let set = build(&items);
    let data = panel_data(set.iter(), &Schema::default(), &HashSet::new(), |id| set.get(id));
    let person = &data.entities[0];
    assert_eq!((person.key.as_str(), person.count, person.rows.len()), ("person", 120, ROWS_SHOWN));
    // The last ids start first.
    assert_eq!(person.rows[0].quote, "q119");
    assert_eq!(data.total, 120);
    let all = panel_data(set.iter(), &Schema::default(), &HashSet::from(["person".to_string()]), |id| set.get(id));
    assert_eq!(all.entities[0].rows.len(), 120);
}

/// One step of the sequence `panel_since` follows: add an item (the common case), remove,
/// retype or undo; each may be refused by the set (an id in use, an unknown claimant).
#[derive(Clone, Debug)]
enum Step {
    Add(Item),
    Remove(u16),
    Retype(u16, u8),
    Undo,
    /// Several adds as one revision.
    AddMany(Vec<Item>),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        6 => item().prop_map(Step::Add),
        1 => (0u16..1000).prop_map(Step::Remove),
        1 => (0u16..1000, 0u8..6).prop_map(|(n, k)| Step::Retype(n, k)),
        1 => Just(Step::Undo),
        1 => proptest::collection::vec(item(), 1..4).prop_map(Step::AddMany),
    ]
}

fn id(n: u16) -> AnnotationId {
    AnnotationId::new(format!("urn:p:{n}")).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn the_panel_worked_out_from_the_last_equals_the_panel_worked_out_afresh(
        // Up to 700: groups over ROWS_SHOWN, so adds land before, among and after the rows shown.
        start in proptest::collection::vec(item(), 0..700),
        steps in proptest::collection::vec(step(), 1..40),
        expand in proptest::collection::vec(0usize..8, 0..2),
    ) {
        let keys = ["claims", "orphans", "person", "organization", "location", "x-weapon", "x-vessel", "event"];
        let expanded: HashSet<String> = expand.iter().map(|&i| keys[i].to_string()).collect();
        let mut s = Session::new("t".into(), util::sample(), Schema::default());
        for e in build(&start).iter() {
            let _ = s.apply(Edit::Add(e.clone()));
        }
        let mut last = (s.revision(), panel_since(&s, None, &expanded));
        for st in steps {
            let _ = match st {
                Step::Add(item) => s.apply(Edit::Add(annotation(&item))),
                Step::AddMany(items) => s.apply(Edit::Batch(items.iter().map(|i| Edit::Add(annotation(i))).collect())),
                Step::Remove(n) => s.apply(Edit::Remove(id(n))),
                Step::Retype(n, k) => match s.annotations().get(&id(n)).cloned() {
                    Some(mut a) => {
                        a.body = if k == 5 { Body::Claim(Claim::default()) } else { Body::Entity(TYPES[k as usize].into()) };
                        s.apply(Edit::Update(a))
                    }
                    None => Ok(()),
                },
                Step::Undo => s.undo().map(|_| ()),
            };
            let next = panel_since(&s, Some((last.0, &last.1)), &expanded);
            prop_assert_eq!(&next, &reference(s.annotations(), &s.schema, &expanded));
            last = (s.revision(), next);
        }
    }
}

#[test]
fn an_add_keeps_every_other_row_as_it_was_shared() {
    let mut s = Session::new("t".into(), util::sample(), Schema::default());
    let items: Vec<Item> = (0..200u16).map(|n| (n, Some(n + 2), 2u8, (n % 3) as u8, None)).collect();
    for e in build(&items).iter() {
        s.apply(Edit::Add(e.clone())).unwrap();
    }
    let expanded = HashSet::new();
    let before = panel_since(&s, None, &expanded);
    let at = s.revision();
    // A person near the start: it is shown, and the group's last row goes.
    s.apply(Edit::Add(annotation(&(500, Some(3), 1, 0, None)))).unwrap();
    let after = panel_since(&s, Some((at, &before)), &expanded);
    let (old, new) = (&before.entities[0], &after.entities[0]);
    assert_eq!((old.count + 1, old.rows.len(), new.rows.len()), (new.count, ROWS_SHOWN, ROWS_SHOWN));
    assert_eq!(new.rows[1].id.as_str(), "urn:p:500");
    assert!(Rc::ptr_eq(&old.rows[0], &new.rows[0]));
    assert!(old.rows.iter().skip(1).zip(new.rows.iter().skip(2)).all(|(a, b)| Rc::ptr_eq(a, b)));
    // Other groups: every row is the same shared row.
    for (g, h) in before.entities.iter().zip(&after.entities).skip(1) {
        assert!(g.rows.iter().zip(&h.rows).all(|(a, b)| Rc::ptr_eq(a, b)));
    }
}
