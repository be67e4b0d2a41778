//! The command line: subcommands, their arguments and formats (clap).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use competency::{Format, Limits};

/// Check evidence portfolios against Australian VET units of competency.
#[derive(Debug, Parser)]
#[command(name = "competency", version, about, max_term_width = 100)]
pub(crate) struct Cli {
    /// Add the unit files in this directory to the bundled units; a unit with the code and
    /// release of a bundled one replaces it, another release is added next to it (a note on
    /// standard error says which).
    #[arg(long, global = true, value_name = "DIR", conflicts_with = "only_units")]
    pub(crate) units: Option<PathBuf>,
    /// Use only the unit files in this directory, not the bundled units.
    #[arg(long, global = true, value_name = "DIR")]
    pub(crate) only_units: Option<PathBuf>,
    /// Refuse to run (exit code 2, error catalog-mismatch) unless the catalog loaded has this
    /// digest, as `units --digest` prints it: every worker of a distributed batch then
    /// provably uses the driver's units (docs/scaling.md).
    #[arg(long, global = true, value_name = "DIGEST")]
    pub(crate) expect_catalog: Option<String>,
    /// Keep the catalog of --units or --only-units in this file, and load it from there while
    /// the unit files are the same (by name, SHA-256 and order) instead of parsing them again.
    /// A cache that does not match, or is damaged, is rewritten, with a note on standard error.
    #[arg(long, global = true, value_name = "FILE")]
    pub(crate) catalog_cache: Option<PathBuf>,
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The options every subcommand takes (clap's `global`), with their value names.
const GLOBALS: [(&str, &str); 4] = [
    ("--units", "DIR"),
    ("--only-units", "DIR"),
    ("--expect-catalog", "DIGEST"),
    ("--catalog-cache", "FILE"),
];

/// Why `args` (the program's name first) name an option every subcommand takes more than
/// once in all, or `--units` with `--only-units`: clap checks that only among the arguments of
/// one level, and of `--units A check --units B` keeps B in silence, so that the catalog
/// checked against is not the one asked for. Call it once clap has parsed `args`: a value
/// that looks like an option is then an option (none of ours takes one).
pub(crate) fn global_clash(args: impl IntoIterator<Item = std::ffi::OsString>) -> Option<String> {
    let mut seen = [0_usize; GLOBALS.len()];
    for arg in args.into_iter().skip(1) {
        // As bytes: a value that is not UTF-8 (`--units=$'x\xff'`) names the option as well.
        let arg = arg.as_encoded_bytes();
        if arg == b"--" {
            break;
        }
        let named = |name: &str| {
            arg.strip_prefix(name.as_bytes())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(b"="))
        };
        if let Some(i) = GLOBALS.iter().position(|(name, _)| named(name)) {
            seen[i] += 1;
        }
    }
    let shown = |(name, value): (&str, &str)| format!("'{name} <{value}>'");
    if let Some(i) = seen.iter().position(|n| *n > 1) {
        return Some(format!(
            "the argument {} cannot be used multiple times",
            shown(GLOBALS[i])
        ));
    }
    (seen[0] > 0 && seen[1] > 0).then(|| {
        format!(
            "the argument {} cannot be used with {}",
            shown(GLOBALS[0]),
            shown(GLOBALS[1])
        )
    })
}

/// Limits on one portfolio; exceeding one is a located `limit-exceeded` error.
#[derive(Debug, Args)]
pub(crate) struct LimitArgs {
    /// Largest portfolio read, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().input_bytes)]
    pub(crate) max_input_bytes: usize,
    /// Largest TOML portfolio read, in bytes (TOML takes more memory per byte than JSON).
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().toml_input_bytes)]
    pub(crate) max_toml_bytes: usize,
    /// Most evidence items in one portfolio.
    #[arg(long, value_name = "N", default_value_t = Limits::default().evidence_items)]
    pub(crate) max_items: usize,
    /// Most values in one list of one item (clients, covers, ...).
    #[arg(long, value_name = "N", default_value_t = Limits::default().values_per_item)]
    pub(crate) max_values: usize,
    /// Most characters in one text (an ID, a title, a name).
    #[arg(long, value_name = "N", default_value_t = Limits::default().string_chars)]
    pub(crate) max_string: usize,
    /// Most errors reported before validation stops looking (at least 1).
    #[arg(long, value_name = "N", default_value_t = Limits::default().errors, value_parser = at_least_one)]
    pub(crate) max_errors: usize,
}

