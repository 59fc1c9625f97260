import { pingRedis } from '@newscell/local-redis';
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

const app = await buildApp({ config, redisReachable: () => pingRedis(config.redisUrl) });

closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
  if (err) app.log.error({ err }, 'closing after an error');
  else app.log.info({ signal }, 'closing');
  await app.close();
});

await app.listen({ host: config.host, port: config.port });
