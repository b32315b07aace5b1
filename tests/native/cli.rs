//! The command-line converter, run as a process: help, conversions between formats with
//! the article from Markdown, HTML, plain text or the file itself, stdin/stdout, and the
//! exit codes and stderr messages for every kind of failure.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_article-annotator"))
}

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A fresh, empty directory for one test.
fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("article-annotator-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn help_version_and_formats() {
    for args in [&["--help"][..], &["convert", "--help"], &[]] {
        let o = run(args);
        assert_eq!(o.status.code(), Some(0));
        let out = String::from_utf8(o.stdout).unwrap();
        assert!(out.contains("article-annotator convert [--from FORMAT] --to FORMAT"), "{out}");
        assert!(out.contains("EXIT CODES"));
    }
    let o = run(&["--version"]);
    assert!(String::from_utf8(o.stdout).unwrap().starts_with("article-annotator 0."));
    let o = run(&["formats"]);
    let out = String::from_utf8(o.stdout).unwrap();
    for name in ["w3c", "jsonl", "brat", "conll", "doccano", "doccano-relations", "label-studio", "spacy", "claimreview", "csv"] {
        assert!(out.lines().any(|l| l.starts_with(&format!("{name} "))), "{name} missing from\n{out}");
    }
}

#[test]
fn w3c_to_brat_and_back_with_a_markdown_article() {
    let dir = scratch("brat");
    let article = fixtures().join("moscow-times-2014-08-18.md");
    let w3c = fixtures().join("golden/test-doc.annotations.jsonld");
    let out = dir.join("brat");
    let o = run(&["convert", "--from", "w3c", "--to", "brat", "--text", p(&article), p(&w3c), "-o", p(&out)]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(3), "an orphan cannot go to brat: exit 3\n{err}");
    assert!(err.contains("its quote \"a sentence the editor removed\" is not in") && err.contains("left out"), "{err}");
    assert!(err.contains("1 document read from") && err.contains("(w3c): 13 items, 13 written as brat"), "{err}");
    let ann = std::fs::read_to_string(out.join("moscow-times-2014-08-18.ann")).unwrap();
    assert_eq!(ann, std::fs::read_to_string(fixtures().join("golden/test-doc.ann")).unwrap(), "the same .ann as the widget writes");
    assert!(out.join("moscow-times-2014-08-18.txt").is_file() && out.join("annotation.conf").is_file());
    // Back to W3C with no --text: the .txt beside the .ann is the article.
    let back = dir.join("back.jsonld");
    let o = run(&["convert", "--to", "w3c", p(&out), "-o", p(&back)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&back).unwrap()).unwrap();
    assert_eq!(v["total"], 8);
    // And to a zip.
    let zip = dir.join("out.zip");
    let o = run(&["convert", "--from", "w3c", "--to", "brat", "--text", p(&article), p(&w3c), "-o", p(&zip)]);
    assert_eq!(o.status.code(), Some(3));
    assert!(std::fs::read(&zip).unwrap().starts_with(b"PK\x03\x04"));
    let o = run(&["convert", "--to", "csv", p(&zip)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(String::from_utf8(o.stdout).unwrap().lines().count(), 9, "a header and 8 rows on stdout");
}

#[test]
fn stdin_to_stdout_with_the_text_from_the_file() {
    let line = serde_json::json!({"text": "Miao Wei 👋🏽 met Nikolai Nikiforov in Beijing.", "label": [[0, 8, "PER"], [16, 33, "PER"], [37, 44, "GPE"]]});
    let mut child = bin().args(["convert", "--from", "doccano", "--to", "conll", "-"]).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), format!("{line}\n").as_bytes()).unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = String::from_utf8(o.stdout).unwrap();
    // Labels as the file spells them.
    assert!(out.contains("Miao _ _ B-PER\nWei _ _ I-PER\n👋🏽 _ _ O\nmet _ _ O\nNikolai _ _ B-PER\n"), "{out}");
    assert!(out.contains("Beijing _ _ B-GPE\n. _ _ O\n"), "{out}");
}

