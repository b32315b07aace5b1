//! Browser tests (wasm-bindgen-test in headless Chromium): mounting, selection to
//! annotation, and localStorage save and restore. Run with
//! `cargo test --target wasm32-unknown-unknown --test web`.
#![cfg(target_arch = "wasm32")]

use article_annotator::api::{mount, Annotator};
use article_annotator::storage::local::LocalStore;
use article_annotator::storage::{key_for, Digest, StorageError, Store};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

const SAMPLE: &str = include_str!("../fixtures/moscow-times-2014-08-18.md");

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A fresh host element for one test, at the top of the page and in view (only the
/// annotations near the viewport are painted; earlier tests' widgets move down).
fn host() -> Element {
    let el = document().create_element("div").unwrap();
    let body = document().body().unwrap();
    body.insert_before(&el, body.first_child().as_ref()).unwrap();
    web_sys::window().unwrap().scroll_to_with_x_and_y(0.0, 0.0);
    el
}

/// Waits for `n` animation frames (scroll events are dispatched in the next frame).
async fn frames(n: usize) {
    for _ in 0..n {
        let p = js_sys::Promise::new(&mut |resolve, _| {
            web_sys::window().unwrap().request_animation_frame(&resolve).unwrap();
        });
        wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
    }
}

fn options(document_id: &str, storage: &str) -> JsValue {
    let o = js_sys::Object::new();
    let set = |k: &str, v: &JsValue| js_sys::Reflect::set(&o, &JsValue::from_str(k), v).unwrap();
    let article = js_sys::Object::new();
    js_sys::Reflect::set(&article, &"format".into(), &"markdown".into()).unwrap();
    js_sys::Reflect::set(&article, &"content".into(), &SAMPLE.into()).unwrap();
    set("article", &article);
    set("documentId", &document_id.into());
    set("storage", &storage.into());
    o.into()
}

/// Waits for the widget's first render (a task after `mount`'s, and after the page's
/// rehearsal of it if that is still under way) and Yew's work.
async fn settle() {
    for _ in 0..600 {
        if article_annotator::ui::rehearsal::is_over() {
            break;
        }
        frames(1).await;
    }
    let p = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window().unwrap().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0).unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
    yew::scheduler::flush().await;
}

/// The first text node in `root` holding `needle`, and the UTF-16 offset it starts at.
fn text_with(root: &Element, needle: &str) -> (web_sys::Node, u32) {
    let walker = document().create_tree_walker_with_what_to_show(root, 4).unwrap();
    while let Ok(Some(node)) = walker.next_node() {
        let text = node.text_content().unwrap_or_default();
        if let Some(b) = text.find(needle) {
            return (node, text[..b].encode_utf16().count() as u32);
        }
    }
    panic!("{needle:?} not found");
}

/// Scrolls the first text holding `needle` to the middle of the viewport, as a reader
/// would before working on it, and waits for the scroll to be handled (only the
/// annotations near the viewport are painted).
async fn show(root: &Element, needle: &str) {
    let (node, _) = text_with(root, needle);
    let opts = web_sys::ScrollIntoViewOptions::new();
    opts.set_block(web_sys::ScrollLogicalPosition::Center);
    node.parent_element().unwrap().scroll_into_view_with_scroll_into_view_options(&opts);
    frames(3).await;
}

/// Selects the first occurrence of `needle` in `root`'s text as a reader would, and
/// ends the gesture with a mouseup on the article.
fn select_text(root: &Element, needle: &str) {
    let (node, start) = text_with(root, needle);
    let end = start + needle.encode_utf16().count() as u32;
    let range = document().create_range().unwrap();
    range.set_start(&node, start).unwrap();
    range.set_end(&node, end).unwrap();
    let sel = web_sys::window().unwrap().get_selection().unwrap().unwrap();
    sel.remove_all_ranges().unwrap();
    sel.add_range(&range).unwrap();
    let article = root.query_selector(".aa-article").unwrap().unwrap();
    let ev = web_sys::MouseEvent::new_with_mouse_event_init_dict("mouseup", &{
        let i = web_sys::MouseEventInit::new();
        i.set_bubbles(true);
        i
    })
    .unwrap();
    article.dispatch_event(&ev).unwrap();
}

