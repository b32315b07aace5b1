//! Which URLs an article may link to or load an image from, wherever the article came
//! from (Markdown, the host's HTML, a document built in code).
//!
//! Invariant: only `http:` and `https:` (and `mailto:` for links from a host's HTML)
//! reach the page; anything else (`javascript:`, `data:`, …) is dropped.

/// True for URLs an article link may point to or an image load from: `http:` and
/// `https:` only.
pub fn is_safe_url(url: &str) -> bool {
    let u = url.trim_start().to_ascii_lowercase();
    u.starts_with("http://") || u.starts_with("https://")
}

/// True for link targets kept from a host's HTML: http(s) and `mailto:`.
pub fn is_link_url(url: &str) -> bool {
    is_safe_url(url) || url.trim_start().get(..7).is_some_and(|p| p.eq_ignore_ascii_case("mailto:"))
}

