/**
 * Local verification of LINE ID tokens (OIDC Core §3.1.3.7 as LINE profiles it), with jose doing
 * every JWT operation.
 *
 * LINE signs ID tokens two ways and its discovery document only admits to one of them:
 * - web login: HS256, no `kid`, HMAC key = the channel secret's UTF-8 bytes;
 * - LINE SDK / LIFF / native apps: ES256, with a `kid` naming a key at `<apiBaseUrl>/oauth2/v2.1/certs`.
 * The discovery document lists only ES256, so a generic OIDC client rejects every web-login token.
 * Here the caller pins the algorithms by what it supplies (a channel secret enables HS256, a JWKS
 * enables ES256); the token header never chooses the key type (RFC 8725 §3.1).
 *
 * Check order (fixed; the first failing check decides the error code):
 *  1. structure: three base64url parts, a JSON object header and payload   → ERR_ID_TOKEN_MALFORMED
 *     (jose's decodeProtectedHeader/decodeJwt, before any key is fetched)
 *  2. `alg` is one the caller enabled (`none` never is)                     → ERR_ID_TOKEN_ALG_NOT_ALLOWED
 *  3. key: HS256 → the channel secret; ES256 → the JWKS key(s) named by the → ERR_ID_TOKEN_KEY_NOT_FOUND,
 *     token's `kid`, never a key chosen without one (no `kid` is an error;   ERR_ID_TOKEN_JWKS_UNAVAILABLE
 *     an unknown `kid` refetches the JWKS once, outside the cooldown)
 *  4. signature                                                             → ERR_ID_TOKEN_SIGNATURE_INVALID
 *  5. `iss` present and equal to the expected issuer                        → ERR_ID_TOKEN_ISSUER_INVALID
 *  6. `aud` present and equal to (or, as an array, containing) the channel ID → ERR_ID_TOKEN_AUDIENCE_INVALID
 *  7. `exp` and `iat` present and numbers; `nbf`, if any, reached         → ERR_ID_TOKEN_CLAIM_INVALID (exp, nbf),
 *                                                                             ERR_ID_TOKEN_IAT_INVALID
 *  8. `exp` in the future, minus the clock tolerance                        → ERR_ID_TOKEN_EXPIRED
 *  9. `azp`: required with other audiences, and when present the channel ID → ERR_ID_TOKEN_AUDIENCE_INVALID (azp)
 * 10. `iat` not in the future, plus the clock tolerance                     → ERR_ID_TOKEN_IAT_INVALID
 * 11. `nonce` equals the one sent (only when one is expected)              → ERR_ID_TOKEN_NONCE_INVALID
 * 12. `auth_time` present, and recent enough, when `max_age` was sent        → ERR_ID_TOKEN_AUTH_TIME_MISSING,
 *                                                                             ERR_ID_TOKEN_CLAIM_INVALID (auth_time)
 * 13. `sub` a non-empty string                                             → ERR_ID_TOKEN_CLAIM_INVALID (sub)
 * 14. optional claims of the right type: amr string[], name/picture/email/nonce/azp strings, auth_time number
 *                                                                           → ERR_ID_TOKEN_CLAIM_INVALID
 * Steps 2–3 run here, 4–8 inside jose's `jwtVerify`, 9–14 are LINE's profile of OIDC (idTokenClaims.ts).
 * When `openid` was requested and no ID token came back at all, the sign-in fails with
 * ERR_ID_TOKEN_MISSING (loginFlow.ts): otherwise the nonce would never be checked.
 *
 * No message or detail carries the token, the channel secret or decoded token content beyond the
 * single claim value that failed (issuer, audience, times); only JWKS failures (the network error)
 * and unexpected library failures keep a `cause`.
 */

import {
  compactVerify,
  decodeJwt,
  decodeProtectedHeader,
  jwtVerify,
  type CryptoKey,
  type JWTVerifyOptions,
  type ProtectedHeaderParameters,
} from 'jose';

import { IdTokenError, InputError } from './errors';
import { checkLineClaims } from './idTokenClaims';
import { algNotAllowed, isJoseError, mapJoseError, signatureInvalid, type VerificationContext } from './idTokenErrors';
import type { IdTokenClaims } from './types';
import { lineJwksState, resolveJwksKeys, type LineJwks, type LineJwksState } from './lineJwks';

export { createLineJwks, type LineJwks, type LineJwksOptions } from './lineJwks';

