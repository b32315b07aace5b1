//! The editor of one annotation: change its type, edit a claim's claimant, verdict and
//! note, group an entity mention with others, split it off or link its entity to a
//! knowledge base, re-attach an orphan to selected text, or delete it. Every change is one edit (a
//! note is committed when it loses focus). It takes focus when it opens, on its first
//! control.

use crate::core::edit::Edit;
use crate::core::model::{Annotation, AnnotationId, Body, Claim, Verdict};
use crate::core::schema::Schema;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// What the editor shows of an entity mention's entity (the thing it names).
#[derive(Clone, Debug, PartialEq)]
pub struct EntityView {
    /// Its IRI, if it is grouped or linked.
    pub iri: Option<String>,
    /// The entity's label (its longest mention) and how many mentions it has.
    pub label: String,
    pub mentions: usize,
    /// What it can be joined to: other entities and mentions of its type (an annotation
    /// id each, and a label).
    pub join_to: Vec<(AnnotationId, String)>,
}

impl EntityView {
    /// The IRI is a knowledge-base link.
    pub fn linked(&self) -> bool {
        self.iri.as_deref().is_some_and(crate::core::entities::is_link)
    }
}

/// A change to a mention's entity, for the root to make into an edit.
#[derive(Clone, Debug, PartialEq)]
pub enum EntityChange {
    /// Out of its entity, on its own.
    Split,
    /// Into the entity of this annotation.
    Join(AnnotationId),
    /// The entity linked to this IRI (already checked), or unlinked (`None`).
    Link(Option<String>),
}

/// An entity a claim can name as its claimant.
#[derive(Clone, Debug, PartialEq)]
pub struct ClaimantOption {
    pub id: AnnotationId,
    pub text: String,
}

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    pub annotation: Annotation,
    pub schema: Schema,
    pub claimants: Vec<ClaimantOption>,
    /// Other annotations over the same text, to switch to.
    pub also_here: Vec<(AnnotationId, String)>,
    pub on_edit: Callback<Edit>,
    pub on_open: Callback<AnnotationId>,
    pub on_close: Callback<()>,
    /// Show the annotation without letting it change.
    #[prop_or_default]
    pub read_only: bool,
    /// For an orphan while text is selected: the annotation attached to that text.
    #[prop_or_default]
    pub attach_to: Option<Annotation>,
    /// Values of this annotation that lost a conflict with a colleague: what to say, and
    /// the annotation with the value put back.
    #[prop_or_default]
    pub conflicts: Vec<(String, Annotation)>,
    /// The reader restored or dismissed the i-th of `conflicts`.
    #[prop_or_default]
    pub on_dismiss: Callback<usize>,
    /// For an entity mention: its entity.
    #[prop_or_default]
    pub entity: Option<EntityView>,
    #[prop_or_default]
    pub on_entity: Callback<EntityChange>,
    /// The host's knowledge-base lookup: `(query) => Promise<[{id, label, description}]>`.
    #[prop_or_default]
    pub lookup: Option<js_sys::Function>,
}

/// Where a knowledge-base lookup is.
#[derive(Clone, Debug, PartialEq)]
enum Lookup {
    Idle,
    Busy,
    /// Each found item: its IRI (checked), label and description.
    Found(Vec<(String, String, String)>),
    Failed(String),
}

/// The host's answer to a lookup: up to 10 items whose `id` is a link we accept.
fn read_found(v: &wasm_bindgen::JsValue) -> Result<Vec<(String, String, String)>, String> {
    if !js_sys::Array::is_array(v) {
        return Err("the lookup did not answer with a list".into());
    }
    let field = |o: &wasm_bindgen::JsValue, k: &str| js_sys::Reflect::get(o, &k.into()).ok().and_then(|x| x.as_string()).unwrap_or_default();
    Ok(js_sys::Array::from(v)
        .iter()
        .filter_map(|o| {
            let iri = crate::core::model::entity_iri(&field(&o, "id")).filter(|i| crate::core::entities::is_link(i))?;
            Some((iri, field(&o, "label"), field(&o, "description")))
        })
        .take(10)
        .collect())
}

