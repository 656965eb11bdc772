#!/usr/bin/env node
import { runCli } from './program.js';

// `posguard audit | head` closes the pipe early: that is the reader's choice, not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

const result = await runCli(process.argv.slice(2), {
  passthrough: true,
  interactive: Boolean(process.stderr.isTTY),
});
process.exitCode = result.exitCode;
