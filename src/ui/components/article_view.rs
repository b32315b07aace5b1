//! The article, rendered block by block with its highlights.
//!
//! Each block is a memoised [`BlockView`] whose props are the block's text and the
//! highlights that touch it, so an edit re-renders only the blocks it changes; the
//! partition of annotations into blocks is one pass ([`crate::core::layout::partition`]).
//! Highlights are `<span class="hl …">` pieces: overlapping and nested spans split into
//! pieces that carry every covering annotation (the innermost entity colours the
//! background, an enclosing entity draws a top rule, a claim a dashed underline).
//!
//! Invariant: a block element holds exactly the block's text in its text nodes (see
//! [`crate::ui::dom`]); the first piece of every annotation is focusable and names it.

use crate::core::document::{Block, BlockKind, Document, Inline, InlineKind};
use crate::core::layout::{partition, pieces, Mark};
use crate::core::model::{Annotation, AnnotationId, Body};
use crate::core::offset::{CharOffset, CharRange, TextIndex};
use crate::core::schema::Schema;
use crate::ui::state::SharedSession;
use std::rc::Rc;
use yew::prelude::*;

/// What a block shows of one annotation.
#[derive(Clone, Debug, PartialEq)]
pub struct SpanView {
    pub id: AnnotationId,
    pub range: CharRange,
    /// CSS-safe type id (`person`), or `claim`.
    pub class: AttrValue,
    /// What the reader is told: `Person`, or `Claim (false)`.
    pub label: AttrValue,
    pub claim: bool,
}

/// A class name part made only of `a-z0-9-`, from any type id.
pub fn css_ident(s: &str) -> String {
    let v: String = s.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    if v.is_empty() { "unknown".into() } else { v }
}

pub fn span_view(a: &Annotation, schema: &Schema) -> Option<SpanView> {
    let range = a.target.range?;
    let (class, label, claim) = match &a.body {
        // A type the schema does not know (from an import) is drawn as "other".
        Body::Entity(t) => (if schema.get(t).is_some() { css_ident(t) } else { "other".into() }, schema.label(t).to_string(), false),
        Body::Claim(c) => ("claim".to_string(), format!("Claim ({})", c.verdict.label().to_lowercase()), true),
    };
    Some(SpanView { id: a.id.clone(), range, class: class.into(), label: label.into(), claim })
}

/// A block's fixed data: its kind, where it starts, its text and its inline marks.
#[derive(Debug, PartialEq)]
pub struct BlockText {
    pub index: usize,
    pub kind: BlockKind,
    pub range: CharRange,
    pub text: String,
    pub inlines: Vec<Inline>,
}

pub fn block_texts(doc: &Document) -> Vec<Rc<BlockText>> {
    doc.blocks()
        .iter()
        .enumerate()
        .map(|(index, b): (usize, &Block)| {
            Rc::new(BlockText { index, kind: b.kind.clone(), range: b.range, text: doc.slice(b.range).unwrap_or("").to_string(), inlines: b.inlines.clone() })
        })
        .collect()
}

#[derive(Properties, PartialEq)]
pub struct BlockViewProps {
    pub block: Rc<BlockText>,
    pub spans: Rc<[SpanView]>,
    /// Set only when the flashing annotation touches this block.
    pub flash: Option<(AnnotationId, u32)>,
}

#[component]
pub fn BlockView(props: &BlockViewProps) -> Html {
    let b = &props.block;
    let index = TextIndex::new(&b.text);
    let local = |r: CharRange| -> &str {
        let s = CharOffset(r.start().0 - b.range.start().0);
        let e = CharOffset(r.end().0 - b.range.start().0);
        CharRange::new(s, e).and_then(|r| crate::core::offset::slice(&b.text, &index, r)).unwrap_or("")
    };
    let mut marks: Vec<(CharRange, Mark)> = props.spans.iter().map(|s| (s.range, Mark::Highlight(s.id.clone()))).collect();
    let n_spans = marks.len();
    marks.extend(b.inlines.iter().map(|i| (i.range, Mark::Inline(i.kind.clone()))));
    let content: Html = pieces(b.range, &marks)
        .into_iter()
        .map(|p| {
            let text = local(p.range).to_string();
            let covering: Vec<&SpanView> = p.marks.iter().filter(|&&i| i < n_spans).filter_map(|&i| props.spans.get(i)).collect();
            let mut inner = if covering.is_empty() { html! { {text} } } else { highlight(&covering, p.range, &text, props.flash.as_ref()) };
            for &i in p.marks.iter().filter(|&&i| i >= n_spans).rev() {
                if let Some((_, Mark::Inline(kind))) = marks.get(i) {
                    inner = match kind {
                        InlineKind::Link(url) => html! { <a href={url.clone()} target="_blank" rel="noopener noreferrer">{inner}</a> },
                        InlineKind::Emphasis => html! { <em>{inner}</em> },
                        InlineKind::Strong => html! { <strong>{inner}</strong> },
                        InlineKind::Code => html! { <code>{inner}</code> },
                    };
                }
            }
            inner
        })
        .collect();
    let idx = b.index.to_string();
    match &b.kind {
        BlockKind::Headline => html! { <h1 class="aa-headline" data-block={idx}>{content}</h1> },
        BlockKind::Byline => html! { <p class="aa-byline" data-block={idx}>{content}</p> },
        BlockKind::Dateline => html! { <p class="aa-dateline" data-block={idx}>{content}</p> },
        BlockKind::Caption => html! {
            <figure class="aa-figure">
                <div class="aa-photo" aria-hidden="true"></div>
                <figcaption data-block={idx}>{content}</figcaption>
            </figure>
        },
        BlockKind::Heading(n) => {
            let tag = format!("h{}", (*n).clamp(2, 6));
            html! { <@{tag} data-block={idx}>{content}</@> }
        }
        BlockKind::Quote => html! { <blockquote data-block={idx}>{content}</blockquote> },
        BlockKind::ListItem => html! { <p class="aa-li" data-block={idx}>{content}</p> },
        BlockKind::Label => html! { <p class="aa-label" data-block={idx}>{content}</p> },
        BlockKind::Related => html! { <p class="aa-related" data-block={idx}>{content}</p> },
        BlockKind::Source => html! { <p class="aa-source" data-block={idx}>{content}</p> },
        BlockKind::Paragraph => html! { <p data-block={idx}>{content}</p> },
    }
}

