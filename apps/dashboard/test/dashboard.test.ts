import { mkdirSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ComparisonView, ModelSummary, PredictResponse } from '@newscell/contracts';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, percent } from '../src/model/format.js';
import { launchChromium, type WatchedPage, watchedPage } from './support/browser.js';
import {
  ADMIN_KEY,
  type DashboardStack,
  READ_KEY,
  startDashboardStack,
} from './support/dashboard-stack.js';
import { type FixtureModel, writeFixtureModels } from './support/fixture-models.js';

const SCREENSHOTS = join(import.meta.dirname, '..', 'test-results', 'screenshots');

let stack: DashboardStack;
let browser: Browser;
let fixtures: FixtureModel[];
const pages: WatchedPage[] = [];
let worker: Promise<void> | undefined;
/** The real worker process, started once by whichever test needs it first. */
const workerReady = () => {
  worker ??= stack.startWorker();
  return worker;
};

/** The dashboard in a fresh tab where the admin key was entered before. */
async function openDashboard(width: number, height: number): Promise<Page> {
  const watched = await watchedPage(browser, {
    width,
    height,
    expectedFailures: [],
    apiKey: ADMIN_KEY,
  });
  pages.push(watched);
  await watched.page.goto(`${stack.origin}/`);
  return watched.page;
}

