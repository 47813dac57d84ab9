// Every CLI command module. Each exports `register(program)`; add one line per new command.
import type { Command } from 'commander';
import { register as registerClient } from './client.js';
import { register as registerKvOneShot } from './kv-oneshot.js';
import { register as registerNode } from './node.js';
import { register as registerProxy } from './proxy.js';

export type RegisterCommand = (program: Command) => void;

export const commandModules: RegisterCommand[] = [
  registerClient,
  registerKvOneShot,
  registerNode,
  registerProxy,
];
