// Sums the Vitest JSON reports of every workspace into one line, `N passed, N failed`.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const REPORT = join('test-results', 'vitest.json');

/** Workspace directories, from the root package.json's `workspaces` globs (`dir/*` only). */
export function workspaceDirs(root) {
  const { workspaces } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const dirs = [];
  for (const pattern of workspaces) {
    const parent = join(root, pattern.replace(/\/\*$/, ''));
    if (!existsSync(parent)) continue;
    for (const entry of readdirSync(parent, { withFileTypes: true })) {
      const dir = join(parent, entry.name);
      if (entry.isDirectory() && existsSync(join(dir, 'package.json'))) dirs.push(dir);
    }
  }
  return dirs.sort();
}

/** Where the tests of the root's own scripts (this file, test.mjs) live; reported like a workspace. */
export const SCRIPTS_DIR = 'scripts';

export function clearReports(root) {
  for (const dir of [...workspaceDirs(root), join(root, SCRIPTS_DIR)]) {
    rmSync(join(dir, REPORT), { force: true });
  }
}

/**
 * Reads every workspace's report, and the root scripts' (`scripts/test-results/vitest.json`,
 * when `scripts` is true). A workspace with a `test` script but no report counts as one failed
 * test: its run crashed before Vitest could write anything, and that must not read as green. A test
 * file that failed to load (no test results in it) counts as one failed test too, and so does a
 * report that says the run failed with no failed test in it: Vitest writes that when its global
 * setup throws (the dashboard's, when Chromium could not be installed) or on an error outside
 * any test.
 */
export function summarise(root, { scripts = false } = {}) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const lines = [];
  const suites = [];
  for (const dir of workspaceDirs(root)) {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    if (pkg.scripts?.test) suites.push({ name: pkg.name, dir });
  }
  if (scripts) suites.push({ name: `${SCRIPTS_DIR}/ (root)`, dir: join(root, SCRIPTS_DIR) });
  for (const { name, dir } of suites) {
    const file = join(dir, REPORT);
    if (!existsSync(file)) {
      failed += 1;
      lines.push(`${name}: no test report (its test run did not finish)`);
      continue;
    }
    const report = JSON.parse(readFileSync(file, 'utf8'));
    const brokenFiles = (report.testResults ?? []).filter(
      (suite) => suite.status === 'failed' && (suite.assertionResults ?? []).length === 0,
    ).length;
    let workspaceFailed = report.numFailedTests + brokenFiles;
    let note = '';
    if (report.success === false && workspaceFailed === 0) {
      workspaceFailed = 1;
      note =
        ' (the run failed outside any test: a global setup, an unhandled error or no test files; see its output)';
    }
    passed += report.numPassedTests;
    failed += workspaceFailed;
    skipped += report.numPendingTests + (report.numTodoTests ?? 0);
    lines.push(`${name}: ${report.numPassedTests} passed, ${workspaceFailed} failed${note}`);
  }
  return { passed, failed, skipped, lines };
}

/**
 * The last lines of `npm test`. A run whose commands failed (`status` not 0) never ends in
 * `0 failed`: with no failure in any report, the failure is counted once and said where to look.
 */
export function finalLines({ passed, failed, skipped, lines }, status) {
  const out = [...lines];
  let total = failed;
  if (status !== 0 && failed === 0) {
    total = 1;
    out.push(
      `the test run exited with status ${status} but no report counts a failure: see its output above`,
    );
  }
  out.push(`${passed} passed, ${total} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
  return { lines: out, failed: total };
}
