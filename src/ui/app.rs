//! The root component: owns the reducer and persistence, turns reader gestures and keys
//! into actions, and lays out header, article, toolbar, editor, panel and notices.

use crate::core::edit::Edit;
use crate::core::format::catalog::Format;
use crate::core::model::{AnnotationId, Body, Claim};
use crate::keymap::{self, Command};
use crate::ui::components::article_view::ArticleView;
use crate::ui::components::editor::{ClaimantOption, Editor};
use crate::ui::components::header::Header;
use crate::core::panel::{panel_since, PanelData};
use crate::ui::components::panel::Panel;
use crate::ui::components::selection_toolbar::{SelectionToolbar, TagChoice};
use crate::ui::components::suggestions::Suggestions;
use crate::ui::components::editor::{EntityChange, EntityView};
use crate::ui::components::entities::{Entities, EntityRow};
use crate::core::mentions::Which;
use crate::core::offset::CharRange;
use crate::ui::dom;
use crate::ui::files;
use crate::persist::Persistence;
use crate::ui::persist::Opened;
use crate::ui::state::{Action, AppState, Bridge, Level, Notice, Pending};
use crate::store::AnnotationStore;
use crate::ui::theme::Theme;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct AppProps {
    pub session: AnnotationStore,
    /// Storage, opened (and read) by `mount`.
    pub persistence: Opened,
    #[prop_or_default]
    pub user: Option<String>,
    /// Filled with the reducer's dispatcher, for the JS API.
    #[prop_or_default]
    pub bridge: Bridge,
    /// This widget's highlight names and schema styles.
    pub theme: Rc<Theme>,
    /// The element the host's events are dispatched on.
    #[prop_or_default]
    pub host: Option<web_sys::Element>,
    /// Readers see the highlights and the panel but cannot change anything (the JS API
    /// still can).
    #[prop_or_default]
    pub read_only: bool,
    /// The host's knowledge-base lookup (`options.lookup`), offered in the editor.
    #[prop_or_default]
    pub lookup: Option<js_sys::Function>,
    /// Annotations are saved in this browser's storage (the header says when).
    #[prop_or_default]
    pub local_save: bool,
}

fn in_text_field(e: &KeyboardEvent) -> bool {
    e.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT") || el.closest("[contenteditable]").ok().flatten().is_some())
}

/// Shift + arrow keys extend the selection by words (left/right) or lines (up/down),
/// starting at the first visible block if there is no selection in the article.
fn extend_selection(article: &web_sys::Element, key: &str) -> bool {
    let (dir, unit) = match key {
        "ArrowRight" => ("forward", "word"),
        "ArrowLeft" => ("backward", "word"),
        "ArrowDown" => ("forward", "line"),
        "ArrowUp" => ("backward", "line"),
        _ => return false,
    };
    let Some(window) = web_sys::window() else { return false };
    let Ok(Some(sel)) = window.get_selection() else { return false };
    let inside = dom::selection_range(article).is_some_and(|r| r.start_container().is_ok_and(|n| article.contains(Some(&n))));
    if !inside {
        let Some(start) = first_visible_block(article) else { return false };
        let _ = sel.collapse_with_offset(Some(&start), 0);
    }
    sel.modify("extend", dir, unit).is_ok()
}

fn first_visible_block(article: &web_sys::Element) -> Option<web_sys::Element> {
    let list = article.query_selector_all("[data-block]").ok()?;
    let mut last = None;
    for i in 0..list.length() {
        let el: web_sys::Element = list.item(i)?.dyn_into().ok()?;
        if el.get_bounding_client_rect().bottom() > 0.0 {
            return Some(el);
        }
        last = Some(el);
    }
    last
}

