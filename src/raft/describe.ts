// One readable line per message, entry and Ready: for logs, traces and failing-test output.
import type { Entry, Message, Ready } from './types.js';

const MAX_DATA = 40;

export function describeEntry(e: Entry): string {
  if (e.type === 'noop') return `${e.index}/t${e.term} noop`;
  const data = e.data.length > MAX_DATA ? `${e.data.slice(0, MAX_DATA)}…` : e.data;
  return `${e.index}/t${e.term} ${JSON.stringify(data)}`;
}

function describeEntries(ents: readonly Entry[]): string {
  if (ents.length === 0) return '[]';
  const first = ents[0];
  const last = ents[ents.length - 1];
  if (ents.length === 1 && first) return `[${describeEntry(first)}]`;
  return `[${first?.index}..${last?.index} (${ents.length})]`;
}

export function describeMessage(m: Message): string {
  const head = `${m.from}→${m.to} ${m.type} t${m.term}`;
  switch (m.type) {
    case 'Vote':
    case 'PreVote':
      return `${head} last=${m.lastLogIndex}/t${m.lastLogTerm}${m.transfer ? ' transfer' : ''}`;
    case 'VoteResp':
    case 'PreVoteResp':
      return `${head} ${m.granted ? 'granted' : 'rejected'}`;
    case 'App':
      return `${head} prev=${m.prevLogIndex}/t${m.prevLogTerm} ents=${describeEntries(m.entries)} commit=${m.commit}${m.readCtx !== undefined ? ` read#${m.readCtx}` : ''}`;
    case 'AppResp':
      return m.success
        ? `${head} ok match=${m.matchIndex}${m.readCtx !== undefined ? ` read#${m.readCtx}` : ''}`
        : `${head} reject at=${m.rejectedIndex} hint=${m.conflictIndex}/t${m.conflictTerm}`;
    case 'Snap':
      return `${head} snapshot=${m.snapshot.meta.index}/t${m.snapshot.meta.term} (${m.snapshot.data.length} bytes)`;
    case 'ReadIndex':
      return `${head} ctx=${JSON.stringify(m.ctx)}`;
    case 'ReadIndexResp':
      return `${head} ctx=${JSON.stringify(m.ctx)} ${m.rejected ? 'rejected' : `index=${m.index}`}`;
    case 'TimeoutNow':
      return head;
  }
}

export function describeReady(rd: Ready): string {
  const parts: string[] = [];
  if (rd.softState) parts.push(`soft(${rd.softState.role}, leader=${rd.softState.leader})`);
  if (rd.hardState) parts.push(`hard(t${rd.hardState.term} vote=${rd.hardState.vote} commit=${rd.hardState.commit})`);
  if (rd.snapshot) parts.push(`snapshot=${rd.snapshot.meta.index}/t${rd.snapshot.meta.term}`);
  if (rd.entries.length) parts.push(`persist=${describeEntries(rd.entries)}`);
  if (rd.committedEntries.length) parts.push(`apply=${describeEntries(rd.committedEntries)}`);
  if (rd.messages.length) parts.push(`send=${rd.messages.length}`);
  if (rd.readStates.length) parts.push(`reads=${rd.readStates.map((s) => `${JSON.stringify(s.ctx)}@${s.index}`).join(',')}`);
  if (rd.readFailures.length) parts.push(`readFailures=${rd.readFailures.map((f) => `${JSON.stringify(f.ctx)}:${f.reason}`).join(',')}`);
  return parts.length ? parts.join(' ') : 'empty';
}