/// One highlighted piece. `covering` is in reading order (outer spans first).
fn highlight(covering: &[&SpanView], piece: CharRange, text: &str, flash: Option<&(AnnotationId, u32)>) -> Html {
    let mut by_len: Vec<&SpanView> = covering.to_vec();
    by_len.sort_by_key(|s| std::cmp::Reverse(s.range.len()));
    let entities: Vec<&SpanView> = by_len.iter().copied().filter(|s| !s.claim).collect();
    let mut classes = vec!["hl".to_string()];
    if let Some(inner) = entities.last() {
        classes.push(format!("hl-{}", inner.class));
    }
    if entities.len() >= 2 {
        classes.push(format!("hl-outer-{}", entities[0].class));
    }
    if by_len.iter().any(|s| s.claim) {
        classes.push("hl-claim".into());
        if entities.is_empty() {
            classes.push("hl-claim-only".into());
        }
    }
    if let Some((id, n)) = flash {
        if covering.iter().any(|s| &s.id == id) {
            classes.push(format!("aa-flash-{}", n % 2));
        }
    }
    // Innermost first: a click or Enter opens the innermost annotation.
    let ids: Vec<&str> = by_len.iter().rev().map(|s| s.id.as_str()).collect();
    let starting: Vec<&SpanView> = by_len.iter().copied().filter(|s| s.range.start() == piece.start()).collect();
    let title = by_len.iter().rev().map(|s| s.label.as_str()).collect::<Vec<_>>().join(" · ");
    let first = (!starting.is_empty()).then(|| starting.iter().map(|s| s.id.as_str()).collect::<Vec<_>>().join(" "));
    let tabindex = first.as_ref().map(|_| "0");
    let role = first.as_ref().map(|_| "button");
    let aria = first.as_ref().map(|_| format!("{title}: {text}. Press Enter to edit."));
    html! {
        <span class={classes.join(" ")} data-ids={ids.join(" ")} data-first={first} tabindex={tabindex} role={role} aria-label={aria} title={title}>{text.to_string()}</span>
    }
}

#[derive(Properties, PartialEq)]
pub struct ArticleViewProps {
    pub session: SharedSession,
    pub rev: u64,
    pub flash: Option<(AnnotationId, u32)>,
    pub article_ref: NodeRef,
    /// The reader finished a selection gesture (mouse up, key up, touch end).
    pub on_selection_gesture: Callback<()>,
    /// The reader clicked or pressed Enter on a highlight: the innermost annotation there.
    pub on_open: Callback<AnnotationId>,
}

#[component]
pub fn ArticleView(props: &ArticleViewProps) -> Html {
    let blocks = {
        let session = props.session.clone();
        use_memo((), move |_| block_texts(&session.0.borrow().doc))
    };
    let spans = {
        let session = props.session.clone();
        use_memo(props.rev, move |_| {
            let s = session.0.borrow();
            partition(&s.doc, s.annotations())
                .into_iter()
                .map(|v| v.into_iter().filter_map(|a| span_view(a, &s.schema)).collect::<Rc<[SpanView]>>())
                .collect::<Vec<_>>()
        })
    };
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
        Callback::from(move |e: MouseEvent| {
            let collapsed = web_sys::window().and_then(|w| w.get_selection().ok().flatten()).is_none_or(|s| s.is_collapsed());
            if !collapsed {
                return;
            }
            if let Some(id) = hl_target(e.target()) {
                open.emit(id);
            }
        })
    };
    let onkeydown = {
        let open = props.on_open.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" {
                if let Some(id) = hl_target(e.target()) {
                    e.prevent_default();
                    open.emit(id);
                }
            }
        })
    };
    let flash_id = props.flash.as_ref().map(|f| &f.0);
    let views: Html = blocks
        .iter()
        .zip(spans.iter())
        .map(|(b, s)| {
            let flash = flash_id.filter(|id| s.iter().any(|v| &v.id == *id)).and(props.flash.clone());
            html! { <BlockView key={b.index} block={b.clone()} spans={s.clone()} {flash} /> }
        })
        .collect();
    html! {
        <article class="aa-article" ref={props.article_ref.clone()} tabindex="0" aria-label="Article text. Select words, then press 1 to 6 for an entity type or C for a claim."
            onmouseup={gesture} ontouchend={touch} onkeyup={keyup} {onclick} {onkeydown}>
            {views}
        </article>
    }
}

/// The innermost annotation of the highlight an event happened on.
fn hl_target(target: Option<web_sys::EventTarget>) -> Option<AnnotationId> {
    use wasm_bindgen::JsCast;
    let el = target?.dyn_into::<web_sys::Element>().ok()?;
    let hl = el.closest(".hl").ok()??;
    hl.get_attribute("data-ids")?.split(' ').next().and_then(AnnotationId::new)
}
