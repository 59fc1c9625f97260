import { BACKEND_NAMES } from '@newscell/models';
import { describe, expect, it } from 'vitest';
import { createProgram } from '../src/program.js';

function helpText(): string {
  let out = '';
  const program = createProgram().configureOutput({
    writeOut: (text) => {
      out += text;
    },
  });
  program.outputHelp();
  return out;
}

describe('newscell --help', () => {
  it('names exactly the backends TFJS_BACKEND accepts', () => {
    const help = helpText();
    const named = help.match(/TFJS_BACKEND \(([^;)]*)/)?.[1]?.split(' | ');
    expect(named).toEqual([...BACKEND_NAMES]);
    expect(help).not.toContain('tensorflow');
  });

  it('says how a relative MODELS_DIR and a missing AG News are resolved', () => {
    const help = helpText().replace(/\s+/g, ' ');
    expect(help).toContain('a relative path is taken from the working directory');
    expect(help).toContain('else ./data/ag_news, else a download');
  });
});
