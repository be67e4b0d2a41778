//! `check` and `matrix`: one or several portfolio files (or standard input) read, checked and
//! written in the view asked for, to standard output or `--output-dir`.

use competency::{Catalog, CheckOptions, Checker, Format, LoadErrors, Source};

use crate::args::{CheckFormat, LimitArgs, MatrixFormat, PortfolioArgs, View};
use crate::{Failure, Outcome, STDIN_NAME, check_options, escape, json_errors, many, ok, paths, render};

/// Checks the portfolios and writes the view asked for. One portfolio: its report, exit code
/// 0 when every unit checked is complete and 1 when not, 2 (a failure) when it is invalid.
/// Several: see [`many`].
pub(crate) fn check(
    catalog: &Catalog,
    input: &PortfolioArgs,
    limits: &LimitArgs,
    view: View,
    read: &[std::path::PathBuf],
) -> Result<Outcome, Failure> {
    let mut options = check_options(input.as_of.as_deref(), &input.only, limits.limits())?;
    options.include_names = input.show_names;
    let (files, listed): (Vec<_>, Vec<_>) = many::expand(&input.portfolios)
        .map_err(Failure)?
        .into_iter()
        .unzip();
    if files.iter().filter(|f| is_stdin(f)).count() > 1 {
        return Err(Failure(
            "error: standard input (-) can be read only once; give it once".to_owned(),
        ));
    }
    let stdin_format = input.input_format.format();
    let checker = Checker::new(catalog);
    let single = files.len() == 1 && input.output_dir.is_none() && view != View::Check(CheckFormat::Csv);
    if single {
        let name = display_name(&files[0]);
        let report = match check_one(&checker, &files[0], listed[0], stdin_format, &options) {
            Ok(report) => report,
            Err(errors) if view == View::Check(CheckFormat::Json) => return Ok(json_errors(&errors)),
            Err(errors) => return Err(errors.into()),
        };
        let mut outcome = ok(view_of(view, &report, &name));
        outcome.code = if report.complete { 0 } else { 1 };
        return Ok(outcome);
    }
    let mut results = Vec::new();
    for (file, listed) in files.iter().zip(listed) {
        let name = display_name(file);
        let checked = match check_one(&checker, file, listed, stdin_format, &options) {
            Ok(report) => many::Checked::Report(Box::new(report)),
            Err(errors) => many::Checked::Invalid(errors),
        };
        results.push((name, checked));
    }
    let mut outcome = Outcome {
        stdout: String::new(),
        notes: Vec::new(),
        errors: Vec::new(),
        code: many::exit_code(&results),
    };
    for (_, checked) in &results {
        if let many::Checked::Invalid(errors) = checked {
            outcome.errors.push(Failure::from(errors.clone()).0);
        }
    }
    // With --output-dir, where each report went (`None` for an invalid portfolio).
    let mut written = Vec::new();
    if let Some(dir) = &input.output_dir {
        if extension(view) == "json" && paths::is_one_of(dir, &input.portfolios) {
            return Err(Failure(format!(
                "{}: error[io]: the output directory is a portfolio directory checked: its JSON reports would be read as portfolios next time\n  help: give another --output-dir",
                escape::line(&dir.display().to_string())
            )));
        }
        std::fs::create_dir_all(dir).map_err(|e| {
            Failure(format!(
                "{}: error[io]: cannot create the directory: {e}",
                dir.display()
            ))
        })?;
        let mut taken = Vec::new();
        for (file, (_, checked)) in files.iter().zip(&results) {
            let path = matches!(checked, many::Checked::Report(_))
                .then(|| many::output_path(dir, file, extension(view), &mut taken));
            written.push(path);
        }
        // Every path before any report is written: none is written over an input.
        let inputs = paths::Inputs::new(files.iter().chain(read).map(std::path::PathBuf::as_path));
        for path in written.iter().flatten() {
            inputs.refuse(path)?;
        }
        for (path, (name, checked)) in written.iter().zip(&results) {
            let (Some(path), many::Checked::Report(report)) = (path, checked) else {
                continue;
            };
            std::fs::write(path, view_of(view, report, name)).map_err(|e| {
                Failure(format!(
                    "{}: error[io]: cannot write the report: {e}",
                    path.display()
                ))
            })?;
        }
    } else {
        match view {
            View::Check(CheckFormat::Html)
            | View::Matrix(MatrixFormat::Html)
            | View::Matrix(MatrixFormat::Csv) => {
                return Err(Failure(
                    "error: one HTML or CSV document per portfolio: give --output-dir DIR to write one file for each of several portfolios".to_owned(),
                ));
            }
            View::Check(CheckFormat::Json) => {
                outcome.stdout = many::json(&results);
                return Ok(outcome);
            }
            View::Check(CheckFormat::Csv) => {}
            _ => {
                for (name, checked) in &results {
                    if let many::Checked::Report(report) = checked {
                        outcome.stdout.push_str(&view_of(view, report, name));
                        outcome.stdout.push('\n');
                    }
                }
            }
        }
    }
    outcome.stdout.push_str(&match view {
        View::Check(CheckFormat::Csv) => many::csv(&results),
        // Reached only with --output-dir: each report is named by where it went.
        View::Check(CheckFormat::Json) => many::json_written(&results, &written),
        View::Check(CheckFormat::Markdown) | View::Matrix(MatrixFormat::Markdown) => many::markdown(&results),
        _ => many::text(&results),
    });
    Ok(outcome)
}