#[test]
fn html_and_plain_text_articles() {
    let dir = scratch("html");
    let html = dir.join("story.html");
    std::fs::write(
        &html,
        "<!doctype html><html><head><title>x</title><script>alert(1)</script></head><body><h1>Trade &amp; software</h1>\
         <p>Nikolai&nbsp;Nikiforov said <a href=\"https://example.org\" onclick=\"x()\">the Kremlin</a> agreed.<p>Second &#x1F44B; paragraph</body></html>",
    )
    .unwrap();
    let w3c = dir.join("a.jsonl");
    std::fs::write(&w3c, r#"{"id":"urn:x:1","body":{"value":"organization","purpose":"tagging"},"target":{"selector":{"type":"TextQuoteSelector","exact":"the Kremlin"}}}"#).unwrap();
    let o = run(&["convert", "--from", "jsonl", "--to", "doccano", "--text", p(&html), p(&w3c)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(String::from_utf8(o.stdout).unwrap().trim()).unwrap();
    assert_eq!(v["text"], "Trade & software\n\nNikolai Nikiforov said the Kremlin agreed.\n\nSecond 👋 paragraph");
    assert_eq!(v["label"], serde_json::json!([[41, 52, "organization"]]), "the label as the file spells it");
    let o = run(&["convert", "--from", "jsonl", "--to", "doccano", "--text", p(&html), "--text-format", "text", p(&w3c)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(String::from_utf8(o.stdout).unwrap().trim()).unwrap();
    assert!(v["text"].as_str().unwrap().contains("<h1>Trade &amp; software</h1>"), "--text-format text reads the markup as text");
}

#[test]
fn errors_name_the_problem_and_set_the_exit_code() {
    let dir = scratch("errors");
    let article = fixtures().join("moscow-times-2014-08-18.md");
    let w3c = fixtures().join("golden/test-doc.annotations.jsonld");
    let cases: Vec<(Vec<String>, i32, &str)> = vec![
        (vec!["convert".into(), "--to".into(), "nope".into(), p(&w3c).into()], 2, "unknown format \"nope\""),
        (vec!["convert".into(), "--from".into(), "conll".into(), "--to".into(), "w3c".into(), p(&w3c).into()], 2, "conll cannot be read"),
        (vec!["convert".into(), p(&w3c).into()], 2, "--to FORMAT is required"),
        (vec!["convert".into(), "--to".into(), "csv".into(), p(&w3c).into()], 2, "w3c files do not carry the article's text; give it with --text"),
        (vec!["convert".into(), "--to".into(), "csv".into(), "--text".into(), p(&article).into(), p(&dir.join("missing.json")).into()], 1, "cannot read"),
        (vec!["convert".into(), "--to".into(), "brat".into(), "--text".into(), p(&article).into(), p(&w3c).into()], 2, "brat writes several files: give -o DIRECTORY"),
        (vec!["frobnicate".into()], 2, "unknown command"),
        (vec!["convert".into(), "--to".into(), "csv".into(), "--bogus".into()], 2, "unknown option --bogus"),
    ];
    for (args, code, message) in cases {
        let o = bin().args(&args).output().unwrap();
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(code), "{args:?}: {err}");
        assert!(err.contains(message) && err.starts_with("error: "), "{args:?}: {err}");
        assert!(o.stdout.is_empty(), "nothing on stdout when failing");
    }
    let bad = dir.join("bad.jsonld");
    std::fs::write(&bad, "{ not json").unwrap();
    let o = run(&["convert", "--from", "w3c", "--to", "csv", "--text", p(&article), p(&bad)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("not JSON"), "{}", stderr(&o));
    let partly = dir.join("partly.jsonl");
    std::fs::write(&partly, "{\"text\": \"Hello Anna\", \"label\": [[6, 10, \"PER\"], [0, 99, \"PER\"]]}\n").unwrap();
    let out = dir.join("partly.csv");
    let o = run(&["convert", "--to", "csv", p(&partly), "-o", p(&out)]);
    assert_eq!(o.status.code(), Some(3));
    assert!(stderr(&o).contains("warning: ") && stderr(&o).contains("line 1, label[1]: end 99 is past the end of the text (10 code points); skipped"), "{}", stderr(&o));
    assert!(std::fs::read_to_string(&out).unwrap().contains(",Anna,"), "the valid span was converted");
    // CSV holds one document: a corpus of two is refused, and nothing is written.
    let two = dir.join("two.jsonl");
    std::fs::write(&two, "{\"text\": \"Hello Anna\", \"label\": []}\n{\"text\": \"Bye\", \"label\": []}\n").unwrap();
    let none = dir.join("two.csv");
    let o = run(&["convert", "--to", "csv", p(&two), "-o", p(&none)]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("csv holds one document, and the input holds more"), "{}", stderr(&o));
    assert!(!none.exists(), "no partial output");
}