fn press(root: &Element, key: &str) {
    press_with(root, key, false);
}

/// A key down on the article, with Ctrl held or not.
fn press_with(root: &Element, key: &str, ctrl: bool) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_ctrl_key(ctrl);
    init.set_bubbles(true);
    let ev = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    root.query_selector(".aa-article").unwrap().unwrap().dispatch_event(&ev).unwrap();
}

/// The texts painted under highlight `name` inside `root` (the registry is shared by
/// every widget on the page).
fn painted(root: &Element, name: &str) -> Vec<String> {
    // Each widget prefixes its highlight names (`aa3-person`); `name` is `aa-person`.
    let prefix = root.query_selector(".aa-root").unwrap().and_then(|r| r.get_attribute("data-highlights")).unwrap_or_default();
    let name = format!("{prefix}{}", name.trim_start_matches("aa-"));
    let Some(h) = web_sys::css::JsNamespaceCss::highlights().get(&name) else { return Vec::new() };
    let mut out: Vec<(web_sys::Range, String)> = Vec::new();
    for v in h.values() {
        let Ok(v) = v else { continue };
        let r: web_sys::Range = v.unchecked_into();
        if r.start_container().is_ok_and(|n| root.contains(Some(&n))) {
            let t = String::from(r.to_string());
            out.push((r, t));
        }
    }
    out.sort_by(|a, b| a.0.compare_boundary_points(web_sys::Range::START_TO_START, &b.0).unwrap_or(0).cmp(&0));
    out.into_iter().map(|(_, t)| t).collect()
}

/// The element the widget renders into, once it has rendered (a task after `mount`) and
/// taken the host's content's place (a frame after its render).
async fn rendered(host: &Element) -> Element {
    settle().await;
    for _ in 0..100 {
        if host.shadow_root().and_then(|r| r.query_selector(".aa-shell-waiting").ok().flatten()).is_none() {
            break;
        }
        frames(1).await;
    }
    inner(host)
}

/// The element the widget renders into, inside the host's shadow root.
fn inner(host: &Element) -> Element {
    host.shadow_root().expect("the widget opens a shadow root").query_selector(".aa-shell").unwrap().expect("the widget's container")
}

fn texts(root: &Element, selector: &str) -> Vec<String> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length()).filter_map(|i| list.item(i)).map(|n| n.text_content().unwrap_or_default()).collect()
}

#[wasm_bindgen_test]
async fn the_first_render_is_a_task_after_mount_and_a_destroy_before_it_cancels_it() {
    let host_el = host();
    let a: Annotator = mount(host_el.clone(), options("web-early", "none")).map_err(JsValue::from).unwrap();
    // Right after mount: the store is there, the page is as it was (only a slot).
    assert_eq!(a.count().ok(), Some(0));
    let shadow = host_el.shadow_root().expect("mount opens the shadow root");
    assert_eq!(shadow.inner_html(), "<slot></slot>");
    let root = rendered(&host_el).await;
    assert_eq!(root.query_selector_all(".aa-article [data-block]").unwrap().length(), 14);
    // Destroyed before its render: the render never comes, and every call throws.
    let host2 = host();
    let mut b: Annotator = mount(host2.clone(), options("web-early-2", "none")).map_err(JsValue::from).unwrap();
    b.destroy();
    settle().await;
    frames(2).await;
    assert_eq!(host2.shadow_root().unwrap().inner_html(), "<slot></slot>", "nothing rendered after destroy");
    assert!(b.count().is_err());
}

#[wasm_bindgen_test]
async fn mounts_the_article_with_an_empty_state() {
    let host_el = host();
    let mut a: Annotator = mount(host_el.clone(), options("web-mount", "none")).map_err(JsValue::from).unwrap();
    let root = rendered(&host_el).await;
    settle().await;
    assert_eq!(root.query_selector_all(".aa-article [data-block]").unwrap().length(), 14);
    assert_eq!(texts(&root, "h1.aa-headline"), vec!["Wary of the West, Russia and China Expand Trade in Computer Software"]);
    assert!(texts(&root, ".aa-empty h3").contains(&"No annotations yet".to_string()));
    assert_eq!(a.count().ok(), Some(0));
    a.destroy();
    settle().await;
    assert_eq!(root.child_element_count(), 0, "destroy removes the widget");
    let shadow = host_el.shadow_root().unwrap();
    assert_eq!(shadow.inner_html(), "<slot></slot>", "and shows the host's own content again");
}

