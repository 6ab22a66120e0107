/**
 * Decoding (never verifying) any JWT for display, and a plain-language line per ID token claim.
 * Used by the "decode any JWT" command and the token explorer's claim list. Verification lives in
 * idToken.ts; nothing here should be read as "this token is valid".
 */

import { decodeJwt as joseDecodeJwt, decodeProtectedHeader } from 'jose';

import { InputError } from './errors';
import { LINE_ID_TOKEN_CLAIMS } from './types';
import { unitStyleFor } from './unitStyle';

export interface DecodedJwt {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  /** Whether the third part is non-empty. Says nothing about whether the signature is valid. */
  signaturePresent: boolean;
}

export function decodeJwt(token: string): DecodedJwt {
  const trimmed = token.trim();
  const invalid = (message: string): InputError => new InputError('ERR_INVALID_JWT', message, 'token');
  if (trimmed === '') {
    throw invalid('The input is empty.');
  }

  // Only counted to choose a helpful message; jose does the decoding.
  const parts = trimmed.split('.');
  if (parts.length === 1) {
    throw invalid(
      'It has no dots (a JWT has three parts separated by dots): an opaque token, such as a LINE ' +
        "refresh token or access token, which is not a JWT: inspect an access token with LINE's verify endpoint instead.",
    );
  }
  if (parts.length === 5) {
    throw invalid('It is an encrypted JWT (JWE, five parts): its claims cannot be read without the decryption key.');
  }
  if (parts.length !== 3) {
    throw invalid(`A JWT has three parts separated by dots, this has ${parts.length}. Check that it was copied whole.`);
  }

  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(trimmed);
  } catch {
    throw invalid('Its first part is not a base64url-encoded JSON header.');
  }
  let claims: Record<string, unknown>;
  try {
    claims = joseDecodeJwt(trimmed);
  } catch {
    // LINE v2.1 access tokens are shaped like a JWT with a readable header, but their payload is not
    // readable JSON: they are opaque by design.
    throw invalid(
      'It has a JWT header, but its payload is not base64url-encoded JSON. ' +
        "LINE access tokens look like this: inspect them with LINE's verify endpoint instead.",
    );
  }
  return { header, claims, signaturePresent: (parts[2] ?? '') !== '' };
}

export interface ClaimExplanation {
  claim: string;
  value: unknown;
  /** Human-readable value: times as ISO UTC plus a relative time, amr values with their meaning. */
  display: string;
  /** One line, in the language of the texts given to {@link explainClaims} (English by default). */
  explanation: string;
  /** The key of {@link CLAIM_EXPLANATIONS} the explanation came from, for localization. */
  explanationKey: ClaimExplanationKey;
}

/**
 * English explanation texts. The VS Code layer supplies other languages keyed the same (see
 * {@link CLAIM_EXPLANATION_KEYS}). Wording follows LINE's ID token reference; `amr.*` are the
 * authentication methods LINE documents.
 */
export const CLAIM_EXPLANATIONS = {
  iss: "Issuer: who issued the token. LINE's ID tokens say https://access.line.me; an emulator says its own URL.",
  sub: 'Subject: the user ID, unique per provider (LINE\'s are "U" followed by 32 hex digits). Key accounts by this, never by name or email.',
  aud: 'Audience: the channel ID the token was issued to. It must equal your channel ID.',
  exp: 'Expiration time: the token must not be accepted after this moment (allowing a small clock tolerance).',
  iat: 'Issued at: when the token was created. It must not be in the future.',
  auth_time:
    'Authentication time: when the user last actually signed in. Present when max_age was sent with the authorize request.',
  nonce:
    'Nonce: the value sent with the authorize request, echoed back. It must equal the one you sent (replay protection).',
  amr: 'Authentication methods: how the user signed in.',
  'amr.pwd': 'email address and password',
  'amr.lineautologin': 'LINE automatic login (including through the LINE SDK)',
  'amr.lineqr': 'QR code scanned with the LINE app',
  'amr.linesso': 'single sign-on (an existing LINE login session)',
  'amr.mfa': 'two-factor authentication',
  'amr.unknown': 'a method LINE does not document',
  name: "The user's display name (profile scope). Users can change it: never use it as an ID.",
  picture: "URL of the user's profile image (profile scope).",
  email:
    "The user's email address (email scope, with the email permission approved for the channel). It can change: never use it as an ID.",
  unknown: 'A claim LINE does not document for ID tokens; shown as is.',
} as const;

