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
 *  3. key: HS256 → the channel secret; ES256 → the JWKS key named by `kid`  → ERR_ID_TOKEN_KEY_NOT_FOUND,
 *     (an unknown `kid` refetches the JWKS once, outside the cooldown;      ERR_ID_TOKEN_JWKS_UNAVAILABLE
 *     a token without `kid` is tried against every ES256 key in the set)
 *  4. signature                                                             → ERR_ID_TOKEN_SIGNATURE_INVALID
 *  5. `iss` present and equal to the expected issuer                        → ERR_ID_TOKEN_ISSUER_INVALID
 *  6. `aud` present and equal to (or, as an array, containing) the channel ID → ERR_ID_TOKEN_AUDIENCE_INVALID
 *  7. `exp` and `iat` present and numbers; `nbf`, if any, reached         → ERR_ID_TOKEN_CLAIM_INVALID (exp, nbf),
 *                                                                             ERR_ID_TOKEN_IAT_INVALID
 *  8. `exp` in the future, minus the clock tolerance                        → ERR_ID_TOKEN_EXPIRED
 *  9. `iat` not in the future, plus the clock tolerance                     → ERR_ID_TOKEN_IAT_INVALID
 * 10. `nonce` equals the one sent (only when one is expected)              → ERR_ID_TOKEN_NONCE_INVALID
 * 11. `auth_time` present, and recent enough, when `max_age` was sent        → ERR_ID_TOKEN_AUTH_TIME_MISSING,
 *                                                                             ERR_ID_TOKEN_CLAIM_INVALID (auth_time)
 * 12. `sub` a non-empty string                                             → ERR_ID_TOKEN_CLAIM_INVALID (sub)
 * 13. optional claims of the right type: amr string[], name/picture/email/nonce strings, auth_time number
 *                                                                           → ERR_ID_TOKEN_CLAIM_INVALID
 * Steps 2–8 run inside jose's `jwtVerify` (step 3 through the resolver below); 9–13 are LINE's profile
 * of OIDC and run here.
 *
 * No message or detail carries the token, the channel secret or decoded token content beyond the
 * single claim value that failed (issuer, audience, times); only JWKS failures (the network error)
 * and unexpected library failures keep a `cause`.
 */

import {
  compactVerify,
  createRemoteJWKSet,
  customFetch,
  decodeJwt,
  decodeProtectedHeader,
  errors,
  jwtVerify,
  type CryptoKey,
  type JWSAlgorithm,
  type JWTPayload,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
  type ProtectedHeaderParameters,
  type RemoteJWKSet,
} from 'jose';

import { isLoopbackHost } from './loopback';
import { constantTimeEqual } from './constantTime';
import { IdTokenError, InputError } from './errors';
import type { IdTokenClaims } from './types';

/** LINE's JWKS for ES256 ID tokens. Opaque: create it with {@link createLineJwks} and reuse it (it caches keys). */
export interface LineJwks {
  /** `<apiBaseUrl>/oauth2/v2.1/certs`. */
  readonly url: string;
}

export interface LineJwksOptions {
  /** Injectable for tests and proxies; defaults to the platform `fetch`. */
  fetch?: typeof fetch;
  /** Per request. Default 5000 ms. */
  timeoutMs?: number;
  /**
   * After a successful fetch, how long an unknown `kid` does NOT trigger another fetch. Default 30000 ms:
   * a forged `kid` must not turn every verification into a request to LINE.
   */
  cooldownMs?: number;
}

interface LineJwksState {
  readonly url: string;
  readonly resolver: RemoteJWKSet;
  readonly timeoutMs: number;
  readonly cooldownMs: number;
}

const DEFAULT_JWKS_TIMEOUT_MS = 5_000;
const DEFAULT_JWKS_COOLDOWN_MS = 30_000;

// The LineJwks handed out is a plain frozen object; the jose resolver stays private so callers cannot
// substitute their own key source through the type.
const jwksStates = new WeakMap<LineJwks, LineJwksState>();