#[wasm_bindgen_test]
async fn bad_options_throw_an_error_naming_the_option() {
    let root = host();
    let o = options("x", "cloud");
    let err = mount(root.clone(), o).err().map(JsValue::from).unwrap();
    let msg = js_sys::Reflect::get(&err, &"message".into()).unwrap().as_string().unwrap();
    assert!(msg.contains("options.storage"), "{msg}");
}

#[wasm_bindgen_test]
async fn a_selection_becomes_an_annotation() {
    let root = host();
    let a = mount(root.clone(), options("web-select", "none")).map_err(JsValue::from).unwrap();
    let root = rendered(&root).await;
    settle().await;
    show(&root, " Kaspersky La").await;
    select_text(&root, " Kaspersky La"); // rough: a space before, half a word after
    settle().await;
    assert_eq!(root.query_selector_all(".aa-toolbar").unwrap().length(), 1, "toolbar shows");
    press(&root, "2");
    settle().await;
    assert_eq!(painted(&root, "aa-organization"), vec!["Kaspersky Lab"]);
    assert_eq!(texts(&root, ".aa-entry-quote"), vec!["Kaspersky Lab"]);
    assert_eq!(a.count().ok(), Some(1));
    // The article's DOM is untouched: highlights are painted, not inserted.
    assert_eq!(root.query_selector_all(".aa-article span").unwrap().length(), 0);
    // Undo removes it.
    press_with(&root, "z", true);
    settle().await;
    assert_eq!(a.count().ok(), Some(0));
}

#[wasm_bindgen_test]
async fn annotations_are_saved_and_restored() {
    let id = format!("web-storage-{}", js_sys::Date::now());
    let store = LocalStore::open().unwrap();
    let root = host();
    let mut a = mount(root.clone(), options(&id, "local")).map_err(JsValue::from).unwrap();
    let root = rendered(&root).await;
    settle().await;
    show(&root, "Edward Snowden").await;
    select_text(&root, "Edward Snowden");
    settle().await;
    press(&root, "1");
    settle().await;
    // pagehide flushes the debounced save at once.
    web_sys::window().unwrap().dispatch_event(&web_sys::Event::new("pagehide").unwrap()).unwrap();
    let saved = store.get(&key_for(&id)).unwrap().expect("saved on pagehide");
    assert!(saved.contains("\"x\":\"Edward Snowden\""), "{saved}");
    a.destroy();
    settle().await;

    let root2 = host();
    let b = mount(root2.clone(), options(&id, "local")).map_err(JsValue::from).unwrap();
    let root2 = rendered(&root2).await;
    settle().await;
    show(&root2, "Edward Snowden").await;
    assert_eq!(painted(&root2, "aa-person"), vec!["Edward Snowden"]);
    assert_eq!(b.count().ok(), Some(1));
    store.remove(&key_for(&id)).unwrap();
}

#[wasm_bindgen_test]
async fn corrupt_storage_is_backed_up_and_reported() {
    let id = format!("web-corrupt-{}", js_sys::Date::now());
    let store = LocalStore::open().unwrap();
    store.set(&key_for(&id), "{not json").unwrap();
    let root = host();
    let _a = mount(root.clone(), options(&id, "local")).map_err(JsValue::from).unwrap();
    let root = rendered(&root).await;
    settle().await;
    let notice = texts(&root, ".aa-notice").join(" ");
    assert!(notice.contains("damaged"), "{notice}");
    let raw = store.as_raw();
    let mut backed_up = false;
    for i in 0..raw.length().unwrap() {
        let k = raw.key(i).unwrap().unwrap();
        if k.starts_with(&format!("{}/corrupt/", key_for(&id))) {
            backed_up = raw.get_item(&k).unwrap().as_deref() == Some("{not json");
        }
    }
    assert!(backed_up, "the damaged data is kept under a backup key");
}

