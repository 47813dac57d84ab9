// `raft-sup node`: run one Raft member (peer RPCs + client KV API + /status on one port).
import type { Command } from 'commander';
import { NODE_DEFAULTS, nodeConfigFromFlags, runNode } from '../../node/index.js';
import type { NodeFlags } from '../../node/index.js';

export function register(program: Command): void {
  program
    .command('node')
    .description('run one Raft node: peer RPCs, the client KV API and /status on one port')
    .requiredOption('--id <n>', 'this node\'s id (a positive integer, present in --peers)')
    .requiredOption('--port <port>', 'port to listen on')
    .requiredOption('--peers <list>', 'every member as id=url, comma-separated, e.g. 1=http://127.0.0.1:5001,2=http://127.0.0.1:5002,3=http://127.0.0.1:5003')
    .requiredOption('--data-dir <dir>', 'this node\'s data directory (e.g. .raft-sup/node-1)')
    .option('--host <addr>', 'address to bind; anything but loopback requires a token', NODE_DEFAULTS.host)
    .option('--token <token>', 'bearer token guarding every endpoint (or RAFT_SUP_TOKEN)')
    .option('--cluster-id <id>', 'cluster identity recorded in the data directory', NODE_DEFAULTS.clusterId)
    .option('--enable-faults', 'expose the fault-injection admin API (loopback only)')
    .option('--lifeline', 'exit when stdin closes (the supervisor is gone)')
    .option('--tick-ms <ms>', 'length of one Raft tick', String(NODE_DEFAULTS.tickMs))
    .option('--election-ticks <n>', 'election timeout in ticks (randomised in [n, 2n))', String(NODE_DEFAULTS.electionTicks))
    .option('--heartbeat-ticks <n>', 'heartbeat interval in ticks', String(NODE_DEFAULTS.heartbeatTicks))
    .option('--snapshot-every <n>', 'snapshot after this many applied entries (0 = never)', String(NODE_DEFAULTS.snapshotEvery))
    .option('--snapshot-keep <n>', 'log entries kept behind a snapshot for lagging followers', String(NODE_DEFAULTS.snapshotKeep))
    .option('--write-timeout-ms <ms>', 'how long a write waits for commit before 504', String(NODE_DEFAULTS.writeTimeoutMs))
    .option('--read-timeout-ms <ms>', 'how long a linearizable read waits before 504', String(NODE_DEFAULTS.readTimeoutMs))
    .option('--peer-timeout-ms <ms>', 'deadline of one message batch to a peer', String(NODE_DEFAULTS.peerTimeoutMs))
    .option('--no-early-send', 'send appends only after the local fsync (slower; for comparison)')
    .option('--unsafe-stale-reads', 'serve every read from local state (the original\'s bug; demos only)')
    .option('--log-dir <dir>', 'directory of the warnings-and-errors file (default: the data dir)')
    .option('--log-level <level>', 'stdout log level: trace, debug, info, warn, error, silent', 'info')
    .action(async (flags: NodeFlags) => {
      await runNode(nodeConfigFromFlags(flags, process.env));
    });
}
