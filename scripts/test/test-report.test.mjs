import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { clearReports, finalLines, summarise } from '../test-report.mjs';

let root;
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A repository with the given workspaces under apps/; `report` undefined writes none. */
function repository(workspaces) {
  root = mkdtempSync(join(tmpdir(), 'newscell-test-report-'));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ workspaces: ['apps/*'] }));
  for (const { name, test = true, report } of workspaces) {
    const dir = join(root, 'apps', name);
    mkdirSync(join(dir, 'test-results'), { recursive: true });
    const scripts = test ? { test: 'vitest run' } : {};
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, scripts }));
    if (report !== undefined) {
      writeFileSync(join(dir, 'test-results', 'vitest.json'), JSON.stringify(report));
    }
  }
  return root;
}

const report = (passed, failed, extra = {}) => ({
  success: failed === 0,
  numPassedTests: passed,
  numFailedTests: failed,
  numPendingTests: 0,
  numTodoTests: 0,
  testResults: [],
  ...extra,
});

// What Vitest 4 writes when a globalSetup throws (the dashboard's, when apt-get was busy and
// Chromium could not be installed): no tests at all, and success false.
const globalSetupFailed = { ...report(0, 0), success: false };

describe('the npm test summary', () => {
  it('counts a workspace whose run failed before any test as failed', () => {
    const r = repository([
      { name: 'ok', report: report(593, 0) },
      { name: 'dashboard', report: globalSetupFailed },
    ]);
    const summary = summarise(r);
    expect(summary).toMatchObject({ passed: 593, failed: 1 });
    expect(summary.lines.join('\n')).toMatch(
      /dashboard: 0 passed, 1 failed \(the run failed outside any test/,
    );
    expect(finalLines(summary, 1).lines.at(-1)).toBe('593 passed, 1 failed');
  });

  it('counts a missing report, and a file that did not load, as one failure each', () => {
    const broken = report(2, 0, {
      success: false,
      testResults: [{ status: 'failed', assertionResults: [] }],
    });
    const r = repository([
      { name: 'crashed' },
      { name: 'broken', report: broken },
      { name: 'no-tests', test: false },
    ]);
    const summary = summarise(r);
    expect(summary).toMatchObject({ passed: 2, failed: 2 });
    expect(summary.lines).toEqual([
      'broken: 2 passed, 1 failed',
      'crashed: no test report (its test run did not finish)',
    ]);
  });

  it('never ends in 0 failed when the run exited non-zero', () => {
    const summary = summarise(repository([{ name: 'ok', report: report(5, 0) }]));
    expect(finalLines(summary, 0).lines.at(-1)).toBe('5 passed, 0 failed');
    const failedRun = finalLines(summary, 2);
    expect(failedRun.failed).toBe(1);
    expect(failedRun.lines.at(-1)).toBe('5 passed, 1 failed');
    expect(failedRun.lines.at(-2)).toMatch(/exited with status 2 but no report counts a failure/);
  });

  it("includes the root scripts' own report when asked, and clears it with the others", () => {
    const r = repository([{ name: 'ok', report: report(1, 0) }]);
    mkdirSync(join(r, 'scripts', 'test-results'), { recursive: true });
    writeFileSync(join(r, 'scripts', 'test-results', 'vitest.json'), JSON.stringify(report(4, 1)));
    expect(summarise(r, { scripts: true })).toMatchObject({ passed: 5, failed: 1 });
    clearReports(r);
    expect(summarise(r, { scripts: true })).toMatchObject({ passed: 0, failed: 2 });
  });
});