#[wasm_bindgen_test]
fn values_written_in_pieces_and_digested_in_pieces_are_exact() {
    // Over 64 KB, so the pieces split it, with characters of 2, 3 and 4 bytes (and
    // surrogate pairs in JS) falling on piece boundaries somewhere.
    let mut text = String::new();
    while text.len() < 300_000 {
        text.push_str("Никифоров 北京 👨‍👩‍👧‍👦 👍🏽 naïve \"quoted\" ");
    }
    let store = LocalStore::open().unwrap();
    let key = format!("article-annotator/test/pieces-{}", js_sys::Date::now());
    // Written by a writer that hands over odd-sized pieces, cutting characters.
    let bytes = text.as_bytes();
    store
        .set_with(&key, &mut |w| {
            for piece in bytes.chunks(1000 + 7) {
                w.write_all(piece)?;
            }
            Ok(())
        })
        .unwrap();
    assert_eq!(store.get(&key).unwrap().as_deref(), Some(text.as_str()));
    assert_eq!(store.digest(&key).unwrap(), Some(Digest::of(&text)));
    assert_eq!(store.digest("article-annotator/test/absent").unwrap(), None);
    store.remove(&key).unwrap();
}

#[wasm_bindgen_test]
fn a_full_store_reports_quota_exceeded() {
    let store = LocalStore::open().unwrap();
    let big = "x".repeat(6 * 1024 * 1024);
    let err = store.set("article-annotator/test/too-big", &big);
    assert!(matches!(err, Err(StorageError::QuotaExceeded(_))), "{err:?}");
}

const MULTILINGUAL: &str = include_str!("../fixtures/multilingual.md");

#[wasm_bindgen_test]
async fn dom_offsets_become_code_points_in_a_multilingual_article() {
    let root = host();
    let o = options("web-multilingual", "none");
    let article = js_sys::Reflect::get(&o, &"article".into()).unwrap();
    js_sys::Reflect::set(&article, &"content".into(), &MULTILINGUAL.into()).unwrap();
    let a = mount(root.clone(), o).map_err(JsValue::from).unwrap();
    let root = rendered(&root).await;
    settle().await;
    for (needle, key) in [("👨‍👩‍👧‍👦", "6"), ("北京", "3"), ("Николай Никифоров", "1"), ("naïve", "6"), ("👍🏽", "6")] {
        select_text(&root, needle);
        settle().await;
        press(&root, key);
        settle().await;
    }
    assert_eq!(a.count().ok(), Some(5));
    let exported = a.export_as(None).map_err(JsValue::from).unwrap().as_string().expect("W3C is exported at once, as text");
    let v: serde_json::Value = serde_json::from_str(&exported).unwrap();
    let text: String = {
        let blocks = root.query_selector_all(".aa-article [data-block]").unwrap();
        (0..blocks.length()).map(|i| blocks.item(i).unwrap().text_content().unwrap()).collect::<Vec<_>>().join("\n\n")
    };
    let mut seen = Vec::new();
    for item in v["first"]["items"].as_array().unwrap() {
        let sel = &item["target"]["selector"];
        let exact = sel[0]["exact"].as_str().unwrap();
        let (s, e) = (sel[1]["start"].as_u64().unwrap() as usize, sel[1]["end"].as_u64().unwrap() as usize);
        let by_code_points: String = text.chars().skip(s).take(e - s).collect();
        assert_eq!(by_code_points, exact);
        seen.push(exact.to_string());
    }
    seen.sort();
    let mut want = vec!["👨‍👩‍👧‍👦", "北京", "Николай Никифоров", "naïve", "👍🏽"];
    want.sort();
    assert_eq!(seen, want);
}

fn w3c_entity(id: &str, exact: &str, start: usize, end: usize, label: &str) -> JsValue {
    let json = serde_json::json!({
        "@context": "http://www.w3.org/ns/anno.jsonld", "id": id, "type": "Annotation",
        "body": [{"type": "TextualBody", "purpose": "tagging", "value": label}],
        "target": {"selector": [{"type": "TextQuoteSelector", "exact": exact}, {"type": "TextPositionSelector", "start": start, "end": end}]}
    });
    js_sys::JSON::parse(&json.to_string()).unwrap()
}

