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
    use article_annotator::core::document::Document;
    use article_annotator::core::edit::{apply, AnnotationSet};
    use article_annotator::core::format::catalog::{self, ExportContext, Format};
    use article_annotator::core::format::{merge_edit, w3c, zip};
    use article_annotator::core::html_read;
    use article_annotator::core::model::Timestamp;
    use article_annotator::core::sanitize::document_from_html;
    use article_annotator::core::schema::Schema;
    use std::io::{Read, Write};
    use std::path::{Path, PathBuf};

    const USAGE: &str = "\
article-annotator: convert annotation files between formats, with exact offsets.

USAGE:
    article-annotator convert [--from FORMAT] --to FORMAT [--text ARTICLE] [OPTIONS] INPUT [-o OUTPUT]
    article-annotator formats
    article-annotator --help | --version

CONVERT:
    INPUT                 the annotation file (`-` for stdin); for brat, the .ann (its .txt
                          beside it is read too), a directory holding them, or a .zip
    --from FORMAT         the input's format; guessed from its name and content if omitted
    --to FORMAT           the output format (see `article-annotator formats`)
    --text ARTICLE        the article the annotations belong to: .md (Markdown), .html/.htm
                          (HTML, read through the widget's allowlist) or anything else as
                          plain text. Optional when the input carries its text (doccano,
                          spaCy, Label Studio, brat with its .txt)
    --text-format F       read ARTICLE as `markdown`, `html` or `text` whatever its name
    --schema FILE         entity types as JSON ({\"types\": [{\"id\", \"label\", \"colour\", \"key\"}]})
    --document-id ID      the document id (default: the article's file name)
    --source IRI          the article's IRI in W3C targets (default: its canonical URL if it
                          has one, else a URN of the document id)
    -o, --output PATH     where to write: a file, or `-` for stdout (the default). brat
                          writes .txt, .ann and annotation.conf into PATH as a directory,
                          or one stored zip if PATH ends in .zip

EXIT CODES:
    0  converted        1  input unreadable        2  wrong usage
    3  written, but items were skipped, orphaned or left out (named on stderr)

EXAMPLE:
    article-annotator convert --from w3c --to brat --text article.md annotations.jsonld -o out/
";

    struct Args {
        from: Option<Format>,
        to: Format,
        text: Option<PathBuf>,
        text_format: Option<String>,
        schema: Option<PathBuf>,
        document_id: Option<String>,
        source: Option<String>,
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
        let (mut from, mut to, mut text, mut text_format, mut schema, mut document_id, mut source, mut input, mut output) =
            (None, None, None, None, None, None, None, None, None);
        while let Some(a) = it.next() {
            let mut value = |name: &str| it.next().cloned().ok_or_else(|| usage(format!("{name} needs a value")));
            match a.as_str() {
                "--from" | "-f" => from = Some(parse_format(&value(a)?, false)?),
                "--to" | "-t" => to = Some(parse_format(&value(a)?, true)?),
                "--text" => text = Some(PathBuf::from(value(a)?)),
                "--text-format" => text_format = Some(value(a)?),
                "--schema" => schema = Some(PathBuf::from(value(a)?)),
                "--document-id" => document_id = Some(value(a)?),
                "--source" => source = Some(value(a)?),
                "-o" | "--output" => output = Some(value(a)?),
                s if s.starts_with('-') && s != "-" => return Err(usage(format!("unknown option {s}"))),
                s if input.is_none() => input = Some(s.to_string()),
                s => return Err(usage(format!("unexpected argument {s:?}: one INPUT only"))),
            }
        }
        let to = to.ok_or_else(|| usage("--to FORMAT is required"))?;
        if to == Format::Brat && output.as_deref().is_none_or(|o: &str| o == "-") {
            return Err(usage("brat writes several files: give -o DIRECTORY (or -o NAME.zip)"));
        }
        Ok(Args {
            from,
            to,
            text,
            text_format,
            schema,
            document_id,
            source,
            input: input.ok_or_else(|| usage("INPUT is required (a file, a directory for brat, or - for stdin)"))?,
            output,
        })
    }

    fn read(path: &Path) -> Result<Vec<u8>, Fail> {
        std::fs::read(path).map_err(|e| Fail(1, format!("cannot read {}: {e}", path.display())))
    }

    fn utf8(bytes: Vec<u8>, what: &str) -> Result<String, Fail> {
        String::from_utf8(bytes).map_err(|e| Fail(1, format!("{what} is not UTF-8 text (invalid byte at offset {})", e.utf8_error().valid_up_to())))
    }

    /// The article from its file, by `--text-format` or its extension.
    fn read_article(path: &Path, forced: Option<&str>) -> Result<Document, Fail> {
        let text = utf8(read(path)?, &path.display().to_string())?;
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        let kind = forced.map(str::to_ascii_lowercase).unwrap_or_else(|| match ext.as_str() {
            "md" | "markdown" | "mdown" => "markdown".into(),
            "html" | "htm" | "xhtml" => "html".into(),
            _ => "text".into(),
        });
        match kind.as_str() {
            "markdown" | "md" => Ok(parse_markdown(&text)),
            "html" | "htm" => Ok(document_from_html(&html_read::parse(&text))),
            "text" | "txt" | "plain" => Ok(Document::from_plain_text(&text)),
            other => Err(usage(format!("--text-format {other:?}: expected markdown, html or text"))),
        }
    }

    fn now() -> Timestamp {
        let ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64);
        Timestamp(ms)
    }

    /// The input's bytes, its name (for sniffing), and a brat `.txt` found beside it.
    fn read_input(input: &str) -> Result<(Vec<u8>, String, Option<String>), Fail> {
        if input == "-" {
            let mut buf = Vec::new();
            std::io::stdin().read_to_end(&mut buf).map_err(|e| Fail(1, format!("cannot read stdin: {e}")))?;
            return Ok((buf, String::new(), None));
        }
        let mut path = PathBuf::from(input);
        if path.is_dir() {
            let ann = std::fs::read_dir(&path)
                .map_err(|e| Fail(1, format!("cannot read directory {input}: {e}")))?
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "ann"))
                .min()
                .ok_or_else(|| Fail(1, format!("{input} holds no .ann file")))?;
            path = ann;
        }
        let bytes = read(&path)?;
        let txt = path.with_extension("txt");
        let companion = if path.extension().is_some_and(|x| x == "ann") && txt.is_file() { Some(utf8(read(&txt)?, &txt.display().to_string())?) } else { None };
        Ok((bytes, path.display().to_string(), companion))
    }

    fn convert(args: Args) -> Result<i32, Fail> {
        let (bytes, name, companion) = read_input(&args.input)?;
        let from = match args.from {
            Some(f) => f,
            None => catalog::sniff_bytes(&name, &bytes).ok_or_else(|| usage(format!("cannot tell the format of {}; give --from", args.input)))?,
        };
        let schema = match &args.schema {
            Some(p) => Schema::from_json(&utf8(read(p)?, &p.display().to_string())?).map_err(|e| Fail(1, format!("{}: {e}", p.display())))?,
            None => Schema::default(),
        };
        let doc = match &args.text {
            Some(p) => read_article(p, args.text_format.as_deref())?,
            None => {
                let carried = companion.clone().or_else(|| std::str::from_utf8(&bytes).ok().and_then(|t| catalog::carried_text(from, t))).or_else(|| {
                    (from == Format::Brat && bytes.starts_with(b"PK")).then(|| zip_txt(&bytes)).flatten()
                });
                match carried {
                    Some(t) => Document::from_plain_text(&t),
                    None => return Err(usage(format!("{} files do not carry the article's text; give it with --text ARTICLE", from.info().name))),
                }
            }
        };
        let document_id = args
            .document_id
            .clone()
            .or_else(|| args.text.as_ref().and_then(|p| p.file_stem()).map(|s| s.to_string_lossy().into_owned()))
            .or_else(|| Path::new(&name).file_stem().map(|s| s.to_string_lossy().into_owned()).filter(|s| !s.is_empty()))
            .unwrap_or_else(|| "article".into());
        let imported = catalog::import_bytes(from, &bytes, companion.as_deref(), &doc, &schema, now()).map_err(|e| Fail(1, format!("{}: {e}", display(&args.input))))?;
        let mut problems = 0usize;
        for i in &imported.issues {
            eprintln!("warning: {}: {i}", display(&args.input));
            problems += 1;
        }
        let mut set = AnnotationSet::default();
        let (edit, report) = merge_edit(&set, imported.annotations, imported.carries);
        apply(&mut set, edit).map_err(|e| Fail(1, format!("cannot merge the annotations: {e}")))?;
        if report.orphaned > 0 {
            eprintln!("warning: {} could not be anchored in the article and are kept as orphans", report.orphaned);
            problems += 1;
        }
        let source = args.source.clone().unwrap_or_else(|| w3c::default_source(&doc, &document_id));
        let exported = catalog::export(args.to, &ExportContext { set: &set, schema: &schema, doc: &doc, document_id: &document_id, source: &source });
        for l in &exported.left_out {
            eprintln!("note: left out of {}: {l}", args.to.info().name);
            problems += 1;
        }
        write_output(&exported.files, args.output.as_deref(), args.to)?;
        eprintln!(
            "{} annotations read from {} ({}), written as {}",
            set.len(),
            display(&args.input),
            from.info().name,
            args.to.info().name
        );
        Ok(if problems > 0 { 3 } else { 0 })
    }

    fn zip_txt(bytes: &[u8]) -> Option<String> {
        let entries = zip::read(bytes).ok()?;
        let e = entries.into_iter().find(|e| e.name.ends_with(".txt"))?;
        String::from_utf8(e.data).ok()
    }

    fn display(input: &str) -> &str {
        if input == "-" {
            "stdin"
        } else {
            input
        }
    }

    fn write_output(files: &[catalog::OutFile], output: Option<&str>, to: Format) -> Result<(), Fail> {
        let fail = |p: &Path, e: std::io::Error| Fail(1, format!("cannot write {}: {e}", p.display()));
        if files.len() == 1 {
            match output {
                None | Some("-") => {
                    let mut out = std::io::stdout().lock();
                    out.write_all(files[0].text.as_bytes()).and_then(|()| out.flush()).map_err(|e| Fail(1, format!("cannot write to stdout: {e}")))
                }
                Some(p) => std::fs::write(p, &files[0].text).map_err(|e| fail(Path::new(p), e)),
            }
        } else {
            let Some(out) = output.filter(|o| *o != "-") else {
                // parse_args refuses this before any work is done.
                return Err(usage(format!("{} writes several files: give -o DIRECTORY (or -o NAME.zip)", to.info().name)));
            };
            let path = Path::new(out);
            if out.ends_with(".zip") {
                let entries: Vec<(&str, &[u8])> = files.iter().map(|f| (f.name.as_str(), f.text.as_bytes())).collect();
                return std::fs::write(path, zip::write(&entries)).map_err(|e| fail(path, e));
            }
            std::fs::create_dir_all(path).map_err(|e| fail(path, e))?;
            for f in files {
                let p = path.join(&f.name);
                std::fs::write(&p, &f.text).map_err(|e| fail(&p, e))?;
            }
            Ok(())
        }
    }

    /// The table of what each format holds, as README.md has it.
    fn formats() -> String {
        let widths = [6, 6, 11, 11, 8, 5, 8, 7, 3];
        let row = |name: &str, cells: [&str; 9]| {
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
