#!/usr/bin/env python3
"""`competency batch` as a stage of a Dask bag: the driver that scripts/scale-dask runs.

Generates a JSON Lines file of portfolios (from examples/, with invalid, garbage and blank
lines), maps every partition of a Dask bag through `competency batch` over stdin/stdout with
the catalog pinned by its digest, maps each record's per-partition line number back to its
line in the file, and checks the result line by line against the file and against one
`competency batch` over the whole file. Prints what it checked; exits 1 on any mismatch.
See docs/scaling.md.
"""

import argparse
import concurrent.futures
import hashlib
import itertools
import json
import multiprocessing
import pathlib
import random
import re
import shutil
import subprocess
import sys
import time

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

import dask
import dask.bag as db

ROOT = pathlib.Path(__file__).resolve().parent.parent


# --- The input ----------------------------------------------------------------------------


def example_portfolios():
    """Every example portfolio with evidence, as JSON-ready dicts (TOML dates become ISO
    strings). A credit-transfer example may list no evidence: the mutations below need some."""
    out = []
    for path in sorted((ROOT / "examples").glob("*.toml")):
        with open(path, "rb") as f:
            doc = json.loads(json.dumps(tomllib.load(f), default=lambda d: d.isoformat()))
        if doc.get("evidence"):
            out.append(doc)
    return out


def compact(doc):
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()


def first_mapping(doc):
    """The first evidence item's first unit mapping: {"covers": [...], ...}."""
    return next(iter(doc["evidence"][0]["units"].values()))


# Valid JSON that does not validate: (expected error code, change).
INVALID = [
    ("unknown-unit", lambda d: d.update(units=["CHCMGT007"])),
    ("unknown-field", lambda d: d.update(colour="blue")),
    ("missing-field", lambda d: d.pop("candidate")),
    ("unsupported-format", lambda d: d.update(format=9)),
    ("invalid-value", lambda d: d["evidence"][0].update(date="2026-02-30")),
    ("unknown-requirement", lambda d: first_mapping(d)["covers"].append("9.9")),
]

# Lines that are not portfolios at all; any error code will do.
GARBAGE = [
    b"hello, world",
    b"null",
    b"[1, 2, 3]",
    b'{"format": 1, "candidate": {"id": "S-1"',  # cut short
    b'{"format": 1, "candidate": {"id": "S-\xc3\x28"}}',  # not UTF-8
    b"\x00\x01\x02",
    b"}{",
]

# Blank lines: no portfolio, so no record (docs/batch.md).
BLANK = [b"", b"   ", b"\t", b" \t ", b"\r", b"\x0c"]


def generate(path, lines, seed):
    """Writes `lines` lines to `path`; returns each line's expectation: ("ok", None),
    ("bad", code or None) or ("blank", None)."""
    rng = random.Random(seed)
    examples = example_portfolios()
    expected = []
    with open(path, "wb") as out:
        for n in range(1, lines + 1):
            roll = rng.random()
            doc = json.loads(json.dumps(rng.choice(examples)))
            doc["candidate"]["id"] = f"S-{n:07d}"
            if roll < 0.06:
                code, change = rng.choice(INVALID)
                change(doc)
                line, want = compact(doc), ("bad", code)
            elif roll < 0.10:
                line, want = rng.choice(GARBAGE), ("bad", None)
            elif roll < 0.14:
                line, want = rng.choice(BLANK), ("blank", None)
            else:
                doc["evidence"][0]["title"] += rng.choice(["", " (\u2028 a line separator)", " — réviewed"])
                line, want = compact(doc), ("ok", None)
                if rng.random() < 0.03:
                    line = b"\xef\xbb\xbf" + line  # a byte order mark is dropped on any line
            end = b"\r\n" if rng.random() < 0.05 else b"\n"
            out.write(line + end)
            expected.append(want)
    return expected


# --- The stage: one partition through `competency batch` ----------------------------------


class StageFailure(Exception):
    """The batch did not run to its end: a failure of the stage, to retry or report."""


RECORD_LINE = re.compile(rb'^\{"line":(\d+),')


