//! The `competency` command: check evidence portfolios against units of competency.
//!
//! Exit codes: 0 success (every claimed unit complete; lint clean), 1 gaps found,
//! 2 invalid input or usage.
#![deny(unsafe_code)]

mod args;
mod batch;
mod cache;
mod doc;
mod escape;
mod malloc;
mod many;
mod paths;
mod portfolios;
mod render;
mod show;
mod template;

use std::io::Write;
use std::process::ExitCode;

use args::{CheckFormat, Cli, Command, DocFormat, ListFormat, View};
use clap::Parser;
use competency::{BatchOptions, Catalog, CheckOptions, Checker, Date, Limits, LoadError, LoadErrors};

/// What a command produced: text for standard output, notes for standard error, and the
/// exit code.
struct Outcome {
    stdout: String,
    notes: Vec<String>,
    /// Errors of some portfolios of several, printed on standard error.
    errors: Vec<String>,
    code: u8,
}

/// A failure that ends the command with exit code 2 and a message on standard error.
struct Failure(String);

impl From<LoadErrors> for Failure {
    fn from(errors: LoadErrors) -> Self {
        let n = errors.len();
        let mut text = String::new();
        for error in errors.errors() {
            text.push_str(&error_text(error));
            text.push('\n');
        }
        Failure(format!("{text}{n} error{} found", if n == 1 { "" } else { "s" }))
    }
}

/// One error for a terminal: `file:line:column: error[code]: message`, then `help:`, with
/// every part that may quote the input escaped.
fn error_text(error: &LoadError) -> String {
    let mut out = String::new();
    match (error.file(), error.line(), error.column()) {
        (Some(file), Some(line), Some(col)) => {
            out.push_str(&format!("{}:{line}:{col}: ", escape::line(file)))
        }
        (Some(file), _, _) => out.push_str(&format!("{}: ", escape::line(file))),
        (None, Some(line), Some(col)) => out.push_str(&format!("{line}:{col}: ")),
        (None, _, _) => {}
    }
    out.push_str(&format!(
        "error[{}]: {}",
        error.code(),
        escape::line(error.message())
    ));
    if error.line().is_none() && !error.pointer().is_empty() {
        out.push_str(&format!(" (at {})", escape::line(error.pointer())));
    }
    if let Some(help) = error.help() {
        out.push_str(&format!("\n  help: {}", escape::line(help)));
    }
    out
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if e.use_stderr() => return usage_error(&e),
        // Help and version.
        Err(e) => e.exit(),
    };
    if let Some(clash) = args::global_clash(std::env::args_os()) {
        use clap::CommandFactory;
        let error = Cli::command()
            .styles(clap::builder::Styles::plain())
            .error(clap::error::ErrorKind::ArgumentConflict, clash);
        return usage_error(&error);
    }
    let result = run(cli);
    match result {
        Ok(outcome) => {
            let mut stderr = std::io::stderr().lock();
            for note in &outcome.notes {
                let _ = writeln!(stderr, "note: {}", escape::line(note));
            }
            for error in &outcome.errors {
                let _ = writeln!(stderr, "{error}");
            }
            match write_stdout(&outcome.stdout) {
                Ok(()) => ExitCode::from(outcome.code),
                // A closed pipe (`competency show X | head`) is the reader's choice, not a failure.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::from(outcome.code),
                Err(e) => {
                    let _ = writeln!(stderr, "error[io]: cannot write the output: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Err(Failure(message)) => {
            let _ = writeln!(std::io::stderr().lock(), "{message}");
            ExitCode::from(2)
        }
    }
}

/// Prints a usage error with what was typed shown as escapes, not obeyed: clap quotes an
/// argument as given, and on a terminal an escape sequence in it (`schema $'\e]8;;…'`) would
/// reach the screen raw (off one, clap strips it, and the message no longer shows what was
/// typed). The arguments are parsed again without styles, so that only their own control
/// characters are escaped.
fn usage_error(error: &clap::Error) -> ExitCode {
    use clap::{CommandFactory, FromArgMatches};
    let plain = Cli::command()
        .styles(clap::builder::Styles::plain())
        .try_get_matches()
        .and_then(|matches| Cli::from_arg_matches(&matches))
        .err();
    let text = plain.map_or_else(
        || error.render().to_string(),
        |plain| plain.render().ansi().to_string(),
    );
    let _ = write!(std::io::stderr().lock(), "{}", escape::lines(&text));
    ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2))
}

