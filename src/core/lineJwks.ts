/**
 * LINE's JSON Web Key Set for ES256 ID tokens (`<apiBaseUrl>/oauth2/v2.1/certs`): one cache per API
 * base URL, jose's remote key set behind an opaque handle, and the mapping of its failures to codes.
 */
import {
  createRemoteJWKSet,
  customFetch,
  errors,
  type CryptoKey,
  type ProtectedHeaderParameters,
  type RemoteJWKSet,
} from 'jose';

import { IdTokenError, InputError } from './errors';
import { isJoseError, quote } from './idTokenErrors';
import { validateApiBaseUrl } from './endpoints';

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

export interface LineJwksState {
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
  // docs/security.md §14: a key set fetched over plain http from anywhere but this machine could be
  // swapped in transit, and whoever controls it can mint ES256 ID tokens we would accept.
  const base = validateApiBaseUrl(apiBaseUrl);
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

  const url = new URL(`${base}/oauth2/v2.1/certs`);
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

/** The private state behind a handle from {@link createLineJwks}; undefined for anything else. */
export function lineJwksState(jwks: LineJwks): LineJwksState | undefined {
  return jwksStates.get(jwks);
}

/**
 * The keys of LINE's set named by the token's `kid`: one, or several when the set lists that kid more
 * than once. Never a key chosen without a kid: LINE's ES256 ID tokens always name theirs, and trying
 * every key of the set would let any key in it vouch for the token.
 */
export async function resolveJwksKeys(state: LineJwksState, header: ProtectedHeaderParameters): Promise<CryptoKey[]> {
  const kid = typeof header.kid === 'string' && header.kid !== '' ? header.kid : undefined;
  if (kid === undefined) {
    throw new IdTokenError(
      'ERR_ID_TOKEN_KEY_NOT_FOUND',
      'It is signed with ES256 but names no "kid"; LINE\'s ES256 ID tokens always name their key.',
      { alg: 'ES256' },
    );
  }
  try {
    return [await state.resolver({ ...header, kid })];
  } catch (error) {
    if (error instanceof errors.JWKSMultipleMatchingKeys) {
      const keys: CryptoKey[] = [];
      for await (const key of error) {
        keys.push(key);
      }
      return keys;
    }
    if (isJoseError(error, 'ERR_JWKS_NO_MATCHING_KEY')) {
      throw new IdTokenError(
        'ERR_ID_TOKEN_KEY_NOT_FOUND',
        `${state.url} has no ES256 key with kid ${quote(kid)}, even after reloading it ` +
          `(reloads happen at most every ${Math.round(state.cooldownMs / 1000)} s).`,
        { alg: 'ES256', kid },
      );
    }
    throw new IdTokenError(
      'ERR_ID_TOKEN_JWKS_UNAVAILABLE',
      `Loading ${state.url} failed: ${describeJwksFailure(error, state)}.`,
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
