// The supervisor behind `npm start`: runs each service's processes, restarts one that exits with
// exponential backoff, and stops everything only when asked to (SIGINT/SIGTERM) or when a
// service marked `critical` (the API) cannot stay up.
import { spawn } from 'node:child_process';

/**
 * Delay before restart number `failuresInARow` (1 for the first): `baseMs`, doubling each time,
 * never more than `maxMs`.
 */
export function restartDelayMs(failuresInARow, { baseMs, maxMs }) {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, failuresInARow - 1));
}

/** Supervisor settings from the environment (each documented in the root README). */
export function supervisorSettings(env = process.env) {
  const number = (name, fallback) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0) {
      throw new Error(`${name}=${raw} is not a number of milliseconds (or a count) ≥ 0`);
    }
    return value;
  };
  return {
    baseMs: number('NEWSCELL_RESTART_DELAY_MS', 1000),
    maxMs: number('NEWSCELL_RESTART_MAX_DELAY_MS', 30_000),
    stableMs: number('NEWSCELL_RESTART_STABLE_MS', 60_000),
    criticalMaxRestarts: number('NEWSCELL_API_MAX_RESTARTS', 3),
  };
}

/**
 * Starts `count` processes of each service and keeps them running.
 *
 * - A process that exits is restarted after `restartDelayMs(n)`, n counting its exits in a row;
 *   n goes back to 0 once it has run for `stableMs`. Every exit and restart is logged with pids.
 * - A `critical` service (the API) is restarted at most `criticalMaxRestarts` times in a row:
 *   one more exit without a stable period in between stops everything, exit code 1 (it cannot
 *   stay up: a port taken, a bad setting; restarting it forever would hide that).
 * - `stop()` (on SIGINT/SIGTERM) cancels pending restarts, sends SIGTERM to every process, waits
 *   for all of them (workers hand their jobs back within their shutdown timeout) and resolves.
 */
export function superviseProcesses({ services, env, cwd, settings, log = console.error }) {
  const slots = [];
  let stopping = false;
  let resolveDone;
  const done = new Promise((r) => {
    resolveDone = r;
  });

  const launch = (slot) => {
    const child = spawn(process.execPath, [slot.service.entry], { cwd, env, stdio: 'inherit' });
    slot.child = child;
    slot.startedAt = Date.now();
    log(`newscell: ${slot.label} started (pid ${child.pid})`);
    child.on('exit', (code, signal) => onExit(slot, child, code, signal));
  };

  const onExit = (slot, child, code, signal) => {
    slot.child = undefined;
    const how = signal ?? `code ${code}`;
    if (stopping) {
      log(`newscell: ${slot.label} (pid ${child.pid}) stopped (${how})`);
      checkAllStopped();
      return;
    }
    const ranMs = Date.now() - slot.startedAt;
    slot.failuresInARow = ranMs >= settings.stableMs ? 1 : slot.failuresInARow + 1;
    if (slot.service.critical && slot.failuresInARow > settings.criticalMaxRestarts) {
      log(
        `newscell: ${slot.label} (pid ${child.pid}) exited (${how}) ${slot.failuresInARow} times in a row, each within ${settings.stableMs} ms of starting: it cannot stay up; stopping everything`,
      );
      void stop(1);
      return;
    }
    const delay = restartDelayMs(slot.failuresInARow, settings);
    log(
      `newscell: ${slot.label} (pid ${child.pid}) exited (${how}) after ${(ranMs / 1000).toFixed(1)} s; restarting in ${(delay / 1000).toFixed(1)} s (exit ${slot.failuresInARow} in a row)`,
    );
    slot.timer = setTimeout(() => {
      slot.timer = undefined;
      if (!stopping) launch(slot);
    }, delay);
  };

  let exitCode = 0;
  const checkAllStopped = () => {
    if (stopping && slots.every((s) => s.child === undefined)) resolveDone(exitCode);
  };

  const stop = (code = 0) => {
    if (stopping) return done;
    stopping = true;
    exitCode = code;
    for (const slot of slots) {
      if (slot.timer !== undefined) clearTimeout(slot.timer);
      slot.timer = undefined;
      slot.child?.kill('SIGTERM');
    }
    checkAllStopped();
    return done;
  };

  /** Second signal: no more waiting. */
  const kill = () => {
    for (const slot of slots) slot.child?.kill('SIGKILL');
  };

  for (const service of services) {
    for (let i = 0; i < service.count; i++) {
      const label = service.count > 1 ? `${service.name} ${i + 1}` : service.name;
      const slot = { service, label, child: undefined, startedAt: 0, failuresInARow: 0 };
      slots.push(slot);
      launch(slot);
    }
  }
  return { stop, kill, done };
}
