//! The widget's start, rehearsed on a two-sentence article before the real one, in
//! tasks and frames of their own, once per page: so that no step of a widget's start is
//! one long task (issue 18: none over 50 ms at 4× CPU throttling on a CMS page).
//!
//! Two costs made the first widget's start long, and neither depends on the article:
//! - V8 compiles a wasm module lazily: each function is compiled, on the main thread,
//!   the first time it is called. Half of `mount`'s task and of the first render's
//!   was compiling (docs/PERFORMANCE.md).
//! - The browser's first style and layout of the widget (its stylesheet's rules
//!   indexed, its fonts at each size opened, its form controls built) cost the frame
//!   after the first render about as much as laying out the widget itself.
//!
//! So, on a page that asks for it (`warmUp` in the JS API, which `element.js` calls: a
//! page of its own may rather have its first render a few frames sooner):
//! 1. [`mount_parts`] (`warmUp`, once the module is loaded, a task before the first
//!    `mount`) runs what `mount` does: the host's HTML read and sanitized, annotations
//!    written in the stored form, read back and anchored by persistence (from memory,
//!    never the page's storage), the theme.
//! 2. [`then`], called by `mount` with the real render, runs four tasks and three frames:
//!    a small Yew tree (Yew's own code: the scheduler, tags, attributes, listeners, a
//!    keyed list, a state hook); then [`App`] with no annotations, on an element that
//!    is not in the page; then [`App`] with an entity and a claim on a
//!    [`stage`](crate::ui::shell::stage) in the host's shadow root (laid out, never
//!    painted, `inert`), its header, panel and article shown one frame each; then both
//!    destroyed, and the real render in the task after.
//!
//! It is the same [`App`], not a copy of its start path, so nothing here has to be kept
//! in step with the components.
//!
//! Invariants: a rehearsal touches nothing of the page or of any widget: its sessions,
//! storage (in memory), bridges and themes are its own, no host element hears of it,
//! its stage moves and shows nothing; it is destroyed, with its listeners, highlights
//! and stage, before the first real render runs. Renders asked for while it runs wait
//! for it and run in the order asked, each in a task of its own.

use crate::core::document::Document;
use crate::core::edit::Edit;
use crate::core::model::{AnnotationId, Body, Claim};
use crate::core::offset::CharRange;
use crate::core::schema::Schema;
use crate::core::session::Session;
use crate::store::AnnotationStore;
use crate::ui::app::{App, AppProps};
use crate::ui::dom::{after_frame, later, now};
use crate::ui::persist::StorageChoice;
use crate::ui::shell::{Stage, STAGE_PARTS};
use crate::ui::state::Bridge;
use crate::ui::theme::Theme;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use web_sys::Element;

type Waiting = Vec<Box<dyn FnOnce()>>;

/// Where this page's rehearsal of the render is.
enum State {
    NotYet,
    /// Running; the renders asked for meanwhile.
    Running(Waiting),
    Done,
}

thread_local! {
    static STATE: RefCell<State> = const { RefCell::new(State::NotYet) };
    static MOUNTED: Cell<bool> = const { Cell::new(false) };
}

/// The rehearsal's article: a person, and a claim they make.
const TEXT: &str = "Anna Berg said the river rose two metres overnight.";

/// Runs `render` in a task of its own: after the rehearsal if the page asked for one
/// ([`mount_parts`] has run) and has not had it (or once the one under way is over), in
/// the next task if not. `host` is the widget's element, its shadow root open
/// ([`crate::ui::shell::Shell::open`]): the rehearsal's stage goes there.
pub fn then(host: Option<&Element>, schema: &Schema, render: impl FnOnce() + 'static) {
    let start = STATE.with(|s| {
        let mut s = s.borrow_mut();
        match &mut *s {
            State::Done => {
                later(render);
                false
            }
            State::Running(waiting) => {
                waiting.push(Box::new(render));
                false
            }
            // Only where the page asked for it (`warmUp`): it costs the first render a few
            // frames, which a page of its own may rather not pay.
            State::NotYet if !MOUNTED.with(Cell::get) => {
                later(render);
                false
            }
            State::NotYet => {
                *s = State::Running(vec![Box::new(render)]);
                true
            }
        }
    });
    if !start {
        return;
    }
    let (schema, host) = (schema.clone(), host.cloned());
    later(move || {
        let yew_only = web_sys::window().and_then(|w| w.document()).and_then(|d| d.create_element("div").ok()).map(|root| yew::Renderer::<Primer>::with_root(root).render());
        later(move || {
            let bare = render_app(&schema, None);
            if let Some(y) = yew_only {
                y.destroy();
            }
            later(move || {
                let theme = Rc::new(Theme::new(&schema));
                let stage = host.as_ref().and_then(|h| crate::ui::shell::stage(h, &theme.css(&schema)));
                let staged = render_app(&schema, Some((theme, stage)));
                let container = staged.as_ref().and_then(|s| s.container.clone());
                show(container, 0, move || {
                    drop(bare);
                    drop(staged);
                    finish();
                });
            });
        });
    });
}

/// Whether this page's rehearsal of the render is over (renders asked for from now on
/// run in the next task).
pub fn is_over() -> bool {
    STATE.with(|s| matches!(*s.borrow(), State::Done))
}

/// The rehearsal is over: the renders waiting run, each in a task of its own, in order.
fn finish() {
    let waiting = STATE.with(|s| match std::mem::replace(&mut *s.borrow_mut(), State::Done) {
        State::Running(w) => w,
        _ => Vec::new(),
    });
    for f in waiting {
        later(f);
    }
}