const api = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
  const response = await fetch(`${stack.origin}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
  });
  expect(response.status, `${path}: ${await response.clone().text()}`).toBeLessThan(300);
  return (await response.json()) as T;
};

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
};

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  stack = await startDashboardStack();
  [fixtures, browser] = await Promise.all([
    writeFixtureModels(stack.modelsDir, [
      { id: 'bow-seed1', cell: 'bow', seed: 1, trainRows: 160, epochs: 3 },
      { id: 'bow-seed2', cell: 'bow', seed: 2, trainRows: 160, epochs: 3 },
      { id: 'gru-seed1', cell: 'gru', seed: 1, trainRows: 200, epochs: 3 },
    ]),
    launchChromium(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe('dashboard in Chromium against the real API', () => {
  it("is served by the API at / with its hashed assets, under the API's content security policy", async () => {
    const page = await fetch(`${stack.origin}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="\.\/(assets\/[^"]+)"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const asset of assets) {
      const response = await fetch(`${stack.origin}/${asset}`);
      expect(response.status, asset).toBe(200);
      await response.body?.cancel();
    }
  });

  it('asks for a key in words when the API wants one, and loads with it', async () => {
    const watched = await watchedPage(browser, {
      width: 1280,
      height: 900,
      expectedFailures: [{ status: 401, url: /\/v1\// }],
    });
    pages.push(watched);
    const { page } = watched;
    await page.goto(`${stack.origin}/`);
    await expect
      .poll(() => page.locator('#models .error').textContent())
      .toMatch(/UNAUTHORIZED: enter an API key above/);
    await page.getByLabel('API key').fill(ADMIN_KEY);
    await page.getByRole('button', { name: 'Use key' }).click();
    await page.locator('[data-table="models"] tbody tr').first().waitFor();
    expect(await page.locator('#models .error').count()).toBe(0);
  });

  it('lists the fixture models with their figures and training-set sizes', async () => {
    const page = await openDashboard(1280, 900);
    const table = page.locator('[data-table="models"]');
    for (const f of fixtures) {
      const row = table.locator(`tr[data-model="${f.id}"]`);
      await expect
        .poll(() => row.locator('[data-col="accuracy"]').textContent())
        .toBe(percent(f.accuracy));
      expect(await row.locator('[data-col="macroF1"]').textContent()).toBe(percent(f.macroF1));
      expect(await row.locator('[data-col="parameterCount"]').textContent()).toBe(
        count(f.parameterCount),
      );
      await expect
        .poll(() => row.locator('[data-col="trainingRows"]').textContent())
        .toBe(count(f.trainingRows));
    }
    // Sorted by accuracy, best first.
    const order = await table
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-model')));
    expect(order).toEqual([...fixtures].sort((a, b) => b.accuracy - a.accuracy).map((f) => f.id));
    // Filtering by cell keeps only that cell's rows.
    await page.locator('select[name="cell-filter"]').selectOption('gru');
    expect(await table.locator('tbody tr').count()).toBe(1);
    await page.locator('select[name="cell-filter"]').selectOption('');
    expect(await table.locator('tbody tr').count()).toBe(3);
  });

  it('compares cells: mean ± sd over seeds in the table and on the bars, published references drawn', async () => {
    const page = await openDashboard(1280, 900);
    const bows = fixtures.filter((f) => f.cell === 'bow');
    const gru = fixtures.find((f) => f.cell === 'gru') as FixtureModel;
    const bowRow = page.locator('[data-table="cells"] tr[data-cell="bow"]');
    await expect
      .poll(() => bowRow.locator('[data-col="accuracy"]').textContent())
      .toBe(
        `${percent(mean(bows.map((b) => b.accuracy)))} ± ${percent(sd(bows.map((b) => b.accuracy)))}`,
      );
    expect(
      await page
        .locator('[data-table="cells"] tr[data-cell="gru"] [data-col="accuracy"]')
        .textContent(),
    ).toBe(percent(gru.accuracy));
    const chartText = await page.locator('[data-chart="quality"] svg').textContent();
    expect(chartText).toContain(percent(mean(bows.map((b) => b.accuracy))));
    expect(chartText).toContain(percent(gru.accuracy));
    expect(chartText).toContain('bow (n=2)');
    expect(chartText).toContain('fastText 92.5% · 120,000 rows');
    expect(chartText).toContain('LSTM 86.1% · 120,000 rows');
    await expect.poll(() => page.locator('[data-rows="bow"]').textContent()).toContain('160 rows');
    const parameters = await page.locator('[data-chart="parameters"] svg').textContent();
    expect(parameters).toContain(count(gru.parameterCount));
    await page.screenshot({ path: join(SCREENSHOTS, 'comparison.png'), fullPage: true });
  });

  it('fits the accuracy axes to the data, says so, and never repeats a tick label', async () => {
    const page = await openDashboard(1280, 900);
    await page.locator('[data-chart="quality"] svg').waitFor();
    // The y axis labels: right-aligned percentages (bar labels are centred, line labels start-aligned).
    const axisLabels = (chart: string) =>
      page
        .locator(`[data-chart="${chart}"] svg text[text-anchor="end"]`)
        .evaluateAll((nodes) =>
          nodes.map((n) => n.textContent ?? '').filter((t) => /^\d+(\.\d+)?%$/.test(t)),
        );
    await expect.poll(async () => (await axisLabels('quality')).length).toBeGreaterThan(2);
    const quality = await axisLabels('quality');
    const lowest = Math.min(...quality.map((t) => Number.parseFloat(t)));
    // Every fixture and reference is above 80 %: an axis from 0 % would hide their differences.
    const shown = [...fixtures.map((f) => f.accuracy), 0.861];
    expect(Math.min(...shown), 'fixtures this test relies on').toBeGreaterThan(0.5);
    expect(lowest, `quality axis: ${quality.join(', ')}`).toBeGreaterThan(0);
    expect(lowest / 100).toBeLessThanOrEqual(Math.min(...shown));
    expect(new Set(quality).size, quality.join(', ')).toBe(quality.length);
    expect(await page.locator('[data-chart="quality"] svg').textContent()).toContain(
      `axis from ${quality.find((t) => Number.parseFloat(t) === lowest)}, not 0%`,
    );
    const scatter = await axisLabels('time-vs-accuracy');
    expect(scatter.length, scatter.join(', ')).toBeGreaterThan(1);
    expect(new Set(scatter).size, `scatter axis: ${scatter.join(', ')}`).toBe(scatter.length);
  });

  it('draws the confusion matrix and learning curves of the chosen models', async () => {
    const page = await openDashboard(1280, 900);
    const best = [...fixtures]
      .filter((f) => f.cell === 'bow')
      .sort((a, b) => b.accuracy - a.accuracy)[0] as FixtureModel;
    const gru = fixtures.find((f) => f.cell === 'gru') as FixtureModel;
    await page.locator('select[name="confusion-model"]').selectOption(gru.id);
    const heatmap = page.locator('[data-chart="confusion"] svg');
    await expect.poll(() => heatmap.locator('text').count()).toBeGreaterThan(16);
    const numbers = await heatmap.locator('text').allTextContents();
    for (const value of gru.confusionMatrix.flat()) expect(numbers).toContain(String(value));
    const legend = await page.locator('[data-chart="loss"] svg').textContent();
    expect(legend).toContain(best.id);
    expect(legend).toContain(gru.id);
  });

  it('answers "try a headline" with every chosen model\'s probabilities, as the API gives them', async () => {
    const page = await openDashboard(1280, 900);
    const headline = 'Investors cheered the merger as profit rose';
    await page.getByLabel('Headline or short news text').fill(headline);
    await page.getByRole('button', { name: /^Ask 2 models$/ }).click();
    const table = page.locator('[data-table="predictions"]');
    await table.waitFor();
    const bestBow = fixtures
      .filter((f) => f.cell === 'bow')
      .sort((a, b) => b.accuracy - a.accuracy)[0] as FixtureModel;
    // Until the user ticks others, the best model of each cell is chosen.
    const shown = (await table.locator('thead th').allTextContents()).slice(1);
    expect(shown.sort()).toEqual([bestBow.id, 'gru-seed1'].sort());
    for (const modelId of shown) {
      const answer = await api<PredictResponse>(`/v1/models/${modelId}/predict`, {
        method: 'POST',
        body: JSON.stringify({ texts: [headline] }),
      });
      const probabilities = answer.predictions[0]?.probabilities ?? {};
      for (const [topic, p] of Object.entries(probabilities) as [string, number][]) {
        const cell = table.locator(
          `tr[data-topic="${topic}"] td[data-model="${modelId}"] .prob-value`,
        );
        expect(await cell.textContent()).toBe(percent(p));
      }
    }
  });

  it('makes a model the default that POST /v1/predict answers with', async () => {
    const page = await openDashboard(1280, 900);
    const row = page.locator('tr[data-model="gru-seed1"]');
    await row.getByRole('button', { name: 'make gru-seed1 the default model' }).click();
    await expect
      .poll(() => row.locator('[data-col="default"]').textContent())
      .toBe('default model');
    const aliases = await api<{ items: { name: string; modelId: string }[] }>('/v1/aliases');
    expect(aliases.items.find((a) => a.name === 'default')?.modelId).toBe('gru-seed1');
  });

  it('tells a reader without an admin key, in words, why a training or a comparison did not start', async () => {
    const watched = await watchedPage(browser, {
      width: 1280,
      height: 900,
      expectedFailures: [{ status: 403, url: /\/v1\/(training-jobs|comparisons)$/ }],
      apiKey: READ_KEY,
    });
    pages.push(watched);
    const { page } = watched;
    await page.goto(`${stack.origin}/`);
    const form = page.getByRole('form', { name: 'Start a training' });
    await form.getByRole('button', { name: 'Start training' }).click();
    await expect
      .poll(() => form.locator('.error').textContent())
      .toMatch(/\(FORBIDDEN: enter an API key above with admin rights\)$/);
    expect(await page.locator('li.job').count()).toBe(0);
    const compare = page.getByRole('form', { name: 'Compare cells' });
    await compare.getByRole('button', { name: 'Start comparison' }).click();
    await expect
      .poll(() => compare.locator('.error').textContent())
      .toMatch(/\(FORBIDDEN: enter an API key above with admin rights\)$/);
    expect(await page.locator('.comparison-run').count()).toBe(0);
  });

  it('says honestly that there are no comparison runs yet', async () => {
    const page = await openDashboard(1280, 900);
    await expect
      .poll(() => page.locator('#significance .empty').textContent())
      .toMatch(/^No comparison runs yet/);
  });

  it('starts trainings from the page: one is cancelled while queued, one draws live curves and reaches done', async () => {
    const ready = workerReady();
    const page = await openDashboard(1280, 900);
    const form = page.getByRole('form', { name: 'Start a training' });
    const start = async (settings: {
      cell: string;
      epochs: string;
      rows: string;
      name: string;
    }) => {
      await form.getByLabel('Cell').selectOption(settings.cell);
      await form.getByLabel('Epochs').fill(settings.epochs);
      await form.getByLabel('Training rows per class').fill(settings.rows);
      await form.getByLabel('Test rows per class').fill('20');
      await form.getByLabel('Name').fill(settings.name);
      await form.getByRole('button', { name: 'Start training' }).click();
      const job = page.locator('li.job', { hasText: settings.name });
      await job.waitFor();
      return job;
    };
    const trained = await start({
      cell: 'gru',
      epochs: '3',
      rows: '100',
      name: 'browser test gru',
    });
    expect(['queued', 'active']).toContain(await trained.getAttribute('data-state'));
    expect(await trained.locator('progress').count()).toBe(1);

    // The worker runs one training at a time, so the second job waits in the queue: cancel it there.
    const cancelled = await start({
      cell: 'bow',
      epochs: '1',
      rows: '50',
      name: 'browser test cancel',
    });
    await cancelled.getByRole('button', { name: 'Cancel' }).click();
    await expect
      .poll(() => cancelled.getAttribute('data-state'), { timeout: 15_000 })
      .toBe('cancelled');
    expect(await cancelled.locator('.job-status').textContent()).toBe('cancelled');

    await ready;
    const jobId = await trained.getAttribute('data-job');
    const fractions = new Set<string>();
    let liveCurve = false;
    await expect
      .poll(
        async () => {
          fractions.add(
            String(
              await trained.locator('progress').evaluate((p) => (p as HTMLProgressElement).value),
            ),
          );
          const legend = await page.locator('[data-chart="loss"]').textContent();
          if (legend?.includes(`job ${jobId} · browser test gru (live)`)) liveCurve = true;
          return trained.getAttribute('data-state');
        },
        { timeout: 150_000, interval: 200 },
      )
      .toBe('completed');
    expect(
      await trained.locator('progress').evaluate((p) => (p as HTMLProgressElement).value),
    ).toBe(1);
    expect(await trained.locator('.job-status').textContent()).toBe('done');
    // The bar moved through values in between, and the curve was drawn while it trained.
    expect([...fractions].filter((v) => v !== '0' && v !== '1').length).toBeGreaterThan(1);
    expect(liveCurve, 'no live learning curve was seen during training').toBe(true);
    // The new model joins the table without a reload.
    const models = await api<{ items: ModelSummary[] }>('/v1/models?limit=100');
    const model = models.items.find((m) => m.job?.name === 'browser test gru');
    expect(model, stack.workerOutput().slice(-2000)).toBeDefined();
    await page.locator(`tr[data-model="${model?.id}"]`).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'training.png'), fullPage: true });
  }, 240_000);

  it('runs a matched comparison from the page, follows it, and shows its verdict with its spread', async () => {
    const ready = workerReady();
    const page = await openDashboard(1280, 900);
    const form = page.getByRole('form', { name: 'Compare cells' });
    // Fewer than two cells is refused in words before anything is sent.
    for (const cell of ['rnn', 'lstm', 'gru', 'bow'])
      await form.getByRole('checkbox', { name: cell }).setChecked(cell === 'bow');
    await form.getByRole('button', { name: 'Start comparison' }).click();
    await expect
      .poll(() => form.locator('.error').textContent())
      .toBe('Cells: tick at least two to compare (ticked 1)');
    await form.getByRole('checkbox', { name: 'rnn' }).check();
    await form.getByLabel('Seeds').fill('1, 2');
    await form.getByLabel('Epochs per training').fill('1');
    await form.getByLabel('Training rows per class').fill('40');
    await form.getByLabel('Test rows per class').fill('20');
    await form.getByLabel('Comparison name').fill('browser comparison');
    await form.getByRole('button', { name: 'Start comparison' }).click();
    const run = page.locator('#compare-cells .comparison-run');
    await run.waitFor();
    expect(await form.locator('.error').count()).toBe(0);
    expect(await run.locator('li[data-child]').count()).toBe(4);
    await ready;
    const id = (await run.getAttribute('data-comparison')) as string;
    const deadline = Date.now() + 120_000;
    let state = await run.getAttribute('data-state');
    while (state === 'running' && Date.now() < deadline) {
      await page.waitForTimeout(500);
      state = await run.getAttribute('data-state');
    }
    if (state !== 'completed') {
      const ended = await api<ComparisonView>(`/v1/comparisons/${id}`);
      const why = ended.children.map(
        (c) => `${c.cell}/${c.seed}: ${c.job.state} ${c.job.failedReason}`,
      );
      expect(
        state,
        `${ended.failedReason}\n${why.join('\n')}\n${stack.workerOutput().slice(-3000)}`,
      ).toBe('completed');
    }
    expect(await run.locator('.comparison-status').textContent()).toMatch(
      /^4 of 4 trainings completed/,
    );
    const states = await run
      .locator('li[data-child]')
      .evaluateAll((items) => items.map((i) => i.getAttribute('data-state')));
    expect(states).toEqual(['completed', 'completed', 'completed', 'completed']);

    const view = await api<ComparisonView>(`/v1/comparisons/${id}`);
    // The API orders a pair as the cells were asked (here the form's order: rnn before bow).
    const pair = view.summary?.pairwise.find((p) => [p.a, p.b].sort().join() === 'bow,rnn');
    expect(pair, JSON.stringify(view.summary)).toBeDefined();
    const p = pair?.combined.pValue as number;
    const pText = p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`;
    const significance = page.locator(`#significance [data-comparison="${id}"]`);
    await significance.waitFor({ timeout: 15_000 });
    const matrix = significance.locator('[data-table="significance"] tbody');
    for (const row of ['bow', 'rnn'])
      expect(await matrix.locator(`tr:has(th:text-is("${row}"))`).textContent()).toContain(pText);
    for (const cell of view.summary?.cells ?? []) {
      expect(cell.accuracy.n).toBe(2);
      expect(
        await significance
          .locator(
            `[data-table="comparison-cells"] tr[data-cell="${cell.cell}"] [data-col="accuracy"]`,
          )
          .textContent(),
      ).toBe(`${percent(cell.accuracy.mean)} ± ${percent(cell.accuracy.sd)}`);
    }
    await page.locator('#significance').screenshot({ path: join(SCREENSHOTS, 'significance.png') });

    // A second comparison, cancelled at once: it ends as cancelled and every child with it.
    await form.getByLabel('Seeds').fill('3');
    await form.getByLabel('Comparison name').fill('browser comparison cancelled');
    await form.getByRole('button', { name: 'Start comparison' }).click();
    const second = page.locator(`#compare-cells .comparison-run:not([data-comparison="${id}"])`);
    await second.getByRole('button', { name: 'Cancel comparison' }).click();
    await expect
      .poll(() => second.getAttribute('data-state'), { timeout: 30_000, interval: 500 })
      .toBe('cancelled');
    const secondId = (await second.getAttribute('data-comparison')) as string;
    const cancelled = await api<ComparisonView>(`/v1/comparisons/${secondId}`);
    expect(cancelled.state).toBe('cancelled');
    // A child may have finished before the click; every other one is cancelled, none left running.
    for (const child of cancelled.children)
      expect(['completed', 'cancelled'], `${child.cell} seed ${child.seed}`).toContain(
        child.job.state,
      );
  }, 150_000);

  it('shows the models table without sideways scrolling at 1440 px, long job ids included', async () => {
    const page = await openDashboard(1440, 900);
    const table = page.locator('[data-table="models"]');
    await table.locator('tbody tr').first().waitFor();
    const ids = await table
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-model') ?? ''));
    expect(Math.max(...ids.map((id) => id.length)), ids.join(', ')).toBeGreaterThan(30);
    const scroll = await page
      .locator('.table-scroll:has([data-table="models"])')
      .evaluate((e) => ({ scroll: e.scrollWidth, client: e.clientWidth }));
    expect(scroll.scroll, JSON.stringify(scroll)).toBeLessThanOrEqual(scroll.client);
  });

  it('fits a phone-width screen without horizontal scrolling', async () => {
    const page = await openDashboard(375, 740);
    await page.locator('[data-table="models"]').waitFor();
    await page.locator('[data-chart="quality"] svg').waitFor();
    const overflow = await page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      const wide = [...document.querySelectorAll('body *')]
        .filter((e) => e.closest('.table-scroll') === null)
        .filter((e) => e.getBoundingClientRect().right > width + 0.5)
        .filter((e) => ![...e.children].some((c) => c.getBoundingClientRect().right > width + 0.5))
        .map(
          (e) =>
            `${e.tagName.toLowerCase()}.${e.className} (${Math.round(e.getBoundingClientRect().right)} px)`,
        );
      return { extra: document.documentElement.scrollWidth - width, wide: wide.slice(0, 10) };
    });
    expect(
      overflow.extra,
      `wider than the screen: ${overflow.wide.join(', ')}`,
    ).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'phone.png'), fullPage: true });
    await page.locator('#compare').screenshot({ path: join(SCREENSHOTS, 'phone-compare.png') });
  });

  it('made no console errors and no request to any other host on any page', async () => {
    const page = await openDashboard(1280, 900);
    await page.locator('[data-chart="quality"] svg').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard.png'), fullPage: true });
    if (process.env.UPDATE_README_SCREENSHOT === '1')
      await copyFile(
        join(SCREENSHOTS, 'dashboard.png'),
        join(import.meta.dirname, '..', 'docs', 'dashboard.png'),
      );
    for (const watched of pages) {
      expect(watched.errors).toEqual([]);
      expect(watched.foreignRequests).toEqual([]);
    }
  });
});
