#!/usr/bin/env node
import { runCli } from './program.js';

// Exit explicitly: TensorFlow.js backends may keep handles open after the work is done.
process.exit(await runCli(process.argv.slice(2)));
