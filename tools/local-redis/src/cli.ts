#!/usr/bin/env node
import { ensureRedis, projectRedisDir, stopProjectRedis } from './local-redis.js';
import { pingRedis } from './ping.js';
import { DEFAULT_REDIS_URL, redactRedisUrl } from './redis-url.js';

const USAGE = `usage: newscell-redis <command>

  ensure   use REDIS_URL if it answers, else start the project's Redis (detached) and print its URL
  status   say whether REDIS_URL and the project's Redis answer
  stop     stop the project's own Redis (never any other)

Environment: REDIS_URL (default ${DEFAULT_REDIS_URL}), NEWSCELL_REDIS_PORT (default 6389),
NEWSCELL_VAR_DIR (default <repo>/var).`;

async function main(command: string | undefined): Promise<number> {
  switch (command) {
    case 'ensure': {
      const handle = await ensureRedis({ mode: 'detached' });
      process.stdout.write(`${handle.url}\n`);
      return 0;
    }
    case 'status': {
      const url = process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
      const answers = await pingRedis(url);
      process.stdout.write(`${redactRedisUrl(url)}: ${answers ? 'answers' : 'no answer'}\n`);
      process.stdout.write(`project Redis data: ${projectRedisDir()}\n`);
      return answers ? 0 : 1;
    }
    case 'stop': {
      const stopped = await stopProjectRedis();
      process.stdout.write(stopped ? 'stopped the project Redis\n' : 'no project Redis running\n');
      return 0;
    }
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return 0;
    default:
      process.stderr.write(`unknown command '${command ?? ''}'\n${USAGE}\n`);
      return 2;
  }
}

main(process.argv[2]).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `newscell-redis: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  },
);
