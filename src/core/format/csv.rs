//! CSV for spreadsheets, one row per annotation (export only), RFC 4180: comma
//! separated, CRLF line ends, fields quoted when they hold a comma, quote or line
//! break, UTF-8 with a byte-order mark so spreadsheet programs read Cyrillic, Chinese
//! and emoji correctly.
//!
//! Columns: `id, kind, label, start, end, quote, claimant_id, claimant, verdict, note,
//! creator, created, modified, status`; `start`/`end` are code points (empty for an
//! orphan, whose `status` is `orphaned`).
//!
//! Invariant: no cell starts with `=`, `+`, `-`, `@`, tab or carriage return: such a
//! cell gets a leading `'` so a spreadsheet shows it as text instead of running it as a
//! formula (CSV injection).

use crate::core::format::{label_of, ExportContext};
use crate::core::model::Body;
use crate::core::time;

pub const COLUMNS: [&str; 14] =
    ["id", "kind", "label", "start", "end", "quote", "claimant_id", "claimant", "verdict", "note", "creator", "created", "modified", "status"];

/// One cell, neutralised against formulas and quoted when needed.
pub fn cell(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{s}") } else { s.to_string() };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

pub fn export(cx: &ExportContext) -> String {
    let mut out = String::from("\u{feff}");
    out.push_str(&COLUMNS.join(","));
    out.push_str("\r\n");
    for a in cx.set.in_reading_order() {
        let (kind, claim) = match &a.body {
            Body::Entity(_) => ("entity", None),
            Body::Claim(c) => ("claim", Some(c)),
        };
        let who = claim.and_then(|c| c.claimant.as_ref());
        let row = [
            a.id.as_str().to_string(),
            kind.into(),
            label_of(cx.schema, a).into(),
            a.target.range.map_or(String::new(), |r| r.start().0.to_string()),
            a.target.range.map_or(String::new(), |r| r.end().0.to_string()),
            a.target.quote.exact().to_string(),
            who.map_or(String::new(), |w| w.as_str().to_string()),
            who.and_then(|w| cx.set.get(w)).map_or(String::new(), |w| w.target.quote.exact().to_string()),
            claim.map_or(String::new(), |c| c.verdict.as_str().to_string()),
            claim.map_or(String::new(), |c| c.note.clone()),
            a.creator.clone().unwrap_or_default(),
            time::format(a.created),
            time::format(a.modified),
            if a.is_orphan() { "orphaned" } else { "anchored" }.into(),
        ];
        out.push_str(&row.iter().map(|c| cell(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}