def is_blank(line):
    """A blank line as `competency batch` sees it (docs/batch.md): nothing but ASCII white
    space before its `\\n`. (A line that is only a byte order mark is blank too when it is
    the first the CLI reads, which a partition boundary can make it: the record count check
    then fails loudly rather than silently differ from a run over the whole file.)"""
    return line.removesuffix("\n").strip(" \t\r\x0c") == ""


def check_partition(lines, offsets, command):
    """Pipes one partition through `competency batch`; returns its records with line
    numbers counted in the whole file (`offsets[0]` lines come before this partition).

    `lines` are str lines as `read_text` gives them (undecodable bytes kept as surrogates);
    each is written back byte for byte. Exit codes 0, 1 and 2 are verdicts on portfolios,
    not failures: the stage fails when the batch did not run to its end, and whenever the
    records do not match the lines one for one. Holds about 7 times the partition's bytes."""
    offset = offsets[0]
    wanted = [n for n, line in enumerate(lines, 1) if not is_blank(line)]
    data = b"".join(line.encode("utf-8", "surrogateescape") + (b"" if line.endswith("\n") else b"\n")
                    for line in lines)
    proc = subprocess.run(command, input=data, capture_output=True)
    del data
    stderr = proc.stderr.decode("utf-8", "replace")
    last = (stderr.splitlines() or [""])[-1]
    if proc.returncode not in (0, 1, 2) or "error[" in stderr or not last.startswith("batch: "):
        raise StageFailure(f"partition at line {offset + 1}: exit {proc.returncode}: {stderr.strip()}")
    # Split on \n alone: a report may hold U+2028, which str.splitlines() would split on.
    records = proc.stdout.split(b"\n")
    code, proc = proc.returncode, None
    if records.pop() != b"":
        raise StageFailure(f"partition at line {offset + 1}: output does not end in a newline")
    got = [int(RECORD_LINE.match(r).group(1)) for r in records]
    if got != wanted:
        raise StageFailure(f"partition at line {offset + 1}: records for lines {got[:5]}..., "
                           f"portfolios on lines {wanted[:5]}...")
    if code != exit_code(json.loads(r) for r in records):
        raise StageFailure(f"partition at line {offset + 1}: exit {code} disagrees with its records")
    for i, r in enumerate(records):  # in place: one copy of the records at a time
        records[i] = RECORD_LINE.sub(lambda m: b'{"line":%d,' % (int(m.group(1)) + offset), r, count=1) + b"\n"
    return records


def partitioned(path, blocksize, command):
    """The bag of records: read_text splits the file on \\n only, one partition per block;
    a first pass counts each partition's lines (like Spark's zipWithIndex) for the offsets."""
    lines = db.read_text(str(path), blocksize=blocksize, linedelimiter="\n",
                         encoding="utf-8", errors="surrogateescape")
    counts = lines.map_partitions(lambda part: [sum(1 for _ in part)]).compute()
    offsets = list(itertools.accumulate([0] + counts[:-1]))
    offsets = db.from_sequence(offsets, npartitions=len(offsets))
    return lines.map_partitions(check_partition, offsets, command=command), len(counts)


def refusals(path, blocksize, command):
    """Every partition's outcome instead of the first failure: ("refused", message) or
    ("ran", records)."""
    def one(part, offsets):
        try:
            return [("ran", len(check_partition(part, offsets, command)))]
        except StageFailure as e:
            return [("refused", str(e))]
    lines = db.read_text(str(path), blocksize=blocksize, linedelimiter="\n",
                         encoding="utf-8", errors="surrogateescape")
    offsets = db.from_sequence([0] * lines.npartitions, npartitions=lines.npartitions)
    return lines.map_partitions(one, offsets).compute()


def exit_code(records):
    """What `competency batch` exits with for these records (parsed, in one pass): 2 when one
    is invalid, else 1 when a portfolio is incomplete, else 0."""
    code = 0
    for r in records:
        code = max(code, 2 if "errors" in r else 0 if r["report"]["complete"] else 1)
    return code


# --- The checks ---------------------------------------------------------------------------


class Checks:
    def __init__(self):
        self.failed = 0

    def check(self, ok, what):
        print(f"  {'ok    ' if ok else 'FAILED'} {what}", flush=True)
        self.failed += not ok