#[component]
pub fn App(props: &AppProps) -> Html {
    let persistence: Rc<Persistence> = props.persistence.0.clone();
    let state = {
        let session = props.session.clone();
        let user = props.user.clone();
        let notice = props.persistence.1.clone().or_else(|| {
            (!crate::ui::highlights::supported())
                .then(|| Notice::warning("This browser cannot paint highlights (it lacks the CSS Custom Highlight API). Annotations still work and are listed in the panel."))
                .flatten()
        });
        use_reducer(move || AppState::new(session, notice, user))
    };
    let root = use_node_ref();
    let article = use_node_ref();
    // The root's callbacks keep their identity across renders (`use_callback`), so that a
    // render for something the header and the panel do not show (a selection, the
    // cursor) skips them.
    let dispatch: Callback<Action> = use_callback(state.dispatcher(), |a, d| d.dispatch(a));
    // Read-only as the host said, or as the team server's token turned out (a viewer's).
    let read_only = props.read_only || state.viewer;

    let on_selection_gesture = use_callback(
        (props.session.clone(), article.clone(), root.clone(), dispatch.clone(), read_only),
        |(), (session, article, root, dispatch, read_only)| {
            if *read_only {
                return;
            }
            let (Some(art), Some(rt)) = (article.cast::<web_sys::Element>(), root.cast::<web_sys::Element>()) else { return };
            let s = session.read();
            let pending = dom::selection_in(&s.doc, &art).and_then(|(raw, rect)| {
                let range = s.snap(raw)?;
                let base = rt.get_bounding_client_rect();
                let x = (rect.left() + rect.width() / 2.0 - base.left()).max(8.0);
                Some(Pending { range, x, y: rect.bottom() - base.top() + 8.0 })
            });
            drop(s);
            dispatch.emit(Action::Select(pending));
        },
    );

    // The API's `select`: the range becomes the article's selection, then the pending
    // selection as any selection does (the toolbar at its place).
    {
        let (session, article, gesture) = (props.session.clone(), article.clone(), on_selection_gesture.clone());
        use_effect_with(state.to_select, move |to_select| {
            if let (Some((r, _)), Some(art)) = (to_select, article.cast::<web_sys::HtmlElement>()) {
                let _ = art.focus();
                let selected = dom::select_range(&session.read().doc, &art, *r);
                if selected {
                    gesture.emit(());
                }
            }
        });
    }
    {
        let bridge = props.bridge.clone();
        let dispatch = dispatch.clone();
        use_effect_with((), move |_| {
            bridge.connect(dispatch);
            move || bridge.close()
        });
    }
    // Touch and keyboard: a selection made or adjusted without a mouse gesture we see
    // (long-press handles on phones) is picked up from `selectionchange`, debounced,
    // and ignored while a mouse button is down (the mouseup handles that).
    {
        let gesture = on_selection_gesture.clone();
        use_effect_with((), move |_| {
            let doc = web_sys::window().and_then(|w| w.document());
            let listeners = doc.map(|d| {
                let down = Rc::new(std::cell::Cell::new(false));
                let generation = Rc::new(std::cell::Cell::new(0u32));
                let (d1, d2) = (down.clone(), down.clone());
                let press = dom::Listener::new(d.clone().into(), "mousedown", move |_| d1.set(true));
                let release = dom::Listener::new(d.clone().into(), "mouseup", move |_| d2.set(false));
                let change = dom::Listener::new(d.into(), "selectionchange", move |_| {
                    if down.get() {
                        return;
                    }
                    let mine = generation.get().wrapping_add(1);
                    generation.set(mine);
                    let generation = generation.clone();
                    let gesture = gesture.clone();
                    let f = Closure::once_into_js(move || {
                        if generation.get() == mine {
                            gesture.emit(());
                        }
                    });
                    if let Some(w) = web_sys::window() {
                        let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(f.unchecked_ref(), 250);
                    }
                });
                (press, release, change)
            });
            move || drop(listeners)
        });
    }
    // The first render is complete: the widget takes the host's content's place once the
    // browser has laid it out unseen (ui::shell::reveal).
    {
        let host = props.host.clone();
        let session = props.session.clone();
        crate::ui::hooks::use_effect_before_paint((), move |_| {
            if let Some(h) = host.clone() {
                // A frame later: the next frame lays the widget out unseen, the one after
                // shows it (its first layout and first paint are not one long frame).
                dom::next_frame(move || {
                    if crate::ui::shell::reveal(&h) {
                        session.set_shown(true);
                    }
                });
            }
        });
    }
    // The editor closed (Esc, ✕, its annotation deleted) with focus inside it: focus goes
    // back to the article, not to the page's start.
    {
        let article = article.clone();
        let was_open = use_mut_ref(|| false);
        use_effect_with(state.editing.is_some(), move |open| {
            if !*open && was_open.replace(false) {
                if let Some(art) = article.cast::<web_sys::HtmlElement>() {
                    let root = art.get_root_node();
                    let lost = root.dyn_ref::<web_sys::ShadowRoot>().is_some_and(|r| r.active_element().is_none())
                        && art.owner_document().and_then(|d| d.active_element()).is_none_or(|a| a.tag_name() == "BODY" || a.shadow_root().is_some_and(|r| r.contains(Some(&art))));
                    if lost {
                        let _ = art.focus();
                    }
                }
            }
            if *open {
                was_open.replace(true);
            }
        });
    }
    // The store changes from anywhere (the JS API, another tab, the reducer): render.
    // Once at once too if it changed between the first render and this effect.
    {
        let session = props.session.clone();
        let dispatch = dispatch.clone();
        let rendered = state.rev;
        use_effect_with((), move |_| {
            // A change the reducer makes itself is in the state it returns (and Yew's
            // reducer cannot take an action while it runs one); any other is an action.
            let d = dispatch.clone();
            let subscription = session.subscribe(move |_| {
                if !crate::ui::state::reducing() {
                    d.emit(Action::Changed);
                }
            });
            // A change between the first render and now (none, usually: no extra render).
            if session.revision() != rendered {
                dispatch.emit(Action::Changed);
            }
            move || drop(subscription)
        });
    }
    // Persistence: problems as notices, a save after each change, a flush on hide, other
    // tabs' saves merged; and the host's events after each change.
    crate::ui::persist::use_persistence(&persistence, &dispatch, state.rev, read_only, props.host.clone(), &props.session);
    // Flashing (the article view paints and scrolls): stop after a moment.
    {
        let dispatch = dispatch.clone();
        use_effect_with(state.flash.clone(), move |flash| {
            let mut timer = None;
            if flash.is_some() {
                let d = dispatch.clone();
                let f = Closure::once_into_js(move || d.emit(Action::Unflash));
                timer = web_sys::window().and_then(|w| w.set_timeout_with_callback_and_timeout_and_arguments_0(f.unchecked_ref(), 1600).ok());
            }
            move || {
                if let (Some(t), Some(w)) = (timer, web_sys::window()) {
                    w.clear_timeout_with_handle(t);
                }
            }
        });
    }

    let session_ref = props.session.read();
    let schema = session_ref.schema.clone();
    let types = schema.types().to_vec();

    let tag = {
        let session = props.session.clone();
        let pending = state.pending.clone();
        let dispatch = dispatch.clone();
        let user = props.user.clone();
        Callback::from(move |choice: TagChoice| {
            let Some(p) = pending.as_ref() else { return };
            let s = session.read();
            let id = dom::random_id();
            let (body, open, all) = match choice {
                TagChoice::Entity(t) => (Body::Entity(t), None, false),
                TagChoice::EveryMention(t) => (Body::Entity(t), None, true),
                TagChoice::Claim => (Body::Claim(Claim::default()), Some(id.clone()), false),
            };
            let Some(a) = s.new_annotation(id, p.range, body, dom::now(), user.clone()) else { return };
            drop(s);
            dom::clear_selection();
            dispatch.emit(if all { Action::TagAll(a) } else { Action::Apply(Edit::Add(a), open) });
        })
    };
    let cancel = {
        let dispatch = dispatch.clone();
        Callback::from(move |()| {
            dom::clear_selection();
            dispatch.emit(Action::Select(None));
        })
    };

    let onkeydown = {
        let dispatch = dispatch.clone();
        let tag = tag.clone();
        let cancel = cancel.clone();
        let pending = state.pending.is_some();
        let editing = state.editing.is_some();
        let current = state.current.clone();
        let suggestion = state.suggestion;
        let session = props.session.clone();
        let article = article.clone();

        Callback::from(move |e: KeyboardEvent| {
            let key = e.key();
            let in_article = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .is_some_and(|t| t.closest(".aa-article").ok().flatten().is_some());
            let code = e.code();
            let k = keymap::Key { key: &key, code: &code, ctrl: e.ctrl_key() || e.meta_key(), shift: e.shift_key(), alt: e.alt_key(), in_text_field: in_text_field(&e), in_article };
            let command = {
                let s = session.read();
                let cx = keymap::Context {
                    pending, editing, cursor: current.as_ref(), read_only, schema: &s.schema,
                    suggestions: !s.suggestions().is_empty(), on_suggestion: suggestion.is_some_and(|r| s.suggestions().at(r).is_some()),
                };
                keymap::command(&k, &cx)
            };
            let Some(command) = command else { return };
            if command.prevents_default() {
                e.prevent_default();
            }
            match command {
                Command::Undo => dispatch.emit(Action::Undo),
                Command::Redo => dispatch.emit(Action::Redo),
                Command::CancelSelection => cancel.emit(()),
                Command::CloseEditor => dispatch.emit(Action::OpenEditor(None)),
                Command::ClearCursor => dispatch.emit(Action::Cursor(None)),
                Command::MoveCursor { forward } => {
                    let s = session.read();
                    let order: Vec<&AnnotationId> = s.annotations().in_reading_order().into_iter().filter(|a| !a.is_orphan()).map(|a| &a.id).collect();
                    let next = keymap::cursor_step(&order, current.as_ref(), forward).cloned();
                    drop(s);
                    dispatch.emit(Action::Cursor(next));
                }
                Command::OpenCursor => dispatch.emit(Action::OpenEditor(current.clone())),
                Command::ExtendSelection { .. } => {
                    if let Some(art) = article.cast::<web_sys::Element>() {
                        if extend_selection(&art, &key) {
                            e.prevent_default();
                        }
                    }
                }
                Command::TagEntity(t) => tag.emit(TagChoice::Entity(t)),
                Command::TagEntityAll(t) => tag.emit(TagChoice::EveryMention(t)),
                Command::TagClaim => tag.emit(TagChoice::Claim),
                Command::SuggestMentions => {
                    if let Some(id) = current.clone() {
                        dispatch.emit(Action::Suggest(id));
                    }
                }
                Command::MoveSuggestion { forward } => {
                    let s = session.read();
                    let order: Vec<CharRange> = s.suggestions().list().iter().map(|x| x.range).collect();
                    let next = keymap::cursor_step(&order.iter().collect::<Vec<_>>(), suggestion.as_ref(), forward).copied();
                    drop(s);
                    dispatch.emit(Action::SuggestionCursor(next));
                }
                Command::Find => {
                    if let Some(input) = article.cast::<web_sys::Element>().and_then(|a| a.closest(".aa-root").ok().flatten()).and_then(|r| r.query_selector(".aa-find-input").ok().flatten()).and_then(|i| i.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                        let _ = input.focus();
                        input.select();
                    }
                }
                Command::AcceptSuggestion => {
                    if let Some(r) = suggestion {
                        dispatch.emit(Action::Accept(Which::At(vec![r])));
                    }
                }
                Command::RejectSuggestion => {
                    if let Some(r) = suggestion {
                        dispatch.emit(Action::Reject(Which::At(vec![r])));
                    }
                }
            }
        })
    };

    let on_open = use_callback(dispatch.clone(), |id: AnnotationId, dispatch| dispatch.emit(Action::OpenEditor(Some(id))));
    let on_pick = use_callback(dispatch.clone(), |id: AnnotationId, dispatch| {
        dispatch.emit(Action::OpenEditor(Some(id.clone())));
        dispatch.emit(Action::Flash(id));
    });
    let on_export = use_callback((props.session.clone(), dispatch.clone()), |format: Format, (session, dispatch)| files::download(session, format, dispatch));
    let on_import = use_callback((props.session.clone(), dispatch.clone()), |list: Vec<web_sys::File>, (session, dispatch)| {
        files::import_files(list, session.clone(), dispatch.clone())
    });
    // Find: the next whole-word occurrence after the pending selection becomes the
    // pending selection, and focus goes to the article, where the keys tag it.
    let last_found = use_mut_ref(|| None::<crate::core::offset::CharOffset>);
    let on_find = {
        let (session, dispatch, article) = (props.session.clone(), dispatch.clone(), article.clone());
        let pending = state.pending.as_ref().map(|p| p.range.start());
        let last_found = last_found.clone();
        Callback::from(move |q: String| {
            // After the pending selection, or the last one found (tagged since).
            let after = pending.or(*last_found.borrow());
            let found = crate::core::mentions::find_next(&session.read().doc, &q, after);
            match found {
                Some((range, n, of)) => {
                    *last_found.borrow_mut() = Some(range.start());
                    dispatch.emit(Action::SelectText(range));
                    dispatch.emit(Action::Said(format!("Found “{}”, {n} of {of}. Press 1 to 6 or C to tag it; / then Enter finds the next.", q.trim())));
                    if let Some(a) = article.cast::<web_sys::HtmlElement>() {
                        let _ = a.focus();
                    }
                }
                None if q.trim().is_empty() => {}
                None => dispatch.emit(Action::Said(format!("“{}” is not in the article as a whole word.", q.trim()))),
            }
        })
    };
    let on_undo = use_callback(dispatch.clone(), |(), dispatch| dispatch.emit(Action::Undo));
    let on_redo = use_callback(dispatch.clone(), |(), dispatch| dispatch.emit(Action::Redo));
    let ondragover = Callback::from(|e: DragEvent| e.prevent_default());
    let ondrop = {
        let on_import = on_import.clone();
        Callback::from(move |e: DragEvent| {
            let list = files::file_list(e.data_transfer().and_then(|d| d.files()));
            if !list.is_empty() {
                e.prevent_default();
                on_import.emit(list);
            }
        })
    };

    let expanded = use_state(std::collections::HashSet::<String>::new);
    // The panel's groups, worked out from the last ones when only adds happened since
    // (`panel_since`): the groups an add did not touch keep the same shared rows, so the
    // panel skips them.
    let last_panel = use_mut_ref(|| None::<(u64, std::collections::HashSet<String>, Rc<PanelData>)>);
    let mine_only = use_state(|| false);
    let me = props.user.clone().filter(|_| state.sync.is_some());
    let data = if let (true, Some(me)) = (*mine_only, &me) {
        Rc::new(crate::core::panel::panel_by(&session_ref, me, &expanded))
    } else {
        let mut last = last_panel.borrow_mut();
        let rev = session_ref.revision();
        match &*last {
            Some((at, exp, d)) if *at == rev && *exp == *expanded => d.clone(),
            _ => {
                let since = last.as_ref().filter(|(_, exp, _)| *exp == *expanded).map(|(at, _, d)| (*at, &**d));
                let d = Rc::new(panel_since(&session_ref, since, &expanded));
                *last = Some((rev, (*expanded).clone(), d.clone()));
                d
            }
        }
    };
    let on_expand = use_callback(expanded.clone(), |key: String, expanded| {
        let mut set = (**expanded).clone();
        set.insert(key);
        expanded.set(set);
    });
    // The entities (mentions that name one thing), worked out once a revision: for the
    // panel's list (those of several mentions, or linked), the editor and the claimants.
    let entities = {
        let store = props.session.clone();
        let schema = schema.clone();
        use_memo(state.rev, move |_| {
            let s = store.read();
            let set = s.annotations();
            let list = if set.iter().any(|a| a.entity.is_some()) { crate::core::entities::entities(set) } else { Vec::new() };
            let rows: Vec<EntityRow> = list
                .iter()
                .filter(|e| e.mentions.len() > 1 || e.linked())
                .filter_map(|e| {
                    let label = schema.label(&e.type_id).to_string();
                    Some(EntityRow { first: e.mentions.first()?.clone(), type_label: label, type_id: e.type_id.clone(), label: e.label.clone(), mentions: e.mentions.len(), link: e.linked().then(|| e.iri.clone()) })
                })
                .collect();
            (list, Rc::new(rows))
        })
    };
    // The suggestions' rows (with their context), worked out once per version of the list.
    let suggestion_rows = {
        let (store, schema) = (props.session.clone(), schema.clone());
        use_memo(state.srev, move |_| {
            let s = store.read();
            Rc::new(crate::core::mentions::rows(&s.doc, &schema, s.suggestions().list(), crate::ui::components::suggestions::SHOWN))
        })
    };
    let editor = state.editing.as_ref().and_then(|id| session_ref.annotations().get(id)).map(|a| {
        let claimants: Vec<ClaimantOption> = crate::core::editor::claimant_options(&session_ref, &entities.0, a.claim().and_then(|c| c.claimant.as_ref())).into_iter().map(|(id, text)| ClaimantOption { id, text }).collect();
        let also_here = crate::core::editor::also_here(&session_ref, a);
        // An orphan can be attached to the text the reader has selected.
        let attach_to = state.pending.as_ref().filter(|_| a.is_orphan()).and_then(|p| crate::core::editor::attach(&session_ref, a, p.range, dom::now()));
        let on_edit = dispatch.reform(|e: Edit| Action::Apply(e, None));
        let on_close = dispatch.reform(|()| Action::OpenEditor(None));
        let conflicts: Vec<(String, crate::core::model::Annotation)> = state
            .conflicts
            .iter()
            .filter(|c| c.id == a.id)
            .flat_map(|c| c.lost.iter().map(|l| crate::core::editor::conflict_note(&session_ref, a, l, c.by.as_deref())).collect::<Vec<_>>())
            .collect();
        let id = a.id.clone();
        let on_dismiss = dispatch.reform(move |i: usize| Action::DismissConflict(id.clone(), i));
        // An entity mention: its entity, and the changes to it as edits.
        let entity = (!a.body.is_claim()).then(|| {
            let of = crate::core::entities::of(&entities.0, a);
            EntityView {
                iri: a.entity.clone(),
                label: of.map_or_else(|| a.target.quote.exact().to_string(), |e| e.label.clone()),
                mentions: of.map_or(1, |e| e.mentions.len()),
                join_to: crate::core::entities::join_options(session_ref.annotations(), &entities.0, a, 50),
            }
        });
        let on_entity = {
            let (session, dispatch, id) = (props.session.clone(), dispatch.clone(), a.id.clone());
            Callback::from(move |change: EntityChange| {
                let s = session.read();
                let set = s.annotations();
                let Some(a) = set.get(&id) else { return };
                let (now, minted) = (dom::now(), dom::random_id());
                let edit = match change {
                    EntityChange::Split => crate::core::entities::split(set, a, now),
                    EntityChange::Join(other) => match set.get(&other) {
                        Some(o) => crate::core::entities::join(set, a, o, minted.as_str(), now),
                        None => return,
                    },
                    EntityChange::Link(iri) => crate::core::entities::link(set, a, iri.as_deref(), minted.as_str(), now),
                };
                drop(s);
                if !matches!(&edit, Edit::Batch(v) if v.is_empty()) {
                    dispatch.emit(Action::Apply(edit, None));
                }
            })
        };
        html! { <Editor annotation={a.clone()} schema={schema.clone()} {claimants} {also_here} {on_edit} on_open={on_open.clone()} {on_close} read_only={read_only} {attach_to} {conflicts} {on_dismiss} {entity} {on_entity} lookup={props.lookup.clone()} /> }
    });
    // What the keyboard cursor is on, for screen readers (highlights are not elements);
    // after a change of the reader's own, what it did.
    let announcement = state.current.as_ref().and_then(|id| session_ref.annotations().get(id)).map(|a| {
        let label = match &a.body {
            Body::Entity(t) => schema.label(t).to_string(),
            Body::Claim(c) => format!("Claim, {}", schema.verdict_label(c.verdict).to_lowercase()),
        };
        format!("{label}: {}. Press Enter to edit.", a.target.quote.exact())
    });
    let entity_list = html! { <Entities rows={entities.1.clone()} on_pick={on_pick.clone()} /> };
    // The other mentions on offer.
    let suggestions = {
        let list = session_ref.suggestions();
        let rows = (*suggestion_rows).clone();
        let in_view = {
            let session = props.session.clone();
            let article = article.clone();
            let dispatch = dispatch.clone();
            Callback::from(move |()| {
                let Some(art) = article.cast::<web_sys::Element>() else { return };
                let s = session.read();
                let seen: Vec<CharRange> = s.suggestions().list().iter().map(|x| x.range).filter(|&r| dom::in_view(&s.doc, &art, r)).collect();
                drop(s);
                dispatch.emit(if seen.is_empty() { Action::Notify(Notice::info("None of the suggestions is in view: scroll to them, or accept them all.")) } else { Action::Accept(Which::At(seen)) });
            })
        };
        (!read_only).then(|| html! {
            <Suggestions {rows} total={list.len()} current={state.suggestion} any_case={state.any_case}
                on_accept={dispatch.reform(Action::Accept)} on_reject={dispatch.reform(Action::Reject)}
                on_dismiss={dispatch.reform(|()| Action::DismissSuggestions)} on_in_view={in_view}
                on_show={dispatch.reform(|r: CharRange| Action::SuggestionCursor(Some(r)))} on_any_case={dispatch.reform(Action::AnyCase)} />
        })
    };
    let announcement = announcement.or_else(|| {
        let r = state.suggestion?;
        let sug = session_ref.suggestions().at(r)?;
        Some(format!("Suggested {}: {}. Press Y to accept, N to reject.", schema.label(&sug.type_id), session_ref.doc.slice(r)?))
    });
    let can_undo = session_ref.can_undo();
    let can_redo = session_ref.can_redo();
    drop(session_ref);

    // The header's status: the team sync's, or where this browser's storage stands.
    let status = state.sync.clone().or_else(|| {
        (props.local_save && !read_only).then(|| if !persistence.saving() {
            crate::ui::team::SyncView { text: "Not saved in this browser".into(), kind: "error" }
        } else if state.saved == state.rev {
            crate::ui::team::SyncView { text: "Saved in this browser".into(), kind: "synced" }
        } else {
            crate::ui::team::SyncView { text: "Saving…".into(), kind: "syncing" }
        })
    });
    let notice = state.notice.as_ref().map(|n| {
        let (class, role) = match n.level {
            Level::Info => ("aa-notice aa-info", "status"),
            Level::Warning => ("aa-notice aa-warning", "alert"),
            Level::Error => ("aa-notice aa-error", "alert"),
        };
        let close = dispatch.reform(|_: MouseEvent| Action::Notify(None));
        let download = n.download.clone().map(|(name, content)| {
            let dispatch = dispatch.clone();
            let onclick = Callback::from(move |_: MouseEvent| {
                if let Err(e) = dom::download(&name, "application/json", content.as_bytes()) {
                    dispatch.emit(Action::Notify(Notice::error(format!("The download could not start: {}", dom::describe(&e)))));
                }
            });
            html! { <button type="button" class="aa-notice-download" {onclick}>{"Download the damaged data"}</button> }
        });
        html! {
            <div {class} role={role}>
                <span>{&n.text}</span>
                {download}
                <button type="button" class="aa-icon" onclick={close} aria-label="Dismiss message">{"✕"}</button>
            </div>
        }
    });
    let toolbar = state.pending.clone().map(|p| html! { <SelectionToolbar pending={p} types={types.clone()} on_tag={tag.clone()} on_cancel={cancel.clone()} /> });

    let (ondragover, ondrop) = if read_only { (None, None) } else { (Some(ondragover), Some(ondrop)) };
    html! {
        <ContextProvider<Rc<Theme>> context={props.theme.clone()}>
        <div class={classes!("aa-root", read_only.then_some("aa-read-only"))} ref={root} data-rev={state.rev.to_string()}
            data-highlights={props.theme.prefix.clone()} {onkeydown} {ondragover} {ondrop}>
            <Header types={types.clone()} {can_undo} {can_redo} {on_undo} {on_redo} {on_export} {on_import} read_only={read_only} sync={status} {on_find} />
            <div class="aa-notices" aria-live="polite">{notice}</div>
            <div class="aa-body">
                <ArticleView session={props.session.clone()} rev={state.rev} srev={state.srev} suggestion={state.suggestion} flash={state.flash.clone()} current={state.current.clone()}
                    pending={state.pending.as_ref().map(|p| p.range)} article_ref={article} theme={props.theme.clone()}
                    {on_selection_gesture} {on_open} on_suggestion={dispatch.reform(|r: CharRange| Action::SuggestionCursor(Some(r)))} />
                <Panel {data} selected={state.editing.clone()} {on_pick} {on_expand} keys={types.iter().map(|t| t.key).collect::<Vec<char>>()} read_only={read_only} show_authors={state.sync.is_some()}
                    mine_only={me.as_ref().map(|_| *mine_only)} on_mine_only={{ let m = mine_only.clone(); Callback::from(move |v: bool| m.set(v)) }}>{editor}{suggestions}{entity_list}</Panel>
            </div>
            <div class="aa-overlay">{toolbar}</div>
            <div class="aa-sr" aria-live="polite">{state.said.clone().or(announcement).unwrap_or_default()}</div>
        </div>
        </ContextProvider<Rc<Theme>>>
    }
}