/// Shows the stage's parts ([`STAGE_PARTS`]) one frame each, from `part` on, then runs
/// `done` in the task after the last one's frame. Without a stage, `done` in the next task.
fn show(container: Option<Element>, part: usize, done: impl FnOnce() + 'static) {
    let Some(c) = container else { return later(done) };
    after_frame(move || match STAGE_PARTS.get(part) {
        Some((class, _)) => {
            let _ = c.class_list().remove_1(class);
            show(Some(c), part + 1, done);
        }
        None => done(),
    });
}

/// Yew's own code, before [`App`]'s: tags, text, attributes, a listener, a keyed list,
/// classes, a state hook, an input.
#[yew::function_component]
fn Primer() -> yew::Html {
    let pressed = yew::use_state(|| false);
    let onclick = {
        let pressed = pressed.clone();
        yew::Callback::from(move |_: yew::MouseEvent| pressed.set(true))
    };
    yew::html! {
        <div class="aa-primer" role="group" aria-label="primer">
            <button type="button" {onclick} disabled={*pressed}>{ "a" }</button>
            <ul>{ for (0..3u8).map(|i| yew::html! { <li key={i} class={yew::classes!("x", (i > 0).then_some("y"))}>{ i }</li> }) }</ul>
            <input type="text" value="" />
        </div>
    }
}

/// A rendered rehearsal; dropping it destroys it.
struct Rehearsal {
    app: Option<yew::AppHandle<App>>,
    stage: Option<Element>,
    /// What it is rendered into, on a stage.
    container: Option<Element>,
}

impl Drop for Rehearsal {
    fn drop(&mut self) {
        if let Some(app) = self.app.take() {
            app.destroy();
        }
        if let Some(s) = &self.stage {
            s.remove();
        }
    }
}

/// Renders [`App`] for [`TEXT`]: without `staged`, with no annotations and on an element
/// that is not in the page; with it, with an entity and a claim and the theme given, on
/// the stage if there is one (the stage's own container), else on an element not in the
/// page. `None` if the schema has no entity type or there is no document.
fn render_app(schema: &Schema, staged: Option<(Rc<Theme>, Option<Stage>)>) -> Option<Rehearsal> {
    let store = AnnotationStore::new(Session::new(String::new(), Document::from_plain_text(TEXT), schema.clone()));
    if staged.is_some() {
        annotate(&store)?;
    }
    let (theme, stage) = staged.unwrap_or_else(|| (Rc::new(Theme::new(schema)), None));
    let (stage, container, root) = match stage {
        Some(Stage { element, container }) => (Some(element), Some(container.clone()), container),
        None => (None, None, web_sys::window()?.document()?.create_element("div").ok()?),
    };
    let persistence = crate::ui::persist::open(StorageChoice::None, store.clone(), false);
    drop(store.take_changes());
    let props = AppProps { session: store, persistence, user: None, bridge: Bridge::default(), theme, host: None, read_only: false, lookup: None, local_save: false };
    Some(Rehearsal { app: Some(yew::Renderer::<App>::with_root_and_props(root, props).render()), stage, container })
}

/// Tags the person in [`TEXT`] (wherever the session's text has it) with the schema's
/// first type, and the claim they make, through the store.
fn annotate(store: &AnnotationStore) -> Option<()> {
    let edit = {
        let session = store.read();
        let text = session.doc.text();
        let at = |part: &str| {
            let start = text.find(part)?;
            let chars = text[..start].chars().count();
            CharRange::from_usize(chars, chars + part.chars().count())
        };
        let (name, said) = (at("Anna Berg")?, at("the river rose two metres overnight")?);
        let kind = session.schema.types().first()?.id.clone();
        let who = AnnotationId::new("urn:uuid:00000000-0000-4000-8000-000000000001")?;
        let what = AnnotationId::new("urn:uuid:00000000-0000-4000-8000-000000000002")?;
        let person = session.new_annotation(who.clone(), name, Body::Entity(kind), now(), None)?;
        let claim = session.new_annotation(what, said, Body::Claim(Claim { claimant: Some(who), ..Claim::default() }), now(), None)?;
        Edit::Batch(vec![Edit::Add(person), Edit::Add(claim)])
    };
    store.apply(edit).ok()
}

/// What `mount` does before its first render, rehearsed on [`TEXT`] as a host's HTML:
/// the HTML read and sanitized, the annotations written in the stored form, read back
/// and anchored by persistence (from memory, never the page's storage), the theme's
/// styles. Once per page (later calls return at once); nothing of it is kept. Returns
/// how many annotations persistence read back and anchored (2; 0 if it did not run).
pub fn mount_parts(schema: &Schema) -> usize {
    use crate::storage::Store;
    if MOUNTED.with(|m| m.replace(true)) {
        return 0;
    }
    let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.create_element("div").ok()) else { return 0 };
    // An element not in the page, and markup without images or scripts: nothing loads.
    el.set_inner_html(&format!("<h1>Rehearsal</h1><p>{TEXT}</p>"));
    let doc = crate::core::sanitize::document_from_html(&crate::ui::shell::html_nodes(&el));
    let first = AnnotationStore::new(Session::new(String::new(), doc.clone(), schema.clone()));
    if annotate(&first).is_none() {
        return 0;
    }
    let memory = crate::storage::MemoryStore::default();
    if memory.set(&crate::storage::key_for(""), &crate::core::format::stored::to_string("", first.read().annotations())).is_err() {
        return 0;
    }
    let session = AnnotationStore::new(Session::new(String::new(), doc, schema.clone()));
    let _ = crate::persist::Persistence::open(Box::new(memory), true, session.clone(), true, Box::new(now));
    let theme = Theme::new(schema);
    let _ = (theme.css(schema), theme.paint_style(schema));
    let read = session.read();
    read.annotations().iter().filter(|a| !a.is_orphan()).count()
}
