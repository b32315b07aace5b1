//! Label Studio tasks as documents: `{"id": 7, "data": {"text": …}, "annotations":
//! [{"id", "completed_by", "result": […]}], "predictions": [{"model_version",
//! "score", "result": […]}]}`, a JSON list of them as Label Studio exports (one task,
//! or JSON Lines of tasks, too).
//!
//! Each annotation and each prediction is a [`Group`]; its results become spans
//! (`labels`: `value: {start, end, text, labels}`, one span per label), attributes
//! (`choices` on a region, named by `from_name`), notes (`textarea` on a region) and
//! relations (`relation`, `direction: "left"` read as the other way round). Results of
//! other types, and whole-task choices or text areas, are [`Extra`]s that Label Studio
//! gets back verbatim. `start`/`end` are code points of the text; an older export that
//! counted UTF-16 units is recognised by `value.text` and converted, with a warning.
//!
//! Invariants: a region keeps its id; every group keeps its fields; a prediction stays
//! a prediction.

use crate::core::corpus::doccano::{id_value, name_of};
use crate::core::corpus::{check_frags, issue, span_fields, ANNOTATOR_NOTES, Attribute, Cutter, Doc, Extra, Frag, Group, GroupKind, Issue, Note, Relation, Span, Written};
use serde_json::{json, Map, Value};
use std::collections::HashMap;

/// The code-point range of UTF-16 offsets `[s, e)` of `text`, if they are boundaries.
fn utf16_to_chars(text: &str, s: usize, e: usize) -> Option<(usize, usize)> {
    let (mut u, mut c) = (0usize, 0usize);
    let (mut cs, mut ce) = (None, None);
    for ch in text.chars().chain(std::iter::once('\0')) {
        if u == s {
            cs = Some(c);
        }
        if u == e {
            ce = Some(c);
            break;
        }
        u += ch.len_utf16();
        c += 1;
    }
    Some((cs?, ce?))
}