/// Where `needle` first is in the sample article's canonical text, in code points.
fn sample_at(needle: &str) -> (usize, usize) {
    let doc = article_annotator::core::article::parse_markdown(SAMPLE);
    let b = doc.text().find(needle).unwrap();
    let s = doc.text()[..b].chars().count();
    (s, s + needle.chars().count())
}

#[wasm_bindgen_test]
async fn the_js_api_loads_adds_removes_and_lists() {
    let root = host();
    let (s1, e1) = sample_at("Kaspersky Lab");
    let (s2, e2) = sample_at("Edward Snowden");
    let o = options("web-api", "none");
    let initial = js_sys::Array::of1(&w3c_entity("urn:x:1", "Kaspersky Lab", s1, e1, "Organization"));
    js_sys::Reflect::set(&o, &"annotations".into(), &initial).unwrap();
    let a = mount(root.clone(), o).map_err(JsValue::from).unwrap();
    let root = rendered(&root).await;
    settle().await;
    show(&root, "Kaspersky Lab").await;
    assert_eq!(painted(&root, "aa-organization"), vec!["Kaspersky Lab"], "options.annotations are loaded");
    a.add(w3c_entity("urn:x:2", "Edward Snowden", s2, e2, "person")).map_err(JsValue::from).unwrap();
    settle().await;
    assert_eq!(painted(&root, "aa-person"), vec!["Edward Snowden"]);
    let list = a.annotations().map_err(JsValue::from).unwrap();
    let list: js_sys::Array = list.dyn_into().unwrap();
    assert_eq!(list.length(), 2);
    assert_eq!(js_sys::Reflect::get(&list.get(0), &"id".into()).unwrap().as_string().as_deref(), Some("urn:x:2"), "reading order");
    // Bad input throws and changes nothing.
    let bad = js_sys::JSON::parse(r#"{"id":"urn:x:3","target":{"selector":{"type":"TextPositionSelector","start":"a","end":3}},"body":{"value":"person"}}"#).unwrap();
    let err = a.add(bad).err().map(JsValue::from).unwrap();
    let msg = js_sys::Reflect::get(&err, &"message".into()).unwrap().as_string().unwrap();
    assert!(msg.contains("target.selector.start"), "{msg}");
    assert!(a.remove("urn:nope").is_err());
    a.remove("urn:x:1").map_err(JsValue::from).unwrap();
    settle().await;
    assert_eq!(a.count().ok(), Some(1));
    assert!(painted(&root, "aa-organization").is_empty());
    a.load(js_sys::Array::new().into()).map_err(JsValue::from).unwrap();
    settle().await;
    assert_eq!(a.count().ok(), Some(0));
}

#[wasm_bindgen_test]
async fn only_annotations_near_the_viewport_are_painted_and_scrolling_paints_the_rest() {
    // 400 paragraphs (about 40,000 px): "Marker<i>" opens each.
    let filler = "and some more words to fill the line so that every paragraph takes a few lines of text";
    let paragraphs: Vec<String> = (0..400).map(|i| format!("Marker{i} {filler}.")).collect();
    let text = paragraphs.join("\n\n");
    let at = |needle: &str| {
        let s = text.find(needle).unwrap();
        (s, s + needle.len()) // ASCII: bytes are code points
    };
    let (s0, e0) = at("Marker0 ");
    let (s1, e1) = at("Marker399");
    let o = js_sys::Object::new();
    let article = js_sys::Object::new();
    js_sys::Reflect::set(&article, &"format".into(), &"text".into()).unwrap();
    js_sys::Reflect::set(&article, &"content".into(), &text.as_str().into()).unwrap();
    js_sys::Reflect::set(&o, &"article".into(), &article).unwrap();
    js_sys::Reflect::set(&o, &"documentId".into(), &"web-band".into()).unwrap();
    js_sys::Reflect::set(&o, &"storage".into(), &"none".into()).unwrap();
    let list = js_sys::Array::of2(&w3c_entity("urn:x:first", "Marker0", s0, e0 - 1, "person"), &w3c_entity("urn:x:last", "Marker399", s1, e1, "person"));
    js_sys::Reflect::set(&o, &"annotations".into(), &list).unwrap();
    let host_el = host();
    let mut a = mount(host_el.clone(), o.into()).map_err(JsValue::from).unwrap();
    let root = rendered(&host_el).await;
    settle().await;
    assert_eq!(a.count().ok(), Some(2));
    assert_eq!(painted(&root, "aa-person"), vec!["Marker0"], "the last paragraph is far below the viewport");

    // Scrolling to the end paints what comes into view and unpaints what left it.
    let last = root.query_selector("[data-block=\"399\"]").unwrap().unwrap();
    last.scroll_into_view();
    frames(3).await;
    assert_eq!(painted(&root, "aa-person"), vec!["Marker399"]);

    // Printing paints everything; afterwards only what is near the view again.
    let window = web_sys::window().unwrap();
    window.dispatch_event(&web_sys::Event::new("beforeprint").unwrap()).unwrap();
    assert_eq!(painted(&root, "aa-person"), vec!["Marker0", "Marker399"]);
    window.dispatch_event(&web_sys::Event::new("afterprint").unwrap()).unwrap();
    assert_eq!(painted(&root, "aa-person"), vec!["Marker399"]);

    // An annotation added far from the view is counted and listed, and painted once
    // the reader gets there.
    let (s2, e2) = at("Marker1 ");
    a.add(w3c_entity("urn:x:second", "Marker1", s2, e2 - 1, "person")).map_err(JsValue::from).unwrap();
    settle().await;
    assert_eq!(a.count().ok(), Some(3));
    assert_eq!(painted(&root, "aa-person"), vec!["Marker399"]);
    window.scroll_to_with_x_and_y(0.0, 0.0);
    frames(3).await;
    assert_eq!(painted(&root, "aa-person"), vec!["Marker0", "Marker1"]);
    a.destroy();
    settle().await;
}

/// A mouse move at `(x, y)` (viewport) with `buttons` held, dispatched on `target` (the
/// element under that point), as the browser would.
fn hover(target: &Element, x: f64, y: f64, buttons: u16) {
    let i = web_sys::MouseEventInit::new();
    i.set_bubbles(true);
    i.set_client_x(x as i32);
    i.set_client_y(y as i32);
    i.set_buttons(buttons);
    target.dispatch_event(&web_sys::MouseEvent::new_with_mouse_event_init_dict("mousemove", &i).unwrap()).unwrap();
}

#[wasm_bindgen_test]
async fn hovering_names_the_types_but_not_while_a_button_is_held_or_the_pointer_is_still() {
    let root = host();
    let _a = mount(root.clone(), options("web-hover", "none")).map_err(JsValue::from).unwrap();
    let root = rendered(&root).await;
    settle().await;
    show(&root, "Kaspersky Lab").await;
    let (node, start) = text_with(&root, "Kaspersky Lab");
    let range = document().create_range().unwrap();
    range.set_start(&node, start + 2).unwrap();
    range.set_end(&node, start + 3).unwrap();
    let r = range.get_bounding_client_rect();
    let (x, y) = (r.left() + r.width() / 2.0, r.top() + r.height() / 2.0);
    let shown = || !root.query_selector(".aa-tip").unwrap().unwrap().has_attribute("hidden");
    let under = node.parent_element().unwrap();
    // The pointer rests on the name, not yet tagged: nothing to say.
    hover(&under, x, y, 0);
    settle().await;
    assert!(!shown());
    select_text(&root, "Kaspersky Lab");
    settle().await;
    press(&root, "2");
    settle().await;
    // Chromium's move at the same point after the change is not looked at: no tooltip
    // pops up over the text just tagged.
    hover(&under, x, y, 0);
    settle().await;
    assert!(!shown(), "a move to the same point is not looked at again");
    // Nor a move with a button held (a selection being dragged).
    hover(&under, x + 1.0, y, 1);
    settle().await;
    assert!(!shown(), "no tooltip while a button is held");
    hover(&under, x + 1.0, y, 0);
    settle().await;
    assert!(shown());
    assert_eq!(texts(&root, ".aa-tip"), vec!["Organization"]);
    // A change of the annotations hides it (it would be stale) until the pointer moves.
    press_with(&root, "z", true);
    settle().await;
    assert!(!shown(), "an undo hides the tooltip");
    press_with(&root, "y", true);
    settle().await;
    hover(&under, x + 1.0, y, 0);
    settle().await;
    assert!(!shown());
    // A scroll moves the text under the pointer: the next move counts, even in place.
    web_sys::window().unwrap().dispatch_event(&web_sys::Event::new("scroll").unwrap()).unwrap();
    hover(&under, x + 1.0, y, 0);
    settle().await;
    assert!(shown(), "after a scroll, a move in place is looked at");
    let leave = web_sys::MouseEvent::new("mouseleave").unwrap();
    root.query_selector(".aa-article").unwrap().unwrap().dispatch_event(&leave).unwrap();
    settle().await;
    assert!(!shown());
}

#[wasm_bindgen_test]
async fn the_js_api_sees_its_own_writes_before_and_after_the_first_render_and_refuses_after_destroy() {
    let root = host();
    let (s1, e1) = sample_at("Kaspersky Lab");
    let (s2, e2) = sample_at("Edward Snowden");
    let mut a = mount(root.clone(), options("web-read-your-writes", "none")).map_err(JsValue::from).unwrap();
    // One task: the widget has not rendered yet (its render waits for a task of its own;
    // the formats part's promises, answered here by this same module, are microtasks).
    let doc = article_annotator::core::article::parse_markdown(SAMPLE);
    let line = serde_json::json!({"text": doc.text(), "label": [[s1, e1, "ORG"], [s2, e2, "PER"]]}).to_string();
    let report = a.import_from(&line, Some("doccano".into()), None).map_err(JsValue::from).unwrap();
    let report = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::from(report)).await.unwrap();
    assert_eq!(js_sys::Reflect::get(&report, &"added".into()).unwrap().as_f64(), Some(2.0));
    assert!(root.shadow_root().is_none_or(|r| r.query_selector(".aa-root").ok().flatten().is_none()), "still before the first render");
    assert_eq!(a.count().ok(), Some(2), "the import is there at once");
    assert_eq!(js_sys::Array::from(&a.annotations().map_err(JsValue::from).unwrap()).length(), 2);
    let brat = a.export_as(Some("brat".into())).map_err(JsValue::from).unwrap();
    let brat = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::from(brat)).await.unwrap().as_string().unwrap();
    assert!(brat.contains("\tKaspersky Lab\n") && brat.contains("\tEdward Snowden\n"), "{brat}");
    assert_eq!(a.export_as(Some("jsonl".into())).map_err(JsValue::from).unwrap().as_string().unwrap().lines().count(), 2);
    let rev = a.revision().map_err(JsValue::from).unwrap();
    a.add(w3c_entity("urn:x:ryw", "Kaspersky Lab", s1, e1, "Person")).map_err(JsValue::from).unwrap();
    assert_eq!(a.count().ok(), Some(3));
    assert!(a.revision().map_err(JsValue::from).unwrap() > rev);
    a.remove("urn:x:ryw").map_err(JsValue::from).unwrap();
    assert_eq!(a.count().ok(), Some(2));
    a.load(js_sys::Array::of1(&w3c_entity("urn:x:one", "Edward Snowden", s2, e2, "person")).into()).map_err(JsValue::from).unwrap();
    assert_eq!(a.count().ok(), Some(1));
    assert_eq!(a.export_as(Some("jsonl".into())).map_err(JsValue::from).unwrap().as_string().unwrap().lines().count(), 1);
    // After the first render: the same answers, and the article shows what was written.
    settle().await;
    let shadow = rendered(&root).await;
    show(&shadow, "Edward Snowden").await;
    assert_eq!(painted(&shadow, "aa-person"), vec!["Edward Snowden"]);
    a.add(w3c_entity("urn:x:two", "Kaspersky Lab", s1, e1, "Organization")).map_err(JsValue::from).unwrap();
    assert_eq!(a.count().ok(), Some(2), "no wait after the first render either");
    settle().await;
    show(&shadow, "Kaspersky Lab").await;
    assert_eq!(painted(&shadow, "aa-organization"), vec!["Kaspersky Lab"], "a write from the API is painted");
    // After destroy: a clear error from every call.
    a.destroy();
    let message = |e: wasm_bindgen::JsError| js_sys::Reflect::get(&JsValue::from(e), &"message".into()).unwrap().as_string().unwrap();
    assert_eq!(message(a.count().unwrap_err()), "this annotator has been destroyed");
    assert_eq!(message(a.add(w3c_entity("urn:x:3", "Kaspersky Lab", s1, e1, "Person")).unwrap_err()), "this annotator has been destroyed");
    assert!(a.export_as(None).is_err() && a.annotations().is_err() && a.import_from(&line, None, None).is_err() && a.revision().is_err());
}

