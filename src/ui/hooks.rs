//! Hooks of our own.
//!
//! [`use_typed_field`] keeps a text field the reader's while they type: Yew writes a
//! controlled field's `value` back at every render, so a render for another reason (a
//! save, a colleague's change) put the stored text over what was being typed.
//!
//! [`use_effect_before_paint`] exists because Yew 0.23's scheduler yields to the browser
//! once its batch has run for 16 ms: the DOM changes are made, but the effects wait
//! for a `setTimeout(0)` task, and the browser may paint a frame first. At load that
//! frame showed the header and the panel beside an empty article (measured: at 1k
//! words × 100 annotations in a fresh browser, and at every size above).
//!
//! Invariant: the work given to [`use_effect_before_paint`] runs once for each new value
//! of its dependencies, after the DOM of the render that brought the value, and before
//! the browser paints that render.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use yew::prelude::*;

type Pending = Rc<RefCell<Option<Box<dyn FnOnce()>>>>;

fn run(pending: &Pending) {
    // Taken out before it runs: it may render, and a render may queue the next one.
    let f = pending.borrow_mut().take();
    if let Some(f) = f {
        f();
    }
}

/// Like `use_effect_with(deps, f)` (without a cleanup), but `f` also runs before the
/// browser paints when Yew defers effects past a paint.
///
/// When `deps` change, `f` is kept and a microtask is queued to run it. Yew renders inside
/// one microtask (or, after a yield, one task), so the queued microtask runs when that
/// batch has ended or yielded, with Yew's DOM changes made, and before any frame. If the
/// batch ended, the effect has already run `f`; whichever of the two comes first runs it,
/// and the other finds nothing to do.
#[hook]
pub fn use_effect_before_paint<D, F>(deps: D, f: F)
where
    D: PartialEq + Clone + 'static,
    F: FnOnce(&D) + 'static,
{
    let pending: Pending = use_mut_ref(|| None);
    // The last dependencies, and how many times they changed: the effect depends on that
    // count, so that only this part is generic (each use compiles to its own code).
    let last: Rc<RefCell<(Option<D>, u32)>> = use_mut_ref(|| (None, 0));
    let changes = {
        let mut last = last.borrow_mut();
        if last.0.as_ref() != Some(&deps) {
            last.0 = Some(deps.clone());
            last.1 = last.1.wrapping_add(1);
            *pending.borrow_mut() = Some(Box::new(move || f(&deps)));
            queue(&pending);
        }
        last.1
    };
    use_run_pending(changes, pending);
}

#[hook]
fn use_run_pending(changes: u32, pending: Pending) {
    use_effect_with(changes, move |_| run(&pending));
}

/// Runs what is pending in a microtask.
fn queue(pending: &Pending) {
    if let Some(w) = web_sys::window() {
        let p = pending.clone();
        w.queue_microtask(Closure::once_into_js(move || run(&p)).unchecked_ref());
    }
}

/// A text field (`<input>` or `<textarea>`, given by `node`) filled with `value` only
/// when `key` or `value` changes, never at other renders: give the field no `value`
/// attribute, and read it when it is committed.
#[hook]
pub fn use_typed_field<K: PartialEq + 'static>(node: &yew::NodeRef, key: K, value: String) {
    let node = node.clone();
    yew::use_effect_with((key, value), move |(_, value)| {
        if let Some(el) = node.get() {
            let now = js_sys::Reflect::get(&el, &"value".into()).ok().and_then(|v| v.as_string());
            if now.as_deref() != Some(value.as_str()) {
                let _ = js_sys::Reflect::set(&el, &"value".into(), &value.as_str().into());
            }
        }
    });
}
