//! `article-annotator`, the command-line converter: reads an annotation file in one
//! format and writes it in another, anchored in an article read from Markdown, HTML or
//! plain text. It shares `core` with the widget, so offsets and formats are the same.
//!
//! Invariants: errors go to stderr, results to the output file or stdout; the exit code
//! says what happened (0 done, 1 the input could not be read, 2 wrong usage, 3 written
//! but something was skipped, orphaned or left out; each named on stderr). It never
//! writes a partial output file: files are written only after the conversion succeeded.

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    std::process::exit(cli::run(std::env::args().skip(1).collect()));
}

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use article_annotator::core::article::parse_markdown;
    use article_annotator::core::corpus::write::{Chunk, DocReport, Options, Predictions, Writer};
    use article_annotator::core::corpus::{self, bridge};
    use article_annotator::core::document::Document;
    use article_annotator::core::format::catalog::{self, Format};
    use article_annotator::core::format::zip;
    use article_annotator::core::html_read;
    use article_annotator::core::model::Timestamp;
    use article_annotator::core::sanitize::document_from_html;
    use article_annotator::core::schema::Schema;
    use std::io::{Read, Write};
    use std::path::{Path, PathBuf};

    const USAGE: &str = "\
article-annotator: convert annotation files between formats, with exact offsets.

USAGE:
    article-annotator convert [--from FORMAT] --to FORMAT [--text ARTICLE]... [OPTIONS] INPUT [-o OUTPUT]
    article-annotator formats
    article-annotator --help | --version

A file is a corpus: every document it holds (doccano, spaCy/Prodigy and Label Studio
records, the .ann/.txt pairs of a brat directory or zip, the sources of a W3C file) is
converted, each with its text exactly as the file has it; positions are code points of
that text, and labels, ids, tokens, answers and predictions are kept where the target
format has a place for them. Anything it has no place for is named on stderr.