fn value_of(e: &Event) -> String {
    e.target()
        .and_then(|t| {
            t.dyn_ref::<web_sys::HtmlSelectElement>()
                .map(|s| s.value())
                .or_else(|| t.dyn_ref::<web_sys::HtmlTextAreaElement>().map(|s| s.value()))
        })
        .unwrap_or_default()
}

#[component]
pub fn Editor(props: &EditorProps) -> Html {
    let a = &props.annotation;
    // Opening the editor (or switching it to another annotation) moves focus to its
    // first control, so a keyboard user is where the change is made; closing it gives
    // focus back to the article (the root does that).
    let node = use_node_ref();
    {
        let node = node.clone();
        let first = if props.read_only { ".aa-icon" } else if a.body.is_claim() { ".aa-claimant" } else { ".aa-type" };
        use_effect_with(a.id.clone(), move |_| {
            if let Some(el) = node.cast::<web_sys::Element>().and_then(|s| s.query_selector(first).ok().flatten()).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
                let _ = el.focus();
            }
        });
    }
    // The note is the reader's while they type (committed when it loses focus).
    let note_ref = use_node_ref();
    crate::ui::hooks::use_typed_field(&note_ref, a.id.clone(), a.claim().map(|c| c.note.clone()).unwrap_or_default());
    let update = {
        let a = a.clone();
        let cb = props.on_edit.clone();
        move |f: Box<dyn Fn(&mut Annotation)>| {
            let mut next = a.clone();
            f(&mut next);
            next.modified = crate::ui::dom::now();
            if next.body != a.body {
                cb.emit(Edit::Update(next));
            }
        }
    };
    let on_type = {
        let update = update.clone();
        Callback::from(move |e: Event| {
            let v = value_of(&e);
            update(Box::new(move |n: &mut Annotation| {
                n.body = match (&n.body, v.as_str()) {
                    (Body::Claim(_), "claim") => n.body.clone(),
                    (_, "claim") => Body::Claim(Claim::default()),
                    (_, t) => Body::Entity(t.to_string()),
                };
            }))
        })
    };
    let type_value = match &a.body {
        Body::Entity(t) => t.clone(),
        Body::Claim(_) => "claim".to_string(),
    };
    let mut type_options: Vec<Html> = props
        .schema
        .types()
        .iter()
        .map(|t| html! { <option value={t.id.clone()} selected={t.id == type_value}>{&t.label}</option> })
        .collect();
    if let Body::Entity(t) = &a.body {
        if props.schema.get(t).is_none() {
            type_options.push(html! { <option value={t.clone()} selected=true>{t}</option> });
        }
    }
    type_options.push(html! { <option value="claim" selected={type_value == "claim"}>{"Claim"}</option> });

    let claim_fields = if let Body::Claim(c) = &a.body {
        // A claim field's change: `set` writes the control's value into the claim.
        let claim_field = |set: fn(&mut Claim, &str)| {
            let update = update.clone();
            Callback::from(move |e: Event| {
                let v = value_of(&e);
                update(Box::new(move |n: &mut Annotation| {
                    if let Body::Claim(c) = &mut n.body {
                        set(c, &v);
                    }
                }))
            })
        };
        let on_claimant = claim_field(|c, v| c.claimant = AnnotationId::new(v));
        let on_verdict = claim_field(|c, v| c.verdict = Verdict::parse(v).unwrap_or_default());
        let on_note = claim_field(|c, v| c.note = v.to_string());
        let current = c.claimant.as_ref().map(|x| x.as_str().to_string()).unwrap_or_default();
        // The note's http(s) URLs as links (nothing else in it is ever markup).
        let links: Vec<&str> = crate::core::article::linkify(&c.note)
            .into_iter()
            .filter_map(|p| match p {
                crate::core::article::TextPiece::Link(u) => Some(u),
                crate::core::article::TextPiece::Text(_) => None,
            })
            .collect();
        html! {
            <>
                <label class="aa-field">{"Claimant"}
                    <select class="aa-claimant" onchange={on_claimant} disabled={props.read_only}>
                        <option value="" selected={current.is_empty()}>{"Unknown"}</option>
                        { for props.claimants.iter().map(|o| html! { <option value={o.id.as_str().to_string()} selected={o.id.as_str() == current}>{&o.text}</option> }) }
                    </select>
                </label>
                <label class="aa-field">{"Verdict"}
                    <select class="aa-verdict" onchange={on_verdict} disabled={props.read_only}>
                        { for props.schema.verdicts().iter().map(|(v, label)| html! { <option value={v.as_str()} selected={*v == c.verdict}>{label}</option> }) }
                        if !props.schema.verdicts().iter().any(|(v, _)| *v == c.verdict) {
                            <option value={c.verdict.as_str()} selected=true>{c.verdict.label()}</option>
                        }
                    </select>
                </label>
                <label class="aa-field">{"Note"}
                    <textarea class="aa-note" ref={note_ref.clone()} rows="3" onchange={on_note} readonly={props.read_only} placeholder="Sources, reasoning… (plain text)" />
                </label>
                if !links.is_empty() {
                    <p class="aa-note-links">{"Links in the note: "}
                        { for links.iter().map(|u| html! {
                            <a href={u.to_string()} target="_blank" rel="noopener noreferrer">{*u}</a>
                        }) }
                    </p>
                }
            </>
        }
    } else {
        html! {}
    };
    let link_input = use_node_ref();
    let link_error = use_state(|| false);
    let lookup = use_state(|| Lookup::Idle);
    // The link field is the reader's while they type; it shows the entity's link.
    crate::ui::hooks::use_typed_field(&link_input, a.id.clone(), props.entity.as_ref().filter(|e| e.linked()).and_then(|e| e.iri.clone()).unwrap_or_default());
    {
        // A lookup's results belong to the annotation they were asked for.
        let lookup = lookup.clone();
        use_effect_with(a.id.clone(), move |_| lookup.set(Lookup::Idle));
    }
    let entity_fields = props.entity.as_ref().map(|e| {
        let on_join = {
            let cb = props.on_entity.clone();
            Callback::from(move |ev: Event| {
                if let Some(id) = AnnotationId::new(value_of(&ev)) {
                    cb.emit(EntityChange::Join(id));
                }
            })
        };
        let split = props.on_entity.reform(|_: MouseEvent| EntityChange::Split);
        let unlink = props.on_entity.reform(|_: MouseEvent| EntityChange::Link(None));
        // The typed link, checked: linked, or a message.
        let link_now = {
            let (cb, input, error) = (props.on_entity.clone(), link_input.clone(), link_error.clone());
            move || {
                let typed = input.cast::<web_sys::HtmlInputElement>().map(|i| i.value()).unwrap_or_default();
                match crate::core::model::entity_iri(&typed).filter(|i| crate::core::entities::is_link(i)) {
                    Some(iri) => {
                        error.set(false);
                        cb.emit(EntityChange::Link(Some(iri)));
                    }
                    None => error.set(true),
                }
            }
        };
        let on_link_key = {
            let link_now = link_now.clone();
            Callback::from(move |ev: KeyboardEvent| {
                if ev.key() == "Enter" {
                    ev.prevent_default();
                    link_now();
                }
            })
        };
        let on_link = Callback::from(move |_: MouseEvent| link_now());
        let ask = props.lookup.clone().map(|f| {
            let (state, query) = (lookup.clone(), e.label.clone());
            Callback::from(move |_: MouseEvent| {
                state.set(Lookup::Busy);
                let answer = f.call1(&wasm_bindgen::JsValue::NULL, &query.as_str().into());
                let state = state.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let result = match answer {
                        Ok(v) => wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(&v)).await,
                        Err(e) => Err(e),
                    };
                    state.set(match result {
                        Ok(v) => read_found(&v).map_or_else(Lookup::Failed, Lookup::Found),
                        Err(e) => Lookup::Failed(format!("the lookup failed: {}", crate::ui::dom::describe(&e))),
                    });
                });
            })
        });
        let found = match &*lookup {
            Lookup::Idle => html! {},
            Lookup::Busy => html! { <p class="aa-hint" role="status">{"Looking up…"}</p> },
            Lookup::Failed(why) => html! { <p class="aa-field-error" role="alert">{format!("Nothing to link: {why}.")}</p> },
            Lookup::Found(list) if list.is_empty() => html! { <p class="aa-hint" role="status">{format!("The lookup found nothing for “{}”.", e.label)}</p> },
            Lookup::Found(list) => html! {
                <ul class="aa-found" aria-label="Found in the knowledge base">
                    { for list.iter().map(|(iri, label, description)| {
                        let (cb, iri2, state) = (props.on_entity.clone(), iri.clone(), lookup.clone());
                        let pick = Callback::from(move |_: MouseEvent| {
                            state.set(Lookup::Idle);
                            cb.emit(EntityChange::Link(Some(iri2.clone())));
                        });
                        html! {
                            <li><button type="button" class="aa-link-button aa-found-item" onclick={pick} title={iri.clone()}>
                                <strong>{if label.is_empty() { iri.as_str() } else { label.as_str() }}</strong>
                                if !description.is_empty() { {" — "}{description} }
                            </button></li>
                        }
                    }) }
                </ul>
            },
        };
        let said = if e.mentions > 1 { format!("One of {} mentions of “{}”.", e.mentions, e.label) } else { "A mention on its own.".to_string() };
        html! {
            <div class="aa-entity" role="group" aria-label="Entity">
                <p class="aa-entity-said">{said}
                    if let (true, Some(iri)) = (e.linked(), e.iri.as_ref()) {
                        {" Linked to "}<a href={iri.clone()} target="_blank" rel="noopener noreferrer">{iri}</a>{"."}
                    }
                </p>
                if !props.read_only {
                    if e.mentions > 1 {
                        <button type="button" class="aa-link-button aa-separate" onclick={split}>{"Separate this mention from the others"}</button>
                    }
                    if !e.join_to.is_empty() {
                        <label class="aa-field">{"Same as"}
                            <select class="aa-join" onchange={on_join}>
                                <option value="" selected=true>{"(choose to join)"}</option>
                                { for e.join_to.iter().map(|(id, label)| html! { <option value={id.as_str().to_string()}>{label}</option> }) }
                            </select>
                        </label>
                    }
                    // No <form> (the widget has none): Enter in the field, or the button.
                    <div class="aa-kb">
                        <label class="aa-field">{"Knowledge-base link"}
                            <input class="aa-kb-input" ref={link_input.clone()} type="text" onkeydown={on_link_key}
                                placeholder="Wikidata Q-id (Q42) or https://…" aria-invalid={(*link_error).to_string()} />
                        </label>
                        <button type="button" class="aa-kb-link" onclick={on_link}>{"Link"}</button>
                        if e.linked() {
                            <button type="button" class="aa-unlink" onclick={unlink}>{"Unlink"}</button>
                        }
                        if let Some(ask) = ask {
                            <button type="button" class="aa-lookup" onclick={ask} disabled={*lookup == Lookup::Busy}>{format!("Look up “{}”", e.label)}</button>
                        }
                    </div>
                    {found}
                    if *link_error {
                        <p class="aa-field-error" role="alert">{"That is not a link: type a Wikidata item such as Q42, or an http(s) address."}</p>
                    }
                }
            </div>
        }
    });
    let delete = {
        let cb = props.on_edit.clone();
        let id = a.id.clone();
        Callback::from(move |_| cb.emit(Edit::Remove(id.clone())))
    };
    let close = props.on_close.reform(|_: MouseEvent| ());
    let onkeydown = {
        let close = props.on_close.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                e.stop_propagation();
                close.emit(());
            }
        })
    };
    let quote = a.target.quote.exact().to_string();
    let attach = props.attach_to.clone().map(|n| {
        let cb = props.on_edit.clone();
        Callback::from(move |_: MouseEvent| cb.emit(Edit::Update(n.clone())))
    });
    // Pressing the button must not take away the selection it attaches to.
    let keep_selection = Callback::from(|e: MouseEvent| e.prevent_default());
    html! {
        <section class="aa-editor" ref={node} role="dialog" aria-label={if props.read_only { "Annotation" } else { "Edit annotation" }} {onkeydown}>
            <header class="aa-editor-head">
                <h2>{if props.read_only { "Annotation" } else { "Edit annotation" }}</h2>
                <button type="button" class="aa-icon" onclick={close} aria-label="Close editor (Esc)" title="Close (Esc)">{"✕"}</button>
            </header>
            <blockquote class="aa-quote">{quote}</blockquote>
            if !props.conflicts.is_empty() {
                <div class="aa-conflicts" role="group" aria-label="Changes that met a colleague's">
                    { for props.conflicts.iter().enumerate().map(|(i, (text, restored))| {
                        let (edit, dismiss, dismiss2) = (props.on_edit.clone(), props.on_dismiss.clone(), props.on_dismiss.clone());
                        let restored = restored.clone();
                        let restore = Callback::from(move |_: MouseEvent| {
                            edit.emit(Edit::Update(restored.clone()));
                            dismiss.emit(i);
                        });
                        html! {
                            <p class="aa-conflict">{text}{" "}
                                if !props.read_only {
                                    <button type="button" class="aa-link-button aa-restore" onclick={restore}>{"Restore it"}</button>{" "}
                                }
                                <button type="button" class="aa-link-button aa-dismiss" onclick={Callback::from(move |_: MouseEvent| dismiss2.emit(i))}>{"Dismiss"}</button>
                            </p>
                        }
                    }) }
                </div>
            }
            if a.is_orphan() {
                <p class="aa-hint">{"This annotation's text is no longer in the article. It is kept and exported. "}
                    if !props.read_only {{"To attach it again, select its text in the article and press Attach; or delete it if it no longer applies."}}
                </p>
                if !props.read_only {
                    <button type="button" class="aa-primary aa-attach" disabled={attach.is_none()} onmousedown={keep_selection} onclick={attach.clone().unwrap_or_default()}
                        title="Attach this annotation to the text selected in the article">
                        {match &props.attach_to {
                            Some(n) => format!("Attach to “{}”", n.target.quote.exact().chars().take(40).collect::<String>()),
                            None => "Attach to selected text".to_string(),
                        }}
                    </button>
                }
            }
            <label class="aa-field">{"Type"}
                <select class="aa-type" onchange={on_type} disabled={props.read_only}>{type_options}</select>
            </label>
            {claim_fields}
            {entity_fields}
            if !props.also_here.is_empty() {
                <div class="aa-also">
                    <span>{"Also here: "}</span>
                    { for props.also_here.iter().map(|(id, label)| {
                        let open = props.on_open.clone();
                        let id = id.clone();
                        html! { <button type="button" class="aa-link-button" onclick={Callback::from(move |_| open.emit(id.clone()))}>{label}</button> }
                    }) }
                </div>
            }
            if !props.read_only {
                <div class="aa-editor-actions">
                    <button type="button" class="aa-danger" onclick={delete}>{"Delete"}</button>
                </div>
            }
        </section>
    }
}
