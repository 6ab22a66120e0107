/**
 * Every log line goes through a Redactor (docs/security.md §13): known secrets (tokens,
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
  // Quoted as in JSON ("…") or as Node's util.inspect prints objects ('…').
  `((?:^|[?&\\s"'{,])["']?(?:${SECRET_FIELDS.join('|')})["']?\\s*[=:]\\s*["']?)([^&\\s"',}]+)`,
  'g',
);
/**
 * Error codes from LINE and from the OAuth/OIDC specifications (RFC 6749 §4.1.2.1 and §5.2, RFC 6750
 * §3.1, RFC 7009 §2.2.1, OIDC Core §3.1.2.6), and this project's own: words anyone may read, and
 * what a person needs to read in a log. A secret-carrying field (`code: …`) holding one is left as is.
 */
const ERROR_CODES = new Set(
  [
    'invalid_request',
    'invalid_client',
    'invalid_grant',
    'invalid_scope',
    'invalid_token',
    'unauthorized_client',
    'unsupported_grant_type',
    'unsupported_response_type',
    'unsupported_token_type',
    'access_denied',
    'server_error',
    'temporarily_unavailable',
    'insufficient_scope',
    'interaction_required',
    'login_required',
    'account_selection_required',
    'consent_required',
    'invalid_request_uri',
    'invalid_request_object',
    'request_not_supported',
    'request_uri_not_supported',
    'registration_not_supported',
  ].map((code) => code.toLowerCase()),
);

function isErrorCode(value: string): boolean {
  return ERROR_CODES.has(value.toLowerCase()) || /^ERR_[A-Z_]+$/.test(value);
}

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
  return text
    .replace(JWT_PATTERN, MASK)
    .replace(BEARER_PATTERN, `$1${MASK}`)
    .replace(FIELD_PATTERN, (match: string, field: string, value: string) =>
      isErrorCode(value) ? match : `${field}${MASK}`,
    );
}

/** True for a form, query or JSON field that carries a secret (the inspector masks these at capture). */
export function isSecretField(name: string): boolean {
  return SECRET_FIELDS.includes(name);
}

/**
 * What a label or tooltip may show of a token: a short prefix to tell tokens apart
 * (docs/security.md §12), never enough to use it.
 */
export function tokenPreview(token: string): string {
  return token.length <= 12 ? '…' : `${token.slice(0, 6)}…`;
}
