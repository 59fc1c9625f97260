import { isUtf8 } from 'node:buffer';

/**
 * Checks a byte stream for valid UTF-8 chunk by chunk. The fast path is Node's native
 * `isUtf8`; only a chunk that fails it (a character split across chunks, or a real error) is
 * walked byte by byte to tell the two apart and to find the offending offset.
 */
export class Utf8Validator {
  #carry: Buffer = Buffer.alloc(0);
  #consumed = 0;

  /**
   * Validates the next chunk. Returns the absolute byte offset of the first invalid byte, or
   * `undefined` when everything so far is valid (an incomplete character at the end is kept
   * for the next chunk).
   */
  push(chunk: Buffer): number | undefined {
    const bytes = this.#carry.length === 0 ? chunk : Buffer.concat([this.#carry, chunk]);
    const start = this.#consumed - this.#carry.length;
    this.#consumed += chunk.length;
    if (isUtf8(bytes)) {
      this.#carry = Buffer.alloc(0);
      return undefined;
    }
    const { invalidAt, tail } = scanUtf8(bytes);
    if (invalidAt !== undefined) return start + invalidAt;
    this.#carry = Buffer.from(bytes.subarray(bytes.length - tail));
    return undefined;
  }

  /** Call after the last chunk: a character cut off by the end of the file is an error. */
  end(): number | undefined {
    return this.#carry.length === 0 ? undefined : this.#consumed - this.#carry.length;
  }
}

/** Offset of the first invalid byte, or the length of an incomplete character at the end. */
function scanUtf8(bytes: Uint8Array): { invalidAt: number | undefined; tail: number } {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return { invalidAt: i, tail: 0 };
    let code = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      if (i + k >= bytes.length) return { invalidAt: undefined, tail: bytes.length - i };
      const c = bytes[i + k]!;
      if ((c & 0xc0) !== 0x80) return { invalidAt: i, tail: 0 };
      code = (code << 6) | (c & 0x3f);
    }
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
      return { invalidAt: i, tail: 0 };
    }
    i += need + 1;
  }
  return { invalidAt: undefined, tail: 0 };
}
