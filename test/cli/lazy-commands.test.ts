import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commandTable, loadCommands } from '../../src/cli/commands/index.js';
import { Command } from 'commander';

test('every command name in the table is registered by the module that claims it', async () => {
  for (const entry of commandTable) {
    const { register } = await entry.load();
    const program = new Command('raft-sup');
    register(program);
    const registered = program.commands.flatMap((c) => [c.name(), ...c.aliases()]);
    assert.deepEqual([...registered].sort(), [...entry.names].sort(), `module for ${entry.names.join(', ')}`);
  }
});

test('a named command loads only its own module; no command or an unknown one loads them all', async () => {
  assert.equal((await loadCommands(['node', '--id', '1'])).length, 1);
  assert.equal((await loadCommands(['--help'])).length, commandTable.length);
  assert.equal((await loadCommands(['nonsense'])).length, commandTable.length);
});
