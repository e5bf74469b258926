/**
 * Identifiers: ULIDs (26 characters of Crockford base32, time-ordered). One fixed
 * length and alphabet for every account, bot, document and public id, so that no
 * id is a prefix of another and keys such as `A#<id>#B#<id>` cannot collide.
 */
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** A new ULID; `now` is injectable for deterministic tests. */
export const newId = (now: number = Date.now()): string => {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32]! + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(16);
  let random = '';
  for (let i = 0; i < 16; i++) random += ALPHABET[bytes[i]! % 32]!;
  return time + random;
};

/**
 * The id of something there is one of per moment, such as a day's digest: the ULID
 * of `at` with a fixed tail, so asking again gives the same id (and it sorts in time).
 */
export const idAt = (at: number, tail = '0000000000000000'): string => newId(at).slice(0, 10) + tail;

/** True only for a well-formed id; anything else is treated as "not found" by callers. */
export const isId = (value: unknown): value is string => typeof value === 'string' && ID_PATTERN.test(value);
