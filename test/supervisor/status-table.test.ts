import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { renderStatusSummary, renderStatusTable, stateLabel, type ClusterStatus } from '../../src/shared/status-table.js';

// eslint-disable-next-line no-control-regex
const stripAnsi = (s: string): string => s.replace(/\u001b\[[0-9;]*m/g, '');

const status: ClusterStatus = {
  leader: 2,
  term: 7,
  processes: [
    { name: 'node-1', kind: 'node', id: 1, pid: 4101, state: 'running', url: 'http://127.0.0.1:5001', role: 'follower', term: 7, leader: 2, commitIndex: 120, appliedIndex: 120, lastLogIndex: 121, lag: 1 },
    { name: 'node-2', kind: 'node', id: 2, pid: 4102, state: 'running', url: 'http://127.0.0.1:5002', role: 'leader', term: 7, leader: 2, commitIndex: 121, appliedIndex: 121, lastLogIndex: 121, lag: 0 },
    { name: 'node-3', kind: 'node', id: 3, pid: null, state: 'crashed', url: 'http://127.0.0.1:5003', role: null, term: null, commitIndex: null, appliedIndex: null, lastLogIndex: null, lag: null, signal: 'SIGKILL' },
    { name: 'proxy', kind: 'proxy', pid: 4100, state: 'running', url: 'http://127.0.0.1:5000' },
  ],
};

describe('renderStatusTable', () => {
  test('renders aligned columns with - for unknowns and how a crashed process died', () => {
    assert.equal(renderStatusTable(status), [
      'NAME     PID  STATE              ROLE      TERM  LEADER  COMMIT  APPLIED  LAST  LAG',
      'node-1  4101  running            follower     7       2     120      120   121    1',
      'node-2  4102  running            leader       7       2     121      121   121    0',
      'node-3     -  crashed (SIGKILL)  -            -       -       -        -     -    -',
      'proxy   4100  running            -            -       -       -        -     -    -',
    ].join('\n'));
  });

  test('state labels: signal first, then exit code, else plain', () => {
    assert.equal(stateLabel({ state: 'crashed', exitCode: 3, signal: null }), 'crashed (exit 3)');
    assert.equal(stateLabel({ state: 'crashed', exitCode: null, signal: 'SIGTERM' }), 'crashed (SIGTERM)');
    assert.equal(stateLabel({ state: 'crashed' }), 'crashed');
    assert.equal(stateLabel({ state: 'paused', signal: 'SIGKILL' }), 'paused');
  });

  test('colour adds escape codes without changing the layout', () => {
    const coloured = renderStatusTable(status, { color: true });
    assert.notEqual(coloured, renderStatusTable(status));
    assert.ok(coloured.includes('\u001b[31mcrashed (SIGKILL)'), 'crashed is red');
    assert.equal(stripAnsi(coloured), renderStatusTable(status));
  });

  test('an empty cluster is just the header', () => {
    assert.equal(renderStatusTable({ leader: null, term: null, processes: [] }), 'NAME  PID  STATE  ROLE  TERM  LEADER  COMMIT  APPLIED  LAST  LAG');
  });

  test('the summary names the leader or says there is none', () => {
    assert.equal(renderStatusSummary(status), 'leader: node-2 (id 2) · term 7');
    assert.equal(renderStatusSummary({ leader: null, term: 8, processes: [] }), 'leader: none · term 8');
    assert.equal(renderStatusSummary({ leader: 5, term: null, processes: [] }), 'leader: id 5 · term -');
  });
});
