import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { loadApiConfig } from './config.js';

let config: ReturnType<typeof loadApiConfig>;
try {
  config = loadApiConfig();
} catch (error) {
  process.stderr.write(`newscell api: ${(error as Error).message}\n`);
  process.exit(1);
}

// /readyz pings on the training queue's connection (no redisReachable given): a probe opens no
// connection of its own.
const app = await buildApp({ config });

// close() stops accepting, ends event streams, lets requests in flight finish and closes Redis.
closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
  if (err) app.log.error({ err }, 'closing after an error');
  else app.log.info({ signal }, 'closing');
  await app.close();
});

await app.listen({ host: config.host, port: config.port });
if (config.adminKeys.length + config.readKeys.length === 0) {
  app.log.warn(
    { host: config.host },
    'no API keys configured (NEWSCELL_ADMIN_KEYS, NEWSCELL_READ_KEYS): every route is open, so the API listens on loopback only',
  );
} else {
  app.log.info(
    { adminKeys: config.adminKeys.length, readKeys: config.readKeys.length },
    'API keys configured',
  );
}
