// One readable line per role change and per vote, derived from each Ready's soft and hard state:
// what a human (and the supervisor's log multiplexer) wants to see scroll by.
import type { Logger } from 'pino';
import { NONE } from '../raft/index.js';
import type { NodeId, Ready } from '../raft/index.js';

export class TransitionLog {
  #role = 'follower';
  #leader: NodeId = NONE;
  #vote: NodeId;

  constructor(
    private readonly self: NodeId,
    private readonly log: Logger,
    vote: NodeId,
  ) {
    this.#vote = vote;
  }

  observe(rd: Ready, term: number): void {
    const hs = rd.hardState;
    if (hs && hs.vote !== this.#vote) {
      if (hs.vote !== NONE && hs.vote !== this.self) this.log.info({ term: hs.term, vote: hs.vote }, `voted for node ${hs.vote} in term ${hs.term}`);
      this.#vote = hs.vote;
    }
    const ss = rd.softState;
    if (!ss) return;
    if (ss.role !== this.#role) {
      if (ss.role === 'leader') this.log.info({ term }, `became leader in term ${term}`);
      else if (this.#role === 'leader') this.log.info({ term }, `stepped down in term ${term} (now ${ss.role})`);
      else if (ss.role === 'candidate') this.log.info({ term }, `started an election for term ${term}`);
    }
    if (ss.role === 'follower' && ss.leader !== NONE && ss.leader !== this.#leader) {
      this.log.info({ term, leader: ss.leader }, `following leader node ${ss.leader} in term ${term}`);
    }
    if (ss.leader === NONE && this.#leader !== NONE && this.#leader !== this.self && ss.role !== 'leader') {
      this.log.info({ term }, `lost contact with leader node ${this.#leader}`);
    }
    this.#role = ss.role;
    this.#leader = ss.leader;
  }
}