/// Writes and flushes standard output, so that a full disk is an error and not a silently
/// truncated report.
fn write_stdout(text: &str) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()
}

/// The catalog a command uses: the bundled units, the bundled units with a directory's added
/// (`--units`), or a directory's only (`--only-units`), refused unless it is the one
/// `--expect-catalog` pins; and notes on bundled units replaced.
fn catalog(cli: &Cli) -> Result<(std::borrow::Cow<'static, Catalog>, Vec<String>), LoadErrors> {
    let (catalog, notes) = load_catalog(cli)?;
    pin(&catalog, cli)?;
    Ok((catalog, notes))
}

/// `--expect-catalog`: the catalog loaded must be the one pinned.
fn pin(catalog: &Catalog, cli: &Cli) -> Result<(), LoadErrors> {
    cli.expect_catalog
        .as_deref()
        .map_or(Ok(()), |expected| catalog.expect_digest(expected))
}

/// The catalog the options name, not yet compared with `--expect-catalog`.
fn load_catalog(cli: &Cli) -> Result<(std::borrow::Cow<'static, Catalog>, Vec<String>), LoadErrors> {
    use std::borrow::Cow;
    match (&cli.units, &cli.only_units) {
        (_, Some(dir)) => {
            let (catalog, note) = cache::load_dir(dir, cli.catalog_cache.as_deref())?;
            Ok((Cow::Owned(catalog), note.into_iter().collect()))
        }
        (Some(dir), None) => {
            let (catalog, note) = cache::load_dir(dir, cli.catalog_cache.as_deref())?;
            let (merged, overlaps) = Catalog::bundled().extended(catalog);
            let notes = note
                .into_iter()
                .chain(
                    overlaps
                        .iter()
                        .map(|o| overlap_note(o, &dir.display().to_string(), &merged)),
                )
                .collect();
            Ok((Cow::Owned(merged), notes))
        }
        (None, None) => Ok((Cow::Borrowed(Catalog::bundled()), Vec::new())),
    }
}

/// The note for a `--units` unit whose code the bundled catalog holds: it replaced the bundled
/// file of the same release, or was added as another release (and which release a reference
/// without one now means).
fn overlap_note(overlap: &competency::Overlap, dir: &str, merged: &Catalog) -> String {
    let competency::Overlap {
        code, release, held, ..
    } = overlap;
    match overlap.kind {
        competency::OverlapKind::Replaced => {
            format!("{code} release {release} from {dir} replaces the bundled {code} release {release}")
        }
        competency::OverlapKind::Added => {
            let held: Vec<String> = held.iter().map(u32::to_string).collect();
            let latest = merged.get(code).map_or(*release, |u| u.release);
            format!(
                "{code} release {release} from {dir} is added next to the bundled release{} {}; {code} without a release means release {latest}",
                if held.len() == 1 { "" } else { "s" },
                held.join(", ")
            )
        }
    }
}

