//! The re-anchoring benchmark: the sample article with forty annotations (names,
//! places, organisations, each occurrence, and claims), then scripted edits of the kinds
//! an editor makes. After each edit the annotations are loaded back the way the widget
//! loads them (the stored form, anchored by the cascade) and each one is judged against
//! where it truly went: anchored correctly, orphaned, or anchored wrongly.
//!
//! Run as a test (asserts the targets: nothing anchored wrongly, at least 95 % of the
//! annotations whose quoted text the edit left intact anchored correctly) and as a
//! report: `cargo bench --bench anchoring` prints the table (docs/PERFORMANCE.md).
//! Shared by `tests/native` and `benches/anchoring.rs`, so it needs no test helpers.

use article_annotator::core::anchor::quote_at;
use article_annotator::core::article::parse_markdown;
use article_annotator::core::document::Document;
use article_annotator::core::edit::Edit;
use article_annotator::core::format::stored;
use article_annotator::core::model::{AnnotationId, Body, Claim, Timestamp};
use article_annotator::core::offset::CharRange;
use article_annotator::core::schema::Schema;
use article_annotator::core::session::Session;

const SAMPLE: &str = include_str!("../fixtures/moscow-times-2014-08-18.md");

/// What an edit did to an annotation's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    /// Its quoted text is unchanged (it may have moved): it must be found.
    Intact,
    /// The edit changed text inside it: its new span is the right answer, an orphan is fine.
    Changed,
    /// Its text was removed or cut: only an orphan is right.
    Gone,
}

/// One annotation's truth through the edits: where it is now, and what happened to it.
#[derive(Clone, Debug)]
struct Truth {
    range: (usize, usize),
    fate: Fate,
}

/// A text being edited, with every annotation's true span carried along.
struct Editing {
    text: Vec<char>,
    truths: Vec<Truth>,
}

impl Editing {
    fn at(&self, needle: &str) -> usize {
        let n: Vec<char> = needle.chars().collect();
        self.text.windows(n.len()).position(|w| w == n.as_slice()).unwrap_or_else(|| panic!("{needle:?} is not in the text"))
    }
    /// Replaces code points `[a, b)` with `insert`, moving, changing or losing spans.
    fn splice(&mut self, a: usize, b: usize, insert: &str) {
        let ins: Vec<char> = insert.chars().collect();
        let delta = ins.len() as isize - (b - a) as isize;
        let shift = |x: usize| x.checked_add_signed(delta).unwrap_or(0);
        for t in &mut self.truths {
            let (s, e) = t.range;
            if t.fate == Fate::Gone || a >= e || (a == b && a <= s) {
                if a == b && a <= s && t.fate != Fate::Gone {
                    t.range = (shift(s), shift(e));
                }
                continue;
            }
            if b <= s {
                t.range = (shift(s), shift(e));
            } else if a >= s && b <= e {
                t.range = (s, shift(e));
                t.fate = Fate::Changed;
            } else {
                t.fate = Fate::Gone;
            }
        }
        self.text.splice(a..b, ins);
    }
    fn replace(&mut self, needle: &str, with: &str) {
        let a = self.at(needle);
        self.splice(a, a + needle.chars().count(), with);
    }
    fn insert_before(&mut self, needle: &str, text: &str) {
        let a = self.at(needle);
        self.splice(a, a, text);
    }
    /// Moves the paragraph starting with `start` (and its separator) before `before`;
    /// spans inside it move with it, intact.
    fn move_paragraph(&mut self, start: &str, before: &str) {
        let a = self.at(start);
        let len = self.text[a..].windows(2).position(|w| w == ['\n', '\n']).map_or(self.text.len() - a, |k| k + 2);
        let para: String = self.text[a..a + len].iter().collect();
        let inside: Vec<(usize, (usize, usize), Fate)> = self
            .truths
            .iter()
            .enumerate()
            .filter(|(_, t)| t.fate != Fate::Gone && t.range.0 >= a && t.range.1 <= a + len)
            .map(|(i, t)| (i, (t.range.0 - a, t.range.1 - a), t.fate))
            .collect();
        self.splice(a, a + len, "");
        let to = self.at(before);
        self.splice(to, to, &para);
        for (i, (s, e), fate) in inside {
            self.truths[i] = Truth { range: (to + s, to + e), fate };
        }
    }
}

