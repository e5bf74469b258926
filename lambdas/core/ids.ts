/**
 * Identifiers: ULIDs (26 characters of Crockford base32, time-ordered). One fixed
 * length and alphabet for every account, bot, document and public id, so that no
 * id is a prefix of another and keys such as `A#<id>#B#<id>` cannot collide.
 */
import { createHash, randomBytes } from 'node:crypto';

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

/**
 * The id of something that happens once per `seed` (such as one job's outcome), asked for again whenever that job
 * runs again: the ULID of `at` with a tail drawn from the seed's SHA-256.
 */
export const idOf = (at: number, seed: string): string => {
  const digest = createHash('sha256').update(seed).digest();
  let tail = '';
  for (let i = 0; i < 16; i++) tail += ALPHABET[digest[i]! % 32]!;
  return idAt(at, tail);
};

/** True only for a well-formed id; anything else is treated as "not found" by callers. */
export const isId = (value: unknown): value is string => typeof value === 'string' && ID_PATTERN.test(value);
