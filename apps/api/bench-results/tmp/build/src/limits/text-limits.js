import { NewscellError } from '@newscell/contracts';
/**
 * Checks a batch of texts against the configured limits before any model sees it; throws
 * `LIMIT_EXCEEDED` (400) naming the limit, its variable and the first text over it.
 */
export function assertTextLimits(texts, limits) {
    if (texts.length > limits.textsPerRequest) {
        throw new NewscellError('LIMIT_EXCEEDED', `${texts.length} texts in one request; the limit is ${limits.textsPerRequest} (NEWSCELL_MAX_TEXTS)`, { details: { limit: limits.textsPerRequest, count: texts.length } });
    }
    const index = texts.findIndex((text) => text.length > limits.charsPerText);
    if (index !== -1) {
        throw new NewscellError('LIMIT_EXCEEDED', `text ${index} has ${texts[index]?.length} characters; the limit is ${limits.charsPerText} (NEWSCELL_MAX_TEXT_CHARS)`, { details: { limit: limits.charsPerText, index, length: texts[index]?.length } });
    }
}
