/**
 * Checks of the app's side of a LINE Login: what it puts into the authorize request and how it
 * redeems the code. Pure functions over values the tracker still holds unmasked; only the verdicts
 * and explanations (which never quote a secret) leave.
 */
import { isRegisteredCallback } from '../../registeredCallback';
import type { Check, Citation, Verdict } from '../model';
import { APP_CITE } from './citations';

/** LINE's codes live 10 minutes (LINE: Receiving the authorization code; RFC 6749 §4.1.2). */
export const CODE_LIFETIME_MS = 10 * 60 * 1000;

/** RFC 6749 §10.10: the probability of guessing a state or code must be at most 2^-128. */
export const MIN_STATE_BITS = 128;

export function appCheck(id: string, verdict: Verdict, explanation: string, citation: Citation): Check {
  return { id, verdict, explanation, citation };
}

/**
 * An upper bound on the bits of a string an attacker cannot predict: length × log2(alphabet), the
 * alphabet being the character classes it uses. A repeated or ordered pattern scores lower, since
 * a value with few distinct characters cannot have come from a CSPRNG at that length.
 */
export function estimatedEntropyBits(value: string): number {
  if (value === '') {
    return 0;
  }
  let alphabet = 0;
  if (/[0-9]/.test(value)) {
    alphabet += 10;
  }
  if (/[a-z]/.test(value)) {
    alphabet += 26;
  }
  if (/[A-Z]/.test(value)) {
    alphabet += 26;
  }
  if (/[^0-9A-Za-z]/.test(value)) {
    alphabet += 4;
  }
  const distinct = new Set(value).size;
  const perChar = Math.log2(Math.min(alphabet, Math.max(2, distinct * 2)));
  return Math.floor(value.length * perChar);
}

/** `state` sent, unguessable, and not one this app already used. */
export function stateChecks(state: string | undefined, usedBefore: boolean): Check[] {
  if (state === undefined || state === '') {
    return [
      appCheck(
        'app.state.sent',
        'fail',
        'The authorize request has no state: a forged callback (login CSRF) cannot be told from a real one.',
        APP_CITE.rfc6749Csrf,
      ),
      appCheck('app.state.unguessable', 'n/a', 'No state was sent.', APP_CITE.rfc6749Guessing),
      appCheck('app.state.unique', 'n/a', 'No state was sent.', APP_CITE.authorizeRequest),
    ];
  }
  const bits = estimatedEntropyBits(state);
  return [
    appCheck('app.state.sent', 'pass', 'The authorize request carries a state.', APP_CITE.rfc6749Csrf),
    appCheck(
      'app.state.unguessable',
      bits >= MIN_STATE_BITS ? 'pass' : 'fail',
      bits >= MIN_STATE_BITS
        ? `The state has about ${bits} bits of randomness (${state.length} characters).`
        : `The state has at most about ${bits} bits (${state.length} characters); use at least 128 bits from a CSPRNG, e.g. 32 random bytes in hex or base64url.`,
      APP_CITE.rfc6749Guessing,
    ),
    appCheck(
      'app.state.unique',
      usedBefore ? 'fail' : 'pass',
      usedBefore
        ? 'This state was already used by an earlier login of this app: generate a new one per login.'
        : 'A state not seen in an earlier login of this app.',
      APP_CITE.authorizeRequest,
    ),
  ];
}

/** PKCE with S256: missing is a warning (LINE accepts it), `plain` a failure (LINE supports S256 only). */
export function pkceCheck(method: string | undefined, challenge: string | undefined): Check {
  if (method === undefined && challenge === undefined) {
    return appCheck(
      'app.pkce',
      'warn',
      'No PKCE: a stolen authorization code could be redeemed by someone else. Send code_challenge with code_challenge_method=S256.',
      APP_CITE.rfc9700Pkce,
    );
  }
  if (method === 'S256' && challenge !== undefined && /^[A-Za-z0-9_-]{43}$/.test(challenge)) {
    return appCheck('app.pkce', 'pass', 'PKCE with S256.', APP_CITE.pkce);
  }
  return appCheck(
    'app.pkce',
    'fail',
    method === 'S256'
      ? 'code_challenge must be the 43-character base64url SHA-256 of the code_verifier.'
      : `code_challenge_method is ${method ?? '(missing, meaning plain)'}: LINE supports only S256.`,
    APP_CITE.pkce,
  );
}

