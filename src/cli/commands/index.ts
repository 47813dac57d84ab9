// Every CLI command module. Each exports `register(program)`; add one line per new command.
import type { Command } from 'commander';
import { register as registerClient } from './client.js';
import { register as registerKvOneShot } from './kv-oneshot.js';
import { register as registerNode } from './node.js';
import { register as registerProxy } from './proxy.js';
import { register as registerUp } from './up.js';
import { register as registerDown } from './down.js';
import { register as registerStatus } from './status.js';
import { register as registerKill } from './kill.js';
import { register as registerStart } from './start.js';
import { register as registerStop } from './stop.js';
import { register as registerRestart } from './restart.js';
import { register as registerPause } from './pause.js';
import { register as registerResume } from './resume.js';
import { register as registerPartition } from './partition.js';
import { register as registerIsolate } from './isolate.js';
import { register as registerHeal } from './heal.js';
import { register as registerLogs } from './logs.js';
import { register as registerScenario } from './scenario.js';
import { register as registerChaos } from './chaos.js';
import { register as registerBench } from './bench.js';

export type RegisterCommand = (program: Command) => void;

export const commandModules: RegisterCommand[] = [
  registerClient,
  registerKvOneShot,
  registerNode,
  registerProxy,
  registerUp,
  registerDown,
  registerStatus,
  registerKill,
  registerStart,
  registerStop,
  registerRestart,
  registerPause,
  registerResume,
  registerPartition,
  registerIsolate,
  registerHeal,
  registerLogs,
  registerScenario,
  registerChaos,
  registerBench,
];