export function createLineJwks(apiBaseUrl: string, options: LineJwksOptions = {}): LineJwks {
  let base: URL;
  try {
    base = new URL(apiBaseUrl);
  } catch {
    throw new InputError('ERR_INVALID_ENDPOINT', 'The LINE API base URL is not a valid URL.', 'lineLogin.apiBaseUrl');
  }
  // Security checklist §14: a key set fetched over plain http from a non-loopback host could be
  // swapped in transit, and whoever controls it can mint ES256 ID tokens we would accept.
  if (base.protocol !== 'https:' && !(base.protocol === 'http:' && isLoopbackHost(base.hostname))) {
    throw new InputError(
      'ERR_INVALID_ENDPOINT',
      `The LINE API base URL must use https (plain http is allowed only for a loopback emulator), got ${base.protocol}//${base.host}.`,
      'lineLogin.apiBaseUrl',
    );
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_JWKS_TIMEOUT_MS;
  const cooldownMs = options.cooldownMs ?? DEFAULT_JWKS_COOLDOWN_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 0) {
    throw new InputError(
      'ERR_INVALID_INPUT',
      'timeoutMs must be a non-negative integer number of milliseconds.',
      'timeoutMs',
    );
  }
  if (!Number.isFinite(cooldownMs) || cooldownMs < 0) {
    throw new InputError(
      'ERR_INVALID_INPUT',
      'cooldownMs must be a non-negative number of milliseconds.',
      'cooldownMs',
    );
  }

  const url = new URL(`${base.href.replace(/\/+$/, '')}/oauth2/v2.1/certs`);
  const fetchImpl = options.fetch;
  const resolver = createRemoteJWKSet(url, {
    timeoutDuration: timeoutMs,
    cooldownDuration: cooldownMs,
    ...(fetchImpl ? { [customFetch]: (input: string, init: RequestInit) => fetchImpl(input, init) } : {}),
  });
  const jwks: LineJwks = Object.freeze({ url: url.href });
  jwksStates.set(jwks, { url: url.href, resolver, timeoutMs, cooldownMs });
  return jwks;
}

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

interface Context {
  readonly channelId: string;
  readonly issuer: string;
  readonly header: ProtectedHeaderParameters;
  readonly nowSeconds: number;
  readonly toleranceSeconds: number;
}

export async function verifyIdToken(idToken: string, options: IdTokenVerificationOptions): Promise<VerifiedIdToken> {
  const { jwksState, secretKey, toleranceSeconds, now } = checkOptions(options);
  const token = idToken.trim();

  // 1. structure
  const header = decodeStructure(token);
  const ctx: Context = {
    channelId: options.channelId,
    issuer: options.issuer,
    header,
    nowSeconds: Math.floor(now.getTime() / 1000),
    toleranceSeconds,
  };

  // 2.–8. alg allow-list, key, signature, iss, aud, exp (jose)
  const algorithms: JWSAlgorithm[] = [];
  if (secretKey) {
    algorithms.push('HS256');
  }
  if (jwksState) {
    algorithms.push('ES256');
  }
  const joseOptions: JWTVerifyOptions = {
    algorithms,
    issuer: options.issuer,
    audience: options.channelId,
    // Listed in reverse of the order jose checks presence, so a missing exp is reported before a missing iat.
    requiredClaims: ['iat', 'exp'],
    clockTolerance: toleranceSeconds,
    currentDate: now,
  };
  // One key source per algorithm: an HS256 token only ever meets the channel secret, so a JWKS public
  // key can never be used as an HMAC secret (RFC 8725 §3.1).
  const getKey: JWTVerifyGetKey = async (protectedHeader) => {
    if (protectedHeader.alg === 'HS256' && secretKey) {
      return secretKey;
    }
    if (protectedHeader.alg === 'ES256' && jwksState) {
      return resolveJwksKey(jwksState, protectedHeader);
    }
    // Unreachable: jose enforces `algorithms` before asking for a key.
    throw algNotAllowed(protectedHeader.alg);
  };

  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, getKey, joseOptions));
  } catch (error) {
    if (error instanceof errors.JWKSMultipleMatchingKeys) {
      payload = await verifyWithEachKey(token, error, joseOptions, ctx);
    } else {
      throw mapJoseError(error, ctx);
    }
  }

  const claims = checkLineClaims(payload, options, ctx);
  return { header: verifiedHeader(header), claims };
}

