//! The side panel: every annotation, grouped (claims with claimant and verdict, entities
//! by type with counts, orphans), or a first-time reader's guide when there are none.

use crate::core::model::{Annotation, AnnotationId, Body};
use crate::core::schema::Schema;
use crate::ui::components::article_view::css_ident;
use yew::prelude::*;

/// One row of the panel, already worked out by the root.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub id: AnnotationId,
    pub quote: String,
    /// For claims: the claimant's text, or "unknown".
    pub claimant: Option<String>,
    pub verdict: Option<(&'static str, &'static str)>,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct PanelData {
    pub claims: Vec<Row>,
    /// (type id, label, rows), in schema order, then unknown types.
    pub entities: Vec<(String, String, Vec<Row>)>,
    pub orphans: Vec<Row>,
    pub total: usize,
}

fn shorten(s: &str, n: usize) -> String {
    let one_line = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= n {
        one_line
    } else {
        format!("{}…", one_line.chars().take(n - 1).collect::<String>())
    }
}

pub fn panel_data<'a>(ordered: &[&'a Annotation], schema: &Schema, lookup: impl Fn(&AnnotationId) -> Option<&'a Annotation>) -> PanelData {
    let mut data = PanelData { total: ordered.len(), ..PanelData::default() };
    for t in schema.types() {
        data.entities.push((t.id.clone(), t.label.clone(), Vec::new()));
    }
    for a in ordered {
        let mut row = Row { id: a.id.clone(), quote: shorten(&a.target.quote.exact, 120), claimant: None, verdict: None };
        if a.is_orphan() {
            data.orphans.push(row);
            continue;
        }
        match &a.body {
            Body::Claim(c) => {
                row.claimant = Some(c.claimant.as_ref().and_then(&lookup).map_or("unknown".into(), |w| shorten(&w.target.quote.exact, 40)));
                row.verdict = Some((c.verdict.as_str(), c.verdict.label()));
                data.claims.push(row);
            }
            Body::Entity(t) => match data.entities.iter_mut().find(|(id, _, _)| id == t) {
                Some(group) => group.2.push(row),
                None => data.entities.push((t.clone(), t.clone(), vec![row])),
            },
        }
    }
    data
}

#[derive(Properties, PartialEq)]
pub struct PanelProps {
    pub data: std::rc::Rc<PanelData>,
    pub selected: Option<AnnotationId>,
    pub on_pick: Callback<AnnotationId>,
    #[prop_or_default]
    pub children: Html,
}

/// How many rows a group shows before "Show all" (keeps the panel light at 10,000).
pub const ROWS_SHOWN: usize = 50;

#[component]
pub fn Panel(props: &PanelProps) -> Html {
    let d = &props.data;
    let expanded = use_state(std::collections::HashSet::<String>::new);
    // The rows of a group, capped unless the reader asked for all, and the button to ask.
    let rows = |group: &str, rows: &[Row], item: &dyn Fn(&Row) -> Html| -> Html {
        let all = expanded.contains(group);
        let shown: Html = rows.iter().take(if all { usize::MAX } else { ROWS_SHOWN }).map(item).collect();
        let more = (!all && rows.len() > ROWS_SHOWN).then(|| {
            let expanded = expanded.clone();
            let group = group.to_string();
            let onclick = Callback::from(move |_| {
                let mut set = (*expanded).clone();
                set.insert(group.clone());
                expanded.set(set);
            });
            html! { <li><button type="button" class="aa-more" {onclick}>{format!("Show all {}", rows.len())}</button></li> }
        });
        html! { <>{shown}{more}</> }
    };
    let item = |row: &Row, extra: Html| {
        let pick = props.on_pick.clone();
        let id = row.id.clone();
        let current = props.selected.as_ref() == Some(&row.id);
        html! {
            <li>
                <button type="button" class={classes!("aa-entry", current.then_some("aa-current"))} aria-current={current.then_some("true")}
                    onclick={Callback::from(move |_| pick.emit(id.clone()))}>
                    <span class="aa-entry-quote">{&row.quote}</span>
                    {extra}
                </button>
            </li>
        }
    };
    let body = if d.total == 0 {
        html! {
            <div class="aa-empty">
                <h3>{"No annotations yet"}</h3>
                <ol>
                    <li>{"Select a name, place or statement in the article (mouse, touch, or Shift + arrow keys)."}</li>
                    <li>{"Press "}<kbd>{"1"}</kbd>{"–"}<kbd>{"6"}</kbd>{" for an entity type, or "}<kbd>{"C"}</kbd>{" for a claim, or use the toolbar."}</li>
                    <li>{"For a claim, pick who makes it and your verdict. Everything is saved in this browser; export to share."}</li>
                </ol>
            </div>
        }
    } else {
        let claims = html! {
            <section class="aa-group" aria-label="Claims">
                <h3>{"Claims "}<span class="aa-count">{d.claims.len()}</span></h3>
                if d.claims.is_empty() { <p class="aa-hint">{"No claims yet: select a statement and press C."}</p> }
                <ul>{ rows("claims", &d.claims, &|r: &Row| {
                    let (v, label) = r.verdict.unwrap_or(("unverified", "Unverified"));
                    item(r, html! {
                        <span class="aa-entry-meta">
                            <span class="aa-claimant-name">{"by "}{r.claimant.clone().unwrap_or_default()}</span>
                            <span class={format!("aa-verdict-badge aa-v-{v}")}>{label}</span>
                        </span>
                    })
                }) }</ul>
            </section>
        };
        let entities: Html = d
            .entities
            .iter()
            .filter(|(_, _, list)| !list.is_empty())
            .map(|(id, label, list)| {
                html! {
                    <section class="aa-group" aria-label={label.clone()}>
                        <h3><span class={format!("aa-swatch aa-sw-{}", css_ident(id))} aria-hidden="true"></span>{label}{" "}<span class="aa-count">{list.len()}</span></h3>
                        <ul>{ rows(id, list, &|r: &Row| item(r, html! {})) }</ul>
                    </section>
                }
            })
            .collect();
        let orphans = if d.orphans.is_empty() {
            html! {}
        } else {
            html! {
                <section class="aa-group aa-orphans" aria-label="Orphans">
                    <h3>{"Orphans "}<span class="aa-count">{d.orphans.len()}</span></h3>
                    <p class="aa-hint">{"Their text is no longer in the article. They are kept and exported."}</p>
                    <ul>{ rows("orphans", &d.orphans, &|r: &Row| item(r, html! {})) }</ul>
                </section>
            }
        };
        html! { <>{claims}{entities}{orphans}</> }
    };
    html! {
        <aside class="aa-panel" aria-label="Annotations">
            {props.children.clone()}
            <h2 class="aa-panel-title">{"Annotations "}<span class="aa-count">{d.total}</span></h2>
            {body}
        </aside>
    }
}
