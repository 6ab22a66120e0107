/**
 * LINE's profile of the OIDC ID token claims (OIDC Core §3.1.3.7), checked after jose has verified
 * the signature, iss, aud and exp: steps 9–14 of the order documented in idToken.ts.
 */
import type { JWTPayload } from 'jose';

import { constantTimeEqual } from './constantTime';
import { IdTokenError } from './errors';
import { claimTypeInvalid, describeValue, isoSeconds, quote, type VerificationContext } from './idTokenErrors';
import type { IdTokenClaims } from './types';

/** What the authorize request sent that the ID token must answer. */
export interface SentWithAuthorize {
  nonce?: string;
  maxAge?: number;
}

export function checkLineClaims(
  payload: JWTPayload,
  options: SentWithAuthorize,
  ctx: VerificationContext,
): IdTokenClaims {
  // jose has already checked iss, aud, exp, and that iat is a number.
  const iat = payload.iat;
  const exp = payload.exp;
  const iss = payload.iss;
  if (typeof iat !== 'number' || typeof exp !== 'number' || typeof iss !== 'string') {
    throw new IdTokenError('ERR_ID_TOKEN_CLAIM_INVALID', 'It lacks a required claim (iss, exp or iat).');
  }

  // 9. azp (OIDC Core §3.1.3.7 steps 3–5). jose has checked that aud contains the channel ID. Other
  // audiences are accepted only when the token names this channel as its authorized party, and an
  // azp, whenever present, must be this channel. LINE itself sends one audience and no azp.
  const aud = payload.aud;
  const azp = payload['azp'];
  if (azp !== undefined && typeof azp !== 'string') {
    throw claimTypeInvalid('azp', 'a string');
  }
  if (Array.isArray(aud) && aud.some((audience) => audience !== ctx.channelId) && azp === undefined) {
    throw new IdTokenError(
      'ERR_ID_TOKEN_AUDIENCE_INVALID',
      `It names several audiences (${describeValue(aud)}) but no authorized party ("azp").`,
      { claim: 'azp' },
    );
  }
  if (azp !== undefined && azp !== ctx.channelId) {
    throw new IdTokenError(
      'ERR_ID_TOKEN_AUDIENCE_INVALID',
      `Its authorized party ("azp") is ${quote(azp)}, not channel ${quote(ctx.channelId)}.`,
      { claim: 'azp' },
    );
  }

  // 10. iat: jose only checks it against maxTokenAge, which LINE gives no value for.
  if (iat > ctx.nowSeconds + ctx.toleranceSeconds) {
    throw new IdTokenError(
      'ERR_ID_TOKEN_IAT_INVALID',
      `It claims to be issued in the future (${isoSeconds(iat)}; now ${isoSeconds(ctx.nowSeconds)}, ` +
        `clock tolerance ${ctx.toleranceSeconds} s).`,
      { claim: 'iat' },
    );
  }

  // 11. nonce (OIDC Core §3.1.3.7 step 11)
  const nonce = payload['nonce'];
  if (options.nonce !== undefined) {
    if (typeof nonce !== 'string') {
      throw new IdTokenError(
        'ERR_ID_TOKEN_NONCE_INVALID',
        'It has no nonce, but one was sent with the authorize request.',
        { claim: 'nonce' },
      );
    }
    if (!constantTimeEqual(nonce, options.nonce)) {
      throw new IdTokenError(
        'ERR_ID_TOKEN_NONCE_INVALID',
        'Its nonce differs from the one sent with the authorize request.',
        { claim: 'nonce' },
      );
    }
  } else if (nonce !== undefined && typeof nonce !== 'string') {
    throw claimTypeInvalid('nonce', 'a string');
  }

  // 12. auth_time (OIDC Core §3.1.3.7 step 13)
  const authTime = payload['auth_time'];
  if (options.maxAge !== undefined) {
    if (authTime === undefined) {
      throw new IdTokenError('ERR_ID_TOKEN_AUTH_TIME_MISSING', `max_age=${options.maxAge} was sent.`, {
        claim: 'auth_time',
      });
    }
    if (typeof authTime !== 'number' || !Number.isFinite(authTime)) {
      throw claimTypeInvalid('auth_time', 'a number of seconds');
    }
    if (authTime + options.maxAge < ctx.nowSeconds - ctx.toleranceSeconds) {
      throw new IdTokenError(
        'ERR_ID_TOKEN_CLAIM_INVALID',
        `The user last authenticated at ${isoSeconds(authTime)}, more than max_age=${options.maxAge} s ago ` +
          `(now ${isoSeconds(ctx.nowSeconds)}, clock tolerance ${ctx.toleranceSeconds} s): sign in again, e.g. with prompt=login.`,
        { claim: 'auth_time' },
      );
    }
  } else if (authTime !== undefined && (typeof authTime !== 'number' || !Number.isFinite(authTime))) {
    throw claimTypeInvalid('auth_time', 'a number of seconds');
  }

  // 13. sub. LINE user IDs are 'U' + 32 hex today, but subject_types is "pairwise": never hard-fail on the format.
  const sub = payload.sub;
  if (typeof sub !== 'string' || sub === '') {
    throw new IdTokenError(
      'ERR_ID_TOKEN_CLAIM_INVALID',
      sub === undefined ? 'It has no "sub" (user ID) claim.' : 'Its "sub" (user ID) claim is not a non-empty string.',
      { claim: 'sub' },
    );
  }

  // 14. typed optional claims
  const amr = payload['amr'];
  if (
    amr !== undefined &&
    (!Array.isArray(amr) || !amr.every((method): method is string => typeof method === 'string'))
  ) {
    throw claimTypeInvalid('amr', 'an array of strings');
  }
  const strings: Partial<Record<'name' | 'picture' | 'email', string>> = {};
  for (const claim of ['name', 'picture', 'email'] as const) {
    const value = payload[claim];
    if (value === undefined) {
      continue;
    }
    if (typeof value !== 'string') {
      throw claimTypeInvalid(claim, 'a string');
    }
    strings[claim] = value;
  }

  return {
    iss,
    sub,
    // LINE sends a string; an array was accepted above only because it contains the channel ID.
    aud: typeof payload.aud === 'string' ? payload.aud : ctx.channelId,
    exp,
    iat,
    ...(typeof authTime === 'number' ? { auth_time: authTime } : {}),
    ...(typeof nonce === 'string' ? { nonce } : {}),
    ...(amr !== undefined ? { amr: [...amr] } : {}),
    ...strings,
  };
}
