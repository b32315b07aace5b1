//! The article: drawn once from [`article_html`] (escaped markup the browser parses in one
//! go), with highlights painted over it by the
//! [`HighlightLayer`](crate::ui::highlights::HighlightLayer).
//!
//! The markup is set once, when the view mounts, so the article never re-renders; an
//! edit changes only the highlight ranges it touches.
//! Clicks and hovering are hit-tested by caret position (`caretPositionFromPoint` to a
//! document offset to the annotations covering it), since highlights are not elements.
//!
//! Only the annotations near the viewport are painted (see
//! [`crate::ui::highlights`]); the view moves that band as the page scrolls or resizes.
//!
//! Invariant: a block element holds exactly the block's text in its text nodes (see
//! [`crate::ui::dom`]), and its text and structure never change after the first render
//! (the only change is the `aa-over` class on the block under the pointer). The article
//! element's own style never depends on focus or hover: a change to it would recompute
//! the style of every block.

use crate::core::document::Document;
use crate::core::html::article_html;
use crate::core::model::{AnnotationId, Body};
use crate::core::offset::{Bias, CharOffset, CharRange};
use crate::ui::dom;
use crate::ui::hooks::use_effect_before_paint;
use crate::ui::highlights::{HighlightLayer, CURRENT, FLASH, PENDING};

/// The class of the block under the pointer while it is over a highlight.
const OVER: &str = "aa-over";
use crate::store::AnnotationStore;
use crate::ui::theme::Theme;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ArticleViewProps {
    pub session: AnnotationStore,
    pub rev: u64,
    /// The version of the suggestions on offer.
    #[prop_or_default]
    pub srev: u64,
    /// The suggestion under the keyboard cursor.
    #[prop_or_default]
    pub suggestion: Option<CharRange>,
    pub flash: Option<(AnnotationId, u32)>,
    /// The keyboard cursor's annotation.
    pub current: Option<AnnotationId>,
    /// The snapped selection waiting for a type, shown as it will be tagged.
    pub pending: Option<CharRange>,
    pub article_ref: NodeRef,
    pub theme: Rc<Theme>,
    /// The reader finished a selection gesture (mouse up, key up, touch end).
    pub on_selection_gesture: Callback<()>,
    /// The reader clicked a highlight: the innermost annotation there.
    pub on_open: Callback<AnnotationId>,
    /// The reader clicked a suggestion (where no annotation is).
    #[prop_or_default]
    pub on_suggestion: Callback<CharRange>,
}

/// The document offset under a viewport point, if it is in the article's text.
fn offset_at(doc: &Document, article: &web_sys::Element, x: f64, y: f64) -> Option<CharOffset> {
    let (node, offset) = dom::caret_at(article, x, y)?;
    if !article.contains(Some(&node)) || node.node_type() != web_sys::Node::TEXT_NODE {
        return None;
    }
    dom::point_to_char(doc, article, &node, offset, Bias::Backward)
}

/// The annotations under a viewport point, innermost first.
fn hit(session: &AnnotationStore, article: &web_sys::Element, x: f64, y: f64) -> Vec<(AnnotationId, String)> {
    let s = session.read();
    let Some(at) = offset_at(&s.doc, article, x, y) else { return Vec::new() };
    let Some(point) = CharRange::new(at, CharOffset(at.0 + 1)) else { return Vec::new() };
    s.covering(point)
        .into_iter()
        .filter(|a| a.target.range.is_some_and(|r| r.start() <= at && at < r.end()))
        .map(|a| {
            let label = match &a.body {
                Body::Entity(t) => s.schema.label(t).to_string(),
                Body::Claim(c) => format!("Claim ({})", s.schema.verdict_label(c.verdict).to_lowercase()),
            };
            (a.id.clone(), label)
        })
        .collect()
}

#[derive(Clone, PartialEq)]
struct Tip {
    text: String,
    x: f64,
    y: f64,
}

