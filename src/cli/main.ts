#!/usr/bin/env node
import { runCli } from './program.js';

const result = await runCli(process.argv.slice(2), {
  passthrough: true,
  interactive: Boolean(process.stderr.isTTY),
});
process.exitCode = result.exitCode;