fn run(cli: Cli) -> Result<Outcome, Failure> {
    if let Command::Lint { paths } = &cli.command {
        return match Catalog::from_paths(paths).and_then(|c| pin(&c, &cli).map(|()| c)) {
            Ok(catalog) => Ok(ok(format!(
                "{} unit{} checked, no problems found\n",
                catalog.len(),
                if catalog.len() == 1 { "" } else { "s" }
            ))),
            Err(errors) => Err(errors.into()),
        };
    }
    if cli.catalog_cache.is_some() && cli.units.is_none() && cli.only_units.is_none() {
        // The bundled catalog is compiled into the binary: there is nothing to cache.
        return Err(Failure(
            "error: --catalog-cache keeps the catalog of --units DIR or --only-units DIR; give one of them"
                .to_owned(),
        ));
    }
    if let Command::Schema { document } = &cli.command {
        // The parser took the name from the same list, so it is one of them.
        let document = competency::schema::Document::from_name(document)
            .ok_or_else(|| Failure(format!("error: no schema named {}", escape::line(document))))?;
        return Ok(ok(document.to_json()));
    }
    let (catalog, notes) = match catalog(&cli) {
        Ok(loaded) => loaded,
        Err(errors) if json_errors_wanted(&cli.command) => return Ok(json_errors(&errors)),
        Err(errors) => return Err(errors.into()),
    };
    // What no output may overwrite, besides the portfolios (listed only by the commands that
    // write files).
    let read = || {
        paths::catalog_files(
            cli.units.as_deref().or(cli.only_units.as_deref()),
            cli.catalog_cache.as_deref(),
        )
    };
    let mut outcome = match &cli.command {
        Command::Units { digest: true, .. } => ok(catalog.catalog_digest()),
        Command::Units { format, .. } => ok(units(&catalog, *format)),
        Command::Show { code, format } => {
            let unit = resolve(&catalog, code)?;
            let lineage = catalog.lineage(unit);
            ok(match format {
                DocFormat::Text => doc::to_text(&show::unit_blocks(&lineage)),
                DocFormat::Markdown => doc::to_markdown(&show::unit_blocks(&lineage)),
                DocFormat::Json => json(unit),
            })
        }
        Command::Check {
            input,
            format,
            limits,
        } => portfolios::check(&catalog, input, limits, View::Check(*format), &read())?,
        Command::Matrix {
            input,
            format,
            limits,
        } => portfolios::check(&catalog, input, limits, View::Matrix(*format), &read())?,
        Command::Batch {
            input,
            output,
            as_of,
            only,
            show_names,
            jobs,
            window,
            limits,
        } => {
            let mut check = check_options(as_of.as_deref(), only, limits.limits())?;
            check.include_names = *show_names;
            let name = match input {
                Some(path) if path.as_os_str() != "-" => path.display().to_string(),
                _ => STDIN_NAME.to_owned(),
            };
            let mut options = BatchOptions::default();
            options.check = check;
            options.name = name;
            options.jobs = usize::from(*jobs);
            options.chunk_bytes = usize::from(*window) * 1024 * 1024;
            options.release_memory = Some(malloc::release);
            options.temp_file = Some(tempfile::tempfile);
            let read = read();
            let io = batch::Io {
                input: input.as_ref(),
                output: output.as_ref(),
                read: &read,
            };
            batch::run(&Checker::new(&catalog), &options, &io)?
        }
        Command::Template { codes } => {
            let units = codes
                .iter()
                .map(|code| resolve(&catalog, code))
                .collect::<Result<Vec<_>, _>>()?;
            // A portfolio claims each unit once, in one release: a template naming one twice
            // would not load.
            let mut seen = std::collections::HashSet::new();
            for unit in &units {
                if !seen.insert(unit.code.as_str()) {
                    return Err(Failure(format!(
                        "error: {} is named twice: a portfolio claims each unit once, in one release",
                        escape::line(unit.code.as_str())
                    )));
                }
            }
            ok(template::portfolio(&units, Date::today()))
        }
        Command::Lint { .. } | Command::Schema { .. } => unreachable!("handled above"),
    };
    outcome.notes = notes;
    Ok(outcome)
}

/// The name standard input goes by in errors and summaries.
const STDIN_NAME: &str = "<stdin>";

/// Whether the command asked for JSON, and so gets invalid input as a JSON error document.
fn json_errors_wanted(command: &Command) -> bool {
    matches!(
        command,
        Command::Check {
            format: CheckFormat::Json,
            ..
        }
    )
}

/// The JSON error document `{"errors": [...]}` on standard output, exit code 2: what
/// `check --format json` gives for invalid input, so that a platform never parses prose.
fn json_errors(errors: &LoadErrors) -> Outcome {
    let mut outcome = ok(errors.to_json());
    outcome.code = 2;
    outcome
}

