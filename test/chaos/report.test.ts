// report.html rendered from synthetic runs (real checks on a seeded history): what a reader must
// find on the page, and that it is self-contained (nothing fetched from anywhere).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderReport } from '../../src/chaos/index.js';
import { syntheticRun } from './synthetic.js';

const count = (html: string, re: RegExp): number => (html.match(re) ?? []).length;

function assertSelfContained(html: string): void {
  assert.doesNotMatch(html, /<link\b/i, 'no stylesheet links');
  assert.doesNotMatch(html, /\bsrc\s*=/i, 'no src= (scripts, images, frames)');
  assert.doesNotMatch(html, /@import|url\(/i, 'no CSS imports or urls');
  const urls = html.match(/https?:\/\/[^\s"'<)]+/g) ?? [];
  assert.deepEqual([...new Set(urls)], ['http://www.w3.org/2000/svg'], 'only the SVG namespace looks like a URL');
}

describe('chaos report (synthetic history)', () => {
  it('a valid run: the verdict on top, every operation as a bar, faults shaded and labelled, no failure section', () => {
    const run = syntheticRun({ seed: 11, invalid: false });
    assert.equal(run.results.verdict, 'valid', JSON.stringify(run.results.summary));
    const html = renderReport(run);
    assertSelfContained(html);
    assert.match(html, /<div id="verdict" class="verdict valid" data-verdict="valid"><span class="badge">VALID<\/span>/);
    assert.ok(html.indexOf('id="verdict"') < html.indexOf('id="timeline"'), 'the verdict comes first');
    assert.equal(count(html, /<rect class="op (ok|fail|info)[^"]*" data-op=/g), run.ops.length);
    assert.equal(count(html, /<rect class="op info/g), run.ops.filter((o) => o.outcome === 'info').length);
    assert.equal(count(html, /<rect class="op fail/g), run.ops.filter((o) => o.outcome === 'fail').length);
    // Each fault is shaded in the timeline, the throughput and the latency chart; labelled in the timeline.
    assert.equal(count(html, /<g class="fault" data-kind="kill" data-index="1">/g), 3);
    assert.equal(count(html, /<g class="fault" data-kind="isolate" data-index="2">/g), 3);
    assert.match(html, /<text class="fault-label"[^>]*>1 kill node-2<\/text>/);
    assert.match(html, /<text class="fault-label"[^>]*>2 isolate node-3<\/text>/);
    assert.match(html, /id="throughput-svg"/);
    assert.match(html, /<path class="lat p50"/);
    assert.doesNotMatch(html, /id="problems"/);
    assert.doesNotMatch(html, /class="mark /);
    assert.match(html, /<tr class="check pass" data-check="linearizable">/);
    assert.match(html, /replay: <code id="replay">raft-sup chaos --seed 11 --duration 1s --nemesis kill,partition<\/code>/);
  });

  it('an invalid run: the stale read is named in the verdict, explained, listed, and outlined in the timeline with the write it missed', () => {
    const run = syntheticRun({ seed: 12, invalid: true });
    assert.equal(run.results.verdict, 'invalid');
    assert.notEqual(run.staleId, null);
    const html = renderReport(run);
    assertSelfContained(html);
    assert.match(html, /data-verdict="invalid"><span class="badge">INVALID<\/span> <span class="verdict-text">stale read: op \d+ \(get by client \d+ via node-3\)/);
    const failure = run.results.checks.linearizable.failures[0];
    assert.ok(failure);
    assert.equal(failure.opId, run.staleId);
    assert.equal(failure.anomaly, 'stale-read');
    assert.equal(failure.missedId, run.missedId);
    assert.match(html, new RegExp(`<div class="failure" data-check="linearizable" data-key="k0" data-op="${run.staleId}" data-anomaly="stale-read">`));
    assert.match(html, /<p class="explanation">key k0: get→&quot;v\d+&quot; by client \d+ via node-3 at [\d.]+ms cannot be placed/);
    assert.match(html, new RegExp(`<tr class="op-row offending" data-op="${run.staleId}">`));
    assert.match(html, new RegExp(`<tr class="op-row missed" data-op="${run.missedId}">`));
    assert.match(html, new RegExp(`<rect class="op ok offending" data-op="${run.staleId}"`));
    assert.match(html, new RegExp(`<rect class="mark mark-offending" data-op="${run.staleId}"`));
    assert.match(html, new RegExp(`<rect class="op ok conflict" data-op="${run.missedId}"`));
    assert.match(html, /<tr class="check fail" data-check="linearizable">/);
  });

  it('escapes whatever the history holds (keys and values are user data)', () => {
    const run = syntheticRun({ seed: 13, invalid: true, keys: ['<b>k&"\'</b>'] });
    const html = renderReport(run);
    assert.doesNotMatch(html, /<b>k&/);
    assert.match(html, /&lt;b&gt;k&amp;&quot;&#39;&lt;\/b&gt;/);
  });
});
