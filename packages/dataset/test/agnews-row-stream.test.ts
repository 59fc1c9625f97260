import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type AgNewsRow, DatasetError, streamAgNewsRows } from '../src/index.js';
import { csvLine, fixtureDir } from './helpers/temp-dir.js';

async function writeCsv(content: string | Uint8Array): Promise<string> {
  const dir = await fixtureDir({ 'train.csv': content });
  return join(dir, 'train.csv');
}

async function readAll(file: string, options = {}) {
  const stream = streamAgNewsRows(file, options);
  const rows: AgNewsRow[] = [];
  for await (const row of stream) rows.push(row);
  return { rows, summary: stream.summary };
}

async function failure(promise: Promise<unknown>): Promise<DatasetError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DatasetError);
  return error as DatasetError;
}

const GOOD =
  csvLine(3, 'Wall St. Bears', 'Wall Street #39;s dwindling\\band') +
  csvLine(1, 'Title "q"', 'Body');

describe('streamAgNewsRows', () => {
  it('yields 0-based labels, raw fields, cleaned text and lines', async () => {
    const { rows } = await readAll(await writeCsv(GOOD));
    expect(rows).toEqual([
      {
        line: 1,
        label: 2,
        title: 'Wall St. Bears',
        description: 'Wall Street #39;s dwindling\\band',
        text: "Wall St. Bears Wall Street's dwindling band",
      },
      { line: 2, label: 0, title: 'Title "q"', description: 'Body', text: 'Title "q" Body' },
    ]);
  });

  it('summarises rows, classes and the sha256 of the bytes', async () => {
    const content = GOOD + csvLine(3, 'x', 'y');
    const { summary } = await readAll(await writeCsv(content));
    expect(summary).toMatchObject({
      file: 'train.csv',
      bytes: Buffer.byteLength(content),
      sha256: createHash('sha256').update(content).digest('hex'),
      rows: 3,
      perClass: [1, 0, 2, 0],
      skipped: { count: 0, lines: [], firstErrors: [] },
      textNormalization: 'agnews-text-v1',
    });
  });

  it('accepts CRLF line endings, a UTF-8 BOM and a missing final newline', async () => {
    const content = '\uFEFF' + GOOD.replaceAll('\n', '\r\n').trimEnd();
    const { rows } = await readAll(await writeCsv(content));
    expect(rows.map((r) => [r.line, r.label, r.title])).toEqual([
      [1, 2, 'Wall St. Bears'],
      [2, 0, 'Title "q"'],
    ]);
  });

  it('ignores blank lines, keeping line numbers right', async () => {
    const content =
      csvLine(1, 'a', 'b') + '\n' + csvLine(2, 'c', 'd') + '\n\n' + csvLine(9, 'e', 'f') + '\n';
    const error = await failure(readAll(await writeCsv(content)));
    expect(error.message).toBe("train.csv line 6: class '9' is not one of 1..4");
    const { rows, summary } = await readAll(await writeCsv(content), { onInvalidRow: 'skip' });
    expect(rows.map((r) => r.line)).toEqual([1, 3]);
    expect(summary.skipped.lines).toEqual([6]);
    const blankOnly = await failure(readAll(await writeCsv('\n\n')));
    expect(blankOnly.message).toMatch(/^train\.csv has no rows/);
  });

  it('numbers rows by the line they start on when a quoted field spans lines', async () => {
    const content = csvLine(1, 'a', 'two\nlines') + csvLine(2, 'b', 'c') + csvLine(5, 'd', 'e');
    const error = await failure(readAll(await writeCsv(content)));
    expect(error.message).toBe("train.csv line 4: class '5' is not one of 1..4");
    const { rows } = await readAll(await writeCsv(content), { onInvalidRow: 'skip' });
    expect(rows.map((r) => [r.line, r.text])).toEqual([
      [1, 'a two lines'],
      [3, 'b c'],
    ]);
  });

  it('names file and line for each kind of bad row', async () => {
    const cases: [string, RegExp][] = [
      [
        csvLine(1, 'a', 'b', 'c'),
        /^train\.csv line 2: expected 3 fields \(class, title, description\), found 4$/,
      ],
      [csvLine(1, 'a'), /^train\.csv line 2: expected 3 fields .* found 2$/],
      ['"1"\n', /^train\.csv line 2: expected 3 fields .* found 1$/],
      [csvLine(5, 'a', 'b'), /^train\.csv line 2: class '5' is not one of 1\.\.4$/],
      [csvLine(0, 'a', 'b'), /^train\.csv line 2: class '0' is not one of 1\.\.4$/],
      [csvLine('World', 'a', 'b'), /^train\.csv line 2: class 'World' is not one of 1\.\.4$/],
      [csvLine(' 1', 'a', 'b'), /^train\.csv line 2: class ' 1' is not one of 1\.\.4$/],
      [
        csvLine(2, ' ', '\\ '),
        /^train\.csv line 2: empty text: title and description are both blank$/,
      ],
      [
        '"1","a"b","c"\n',
        /^train\.csv line 2: broken quoting: a quoted field is followed by more text/,
      ],
      [
        '"1",a"b,"c"\n',
        /^train\.csv line 2: broken quoting: a quote appears inside an unquoted field/,
      ],
      [
        '"1","a","no end\n',
        /^train\.csv line 2: broken quoting \(noticed at line 3\): a quoted field is followed/,
      ],
    ];
    for (const [bad, message] of cases) {
      const error = await failure(
        readAll(await writeCsv(csvLine(1, 'ok', 'ok') + bad + csvLine(2, 'ok', 'ok'))),
      );
      expect(error.code).toBe('DATASET_INVALID_ROW');
      expect(error.message).toMatch(message);
      expect(error.details).toMatchObject({ file: 'train.csv', line: 2 });
    }
  });

  it('reports a quote left open until the end of the file at the line it opens', async () => {
    const file = await writeCsv(csvLine(1, 'ok', 'ok') + '"2","a","never closed\n' + 'more text\n');
    const error = await failure(readAll(file));
    expect(error.message).toBe(
      'train.csv line 2: broken quoting (noticed at line 3): a quoted field is never closed before the end of the file',
    );
  });

  it('names the right line for broken quoting after many buffered rows', async () => {
    const good = Array.from({ length: 500 }, (_, i) => csvLine((i % 4) + 1, `t${i}`, `d${i}`)).join(
      '',
    );
    const file = await writeCsv(good + '"1","a"b","c"\n' + good);
    const error = await failure(readAll(file));
    expect(error.message).toMatch(/^train\.csv line 501: broken quoting/);
    const { summary } = await readAll(file, { onInvalidRow: 'skip' });
    expect(summary.rows).toBe(1000);
    expect(summary.skipped.lines).toEqual([501]);
  });

  it('honours classCount', async () => {
    const file = await writeCsv(csvLine(3, 'a', 'b'));
    const error = await failure(readAll(file, { classCount: 2 }));
    expect(error.message).toBe("train.csv line 1: class '3' is not one of 1..2");
  });

  it('skips bad rows on request and reports how many and which lines', async () => {
    let content = '';
    for (let i = 1; i <= 30; i++)
      content += i % 3 === 0 ? csvLine(9, 't', 'd') : csvLine(1, 't', 'd');
    content += '"2","a"b","c"\n' + csvLine(4, 'last', 'row');
    const { rows, summary } = await readAll(await writeCsv(content), {
      onInvalidRow: 'skip',
      maxReportedSkips: 4,
    });
    expect(rows).toHaveLength(21);
    expect(rows.at(-1)).toMatchObject({ line: 32, label: 3 });
    expect(summary.rows).toBe(21);
    expect(summary.perClass).toEqual([20, 0, 0, 1]);
    expect(summary.skipped.count).toBe(11);
    expect(summary.skipped.lines).toEqual([3, 6, 9, 12]);
    expect(summary.skipped.firstErrors).toHaveLength(10);
    expect(summary.skipped.firstErrors[0]).toBe("train.csv line 3: class '9' is not one of 1..4");
    const all = await readAll(await writeCsv(content), { onInvalidRow: 'skip' });
    expect(all.summary.skipped.lines.at(-1)).toBe(31);
  });

  it('fails clearly on a missing file, an empty file and a file without valid rows', async () => {
    const missing = await failure(readAll('/nonexistent/dir/train.csv'));
    expect(missing.code).toBe('DATASET_NOT_FOUND');
    expect(missing.message).toBe('train.csv not found: /nonexistent/dir/train.csv does not exist');

    const folder = await failure(readAll(await fixtureDir({})));
    expect(folder.code).toBe('DATASET_NOT_FOUND');
    expect(folder.message).toMatch(/ is not a regular file$/);

    const empty = await failure(readAll(await writeCsv('')));
    expect(empty.code).toBe('DATASET_EMPTY');
    expect(empty.message).toMatch(/^train\.csv is empty \(0 bytes\)/);

    const bomOnly = await failure(readAll(await writeCsv('\uFEFF')));
    expect(bomOnly.code).toBe('DATASET_EMPTY');
    expect(bomOnly.message).toMatch(/^train\.csv has no rows/);

    const allBad = await failure(
      readAll(await writeCsv(csvLine(7, 'a', 'b')), { onInvalidRow: 'skip' }),
    );
    expect(allBad.code).toBe('DATASET_EMPTY');
    expect(allBad.message).toMatch(
      /has no valid rows \(all 1 were skipped; first: train\.csv line 1: class '7'/,
    );
  });

  it('rejects UTF-16, NUL bytes and invalid or truncated UTF-8, naming the line', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(GOOD, 'utf16le')]);
    const e16 = await failure(readAll(await writeCsv(utf16)));
    expect(e16.code).toBe('DATASET_ENCODING');
    expect(e16.message).toMatch(
      /^train\.csv: the file looks UTF-16 little-endian \(byte-order mark FF FE\); AG News files must be UTF-8/,
    );

    const nul = await failure(readAll(await writeCsv(Buffer.from(GOOD, 'utf16le'))));
    expect(nul.message).toMatch(/contains NUL bytes/);

    const latin1 = Buffer.concat([
      Buffer.from(GOOD),
      Buffer.from(csvLine(1, 'Ch\u00e1vez', 'x'), 'latin1'),
    ]);
    const bad = await failure(readAll(await writeCsv(latin1)));
    expect(bad.code).toBe('DATASET_ENCODING');
    expect(bad.message).toMatch(/^train\.csv line 3: invalid UTF-8 byte 0xe1 at byte offset \d+/);

    const cut = Buffer.concat([Buffer.from(GOOD + '"1","a","b'), Buffer.from([0xc3])]);
    const truncated = await failure(readAll(await writeCsv(cut)));
    expect(truncated.message).toMatch(/the file ends inside a UTF-8 character/);
  });

  it('reads multi-byte characters split across read chunks', async () => {
    const lines: string[] = [];
    let bytes = 0;
    for (; bytes < 700_000; ) {
      const i = lines.length;
      lines.push(csvLine((i % 4) + 1, `Chávez ${i} “quote”`, `naïve 🙂 ${i}`));
      bytes += Buffer.byteLength(lines[i]!);
    }
    const content = lines.join('');
    const i = lines.length;
    const { rows, summary } = await readAll(await writeCsv(content));
    expect(rows).toHaveLength(i);
    expect(rows.every((row, n) => row.text === `Chávez ${n} “quote” naïve 🙂 ${n}`)).toBe(true);
    expect(summary.bytes).toBe(Buffer.byteLength(content));
  });

  it('has a summary only after a complete read, and reads once', async () => {
    const stream = streamAgNewsRows(await writeCsv(GOOD));
    expect(() => stream.summary).toThrow(/available only after all its rows have been read/);
    for await (const _row of stream) break;
    expect(() => stream.summary).toThrow(DatasetError);
    await expect(async () => {
      for await (const _row of stream) break;
    }).rejects.toThrow(/is being read already/);
  });

  it('rejects bad options', () => {
    expect(() => streamAgNewsRows('x.csv', { classCount: 0 })).toThrow(
      /classCount must be a positive integer/,
    );
    expect(() => streamAgNewsRows('x.csv', { onInvalidRow: 'ignore' as 'skip' })).toThrow(
      /onInvalidRow must be 'error' or 'skip'/,
    );
  });
});
