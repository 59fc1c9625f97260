/**
 * Identifies the exact cleaning rules below. It is stored in every file summary, so a model
 * records which text it was trained on; bump it whenever the output of these rules changes.
 */
export const AG_NEWS_TEXT_NORMALIZATION = 'agnews-text-v1';

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  quot: '"',
  amp: '&',
  apos: "'",
  lt: '<',
  gt: '>',
  nbsp: ' ',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
};

// Windows-1252 code points 128..159: the feeds wrote `#151;` meaning an em dash, not C1 controls.
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

/*
 * The original crawl replaced every `&` of an HTML entity with a space (`Street&#39;s` became
 * `Street #39;s`, `&quot;` became ` quot;`), while `&lt;`/`&gt;` kept theirs. So an entity is
 * preceded by `&`, or by the one space that stood for it (consumed here), or starts the field.
 * Named entities are an allow-list so ordinary words before a semicolon ("forecast;") survive.
 */
const ENTITY = new RegExp(
  `(?:&| |^)(?:#(\\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|(${Object.keys(NAMED_ENTITIES).join('|')}));`,
  'g',
);

// Tags of the markup the feeds embedded (ticker links, bold bylines); tickers such as
// `<TXN.N>` or `<A.N>` are not followed by a space, `/` or `>` after the name, so they stay.
const INLINE_TAG =
  /<\/?(?:a|abbr|b|big|cite|em|font|i|img|nobr|q|s|small|span|strong|sub|sup|tt|u)(?=[\s/>])[^<>]*>/gi;
const BLOCK_TAG =
  /<\/?(?:blockquote|br|center|div|h[1-6]|hr|li|ol|p|table|td|th|tr|ul)(?=[\s/>])[^<>]*>/gi;

// Matching only runs of two or more, or a lone tab/newline, leaves single spaces untouched;
// that is several times faster than /\s+/ on text that is already mostly clean.
const WHITESPACE_RUN = /\s{2,}|[^\S ]/g;

function decodeEntity(match: string, decimal?: string, hex?: string, name?: string): string {
  if (name !== undefined) return NAMED_ENTITIES[name] ?? match;
  const code = decimal !== undefined ? Number.parseInt(decimal, 10) : Number.parseInt(hex!, 16);
  if (code >= 128 && code <= 159) return CP1252_HIGH[code - 128]!;
  if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return match;
  return String.fromCodePoint(code);
}

/** Cleans one original field; see {@link normalizeAgNewsText}. */
export function normalizeAgNewsField(raw: string): string {
  let text = raw;
  if (text.includes('\\')) {
    // `\$` is an escaped dollar sign; every other backslash (run) stands for a lost line break.
    text = text.replace(/\\\$/g, '$').replace(/\\+/g, ' ');
  }
  if (text.includes(';')) text = text.replace(ENTITY, decodeEntity);
  if (text.includes('<')) text = text.replace(INLINE_TAG, '').replace(BLOCK_TAG, ' ');
  return text.replace(WHITESPACE_RUN, ' ').trim();
}

/**
 * The text of one AG News row: title and description, each cleaned of the originals'
 * artefacts, joined by one space. Cleaning: `\$` → `$`; other backslashes (lost line breaks)
 * → space; HTML entities decoded, including those whose `&` the crawl lost (` #39;` → `'`,
 * ` quot;` → `"`, `#151;` → `—` as Windows-1252); embedded HTML tags removed; whitespace
 * collapsed and trimmed. Case and punctuation are left to the tokenizer.
 */
export function normalizeAgNewsText(title: string, description: string): string {
  const head = normalizeAgNewsField(title);
  const body = normalizeAgNewsField(description);
  if (head === '') return body;
  if (body === '') return head;
  return head + ' ' + body;
}
