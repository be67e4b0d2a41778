//! The `competency` command: check evidence portfolios against units of competency.
//!
//! Exit codes: 0 success (every claimed unit complete; lint clean), 1 gaps found,
//! 2 invalid input or usage.
#![forbid(unsafe_code)]

mod check;
mod doc;
mod show;
mod template;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use competency::{Catalog, CheckOptions, Checker, Format, LoadErrors, Source};

/// Check evidence portfolios against Australian VET units of competency.
#[derive(Debug, Parser)]
#[command(name = "competency", version, about, max_term_width = 100)]
struct Cli {
    /// Use the unit files in this directory instead of the bundled units.
    #[arg(long, global = true, value_name = "DIR")]
    units: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List the units in the catalog.
    Units {
        /// Output format.
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
    },
    /// Show one unit in full.
    Show {
        /// Unit code, optionally with a release: CHCMGT006 or CHCMGT006@2.
        code: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = DocFormat::Text)]
        format: DocFormat,
    },
    /// Check an evidence portfolio: is the evidence complete for each claimed unit?
    Check {
        /// The portfolio, TOML or JSON (by extension).
        portfolio: PathBuf,
        /// Judgement date (YYYY-MM-DD); overrides the portfolio's. Default: the portfolio's, else today.
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        /// Check only this claimed unit (repeatable).
        #[arg(long = "unit", id = "unit", value_name = "CODE")]
        only: Vec<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = DocFormat::Text)]
        format: DocFormat,
    },
    /// Print a starter portfolio for these units, with every requirement listed as comments.
    Template {
        /// Unit codes, optionally with a release.
        #[arg(required = true)]
        codes: Vec<String>,
    },
    /// Validate unit files or directories of unit files.
    Lint {
        /// Unit files (CODE.toml) or directories of them.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ListFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DocFormat {
    Text,
    Json,
    Markdown,
}

/// What a command produced: text for standard output, and the exit code.
struct Outcome {
    stdout: String,
    code: u8,
}

/// A failure that ends the command with exit code 2 and a message on standard error.
struct Failure(String);

impl From<LoadErrors> for Failure {
    fn from(errors: LoadErrors) -> Self {
        let n = errors.len();
        Failure(format!(
            "{errors}\n{n} error{} found",
            if n == 1 { "" } else { "s" }
        ))
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = run(cli);
    let mut stdout = std::io::stdout().lock();
    match result {
        Ok(outcome) => {
            // A closed pipe (`competency show X | head`) is not an error worth reporting.
            let _ = stdout.write_all(outcome.stdout.as_bytes());
            ExitCode::from(outcome.code)
        }
        Err(Failure(message)) => {
            let _ = writeln!(std::io::stderr().lock(), "{message}");
            ExitCode::from(2)
        }
    }
}

fn catalog(units: Option<&PathBuf>) -> Result<std::borrow::Cow<'static, Catalog>, Failure> {
    match units {
        None => Ok(std::borrow::Cow::Borrowed(Catalog::bundled())),
        Some(dir) => Ok(std::borrow::Cow::Owned(Catalog::from_dir(dir)?)),
    }
}

fn run(cli: Cli) -> Result<Outcome, Failure> {
    match cli.command {
        Command::Units { format } => {
            let catalog = catalog(cli.units.as_ref())?;
            Ok(ok(units(&catalog, format)))
        }
        Command::Show { code, format } => {
            let catalog = catalog(cli.units.as_ref())?;
            let unit = catalog
                .resolve_str(&code)
                .map_err(|e| Failure(format!("error: {e}")))?;
            let text = match format {
                DocFormat::Text => doc::to_text(&show::unit_blocks(unit)),
                DocFormat::Markdown => doc::to_markdown(&show::unit_blocks(unit)),
                DocFormat::Json => json(unit),
            };
            Ok(ok(text))
        }
        Command::Check {
            portfolio,
            as_of,
            only,
            format,
        } => {
            let catalog = catalog(cli.units.as_ref())?;
            check(&catalog, &portfolio, as_of.as_deref(), &only, format)
        }
        Command::Template { codes } => {
            let catalog = catalog(cli.units.as_ref())?;
            let mut units = Vec::new();
            for code in &codes {
                units.push(
                    catalog
                        .resolve_str(code)
                        .map_err(|e| Failure(format!("error: {e}")))?,
                );
            }
            Ok(ok(template::portfolio(&units)))
        }
        Command::Lint { paths } => match Catalog::from_paths(&paths) {
            Ok(catalog) => Ok(ok(format!(
                "{} unit{} checked, no problems found\n",
                catalog.len(),
                if catalog.len() == 1 { "" } else { "s" }
            ))),
            Err(errors) => Err(errors.into()),
        },
    }
}

fn check(
    catalog: &Catalog,
    path: &std::path::Path,
    as_of: Option<&str>,
    units: &[String],
    format: DocFormat,
) -> Result<Outcome, Failure> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure(format!("{name}: error[io]: cannot read the portfolio: {e}")))?;
    let mut options = CheckOptions::default();
    if let Some(date) = as_of {
        options.as_of = Some(
            date.parse()
                .map_err(|e| Failure(format!("error: --as-of: {e}")))?,
        );
    }
    for code in units {
        options
            .units
            .push(code.parse().map_err(|e| Failure(format!("error: --unit: {e}")))?);
    }
    let checker = Checker::new(catalog);
    let source = Source::new(&name, &text, Format::from_file_name(&name));
    let report = checker.check_source(&source, &options)?;
    let stdout = match format {
        DocFormat::Json => report.to_json(),
        DocFormat::Markdown => doc::to_markdown(&check::to_blocks(&report, &name)),
        DocFormat::Text => {
            use std::io::IsTerminal;
            let colour =
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal();
            check::to_text(&report, &name, check::Style { colour })
        }
    };
    let mut outcome = ok(stdout);
    outcome.code = if report.complete { 0 } else { 1 };
    Ok(outcome)
}

fn ok(mut stdout: String) -> Outcome {
    if !stdout.ends_with('\n') {
        stdout.push('\n');
    }
    Outcome { stdout, code: 0 }
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
        status: &'a str,
        training_package: &'a str,
        elements: usize,
        criteria: usize,
        evidence_requirements: usize,
    }
    let rows: Vec<Row<'_>> = catalog
        .units()
        .map(|u| Row {
            code: u.code.as_str(),
            title: &u.title,
            release: u.release,
            status: u.status.as_str(),
            training_package: u.code.training_package(),
            elements: u.elements.len(),
            criteria: u.criteria().count(),
            evidence_requirements: u.evidence.len(),
        })
        .collect();
    match format {
        ListFormat::Json => json(&rows),
        ListFormat::Text => doc::to_text(&[doc::Block::Table(
            ["code", "release", "elements", "criteria", "evidence", "title"]
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
                        r.title.to_owned(),
                    ]
                })
                .collect(),
        )]),
    }
}