/// One task. Errors only when it has no text.
pub fn read(task: Value, location: &str) -> Result<(Doc, Vec<Issue>), Issue> {
    // Label Studio calls its records tasks.
    let location = &location.replacen("record", "task", 1);
    let Value::Object(mut task) = task else { return Err(issue(location, "expected a JSON object")) };
    let Some(Value::Object(mut data)) = task.remove("data") else {
        return Err(issue(format!("{location}, data"), "missing; expected data.text, the text the regions count in"));
    };
    let key = if data.get("text").is_some_and(Value::is_string) { Some("text".to_string()) } else { data.iter().find(|(_, v)| v.is_string()).map(|(k, _)| k.clone()) };
    let Some(Value::String(text)) = key.and_then(|k| data.remove(&k)) else {
        return Err(issue(format!("{location}, data.text"), "missing; expected the text the regions count in"));
    };
    let cut = Cutter::new(&text);
    let len = cut.len_chars();
    let mut doc = Doc { name: task.remove("id").as_ref().and_then(name_of), ..Doc::default() };
    let mut issues = Vec::new();
    let mut lists: Vec<(GroupKind, &str, Vec<Value>)> = Vec::new();
    for (key, kind) in [("annotations", GroupKind::Annotation), ("completions", GroupKind::Annotation), ("predictions", GroupKind::Prediction)] {
        if let Some(Value::Array(a)) = task.remove(key) {
            lists.push((kind, key, a));
        }
    }
    for (kind, key, list) in lists {
        for (k, group) in list.into_iter().enumerate() {
            let Value::Object(mut g) = group else {
                issues.push(issue(format!("{location}, {key}[{k}]"), "expected an object with a result list; skipped"));
                continue;
            };
            let results = match g.remove("result") {
                Some(Value::Array(r)) => r,
                _ => Vec::new(),
            };
            let gi = doc.groups.len();
            doc.groups.push(Group { kind, fields: g });
            let mut regions: HashMap<String, Vec<usize>> = HashMap::new();
            let mut later = Vec::new();
            for (i, r) in results.into_iter().enumerate() {
                let at = format!("{location}, {key}[{k}].result[{i}]");
                let value = r.get("value");
                let labels: Vec<String> = value.and_then(|v| v.get("labels")).and_then(Value::as_array).into_iter().flatten().filter_map(|l| l.as_str().map(str::to_string)).collect();
                let n = |key: &str| value.and_then(|v| v.get(key)).and_then(Value::as_u64).map(|n| n as usize);
                let kind = r.get("type").and_then(Value::as_str).unwrap_or("");
                let (start, end) = (n("start"), n("end"));
                if kind != "labels" || start.is_none() || end.is_none() {
                    later.push((i, at, r));
                    continue;
                }
                let id = r.get("id").and_then(name_of);
                let (Some(start), Some(end)) = (start, end) else { continue };
                let mut frag = Frag { start, end };
                let said = value.and_then(|v| v.get("text")).and_then(Value::as_str);
                let fits = check_frags(&[frag], len).is_ok() && said.is_none_or(|t| cut.cut(start, end) == Some(t));
                if !fits {
                    match utf16_to_chars(&text, start, end).filter(|&(s, e)| said.is_some_and(|t| cut.cut(s, e) == Some(t))) {
                        Some((s, e)) => {
                            issues.push(issue(&at, format!("value.start/end {start}-{end} count UTF-16 units (an older Label Studio export); read as code points {s}-{e}")));
                            frag = Frag { start: s, end: e };
                        }
                        None if check_frags(&[frag], len).is_ok() => {
                            issues.push(issue(&at, format!("value.text {:?} is not the text at {start}-{end} ({:?}); the offsets are kept", said.unwrap_or(""), cut.cut(start, end).unwrap_or(""))));
                        }
                        None => {
                            issues.push(issue(at, format!("{}; skipped", check_frags(&[frag], len).err().unwrap_or_default())));
                            continue;
                        }
                    }
                }
                let mut fields = Map::new();
                for f in ["origin", "score", "meta"] {
                    if let Some(v) = r.get(f) {
                        fields.insert(f.into(), v.clone());
                    }
                }
                if labels.is_empty() {
                    issues.push(issue(at, "value.labels is empty; skipped"));
                    continue;
                }
                for (j, label) in labels.into_iter().enumerate() {
                    let sid = id.clone().map(|id| if j == 0 { id } else { format!("{id}:{label}") });
                    if let Some(id) = &id {
                        regions.entry(id.clone()).or_default().push(doc.spans.len());
                    }
                    doc.spans.push(Span { id: sid, label, fragments: vec![frag], group: Some(gi), fields: fields.clone(), ..Span::default() });
                }
            }
            for (i, at, r) in later {
                let kind = r.get("type").and_then(Value::as_str).unwrap_or("").to_string();
                let region = r.get("id").and_then(name_of).and_then(|id| regions.get(&id).cloned());
                let value = r.get("value");
                let from_name = r.get("from_name").and_then(Value::as_str).unwrap_or(&kind).to_string();
                match (kind.as_str(), region) {
                    ("choices", Some(spans)) => {
                        let choices: Vec<&str> = value.and_then(|v| v.get("choices")).and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
                        for c in choices {
                            doc.spans[spans[0]].attributes.push(Attribute { id: None, name: from_name.clone(), value: Some(c.to_string()) });
                        }
                    }
                    ("textarea", Some(spans)) => {
                        let lines: Vec<&str> = value.and_then(|v| v.get("text")).and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
                        let kind = if from_name == "note" { ANNOTATOR_NOTES.to_string() } else { from_name.clone() };
                        doc.spans[spans[0]].notes.push(Note { id: None, kind, text: lines.join("\n") });
                    }
                    ("relation", _) => {
                        let end = |k: &str| r.get(k).and_then(name_of).and_then(|id| regions.get(&id)).and_then(|v| v.first().copied());
                        let label = r.get("labels").and_then(Value::as_array).and_then(|l| l.first()).and_then(Value::as_str).unwrap_or("").to_string();
                        match (end("from_id"), end("to_id"), r.get("direction").and_then(Value::as_str)) {
                            (Some(a), Some(b), Some("left")) => doc.relations.push(Relation { id: None, label, from: b, to: a, roles: None, group: Some(gi) }),
                            (Some(a), Some(b), _) => doc.relations.push(Relation { id: None, label, from: a, to: b, roles: None, group: Some(gi) }),
                            _ => issues.push(issue(at, "from_id and to_id must name regions of this annotation; skipped")),
                        }
                    }
                    _ => {
                        let what = match r.get("id").and_then(name_of) {
                            Some(id) => format!("result {} ({kind} {id})", i + 1),
                            None => format!("result {} ({kind})", i + 1),
                        };
                        doc.extras.push(Extra { format: "label-studio", what, raw: json!({"group": gi, "result": r}) });
                    }
                }
            }
        }
    }
    doc.text = text;
    if !data.is_empty() {
        doc.fields = data;
    }
    if !task.is_empty() {
        doc.fields.insert("task".into(), Value::Object(task));
    }
    Ok((doc, issues))
}

