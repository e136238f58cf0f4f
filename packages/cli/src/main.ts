#!/usr/bin/env node
// The tdl executable: runs the CLI against this process's streams and exits with its status.
import { callerDirectory } from './caller-cwd.js';
import { main } from './cli.js';

// Launched as the workspace's `pnpm tdl` script, the process starts in the repository root: paths on
// the command line are meant from the folder pnpm was called in.
const caller = callerDirectory(process.env);
if (caller) process.chdir(caller);

const code = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
process.exitCode = code;