/// A named edit of the article.
type ScriptedEdit = (&'static str, fn(&mut Editing));

/// The scripted edits, each applied to the original article on its own, and all of
/// them together last.
fn edits() -> Vec<ScriptedEdit> {
    vec![
        ("typo fixed inside a name", |e| e.replace("Cai Fuchao", "Cai Fuqiao")),
        ("word inserted inside a claim", |e| e.replace("broaden software deliveries", "broaden its software deliveries")),
        ("words inserted next to a span", |e| e.insert_before("Edward Snowden", "and whistleblower ")),
        ("paragraph inserted at the top", |e| e.insert_before("As Russia's relations", "Editor's note: this article was updated on Aug. 19 to correct the minister's title. Russia, China and the U.S. are named in it.\n\n")),
        ("sentence inserted mid-paragraph", |e| e.insert_before("In July Beijing", "Microsoft declined to comment on the inquiry in China. ")),
        ("paragraph removed", |e| e.replace("The deal is likely aimed at helping Russia replace deliveries of U.S. information technology products in light of Western sanctions imposed on Moscow for its role in the Ukraine crisis.\n\n", "")),
        ("sentence removed", |e| e.replace("Chinese lawmakers have recently taken a hard line against foreign IT companies amid security fears. ", "")),
        ("paragraphs reordered", |e| e.move_paragraph("The move also comes", "As Russia's relations")),
        ("quote reworded", |e| e.replace("the Kremlin has agreed to broaden software deliveries to China", "Moscow will send more software to Beijing")),
        ("name shortened", |e| e.replace("Chinese Industry and IT Minister Miao Wei", "Minister Miao")),
        ("all of the above", |e| {
            // Every edit but the word inserted in the claim that is then reworded.
            for (name, f) in edits().into_iter().take(10) {
                if name != "word inserted inside a claim" {
                    f(e);
                }
            }
        }),
    ]
}

/// Names tagged at every occurrence, and claims: forty annotations.
const ENTITIES: &[(&str, &str)] = &[
    ("Russia", "location"), ("China", "location"), ("Beijing", "location"), ("Moscow", "location"), ("Ukraine", "location"),
    ("Nikolai Nikiforov", "person"), ("Nikiforov", "person"), ("Edward Snowden", "person"), ("Cai Fuchao", "person"),
    ("Chinese Industry and IT Minister Miao Wei", "person"), ("Kaspersky Lab", "organization"), ("Microsoft", "organization"),
    ("IBM", "organization"), ("Bloomberg", "organization"), ("AFP", "organization"), ("NSA", "organization"), ("Kremlin", "organization"),
    ("People's Daily", "organization"), ("Windows 8", "product"),
];
const CLAIMS: &[&str] = &[
    "the Kremlin has agreed to broaden software deliveries to China",
    "The deal is likely aimed at helping Russia replace deliveries of U.S. information technology products",
    "Kaspersky Lab, which is expanding into Asian markets, but was this month dropped from Beijing's list of approved online security vendors",
    "Chinese lawmakers have recently taken a hard line against foreign IT companies amid security fears",
    "China's leadership has also put pressure on the country's banks to get rid of IBM servers",
];

fn is_word_char(c: Option<char>) -> bool {
    c.is_some_and(char::is_alphanumeric)
}

/// The original article (as plain canonical text) and its annotated session.
fn original() -> (String, Session) {
    let text = parse_markdown(SAMPLE).text().to_string();
    let doc = Document::from_plain_text(&text);
    assert_eq!(doc.text(), text, "the canonical text reads back as plain text");
    let chars: Vec<char> = text.chars().collect();
    let mut s = Session::new("reanchor".into(), doc, Schema::default());
    let mut n = 0u32;
    let mut add = |s: &mut Session, r: CharRange, body: Body| {
        n += 1;
        let mut bytes = [0u8; 16];
        bytes[..4].copy_from_slice(&n.to_le_bytes());
        let a = s.new_annotation(AnnotationId::from_random(bytes), r, body, Timestamp(0), None).expect("in the text");
        s.apply(Edit::Add(a)).expect("a new id");
    };
    for (needle, ty) in ENTITIES {
        let nd: Vec<char> = needle.chars().collect();
        for i in 0..chars.len().saturating_sub(nd.len() - 1) {
            let whole = chars[i..i + nd.len()] == nd[..] && !is_word_char(i.checked_sub(1).map(|k| chars[k])) && !is_word_char(chars.get(i + nd.len()).copied());
            // Skip a name inside a longer tagged name ("Nikiforov" in "Nikolai Nikiforov").
            let inside = *needle == "Nikiforov" && i >= 8 && chars[i - 8..i].iter().collect::<String>() == "Nikolai ";
            if whole && !inside {
                add(&mut s, CharRange::from_usize(i, i + nd.len()).unwrap(), Body::Entity(ty.to_string()));
            }
        }
    }
    for c in CLAIMS {
        let at = text.find(c).expect("claim in the text");
        let start = text[..at].chars().count();
        add(&mut s, CharRange::from_usize(start, start + c.chars().count()).unwrap(), Body::Claim(Claim::default()));
    }
    (text, s)
}

/// Counts for one edit: `[correct, orphaned, wrong]` by fate.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Row {
    pub edit: &'static str,
    pub intact: [usize; 3],
    pub changed: [usize; 3],
    pub gone: [usize; 3],
}