/** With `openid`, a nonce ties the ID token to this login. */
export function nonceCheck(scopes: readonly string[], nonce: string | undefined): Check {
  if (!scopes.includes('openid')) {
    return appCheck('app.nonce', 'n/a', 'No openid scope: no ID token to bind.', APP_CITE.oidcAuthRequest);
  }
  if (nonce === undefined || nonce === '') {
    return appCheck(
      'app.nonce',
      'fail',
      'openid is requested without a nonce: a replayed ID token would be accepted. Send a fresh random nonce and compare it with the ID token.',
      APP_CITE.oidcNonce,
    );
  }
  return appCheck('app.nonce', 'pass', 'A nonce is sent with openid.', APP_CITE.oidcNonce);
}

export function redirectRegisteredCheck(
  redirectUri: string | undefined,
  callbackUrls: readonly string[] | undefined,
): Check {
  if (callbackUrls === undefined) {
    return appCheck(
      'app.redirect_uri.registered',
      'n/a',
      'The channel is not configured in the emulator.',
      APP_CITE.callbackUrl,
    );
  }
  const ok = redirectUri !== undefined && isRegisteredCallback(redirectUri, callbackUrls);
  return appCheck(
    'app.redirect_uri.registered',
    ok ? 'pass' : 'fail',
    ok
      ? 'The redirect_uri is a callback URL registered on the channel.'
      : 'The redirect_uri is not registered on the channel: LINE shows an error page and never calls the app back. Register it exactly, or send the registered one.',
    APP_CITE.callbackUrl,
  );
}

/** A form or query field exactly as sent, before any decoding; undefined when absent. */
export function rawField(raw: string, name: string): string | undefined {
  for (const part of raw.split('&')) {
    const equals = part.indexOf('=');
    const key = equals < 0 ? part : part.slice(0, equals);
    if (key === name) {
      return equals < 0 ? '' : part.slice(equals + 1);
    }
  }
  return undefined;
}

function formDecode(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

/**
 * RFC 6749 §4.1.3: the token request's redirect_uri must be identical to the authorize request's.
 * Compared as sent (raw bytes), so an app that encodes it differently each time is seen too.
 */
export function redirectIdenticalCheck(authorizeRaw: string | undefined, tokenRaw: string | undefined): Check {
  const id = 'app.redirect_uri.identical';
  if (authorizeRaw === undefined) {
    return appCheck(id, 'n/a', 'The authorize request of this code was not seen.', APP_CITE.rfc6749TokenRequest);
  }
  if (tokenRaw === undefined) {
    return appCheck(
      id,
      'fail',
      'The token request has no redirect_uri; it must repeat the authorize request redirect_uri.',
      APP_CITE.rfc6749TokenRequest,
    );
  }
  if (tokenRaw === authorizeRaw) {
    return appCheck(
      id,
      'pass',
      'The token request repeats the authorize request redirect_uri byte for byte.',
      APP_CITE.rfc6749TokenRequest,
    );
  }
  if (formDecode(tokenRaw) === formDecode(authorizeRaw)) {
    return appCheck(
      id,
      'warn',
      'The same redirect_uri once decoded, but percent-encoded differently in the two requests: build it from one constant with one encoder.',
      APP_CITE.rfc6749TokenRequest,
    );
  }
  return appCheck(
    id,
    'fail',
    'The token request redirect_uri differs from the authorize request one (a trailing slash, a query or the encoding): LINE answers invalid_grant.',
    APP_CITE.rfc6749TokenRequest,
  );
}

/** `earlierExchanges`: token requests for this code before this one. */
export function codeOnceCheck(earlierExchanges: number): Check {
  return appCheck(
    'app.code.once',
    earlierExchanges === 0 ? 'pass' : 'fail',
    earlierExchanges === 0
      ? 'The authorization code is exchanged once.'
      : `The authorization code was already exchanged (${earlierExchanges + 1} token requests with it): a code is single use; a repeated callback or retry must not redeem it again.`,
    APP_CITE.rfc6749CodeOnce,
  );
}

export function codeTimelyCheck(issuedAt: number | undefined, exchangedAt: number): Check {
  if (issuedAt === undefined) {
    return appCheck('app.code.timely', 'n/a', 'When the code was issued was not seen.', APP_CITE.receivingCode);
  }
  const age = exchangedAt - issuedAt;
  return appCheck(
    'app.code.timely',
    age <= CODE_LIFETIME_MS ? 'pass' : 'fail',
    age <= CODE_LIFETIME_MS
      ? `Exchanged ${Math.round(age / 1000)} s after it was issued (LINE: within 10 minutes).`
      : `Exchanged ${Math.round(age / 1000)} s after it was issued: LINE's codes expire after 10 minutes.`,
    APP_CITE.receivingCode,
  );
}
