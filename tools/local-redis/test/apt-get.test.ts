import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { aptGet } from '../src/apt-get.js';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in apt-get failing `lockedCalls` times as apt does while another holds its lock. */
function fakeAptGet(lockedCalls: number, exitOtherwise = 0) {
  dir = mkdtempSync(join(tmpdir(), 'apt-get-'));
  const command = join(dir, 'apt-get');
  writeFileSync(
    command,
    `#!/bin/sh
echo "$*" >> "${dir}/calls.log"
n=$(wc -l < "${dir}/calls.log")
if [ "$n" -le ${lockedCalls} ]; then
  echo "E: Could not get lock /var/lib/apt/lists/lock. It is held by process 4242 (apt-get)" >&2
  exit 100
fi
[ ${exitOtherwise} -eq 0 ] || echo "E: Unable to locate package redis-server" >&2
exit ${exitOtherwise}
`,
  );
  chmodSync(command, 0o755);
  const calls = () => readFileSync(join(dir, 'calls.log'), 'utf8').trim().split('\n');
  return { command, calls };
}

describe('aptGet', () => {
  it('waits while apt is locked by another process, then runs, telling once', () => {
    const apt = fakeAptGet(2);
    const lines: string[] = [];
    aptGet(['update', '-qq'], {
      command: apt.command,
      lockWaitMs: 10_000,
      retryMs: 10,
      log: (l) => lines.push(l),
    });
    expect(apt.calls()).toEqual(Array(3).fill('-o DPkg::Lock::Timeout=10 update -qq'));
    expect(lines).toEqual([
      'apt is busy (E: Could not get lock /var/lib/apt/lists/lock. It is held by process 4242 (apt-get)); waiting up to 10 s',
    ]);
  });

  it('gives up after the wait, saying apt stayed locked', () => {
    const apt = fakeAptGet(1000);
    expect(() => aptGet(['update'], { command: apt.command, lockWaitMs: 50, retryMs: 10 })).toThrow(
      /apt-get update failed \(exit 100\) \(apt stayed locked for 0.05 s: NEWSCELL_APT_LOCK_WAIT_S\): E: Could not get lock/,
    );
  });

  it('fails at once on any other error, with apt-get’s message', () => {
    const apt = fakeAptGet(0, 100);
    expect(() =>
      aptGet(['install', 'redis-server'], {
        command: apt.command,
        lockWaitMs: 10_000,
        retryMs: 10,
      }),
    ).toThrow(
      'apt-get install redis-server failed (exit 100): E: Unable to locate package redis-server',
    );
    expect(apt.calls()).toHaveLength(1);
  });
});
