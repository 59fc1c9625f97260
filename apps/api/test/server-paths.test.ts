import { describe, expect, it } from 'vitest';
import { redactServerPaths, redactServerPathsDeep } from '../src/server-paths.js';

describe('redactServerPaths', () => {
  const named = { MODELS_DIR: '/srv/newscell/models' };

  it('names a path inside a named directory by its variable', () => {
    expect(redactServerPaths('/srv/newscell/models/gru-1/weights.bin is short', named)).toBe(
      'MODELS_DIR/gru-1/weights.bin is short',
    );
    expect(redactServerPaths("cannot read '/srv/newscell/models'", named)).toBe(
      "cannot read 'MODELS_DIR'",
    );
  });

  it('leaves a sibling that only starts like a named directory to the general rule', () => {
    expect(redactServerPaths('/srv/newscell/models-old/x.json', named)).toBe('…/x.json');
  });

  it('cuts any other absolute path of this machine to its last part', () => {
    expect(redactServerPaths('ENOENT: open /tmp/abc/test.csv')).toBe('ENOENT: open …/test.csv');
    expect(redactServerPaths('/work/shared/data/ag_news/train.csv:12: bad row')).toBe(
      '…/train.csv:12: bad row',
    );
    expect(redactServerPaths('file:///home/someone/x.js (line 3)')).toBe('file:…/x.js (line 3)');
    expect(redactServerPaths('open C:\\Users\\me\\models\\a.json failed')).toBe(
      'open …\\a.json failed',
    );
  });

  it('keeps routes and other slashes', () => {
    const text =
      'train one (POST /v1/training-jobs) or PUT /v1/aliases/default; 3/4 done; and/or; /docs';
    expect(redactServerPaths(text, named)).toBe(text);
  });

  it('works through details', () => {
    expect(
      redactServerPathsDeep(
        { file: '/tmp/x/aliases.json', list: ['/srv/newscell/models/a', 3], n: null },
        named,
      ),
    ).toEqual({ file: '…/aliases.json', list: ['MODELS_DIR/a', 3], n: null });
  });
});
