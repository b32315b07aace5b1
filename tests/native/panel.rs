//! The panel's groups: the linear-time `panel_data` equals the plain algorithm it
//! replaced (sort the whole set in reading order, then fill each group in turn), for
//! groups under and over `ROWS_SHOWN`, expanded or not, with orphans, claims and types
//! the schema does not know.

use article_annotator::core::edit::{apply, AnnotationSet, Edit};
use article_annotator::core::model::{Annotation, AnnotationId, Body, Claim, Quote, Target, Timestamp, Verdict};
use article_annotator::core::offset::CharRange;
use article_annotator::core::panel::{panel_data, Group, PanelData, Row, ROWS_SHOWN};
use article_annotator::core::schema::Schema;
use proptest::prelude::*;
use std::collections::HashSet;

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
            let mut row = Row { id: a.id.clone(), quote: a.target.quote.exact.clone(), claimant: None, verdict: None };
            if let (Body::Claim(c), false) = (&a.body, a.is_orphan()) {
                row.claimant = Some(c.claimant.as_ref().and_then(|id| set.get(id)).map_or("unknown".into(), |w| w.target.quote.exact.clone()));
                row.verdict = Some((c.verdict.as_str(), schema.verdict_label(c.verdict).to_string()));
            }
            g.rows.push(row);
        }
    }
    data
}

const TYPES: [&str; 5] = ["person", "organization", "location", "x-weapon", "x-vessel"];

/// (id, start or orphan, length, kind: 0..5 a type, 5 a claim, claimant)
type Item = (u16, Option<u16>, u8, u8, Option<u16>);

fn item() -> impl Strategy<Value = Item> {
    (0u16..400, proptest::option::weighted(0.9, 0u16..300), 1u8..6, 0u8..6, proptest::option::of(0u16..400))
}

fn build(items: &[Item]) -> AnnotationSet {
    let mut set = AnnotationSet::default();
    let mut edits = Vec::new();
    let mut seen = HashSet::new();
    for &(n, start, len, kind, claimant) in items {
        if !seen.insert(n) {
            continue;
        }
        let id = AnnotationId::new(format!("urn:p:{n}")).unwrap();
        let body = match kind {
            5 => Body::Claim(Claim { claimant: claimant.and_then(|c| AnnotationId::new(format!("urn:p:{c}"))), verdict: Verdict::default(), note: String::new() }),
            k => Body::Entity(TYPES[k as usize].into()),
        };
        let range = start.and_then(|s| CharRange::from_usize(s as usize, s as usize + len as usize));
        // Short quotes (no shortening), distinct per id.
        let quote = Quote { exact: format!("q{n}"), prefix: String::new(), suffix: String::new() };
        edits.push(Edit::Add(Annotation { id, target: Target { range, quote }, body, created: Timestamp(0), modified: Timestamp(0), creator: None }));
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
