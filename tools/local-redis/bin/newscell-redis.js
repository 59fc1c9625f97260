#!/usr/bin/env node
// The `newscell-redis` command as npm links it. npm links a bin at install time only if its file
// exists, and after `npm ci` nothing is built yet, so the bin is this committed file: it runs the
// built command (dist/cli.js), or says how to build it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  process.stderr.write(
    `newscell-redis is not built yet (no ${fileURLToPath(cli)}): run \`npm run build\` (or \`npm start\`) at the repository root first\n`,
  );
  process.exit(1);
}
await import(cli.href);
