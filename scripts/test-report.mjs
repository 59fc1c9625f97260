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

export function clearReports(root) {
  for (const dir of workspaceDirs(root)) rmSync(join(dir, REPORT), { force: true });
}

/**
 * Reads every workspace's report. A workspace with a `test` script but no report counts as one
 * failed test: its run crashed before Vitest could write anything, and that must not read as green.
 * A test file that failed to load (no test results in it) counts as one failed test too.
 */
export function summarise(root) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const lines = [];
  for (const dir of workspaceDirs(root)) {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    if (!pkg.scripts?.test) continue;
    const file = join(dir, REPORT);
    if (!existsSync(file)) {
      failed += 1;
      lines.push(`${pkg.name}: no test report (its test run did not finish)`);
      continue;
    }
    const report = JSON.parse(readFileSync(file, 'utf8'));
    const brokenFiles = (report.testResults ?? []).filter(
      (suite) => suite.status === 'failed' && (suite.assertionResults ?? []).length === 0,
    ).length;
    const workspaceFailed = report.numFailedTests + brokenFiles;
    passed += report.numPassedTests;
    failed += workspaceFailed;
    skipped += report.numPendingTests + (report.numTodoTests ?? 0);
    lines.push(`${pkg.name}: ${report.numPassedTests} passed, ${workspaceFailed} failed`);
  }
  return { passed, failed, skipped, lines };
}
