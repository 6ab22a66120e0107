/** The shapes of the random values the emulator hands out. */

import { randomBytes } from 'node:crypto';

/**
 * An unguessable URL-safe string (codes, refresh tokens, session cookies, pending-consent IDs):
 * `bytes` random bytes as base64url.
 */
export function randomUrlSafe(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

/** Access tokens are base64 with `+` and `/`, like LINE's: clients must URL-encode them in a query. */
export function newAccessTokenValue(): string {
  for (;;) {
    const token = randomBytes(48).toString('base64');
    if (token.includes('+') && token.includes('/')) {
      return token;
    }
  }
}

/** LINE's `x-line-request-id`: 32 hex digits. */
export function newRequestId(): string {
  return randomBytes(16).toString('hex');
}
