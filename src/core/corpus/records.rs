//! The records of a JSON file, however a tool wrote them: JSON Lines (one object a
//! line), a JSON array of objects, one pretty-printed object, or several pretty-printed
//! objects one after another (doccano, Prodigy and Label Studio each write some of
//! these).
//!
//! Invariants: records come one at a time and in order, each with where it is (`line
//! 3`, `record 3`, `record 2 (line 14)`); in JSON Lines a bad line is one bad record and
//! the lines after it still come; nothing here panics.

use serde_json::Value;

/// One record: where it is, and the object or why it is not one.
pub type Record = (String, Result<Value, String>);

fn object(v: Value) -> Result<Value, String> {
    if v.is_object() {
        Ok(v)
    } else {
        Err("expected a JSON object".into())
    }
}

/// The records of `text` (without a BOM), lazily.
pub fn records(text: &str) -> Box<dyn Iterator<Item = Record> + '_> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('[') {
        return match serde_json::from_str::<Vec<Value>>(text) {
            Ok(a) => Box::new(a.into_iter().enumerate().map(|(i, v)| (format!("record {}", i + 1), object(v)))),
            Err(e) => Box::new(std::iter::once(("file".to_string(), Err(format!("not a JSON array of records: {e}"))))),
        };
    }
    let first_line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    if serde_json::from_str::<Value>(first_line).is_ok() {
        return Box::new(text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()).map(|(i, l)| {
            let v = serde_json::from_str::<Value>(l).map_err(|e| format!("not JSON: {e}")).and_then(object);
            (format!("line {}", i + 1), v)
        }));
    }
    // Pretty-printed objects, one or several.
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    let mut n = 0usize;
    let mut failed = false;
    // Lines counted as the records come (from the last record's start), not from the
    // file's start each time: linear in the file.
    let (mut counted_to, mut line) = (0usize, 1usize);
    Box::new(std::iter::from_fn(move || {
        if failed {
            return None;
        }
        let start = stream.byte_offset();
        let item = stream.next()?;
        n += 1;
        // The line where the record starts (after the white space before it).
        let rest = &text[start.min(text.len())..];
        let at = (start + (rest.len() - rest.trim_start().len())).min(text.len());
        line += text.get(counted_to..at).map_or(0, |t| t.matches('\n').count());
        counted_to = counted_to.max(at);
        let location = format!("record {n} (line {line})");
        Some(match item {
            Ok(v) => (location, object(v)),
            Err(e) => {
                failed = true;
                (location, Err(format!("not JSON: {e}")))
            }
        })
    }))
}