/// A count of at least 1 (clap's own range would print its upper end, 18446744073709551615).
fn at_least_one(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(0) => Err("it must be at least 1".to_owned()),
        Ok(n) => Ok(n),
        Err(e) => Err(e.to_string()),
    }
}

impl LimitArgs {
    pub(crate) fn limits(&self) -> Limits {
        let mut limits = Limits::default();
        limits.input_bytes = self.max_input_bytes;
        limits.toml_input_bytes = self.max_toml_bytes;
        limits.evidence_items = self.max_items;
        limits.values_per_item = self.max_values;
        limits.string_chars = self.max_string;
        limits.errors = self.max_errors;
        limits
    }
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// List the units in the catalog, every release of each.
    ///
    /// With what each release supersedes and what it is equivalent to.
    Units {
        /// Output format.
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
        /// Print only the catalog's digest: one SHA-256 over every unit file, in order
        /// (docs/scaling.md), for `--expect-catalog`.
        #[arg(long, conflicts_with = "format")]
        digest: bool,
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
    ///
    /// Markdown and HTML give the printable record for one candidate (docs/record.md).
    Check {
        #[command(flatten)]
        input: PortfolioArgs,
        /// Output format: text (the quick view), json, or the printable record in markdown or html.
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// The mapping matrix of a portfolio: every requirement against every evidence item.
    Matrix {
        #[command(flatten)]
        input: PortfolioArgs,
        /// Output format.
        #[arg(long, value_enum, default_value_t = MatrixFormat::Text)]
        format: MatrixFormat,
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// Check a JSON Lines file of portfolios: one JSON record per portfolio line, in input
    /// order, and a summary on standard error (docs/batch.md).
    ///
    /// Exit code: 0 when every portfolio is complete, 1 when some is not, 2 when some line is
    /// invalid (its record holds the errors) or the input cannot be read.
    Batch {
        /// The JSON Lines input, one portfolio per line; `-` or nothing reads standard input.
        #[arg(value_name = "INPUT.jsonl")]
        input: Option<PathBuf>,
        /// Write the records to this file instead of standard output.
        #[arg(long, value_name = "OUT.jsonl")]
        output: Option<PathBuf>,
        /// Judgement date (YYYY-MM-DD) for every portfolio; overrides each portfolio's.
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        /// Check only this claimed unit (repeatable).
        #[arg(long = "unit", id = "unit", value_name = "CODE")]
        only: Vec<String>,
        /// Copy the candidate's and assessor's names into the reports (default: IDs only).
        #[arg(long)]
        show_names: bool,
        /// Threads that check portfolios (0: one per core; at most 256). The output is the same for any value.
        #[arg(long, value_name = "N", default_value_t = 0, value_parser = clap::value_parser!(u16).range(0..=256))]
        jobs: u16,
        /// MiB of lines in flight with several jobs (1 to 1024): a larger window keeps the
        /// threads busier and takes more memory (docs/batch.md). The output is the same for
        /// any value.
        #[arg(long, value_name = "MIB", default_value_t = 6, value_parser = clap::value_parser!(u16).range(1..=1024))]
        window: u16,
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// Print a starter portfolio for these units, with every requirement listed as comments.
    Template {
        /// Unit codes, optionally with a release.
        #[arg(required = true)]
        codes: Vec<String>,
    },
    /// Print the JSON Schema (draft 2020-12) of a document the tool reads or writes
    /// (docs/schema/README.md).
    Schema {
        /// The document: `unit` is a unit file, `errors` the error document of `check --format
        /// json`, `batch-record` one line of `batch` output.
        #[arg(value_name = "DOCUMENT", value_parser = document_names())]
        document: String,
    },
    /// Validate unit files or directories of unit files.
    Lint {
        /// Unit files (CODE.toml) or directories of them.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
}

/// The names `schema` takes, from the library's list of documents.
fn document_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(competency::schema::Document::ALL.iter().map(|d| d.name()))
}

/// The portfolio to check and how: shared by `check` and `matrix`.
#[derive(Debug, Args)]
pub(crate) struct PortfolioArgs {
    /// Portfolios, TOML or JSON (by extension), or directories of them; `-` reads one from
    /// standard input. With more than one, a summary table follows the reports, and the exit
    /// code is the worst of them.
    #[arg(required = true, value_name = "PORTFOLIO")]
    pub(crate) portfolios: Vec<PathBuf>,
    /// The format of the portfolio read from standard input (`-`), which has no file name to
    /// tell; files are read by their extension.
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = InputFormat::Json)]
    pub(crate) input_format: InputFormat,
    /// Write each portfolio's report to this directory (NAME.txt, .md, .html, .json or .csv)
    /// and print only the summary.
    #[arg(long, value_name = "DIR")]
    pub(crate) output_dir: Option<PathBuf>,
    /// Judgement date (YYYY-MM-DD); overrides the portfolio's. Default: the portfolio's, else today.
    #[arg(long, value_name = "DATE")]
    pub(crate) as_of: Option<String>,
    /// Check only this claimed unit (repeatable).
    #[arg(long = "unit", id = "unit", value_name = "CODE")]
    pub(crate) only: Vec<String>,
    /// Show the candidate's and assessor's names (default: IDs only).
    #[arg(long)]
    pub(crate) show_names: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum CheckFormat {
    Text,
    Json,
    Markdown,
    Html,
    /// The summary table as CSV: one row per unit of each portfolio.
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum InputFormat {
    Toml,
    Json,
}

impl InputFormat {
    pub(crate) fn format(self) -> Format {
        match self {
            InputFormat::Toml => Format::Toml,
            InputFormat::Json => Format::Json,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum MatrixFormat {
    Text,
    Markdown,
    Csv,
    Html,
}

/// What `check` or `matrix` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum View {
    Check(CheckFormat),
    Matrix(MatrixFormat),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ListFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum DocFormat {
    Text,
    Json,
    Markdown,
}

#[cfg(test)]
mod tests {
    use super::global_clash;
    use std::ffi::OsString;

    fn clash(args: &[&str]) -> Option<String> {
        global_clash(
            std::iter::once("competency")
                .chain(args.iter().copied())
                .map(OsString::from),
        )
    }

    #[test]
    fn an_option_every_command_takes_is_named_once_in_all() {
        assert_eq!(clash(&["--units", "a", "check", "p.toml"]), None);
        let twice = Some("the argument '--units <DIR>' cannot be used multiple times".to_owned());
        assert_eq!(clash(&["--units", "a", "check", "--units=b"]), twice);
        assert_eq!(
            clash(&["--only-units=a", "units", "--units", "b"]),
            Some("the argument '--units <DIR>' cannot be used with '--only-units <DIR>'".to_owned())
        );
        // After `--`, a portfolio's name; `--unitsx` is another option.
        assert_eq!(clash(&["--units", "a", "check", "--", "--units"]), None);
        assert_eq!(clash(&["--units", "a", "check", "--unitsx"]), None);
    }

    #[cfg(unix)]
    #[test]
    fn a_value_that_is_not_utf8_names_its_option_too() {
        use std::os::unix::ffi::OsStringExt;
        let args = ["competency", "--units", "a", "check"]
            .into_iter()
            .map(OsString::from)
            .chain([OsString::from_vec(b"--units=x\xff".to_vec())]);
        assert!(global_clash(args).is_some());
    }
}
