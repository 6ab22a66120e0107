/**
 * Every log line goes through a Redactor (security checklist §13): known secrets (tokens,
 * codes, verifiers, channel secrets) are replaced wherever they appear, and anything that looks
 * like a JWT, a Bearer credential or a secret-carrying form/query field is masked even when
 * the redactor was never told about it.
 */
import type { TokenSet } from './types';

const MASK = '[REDACTED]';

/** Form and query fields that carry a secret in LINE Login requests and redirects. */
export const SECRET_FIELDS: readonly string[] = [
  'access_token',
  'refresh_token',
  'id_token',
  'code',
  'code_verifier',
  'client_secret',
  'channelSecret',
  'userAccessToken',
  'state',
  'nonce',
];

const FIELD_PATTERN = new RegExp(
  `((?:^|[?&\\s"'{,])"?(?:${SECRET_FIELDS.join('|')})"?\\s*[=:]\\s*"?)([^&\\s"',}]+)`,
  'g',
);
const JWT_PATTERN = /\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g;
const BEARER_PATTERN = /\b(Bearer\s+)[^\s"',]+/gi;

export class Redactor {
  readonly #secrets = new Set<string>();

  /** Remembers a secret value so that it is masked wherever it appears later. */
  add(secret: string | undefined): void {
    // Very short values would mask ordinary words; LINE's secrets are all long.
    if (secret !== undefined && secret.length >= 8) {
      this.#secrets.add(secret);
    }
  }

  /** Remembers every token of an account: what was just issued, refreshed or read from storage. */
  addTokenSet(tokenSet: Pick<TokenSet, 'accessToken' | 'refreshToken' | 'idToken'>): void {
    this.add(tokenSet.accessToken);
    this.add(tokenSet.refreshToken);
    this.add(tokenSet.idToken);
  }

  redact(text: string): string {
    let result = text;
    // Longest first, so a secret containing another is masked whole.
    for (const secret of [...this.#secrets].sort((a, b) => b.length - a.length)) {
      result = result.split(secret).join(MASK);
      const encoded = encodeURIComponent(secret);
      if (encoded !== secret) {
        result = result.split(encoded).join(MASK);
      }
    }
    return redactPatterns(result);
  }
}

/** Masks what looks like a secret without knowing any secret value. */
export function redactPatterns(text: string): string {
  return text.replace(JWT_PATTERN, MASK).replace(BEARER_PATTERN, `$1${MASK}`).replace(FIELD_PATTERN, `$1${MASK}`);
}

/** True for a form, query or JSON field that carries a secret (the inspector masks these at capture). */
export function isSecretField(name: string): boolean {
  return SECRET_FIELDS.includes(name);
}

/**
 * What a label or tooltip may show of a token: a short prefix to tell tokens apart
 * (security checklist §12), never enough to use it.
 */
export function tokenPreview(token: string): string {
  return token.length <= 12 ? '…' : `${token.slice(0, 6)}…`;
}
