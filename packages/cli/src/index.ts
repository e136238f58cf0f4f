// @tdl/cli: the tdl command as a library, for tests and embedding.
export { main, mainUsage, COMMANDS, VERSION } from './cli.js';
export type { CliIO } from './io.js';
export { openExecutor, parseBackend, BACKENDS, type Backend, type BackendOptions } from './backend.js';
