#!/usr/bin/env node
// The `newscell` command as npm links it. npm links a bin at install time only if its file exists,
// and after `npm ci` nothing is built yet, so the bin is this committed file: it runs the built CLI
// (dist/main.js), or says how to build it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write(
    `newscell is not built yet (no ${fileURLToPath(main)}): run \`npm run build\` (or \`npm start\`) at the repository root first\n`,
  );
  process.exit(1);
}
await import(main.href);