/// WCAG 1.4.1: a type is never told by colour alone. Each default type's highlight has an
/// underline of its own (style and thickness, repeated by its legend swatch), claims are
/// overlined, and forced-colours mode gives every highlight the system's colours.
#[wasm_bindgen_test]
fn each_type_has_its_own_line_and_forced_colours_keep_the_highlights() {
    use article_annotator::core::schema::Schema;
    use article_annotator::ui::theme::Theme;
    let schema = Schema::default();
    let theme = Theme::new(&schema);
    let css = theme.css(&schema);
    let mut lines = Vec::new();
    for t in schema.types() {
        let rule = format!("::highlight({}) {{", theme.name(theme.ident(&t.id)));
        let at = css.find(&rule).unwrap_or_else(|| panic!("no rule for {}", t.id));
        let decl = &css[at..at + css[at..].find('}').unwrap()];
        let line = decl.split("text-decoration: underline ").nth(1).unwrap().split(';').next().unwrap();
        // Thickness and style, without the colour.
        lines.push(line.split(' ').take(2).collect::<Vec<_>>().join(" "));
        assert!(css.contains(&format!(".aa-root .aa-sw-{}::after", theme.ident(&t.id))), "the legend repeats {}'s line", t.id);
    }
    let mut unique = lines.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), lines.len(), "every type its own line: {lines:?}");
    assert!(css.contains(&format!("::highlight({}) {{ background-color: rgba(251, 146, 60, .12); text-decoration: overline", theme.name("claim"))));
    let forced = &css[css.find("@media (forced-colors: active)").expect("a forced-colours block")..];
    for t in schema.types() {
        assert!(forced.contains(&format!("::highlight({})", theme.name(theme.ident(&t.id)))), "{} in forced colours", t.id);
    }
    assert!(forced.contains("background-color: Mark"));
}

