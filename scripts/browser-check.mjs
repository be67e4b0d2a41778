// The browser half of scripts/browser-check (run that, not this):
//   node scripts/browser-check.mjs CHROMIUM TOOLS_DIR OUT_DIR
// Opens OUT_DIR/NAME.html for each page of OUT_DIR/pages.json in headless Chromium, watches
// every console message, page error and request, checks what the page shows, and writes
// OUT_DIR/NAME.png (the full page) and OUT_DIR/NAME.pdf (printed on A4). Exits 1 on any failure.

import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [chromiumPath, toolsDir, outDir] = process.argv.slice(2);
if (!outDir) {
  console.error('usage: node scripts/browser-check.mjs CHROMIUM TOOLS_DIR OUT_DIR');
  process.exit(2);
}
const require = createRequire(path.resolve(toolsDir, 'node_modules', 'x.js'));
const { chromium } = require('playwright-core');

const pages = JSON.parse(fs.readFileSync(path.join(outDir, 'pages.json'), 'utf8'));
const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'competency-browser-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: chromiumPath,
  headless: true,
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
  viewport: { width: 1280, height: 900 },
});

let passed = 0;
let failed = 0;
try {
  // First a page that breaks every rule: the checks must see it, or they see nothing.
  const canary = await canaryProblems();
  if (canary.length === 0) {
    passed += 1;
  } else {
    failed += 1;
    for (const p of canary) console.log(`FAIL canary: ${p}`);
  }
  for (const spec of pages) {
    const problems = await checkPage(spec);
    if (problems.length === 0) {
      passed += 1;
    } else {
      failed += 1;
      for (const p of problems) console.log(`FAIL ${spec.name}: ${p}`);
    }
  }
} finally {
  await context.close();
  fs.rmSync(userDataDir, { recursive: true, force: true });
}
console.log(`browser-check: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);

/** Opens a page that logs a console error and fetches from a closed loopback port, and returns
 *  what the watchers failed to notice (empty when they noticed both). */
async function canaryProblems() {
  const file = path.resolve(outDir, 'canary.html');
  fs.writeFileSync(
    file,
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>canary</title></head><body>' +
      '<img src="http://127.0.0.1:9/canary.png" alt="">' +
      "<script>console.error('canary')</script></body></html>",
  );
  const { page, problems, requests, url } = await open(file);
  await page.close();
  const missed = [];
  if (!problems.some((p) => p.startsWith('console error'))) missed.push('the console error was not seen');
  if (!requests.some((r) => r !== url)) missed.push('the request to 127.0.0.1 was not seen');
  if (missed.length === 0) {
    console.log('ok canary: a page with a console error and a request is caught');
  }
  return missed;
}

/** Opens a file with every watcher attached. */
async function open(file) {
  const url = pathToFileURL(file).href;
  const problems = [];
  const requests = [];
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => requests.push(r.url()));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
  // Anything a dialog would show means a script ran.
  page.on('dialog', async (d) => {
    problems.push(`a dialog opened: ${d.message()}`);
    await d.dismiss();
  });

  await page.goto(url, { waitUntil: 'load' });
  await page.waitForTimeout(300);
  return { page, problems, requests, url };
}

/** Opens one page and returns what is wrong with it (empty when nothing is). */
async function checkPage(spec) {
  const { page, problems, requests, url } = await open(path.resolve(outDir, `${spec.name}.html`));

  for (const r of requests) {
    if (r !== url) problems.push(`request other than the file itself: ${r}`);
  }
  const facts = await page.evaluate(() => {
    const text = (sel) => [...document.querySelectorAll(sel)].map((e) => e.textContent);
    return {
      body: document.body.innerText,
      verdicts: text('.verdict'),
      scripts: document.querySelectorAll('script').length,
      external: [...document.querySelectorAll('[src], [href], link, img, iframe, object, embed')].map((e) => e.outerHTML),
      matrixRows: document.querySelectorAll('table.matrix tbody th[scope="row"]').length,
      matrixItems: text('table.matrix thead th.item b'),
      counted: document.querySelectorAll('table.matrix td.counted').length,
      notCountedItems: text('table.matrix thead th.item.not-counted b'),
      registerItems: text('table.register tbody th[scope="row"]'),
      headerCells: [...document.querySelectorAll('th')].filter((th) => !th.hasAttribute('scope')).length,
      signOff: document.querySelector('.sign-off') !== null,
      findingLines: text('ul.findings li'),
    };
  });

  if (!facts.verdicts.some((v) => v.startsWith(spec.verdict))) {
    problems.push(`no verdict "${spec.verdict}" (verdicts: ${JSON.stringify(facts.verdicts)})`);
  }
  if (spec.verdict === 'EVIDENCE COMPLETE' && facts.body.includes('NOT YET COMPLETE')) {
    problems.push('a complete portfolio shows "NOT YET COMPLETE"');
  }
  if (!facts.body.includes("the competency judgement remains the assessor's")) {
    problems.push('the disclaimer is missing');
  }
  if (facts.scripts !== 0) problems.push(`${facts.scripts} script elements on the page`);
  if (facts.external.length !== 0) problems.push(`elements that could fetch: ${facts.external.join(' ')}`);
  if (facts.headerCells !== 0) problems.push(`${facts.headerCells} header cells without scope`);
  if (facts.matrixRows !== spec.requirements) {
    problems.push(`matrix has ${facts.matrixRows} requirement rows, expected ${spec.requirements}`);
  }
  if (facts.counted === 0 && spec.kind === 'record') problems.push('the matrix marks no counted cell');
  for (const item of spec.items) {
    if (!facts.matrixItems.includes(item)) problems.push(`matrix has no column for ${item}`);
    if (spec.kind === 'record' && !facts.registerItems.includes(item)) {
      problems.push(`register has no row for ${item}`);
    }
  }
  for (const item of spec.notCounted ?? []) {
    if (!facts.notCountedItems.includes(item)) problems.push(`matrix does not show ${item} as not counted`);
  }
  for (const t of spec.text ?? []) {
    if (!facts.body.includes(t)) problems.push(`the page does not show the text ${JSON.stringify(t)}`);
  }
  if (spec.kind === 'record' && !facts.signOff) problems.push('no sign-off block');
  const clustered = facts.findingLines.filter((l) => l.startsWith('clustered')).length;
  if (spec.clusteredLines !== undefined && clustered !== spec.clusteredLines) {
    problems.push(`${clustered} clustered finding lines, expected one per unit (${spec.clusteredLines})`);
  }

  // Print: a page break before every unit after the first and before the sign-off, table
  // headers that repeat on each page, rows that do not split.
  await page.emulateMedia({ media: 'print' });
  const print = await page.evaluate(() => {
    const units = [...document.querySelectorAll('section.unit')];
    const style = (e) => getComputedStyle(e);
    return {
      units: units.length,
      breaks: units.slice(1).map((u) => style(u).breakBefore),
      signOff: [...document.querySelectorAll('.sign-off')].map((e) => style(e).breakBefore),
      theads: [...document.querySelectorAll('thead')].map((e) => style(e).display),
      rows: [...document.querySelectorAll('tbody tr')].map((e) => style(e).breakInside),
    };
  });
  await page.emulateMedia({ media: null });
  if (spec.units !== undefined && print.units !== spec.units) {
    problems.push(`${print.units} unit sections, expected ${spec.units}`);
  }
  if (![...print.breaks, ...print.signOff].every((b) => b === 'page')) {
    problems.push(`print: no page break before a unit or the sign-off (${print.breaks} ${print.signOff})`);
  }
  if (!print.theads.every((d) => d === 'table-header-group')) problems.push('print: a table header does not repeat');
  if (!print.rows.every((b) => b === 'avoid')) problems.push('print: a table row may split across pages');

  const png = path.join(outDir, `${spec.name}.png`);
  const pdf = path.join(outDir, `${spec.name}.pdf`);
  await page.screenshot({ path: png, fullPage: true });
  await page.pdf({ path: pdf, format: 'A4', printBackground: true, preferCSSPageSize: true });
  await page.close();
  const pdfPages = (fs.readFileSync(pdf, 'latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
  if (problems.length === 0) {
    console.log(
      `ok ${spec.name}: 0 console errors, ${requests.length} request (the file itself), verdict "${spec.verdict}", ` +
        `${print.units} unit${print.units === 1 ? '' : 's'}, ` +
        `matrix ${facts.matrixRows} rows x ${facts.matrixItems.length} item columns` +
        (spec.kind === 'record' ? `, register ${facts.registerItems.length} rows, sign-off` : '') +
        `; print: page breaks, repeated table headers; wrote ${png}, ${pdf} (${pdfPages} A4 pages)`,
    );
  }
  return problems;
}
