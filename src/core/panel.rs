//! What the side panel lists: every annotation counted in its group (claims, each entity
//! type, orphans), and the first rows of each group worked out in reading order.
//!
//! Built after every change, so it must not cost a sort of the whole set: one pass puts
//! each annotation in its group, and a group of n shows its first [`ROWS_SHOWN`] by a
//! partial selection (O(n)) and a sort of those rows only. At 10,000 annotations this is
//! what keeps an add within a frame of the browser's own cost.
//!
//! After an add (the common change), [`panel_since`] works the new panel out from the
//! last one instead: a count goes up and a row may be inserted, and every other row is
//! the same shared [`Row`], so a group the add did not touch compares equal at once and
//! the view skips it.
//!
//! Invariants: `count` is every member of the group; `rows` are the group's first
//! members in [`reading_order`] (all of them when the group is expanded); entity groups
//! follow the schema's order, then types it does not know in order of their first
//! annotation; the result equals grouping the set in reading order (tested against
//! that), and so does the result of [`panel_since`].

use crate::core::edit::reading_order;
use crate::core::model::{Annotation, AnnotationId, Body};
use crate::core::schema::Schema;
use crate::core::session::Session;
use std::collections::HashSet;
use std::rc::Rc;

/// One row of the panel, already worked out by the root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub id: AnnotationId,
    pub quote: String,
    /// For claims: the claimant's text, or "unknown".
    pub claimant: Option<String>,
    pub verdict: Option<(&'static str, String)>,
    /// Who made it (its `creator`), shown when the widget works as a team.
    pub author: Option<String>,
}

/// One group of the panel: all of it is counted, but only the rows shown are built.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Group {
    /// `claims`, `orphans`, or an entity type id.
    pub key: String,
    pub label: String,
    pub count: usize,
    /// Shared, so that a panel worked out from the last one keeps its unchanged rows
    /// (comparing two `Rc<Row>` of one row is a pointer comparison).
    pub rows: Vec<Rc<Row>>,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct PanelData {
    pub claims: Group,
    /// In schema order, then types the schema does not know.
    pub entities: Vec<Group>,
    pub orphans: Group,
    pub total: usize,
}

/// How many rows a group shows before "Show all" (keeps the panel light at 10,000).
pub const ROWS_SHOWN: usize = 50;

fn shorten(s: &str, n: usize) -> String {
    let one_line = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= n {
        one_line
    } else {
        format!("{}…", one_line.chars().take(n - 1).collect::<String>())
    }
}

/// The row of one annotation; `lookup` finds a claim's claimant.
fn row_of<'a>(a: &Annotation, schema: &Schema, lookup: &impl Fn(&AnnotationId) -> Option<&'a Annotation>) -> Rc<Row> {
    let mut row = Row { id: a.id.clone(), quote: shorten(a.target.quote.exact(), 120), claimant: None, verdict: None, author: a.creator.clone() };
    if let (Body::Claim(c), false) = (&a.body, a.is_orphan()) {
        row.claimant = Some(c.claimant.as_ref().and_then(lookup).map_or("unknown".into(), |w| shorten(w.target.quote.exact(), 40)));
        row.verdict = Some((c.verdict.as_str(), schema.verdict_label(c.verdict).to_string()));
    }
    Rc::new(row)
}

/// The panel's groups from the annotations (in any order); groups named in `expanded`
/// get all their rows, the others at most [`ROWS_SHOWN`]. `lookup` finds a claimant.
pub fn panel_data<'a>(
    annotations: impl IntoIterator<Item = &'a Annotation>,
    schema: &Schema,
    expanded: &HashSet<String>,
    lookup: impl Fn(&AnnotationId) -> Option<&'a Annotation>,
) -> PanelData {
    let group = |key: &str, label: &str| Group { key: key.into(), label: label.into(), ..Group::default() };
    let known = schema.types().len();
    let mut data = PanelData {
        claims: group("claims", "Claims"),
        entities: schema.types().iter().map(|t| group(&t.id, &t.label)).collect(),
        orphans: group("orphans", "Orphans"),
        total: 0,
    };
    // Members of each group, unordered: claims, orphans, then one per entity group.
    let mut claims: Vec<&Annotation> = Vec::new();
    let mut orphans: Vec<&Annotation> = Vec::new();
    let mut entities: Vec<Vec<&Annotation>> = vec![Vec::new(); known];
    for a in annotations {
        data.total += 1;
        if a.is_orphan() {
            orphans.push(a);
            continue;
        }
        match &a.body {
            Body::Claim(_) => claims.push(a),
            Body::Entity(t) => match data.entities.iter().position(|g| &g.key == t) {
                Some(i) => entities[i].push(a),
                None => {
                    data.entities.push(group(t, t));
                    entities.push(vec![a]);
                }
            },
        }
    }
    // Types the schema does not know: in order of their first annotation.
    let first = |m: &Vec<&'a Annotation>| m.iter().copied().min_by(|a, b| reading_order(a, b));
    let mut extra: Vec<(Group, Vec<&Annotation>)> = data.entities.drain(known..).zip(entities.drain(known..)).collect();
    extra.sort_by(|(_, x), (_, y)| match (first(x), first(y)) {
        (Some(a), Some(b)) => reading_order(a, b),
        _ => std::cmp::Ordering::Equal,
    });
    for (g, m) in extra {
        data.entities.push(g);
        entities.push(m);
    }
    let row = |a: &Annotation| row_of(a, schema, &lookup);
    let fill = |g: &mut Group, mut members: Vec<&Annotation>| {
        g.count = members.len();
        if members.len() > ROWS_SHOWN && !expanded.contains(&g.key) {
            // The ROWS_SHOWN first in reading order, without sorting the rest.
            members.select_nth_unstable_by(ROWS_SHOWN, |a, b| reading_order(a, b));
            members.truncate(ROWS_SHOWN);
        }
        members.sort_by(|a, b| reading_order(a, b));
        g.rows = members.into_iter().map(row).collect();
    };
    fill(&mut data.claims, claims);
    fill(&mut data.orphans, orphans);
    for (g, m) in data.entities.iter_mut().zip(entities) {
        fill(g, m);
    }
    data
}