export interface IdTokenVerificationOptions {
  channelId: string;
  /** Enables HS256 (web login). */
  channelSecret?: string;
  /** Enables ES256 (LINE SDK / LIFF). */
  jwks?: LineJwks;
  /** `https://access.line.me`, or the configured emulator's authorize base URL. Compared exactly. */
  issuer: string;
  /** When set, the token's `nonce` must equal it; when unset, `nonce` is only type-checked. */
  nonce?: string;
  /** Seconds, as sent as `max_age` on authorize: `auth_time` must then be present and recent enough. */
  maxAge?: number;
  /** Default {@link DEFAULT_CLOCK_TOLERANCE_SECONDS}. Applies to exp, iat, nbf and auth_time. */
  clockToleranceSeconds?: number;
  now?: () => Date;
}

/**
 * LINE asks for "a small clock tolerance". One minute absorbs ordinary drift between a developer's
 * machine and LINE without materially extending a token's life.
 */
export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 60;

export interface VerifiedIdToken {
  header: { alg: 'HS256' | 'ES256'; kid?: string; typ?: string };
  /** Only the claims LINE documents; an array `aud` is reported as the channel ID it contained. */
  claims: IdTokenClaims;
}

export async function verifyIdToken(idToken: string, options: IdTokenVerificationOptions): Promise<VerifiedIdToken> {
  const { jwksState, secretKey, toleranceSeconds, now } = checkOptions(options);
  const token = idToken.trim();

  // 1. structure
  const header = decodeStructure(token);
  const ctx: VerificationContext = {
    channelId: options.channelId,
    issuer: options.issuer,
    header,
    nowSeconds: Math.floor(now.getTime() / 1000),
    toleranceSeconds,
  };

  // 2.–3. alg allow-list and key; 4.–8. signature, iss, aud, exp (jose, which checks the allow-list again)
  const keys = await keysFor(header, secretKey, jwksState);
  const joseOptions: JWTVerifyOptions = {
    algorithms: header.alg === 'HS256' ? ['HS256'] : ['ES256'],
    issuer: options.issuer,
    audience: options.channelId,
    // Listed in reverse of the order jose checks presence, so a missing exp is reported before a missing iat.
    requiredClaims: ['iat', 'exp'],
    clockTolerance: toleranceSeconds,
    currentDate: now,
  };
  const payload = await verifyWithKeys(keys, ctx, async (key) => (await jwtVerify(token, key, joseOptions)).payload);

  const claims = checkLineClaims(payload, options, ctx);
  return { header: verifiedHeader(header), claims };
}

/**
 * The signature alone, for "decode any JWT": the same one-key-source-per-algorithm rule as
 * verifyIdToken (RFC 8725 §3.1) and the same key selection by `kid`, without claim checks, so an
 * expired or foreign token can still be told apart from a forged one.
 */
export async function verifyJwtSignature(
  token: string,
  keys: { channelSecret?: string; jwks?: LineJwks; now?: () => Date },
): Promise<{ alg: 'HS256' | 'ES256' }> {
  const trimmed = token.trim();
  const header = decodeStructure(trimmed);
  const jwksState = keys.jwks === undefined ? undefined : lineJwksState(keys.jwks);
  const secretKey =
    keys.channelSecret === undefined || keys.channelSecret === ''
      ? undefined
      : new TextEncoder().encode(keys.channelSecret);
  const now = keys.now ? keys.now() : new Date();
  const ctx: VerificationContext = {
    channelId: '',
    issuer: '',
    header,
    nowSeconds: Math.floor(now.getTime() / 1000),
    toleranceSeconds: 0,
  };
  const candidates = await keysFor(header, secretKey, jwksState);
  const alg = header.alg === 'HS256' ? 'HS256' : 'ES256';
  await verifyWithKeys(candidates, ctx, (key) => compactVerify(trimmed, key, { algorithms: [alg] }));
  return { alg };
}

/**
 * One key source per algorithm: an HS256 token only ever meets the channel secret, so a JWKS public
 * key can never be used as an HMAC secret (RFC 8725 §3.1); an ES256 token only the JWKS keys named by
 * its `kid`, never every key of the set.
 */
async function keysFor(
  header: ProtectedHeaderParameters,
  secretKey: Uint8Array | undefined,
  jwksState: LineJwksState | undefined,
): Promise<readonly (Uint8Array | CryptoKey)[]> {
  if (header.alg === 'HS256' && secretKey) {
    return [secretKey];
  }
  if (header.alg === 'ES256' && jwksState) {
    return resolveJwksKeys(jwksState, header);
  }
  throw algNotAllowed(header.alg);
}

