import { spawnSync } from 'node:child_process';

export interface AptGetOptions {
  /**
   * How long to wait while another apt-get, dpkg or unattended-upgrades holds apt's lock.
   * @defaultValue `NEWSCELL_APT_LOCK_WAIT_S` seconds, else 600 s
   */
  lockWaitMs?: number;
  /** @defaultValue 5000 */
  retryMs?: number;
  /** @defaultValue `'apt-get'` */
  command?: string;
  /** @defaultValue `process.env` with `DEBIAN_FRONTEND=noninteractive` */
  env?: NodeJS.ProcessEnv;
  /** Told once when apt is busy and we wait. */
  log?: (line: string) => void;
}

const LOCKED = /Could not get lock|Unable to acquire the dpkg frontend lock|Unable to lock/;

/**
 * Runs `apt-get args`, waiting while apt is busy instead of failing (a fresh machine often runs
 * unattended-upgrades, and the dashboard's tests may be installing Chromium at the same time).
 * `DPkg::Lock::Timeout` makes apt wait for the dpkg lock itself; `apt-get update`'s lists lock
 * and older apt fail at once with "Could not get lock", so those are retried until the deadline.
 * Throws with apt's own message otherwise.
 */
export function aptGet(args: readonly string[], options: AptGetOptions = {}): void {
  const env = options.env ?? { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const fromEnv = Number(process.env.NEWSCELL_APT_LOCK_WAIT_S || Number.NaN);
  const lockWaitMs =
    options.lockWaitMs ?? (Number.isFinite(fromEnv) && fromEnv >= 0 ? fromEnv * 1000 : 600_000);
  const retryMs = options.retryMs ?? 5000;
  const deadline = Date.now() + lockWaitMs;
  const lockOption = `DPkg::Lock::Timeout=${Math.ceil(lockWaitMs / 1000)}`;
  let told = false;
  for (;;) {
    const result = spawnSync(options.command ?? 'apt-get', ['-o', lockOption, ...args], {
      env,
      encoding: 'utf8',
    });
    if (result.status === 0) return;
    const output = (result.stderr || result.stdout || String(result.error ?? '')).trim();
    const locked = LOCKED.test(output);
    if (locked && Date.now() < deadline) {
      if (!told) {
        options.log?.(
          `apt is busy (${output.split('\n')[0]}); waiting up to ${lockWaitMs / 1000} s`,
        );
        told = true;
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, retryMs);
      continue;
    }
    const why = locked
      ? ` (apt stayed locked for ${lockWaitMs / 1000} s: NEWSCELL_APT_LOCK_WAIT_S)`
      : '';
    throw new Error(
      `apt-get ${args.join(' ')} failed (exit ${result.status})${why}: ${output.slice(-800)}`,
    );
  }
}
