// The normalised shape of a parsed scenario: what the runner executes. Everything the YAML allows in
// several spellings (`2` / `node-2`, `"1,2 3"` / `[[1,2],[3]]`, options beside or inside the step)
// arrives here in exactly one form, with every default filled in, so a runner never re-validates.
//
// Runner contract, in one place:
// - Steps run in order. A step fails when its expectation is not met before `within` (ms); it is then
//   tried again up to `retry` more times (each attempt gets a fresh `within`).
// - Targets resolve against the live cluster at the moment the step runs (see `Target`).
// - After a step succeeds, the runner binds every variable in `step.binds` to the processes the step
//   acted on (`$killed` = the node(s) killed). Resolving the keyword `leader` anywhere also binds
//   `$leader` (listed in `binds` too). The parser has already proved that every `$var` is bound
//   before use, so an unbound variable at run time is a runner bug.
// - Every client operation (each attempt of a put/get/delete/cas step, and every `load` operation) is
//   recorded in one history; `check` judges that history. So a read step without `expect` still counts:
//   `check: linearizable` decides whether what it saw was possible.

/** Milliseconds. Parsed from `500ms`, `3s`, `1m`, `1m30s` or a bare integer (ms). */
export type DurationMs = number;

/** Target keywords, the same words as the CLI's TARGET (SPEC). */
export const TARGET_KEYWORDS = ['leader', 'follower', 'followers', 'random', 'proxy', 'all'] as const;
export type TargetKeyword = (typeof TARGET_KEYWORDS)[number];

/**
 * One target as written. Resolution (by the runner, at run time):
 * - node: that node (`2` or `node-2`).
 * - leader: the node whose role is leader (highest term wins); also binds `$leader`.
 * - follower / random: one follower / one node, chosen by the runner's seeded rng.
 * - followers: every follower. proxy: the proxy process. all: every process, nodes and proxy (as the
 *   CLI's `all`); where only nodes make sense (await, isolate) the runner keeps only the nodes.
 * - var: the processes bound to `$name` by an earlier step.
 * `text` is the spelling from the file, for checklist titles ("kill leader", "get from $killed").
 */
export type Target =
  | { readonly kind: 'node'; readonly id: number; readonly text: string }
  | { readonly kind: 'keyword'; readonly keyword: TargetKeyword; readonly text: string }
  | { readonly kind: 'var'; readonly name: string; readonly text: string };

/** The proxy, the default endpoint of client operations. */
export const PROXY_TARGET: Target = Object.freeze({ kind: 'keyword', keyword: 'proxy', text: 'proxy' });

export type Consistency = 'linearizable' | 'stale';

/**
 * What error a client step demands instead of success. `any`: any error at all. `codes`: one of these
 * stable codes (SPEC "Errors"). The error must arrive before `within`; an acknowledged operation, or no
 * answer at the deadline, fails the step (a write acknowledged without a quorum is exactly the bug).
 */
export type ExpectedError = { readonly kind: 'any' } | { readonly kind: 'codes'; readonly codes: readonly string[] };

/** Where a step came from, for failure messages (`leader-crash › step 4 (line 12)`). */
export interface StepSource {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly col: number;
}

/** Fields every step has. */
export interface StepBase {
  /** 0-based position in `steps`; show `index + 1` to people. */
  readonly index: number;
  /** `steps[3]`, the same path parse errors use. */
  readonly path: string;
  readonly source: StepSource;
  /** The user's label (`name:`), if any; otherwise the runner titles the step with describeStep(). */
  readonly label: string | undefined;
  /** Variable names (without `$`) to bind after the step succeeds, e.g. ['killed', 'leader']. */
  readonly binds: readonly string[];
}

/** Deadline and retries; every step but `load` has them (defaults: DEFAULT_WITHIN, 0 retries). */
export interface Timed {
  /** Deadline for one attempt, ms. */
  readonly within: DurationMs;
  /** True when the file gave `within` (the runner may say "within 3s (default)" otherwise). */
  readonly withinExplicit: boolean;
  /** Extra attempts after a failed one. */
  readonly retry: number;
}