/// The panel of the session now, given the panel `last` worked out at revision `at`
/// (with the same `expanded`): when every change since then added an annotation (of a
/// claim, an orphan or a type the schema knows), the new panel is `last` with those
/// added; otherwise, and when there is no `last`, it is worked out from scratch.
pub fn panel_since(s: &Session, last: Option<(u64, &PanelData)>, expanded: &HashSet<String>) -> PanelData {
    let set = s.annotations();
    let lookup = |id: &AnnotationId| set.get(id);
    let full = || panel_data(set.iter(), &s.schema, expanded, lookup);
    let Some((at, last)) = last else { return full() };
    let Some(mut touched) = s.changed_since(at) else { return full() };
    touched.sort_unstable();
    touched.dedup();
    // Every touched annotation is in the set now, so none was removed, and the set grew
    // by as many as were touched, so none of them was there before: all were added.
    let added: Option<Vec<&Annotation>> = touched.iter().map(|id| set.get(id)).collect();
    match added {
        Some(added) if set.len() == last.total + added.len() => with_added(last, &added, &s.schema, expanded, lookup).unwrap_or_else(full),
        _ => full(),
    }
}

/// The panel of only the annotations `author` made (their `creator`); claims still name
/// claimants whoever tagged them.
pub fn panel_by(s: &Session, author: &str, expanded: &HashSet<String>) -> PanelData {
    let set = s.annotations();
    panel_data(set.iter().filter(|a| a.creator.as_deref() == Some(author)), &s.schema, expanded, |id: &AnnotationId| set.get(id))
}

/// `last` with `added` (annotations not in it) counted and, where they fall among a
/// group's first rows, shown; `None` when an annotation is of a type the schema does
/// not know (those groups are ordered by their first annotation: work it out afresh).
fn with_added<'a>(
    last: &PanelData,
    added: &[&'a Annotation],
    schema: &Schema,
    expanded: &HashSet<String>,
    lookup: impl Fn(&AnnotationId) -> Option<&'a Annotation>,
) -> Option<PanelData> {
    let mut data = last.clone();
    let known = schema.types().len().min(data.entities.len());
    for &a in added {
        let g = if a.is_orphan() {
            &mut data.orphans
        } else {
            match &a.body {
                Body::Claim(_) => &mut data.claims,
                Body::Entity(t) => data.entities[..known].iter_mut().find(|g| &g.key == t)?,
            }
        };
        // Where `a` goes among the rows shown (each row's annotation is unchanged, so it
        // is in the set; a row that is not cannot happen, but then work it all out).
        let mut missing = false;
        let at = g.rows.partition_point(|r| match lookup(&r.id) {
            Some(b) => reading_order(b, a) == std::cmp::Ordering::Less,
            None => {
                missing = true;
                true
            }
        });
        if missing {
            return None;
        }
        let all_shown = g.rows.len() == g.count;
        g.count += 1;
        data.total += 1;
        if expanded.contains(&g.key) || g.rows.len() < ROWS_SHOWN {
            // Every member is shown (a group under the limit shows all of them).
            if !all_shown {
                return None;
            }
            g.rows.insert(at, row_of(a, schema, &lookup));
        } else if at < g.rows.len() {
            g.rows.insert(at, row_of(a, schema, &lookup));
            g.rows.pop();
        }
    }
    Some(data)
}
