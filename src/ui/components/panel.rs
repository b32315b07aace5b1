//! The side panel: every annotation, grouped (claims with claimant and verdict, entities
//! by type with counts, orphans), or a first-time reader's guide when there are none.

use crate::core::model::{Annotation, AnnotationId, Body};
use crate::core::schema::Schema;
use crate::ui::theme::ident_in;
use yew::prelude::*;

/// One row of the panel, already worked out by the root.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub id: AnnotationId,
    pub quote: String,
    /// For claims: the claimant's text, or "unknown".
    pub claimant: Option<String>,
    pub verdict: Option<(&'static str, String)>,
}

/// One group of the panel: all of it is counted, but only the rows shown are built.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Group {
    /// `claims`, `orphans`, or an entity type id.
    pub key: String,
    pub label: String,
    pub count: usize,
    pub rows: Vec<Row>,
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

/// The panel's groups from annotations in reading order; groups named in `expanded`
/// get all their rows, the others at most [`ROWS_SHOWN`].
pub fn panel_data<'a>(
    ordered: &[&'a Annotation],
    schema: &Schema,
    expanded: &std::collections::HashSet<String>,
    lookup: impl Fn(&AnnotationId) -> Option<&'a Annotation>,
) -> PanelData {
    let group = |key: &str, label: &str| Group { key: key.into(), label: label.into(), ..Group::default() };
    let mut data = PanelData {
        claims: group("claims", "Claims"),
        entities: schema.types().iter().map(|t| group(&t.id, &t.label)).collect(),
        orphans: group("orphans", "Orphans"),
        total: ordered.len(),
    };
    let wants = |g: &Group| g.rows.len() < ROWS_SHOWN || expanded.contains(&g.key);
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
        if !wants(g) {
            continue;
        }
        let mut row = Row { id: a.id.clone(), quote: shorten(&a.target.quote.exact, 120), claimant: None, verdict: None };
        if let (Body::Claim(c), false) = (&a.body, a.is_orphan()) {
            row.claimant = Some(c.claimant.as_ref().and_then(&lookup).map_or("unknown".into(), |w| shorten(&w.target.quote.exact, 40)));
            row.verdict = Some((c.verdict.as_str(), schema.verdict_label(c.verdict).to_string()));
        }
        g.rows.push(row);
    }
    data
}

#[derive(Properties, PartialEq)]
pub struct PanelProps {
    pub data: std::rc::Rc<PanelData>,
    pub selected: Option<AnnotationId>,
    pub on_pick: Callback<AnnotationId>,
    /// The reader asked for every row of a group (by its key).
    pub on_expand: Callback<String>,
    #[prop_or_default]
    pub children: Html,
    /// The entity types' keys, for the empty state.
    #[prop_or_default]
    pub keys: Vec<char>,
    #[prop_or_default]
    pub read_only: bool,
}

#[component]
pub fn Panel(props: &PanelProps) -> Html {
    let theme = use_context::<std::rc::Rc<crate::ui::theme::Theme>>();
    let d = &props.data;
    // A group's rows, and a button for the rest if they were not all built.
    let rows = |g: &Group, item: &dyn Fn(&Row) -> Html| -> Html {
        let shown: Html = g.rows.iter().map(item).collect();
        let more = (g.rows.len() < g.count).then(|| {
            let key = g.key.clone();
            let onclick = props.on_expand.reform(move |_| key.clone());
            html! { <li><button type="button" class="aa-more" {onclick}>{format!("Show all {}", g.count)}</button></li> }
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
    let body = if d.total == 0 && props.read_only {
        html! { <div class="aa-empty"><h3>{"No annotations"}</h3><p class="aa-hint">{"Nothing has been published for this article yet."}</p></div> }
    } else if d.total == 0 {
        let keys = html! { <>{ for props.keys.iter().enumerate().map(|(i, k)| html! { <>{if i > 0 { " " } else { "" }}<kbd>{k.to_string()}</kbd></> }) }</> };
        html! {
            <div class="aa-empty">
                <h3>{"No annotations yet"}</h3>
                <ol>
                    <li>{"Select a name, place or statement in the article (mouse, touch, or Shift + arrow keys)."}</li>
                    <li>{"Press "}{keys}{" for an entity type (see the legend), or "}<kbd>{"C"}</kbd>{" for a claim, or use the toolbar."}</li>
                    <li>{"For a claim, pick who makes it and your verdict. Everything is saved in this browser; export to share."}</li>
                </ol>
            </div>
        }
    } else {
        let claims = html! {
            <section class="aa-group" aria-label="Claims">
                <h3>{"Claims "}<span class="aa-count">{d.claims.count}</span></h3>
                if d.claims.count == 0 { <p class="aa-hint">{"No claims yet: select a statement and press C."}</p> }
                <ul>{ rows(&d.claims, &|r: &Row| {
                    let (v, label) = r.verdict.clone().unwrap_or(("unverified", "Unverified".to_string()));
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
            .filter(|g| g.count > 0)
            .map(|g| {
                html! {
                    <section class="aa-group" aria-label={g.label.clone()}>
                        <h3><span class={format!("aa-swatch aa-sw-{}", ident_in(theme.as_deref(), &g.key))} aria-hidden="true"></span>{&g.label}{" "}<span class="aa-count">{g.count}</span></h3>
                        <ul>{ rows(g, &|r: &Row| item(r, html! {})) }</ul>
                    </section>
                }
            })
            .collect();
        let orphans = if d.orphans.count == 0 {
            html! {}
        } else {
            html! {
                <section class="aa-group aa-orphans" aria-label="Orphans">
                    <h3>{"Orphans "}<span class="aa-count">{d.orphans.count}</span></h3>
                    <p class="aa-hint">{"Their text is no longer in the article. They are kept and exported."}</p>
                    <ul>{ rows(&d.orphans, &|r: &Row| item(r, html! {})) }</ul>
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
