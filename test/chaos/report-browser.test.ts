// report.html in a real browser (Debian's chromium driven by playwright-core): what a reader sees.
//
// Needs both `playwright-core` (a devDependency) and /usr/bin/chromium (`apt-get install -y chromium`,
// done by .ci/run when missing). Without them this test FAILS and says which one is missing: a
// report nobody has looked at in a browser is not tested.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { renderReport } from '../../src/chaos/index.js';
import { syntheticRun } from './synthetic.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// The few playwright-core shapes this test uses (typed locally: the package is optional at compile time).
interface Box { x: number; y: number; width: number; height: number }
/** The DOM as seen inside page functions (the test compiles without the DOM lib). */
interface El { getAttribute(name: string): string | null; classList: { contains(c: string): boolean }; getBoundingClientRect(): { width: number } }
interface Win { getComputedStyle(el: El): { backgroundColor: string; stroke: string; opacity: string } }
interface Locator {
  count(): Promise<number>;
  first(): Locator;
  nth(i: number): Locator;
  textContent(): Promise<string | null>;
  isVisible(): Promise<boolean>;
  boundingBox(): Promise<Box | null>;
  getAttribute(name: string): Promise<string | null>;
  click(): Promise<void>;
  selectOption(value: string): Promise<unknown>;
  evaluate<R>(fn: (el: El) => R): Promise<R>;
  evaluateAll<R>(fn: (els: El[]) => R): Promise<R>;
}
interface Page {
  goto(url: string): Promise<unknown>;
  title(): Promise<string>;
  locator(selector: string): Locator;
  on(event: 'pageerror' | 'console' | 'request', fn: (x: { message?: string; type?: () => string; text?: () => string; url?: () => string }) => void): void;
}
interface Context { newPage(): Promise<Page>; close(): Promise<void> }
interface Playwright { chromium: { launchPersistentContext(dir: string, o: Record<string, unknown>): Promise<Context> } }

async function loadPlaywright(): Promise<Playwright> {
  const name = 'playwright-core';
  try {
    return (await import(name)) as Playwright;
  } catch (err) {
    throw new Error(`playwright-core is not installed (${err instanceof Error ? err.message.split('\n')[0] : String(err)}); add "playwright-core": "1.65.1" to devDependencies and run npm install`);
  }
}