fn resolve<'c>(catalog: &'c Catalog, code: &str) -> Result<&'c competency::Unit, Failure> {
    catalog.resolve_str(code).map_err(|e| {
        let help = e
            .help()
            .map(|h| format!("\n  help: {}", escape::line(&h)))
            .unwrap_or_default();
        Failure(format!("error: {}{help}", escape::line(&e.to_string())))
    })
}

fn check_options(as_of: Option<&str>, units: &[String], limits: Limits) -> Result<CheckOptions, Failure> {
    let mut options = CheckOptions::default();
    options.limits = limits;
    if let Some(date) = as_of {
        options.as_of = Some(date.parse().map_err(|e: competency::DateError| {
            Failure(format!("error: --as-of: {}", escape::line(&e.to_string())))
        })?);
    }
    for code in units {
        options.units.push(code.parse().map_err(|e: competency::IdError| {
            Failure(format!("error: --unit: {}", escape::line(&e.to_string())))
        })?);
    }
    Ok(options)
}

fn ok(mut stdout: String) -> Outcome {
    if !stdout.ends_with('\n') {
        stdout.push('\n');
    }
    Outcome {
        stdout,
        notes: Vec::new(),
        errors: Vec::new(),
        code: 0,
    }
}

fn json<T: serde::Serialize>(value: &T) -> String {
    // Our report and model types serialise to JSON without fail: string keys only.
    serde_json::to_string_pretty(value).unwrap_or_default()
}

fn units(catalog: &Catalog, format: ListFormat) -> String {
    #[derive(serde::Serialize)]
    struct Row<'a> {
        code: &'a str,
        title: &'a str,
        release: u32,
        /// Whether a reference without a release means this one.
        latest: bool,
        /// `null` when the source states no status.
        status: Option<&'a str>,
        training_package: &'a str,
        elements: usize,
        criteria: usize,
        evidence_requirements: usize,
        /// The previous release (`CODE@RELEASE`) and the codes this release replaces.
        supersedes: Vec<String>,
        /// The next release (`CODE@RELEASE`) and the codes of catalog units that replace it.
        superseded_by: Vec<String>,
        /// The codes it is equivalent to, by its own file or by another unit's.
        equivalent_to: Vec<&'a str>,
    }
    let strings = |refs: Vec<competency::UnitRef>| refs.iter().map(ToString::to_string).collect();
    let rows: Vec<Row<'_>> = catalog
        .units()
        .map(|u| {
            let lineage = catalog.lineage(u);
            Row {
                code: u.code.as_str(),
                title: &u.title,
                release: u.release,
                latest: lineage.is_latest(),
                status: u.status.map(|s| s.as_str()),
                training_package: u.code.training_package(),
                elements: u.elements.len(),
                criteria: u.criteria().count(),
                evidence_requirements: u.evidence.len(),
                supersedes: strings(lineage.supersedes()),
                superseded_by: strings(lineage.superseded_by()),
                equivalent_to: lineage.equivalent_to().into_iter().map(|c| c.as_str()).collect(),
            }
        })
        .collect();
    let cell = |list: &[&str]| {
        if list.is_empty() {
            "-".to_owned()
        } else {
            list.join(", ")
        }
    };
    match format {
        ListFormat::Json => json(&rows),
        ListFormat::Text => doc::to_text(&[doc::Block::Table(
            [
                "code",
                "release",
                "elements",
                "criteria",
                "evidence",
                "supersedes",
                "equivalent to",
                "title",
            ]
            .map(String::from)
            .to_vec(),
            rows.iter()
                .map(|r| {
                    vec![
                        r.code.to_owned(),
                        r.release.to_string(),
                        r.elements.to_string(),
                        r.criteria.to_string(),
                        r.evidence_requirements.to_string(),
                        cell(&r.supersedes.iter().map(String::as_str).collect::<Vec<_>>()),
                        cell(&r.equivalent_to),
                        r.title.to_owned(),
                    ]
                })
                .collect(),
        )]),
    }
}
