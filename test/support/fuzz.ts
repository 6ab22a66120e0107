// Shared by the fuzz tests: run counts, the "coded and clean" check, and arbitraries for what a
// browser, a person or LINE may send.
import fc from 'fast-check';
import { isLineLoginError } from '../../src/core/errors';

/** Runs per property; the figures of the closing note. */
export const RUNS = {
  callbackParams: 5_000,
  callbackUrl: 3_000,
  redirectedUrl: 5_000,
  lineEndpoint: 1_000, // per endpoint, eleven endpoints
  droppedBody: 1_000,
  rejectingFetch: 1_000,
  decodeJwt: 5_000,
  verifyIdTokenRandom: 2_000,
  verifyIdTokenSigned: 2_000,
  verifyJwtSignature: 2_000,
  jwksFault: 500,
} as const;

export const CHANNEL_ID = '1650000001';
export const CHANNEL_SECRET = 'a3f1c9e2b7d84f0e9c1a2b3c4d5e6f70';
export const NOW = new Date('2025-01-15T09:00:00Z');
export const NOW_S = Math.floor(NOW.getTime() / 1000);

/** Fails with the value itself when it is not a coded error or carries one of `secrets`. */
export function assertCodedAndClean(error: unknown, secrets: readonly string[]): void {
  if (!isLineLoginError(error)) {
    throw new Error(`not a coded error: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  }
  const text = `${error.message}\n${JSON.stringify(error)}`;
  for (const secret of secrets) {
    if (secret.length >= 8 && text.includes(secret)) {
      throw new Error(`${error.code} carries a secret: ${error.message}`);
    }
  }
}

// A LINE-like secret: long, and from an alphabet fast-check's free-text generators practically never spell out.
export const secretArb = fc.stringMatching(/^[A-Za-z0-9]{16,40}$/).map((value) => `S3cr${value}`);
export const hexStateArb = fc.stringMatching(/^[0-9a-f]{64}$/);
export const textArb = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ maxLength: 40, unit: 'binary' }),
  fc.constantFrom(
    '',
    ' ',
    '%',
    '%zz',
    '\u0000',
    '\r\n',
    '[x](command:y)',
    '<script>',
    'ACCESS_DENIED',
    'access_denied',
  ),
);

export interface Secrets {
  channelSecret: string;
  accessToken: string;
  refreshToken: string;
  code: string;
  codeVerifier: string;
  idToken: string;
}

export function allSecrets(s: Secrets): string[] {
  return [s.channelSecret, s.accessToken, s.refreshToken, s.code, s.codeVerifier, s.idToken];
}

export const secretsArb: fc.Arbitrary<Secrets> = fc.record({
  channelSecret: secretArb,
  accessToken: secretArb,
  refreshToken: secretArb,
  code: secretArb,
  codeVerifier: secretArb,
  idToken: secretArb,
});

/** Stand-ins for the secrets of a run, put into bodies and headers and replaced before the answer is sent. */
export const ECHOES = ['@@0', '@@1', '@@2', '@@3', '@@4', '@@5'];

export function withSecrets(text: string, s: Secrets): string {
  const secrets = allSecrets(s);
  return text.replace(/@@(\d)/g, (match: string, index: string) => secrets[Number(index)] ?? match);
}

/** Values as LINE sends them, as a broken server might, and echoes of what was sent. */
export const fieldValueArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(
    0,
    -1,
    1,
    2_592_000,
    1e300,
    Number.MAX_SAFE_INTEGER,
    '',
    'Bearer',
    'profile openid',
    true,
    null,
    CHANNEL_ID,
    'a\nb',
    'eyJ.eyJ.sig',
  ),
  fc.constantFrom(...ECHOES),
  fc.constantFrom(...ECHOES).map((echo) => `said: ${echo}!`),
  fc.string({ maxLength: 30, unit: 'binary' }),
);

export const FIELDS = [
  'access_token',
  'token_type',
  'expires_in',
  'refresh_token',
  'id_token',
  'scope',
  'client_id',
  'iss',
  'sub',
  'aud',
  'exp',
  'iat',
  'amr',
  'nonce',
  'name',
  'picture',
  'email',
  'userId',
  'displayName',
  'pictureUrl',
  'statusMessage',
  'friendFlag',
  'error',
  'error_description',
  'message',
];

/** A body of every shape: LINE's three error shapes, a success shape with any values, JSON of any kind, junk. */
export const bodyArb: fc.Arbitrary<string> = fc.oneof(
  fc.dictionary(fc.constantFrom(...FIELDS), fieldValueArb, { maxKeys: 10 }).map((record) => JSON.stringify(record)),
  fc
    .record({ error: fieldValueArb, error_description: fieldValueArb }, { requiredKeys: [] })
    .map((record) => JSON.stringify(record)),
  fc.record({ message: fieldValueArb }).map((record) => JSON.stringify(record)),
  fc.jsonValue().map((json) => JSON.stringify(json)),
  fc.constantFrom('', ' ', '{', '{"access_token":', 'null', '[]', '<html>Proxy login</html>', '\u0000'),
  fc.string({ maxLength: 60 }),
);

export const statusArb = fc.oneof(
  fc.constantFrom(200, 201, 204, 400, 401, 403, 404, 413, 429, 500, 502, 503),
  fc.integer({ min: 200, max: 599 }),
);

export const answerArb = fc.record({
  status: statusArb,
  body: bodyArb,
  retryAfter: fc.option(fc.oneof(fc.string({ maxLength: 12 }), fc.nat().map(String))),
  requestId: fc.option(fc.oneof(fc.stringMatching(/^[0-9a-f]{32}$/), fc.constantFrom(...ECHOES))),
});

export const NULL_BODY_STATUSES = new Set([204, 205, 304]);

export function answer(status: number, body: string, headers: Record<string, string>): Response {
  return new Response(NULL_BODY_STATUSES.has(status) ? null : body, { status, headers });
}