/** Client operation fields shared by put/get/delete/cas. */
export interface ClientOpBase extends StepBase, Timed {
  readonly key: string;
  /**
   * Where the request goes: `[PROXY_TARGET]` by default. For get this may name several processes
   * (`followers`): the read is made on each and each must meet the expectation. For put/delete/cas the
   * parser guarantees it names exactly one process.
   */
  readonly endpoint: readonly Target[];
  /** Set when the step must fail with an error (`expect_error:`); then no value expectation applies. */
  readonly expectError: ExpectedError | undefined;
  /**
   * `allow_error:` — an error matching this is also a pass (the step then checks nothing more); a
   * success must still meet the step's expectation. For outcomes that may go either way but must never
   * be wrong, e.g. a read from a just-resumed old leader: the right value or an error, never a stale one.
   * Never set together with expectError.
   */
  readonly allowError: ExpectedError | undefined;
}

export interface PutStep extends ClientOpBase {
  readonly kind: 'put';
  readonly value: string;
}

export interface GetStep extends ClientOpBase {
  readonly kind: 'get';
  /** `GET ?consistency=`; default linearizable (SPEC). */
  readonly consistency: Consistency;
  /** `expect:` given: the value read must equal `value`; null means the key must be absent (404). */
  readonly expect: { readonly value: string | null } | undefined;
}

export interface DeleteStep extends ClientOpBase {
  readonly kind: 'delete';
  /** `deleted:` given: the answer's `deleted` flag must equal it (true = the key existed). */
  readonly expectDeleted: boolean | undefined;
}

export interface CasStep extends ClientOpBase {
  readonly kind: 'cas';
  /** Expected current value; null = the key must not exist. (YAML `from:`; the endpoint is `on:`.) */
  readonly from: string | null;
  readonly to: string;
}

export type ProcessAction = 'kill' | 'start' | 'stop' | 'restart' | 'pause' | 'resume';

/** Past tense of each action: the variable it binds (`kill` → `$killed`). */
export const PROCESS_VARIABLE: Readonly<Record<ProcessAction, string>> = Object.freeze({
  kill: 'killed', start: 'started', stop: 'stopped', restart: 'restarted', pause: 'paused', resume: 'resumed',
});

/** Signals `kill` may send. */
export const KILL_SIGNALS = ['SIGKILL', 'SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGABRT'] as const;
export type KillSignal = (typeof KILL_SIGNALS)[number];

/**
 * kill (a crash: SIGKILL by default) · start (a stopped process, data intact; waits until it serves) ·
 * stop (SIGTERM, then SIGKILL after a grace period) · restart (stop + start) · pause (SIGSTOP) ·
 * resume (SIGCONT). Succeeds when every target reached the new state before `within`.
 */
export interface ProcessStep extends StepBase, Timed {
  readonly kind: ProcessAction;
  readonly targets: readonly Target[];
  /** kill only; SIGKILL unless `signal:` says otherwise. Undefined for the other actions. */
  readonly signal: KillSignal | undefined;
}

/** Cut node-to-node traffic between the groups (as `raft-sup partition 1,2 3`). At least two groups. */
export interface PartitionStep extends StepBase, Timed {
  readonly kind: 'partition';
  readonly groups: readonly (readonly Target[])[];
}

/** Cut the target node(s) off from every other node; binds `$isolated`. */
export interface IsolateStep extends StepBase, Timed {
  readonly kind: 'isolate';
  readonly targets: readonly Target[];
}

/** Restore every link. */
export interface HealStep extends StepBase, Timed {
  readonly kind: 'heal';
}

/**
 * What `await` waits for (polling, until `within`):
 * - leader-elected: some node is leader and a majority agrees on it; binds `$leader`.
 * - leader-changed: a leader other than the node in `$leader` is elected; rebinds `$leader`.
 * - leader-none: no running node claims to be leader (a leader that lost its majority stepped down).
 * - caught-up: each node has applied everything the leader has committed (its lag is 0 and the
 *   leader's commitIndex was reached at least once after the step began).
 * - key-value: a read of `key` on each `on` target returns `value` (null = absent); with an explicit
 *   `on`, reads default to stale ("has this node's own state machine got it?"), through the proxy to
 *   linearizable.
 * - load-done / load-progress: see below.
 */
export type AwaitCondition =
  | { readonly kind: 'leader-elected' }
  | { readonly kind: 'leader-changed' }
  | { readonly kind: 'leader-none' }
  | { readonly kind: 'caught-up'; readonly nodes: readonly Target[] }
  | { readonly kind: 'key-value'; readonly key: string; readonly value: string | null; readonly on: readonly Target[]; readonly consistency: Consistency }
  /** The load ended by itself (its duration or ops ran out). The parser checked the load has a limit. */
  | { readonly kind: 'load-done'; readonly load: string }
  /** The load has at least `ops` successful operations recorded since it started (it is making progress). */
  | { readonly kind: 'load-progress'; readonly load: string; readonly ops: number };