describe('chaos report in headless Chromium', () => {
  let ctx: Context | null = null;
  let dir = '';
  const problems: string[] = [];
  const requests: string[] = [];

  let setupError: string | null = null;

  // A missing prerequisite fails every test below with the reason (never a skip).
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rs-report-browser-'));
    try {
      const pw = await loadPlaywright();
      if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get update && apt-get install -y chromium)`);
      ctx = await pw.chromium.launchPersistentContext(join(dir, 'profile'), { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1300, height: 900 } });
    } catch (err) {
      setupError = err instanceof Error ? err.message : String(err);
    }
  });

  after(async () => {
    await ctx?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function open(invalid: boolean, seed: number): Promise<{ page: Page; run: ReturnType<typeof syntheticRun> }> {
    if (ctx === null) assert.fail(`no browser: ${setupError ?? 'it did not start'}`);
    const run = syntheticRun({ seed, invalid });
    const file = join(dir, `report-${seed}.html`);
    await writeFile(file, renderReport(run));
    const page = await ctx.newPage();
    page.on('pageerror', (e) => problems.push(`page error: ${e.message ?? ''}`));
    page.on('console', (m) => { if (m.type?.() === 'error') problems.push(`console error: ${m.text?.() ?? ''}`); });
    page.on('request', (r) => requests.push(r.url?.() ?? ''));
    await page.goto(pathToFileURL(file).href);
    return { page, run };
  }

  it('a failed run shows INVALID in red on top, names the stale read, and outlines it in the timeline', async () => {
    const { page, run } = await open(true, 21);
    assert.match(await page.title(), /INVALID/);
    const verdict = page.locator('#verdict');
    assert.ok(await verdict.isVisible());
    assert.match((await verdict.textContent()) ?? '', /^INVALID\s+stale read: op \d+ \(get by client \d+ via node-3\)/);
    assert.equal(await verdict.evaluate((el) => (globalThis as unknown as Win).getComputedStyle(el).backgroundColor), 'rgb(253, 232, 232)');
    const vBox = await verdict.boundingBox();
    assert.ok(vBox !== null && vBox.y < 60, `the verdict is at the top (y=${vBox?.y})`);

    // Every operation is a visible bar with a tooltip.
    const bars = page.locator('#timeline-svg rect.op');
    assert.equal(await bars.count(), run.ops.length);
    const widths = await bars.evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width));
    assert.ok(widths.every((w) => w > 0), 'every bar has a width');
    // Fault periods are shaded and labelled.
    assert.equal(await page.locator('#timeline-svg g.fault').count(), 2);
    assert.equal(await page.locator('#timeline-svg .fault-label').first().textContent(), '1 kill node-2');
    assert.ok(await page.locator('#timeline-svg g.fault rect.fault-band').first().isVisible());

    // The offending read: outlined on top of its bar, listed first in its table, explained.
    const id = String(run.staleId);
    const bar = await page.locator(`#timeline-svg rect.op[data-op="${id}"]`).boundingBox();
    const mark = await page.locator(`#timeline-svg rect.mark-offending[data-op="${id}"]`).boundingBox();
    assert.ok(bar !== null && mark !== null);
    assert.ok(mark.x <= bar.x && mark.y <= bar.y && mark.x + mark.width >= bar.x + bar.width && mark.y + mark.height >= bar.y + bar.height, 'the mark surrounds the bar');
    assert.equal(await page.locator(`#timeline-svg rect.mark-offending[data-op="${id}"]`).evaluate((el) => (globalThis as unknown as Win).getComputedStyle(el).stroke), 'rgb(213, 0, 0)');
    const row = page.locator(`tr.op-row.offending[data-op="${id}"]`);
    assert.ok(await row.isVisible());
    assert.match((await page.locator('.failure .explanation').first().textContent()) ?? '', /cannot be placed/);
    assert.ok(await page.locator(`tr.op-row.missed[data-op="${run.missedId}"]`).isVisible(), 'the write it missed is listed');
    assert.equal(await page.locator('tr.check.fail[data-check="linearizable"] .status').textContent(), 'FAIL');

    // Clicking the row flashes the bar; the key filter dims the other keys' bars.
    await row.click();
    assert.match((await page.locator(`#timeline-svg rect.op[data-op="${id}"]`).getAttribute('class')) ?? '', /\bflash\b/);
    await page.locator('#key-filter').selectOption('k1');
    const dimmed = await bars.evaluateAll((els) => els.filter((e) => e.getAttribute('data-key') !== 'k1').every((e) => e.classList.contains('dim') && Number((globalThis as unknown as Win).getComputedStyle(e).opacity) < 0.2));
    assert.ok(dimmed, 'bars of other keys are dimmed');

    // Throughput and latency charts are drawn.
    assert.ok((await page.locator('#throughput-svg rect.tp.ok').count()) > 0);
    assert.ok(((await page.locator('#latency-svg path.lat.p50').getAttribute('d')) ?? '').length > 10);
  });

  it('a clean run shows VALID in green and no failure section', async () => {
    const { page } = await open(false, 22);
    assert.match((await page.locator('#verdict').textContent()) ?? '', /^VALID\b/);
    assert.equal(await page.locator('#verdict').evaluate((el) => (globalThis as unknown as Win).getComputedStyle(el).backgroundColor), 'rgb(230, 246, 234)');
    assert.equal(await page.locator('#problems').count(), 0);
    assert.equal(await page.locator('tr.check.pass').count(), 4);
  });

  it('loads nothing from anywhere and runs its script without errors', () => {
    if (setupError !== null) assert.fail(`no browser: ${setupError}`);
    assert.deepEqual(problems, []);
    assert.ok(requests.length > 0 && requests.every((u) => u.startsWith('file://')), `requests: ${requests.join(', ')}`);
  });
});