/// The tasks' file: `[` before the first, `,` between, `]` after the last.
pub fn open() -> &'static str {
    "[\n"
}
pub fn close(any: bool) -> &'static str {
    if any {
        "\n]\n"
    } else {
        "]\n"
    }
}

/// One task of a document (without the separators of [`open`] and [`close`]).
pub fn write(doc: &Doc, predictions: bool) -> (String, Written) {
    let mut w = Written::default();
    // Region ids: the span's own (a `:label` suffix marks its second label), else new.
    let mut region: Vec<String> = Vec::with_capacity(doc.spans.len());
    let mut used = std::collections::HashSet::new();
    for (i, s) in doc.spans.iter().enumerate() {
        let own = s.id.as_deref().map(|id| id.split_once(':').filter(|(_, l)| *l == s.label).map_or(id, |(r, _)| r).to_string());
        let id = match own {
            Some(id) if used.insert((id.clone(), s.label.clone())) => id,
            _ => format!("aa{i}"),
        };
        region.push(id);
    }
    // Groups: the document's own, and one for spans without a group.
    let mut groups: Vec<(GroupKind, Map<String, Value>, Vec<Value>)> = doc.groups.iter().map(|g| (g.kind, g.fields.clone(), Vec::new())).collect();
    let ungrouped = groups.len();
    groups.push((GroupKind::Annotation, Map::new(), Vec::new()));
    let slot = |g: Option<usize>| g.filter(|&g| g < ungrouped).unwrap_or(ungrouped);
    let cut = Cutter::new(&doc.text);
    for (i, s) in doc.spans.iter().enumerate() {
        let g = if predictions && doc.is_prediction(s) { ungrouped } else { slot(s.group) };
        if s.fragments.len() > 1 {
            w.change(s.name(), format!("its {} fragments written as {} regions (Label Studio regions are continuous)", s.fragments.len(), s.fragments.len()));
        }
        for (k, f) in s.fragments.iter().enumerate() {
            let id = if k == 0 { region[i].clone() } else { format!("{}-{k}", region[i]) };
            let mut value = json!({"start": f.start, "end": f.end, "text": cut.cut(f.start, f.end).unwrap_or(""), "labels": [s.label]});
            let mut r = json!({"id": id, "from_name": "label", "to_name": "text", "type": "labels"});
            for (key, v) in &s.fields {
                if ["origin", "score", "meta"].contains(&key.as_str()) {
                    r[key] = v.clone();
                }
            }
            if r.get("origin").is_none() && groups[g].0 == GroupKind::Annotation {
                r["origin"] = json!("manual");
            }
            let region_value = |extra: (&str, Value)| {
                let mut v = json!({"start": f.start, "end": f.end, "text": cut.cut(f.start, f.end).unwrap_or("")});
                v[extra.0] = extra.1;
                v
            };
            if k == 0 {
                for a in &s.attributes {
                    let v = region_value(("choices", json!([a.value.clone().unwrap_or_else(|| a.name.clone())])));
                    groups[g].2.push(json!({"id": id, "from_name": a.name, "to_name": "text", "type": "choices", "value": v}));
                    w.items += 1;
                }
                for n in &s.notes {
                    let v = region_value(("text", json!([n.text])));
                    let from = if n.kind.is_empty() || n.kind == ANNOTATOR_NOTES { "note" } else { n.kind.as_str() };
                    groups[g].2.push(json!({"id": id, "from_name": from, "to_name": "text", "type": "textarea", "value": v}));
                    w.items += 1;
                }
                for n in &s.norms {
                    w.leave(n.id.clone().unwrap_or_else(|| format!("link of {} to {}", s.name(), n.reference)), "Label Studio regions have no place for knowledge-base links");
                }
            }
            value["labels"] = json!([s.label]);
            r["value"] = value;
            // The region's labels before the choices and notes pushed for it just now.
            let at = groups[g].2.len() - if k == 0 { s.attributes.len() + s.notes.len() } else { 0 };
            groups[g].2.insert(at, r);
        }
        w.items += 1;
    }
    for r in &doc.relations {
        let g = slot(r.group);
        let mut rel = json!({"from_id": region[r.from], "to_id": region[r.to], "type": "relation", "direction": "right"});
        if !r.label.is_empty() {
            rel["labels"] = json!([r.label]);
        }
        groups[g].2.push(rel);
        w.items += 1;
    }
    for e in &doc.extras {
        match (e.format, e.raw.get("result"), e.raw.get("group").and_then(Value::as_u64)) {
            ("label-studio", Some(r), g) => {
                groups[slot(g.map(|g| g as usize))].2.push(r.clone());
                w.items += 1;
            }
            _ => w.leave(&e.what, "Label Studio has no place for it"),
        }
    }
    let mut task = Map::new();
    if let Some(n) = &doc.name {
        task.insert("id".into(), id_value(n));
    }
    let mut data = Map::new();
    data.insert("text".into(), Value::String(doc.text.clone()));
    let mut task_fields = None;
    for (k, v) in &doc.fields {
        if k == "task" {
            task_fields = v.as_object().cloned();
        } else {
            data.insert(k.clone(), v.clone());
        }
    }
    if let Some(a) = &doc.answer {
        data.insert("answer".into(), json!(a));
    }
    task.insert("data".into(), Value::Object(data));
    let (mut anns, mut preds) = (Vec::new(), Vec::new());
    for (i, (kind, mut fields, result)) in groups.into_iter().enumerate() {
        if i == ungrouped && result.is_empty() && (!anns.is_empty() || !preds.is_empty() || !doc.groups.is_empty()) {
            continue;
        }
        fields.insert("result".into(), Value::Array(result));
        match kind {
            GroupKind::Annotation => anns.push(Value::Object(fields)),
            GroupKind::Prediction => preds.push(Value::Object(fields)),
        }
    }
    task.insert("annotations".into(), Value::Array(anns));
    if !preds.is_empty() {
        task.insert("predictions".into(), Value::Array(preds));
    }
    for (k, v) in task_fields.into_iter().flatten() {
        task.entry(k).or_insert(v);
    }
    span_fields(doc, &mut w, "Label Studio", &["origin", "score", "meta"]);
    if doc.tokens.is_some() {
        w.change(doc.name.clone().unwrap_or_else(|| "the document".into()), "its tokens (Label Studio has no place for them)");
    }
    let text = serde_json::to_string_pretty(&Value::Object(task)).unwrap_or_default();
    // Indented one level inside the list.
    let indented = text.lines().map(|l| format!("  {l}")).collect::<Vec<_>>().join("\n");
    (indented, w)
}
