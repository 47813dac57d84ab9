// The REPL's public face: the interactive/piped session, the command runner the one-shots share,
// and the pieces a CLI command needs (parsing, exit codes, colours, timeouts).
export { runRepl } from './repl.js';
export type { ReplOptions } from './repl.js';
export { CommandRunner } from './command-runner.js';
export type { RunnerOptions, Answer } from './command-runner.js';
export { parseLine, parseWords, helpText, USAGE, COMMAND_WORDS } from './parse-command.js';
export type { KvCommand, ReplCommand, ParseResult } from './parse-command.js';
export { tokenize, quoteWord } from './tokenize.js';
export type { Token } from './tokenize.js';
export { renderOutcome, explainFailure, showValue, showMs } from './render.js';
export type { KvOutcome, KvResult } from './kv-ops.js';
export { exitCodeOf, worse, EXIT_OK, EXIT_FAILED, EXIT_USAGE } from './exit-code.js';
export type { ExitCode } from './exit-code.js';
export { colorWanted, makeStyle } from './style.js';
export { parseTimeout } from './duration.js';
export { LANGS, MENU_TEXT } from './menu-text.js';
export type { Lang } from './menu-text.js';
export { HISTORY_FILE } from './history.js';
export { KeyCompleter } from './completer.js';
