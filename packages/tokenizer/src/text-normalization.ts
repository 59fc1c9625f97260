/**
 * Character-level clean-up that runs before a natural tokenizer sees the text. Each step is one
 * regex pass over the whole string, which is far cheaper than fixing tokens one by one.
 */

// AG News carries HTML entities, often without the leading '&' ("#39;", "quot;"), and HTML tags.
const ENTITY =
  /&?#(\d{1,5});|&(quot|amp|lt|gt|nbsp|apos|hellip);|(?<![A-Za-z])(quot|amp|lt|gt|nbsp);/gi;
const NAMED_ENTITIES: Record<string, string> = {
  quot: '"',
  amp: '&',
  lt: '<',
  gt: '>',
  nbsp: ' ',
  apos: "'",
  hellip: '...',
};

function decodeEntity(
  _match: string,
  code: string | undefined,
  named: string | undefined,
  bare: string | undefined,
): string {
  if (code !== undefined) {
    const value = Number(code);
    // Windows-1252 quotes and dashes are commonly (and wrongly) written as &#145;..&#151;.
    if (value === 145 || value === 146) return "'";
    if (value === 147 || value === 148) return '"';
    if ((value >= 128 && value < 160) || value === 0 || value > 0x10ffff) return ' ';
    return String.fromCodePoint(value);
  }
  return NAMED_ENTITIES[(named ?? bare ?? '').toLowerCase()] ?? ' ';
}

const HTML_TAG = /<\/?[A-Za-z][^<>]{0,300}>/g;
/**
 * '<' and '>' never reach a tokenizer, so no text can produce a token that looks like one of ours
 * (`<pad>`, `<num>`…); AG News writes a backslash where the source had a line break.
 */
const BRACKETS_AND_BACKSLASH = /[<>\\]/g;
// NFKD folding is costly; only texts with something beyond printable ASCII pay for it.
const NOT_PLAIN_ASCII = /[^\x20-\x7e\t\n\r]/;
const COMBINING_MARKS = /[\u0300-\u036f]/g;
const CURLY_SINGLE = /[\u2018\u2019\u201b\u2032]/g;
const CURLY_DOUBLE = /[\u201c\u201d\u201f\u2033]/g;
// "1,000" and "3.5" become one digit run, so each number yields exactly one `<num>` token.
const DIGIT_SEPARATOR = /(\d)[.,](?=\d)/g;
const DIGITS_ONLY = /^\d+$/;
/** Matches a URL; `URL_HINT` is the cheap test that lets most texts skip the URL split. */
export const URL_PATTERN = /\b(?:https?:\/\/|www\.)[^\s<>"'()]+/gi;
const URL_HINT = /https?:|www\./i;

export interface NormalizationSteps {
  decodeHtml: boolean;
  asciiFold: boolean;
  lowercase: boolean;
  numbers: boolean;
}

/** Applies the character-level steps, in the order that keeps them independent of each other. */
export function normalizeText(text: string, steps: NormalizationSteps): string {
  let out = text;
  if (steps.decodeHtml) out = out.replace(ENTITY, decodeEntity).replace(HTML_TAG, ' ');
  out = out.replace(BRACKETS_AND_BACKSLASH, ' ');
  if (steps.asciiFold && NOT_PLAIN_ASCII.test(out)) {
    out = out
      .replace(CURLY_SINGLE, "'")
      .replace(CURLY_DOUBLE, '"')
      .normalize('NFKD')
      .replace(COMBINING_MARKS, '');
  }
  if (steps.lowercase) out = out.toLowerCase();
  if (steps.numbers) out = out.replace(DIGIT_SEPARATOR, '$1');
  return out;
}

/**
 * Splits a normalised text around URLs: even indices are plain text, odd indices are URLs. A text
 * without a URL comes back as a one-element array without running the full pattern.
 */
export function splitUrls(text: string): string[] {
  if (!URL_HINT.test(text)) return [text];
  const parts: string[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    parts.push(text.slice(last, match.index), match[0]);
    last = match.index + match[0].length;
  }
  parts.push(text.slice(last));
  return parts;
}

/** True for a token made only of ASCII digits. */
export function isNumberToken(token: string): boolean {
  const first = token.charCodeAt(0);
  return first >= 48 && first <= 57 && DIGITS_ONLY.test(token);
}