/**
 * Tries the selected keys in turn: more than one only when LINE's key set lists the token's kid
 * twice (jose's JWKSMultipleMatchingKeys). Any failure other than a signature mismatch decides.
 */
async function verifyWithKeys<T>(
  keys: readonly (Uint8Array | CryptoKey)[],
  ctx: VerificationContext,
  verify: (key: Uint8Array | CryptoKey) => Promise<T>,
): Promise<T> {
  for (const key of keys) {
    try {
      return await verify(key);
    } catch (error) {
      if (!isJoseError(error, 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED')) {
        throw mapJoseError(error, ctx);
      }
    }
  }
  throw signatureInvalid(ctx);
}

function checkOptions(options: IdTokenVerificationOptions): {
  jwksState: LineJwksState | undefined;
  secretKey: Uint8Array | undefined;
  toleranceSeconds: number;
  now: Date;
} {
  if (typeof options.channelId !== 'string' || options.channelId === '') {
    throw new InputError('ERR_INVALID_CHANNEL', 'A channel ID is required to verify an ID token.', 'channelId');
  }
  if (
    options.channelSecret !== undefined &&
    (typeof options.channelSecret !== 'string' || options.channelSecret === '')
  ) {
    throw new InputError('ERR_INVALID_CHANNEL', 'The channel secret is empty.', 'channelSecret');
  }
  let jwksState: LineJwksState | undefined;
  if (options.jwks !== undefined) {
    jwksState = lineJwksState(options.jwks);
    if (!jwksState) {
      throw new InputError('ERR_INVALID_INPUT', 'jwks must be created with createLineJwks().', 'jwks');
    }
  }
  if (options.channelSecret === undefined && jwksState === undefined) {
    throw new InputError(
      'ERR_INVALID_INPUT',
      "Give the channel secret (to accept HS256 tokens from web login) and/or LINE's JWKS (to accept ES256 tokens from the LINE SDK or LIFF).",
      'channelSecret',
    );
  }
  if (typeof options.issuer !== 'string' || options.issuer === '') {
    throw new InputError(
      'ERR_INVALID_ENDPOINT',
      'The expected ID token issuer is empty.',
      'lineLogin.authorizeBaseUrl',
    );
  }
  const toleranceSeconds = options.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS;
  if (!Number.isFinite(toleranceSeconds) || toleranceSeconds < 0) {
    throw new InputError(
      'ERR_INVALID_INPUT',
      'clockToleranceSeconds must be a non-negative number.',
      'clockToleranceSeconds',
    );
  }
  if (options.maxAge !== undefined && (!Number.isFinite(options.maxAge) || options.maxAge < 0)) {
    throw new InputError('ERR_INVALID_INPUT', 'maxAge must be a non-negative number of seconds.', 'maxAge');
  }
  const now = options.now ? options.now() : new Date();
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
    throw new InputError('ERR_INVALID_INPUT', 'now() must return a valid Date.', 'now');
  }
  const secretKey = options.channelSecret === undefined ? undefined : new TextEncoder().encode(options.channelSecret);
  return { jwksState, secretKey, toleranceSeconds, now };
}

function decodeStructure(token: string): ProtectedHeaderParameters {
  const malformed = (reason: string): IdTokenError => new IdTokenError('ERR_ID_TOKEN_MALFORMED', reason);
  if (token === '') {
    throw malformed('It is empty.');
  }
  if (!token.includes('.')) {
    throw new IdTokenError(
      'ERR_ID_TOKEN_MALFORMED',
      'It has no dots: an opaque token (a LINE refresh token, for instance), not an ID token. ' +
        'The ID token is the `id_token` field of the token response, present only when the `openid` scope was requested.',
    );
  }
  let header: ProtectedHeaderParameters;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw malformed('Its header is not base64url-encoded JSON.');
  }
  try {
    decodeJwt(token);
  } catch (error) {
    // jose's messages are fixed strings (never token content), unlike the SyntaxError in its cause.
    throw malformed(error instanceof Error ? `${error.message}.` : 'Its payload cannot be decoded.');
  }
  return header;
}
function verifiedHeader(header: ProtectedHeaderParameters): VerifiedIdToken['header'] {
  // Signature verification succeeded, so alg is one of the two enabled algorithms.
  const alg = header.alg === 'ES256' ? 'ES256' : 'HS256';
  return {
    alg,
    ...(typeof header.kid === 'string' ? { kid: header.kid } : {}),
    ...(typeof header.typ === 'string' ? { typ: header.typ } : {}),
  };
}
