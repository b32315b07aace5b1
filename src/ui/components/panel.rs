//! The side panel: every annotation, grouped (claims with claimant and verdict, entities
//! by type with counts, orphans), or a first-time reader's guide when there are none.

use crate::core::model::AnnotationId;
pub use crate::core::panel::{Group, PanelData, Row};
use crate::ui::theme::ident_in;
use yew::prelude::*;

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
    /// Show each annotation's author (the widget works as a team).
    #[prop_or_default]
    pub show_authors: bool,
    /// With authors shown and a reader known: whether only the reader's own are listed,
    /// and the toggle.
    #[prop_or_default]
    pub mine_only: Option<bool>,
    #[prop_or_default]
    pub on_mine_only: Callback<bool>,
}

#[component]
pub fn Panel(props: &PanelProps) -> Html {
    let theme = use_context::<std::rc::Rc<crate::ui::theme::Theme>>();
    let d = &props.data;
    // Each group's rows are their own component: after an add, the groups the add did
    // not touch hold the same shared rows, compare equal at once, and are skipped.
    let rows = |g: &Group, claim: bool| -> Html {
        html! { <Rows group={g.clone()} {claim} selected={props.selected.clone()} on_pick={props.on_pick.clone()} on_expand={props.on_expand.clone()} show_authors={props.show_authors} /> }
    };
    let body = if d.total == 0 && props.read_only {
        html! { <div class="aa-empty"><h3>{"No annotations"}</h3><p class="aa-hint">{"Nothing has been published for this article yet."}</p></div> }
    } else if d.total == 0 {
        let keys = html! { <>{ for props.keys.iter().enumerate().map(|(i, k)| html! { <>{if i > 0 { " " } else { "" }}<kbd>{k.to_string()}</kbd></> }) }</> };
        html! {
            <div class="aa-empty">
                <h3>{"No annotations yet"}</h3>
                // In a narrow column (a sidebar), one sentence instead of the list: the
                // widget does not grow the page's column by a screenful.
                <p class="aa-empty-short">{"Select text, then press "}{keys.clone()}{" for an entity or "}<kbd>{"C"}</kbd>{" for a claim."}</p>
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
                <ul>{ rows(&d.claims, true) }</ul>
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
                        <ul>{ rows(g, false) }</ul>
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
                    <ul>{ rows(&d.orphans, false) }</ul>
                </section>
            }
        };
        html! { <>{claims}{entities}{orphans}</> }
    };
    html! {
        <aside class="aa-panel" aria-label="Annotations">
            {props.children.clone()}
            <h2 class="aa-panel-title">{"Annotations "}<span class="aa-count">{d.total}</span></h2>
            if let Some(mine) = props.mine_only {
                <button type="button" class="aa-link-button aa-mine-only" aria-pressed={mine.to_string()} onclick={props.on_mine_only.reform(move |_| !mine)}
                    title="List only the annotations you made, or everyone's">
                    {if mine { "Showing only mine: show everyone's" } else { "Show only mine" }}
                </button>
            }
            {body}
        </aside>
    }
}

#[derive(Properties, PartialEq)]
struct RowsProps {
    group: Group,
    /// The claims group: show each claim's claimant and verdict.
    claim: bool,
    /// The annotation open in the editor.
    selected: Option<AnnotationId>,
    on_pick: Callback<AnnotationId>,
    on_expand: Callback<String>,
    show_authors: bool,
}

/// A group's rows, and a button for the rest if they were not all built.
#[component]
fn Rows(props: &RowsProps) -> Html {
    let g = &props.group;
    let shown: Html = g.rows.iter().map(|row| entry(row, props)).collect();
    let more = (g.rows.len() < g.count).then(|| {
        let key = g.key.clone();
        let onclick = props.on_expand.reform(move |_| key.clone());
        html! { <li><button type="button" class="aa-more" {onclick}>{format!("Show all {}", g.count)}</button></li> }
    });
    html! { <>{shown}{more}</> }
}

/// One row: the quote, and for a claim who makes it and the verdict. Keyed by id: a row
/// added or removed moves no other row's text.
fn entry(row: &Row, props: &RowsProps) -> Html {
    let onclick = {
        let pick = props.on_pick.clone();
        let id = row.id.clone();
        Callback::from(move |_| pick.emit(id.clone()))
    };
    let meta = props.claim.then(|| {
        let (v, label) = row.verdict.clone().unwrap_or(("unverified", "Unverified".to_string()));
        html! {
            <span class="aa-entry-meta">
                <span class="aa-claimant-name">{"by "}{row.claimant.clone().unwrap_or_default()}</span>
                <span class={format!("aa-verdict-badge aa-v-{v}")}>{label}</span>
            </span>
        }
    });
    let current = props.selected.as_ref() == Some(&row.id);
    html! {
        <li key={row.id.as_str()}>
            <button type="button" class={classes!("aa-entry", current.then_some("aa-current"))} aria-current={current.then_some("true")} {onclick}>
                <span class="aa-entry-quote">{&row.quote}</span>
                if props.show_authors {
                    if let Some(a) = &row.author { <span class="aa-entry-author">{a}</span> }
                }
                {meta}
            </button>
        </li>
    }
}
