#!/usr/bin/env node
// The tdl executable: runs the CLI against this process's streams and exits with its status.
import { main } from './cli.js';

const code = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
process.exitCode = code;
