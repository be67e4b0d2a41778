//! What the schema tests share: the workspace's files, the built binary, the schemas'
//! validators (compiled once), and how a TOML document looks to a schema validator.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use competency::schema::Document;
use competency::{CheckOptions, Checker, Format, LoadErrors, Source};
use serde_json::{Value, json};

/// How to bring the committed schemas up to date; the failure message says it.
pub const REGENERATE: &str = "COMPETENCY_BLESS=1 cargo test -p competency-cli --test schema";

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Sorted files directly in `dir` (relative to the workspace root) whose names pass `keep`.
pub fn files(dir: &str, keep: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.file_name().and_then(|n| n.to_str()).is_some_and(&keep))
        .collect();
    out.sort();
    out
}

pub fn name(path: &Path) -> String {
    path.strip_prefix(root()).unwrap_or(path).display().to_string()
}

/// Runs the built binary from `cwd` and returns its standard output.
pub fn competency(args: &[&str], cwd: &Path, stdin: Option<&Path>) -> String {
    let mut command = Command::new(env!("CARGO_BIN_EXE_competency"));
    command.args(args).current_dir(cwd).env("NO_COLOR", "1");
    command.stdin(match stdin {
        Some(path) => Stdio::from(std::fs::File::open(path).unwrap()),
        None => Stdio::null(),
    });
    let output = command.output().unwrap();
    String::from_utf8(output.stdout).unwrap()
}

/// The two validators of one schema.
pub struct Validators {
    /// Draft 2020-12, formats asserted.
    pub current: jsonschema::Validator,
    /// Draft 7, formats not asserted: taplo's view.
    pub draft7: jsonschema::Validator,
}

pub fn validators(document: Document) -> &'static Validators {
    static ALL: OnceLock<Vec<(Document, Validators)>> = OnceLock::new();
    let all = ALL.get_or_init(|| {
        Document::ALL
            .iter()
            .map(|&d| {
                let schema: Value = serde_json::from_str(&d.to_json()).unwrap();
                let current = jsonschema::draft202012::options()
                    .should_validate_formats(true)
                    .build(&schema)
                    .unwrap_or_else(|e| panic!("{} is not a valid 2020-12 schema: {e}", d.name()));
                let draft7 = jsonschema::draft7::new(&schema)
                    .unwrap_or_else(|e| panic!("{} is not a valid draft 7 schema: {e}", d.name()));
                (d, Validators { current, draft7 })
            })
            .collect()
    });
    &all.iter().find(|(d, _)| *d == document).unwrap().1
}

/// The schema's objections to `instance`, under either draft; empty when it is valid.
pub fn objections(document: Document, instance: &Value) -> Vec<String> {
    let v = validators(document);
    let mut out = Vec::new();
    for (draft, validator) in [("2020-12", &v.current), ("draft 7", &v.draft7)] {
        for error in validator.iter_errors(instance) {
            out.push(format!(
                "{} schema ({draft}): {error} at `{}`",
                document.name(),
                error.instance_path()
            ));
        }
    }
    out
}

/// Records a failure when `instance` is not valid.
pub fn expect_valid(document: Document, instance: &Value, label: &str, failures: &mut Vec<String>) {
    let found = objections(document, instance);
    if !found.is_empty() {
        failures.push(format!("{label}:\n  {}", found.join("\n  ")));
    }
}

pub fn finish(failures: Vec<String>) {
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A TOML document as taplo hands it to a JSON Schema validator.
pub fn toml_to_json(value: toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => json!(i),
        toml::Value::Float(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(items) => Value::Array(items.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(table) => {
            Value::Object(table.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

/// A document's text as a JSON value, as a validator would see it; `None` when the text is not
/// valid TOML or JSON (no schema applies to it).
pub fn as_json(text: &str, format: Format) -> Option<Value> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match format {
        Format::Toml => text
            .parse::<toml::Table>()
            .ok()
            .map(|t| toml_to_json(toml::Value::Table(t))),
        _ => serde_json::from_str(text).ok(),
    }
}

/// Checks a portfolio with the library as the command line does (default options, bundled
/// units); its text as JSON when it is TOML or JSON at all.
pub fn load_portfolio(path: &Path) -> (Option<Value>, Result<competency::Report<'static>, LoadErrors>) {
    let bytes = std::fs::read(path).unwrap();
    let name = name(path);
    let format = Format::from_file_name(&name);
    let result = Source::from_bytes(&name, &bytes, format)
        .and_then(|source| Checker::bundled().check_source(&source, &CheckOptions::default()));
    let value = std::str::from_utf8(&bytes).ok().and_then(|t| as_json(t, format));
    (value, result)
}

/// Every portfolio the tests and examples hold.
pub fn portfolios() -> Vec<PathBuf> {
    let mut out = files("examples", |n| n.ends_with(".toml") || n.ends_with(".json"));
    for case in std::fs::read_dir(root().join("tests/check")).unwrap() {
        let dir = case.unwrap().path();
        out.extend(
            ["portfolio.toml", "portfolio.json"]
                .map(|n| dir.join(n))
                .into_iter()
                .filter(|p| p.exists()),
        );
    }
    out.extend(files("tests/hostile/portfolios", |n| {
        !n.ends_with(".expected") && !n.ends_with(".args")
    }));
    out.extend(files("tests/cli/fixtures", |n| {
        n.ends_with(".toml") || n.ends_with(".json")
    }));
    out.sort();
    out
}
