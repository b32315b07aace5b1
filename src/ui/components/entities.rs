//! The panel's list of entities: the things several mentions name (or a mention linked
//! to a knowledge base), each with its label, type, mention count and link. Picking one
//! opens the editor on its first mention. Renders state only.

use std::rc::Rc;
use yew::prelude::*;

/// One entity as the panel lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct EntityRow {
    pub first: crate::core::model::AnnotationId,
    pub label: String,
    pub type_id: String,
    pub type_label: String,
    pub mentions: usize,
    /// Its knowledge-base IRI, when linked.
    pub link: Option<String>,
}

#[derive(Properties, PartialEq)]
pub struct EntitiesProps {
    pub rows: Rc<Vec<EntityRow>>,
    pub on_pick: Callback<crate::core::model::AnnotationId>,
}

#[component]
pub fn Entities(props: &EntitiesProps) -> Html {
    let theme = use_context::<Rc<crate::ui::theme::Theme>>();
    if props.rows.is_empty() {
        return html! {};
    }
    html! {
        <section class="aa-group aa-entities" aria-label="Entities">
            <h3>{"Entities "}<span class="aa-count">{props.rows.len()}</span></h3>
            <ul>
                { for props.rows.iter().map(|r| {
                    let id = r.first.clone();
                    let pick = props.on_pick.reform(move |_: MouseEvent| id.clone());
                    let sw = format!("aa-swatch aa-sw-{}", crate::ui::theme::ident_in(theme.as_deref(), &r.type_id));
                    html! {
                        <li key={r.first.as_str().to_string()}>
                            <button type="button" class="aa-row aa-entity-row" onclick={pick}>
                                <span class={sw} aria-hidden="true"></span>
                                <span class="aa-entity-label">{&r.label}</span>{" "}
                                <span class="aa-entity-meta">{format!("{} · {}", r.type_label, crate::core::format::count(r.mentions, "mention", "mentions"))}</span>
                                if r.link.is_some() { <span class="aa-entity-linked" title={r.link.clone().unwrap_or_default()}>{" · linked"}</span> }
                            </button>
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}