#[component]
pub fn ArticleView(props: &ArticleViewProps) -> Html {
    // The markup goes into the article element once, before the first paint (and before
    // the highlights, which are queued after it); Yew renders the element empty and never
    // touches its children. The markup string is dropped at once: kept as Yew's raw HTML
    // it held 0.7 MB of wasm memory at 100,000 words (measured).
    {
        let session = props.session.clone();
        let article = props.article_ref.clone();
        use_effect_before_paint((), move |_| {
            if let Some(el) = article.cast::<web_sys::Element>() {
                el.set_inner_html(&article_html(&session.read().doc));
            }
        });
    }
    let layer: Rc<RefCell<Option<HighlightLayer>>> = use_mut_ref(|| None);
    let tip = use_state(|| None::<Tip>);
    // Hover is looked at only when the pointer moved with no button down: no tooltip
    // while a selection is dragged (each change of it is a style change, after which
    // Chromium rebuilds every highlight's markers), and none for the mouse move Chromium
    // sends, at the same point, after a layout change. A scroll moves the text under the
    // pointer, so the move after it is looked at even at the same point.
    let last_point: Rc<RefCell<Option<(f64, f64)>>> = use_mut_ref(|| None);
    let tip_ref = use_node_ref();

    // Paint after every change of the annotations; unpaint when the widget goes away.
    {
        let layer = layer.clone();
        let session = props.session.clone();
        let article = props.article_ref.clone();
        let theme = props.theme.clone();
        use_effect_before_paint(props.rev, move |_| {
            let mut l = layer.borrow_mut();
            if l.is_none() {
                // Not for an article already gone (a widget destroyed in the batch that
                // made it): its ranges would stay in the page's highlight registry.
                *l = article.cast::<web_sys::Element>().filter(|a| a.is_connected()).map(|a| HighlightLayer::new(a, theme.clone()));
            }
            if let Some(l) = l.as_mut() {
                let s = session.read();
                l.sync(&s);
                session.set_painted(s.revision());
            }
        });
    }
    // The suggestions on offer, after the annotations (which may have taken some).
    {
        let layer = layer.clone();
        let session = props.session.clone();
        use_effect_before_paint((props.rev, props.srev), move |_| {
            if let Some(l) = layer.borrow_mut().as_mut() {
                l.sync_suggestions(&session.read());
            }
        });
    }
    {
        let layer = layer.clone();
        use_effect_with((), move |_| {
            move || {
                if let Some(l) = layer.borrow_mut().as_mut() {
                    l.clear();
                }
            }
        });
    }
    // Only annotations near the viewport are painted: move that band when the page (or
    // any element in it) scrolls, the window resizes, or the article's own size changes
    // (fonts, a narrower column, blocks laid out for the first time); paint everything
    // while printing.
    {
        let layer = layer.clone();
        let session = props.session.clone();
        let article = props.article_ref.clone();
        let last_point = last_point.clone();
        use_effect_with((), move |_| {
            // Runs `f` on the layer and the session. An event never arrives inside a
            // borrow, but do not trust that with a panic.
            let with_layer = move |f: &dyn Fn(&mut HighlightLayer, &crate::core::session::Session)| {
                if let (Ok(mut l), Ok(s)) = (layer.try_borrow_mut(), session.try_read().ok_or(())) {
                    if let Some(l) = l.as_mut() {
                        f(l, &s);
                    }
                }
            };
            let follow = {
                let with_layer = with_layer.clone();
                move || with_layer(&|l, s| l.follow_view(s))
            };
            let printing = move |on: bool| with_layer(&|l, s| l.set_everything(on, s));
            let mut guards = Vec::new();
            let mut observer = None;
            if let Some(w) = web_sys::window() {
                let (f1, f2, f3) = (follow.clone(), follow.clone(), follow.clone());
                let (p1, p2) = (printing.clone(), printing);
                guards.push(dom::Listener::capturing(w.clone().into(), "scroll", move |_| {
                    last_point.replace(None);
                    f1()
                }));
                guards.push(dom::Listener::new(w.clone().into(), "resize", move |_| f2()));
                guards.push(dom::Listener::new(w.clone().into(), "beforeprint", move |_| p1(true)));
                guards.push(dom::Listener::new(w.into(), "afterprint", move |_| p2(false)));
                observer = article.cast::<web_sys::Element>().and_then(|a| dom::SizeObserver::new(&a, f3));
            }
            move || {
                drop(guards);
                drop(observer);
            }
        });
    }
    // The extra highlights: flash, keyboard cursor, pending selection.
    {
        let layer = layer.clone();
        let session = props.session.clone();
        let extras = (props.flash.clone(), props.current.clone(), props.pending, props.rev, props.suggestion);
        use_effect_before_paint(extras, move |(flash, current, pending, _, suggestion)| {
            if let Some(l) = layer.borrow_mut().as_mut() {
                let s = session.read();
                let range_of = |id: &Option<AnnotationId>| id.as_ref().and_then(|id| s.annotations().get(id)).and_then(|a| a.target.range);
                l.set_extra(FLASH, &s.doc, range_of(&flash.as_ref().map(|f| f.0.clone())));
                l.set_extra(CURRENT, &s.doc, range_of(current).or(suggestion.filter(|r| s.suggestions().at(*r).is_some())));
                l.set_extra(PENDING, &s.doc, *pending);
                // Bring the flashed or current annotation into view (the scroll then moves
                // the band of painted annotations to it).
                let target = if flash.is_some() { l.extra_range(FLASH) } else { l.extra_range(CURRENT) };
                if let Some(r) = target {
                    dom::scroll_into_view(r);
                }
            }
        });
    }
    // A change of the annotations hides the tooltip (it may name what is gone); it comes
    // back when the pointer moves.
    {
        let tip = tip.clone();
        use_effect_with(props.rev, move |_| {
            if tip.is_some() {
                tip.set(None);
            }
        });
    }
    // The tooltip follows the pointer; it is placed through the CSSOM (strict-CSP safe).
    {
        let tip_ref = tip_ref.clone();
        use_effect_before_paint((*tip).clone(), move |t| {
            if let (Some(t), Some(el)) = (t, tip_ref.cast::<web_sys::HtmlElement>()) {
                dom::place(&el, t.x, t.y);
            }
        });
    }

    let gesture = props.on_selection_gesture.reform(|_: MouseEvent| ());
    let touch = props.on_selection_gesture.reform(|_: TouchEvent| ());
    let keyup = {
        let cb = props.on_selection_gesture.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.shift_key() || e.key() == "Shift" {
                cb.emit(())
            }
        })
    };
    let onclick = {
        let open = props.on_open.clone();
        let on_suggestion = props.on_suggestion.clone();
        let session = props.session.clone();
        let article = props.article_ref.clone();
        Callback::from(move |e: MouseEvent| {
            let Some(art) = article.cast::<web_sys::Element>() else { return };
            let collapsed = dom::selection_range(&art).is_none_or(|r| r.collapsed());
            if !collapsed || e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).is_some_and(|t| t.closest("a").ok().flatten().is_some()) {
                return;
            }
            if let Some((id, _)) = hit(&session, &art, e.client_x(), e.client_y()).into_iter().next() {
                open.emit(id);
                return;
            }
            let s = session.read();
            let Some(at) = offset_at(&s.doc, &art, e.client_x(), e.client_y()) else { return };
            let list = s.suggestions().list();
            let k = list.partition_point(|x| x.range.end() <= at);
            if let Some(r) = list.get(k).map(|x| x.range).filter(|r| r.start() <= at) {
                drop(s);
                on_suggestion.emit(r);
            }
        })
    };
    // The block under the pointer while it is over a highlight: it, not the article,
    // gets the pointer cursor (a class on the article would recompute the style of every
    // block, 15-20 ms at 100,000 words, on each entry and exit).
    let over: Rc<RefCell<Option<web_sys::Element>>> = use_mut_ref(|| None);
    let set_over = {
        let over = over.clone();
        move |block: Option<web_sys::Element>| {
            let mut cur = over.borrow_mut();
            if *cur == block {
                return;
            }
            if let Some(old) = cur.take() {
                let _ = old.class_list().remove_1(OVER);
            }
            if let Some(b) = &block {
                let _ = b.class_list().add_1(OVER);
            }
            *cur = block;
        }
    };
    let onmousemove = {
        let session = props.session.clone();
        let article = props.article_ref.clone();
        let tip = tip.clone();
        let set_over = set_over.clone();
        let last_point = last_point.clone();
        Callback::from(move |e: MouseEvent| {
            let Some(art) = article.cast::<web_sys::Element>() else { return };
            let (x, y) = (e.client_x(), e.client_y());
            if e.buttons() != 0 || last_point.replace(Some((x, y))) == Some((x, y)) {
                return;
            }
            let here = hit(&session, &art, x, y);
            let block = (!here.is_empty())
                .then(|| e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()))
                .flatten()
                .and_then(|t| t.closest("[data-block]").ok().flatten());
            set_over(block);
            let next = (!here.is_empty()).then(|| {
                let base = art.closest(".aa-root").ok().flatten().map(|r| r.get_bounding_client_rect());
                let (bx, by) = base.map_or((0.0, 0.0), |b| (b.left(), b.top()));
                Tip { text: here.iter().map(|(_, l)| l.as_str()).collect::<Vec<_>>().join(" · "), x: x - bx + 12.0, y: y - by + 18.0 }
            });
            if *tip != next {
                tip.set(next);
            }
        })
    };
    let onmouseleave = {
        let tip = tip.clone();
        let last_point = last_point.clone();
        Callback::from(move |_: MouseEvent| {
            last_point.replace(None);
            set_over(None);
            tip.set(None)
        })
    };
    html! {
        <>
            // The wrapper draws the article's focus ring (annotator.css: the article's own
            // style never changes with focus).
            <div class="aa-column">
                <article class="aa-article" ref={props.article_ref.clone()} tabindex="0"
                    aria-label="Article text. Select words, then press 1 to 6 for an entity type or C for a claim. Press ] and [ to move between annotations, Enter to edit one."
                    onmouseup={gesture} ontouchend={touch} onkeyup={keyup} {onclick} {onmousemove} {onmouseleave}>
                </article>
            </div>
            <div class="aa-tip" role="tooltip" ref={tip_ref} hidden={tip.is_none()}>{tip.as_ref().map(|t| t.text.clone()).unwrap_or_default()}</div>
        </>
    }
}