export interface AwaitStep extends StepBase, Timed {
  readonly kind: 'await';
  readonly condition: AwaitCondition;
}

/** When a background load ends by itself. `manual`: only at `stop_load` (or the end of the scenario). */
export type LoadLimit =
  | { readonly kind: 'duration'; readonly ms: DurationMs }
  | { readonly kind: 'ops'; readonly count: number }
  | { readonly kind: 'manual' };

/** Relative weights of the operations a load client picks from (not all zero). */
export interface LoadMix {
  readonly put: number;
  readonly get: number;
  readonly cas: number;
}

/**
 * Start `clients` concurrent clients against the proxy, each running one operation at a time on
 * `keys`, recorded in the history. Returns at once; the load runs beside the following steps.
 * Puts write unique values, so a lost write is always detectable.
 */
export interface LoadStep extends StepBase {
  readonly kind: 'load';
  /** Unique within the scenario; `stop_load` names it. */
  readonly name: string;
  readonly clients: number;
  readonly limit: LoadLimit;
  /** The exact keys to use (a number `keys: 5` becomes `<name>-k0` … `<name>-k4`). */
  readonly keys: readonly string[];
  readonly mix: LoadMix;
}

/** Stop these loads now and wait (up to `within`) for their in-flight operations to finish. */
export interface StopLoadStep extends StepBase, Timed {
  readonly kind: 'stop_load';
  /** Load names, resolved by the parser (`all` = every load started so far). */
  readonly loads: readonly string[];
}

export const CHECK_NAMES = ['linearizable', 'no_lost_writes', 'no_failed_writes'] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

/** What a bare `- check` runs: the safety checks (a failed write is allowed; a wrong answer is not). */
export const DEFAULT_CHECKS: readonly CheckName[] = Object.freeze(['linearizable', 'no_lost_writes']);

/**
 * Judge the history recorded so far: first wait (up to `within`) for loads that end by themselves.
 * linearizable: every key's history is linearizable. no_lost_writes: every acknowledged write is
 * still readable (the runner reads the final value of every key written). no_failed_writes: every
 * write (put/delete/cas, steps and loads) got an answer other than an error (a CAS mismatch is an
 * answer) — for faults that must be invisible to clients, like a graceful leader restart.
 */
export interface CheckStep extends StepBase, Timed {
  readonly kind: 'check';
  readonly checks: readonly CheckName[];
}

export type Step =
  | PutStep | GetStep | DeleteStep | CasStep
  | ProcessStep | PartitionStep | IsolateStep | HealStep
  | AwaitStep | LoadStep | StopLoadStep | CheckStep;

export type StepKind = Step['kind'];

/** Every step name, in the order the docs list them (also the vocabulary for suggestions). */
export const STEP_KINDS: readonly StepKind[] = Object.freeze([
  'put', 'get', 'delete', 'cas',
  'kill', 'start', 'stop', 'restart', 'pause', 'resume',
  'partition', 'isolate', 'heal',
  'await', 'load', 'stop_load', 'check',
]);

/** Deadline of one attempt when the step gives no `within`. */
export const DEFAULT_WITHIN: Readonly<Record<Exclude<StepKind, 'load'>, DurationMs>> = Object.freeze({
  // Longer than the proxy's own retry deadline (5s), so its answer, not our impatience, decides.
  put: 8_000, get: 8_000, delete: 8_000, cas: 8_000,
  // Starting a process is booting Node and loading the program: seconds on a busy CI machine, and
  // not what a scenario checks (an await after it does). Generous, so a slow box is not a failure.
  kill: 5_000, stop: 10_000, start: 30_000, restart: 45_000, pause: 5_000, resume: 5_000,
  partition: 5_000, isolate: 5_000, heal: 5_000,
  await: 10_000, stop_load: 10_000, check: 30_000,
});

export interface ClusterShape {
  /** Number of nodes (ids 1..nodes). Default 3. */
  readonly nodes: number;
}

export const DEFAULT_CLUSTER: ClusterShape = Object.freeze({ nodes: 3 });

export interface Scenario {
  readonly name: string;
  /** One line a person understands. */
  readonly description: string;
  /** The path it was parsed from, as given to parseScenario. */
  readonly file: string;
  readonly cluster: ClusterShape;
  /** True when the file has a `cluster:` section (with `--attach` the runner may check the live shape). */
  readonly clusterExplicit: boolean;
  /** Seed for the runner's choices (follower, random, load values), when the file fixes one. */
  readonly seed: number | undefined;
  readonly steps: readonly Step[];
}