CONVERT:
    INPUT                 the annotation file (`-` for stdin); for brat, a directory of .ann
                          and .txt files, a .zip of them, or one .ann (its .txt beside it)
    --from FORMAT         the input's format; guessed from its name and content if omitted
    --to FORMAT           the output format (see `article-annotator formats`)
    --text ARTICLE        the article W3C annotations belong to (W3C files carry no text;
                          repeat it for a file whose annotations target several articles:
                          each source goes to the article holding its quotes). Given with a
                          format that carries its text, the document that is this article is
                          mapped into the article's text as the widget shows it (white space
                          folded) and the other documents are not converted.
                          .md is Markdown, .html/.htm HTML (read through the widget's
                          allowlist), anything else plain text
    --text-format F       read ARTICLE as `markdown`, `html` or `text` whatever its name
    --schema FILE         entity types as JSON ({\"types\": [{\"id\", \"label\", \"colour\", \"key\"}]});
                          brat's annotation.conf declares them beside the types the data uses
    --answers accept|all  Prodigy examples: only accepted ones (the default), or all of them
                          with their answer
    --predictions MODE    Label Studio predictions: `separate` (the default: kept as
                          predictions by Label Studio, left out by other formats), `merge`
                          (written as annotations) or `drop` (not converted)
    --document-id ID      the name of a document that has none (default: the article's file name)
    --source IRI          the article's IRI in W3C targets (default: the document's name if it
                          is an IRI, else a URN of it)
    --report FILE         write a JSON report: per document, items read, written, left out
                          and why, and the reader's warnings
    -o, --output PATH     where to write: a file, or `-` for stdout (the default). brat
                          writes each document's .txt and .ann and one annotation.conf into
                          PATH as a directory, or one stored zip if PATH ends in .zip

EXIT CODES:
    0  converted: every item arrived whole    1  input unreadable    2  wrong usage
    3  written, but something was left out, changed, or warned about (named on stderr)

EXAMPLES:
    article-annotator convert --from w3c --to brat --text article.md annotations.jsonld -o out/
    article-annotator convert --to doccano brat-corpus/ -o corpus.jsonl --report report.json
";

    struct Args {
        from: Option<Format>,
        to: Format,
        texts: Vec<PathBuf>,
        text_format: Option<String>,
        schema: Option<PathBuf>,
        document_id: Option<String>,
        source: Option<String>,
        report: Option<PathBuf>,
        all_answers: bool,
        predictions: Predictions,
        input: String,
        output: Option<String>,
    }

    /// An error with its exit code.
    struct Fail(i32, String);

    fn usage(msg: impl Into<String>) -> Fail {
        Fail(2, format!("{}\nRun `article-annotator --help` for usage.", msg.into()))
    }

    fn parse_format(name: &str, export: bool) -> Result<Format, Fail> {
        let f = Format::parse(name).ok_or_else(|| usage(format!("unknown format {name:?}; known: {}", Format::names(export))))?;
        let info = f.info();
        if export && !info.export {
            return Err(usage(format!("{} cannot be written", info.name)));
        }
        if !export && !info.import {
            return Err(usage(format!("{} cannot be read; readable formats: {}", info.name, Format::names(false))));
        }
        Ok(f)
    }

    fn parse_args(args: &[String]) -> Result<Args, Fail> {
        let mut it = args.iter();
        let mut a = Args {
            from: None,
            to: Format::W3c,
            texts: Vec::new(),
            text_format: None,
            schema: None,
            document_id: None,
            source: None,
            report: None,
            all_answers: false,
            predictions: Predictions::Separate,
            input: String::new(),
            output: None,
        };
        let (mut to, mut input) = (None, None);
        while let Some(arg) = it.next() {
            let mut value = |name: &str| it.next().cloned().ok_or_else(|| usage(format!("{name} needs a value")));
            match arg.as_str() {
                "--from" | "-f" => a.from = Some(parse_format(&value(arg)?, false)?),
                "--to" | "-t" => to = Some(parse_format(&value(arg)?, true)?),
                "--text" => a.texts.push(PathBuf::from(value(arg)?)),
                "--text-format" => a.text_format = Some(value(arg)?),
                "--schema" => a.schema = Some(PathBuf::from(value(arg)?)),
                "--document-id" => a.document_id = Some(value(arg)?),
                "--source" => a.source = Some(value(arg)?),
                "--report" => a.report = Some(PathBuf::from(value(arg)?)),
                "--answers" => {
                    a.all_answers = match value(arg)?.as_str() {
                        "accept" => false,
                        "all" => true,
                        other => return Err(usage(format!("--answers {other:?}: expected accept or all"))),
                    }
                }
                "--predictions" => {
                    a.predictions = match value(arg)?.as_str() {
                        "separate" => Predictions::Separate,
                        "merge" => Predictions::Merge,
                        "drop" => Predictions::Drop,
                        other => return Err(usage(format!("--predictions {other:?}: expected separate, merge or drop"))),
                    }
                }
                "-o" | "--output" => a.output = Some(value(arg)?),
                s if s.starts_with('-') && s != "-" => return Err(usage(format!("unknown option {s}"))),
                s if input.is_none() => input = Some(s.to_string()),
                s => return Err(usage(format!("unexpected argument {s:?}: one INPUT only"))),
            }
        }
        a.to = to.ok_or_else(|| usage("--to FORMAT is required"))?;
        if a.to == Format::Brat && a.output.as_deref().is_none_or(|o: &str| o == "-") {
            return Err(usage("brat writes several files: give -o DIRECTORY (or -o NAME.zip)"));
        }
        a.input = input.ok_or_else(|| usage("INPUT is required (a file, a directory for brat, or - for stdin)"))?;
        Ok(a)
    }

    fn read(path: &Path) -> Result<Vec<u8>, Fail> {
        std::fs::read(path).map_err(|e| Fail(1, format!("cannot read {}: {e}", path.display())))
    }

    /// The bytes as text without a BOM, checked, in place (a large input is held once).
    fn utf8(mut bytes: Vec<u8>, what: &str) -> Result<String, Fail> {
        corpus::utf8(&bytes).map_err(|e| Fail(1, format!("{what}: {e}")))?;
        if bytes.starts_with(b"\xef\xbb\xbf") {
            bytes.drain(..3);
        }
        String::from_utf8(bytes).map_err(|e| Fail(1, format!("{what}: {e}")))
    }

    /// The article from its file, by `--text-format` or its extension, and its text when
    /// it is plain text.
    fn read_article(path: &Path, forced: Option<&str>) -> Result<(Document, Option<String>), Fail> {
        let text = utf8(read(path)?, &path.display().to_string())?;
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        let kind = forced.map(str::to_ascii_lowercase).unwrap_or_else(|| match ext.as_str() {
            "md" | "markdown" | "mdown" => "markdown".into(),
            "html" | "htm" | "xhtml" => "html".into(),
            _ => "text".into(),
        });
        match kind.as_str() {
            "markdown" | "md" => Ok((parse_markdown(&text), None)),
            "html" | "htm" => Ok((document_from_html(&html_read::parse(&text)), None)),
            "text" | "txt" | "plain" => Ok((Document::from_plain_text(&text), Some(text))),
            other => Err(usage(format!("--text-format {other:?}: expected markdown, html or text"))),
        }
    }

    fn now() -> Timestamp {
        let ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64);
        Timestamp(ms)
    }

    /// Where the input's documents come from.
    enum Input {
        /// brat files by stem: `(stem, .ann, .txt)`, read one document at a time.
        BratFiles(Vec<(String, Option<PathBuf>, Option<PathBuf>)>),
        /// A stored zip of brat files.
        BratZip(Vec<zip::Entry>),
        /// One file of another format (or stdin), as text.
        Text(String, String),
    }

    fn list_input(input: &str, from: Option<Format>, has_text: bool) -> Result<Input, Fail> {
        if input == "-" {
            let mut buf = Vec::new();
            std::io::stdin().read_to_end(&mut buf).map_err(|e| Fail(1, format!("cannot read stdin: {e}")))?;
            if buf.starts_with(b"PK\x03\x04") {
                return zip::read(&buf).map(Input::BratZip).map_err(|e| Fail(1, format!("stdin: {e}")));
            }
            return Ok(Input::Text(String::new(), utf8(buf, "stdin")?));
        }
        let path = PathBuf::from(input);
        if path.is_dir() {
            let mut names: Vec<String> = std::fs::read_dir(&path)
                .map_err(|e| Fail(1, format!("cannot read directory {input}: {e}")))?
                .filter_map(Result::ok)
                .filter_map(|e| e.file_name().into_string().ok())
                .collect();
            names.sort();
            let pairs: Vec<_> = corpus::brat::pair(&names)
                .into_iter()
                .map(|(stem, a, t)| (stem, a.map(|i| path.join(&names[i])), t.map(|i| path.join(&names[i]))))
                .collect();
            if !pairs.iter().any(|(_, a, _)| a.is_some()) {
                return Err(Fail(1, format!("{input} holds no .ann file")));
            }
            return Ok(Input::BratFiles(pairs));
        }
        let bytes = read(&path)?;
        if bytes.starts_with(b"PK\x03\x04") {
            return zip::read(&bytes).map(Input::BratZip).map_err(|e| Fail(1, format!("{input}: {e}")));
        }
        let is_ann = path.extension().is_some_and(|x| x == "ann") || from == Some(Format::Brat);
        if is_ann {
            let txt = path.with_extension("txt");
            let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            if !txt.is_file() && !has_text {
                return Err(usage(format!("{input}: its .txt ({}) is not beside it; give the article with --text ARTICLE", txt.display())));
            }
            return Ok(Input::BratFiles(vec![(stem, Some(path.clone()), txt.is_file().then_some(txt))]));
        }
        Ok(Input::Text(path.display().to_string(), utf8(bytes, input)?))
    }

    type DocResult = Result<(corpus::Doc, Vec<corpus::Issue>), corpus::Issue>;

    /// The input's documents, one at a time (a brat document's files are read when it comes).
    fn documents<'a>(input: &'a Input, from: Format, fallback_text: Option<&'a str>) -> Result<Box<dyn Iterator<Item = Result<DocResult, Fail>> + 'a>, Fail> {
        match input {
            Input::BratFiles(pairs) => Ok(Box::new(pairs.iter().map(move |(stem, ann, txt)| {
                let ann = match ann {
                    Some(p) => utf8(read(p)?, &p.display().to_string())?,
                    None => String::new(),
                };
                let txt = match (txt, fallback_text) {
                    (Some(p), _) => corpus::utf8_with_bom(&read(p)?).map(str::to_string).map_err(|e| Fail(1, format!("{}: {e}", p.display())))?,
                    (None, Some(t)) => t.to_string(),
                    (None, None) => return Err(Fail(1, format!("{stem}.ann has no {stem}.txt beside it"))),
                };
                Ok(Ok(corpus::brat::read(&ann, &txt, Some(stem.clone()))))
            }))),
            Input::BratZip(entries) => {
                let names: Vec<String> = entries.iter().map(|e| e.name.clone()).collect();
                let pairs = corpus::brat::pair(&names);
                if !pairs.iter().any(|(_, a, _)| a.is_some()) {
                    return Err(Fail(1, "the archive has no .ann file".into()));
                }
                Ok(Box::new(pairs.into_iter().map(move |(stem, ann, txt)| {
                    let text = |i: usize| corpus::utf8(&entries[i].data).map(str::to_string).map_err(|e| Fail(1, format!("{}: {e}", entries[i].name)));
                    let with_bom = |i: usize| corpus::utf8_with_bom(&entries[i].data).map(str::to_string).map_err(|e| Fail(1, format!("{}: {e}", entries[i].name)));
                    let ann = ann.map(text).transpose()?.unwrap_or_default();
                    let txt = match (txt, fallback_text) {
                        (Some(t), _) => with_bom(t)?,
                        (None, Some(t)) => t.to_string(),
                        (None, None) => return Err(Fail(1, format!("{stem}.ann has no {stem}.txt in the archive"))),
                    };
                    let stem = stem.rsplit('/').next().unwrap_or(&stem).to_string();
                    Ok(Ok(corpus::brat::read(&ann, &txt, Some(stem))))
                })))
            }
            Input::Text(_, text) => match corpus::record_reader(from) {
                Some(reader) => Ok(Box::new(corpus::read_records(reader, text).map(Ok))),
                None => Err(usage(format!("{} files do not carry the article's text; give it with --text ARTICLE", from.info().name))),
            },
        }
    }

    /// Where the output goes while it is written: to stdout or a zip, kept in memory
    /// until the end; to a file or a directory, streamed into temporary files beside
    /// them, which take their names only when the whole conversion succeeded (and are
    /// removed if it did not).
    enum Sink {
        Memory { main: String, files: Vec<(String, String)> },
        File { tmp: PathBuf, to: PathBuf, file: std::io::BufWriter<std::fs::File> },
        Dir { tmp: PathBuf, to: PathBuf },
    }

    struct Out {
        sink: Sink,
        committed: bool,
    }

    fn partial(path: &Path) -> PathBuf {
        path.with_file_name(format!(".{}.partial-{}", path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(), std::process::id()))
    }

    impl Out {
        fn new(to: Format, output: Option<&str>) -> Result<Out, Fail> {
            let fail = |p: &Path, e: std::io::Error| Fail(1, format!("cannot write {}: {e}", p.display()));
            let sink = match output {
                None | Some("-") => Sink::Memory { main: String::new(), files: Vec::new() },
                Some(o) if to == Format::Brat && o.ends_with(".zip") => Sink::Memory { main: String::new(), files: Vec::new() },
                Some(o) if to == Format::Brat => {
                    let to = PathBuf::from(o);
                    let tmp = partial(&to);
                    std::fs::create_dir_all(&tmp).map_err(|e| fail(&tmp, e))?;
                    Sink::Dir { tmp, to }
                }
                Some(o) => {
                    let to = PathBuf::from(o);
                    let tmp = partial(&to);
                    let file = std::fs::File::create(&tmp).map_err(|e| fail(&tmp, e))?;
                    Sink::File { tmp, to, file: std::io::BufWriter::new(file) }
                }
            };
            Ok(Out { sink, committed: false })
        }
        fn take(&mut self, chunks: Vec<Chunk>) -> Result<(), Fail> {
            for c in chunks {
                match (&mut self.sink, c.file) {
                    (Sink::Memory { main, .. }, None) => main.push_str(&c.text),
                    (Sink::Memory { files, .. }, Some(name)) => files.push((name, c.text)),
                    (Sink::File { tmp, file, .. }, _) => file.write_all(c.text.as_bytes()).map_err(|e| Fail(1, format!("cannot write {}: {e}", tmp.display())))?,
                    (Sink::Dir { tmp, .. }, Some(name)) => {
                        let p = tmp.join(&name);
                        std::fs::write(&p, c.text).map_err(|e| Fail(1, format!("cannot write {}: {e}", p.display())))?;
                    }
                    (Sink::Dir { .. }, None) => {}
                }
            }
            Ok(())
        }
        fn commit(mut self, to: Format, output: Option<&str>) -> Result<(), Fail> {
            let fail = |p: &Path, e: std::io::Error| Fail(1, format!("cannot write {}: {e}", p.display()));
            self.committed = true;
            match &mut self.sink {
                Sink::Memory { main, files } => match output {
                    Some(o) if to == Format::Brat && o != "-" => {
                        let entries: Vec<(&str, &[u8])> = files.iter().map(|(n, t)| (n.as_str(), t.as_bytes())).collect();
                        write_atomic(Path::new(o), &zip::write(&entries)).map_err(|e| fail(Path::new(o), e))
                    }
                    _ => {
                        let mut out = std::io::stdout().lock();
                        out.write_all(main.as_bytes()).and_then(|()| out.flush()).map_err(|e| Fail(1, format!("cannot write to stdout: {e}")))
                    }
                },
                Sink::File { tmp, to, file } => {
                    file.flush().map_err(|e| fail(tmp, e))?;
                    std::fs::rename(&*tmp, &*to).map_err(|e| fail(to, e))
                }
                Sink::Dir { tmp, to } => {
                    std::fs::create_dir_all(&*to).map_err(|e| fail(to, e))?;
                    let entries = std::fs::read_dir(&*tmp).map_err(|e| fail(tmp, e))?;
                    for e in entries.filter_map(Result::ok) {
                        let dest = to.join(e.file_name());
                        std::fs::rename(e.path(), &dest).map_err(|err| fail(&dest, err))?;
                    }
                    std::fs::remove_dir(&*tmp).map_err(|e| fail(tmp, e))
                }
            }
        }
    }

    impl Drop for Out {
        // A conversion that failed leaves no partial output behind.
        fn drop(&mut self) {
            if !self.committed {
                match &self.sink {
                    Sink::File { tmp, .. } => drop(std::fs::remove_file(tmp)),
                    Sink::Dir { tmp, .. } => drop(std::fs::remove_dir_all(tmp)),
                    Sink::Memory { .. } => {}
                }
            }
        }
    }

    /// Writes a file under a temporary name beside it, then renames it into place.
    fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
        let tmp = path.with_file_name(format!(".{}.partial-{}", path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(), std::process::id()));
        std::fs::write(&tmp, bytes)?;
        std::fs::rename(&tmp, path).inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })
    }

    fn convert(args: Args) -> Result<i32, Fail> {
        let has_text = !args.texts.is_empty();
        let input = list_input(&args.input, args.from, has_text)?;
        let from = match (&input, args.from) {
            (_, Some(f)) => f,
            (Input::BratFiles(_) | Input::BratZip(_), None) => Format::Brat,
            (Input::Text(name, text), None) => catalog::sniff(name, text).ok_or_else(|| usage(format!("cannot tell the format of {}; give --from", args.input)))?,
        };
        let schema = match &args.schema {
            Some(p) => Schema::from_json(&utf8(read(p)?, &p.display().to_string())?).map_err(|e| Fail(1, format!("{}: {e}", p.display())))?,
            None => Schema::default(),
        };
        let articles: Vec<corpus::w3c::Article> =
            args.texts
            .iter()
            .map(|p| {
                let (doc, plain) = read_article(p, args.text_format.as_deref())?;
                Ok(corpus::w3c::Article { name: p.display().to_string(), doc, plain })
            })
            .collect::<Result<_, Fail>>()?;
        // Formats that carry their text get a plain-text article as it was written (its
        // line breaks and runs of spaces), with positions mapped onto it exactly; W3C,
        // CSV and ClaimReview count in the article as the widget shows it.
        let onto_plain = !matches!(args.to, Format::W3c | Format::Jsonl | Format::Csv | Format::ClaimReview);
        let now = now();
        let document_id = args
            .document_id
            .clone()
            .or_else(|| args.texts.first().and_then(|p| p.file_stem()).map(|s| s.to_string_lossy().into_owned()))
            .or_else(|| Path::new(&args.input).file_stem().map(|s| s.to_string_lossy().into_owned()).filter(|s| !s.is_empty() && args.input != "-"))
            .unwrap_or_else(|| "article".into());
        let opts = Options {
            predictions: args.predictions,
            all_answers: args.all_answers,
            schema_types: schema.types().iter().map(|t| t.label.clone()).collect(),
            schema: schema.clone(),
            now,
            collection: format!("urn:article-annotator:collection:{}", catalog::file_stem(&document_id)),
        };
        let mut writer = Writer::new(args.to, opts);
        let mut out = Out::new(args.to, args.output.as_deref())?;
        out.take(writer.start())?;
        let mut reports: Vec<DocReport> = Vec::new();
        let mut file_issues: Vec<corpus::Issue> = Vec::new();
        let mut count = 0usize;
        let mut push = |doc: corpus::Doc, issues: Vec<corpus::Issue>, out: &mut Out, reports: &mut Vec<DocReport>| -> Result<(), Fail> {
            let mut doc = doc;
            if let Some(id) = &args.document_id {
                if doc.name.is_none() {
                    doc.name = Some(id.clone());
                }
            }
            if let (Some(s), true) = (&args.source, count == 0) {
                if matches!(args.to, Format::W3c | Format::Jsonl | Format::ClaimReview | Format::Csv) {
                    doc.name = Some(s.clone());
                }
            }
            let (chunks, report) = writer.push(doc, count, issues).map_err(|m| Fail(2, m))?;
            count += 1;
            out.take(chunks)?;
            reports.push(report);
            Ok(())
        };
        if matches!(from, Format::W3c | Format::Jsonl) {
            if articles.is_empty() {
                return Err(usage(format!("{} files do not carry the article's text; give it with --text ARTICLE", from.info().name)));
            }
            let Input::Text(_, text) = &input else { return Err(usage(format!("{} input must be one file", from.info().name))) };
            let (docs, issues) = corpus::w3c::read(text, from == Format::Jsonl, &articles, &schema, now, onto_plain).map_err(|m| Fail(1, format!("{}: {m}", display(&args.input))))?;
            file_issues.extend(issues);
            let single = docs.len() == 1;
            for (mut d, issues) in docs {
                // One article: its files are named after it, as the widget names its export.
                if single && !matches!(args.to, Format::W3c | Format::Jsonl) {
                    d.name = Some(document_id.clone());
                }
                push(d, issues, &mut out, &mut reports)?;
            }
        } else if !articles.is_empty() {
            // Explicit mapping into the article's canonical text (as the widget shows it).
            let fallback = articles[0].doc.text().to_string();
            let mut docs = Vec::new();
            for d in documents(&input, from, Some(&fallback))? {
                match d? {
                    Ok(x) => docs.push(x),
                    Err(i) => file_issues.push(i),
                }
            }
            for a in &articles {
                let (keep_ids, carries) = match from {
                    Format::LabelStudio => (true, article_annotator::core::format::labelstudio::CARRIES),
                    _ => (false, article_annotator::core::format::Carries::SPANS),
                };
                let imported = bridge::into_article(docs.iter().cloned().map(Ok).collect(), from.info().name, keep_ids, carries, &a.doc, &schema, now);
                let mut issues: Vec<corpus::Issue> = imported.issues.iter().map(|i| corpus::issue(&i.location, if i.field.is_empty() { i.message.clone() } else { format!("{}: {}", i.field, i.message) })).collect();
                let (anchored, orphans): (Vec<_>, Vec<_>) = imported.annotations.into_iter().partition(|x| !x.is_orphan());
                for o in &orphans {
                    issues.push(corpus::issue(o.id.as_str(), format!("its text {:?} is not in {}; left out", o.target.quote.exact(), a.name)));
                }
                if imported.other_documents > 0 {
                    issues.push(corpus::issue("file", format!("{} other documents of the input are not {}; they are not converted", imported.other_documents, a.name)));
                }
                let label_of = |x: &article_annotator::core::model::Annotation| match &x.body {
                    article_annotator::core::model::Body::Entity(t) => schema.label(t).to_string(),
                    article_annotator::core::model::Body::Claim(_) => bridge::CLAIM.to_string(),
                };
                let mut d = bridge::from_annotations(Some(document_id.clone()), a.doc.text().to_string(), &anchored, &label_of);
                // The dates are the import's own stamps, not the file's.
                for s in &mut d.spans {
                    s.fields.retain(|k, _| k == "creator");
                }
                if let (true, Some(plain)) = (onto_plain, &a.plain) {
                    bridge::onto_source(&mut d, plain, &a.doc);
                }
                push(d, issues, &mut out, &mut reports)?;
            }
        } else {
            for d in documents(&input, from, None)? {
                match d? {
                    Ok((doc, issues)) => push(doc, issues, &mut out, &mut reports)?,
                    Err(i) => file_issues.push(i),
                }
            }
        }
        out.take(writer.finish())?;
        out.commit(args.to, args.output.as_deref())?;
        if let Some(p) = &args.report {
            let json = corpus::write::report_json(display(&args.input), from.info().name, args.to.info().name, &reports, &file_issues);
            write_atomic(p, json.as_bytes()).map_err(|e| Fail(1, format!("cannot write {}: {e}", p.display())))?;
        }
        let mut problems = 0usize;
        let input_name = display(&args.input);
        for i in &file_issues {
            eprintln!("warning: {input_name}: {i}");
            problems += 1;
        }
        let many = reports.len() > 1;
        for r in &reports {
            let at = if many { format!("{input_name}: {}", r.name) } else { input_name.to_string() };
            for i in &r.issues {
                eprintln!("warning: {at}: {i}");
                problems += 1;
            }
            for l in &r.left_out {
                eprintln!("note: left out of {}: {at}: {}: {}", args.to.info().name, l.item, l.why);
                problems += 1;
            }
            for l in &r.changed {
                eprintln!("note: changed in {}: {at}: {}: {}", args.to.info().name, l.item, l.why);
                problems += 1;
            }
            if let Some(why) = &r.excluded_why {
                eprintln!("note: not converted: {at}: {} items: {why}", r.excluded);
            }
        }
        let sum = |f: &dyn Fn(&DocReport) -> usize| reports.iter().map(f).sum::<usize>();
        eprintln!(
            "{} read from {input_name} ({}): {} items, {} written as {}, {} left out, {} not converted by request",
            catalog::count(reports.len(), "document", "documents"),
            from.info().name,
            sum(&|r| r.read.total()),
            sum(&|r| r.written),
            args.to.info().name,
            sum(&|r| r.left_out.len()),
            sum(&|r| r.excluded),
        );
        Ok(if problems > 0 { 3 } else { 0 })
    }

    fn display(input: &str) -> &str {
        if input == "-" {
            "stdin"
        } else {
            input
        }
    }

    /// The table of what each format holds, as README.md has it.
    fn formats() -> String {
        let widths = [6, 6, 11, 11, 8, 5, 8, 7, 3, 23];
        let row = |name: &str, cells: [&str; 10]| {
            let mut line = format!("{name:<18}");
            for (c, w) in cells.iter().zip(widths) {
                line.push_str(&format!(" {c:<w$}"));
            }
            line.trim_end().to_string() + "\n"
        };
        let mut s = row("format", catalog::Info::COLUMNS);
        for f in Format::ALL {
            s.push_str(&row(f.info().name, f.info().cells()));
        }
        s
    }

    pub fn run(args: Vec<String>) -> i32 {
        let result = match args.first().map(String::as_str) {
            None | Some("-h" | "--help" | "help") => {
                print!("{USAGE}");
                return 0;
            }
            Some("-V" | "--version") => {
                println!("article-annotator {}", env!("CARGO_PKG_VERSION"));
                return 0;
            }
            Some("formats") => {
                print!("{}", formats());
                return 0;
            }
            Some("convert") if args[1..].iter().any(|a| a == "-h" || a == "--help") => {
                print!("{USAGE}");
                return 0;
            }
            Some("convert") => parse_args(&args[1..]).and_then(convert),
            Some(other) => Err(usage(format!("unknown command {other:?}; expected `convert` or `formats`"))),
        };
        match result {
            Ok(code) => code,
            Err(Fail(code, msg)) => {
                eprintln!("error: {msg}");
                code
            }
        }
    }
}
