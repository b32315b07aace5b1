//! ClaimReview JSON-LD (schema.org) for the claims that have a verdict (export only):
//! a JSON array of `ClaimReview` objects, each with `claimReviewed` (the quote),
//! `itemReviewed` (a `Claim` whose `author` is the claimant and whose `appearance` is
//! the article), `reviewRating` (the verdict) and, when known, the reviewer as `author`
//! and the note as `reviewBody`.
//!
//! Rating scale (1 = worst, 5 = best): false 1, misleading 2, mostly true 4, true 5, with
//! the verdict's label as `alternateName`; "unverifiable" has only the `alternateName`.
//! Unverified claims are not reviews yet and are left out (and counted).

use crate::core::format::{count, ExportContext};
use crate::core::model::{Body, Verdict};
use crate::core::time;
use serde_json::{json, Value};

fn rating_value(v: Verdict) -> Option<u8> {
    match v {
        Verdict::False => Some(1),
        Verdict::Misleading => Some(2),
        Verdict::MostlyTrue => Some(4),
        Verdict::True => Some(5),
        Verdict::Unverified | Verdict::Unverifiable => None,
    }
}

pub fn export(cx: &ExportContext, left_out: &mut Vec<String>) -> String {
    let mut reviews: Vec<Value> = Vec::new();
    let mut unverified = 0;
    for a in cx.set.in_reading_order() {
        let Some(c) = a.claim() else { continue };
        if c.verdict == Verdict::Unverified {
            unverified += 1;
            continue;
        }
        let mut rating = json!({"@type": "Rating", "bestRating": 5, "worstRating": 1, "alternateName": cx.schema.verdict_label(c.verdict)});
        if let Some(n) = rating_value(c.verdict) {
            rating["ratingValue"] = json!(n);
        }
        let mut appearance = json!({"@type": "CreativeWork", "url": cx.source});
        if let Some(h) = cx.doc.headline() {
            appearance["headline"] = json!(h);
        }
        let mut claim = json!({"@type": "Claim", "appearance": appearance});
        if let Some(who) = c.claimant.as_ref().and_then(|w| cx.set.get(w)) {
            let kind = match &who.body {
                Body::Entity(t) if t == "person" => "Person",
                _ => "Organization",
            };
            claim["author"] = json!({"@type": kind, "name": who.target.quote.exact()});
        }
        let mut review = json!({
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "identifier": a.id.as_str(),
            "claimReviewed": a.target.quote.exact(),
            "itemReviewed": claim,
            "reviewRating": rating,
            "datePublished": time::format(a.created),
            "dateModified": time::format(a.modified),
        });
        if let Some(name) = &a.creator {
            review["author"] = json!({"@type": "Person", "name": name});
        }
        if !c.note.is_empty() {
            review["reviewBody"] = json!(c.note);
        }
        reviews.push(review);
    }
    if unverified > 0 {
        left_out.push(format!("{} without a verdict (a ClaimReview needs one)", count(unverified, "claim", "claims")));
    }
    let mut s = serde_json::to_string_pretty(&reviews).unwrap_or_default();
    s.push('\n');
    s
}
