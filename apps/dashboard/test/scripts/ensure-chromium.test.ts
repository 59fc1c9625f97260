import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const script = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'scripts',
  'ensure-chromium.sh',
);

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A stand-in apt-get (and `id` saying root) first on PATH: it fails `lockedCalls` times as apt does
 * while another apt-get holds the lock, then works; `install` creates the "Chromium" executable.
 * Every call's arguments go to calls.log.
 */
function fakeApt(lockedCalls: number) {
  dir = mkdtempSync(join(tmpdir(), 'ensure-chromium-'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const chromium = join(dir, 'chromium');
  const write = (name: string, body: string) => {
    writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  write('id', 'echo 0');
  write(
    'apt-get',
    `echo "$*" >> "${dir}/calls.log"
n=$(wc -l < "${dir}/calls.log")
if [ "$n" -le ${lockedCalls} ]; then
  echo "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 4242 (apt-get)" >&2
  echo "E: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), is another process using it?" >&2
  exit 100
fi
case "$*" in *install*) printf '#!/bin/sh\\n' > "${chromium}"; chmod +x "${chromium}";; esac
exit 0`,
  );
  const run = (env: Record<string, string> = {}) =>
    spawnSync('sh', [script], {
      encoding: 'utf8',
      env: {
        PATH: `${bin}:${process.env.PATH}`,
        NEWSCELL_DEBIAN_CHROMIUM: chromium,
        NEWSCELL_APT_LOCK_RETRY_S: '1',
        ...env,
      },
    });
  const calls = () => readFileSync(join(dir, 'calls.log'), 'utf8').trim().split('\n');
  return { chromium, run, calls };
}

describe('ensure-chromium.sh', () => {
  it('waits while apt is busy, then installs Chromium and prints its path', () => {
    const apt = fakeApt(2);
    const run = apt.run();
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim().split('\n').at(-1)).toBe(apt.chromium);
    expect(run.stderr).toMatch(/apt is busy \(.*lock-frontend.*\); waiting up to 600s/);
    const calls = apt.calls();
    expect(calls).toHaveLength(4); // update locked twice, then update and install
    expect(calls.at(-1)).toMatch(/install -y -qq chromium/);
    // apt itself waits for the dpkg lock where it can.
    for (const call of calls) expect(call).toContain('-o DPkg::Lock::Timeout=600');
  });

  it('gives up when apt stays locked past NEWSCELL_APT_LOCK_WAIT_S, saying so', () => {
    const apt = fakeApt(100);
    const run = apt.run({ NEWSCELL_APT_LOCK_WAIT_S: '2' });
    expect(run.status).toBe(100);
    expect(run.stderr).toContain('Could not get lock /var/lib/dpkg/lock-frontend');
    expect(run.stderr).toMatch(/apt stayed locked for 2s \(NEWSCELL_APT_LOCK_WAIT_S=2\)/);
    expect(apt.calls()).toHaveLength(3);
  });

  it('prints an existing Chromium without touching apt', () => {
    const apt = fakeApt(0);
    writeFileSync(apt.chromium, '#!/bin/sh\n');
    chmodSync(apt.chromium, 0o755);
    const run = apt.run();
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe(apt.chromium);
    expect(() => apt.calls()).toThrow(/ENOENT/);
  });
});
