import { describe, expect, it } from 'vitest';
import { normalizeAgNewsField, normalizeAgNewsText } from '../src/index.js';

describe('normalizeAgNewsText', () => {
  it('joins title and description with one space', () => {
    expect(normalizeAgNewsText('Title', 'Body.')).toBe('Title Body.');
    expect(normalizeAgNewsText('  ', 'Body.')).toBe('Body.');
    expect(normalizeAgNewsText('Title', '')).toBe('Title');
    expect(normalizeAgNewsText('', ' ')).toBe('');
  });

  it('turns the backslashes that replaced line breaks into spaces', () => {
    expect(
      normalizeAgNewsField(
        "Reuters - Short-sellers, Wall Street's dwindling\\band of ultra-cynics",
      ),
    ).toBe("Reuters - Short-sellers, Wall Street's dwindling band of ultra-cynics");
    expect(normalizeAgNewsField('go on.\\\\I think')).toBe('go on. I think');
    expect(normalizeAgNewsField('in\\8 1/3 innings')).toBe('in 8 1/3 innings');
  });

  it('keeps escaped dollar signs as dollars', () => {
    expect(normalizeAgNewsField('for just over \\$1 billion, \\$US46.75')).toBe(
      'for just over $1 billion, $US46.75',
    );
    expect(normalizeAgNewsField("Oracle Corp.'s\\\\$7.7-billion")).toBe(
      "Oracle Corp.'s $7.7-billion",
    );
  });

  it('decodes entities whose & became a space, consuming that space', () => {
    expect(normalizeAgNewsField('Wall Street #39;s')).toBe("Wall Street's");
    expect(normalizeAgNewsField('chants of  quot;Walter, Walter quot;')).toBe(
      'chants of "Walter, Walter"',
    );
    expect(normalizeAgNewsField('Johnson  amp; Johnson')).toBe('Johnson & Johnson');
    expect(normalizeAgNewsField('past  #36;46 a barrel')).toBe('past $46 a barrel');
    expect(normalizeAgNewsField('convention  #151; California')).toBe('convention — California');
    expect(normalizeAgNewsField('Sept. 8  #0151; A NASA')).toBe('Sept. 8 — A NASA');
    expect(normalizeAgNewsField('it #146;s  #147;x #148;')).toBe('it’s “x”');
    expect(normalizeAgNewsField('Ch #225;vez  #8212; then')).toBe('Chávez — then');
    expect(normalizeAgNewsField('solar system is nbsp;exciting')).toBe('solar system is exciting');
    expect(normalizeAgNewsField('a better iPod   hellip;.')).toBe('a better iPod ….');
    expect(normalizeAgNewsField('Corp.  lt;7269.T gt; said')).toBe('Corp. <7269.T> said');
  });

  it('decodes ordinary entities and leaves words before a semicolon alone', () => {
    expect(normalizeAgNewsField('AT&amp;T &quot;x&quot; &#39;y&#39; &#x41;')).toBe(
      'AT&T "x" \'y\' A',
    );
    expect(normalizeAgNewsField('forecast; season; Iraq;')).toBe('forecast; season; Iraq;');
    expect(normalizeAgNewsField('&bogus; #99999999;')).toBe('&bogus; #99999999;');
  });

  it('removes embedded HTML tags but keeps ticker symbols in angle brackets', () => {
    const raw =
      'Staples Inc. &lt;A HREF="http://www.investor.reuters.com/FullQuote.aspx?ticker=SPLS.O target=/stocks/quickinfo/fullquote"&gt;SPLS.O&lt;/A&gt;, the top';
    expect(normalizeAgNewsField(raw)).toBe('Staples Inc. SPLS.O, the top');
    expect(
      normalizeAgNewsField('&lt;b&gt;Bold&lt;/b&gt; text&lt;br&gt;next &lt;p&gt;\\&lt;/p&gt;'),
    ).toBe('Bold text next');
    expect(normalizeAgNewsField('Instruments Inc. &lt;TXN.N&gt;, Agilent &lt;A.N&gt;')).toBe(
      'Instruments Inc. <TXN.N>, Agilent <A.N>',
    );
    expect(
      normalizeAgNewsField(
        '&lt;FONT face="verdana,MS Sans Serif" size="-2"\n color="#666666"&gt;x&lt;/FONT&gt;',
      ),
    ).toBe('x');
  });

  it('leaves clean modern text alone', () => {
    const clean = 'AT&T says 3 < 4 and 5 > 2; prices rose 5% to $10 (a <b-list> star) — “quoted”';
    expect(normalizeAgNewsField(clean)).toBe(clean);
  });

  it('collapses whitespace and trims', () => {
    expect(normalizeAgNewsField('  a \t b\n\nc  ')).toBe('a b c');
  });
});