/// Runs every scripted edit and judges every annotation.
pub fn run() -> (usize, Vec<Row>) {
    let (text, s) = original();
    let saved = stored::to_string("reanchor", s.annotations());
    let list: Vec<_> = s.annotations().in_reading_order().into_iter().cloned().collect();
    let mut rows = Vec::new();
    for (name, edit) in edits() {
        let mut e = Editing {
            text: text.chars().collect(),
            truths: list.iter().map(|a| Truth { range: a.target.range.map(|r| (r.start().0, r.end().0)).unwrap(), fate: Fate::Intact }).collect(),
        };
        edit(&mut e);
        let edited: String = e.text.iter().collect();
        let doc = Document::from_plain_text(&edited);
        assert_eq!(doc.text(), edited, "{name}: the edit keeps the text canonical");
        let loaded = stored::from_str(&saved, &doc).expect("the stored form reads");
        let mut row = Row { edit: name, ..Row::default() };
        for (a, truth) in list.iter().zip(&e.truths) {
            let got = loaded.annotations.iter().find(|b| b.id == a.id).expect("no annotation is dropped");
            let outcome = match got.target.range {
                None => 1,
                Some(r) if (r.start().0, r.end().0) == truth.range && truth.fate != Fate::Gone => 0,
                Some(_) => 2,
            };
            let cell = match truth.fate {
                Fate::Intact => &mut row.intact,
                Fate::Changed => &mut row.changed,
                Fate::Gone => &mut row.gone,
            };
            cell[outcome] += 1;
            if outcome == 2 && std::env::var_os("REANCHOR_DEBUG").is_some() {
                eprintln!("{name}: {:?} ({:?}) went to {:?}, truth {:?}", a.target.quote.exact(), truth.fate, got.target.range.map(|r| doc.slice(r)), truth.range);
            }
        }
        rows.push(row);
    }
    let _ = quote_at; // the quotes were taken by `new_annotation`
    (list.len(), rows)
}

/// The table as Markdown.
pub fn table(total: usize, rows: &[Row]) -> String {
    let mut out = format!("{total} annotations; each cell: anchored correctly / orphaned / anchored wrongly\n\n| edit | quote intact | quote changed | text gone |\n|---|---|---|---|\n");
    let cell = |c: [usize; 3]| if c == [0, 0, 0] { "–".to_string() } else { format!("{} / {} / {}", c[0], c[1], c[2]) };
    for r in rows {
        out.push_str(&format!("| {} | {} | {} | {} |\n", r.edit, cell(r.intact), cell(r.changed), cell(r.gone)));
    }
    out
}

#[test]
fn reanchoring_after_edits_is_never_wrong_and_finds_what_is_intact() {
    let (total, rows) = run();
    assert!(total >= 40, "{total} annotations");
    let wrong: usize = rows.iter().map(|r| r.intact[2] + r.changed[2] + r.gone[2]).sum();
    let intact: usize = rows.iter().map(|r| r.intact.iter().sum::<usize>()).sum();
    let found: usize = rows.iter().map(|r| r.intact[0]).sum();
    let table = table(total, &rows);
    assert_eq!(wrong, 0, "anchored wrongly:\n{table}");
    assert!(found * 100 >= intact * 95, "only {found} of {intact} intact quotes anchored:\n{table}");
    // The approximate step finds changed quotes too.
    let changed_found: usize = rows.iter().map(|r| r.changed[0]).sum();
    assert!(changed_found >= 3, "{table}");
}
