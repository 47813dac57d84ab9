// `raft-sup proxy`: the stateless front door (writes to the leader with retries, reads to followers).
import type { Command } from 'commander';
import { PROXY_DEFAULTS, proxyConfigFromFlags, runProxy } from '../../proxy/index.js';
import type { ProxyFlags } from '../../proxy/index.js';

export function register(program: Command): void {
  program
    .command('proxy')
    .description('run the proxy: writes go to the leader (retried across leader changes), reads to followers (linearizable)')
    .requiredOption('--port <port>', 'port to listen on')
    .requiredOption('--nodes <list>', 'every node as id=url, comma-separated, e.g. 1=http://127.0.0.1:5001,2=http://127.0.0.1:5002')
    .option('--host <addr>', 'address to bind; anything but loopback requires a token', PROXY_DEFAULTS.host)
    .option('--token <token>', 'bearer token: required from clients and sent to nodes (or RAFT_SUP_TOKEN)')
    .option('--deadline-ms <ms>', 'overall deadline of one request, retries included', String(PROXY_DEFAULTS.deadlineMs))
    .option('--poll-ms <ms>', 'interval of /status polling to track the leader (0 = on demand only)', String(PROXY_DEFAULTS.pollMs))
    .option('--lifeline', 'exit when stdin closes (the supervisor is gone)')
    .option('--log-dir <dir>', 'directory of the warnings-and-errors file (proxy.errors.log)')
    .option('--log-level <level>', 'stdout log level: trace, debug, info, warn, error, silent', 'info')
    .action(async (flags: ProxyFlags) => {
      await runProxy(proxyConfigFromFlags(flags, process.env));
    });
}