/// `-`: standard input.
pub(crate) fn is_stdin(path: &std::path::Path) -> bool {
    path.as_os_str() == "-"
}

/// A portfolio's name in errors and summaries: its path, or `<stdin>`.
pub(crate) fn display_name(path: &std::path::Path) -> String {
    if is_stdin(path) {
        STDIN_NAME.to_owned()
    } else {
        path.display().to_string()
    }
}

/// Reads, parses, validates and checks one portfolio: a file, in the format its extension
/// says (`listed`: found in a directory, so read only if a regular file), or standard input
/// (`-`) in `stdin_format`.
fn check_one<'c>(
    checker: &'c Checker<'_>,
    path: &std::path::Path,
    listed: bool,
    stdin_format: Format,
    options: &CheckOptions,
) -> Result<competency::Report<'c>, LoadErrors> {
    let name = display_name(path);
    let (bytes, format) = if is_stdin(path) {
        let stdin = std::io::stdin().lock();
        (
            competency::read_portfolio_from(stdin, &name, stdin_format, &options.limits)?,
            stdin_format,
        )
    } else {
        let bytes = if listed {
            competency::read_listed_portfolio(path, &options.limits)?
        } else {
            competency::read_portfolio(path, &options.limits)?
        };
        (bytes, Format::from_file_name(&name))
    };
    let source = Source::from_bytes(&name, &bytes, format)?;
    checker.check_source(&source, options)
}

/// One report in the view asked for.
fn view_of(view: View, report: &competency::Report<'_>, name: &str) -> String {
    match view {
        View::Check(CheckFormat::Json) => report.to_json(),
        View::Check(CheckFormat::Markdown) => render::markdown::record(report, name),
        View::Check(CheckFormat::Html) => render::html::record(report, name),
        View::Check(CheckFormat::Csv) => {
            many::csv(&[(name.to_owned(), many::Checked::Report(Box::new(report.clone())))])
        }
        View::Check(CheckFormat::Text) => {
            use std::io::IsTerminal;
            let colour =
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal();
            render::text::to_text(report, name, render::text::Style { colour })
        }
        View::Matrix(MatrixFormat::Text) => render::text::matrix(report, name),
        View::Matrix(MatrixFormat::Markdown) => render::markdown::matrix(report, name),
        View::Matrix(MatrixFormat::Csv) => render::csv::matrix(report),
        View::Matrix(MatrixFormat::Html) => render::html::matrix(report, name),
    }
}

/// The file extension of a view, for `--output-dir`.
fn extension(view: View) -> &'static str {
    match view {
        View::Check(CheckFormat::Text) | View::Matrix(MatrixFormat::Text) => "txt",
        View::Check(CheckFormat::Markdown) | View::Matrix(MatrixFormat::Markdown) => "md",
        View::Check(CheckFormat::Html) | View::Matrix(MatrixFormat::Html) => "html",
        View::Check(CheckFormat::Json) => "json",
        View::Check(CheckFormat::Csv) | View::Matrix(MatrixFormat::Csv) => "csv",
    }
}