/**
 * The signature alone, for "decode any JWT": the same one-key-source-per-algorithm rule as
 * verifyIdToken (RFC 8725 §3.1), without claim checks, so an expired or foreign token can still be
 * told apart from a forged one.
 */
export async function verifyJwtSignature(
  token: string,
  keys: { channelSecret?: string; jwks?: LineJwks },
): Promise<{ alg: 'HS256' | 'ES256' }> {
  const trimmed = token.trim();
  const header = decodeStructure(trimmed);
  const jwksState = keys.jwks === undefined ? undefined : jwksStates.get(keys.jwks);
  const secretKey =
    keys.channelSecret === undefined || keys.channelSecret === ''
      ? undefined
      : new TextEncoder().encode(keys.channelSecret);
  const ctx: Context = {
    channelId: '',
    issuer: '',
    header,
    nowSeconds: Math.floor(Date.now() / 1000),
    toleranceSeconds: 0,
  };
  if (header.alg === 'HS256' && secretKey) {
    await compactVerify(trimmed, secretKey, { algorithms: ['HS256'] }).catch((error: unknown) => {
      throw mapJoseError(error, ctx);
    });
    return { alg: 'HS256' };
  }
  if (header.alg === 'ES256' && jwksState) {
    const key = await resolveJwksKey(jwksState, header);
    await compactVerify(trimmed, key, { algorithms: ['ES256'] }).catch((error: unknown) => {
      throw mapJoseError(error, ctx);
    });
    return { alg: 'ES256' };
  }
  throw algNotAllowed(header.alg);
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
    jwksState = jwksStates.get(options.jwks);
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
  const malformed = (reason: string): IdTokenError =>
    new IdTokenError(
      'ERR_ID_TOKEN_MALFORMED',
      `The ID token is not a well-formed JWT: ${reason} An ID token is three base64url parts separated by dots; check that it was copied whole.`,
    );
  if (token === '') {
    throw malformed('it is empty.');
  }
  if (!token.includes('.')) {
    throw new IdTokenError(
      'ERR_ID_TOKEN_MALFORMED',
      'This is not a JWT: it has no dots. It looks like an opaque token (a LINE refresh token, for instance), not an ID token; ' +
        'the ID token is the `id_token` field of the token response, present only when the `openid` scope was requested.',
    );
  }
  let header: ProtectedHeaderParameters;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw malformed('its header is not base64url-encoded JSON.');
  }
  try {
    decodeJwt(token);
  } catch (error) {
    // jose's messages are fixed strings (never token content), unlike the SyntaxError in its cause.
    throw malformed(error instanceof Error ? `${error.message}.` : 'its payload cannot be decoded.');
  }
  return header;
}

async function resolveJwksKey(state: LineJwksState, header: ProtectedHeaderParameters): Promise<CryptoKey> {
  try {
    return await state.resolver(header);
  } catch (error) {
    // Left for verifyIdToken, which tries each matching key as jose documents.
    if (error instanceof errors.JWKSMultipleMatchingKeys) {
      throw error;
    }
    if (isJoseError(error, 'ERR_JWKS_NO_MATCHING_KEY')) {
      const kid = typeof header.kid === 'string' ? header.kid : undefined;
      throw new IdTokenError(
        'ERR_ID_TOKEN_KEY_NOT_FOUND',
        `LINE's key set (${state.url}) has no ES256 key ${kid === undefined ? 'for this token, which names no "kid"' : `with kid ${quote(kid)}`}, even after reloading it ` +
          `(reloads happen at most every ${Math.round(state.cooldownMs / 1000)} s). The token was not signed by this LINE API (check lineLogin.apiBaseUrl), or LINE rotated its keys a moment ago: retry shortly.`,
        { alg: 'ES256', ...(kid === undefined ? {} : { kid }) },
      );
    }
    throw new IdTokenError(
      'ERR_ID_TOKEN_JWKS_UNAVAILABLE',
      `Could not load LINE's signing keys from ${state.url}: ${describeJwksFailure(error, state)}. ` +
        'Check the network and the lineLogin.apiBaseUrl setting; ES256 ID tokens cannot be verified without them.',
      { alg: 'ES256' },
      { cause: error },
    );
  }
}