#[wasm_bindgen_test]
async fn the_start_is_rehearsed_once_and_renders_asked_for_meanwhile_run_in_order() {
    use article_annotator::core::schema::Schema;
    use article_annotator::ui::rehearsal;
    // `mount`'s part: the host's HTML read, two annotations stored, read back and anchored.
    assert_eq!(rehearsal::mount_parts(&Schema::default()), 2);
    assert_eq!(rehearsal::mount_parts(&Schema::default()), 0, "once per page");
    // The render's part: whatever has run before, renders asked for run once it is over,
    // in the order asked, each in a task of its own.
    let order = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    for n in 1..=3 {
        let order = order.clone();
        rehearsal::then(None, &Schema::default(), move || {
            assert!(rehearsal::is_over(), "a render runs only after the rehearsal");
            order.borrow_mut().push(n);
        });
    }
    assert!(order.borrow().is_empty(), "never in the task that asks");
    for _ in 0..600 {
        if order.borrow().len() == 3 {
            break;
        }
        frames(1).await;
    }
    assert_eq!(*order.borrow(), vec![1, 2, 3]);
    // Nothing of the rehearsal is left in the page: its article's text is nowhere.
    let body = document().body().unwrap();
    assert!(!body.text_content().unwrap_or_default().contains("Anna Berg"));
    let hosts = body.query_selector_all("*").unwrap();
    for i in 0..hosts.length() {
        let el: Element = hosts.item(i).unwrap().dyn_into().unwrap();
        if let Some(root) = el.shadow_root() {
            assert!(!root.text_content().unwrap_or_default().contains("Anna Berg"), "a rehearsal left in a widget's shadow root");
        }
    }
}
