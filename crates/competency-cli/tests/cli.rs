//! CLI behaviour (arguments, exit codes, output): one case file per behaviour in `tests/cli/`,
//! run by trycmd. `TRYCMD=overwrite cargo test -p competency-cli` regenerates the expected
//! output; review the diff.

#[test]
fn cli_cases() {
    trycmd::TestCases::new()
        .env("NO_COLOR", "1")
        .case("../../tests/cli/*.toml")
        .case("../../tests/cli/*.trycmd");
}