function describeJwksFailure(error: unknown, state: LineJwksState): string {
  if (isJoseError(error, 'ERR_JWKS_TIMEOUT')) {
    return `no answer within ${state.timeoutMs} ms`;
  }
  if (isJoseError(error, 'ERR_JWKS_INVALID')) {
    return 'the answer is JSON but not a JSON Web Key Set';
  }
  if (error instanceof errors.JOSEError) {
    // jose: "Expected 200 OK …" or "Failed to parse … as JSON" (an HTML proxy or error page, typically).
    return error.message.replace(/\.$/, '');
  }
  if (error instanceof Error) {
    const cause: unknown = error.cause;
    // undici's "fetch failed" hides the reason (ECONNREFUSED, ENOTFOUND, "bad port") in its cause.
    let reason = '';
    if (typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string') {
      reason = ` (${cause.code})`;
    } else if (cause instanceof Error && cause.message !== '') {
      reason = ` (${cause.message})`;
    }
    return `${error.message}${reason}`;
  }
  return 'unknown failure';
}

async function verifyWithEachKey(
  token: string,
  multiple: InstanceType<typeof errors.JWKSMultipleMatchingKeys>,
  joseOptions: JWTVerifyOptions,
  ctx: Context,
): Promise<JWTPayload> {
  for await (const key of multiple) {
    try {
      const { payload } = await jwtVerify(token, key, joseOptions);
      return payload;
    } catch (error) {
      if (isJoseError(error, 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED')) {
        continue;
      }
      throw mapJoseError(error, ctx);
    }
  }
  throw signatureInvalid(ctx);
}

function mapJoseError(error: unknown, ctx: Context): IdTokenError | InputError {
  if (error instanceof IdTokenError || error instanceof InputError) {
    return error;
  }
  if (!(error instanceof errors.JOSEError)) {
    return new IdTokenError(
      'ERR_ID_TOKEN_MALFORMED',
      'The ID token could not be verified: unexpected failure in the JWT library.',
      {},
      { cause: error },
    );
  }
  if (isJoseError(error, 'ERR_JOSE_ALG_NOT_ALLOWED')) {
    return algNotAllowed(ctx.header.alg);
  }
  if (isJoseError(error, 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED')) {
    return signatureInvalid(ctx);
  }
  if (error instanceof errors.JWTExpired) {
    const exp = error.payload.exp;
    return new IdTokenError(
      'ERR_ID_TOKEN_EXPIRED',
      `The ID token expired${typeof exp === 'number' ? ` at ${isoSeconds(exp)}` : ''} (now ${isoSeconds(ctx.nowSeconds)}, ` +
        `clock tolerance ${ctx.toleranceSeconds} s). Sign in again to get a fresh one; refreshing the access token does not return a new ID token.`,
      { claim: 'exp' },
    );
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    return mapClaimFailure(error, ctx);
  }
  // ERR_JWS_INVALID, ERR_JWT_INVALID, ERR_JOSE_NOT_SUPPORTED (an unknown `crit`), …
  return new IdTokenError(
    'ERR_ID_TOKEN_MALFORMED',
    `The ID token is not a well-formed JWT: ${error.message.replace(/\.$/, '')}.`,
  );
}

function mapClaimFailure(error: InstanceType<typeof errors.JWTClaimValidationFailed>, ctx: Context): IdTokenError {
  const missing = error.reason === 'missing';
  switch (error.claim) {
    case 'iss': {
      const actual = error.payload.iss;
      return new IdTokenError(
        'ERR_ID_TOKEN_ISSUER_INVALID',
        `The ID token ${missing ? 'has no issuer' : `was issued by ${describeValue(actual)}`}, but ${quote(ctx.issuer)} was expected. ` +
          `The expected issuer is the lineLogin.authorizeBaseUrl setting (https://access.line.me for LINE itself, the emulator's URL otherwise); ` +
          'a token from LINE checked against an emulator setting, or the other way round, fails here.',
        { claim: 'iss' },
      );
    }
    case 'aud': {
      const actual = error.payload.aud;
      return new IdTokenError(
        'ERR_ID_TOKEN_AUDIENCE_INVALID',
        `The ID token ${missing ? 'names no audience' : `was issued to ${describeValue(actual)}`}, not to channel ${quote(ctx.channelId)}. ` +
          'Check that the channel ID is the one the user signed in to (LINE Developers Console → your LINE Login channel → Basic settings).',
        { claim: 'aud' },
      );
    }
    case 'iat':
      return new IdTokenError(
        'ERR_ID_TOKEN_IAT_INVALID',
        missing
          ? 'The ID token has no "iat" (issued at) claim.'
          : 'The ID token\'s "iat" (issued at) claim is not a number of seconds.',
        { claim: 'iat' },
      );
    case 'exp':
      return new IdTokenError(
        'ERR_ID_TOKEN_CLAIM_INVALID',
        missing
          ? 'The ID token has no "exp" (expiration time) claim.'
          : 'The ID token\'s "exp" (expiration time) claim is not a number of seconds.',
        { claim: 'exp' },
      );
    case 'nbf':
      return new IdTokenError(
        'ERR_ID_TOKEN_CLAIM_INVALID',
        error.reason === 'invalid'
          ? 'The ID token\'s "nbf" (not before) claim is not a number of seconds.'
          : `The ID token is not valid yet ("nbf" is after now, ${isoSeconds(ctx.nowSeconds)}, plus ${ctx.toleranceSeconds} s tolerance). Check this computer's clock.`,
        { claim: 'nbf' },
      );
    default:
      return new IdTokenError('ERR_ID_TOKEN_CLAIM_INVALID', `The ID token's ${quote(error.claim)} claim is invalid.`, {
        claim: error.claim,
      });
  }
}

function algNotAllowed(alg: unknown): IdTokenError {
  const details = typeof alg === 'string' ? { alg: alg.slice(0, 32) } : {};
  let message: string;
  if (alg === 'none') {
    message = 'The ID token is unsigned (alg "none"); unsigned tokens are never accepted.';
  } else if (alg === 'HS256') {
    message =
      'The ID token is signed with HS256, as LINE signs tokens from web login, which is verified with the channel secret; ' +
      'no channel secret was given. Set the channel secret for this channel.';
  } else if (alg === 'ES256') {
    message =
      "The ID token is signed with ES256, as LINE signs tokens from the LINE SDK and LIFF, which is verified with LINE's public keys; " +
      'they were not given (only the channel secret, which verifies HS256 web-login tokens).';
  } else {
    message = `The ID token is signed with ${describeValue(alg)}; LINE signs ID tokens only with HS256 (web login) or ES256 (LINE SDK, LIFF).`;
  }
  return new IdTokenError('ERR_ID_TOKEN_ALG_NOT_ALLOWED', message, details);
}

function signatureInvalid(ctx: Context): IdTokenError {
  if (ctx.header.alg === 'HS256') {
    return new IdTokenError(
      'ERR_ID_TOKEN_SIGNATURE_INVALID',
      "The ID token's HS256 signature does not match: the channel secret does not match the channel that issued this token " +
        '(check the channel ID and channel secret in the LINE Developers Console), or the token was altered.',
      { alg: 'HS256' },
    );
  }
  const kid = typeof ctx.header.kid === 'string' ? ctx.header.kid : undefined;
  return new IdTokenError(
    'ERR_ID_TOKEN_SIGNATURE_INVALID',
    `The ID token's ES256 signature does not match LINE's public key${kid === undefined ? '' : ` ${quote(kid)}`}: the token was altered, or was not issued by LINE.`,
    { alg: 'ES256', ...(kid === undefined ? {} : { kid }) },
  );
}

function checkLineClaims(payload: JWTPayload, options: IdTokenVerificationOptions, ctx: Context): IdTokenClaims {
  // jose has already checked iss, aud, exp, and that iat is a number.
  const iat = payload.iat;
  const exp = payload.exp;
  const iss = payload.iss;
  if (typeof iat !== 'number' || typeof exp !== 'number' || typeof iss !== 'string') {
    throw new IdTokenError('ERR_ID_TOKEN_CLAIM_INVALID', 'The ID token lacks a required claim (iss, exp or iat).');
  }

  // 9. iat: jose only checks it against maxTokenAge, which LINE gives no value for.
  if (iat > ctx.nowSeconds + ctx.toleranceSeconds) {
    throw new IdTokenError(
      'ERR_ID_TOKEN_IAT_INVALID',
      `The ID token claims to be issued in the future (${isoSeconds(iat)}; now ${isoSeconds(ctx.nowSeconds)}, ` +
        `clock tolerance ${ctx.toleranceSeconds} s). Check this computer's clock.`,
      { claim: 'iat' },
    );
  }

  // 10. nonce (OIDC Core §3.1.3.7 step 11)
  const nonce = payload['nonce'];
  if (options.nonce !== undefined) {
    if (typeof nonce !== 'string') {
      throw new IdTokenError(
        'ERR_ID_TOKEN_NONCE_INVALID',
        'The ID token has no nonce, but one was sent with the authorize request: the token does not belong to this sign-in attempt.',
        { claim: 'nonce' },
      );
    }
    if (!constantTimeEqual(nonce, options.nonce)) {
      throw new IdTokenError(
        'ERR_ID_TOKEN_NONCE_INVALID',
        "The ID token's nonce differs from the one sent with the authorize request: the token belongs to another sign-in attempt (or is replayed).",
        { claim: 'nonce' },
      );
    }
  } else if (nonce !== undefined && typeof nonce !== 'string') {
    throw claimTypeInvalid('nonce', 'a string');
  }

  // 11. auth_time (OIDC Core §3.1.3.7 step 13)
  const authTime = payload['auth_time'];
  if (options.maxAge !== undefined) {
    if (authTime === undefined) {
      throw new IdTokenError(
        'ERR_ID_TOKEN_AUTH_TIME_MISSING',
        `The ID token has no "auth_time" claim, although max_age=${options.maxAge} was sent with the authorize request; LINE includes it whenever max_age is sent.`,
        { claim: 'auth_time' },
      );
    }
    if (typeof authTime !== 'number' || !Number.isFinite(authTime)) {
      throw claimTypeInvalid('auth_time', 'a number of seconds');
    }
    if (authTime + options.maxAge < ctx.nowSeconds - ctx.toleranceSeconds) {
      throw new IdTokenError(
        'ERR_ID_TOKEN_CLAIM_INVALID',
        `The user last authenticated at ${isoSeconds(authTime)}, more than max_age=${options.maxAge} s ago ` +
          `(now ${isoSeconds(ctx.nowSeconds)}, clock tolerance ${ctx.toleranceSeconds} s). Sign in again, e.g. with prompt=login.`,
        { claim: 'auth_time' },
      );
    }
  } else if (authTime !== undefined && (typeof authTime !== 'number' || !Number.isFinite(authTime))) {
    throw claimTypeInvalid('auth_time', 'a number of seconds');
  }

  // 12. sub. LINE user IDs are 'U' + 32 hex today, but subject_types is "pairwise": never hard-fail on the format.
  const sub = payload.sub;
  if (typeof sub !== 'string' || sub === '') {
    throw new IdTokenError(
      'ERR_ID_TOKEN_CLAIM_INVALID',
      sub === undefined
        ? 'The ID token has no "sub" (user ID) claim.'
        : 'The ID token\'s "sub" (user ID) claim is not a non-empty string.',
      { claim: 'sub' },
    );
  }

  // 13. typed optional claims
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

function claimTypeInvalid(claim: string, expected: string): IdTokenError {
  return new IdTokenError('ERR_ID_TOKEN_CLAIM_INVALID', `The ID token's "${claim}" claim must be ${expected}.`, {
    claim,
  });
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

function isJoseError(error: unknown, code: string): boolean {
  return error instanceof errors.JOSEError && error.code === code;
}

function isoSeconds(epochSeconds: number): string {
  const date = new Date(epochSeconds * 1000);
  return Number.isNaN(date.getTime()) ? String(epochSeconds) : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Claim and header values are attacker-controlled text: quote and cap them before they reach a message. */
function quote(value: string): string {
  const capped = value.length > 80 ? `${value.slice(0, 80)}…` : value;
  return JSON.stringify(capped);
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    return quote(value);
  }
  if (Array.isArray(value)) {
    return `[${value.slice(0, 5).map(describeValue).join(', ')}${value.length > 5 ? ', …' : ''}]`;
  }
  if (value === undefined) {
    return 'nothing';
  }
  return quote(JSON.stringify(value));
}
