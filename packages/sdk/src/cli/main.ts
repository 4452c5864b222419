// Entry point of the `aigrid` command (see bin/aigrid.mjs).
import { run } from './run';

const code = await run(process.argv.slice(2), {
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
process.exitCode = code;