def shipped_unit_files():
    """The unit files in units/, in name order; the folder is also the crate competency-units,
    whose Cargo.toml the loader skips."""
    return [p for p in sorted((ROOT / "units").glob("*.toml")) if p.name != "Cargo.toml"]


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", required=True, help="the competency binary")
    parser.add_argument("--lines", type=int, default=3000)
    parser.add_argument("--partitions", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--as-of", default="2026-11-20")
    parser.add_argument("--workdir", default=str(ROOT / "target" / "scale-dask"))
    args = parser.parse_args()
    binary = str(pathlib.Path(args.bin).resolve())
    work = pathlib.Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    # One pool of worker processes for every computation, as a cluster keeps its workers.
    with concurrent.futures.ProcessPoolExecutor(args.workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        dask.config.set(scheduler="processes", pool=pool)
        return run(args, binary, work)


def run(args, binary, work):
    """Generates the input, runs the whole file and the bag, and prints every check."""
    checks = Checks()
    started = time.perf_counter()
    path = work / "portfolios.jsonl"
    expected = generate(path, args.lines, args.seed)
    size = path.stat().st_size
    kinds = {k: sum(1 for e in expected if e[0] == k) for k in ("ok", "bad", "blank")}
    print(f"input: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: {args.lines} lines, "
          f"{size} bytes: {kinds['ok']} portfolios, {kinds['bad']} invalid or garbage, {kinds['blank']} blank")
    print(f"dask {dask.__version__}, scheduler processes, {args.workers} workers; binary {args.bin}")

    print("catalog:")
    units = lambda *extra: subprocess.run([binary, *extra, "units", "--digest"], capture_output=True,
                                          text=True, check=True).stdout.strip()
    digest = units()
    manifest = "".join(f"{p.stem} {sha256_hex(p.read_bytes())}\n"
                       for p in shipped_unit_files())
    print(f"  digest {digest}")
    checks.check(digest == sha256_hex(manifest.encode()),
                 "`units --digest` is SHA-256 over 'CODE SHA256' lines of units/*.toml")
    checks.check(units("--only-units", str(ROOT / "units")) == digest,
                 "the shipped units/ directory has the bundled catalog's digest")

    pinned = ["--as-of", args.as_of, "--expect-catalog", digest]
    command = [binary, "batch", "--jobs", "1", *pinned]
    t = time.perf_counter()
    with open(path, "rb") as f:
        whole = subprocess.run([binary, "batch", *pinned], stdin=f, capture_output=True)
    whole_seconds = time.perf_counter() - t
    whole_records = len(whole.stdout.split(b"\n")) - 1
    print(f"one process over the whole file (--jobs 0): exit {whole.returncode}, "
          f"{whole_records} records, {whole_seconds:.2f} s")
    print(f"  {whole.stderr.decode().strip()}")

    blocksize = max(1, size // args.partitions)  # read_bytes makes size // blocksize blocks
    t = time.perf_counter()
    bag, nparts = partitioned(path, blocksize, command)
    out = work / "out"
    shutil.rmtree(out, ignore_errors=True)
    # One element per partition, its records as they are, so that to_textfiles adds no line break.
    bag.map_partitions(lambda part: [b"".join(part)]).to_textfiles(
        str(out / "part-*.jsonl"), name_function=lambda i: f"{i:05d}", encoding=None)
    parts = sorted(out.glob("part-*.jsonl"))
    records = [r + b"\n" for p in parts for r in p.read_bytes().split(b"\n")[:-1]]
    print(f"dask bag: {nparts} partitions of about {blocksize} bytes, {len(records)} records in "
          f"{len(parts)} files {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}/part-*.jsonl, "
          f"{time.perf_counter() - t:.2f} s (the count pass included)")

    by_line = {}
    duplicates = 0
    for r in records:
        n = int(RECORD_LINE.match(r).group(1))
        duplicates += n in by_line
        by_line[n] = r
    numbers = [int(RECORD_LINE.match(r).group(1)) for r in records]
    checks.check(numbers == sorted(numbers) and duplicates == 0, "records are in input order, none repeated")
    missing = [n for n, (k, _) in enumerate(expected, 1) if k != "blank" and n not in by_line]
    extra = [n for n, (k, _) in enumerate(expected, 1) if k == "blank" and n in by_line]
    extra += [n for n in by_line if not 1 <= n <= len(expected)]
    checks.check(not missing and not extra,
                 f"every non-blank line has exactly one record, every blank line none "
                 f"({len(expected) - kinds['blank']} records for {len(expected)} lines)")
    misplaced = []
    for n, (kind, code) in enumerate(expected, 1):
        record = by_line.get(n)
        if record is None:
            continue
        doc = json.loads(record)
        if kind == "ok" and "report" not in doc:
            misplaced.append((n, "wanted a report", doc.get("errors", [{}])[0].get("code")))
        if kind == "bad" and ("errors" not in doc or (code and code not in [e["code"] for e in doc["errors"]])):
            misplaced.append((n, f"wanted errors ({code or 'any code'})", list(doc)))
    checks.check(not misplaced, f"error records exactly on the {kinds['bad']} bad lines, with the expected "
                 f"codes; reports on the {kinds['ok']} portfolios" + (f": {misplaced[:3]}" if misplaced else ""))
    joined = b"".join(records)
    checks.check(joined == whole.stdout, f"the partitioned records, line numbers mapped back, are byte for byte "
                 f"those of one process over the whole file ({len(joined)} bytes)")
    verdicts = [json.loads(r) for r in records]
    stage_code = exit_code(verdicts)
    checks.check(stage_code == whole.returncode,
                 f"the stage's exit code from its records ({stage_code}) is the whole run's")
    shipped = {p.stem: sha256_hex(p.read_bytes()) for p in shipped_unit_files()}
    used = {(u["code"], u["source_sha256"]) for v in verdicts if "report" in v for u in v["report"]["units"]}
    checks.check(all(shipped.get(code) == sha for code, sha in used),
                 f"every report's source_sha256 is its shipped unit file's ({len(used)} units used)")
    ratio = len(whole.stdout) / size
    print(f"  records are {ratio:.1f}× the input's bytes")

    print("again, in 3 partitions (a retry, or another partitioning):")
    again, nparts = partitioned(path, max(1, size // 3), command)
    checks.check(b"".join(again.compute()) == joined, f"{nparts} partitions give the same bytes")

    print("a worker with another catalog:")
    tampered = work / "units-tampered"
    shutil.rmtree(tampered, ignore_errors=True)
    shutil.copytree(ROOT / "units", tampered)
    with open(tampered / "CHCMGT006.toml", "a") as f:
        f.write("\n# one comment more: the same unit, another text\n")
    other = [binary, "--only-units", str(tampered)] + command[1:]
    outcomes = refusals(path, blocksize, other)
    checks.check(all(kind == "refused" and "error[catalog-mismatch]" in what for kind, what in outcomes),
                 f"all {len(outcomes)} partitions refuse to start (catalog-mismatch, exit 2, no record)")
    try:
        partitioned(path, blocksize, other)[0].compute()
        checks.check(False, "the stage fails")
    except StageFailure as e:
        checks.check("catalog-mismatch" in str(e), "the stage fails (StageFailure raised to the driver)")

    print("scripts/competency-stage, the wrapper for Spark's RDD.pipe(checkCode=True):")
    stage = [str(ROOT / "scripts" / "competency-stage"), binary]
    with open(path, "rb") as f:
        wrapped = subprocess.run(stage + command[1:], stdin=f, capture_output=True)
    checks.check(wrapped.returncode == 0 and wrapped.stdout == whole.stdout,
                 f"a batch that ran (exit {whole.returncode}) is a stage that succeeded (exit {wrapped.returncode}), "
                 f"records unchanged")
    with open(path, "rb") as f:
        wrapped = subprocess.run(stage + other[1:], stdin=f, capture_output=True)
    checks.check(wrapped.returncode != 0 and wrapped.stdout == b"",
                 f"a refused catalog is a stage that failed (exit {wrapped.returncode})")

    print(f"{checks.failed} failed; {time.perf_counter() - started:.1f} s in all")
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