export type ClaimExplanationKey = keyof typeof CLAIM_EXPLANATIONS;

export const CLAIM_EXPLANATION_KEYS: readonly ClaimExplanationKey[] = Object.freeze(
  Object.keys(CLAIM_EXPLANATIONS) as ClaimExplanationKey[],
);

const KNOWN_CLAIMS = LINE_ID_TOKEN_CLAIMS;
type KnownClaim = (typeof KNOWN_CLAIMS)[number];

/** RFC 7519 NumericDate claims, shown as times even when LINE does not document them (nbf). */
export const TIME_CLAIMS: ReadonlySet<string> = new Set(['exp', 'iat', 'auth_time', 'nbf']);

const AMR_VALUES = ['pwd', 'lineautologin', 'lineqr', 'linesso', 'mfa'] as const;

export interface ExplainClaimsOptions {
  /** Explanation texts keyed like {@link CLAIM_EXPLANATIONS}; missing keys fall back to English. */
  texts?: Partial<Readonly<Record<ClaimExplanationKey, string>>>;
  /** BCP 47 locale for relative times ("in 5 minutes" / "5分後"). Default `en`. */
  locale?: string;
}

export function explainClaims(
  claims: Record<string, unknown>,
  now: Date = new Date(),
  options: ExplainClaimsOptions = {},
): ClaimExplanation[] {
  const text = (key: ClaimExplanationKey): string => options.texts?.[key] ?? CLAIM_EXPLANATIONS[key];
  const locale = options.locale ?? 'en';
  const relative = new Intl.RelativeTimeFormat(locale, { numeric: 'always', style: unitStyleFor(locale) });
  const nowSeconds = now.getTime() / 1000;

  const explain = (claim: string, key: ClaimExplanationKey): ClaimExplanation => {
    const value = claims[claim];
    let display: string;
    if (TIME_CLAIMS.has(claim) && typeof value === 'number') {
      display = displayTime(value, nowSeconds, relative);
    } else if (claim === 'amr' && Array.isArray(value)) {
      display = value.map((method) => displayAmr(method, text)).join(', ');
    } else {
      display = displayValue(value);
    }
    return { claim, value, display, explanation: text(key), explanationKey: key };
  };

  const known = new Set<string>(KNOWN_CLAIMS);
  const result: ClaimExplanation[] = [];
  for (const claim of KNOWN_CLAIMS) {
    if (Object.hasOwn(claims, claim)) {
      result.push(explain(claim, claim satisfies KnownClaim));
    }
  }
  for (const claim of Object.keys(claims)) {
    if (!known.has(claim)) {
      result.push(explain(claim, 'unknown'));
    }
  }
  return result;
}

function displayAmr(method: unknown, text: (key: ClaimExplanationKey) => string): string {
  if (typeof method !== 'string') {
    return displayValue(method);
  }
  const documented = (AMR_VALUES as readonly string[]).includes(method);
  return `${method} (${text(documented ? (`amr.${method}` as ClaimExplanationKey) : 'amr.unknown')})`;
}

function displayTime(epochSeconds: number, nowSeconds: number, relative: Intl.RelativeTimeFormat): string {
  const date = new Date(epochSeconds * 1000);
  if (Number.isNaN(date.getTime())) {
    return String(epochSeconds);
  }
  const iso = date.toISOString().replace(/\.000Z$/, 'Z');
  return `${iso} (${formatRelative(epochSeconds - nowSeconds, relative)})`;
}

function formatRelative(deltaSeconds: number, relative: Intl.RelativeTimeFormat): string {
  const abs = Math.abs(deltaSeconds);
  // Round the magnitude, so 90 s ago and 90 s ahead both read as 2 minutes (Math.round(-1.5) is -1).
  const round = (unitSeconds: number): number => Math.sign(deltaSeconds) * Math.round(abs / unitSeconds);
  if (abs < 60) {
    return relative.format(round(1), 'second');
  }
  if (abs < 3600) {
    return relative.format(round(60), 'minute');
  }
  if (abs < 86_400) {
    return relative.format(round(3600), 'hour');
  }
  return relative.format(round(86_400), 'day');
}

function displayValue(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
    return value.join(', ');
  }
  // JSON.stringify returns undefined for undefined, which a caller-built claims object can hold.
  return value === undefined ? 'undefined' : JSON.stringify(value);
}
