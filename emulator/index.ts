/**
 * A local LINE Login v2.1 emulator: one node:http server that answers every endpoint of
 * /work/shared/line-login-api.md with LINE's paths, parameters, status codes and JSON shapes.
 * It is the test peer of the project's LINE client and a server a developer can point an app at.
 *
 * Fidelity comes first: where LINE is strict (exact redirect_uri, single-use codes, refresh
 * tokens bounded by the ORIGINAL issue time, email never listed in `scope`) so is the emulator.
 *
 * Behaviour LINE does not document (UNCONFIRMED in the API notes), as chosen here:
 * - Token endpoint, wrong or missing client_secret: 400 `{"error":"invalid_client","error_description":"invalid client_secret"}`;
 *   unknown client_id: 400 `invalid_client` "invalid client_id"; a missing parameter: 400 `invalid_request`.
 * - Unknown, expired or already used authorization code: 400 `invalid_grant` "invalid authorization code"
 *   (one wording for all three, like LINE's single "invalid refresh token"). A second use also revokes
 *   the tokens issued from the code (RFC 6749 §4.1.2). A code counts as used from the first exchange
 *   attempt that passes client authentication, even if redirect_uri or PKCE then fails.
 * - PKCE: a challenge was sent and the verifier is missing, malformed or wrong: `invalid_grant` "invalid code_verifier".
 * - GET /oauth2/v2.1/verify: unknown or revoked token: 400 `invalid_request` "access token invalid";
 *   its `scope` is the same string the token endpoint returned (so never lists `email`).
 * - POST /oauth2/v2.1/verify errors are 400. The checks run in LINE's listed order: signature,
 *   issuer, expiry, audience, nonce, subject.
 * - Bearer endpoints (userinfo, profile, friendship): no/unknown/revoked token: 401
 *   `{"message":"Authentication failed. Confirm that the access token in the authorization header is valid."}`,
 *   expired: 401 `{"message":"The access token expired"}`, both with an RFC 6750 `WWW-Authenticate`;
 *   missing scope: 403 `{"message":"The access token does not have the required scope (<scope>)."}`.
 * - Deauthorize: bad channel access token: 401 `{message}` (as above); bad, expired or other-channel
 *   user access token: 400 `{"message":"invalid token"}`; malformed body: 400 `{message}`.
 * - Stateless channel access tokens (POST /oauth2/v3/token) live 15 minutes (`expires_in: 900`), as
 *   LINE's Channel Access Token API reference states; they are HS256 JWTs under an emulator-only key.
 * - prompt=none: no logged-in user (no session cookie and no autoApprove) → `LOGIN_REQUIRED`; a
 *   user who has not yet consented to every requested scope → `INTERACTION_REQUIRED`; otherwise a code.
 * - Without autoApprove, a browser that already consented (session cookie) skips the consent page
 *   like LINE's SSO, unless prompt=consent, prompt=login or disable_auto_login=true.
 * - response_mode: `query` and `form_post` are implemented; the JWT modes (JARM) redirect with
 *   `INVALID_REQUEST`.
 * - The `html` fault imitates a proxy, so it carries no `x-line-request-id`.
 * - Requests to unknown paths are answered 404 but not recorded in `requests` (they name no endpoint);
 *   `/.well-known/openid-configuration` is recorded, and faulted, as `certs`; the consent form post
 *   (`POST /oauth2/v2.1/authorize/consent`) as `authorize`.
 * - Only `Host` names that resolve to loopback (localhost, *.localhost, 127.x, [::1], browserHost)
 *   are served: anything else gets 400, against DNS rebinding.
 */

import { createHash, randomBytes } from 'node:crypto';
import { createServer, STATUS_CODES } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { decodeProtectedHeader, errors as joseErrors, exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import type { GenerateKeyPairResult, JWK, JWTHeaderParameters, JWTPayload } from 'jose';
import { redactPatterns } from '../src/core/redact';
import { constantTimeEqual } from '../src/core/constantTime';
import { isLoopbackBindAddress, isLoopbackHost } from '../src/core/loopback';
import {
  BodyTooLargeError,
  bearerToken,
  field,
  flattenHeaders,
  mediaType,
  parseCookies,
  parseParams,
  readBody,
} from './http';
import type { ParsedParams } from './http';
import { consentPage, formPostPage, INVALID_REDIRECT_URI_MESSAGE, messagePage, PROXY_ERROR_HTML } from './pages';
import type { Page } from './pages';

// ---------------------------------------------------------------------------------------------
// Public API (others code against these names).

export interface EmulatorChannel {
  channelId: string;
  channelSecret: string;
  callbackUrls: string[];
  /** Default HS256 (web login signs with the channel secret); ES256 as the LINE SDKs/LIFF get. */
  idTokenAlg?: 'HS256' | 'ES256';
  name?: string;
}

export interface EmulatorUser {
  /** 'U' + 32 lower-case hex. */
  userId: string;
  displayName: string;
  pictureUrl?: string;
  statusMessage?: string;
  email?: string;
  /** Channel IDs whose official account the user is friends with. */
  friendOf?: string[];
}

export type EmulatorEndpoint =
  | 'authorize'
  | 'token'
  | 'verify'
  | 'revoke'
  | 'verifyIdToken'
  | 'userinfo'
  | 'profile'
  | 'friendship'
  | 'deauthorize'
  | 'channelToken'
  | 'certs';

export type EmulatorFault =
  /** Authorize redirects with error=ACCESS_DENIED. */
  | { kind: 'denyConsent' }
  /** E.g. 429, 500, 413. Default body `{"message": <reason phrase>}`. */
  | { kind: 'status'; status: number; body?: string; contentType?: string; retryAfter?: number }
  /** Respond normally after a delay. */
  | { kind: 'slow'; delayMs: number }
  /** 200 with a truncated JSON body. */
  | { kind: 'malformedJson' }
  /** A 502 HTML page from a proxy. */
  | { kind: 'html' }
  | { kind: 'emptyBody'; status: number }
  /** Close the connection without answering. */
  | { kind: 'destroySocket' };

export interface RecordedRequest {
  endpoint: EmulatorEndpoint;
  method: string;
  path: string;
  query: Record<string, string>;
  /** Form fields; for a JSON body (deauthorize), its top-level scalar fields as strings. */
  form: Record<string, string>;
  headers: Record<string, string>;
  at: number;
}

export interface LineEmulatorOptions {
  /** Bind address, default '127.0.0.1'. Loopback only: anything else is refused. */
  host?: string;
  /** Default 0 (ephemeral). */
  port?: number;
  /** Host name for browser-facing URLs, e.g. 'line-emulator.localhost'. Default: the bind host. */
  browserHost?: string;
  channels?: EmulatorChannel[];
  users?: EmulatorUser[];
  /** true: approve as the first user without a consent page; a string: approve as that userId. */
  autoApprove?: boolean | string;
  /** Injectable clock (epoch ms) for expiry tests. */
  now?: () => number;
  /** Default 2592000 (30 days). */
  accessTokenLifetimeSeconds?: number;
  /** Default 90 days, counted from the ORIGINAL issue. */
  refreshTokenLifetimeMs?: number;
  /** Default 10 minutes. */
  codeLifetimeMs?: number;
  /** Request log. Lines carry no tokens, codes or secrets (and are passed through redaction anyway). */
  log?: (line: string) => void;
}

export interface IssuedTokens {
  access_token: string;
  refresh_token: string;
  id_token?: string;
  expires_in: number;
  scope: string;
  token_type: string;
}

export interface LineEmulator {
  /** `http://127.0.0.1:<port>`: what node code calls. */
  readonly apiBaseUrl: string;
  /** `http://<browserHost>:<port>`: what the browser opens; also the ID token `iss`. */
  readonly authorizeBaseUrl: string;
  readonly port: number;
  /** Everything received on a known path, oldest first. Empty it with `requests.length = 0`. */
  readonly requests: RecordedRequest[];
  addChannel(channel: EmulatorChannel): void;
  addUser(user: EmulatorUser): void;
  /** Applies to the endpoint before normal processing; `times` (default: until cleared) counts down. */
  setFault(endpoint: EmulatorEndpoint, fault: EmulatorFault, times?: number): void;
  clearFaults(): void;
  /** New ES256 key with a new kid; the old key leaves the JWKS (POST verify still accepts it until the next rotation). */
  rotateSigningKey(): Promise<string>;
  /**
   * Signs an ID token for tests. Defaults (iss, aud, iat, exp = iat + 3600, amr) are overridden by
   * `claims`; a claim set to `undefined` is removed. ES256 with a `kid` of a known key uses that key,
   * with an unknown `kid` the current key under that (wrong) kid.
   */
  signIdToken(
    channelId: string,
    claims: Record<string, unknown>,
    options?: { alg?: 'HS256' | 'ES256'; kid?: string },
  ): Promise<string>;
  /** Skips the browser (and records consent, as a completed login would). */
  issueTokensDirectly(channelId: string, userId: string, scopes: string[], nonce?: string): Promise<IssuedTokens>;
  /** Stops listening and destroys open sockets. */
  close(): Promise<void>;
}

export async function startLineEmulator(options: LineEmulatorOptions = {}): Promise<LineEmulator> {
  const emulator = new Emulator(options);
  await emulator.start();
  return emulator;
}

// ---------------------------------------------------------------------------------------------
// Internals.

type Scope = 'profile' | 'openid' | 'email';
type ResponseMode = 'query' | 'form_post';

const DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS = 30 * 24 * 60 * 60;
const DEFAULT_REFRESH_TOKEN_LIFETIME_MS = 90 * 24 * 60 * 60 * 1000;
const DEFAULT_CODE_LIFETIME_MS = 10 * 60 * 1000;
const ID_TOKEN_LIFETIME_SECONDS = 3600;
/** LINE's Channel Access Token API: a stateless channel access token is valid for 15 minutes. */
const STATELESS_CHANNEL_TOKEN_LIFETIME_SECONDS = 15 * 60;
/** How long a consent page stays answerable. */
const PENDING_LIFETIME_MS = 10 * 60 * 1000;
const SESSION_COOKIE = 'line_emulator_session';
const FORM = 'application/x-www-form-urlencoded';

/** RFC 7636 §4.1: the verifier (and an S256 challenge's alphabet). */
const PKCE_PATTERN = /^[A-Za-z0-9\-._~]{43,128}$/;
const USER_ID_PATTERN = /^U[0-9a-f]{32}$/;

const AUTH_FAILED_MESSAGE =
  'Authentication failed. Confirm that the access token in the authorization header is valid.';

interface Route {
  methods: Partial<Record<string, EmulatorEndpoint>>;
  /** The endpoint a request with a wrong method is recorded as. */
  label: EmulatorEndpoint;
}

const ROUTES = new Map<string, Route>([
  ['/oauth2/v2.1/authorize', { methods: { GET: 'authorize' }, label: 'authorize' }],
  ['/oauth2/v2.1/authorize/consent', { methods: { POST: 'authorize' }, label: 'authorize' }],
  ['/oauth2/v2.1/token', { methods: { POST: 'token' }, label: 'token' }],
  // One path, two APIs: GET verifies an access token, POST an ID token.
  ['/oauth2/v2.1/verify', { methods: { GET: 'verify', POST: 'verifyIdToken' }, label: 'verify' }],
  ['/oauth2/v2.1/revoke', { methods: { POST: 'revoke' }, label: 'revoke' }],
  ['/oauth2/v2.1/userinfo', { methods: { GET: 'userinfo', POST: 'userinfo' }, label: 'userinfo' }],
  ['/v2/profile', { methods: { GET: 'profile' }, label: 'profile' }],
  ['/friendship/v1/status', { methods: { GET: 'friendship' }, label: 'friendship' }],
  ['/user/v1/deauthorize', { methods: { POST: 'deauthorize' }, label: 'deauthorize' }],
  ['/oauth2/v3/token', { methods: { POST: 'channelToken' }, label: 'channelToken' }],
  ['/oauth2/v2.1/certs', { methods: { GET: 'certs' }, label: 'certs' }],
  ['/.well-known/openid-configuration', { methods: { GET: 'certs' }, label: 'certs' }],
]);

interface AuthorizeRequest {
  channelId: string;
  redirectUri: string;
  state: string;
  scopes: Scope[];
  nonce: string | undefined;
  prompt: string | undefined;
  maxAge: number | undefined;
  botPrompt: string | undefined;
  codeChallenge: string | undefined;
  responseMode: ResponseMode;
  uiLocales: string | undefined;
  disableAutoLogin: boolean;
  /** Everything the authorize request carried. */
  params: Record<string, string>;
}

interface PendingConsent {
  request: AuthorizeRequest;
  expiresAt: number;
}

/** One sign-in: the tokens issued from one code (or issueTokensDirectly) and their refreshes. */
interface Grant {
  channelId: string;
  userId: string;
  scopes: Scope[];
  originalIssuedAt: number;
  revoked: boolean;
}

interface CodeRecord {
  request: AuthorizeRequest;
  userId: string;
  authTime: number;
  expiresAt: number;
  used: boolean;
  grant: Grant | undefined;
}

interface AccessTokenRecord {
  grant: Grant;
  expiresAt: number;
  revoked: boolean;
}

interface RefreshTokenRecord {
  grant: Grant;
  /** The ORIGINAL issue time + lifetime: refreshing never extends it. */
  expiresAt: number;
  revoked: boolean;
  accessToken: string;
}

interface SigningKey {
  kid: string;
  privateKey: GenerateKeyPairResult['privateKey'];
  publicKey: GenerateKeyPairResult['publicKey'];
  jwk: JWK;
}

interface FaultEntry {
  fault: EmulatorFault;
  remaining: number | undefined;
}

interface Context {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  endpoint: EmulatorEndpoint;
  query: ParsedParams;
  form: ParsedParams;
  /** The parsed body when it was JSON. */
  json: unknown;
  denyConsent: boolean;
  /** A short reason for the log line; never a secret. */
  note: string | undefined;
}

class AuthorizeFailure {
  constructor(
    readonly error: string,
    readonly description: string,
  ) {}
}

class OAuthFailure {
  constructor(
    readonly error: string,
    readonly description: string,
  ) {}
}

function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** Opaque tokens are base64 with `+` and `/`, like LINE's: clients must URL-encode them in a query. */
function accessTokenValue(): string {
  for (;;) {
    const token = randomBytes(48).toString('base64');
    if (token.includes('+') && token.includes('/')) {
      return token;
    }
  }
}

function opaque(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

function parseScopes(raw: string | undefined): Scope[] | AuthorizeFailure {
  if (raw === undefined || raw.trim() === '') {
    return new AuthorizeFailure('INVALID_SCOPE', 'scope is required');
  }
  const scopes: Scope[] = [];
  for (const name of raw.split(' ').filter((part) => part !== '')) {
    if (name !== 'profile' && name !== 'openid' && name !== 'email') {
      return new AuthorizeFailure('INVALID_SCOPE', `unsupported scope: ${name}`);
    }
    if (!scopes.includes(name)) {
      scopes.push(name);
    }
  }
  if (!scopes.includes('profile') && !scopes.includes('openid')) {
    return new AuthorizeFailure('INVALID_SCOPE', 'scope must include profile or openid');
  }
  if (scopes.includes('email') && !scopes.includes('openid')) {
    return new AuthorizeFailure('INVALID_SCOPE', 'the email scope requires openid');
  }
  return scopes;
}

/** LINE's token and verify responses never list `email`, even when it was granted. */
function scopeString(scopes: readonly Scope[]): string {
  return scopes.filter((scope) => scope !== 'email').join(' ');
}

/**
 * LINE requires the exact registered callback URL, optionally with extra query parameters
 * appended; the registered part is compared byte for byte.
 */
function callbackMatches(channel: EmulatorChannel, redirectUri: string): boolean {
  try {
    new URL(redirectUri);
  } catch {
    return false;
  }
  if (redirectUri.includes('#')) {
    return false;
  }
  return channel.callbackUrls.some((registered) => {
    if (redirectUri === registered) {
      return true;
    }
    const separator = registered.includes('?') ? '&' : '?';
    return redirectUri.startsWith(registered + separator) && redirectUri.length > registered.length + 1;
  });
}

/** Appends parameters without re-serialising the app's own query (which must come back unchanged). */
function appendQuery(uri: string, params: Record<string, string>): string {
  return `${uri}${uri.includes('?') ? '&' : '?'}${new URLSearchParams(params).toString()}`;
}

class Emulator implements LineEmulator {
  readonly requests: RecordedRequest[] = [];

  readonly #host: string;
  readonly #requestedPort: number;
  readonly #browserHost: string;
  readonly #autoApprove: boolean | string;
  readonly #now: () => number;
  readonly #accessTokenLifetimeSeconds: number;
  readonly #refreshTokenLifetimeMs: number;
  readonly #codeLifetimeMs: number;
  readonly #logSink: ((line: string) => void) | undefined;

  readonly #channels = new Map<string, EmulatorChannel>();
  readonly #users = new Map<string, EmulatorUser>();
  readonly #faults = new Map<EmulatorEndpoint, FaultEntry>();
  readonly #pending = new Map<string, PendingConsent>();
  readonly #codes = new Map<string, CodeRecord>();
  readonly #grants = new Set<Grant>();
  readonly #accessTokens = new Map<string, AccessTokenRecord>();
  readonly #refreshTokens = new Map<string, RefreshTokenRecord>();
  /** `${channelId}\n${userId}` → consented scopes. */
  readonly #consents = new Map<string, Set<Scope>>();
  /** Session cookie → userId: the emulator's stand-in for being logged in to LINE in this browser. */
  readonly #sessions = new Map<string, string>();
  readonly #sockets = new Set<Socket>();
  readonly #delays = new Set<() => void>();
  /** Signs stateless channel access tokens; never leaves the emulator. */
  readonly #channelTokenKey = randomBytes(32);

  #server: Server | undefined;
  #port = 0;
  #currentKey: SigningKey | undefined;
  #previousKey: SigningKey | undefined;
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(options: LineEmulatorOptions) {
    this.#host = options.host ?? '127.0.0.1';
    if (!isLoopbackBindAddress(this.#host)) {
      throw new Error(`The LINE emulator listens on loopback only; refusing host ${JSON.stringify(this.#host)}.`);
    }
    this.#requestedPort = options.port ?? 0;
    if (!Number.isInteger(this.#requestedPort) || this.#requestedPort < 0 || this.#requestedPort > 65535) {
      throw new RangeError(`Invalid port ${String(options.port)}.`);
    }
    const browserHost = options.browserHost ?? this.#host;
    if (!/^(?:[A-Za-z0-9.-]+|\[?::1\]?)$/.test(browserHost)) {
      throw new Error(`Invalid browserHost ${JSON.stringify(browserHost)}: a host name without scheme, port or path.`);
    }
    this.#browserHost = browserHost.replace(/^\[|\]$/g, '');
    this.#autoApprove = options.autoApprove ?? false;
    this.#now = options.now ?? Date.now;
    this.#accessTokenLifetimeSeconds = options.accessTokenLifetimeSeconds ?? DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS;
    this.#refreshTokenLifetimeMs = options.refreshTokenLifetimeMs ?? DEFAULT_REFRESH_TOKEN_LIFETIME_MS;
    this.#codeLifetimeMs = options.codeLifetimeMs ?? DEFAULT_CODE_LIFETIME_MS;
    this.#logSink = options.log;
    for (const channel of options.channels ?? []) {
      this.addChannel(channel);
    }
    for (const user of options.users ?? []) {
      this.addUser(user);
    }
  }

  get port(): number {
    return this.#port;
  }

  get apiBaseUrl(): string {
    return `http://${urlHost(this.#host)}:${this.#port}`;
  }

  get authorizeBaseUrl(): string {
    return `http://${urlHost(this.#browserHost)}:${this.#port}`;
  }

  async start(): Promise<void> {
    this.#currentKey = await this.#newSigningKey();
    const server = createServer((req, res) => {
      this.#onRequest(req, res);
    });
    server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: this.#host, port: this.#requestedPort }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    if (address === null || typeof address === 'string') {
      server.close();
      throw new Error('The LINE emulator could not determine its port.');
    }
    this.#port = address.port;
    this.#server = server;
  }

  addChannel(channel: EmulatorChannel): void {
    if (channel.channelId === '' || channel.channelSecret === '') {
      throw new TypeError('An emulator channel needs a channelId and a channelSecret.');
    }
    for (const url of channel.callbackUrls) {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw new TypeError(`Callback URL ${JSON.stringify(url)} is not an absolute URL.`);
      }
      // RFC 6749 §3.1.2: a redirection endpoint must not include a fragment.
      if (parsed.hash !== '' || url.includes('#')) {
        throw new TypeError(`Callback URL ${JSON.stringify(url)} must not have a fragment.`);
      }
    }
    this.#channels.set(channel.channelId, { ...channel, callbackUrls: [...channel.callbackUrls] });
  }

  addUser(user: EmulatorUser): void {
    if (!USER_ID_PATTERN.test(user.userId)) {
      throw new TypeError(`userId ${JSON.stringify(user.userId)} is not 'U' followed by 32 lower-case hex digits.`);
    }
    this.#users.set(user.userId, { ...user, ...(user.friendOf === undefined ? {} : { friendOf: [...user.friendOf] }) });
  }

  setFault(endpoint: EmulatorEndpoint, fault: EmulatorFault, times?: number): void {
    if (times !== undefined && (!Number.isInteger(times) || times < 1)) {
      throw new RangeError('times must be a positive integer.');
    }
    if (fault.kind === 'denyConsent' && endpoint !== 'authorize') {
      throw new TypeError('The denyConsent fault applies to the authorize endpoint only.');
    }
    if (
      (fault.kind === 'status' || fault.kind === 'emptyBody') &&
      (!Number.isInteger(fault.status) || fault.status < 100 || fault.status > 599)
    ) {
      throw new RangeError(`Invalid fault status ${String(fault.status)}.`);
    }
    this.#faults.set(endpoint, { fault, remaining: times });
  }

  clearFaults(): void {
    this.#faults.clear();
  }

  async rotateSigningKey(): Promise<string> {
    const key = await this.#newSigningKey();
    this.#previousKey = this.#currentKey;
    this.#currentKey = key;
    return key.kid;
  }

  async signIdToken(
    channelId: string,
    claims: Record<string, unknown>,
    options: { alg?: 'HS256' | 'ES256'; kid?: string } = {},
  ): Promise<string> {
    const channel = this.#channels.get(channelId);
    if (channel === undefined) {
      throw new Error(`Unknown channel ${channelId}.`);
    }
    const iat = this.#nowSeconds();
    const payload: Record<string, unknown> = {
      iss: this.authorizeBaseUrl,
      aud: channelId,
      exp: iat + ID_TOKEN_LIFETIME_SECONDS,
      iat,
      amr: ['pwd'],
    };
    for (const [name, value] of Object.entries(claims)) {
      if (value === undefined) {
        // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- claims are caller-named by design
        delete payload[name];
      } else {
        payload[name] = value;
      }
    }
    return this.#sign(channel, payload, options.alg ?? channel.idTokenAlg ?? 'HS256', options.kid);
  }

  async issueTokensDirectly(
    channelId: string,
    userId: string,
    scopes: string[],
    nonce?: string,
  ): Promise<IssuedTokens> {
    const channel = this.#channels.get(channelId);
    if (channel === undefined) {
      throw new Error(`Unknown channel ${channelId}.`);
    }
    const user = this.#users.get(userId);
    if (user === undefined) {
      throw new Error(`Unknown user ${userId}.`);
    }
    const parsed = parseScopes(scopes.join(' '));
    if (parsed instanceof AuthorizeFailure) {
      throw new Error(`Invalid scopes: ${parsed.description}.`);
    }
    this.#recordConsent(channelId, userId, parsed);
    const { body } = await this.#issueTokens(channel, user, parsed, nonce, undefined);
    return body;
  }

  close(): Promise<void> {
    if (this.#closing !== undefined) {
      return this.#closing;
    }
    this.#closed = true;
    for (const release of this.#delays) {
      release();
    }
    this.#delays.clear();
    const server = this.#server;
    this.#closing =
      server === undefined
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            server.close(() => {
              resolve();
            });
            for (const socket of this.#sockets) {
              socket.destroy();
            }
          });
    return this.#closing;
  }

  // ------------------------------------------------------------------------------------------
  // Request plumbing.

  #onRequest(req: IncomingMessage, res: ServerResponse): void {
    this.#handle(req, res).catch((error: unknown) => {
      this.#log(`internal error: ${error instanceof Error ? error.name : 'unknown'}`);
      if (!res.headersSent && !res.destroyed) {
        this.#send(
          res,
          500,
          { 'content-type': 'application/json' },
          JSON.stringify({ message: 'Internal Server Error' }),
        );
      } else {
        res.destroy();
      }
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const requestId = randomBytes(16).toString('hex');
    res.setHeader('x-line-request-id', requestId);
    const rawUrl = req.url ?? '/';
    // A request target is origin-form; anything else (e.g. `//host/x`) just fails to route.
    const url = new URL(`http://emulator.invalid${rawUrl.startsWith('/') ? rawUrl : `/${rawUrl}`}`);
    const method = req.method ?? 'GET';
    // Filled in as the request is handled; read when the response has gone out.
    const outcome: { ctx?: Context; faultNote?: string } = {};
    res.on('finish', () => {
      const note = outcome.ctx?.note ?? outcome.faultNote;
      this.#log(
        `${method} ${url.pathname} ${res.statusCode} ${Date.now() - started}ms x-line-request-id=${requestId}${note === undefined ? '' : ` (${note})`}`,
      );
    });

    if (!this.#hostAllowed(req.headers.host)) {
      // DNS rebinding: a web page that re-points its own name at 127.0.0.1 must not drive the emulator.
      req.resume();
      this.#sendJson(res, 400, { message: 'Invalid Host header' });
      return;
    }
    const route = ROUTES.get(url.pathname);
    if (route === undefined) {
      req.resume();
      this.#sendJson(res, 404, { message: 'Not found' });
      return;
    }
    const endpoint = Object.hasOwn(route.methods, method) ? route.methods[method] : undefined;

    let body: Buffer;
    try {
      body = await readBody(req);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        this.#record(endpoint ?? route.label, req, url, parseParams(url.searchParams).values, {});
        res.setHeader('connection', 'close');
        this.#sendJson(res, 413, { message: 'Request Entity Too Large' });
        return;
      }
      throw error;
    }

    const query = parseParams(url.searchParams);
    let form: ParsedParams = { values: {}, duplicates: [] };
    let json: unknown = undefined;
    const type = mediaType(req);
    if (type === FORM) {
      form = parseParams(new URLSearchParams(body.toString('utf8')));
    } else if (type === 'application/json' && body.length > 0) {
      try {
        json = JSON.parse(body.toString('utf8')) as unknown;
      } catch {
        json = undefined;
      }
      if (typeof json === 'object' && json !== null && !Array.isArray(json)) {
        const scalars = Object.entries(json).filter(([, value]) =>
          ['string', 'number', 'boolean'].includes(typeof value),
        );
        form = { values: Object.fromEntries(scalars.map(([name, value]) => [name, String(value)])), duplicates: [] };
      }
    }
    this.#record(endpoint ?? route.label, req, url, query.values, form.values);

    if (endpoint === undefined) {
      res.setHeader('allow', Object.keys(route.methods).join(', '));
      this.#sendJson(res, 405, { message: 'Method Not Allowed' });
      return;
    }

    const ctx: Context = { req, res, url, endpoint, query, form, json, denyConsent: false, note: undefined };
    outcome.ctx = ctx;
    const fault = this.#takeFault(endpoint);
    if (fault !== undefined) {
      outcome.faultNote = `fault ${fault.kind}`;
      const handled = await this.#applyFault(ctx, fault);
      if (handled) {
        return;
      }
    }
    await this.#dispatch(ctx, url.pathname);
  }

  async #dispatch(ctx: Context, path: string): Promise<void> {
    switch (ctx.endpoint) {
      case 'authorize':
        if (path === '/oauth2/v2.1/authorize/consent') {
          this.#consent(ctx);
        } else {
          this.#authorize(ctx);
        }
        return;
      case 'token':
        await this.#token(ctx);
        return;
      case 'verify':
        this.#verifyAccessToken(ctx);
        return;
      case 'revoke':
        this.#revoke(ctx);
        return;
      case 'verifyIdToken':
        await this.#verifyIdToken(ctx);
        return;
      case 'userinfo':
        this.#userinfo(ctx);
        return;
      case 'profile':
        this.#profile(ctx);
        return;
      case 'friendship':
        this.#friendship(ctx);
        return;
      case 'deauthorize':
        await this.#deauthorize(ctx);
        return;
      case 'channelToken':
        await this.#channelToken(ctx);
        return;
      case 'certs':
        if (path === '/.well-known/openid-configuration') {
          this.#discovery(ctx);
        } else {
          this.#certs(ctx);
        }
        return;
    }
  }

  #hostAllowed(host: string | undefined): boolean {
    const match = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d+))?$/.exec(host ?? '');
    if (match === null) {
      return false;
    }
    const name = (match[1] ?? '').toLowerCase();
    const port = Number(match[2] ?? '80');
    if (port !== this.#port) {
      return false;
    }
    return (
      isLoopbackHost(name) ||
      name === urlHost(this.#host).toLowerCase() ||
      name === urlHost(this.#browserHost).toLowerCase()
    );
  }

  #record(
    endpoint: EmulatorEndpoint,
    req: IncomingMessage,
    url: URL,
    query: Record<string, string>,
    form: Record<string, string>,
  ): void {
    this.requests.push({
      endpoint,
      method: req.method ?? 'GET',
      path: url.pathname,
      query,
      form,
      headers: flattenHeaders(req),
      at: this.#now(),
    });
  }

  #takeFault(endpoint: EmulatorEndpoint): EmulatorFault | undefined {
    const entry = this.#faults.get(endpoint);
    if (entry === undefined) {
      return undefined;
    }
    if (entry.remaining !== undefined) {
      entry.remaining -= 1;
      if (entry.remaining <= 0) {
        this.#faults.delete(endpoint);
      }
    }
    return entry.fault;
  }

  /** Returns true when the fault answered the request (or dropped it). */
  async #applyFault(ctx: Context, fault: EmulatorFault): Promise<boolean> {
    const { res } = ctx;
    switch (fault.kind) {
      case 'denyConsent':
        ctx.denyConsent = true;
        return false;
      case 'slow':
        await this.#delay(fault.delayMs);
        return this.#closed || res.destroyed;
      case 'status': {
        const body = fault.body ?? JSON.stringify({ message: STATUS_CODES[fault.status] ?? 'Error' });
        let contentType = fault.contentType;
        if (contentType === undefined) {
          try {
            JSON.parse(body);
            contentType = 'application/json';
          } catch {
            contentType = 'text/plain; charset=utf-8';
          }
        }
        const headers: Record<string, string> = { 'content-type': contentType };
        if (fault.retryAfter !== undefined) {
          headers['retry-after'] = String(fault.retryAfter);
        }
        this.#send(res, fault.status, headers, body);
        return true;
      }
      case 'malformedJson':
        this.#send(
          res,
          200,
          { 'content-type': 'application/json' },
          '{"access_token":"bNl4YEFPI/hjFWhTqexp4MuEw5YPs","expires_in":2592',
        );
        return true;
      case 'html':
        res.removeHeader('x-line-request-id');
        this.#send(res, 502, { 'content-type': 'text/html' }, PROXY_ERROR_HTML);
        return true;
      case 'emptyBody':
        this.#send(
          res,
          fault.status,
          fault.status === 204 || fault.status === 304 ? {} : { 'content-type': 'application/json' },
          '',
        );
        return true;
      case 'destroySocket':
        this.#log(`${ctx.req.method ?? 'GET'} ${ctx.url.pathname} connection destroyed (fault destroySocket)`);
        ctx.req.socket.destroy();
        return true;
    }
  }

  #delay(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const release = (): void => {
        clearTimeout(timer);
        this.#delays.delete(release);
        resolve();
      };
      const timer = setTimeout(release, Math.max(0, ms));
      this.#delays.add(release);
    });
  }

  #send(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
    if (res.destroyed || res.headersSent) {
      return;
    }
    const bytes = Buffer.from(body, 'utf8');
    res.writeHead(status, { ...headers, 'content-length': String(bytes.length) });
    res.end(bytes);
  }

  #sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    this.#send(res, status, { 'content-type': 'application/json', ...headers }, JSON.stringify(body));
  }

  /** RFC 6749 §5.1: token responses (and their errors) must not be cached. */
  #sendOAuthJson(res: ServerResponse, status: number, body: unknown): void {
    this.#sendJson(res, status, body, { 'cache-control': 'no-store', pragma: 'no-cache' });
  }

  #oauthError(ctx: Context, failure: OAuthFailure): void {
    ctx.note = `${failure.error}: ${failure.description}`;
    this.#sendOAuthJson(ctx.res, 400, { error: failure.error, error_description: failure.description });
  }

  #sendPage(ctx: Context, status: number, page: Page, headers: Record<string, string> = {}): void {
    this.#send(
      ctx.res,
      status,
      {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': page.csp,
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        ...headers,
      },
      page.html,
    );
  }

  #log(line: string): void {
    this.#logSink?.(redactPatterns(line));
  }

  #nowSeconds(): number {
    return Math.floor(this.#now() / 1000);
  }

  // ------------------------------------------------------------------------------------------
  // Authorize (browser).

  #authorize(ctx: Context): void {
    const q = ctx.query.values;
    const clientId = field(q, 'client_id');
    const channel = clientId === undefined ? undefined : this.#channels.get(clientId);
    const redirectUri = field(q, 'redirect_uri');
    const ambiguous = ctx.query.duplicates.includes('client_id') || ctx.query.duplicates.includes('redirect_uri');
    if (channel === undefined || redirectUri === undefined || ambiguous || !callbackMatches(channel, redirectUri)) {
      // LINE never redirects to an unverified redirect_uri (RFC 6749 §4.1.2.1): its own 400 page instead.
      ctx.note = channel === undefined ? 'unknown client_id' : 'unregistered redirect_uri';
      this.#sendPage(ctx, 400, messagePage('400 Bad Request', INVALID_REDIRECT_URI_MESSAGE));
      return;
    }
    const state = field(q, 'state');
    const rawMode = field(q, 'response_mode');
    const mode: ResponseMode = rawMode === 'form_post' ? 'form_post' : 'query';
    const fail = (error: string, description: string): void => {
      ctx.note = `${error}: ${description}`;
      this.#respondToClient(ctx, redirectUri, mode, {
        error,
        error_description: description,
        ...(state === undefined ? {} : { state }),
      });
    };

    if (ctx.denyConsent) {
      fail('ACCESS_DENIED', 'The user has denied the approval.');
      return;
    }
    const request = this.#parseAuthorizeRequest(channel, redirectUri, mode, ctx);
    if (request instanceof AuthorizeFailure) {
      fail(request.error, request.description);
      return;
    }

    const autoUser = this.#autoApproveUser();
    if (autoUser instanceof AuthorizeFailure) {
      fail(autoUser.error, autoUser.description);
      return;
    }
    const sessionUser = this.#sessionUser(ctx.req);
    if (request.prompt === 'none') {
      const user = autoUser ?? sessionUser;
      if (user === undefined) {
        fail('LOGIN_REQUIRED', 'The user is not logged in.');
      } else if (!this.#hasConsent(request.channelId, user.userId, request.scopes)) {
        fail('INTERACTION_REQUIRED', 'The user has not consented to the requested scopes.');
      } else {
        this.#completeAuthorization(ctx, request, user, false);
      }
      return;
    }
    if (autoUser !== undefined) {
      this.#recordConsent(request.channelId, autoUser.userId, request.scopes);
      this.#completeAuthorization(ctx, request, autoUser, false);
      return;
    }
    const forceUi = request.prompt === 'consent' || request.prompt === 'login' || request.disableAutoLogin;
    if (
      sessionUser !== undefined &&
      !forceUi &&
      this.#hasConsent(request.channelId, sessionUser.userId, request.scopes)
    ) {
      ctx.note = 'existing consent';
      this.#completeAuthorization(ctx, request, sessionUser, false);
      return;
    }

    this.#prunePending();
    const pendingId = opaque(24);
    this.#pending.set(pendingId, { request, expiresAt: this.#now() + PENDING_LIFETIME_MS });
    const users = [...this.#users.values()];
    this.#sendPage(
      ctx,
      200,
      consentPage({
        pendingId,
        channelId: channel.channelId,
        channelName: channel.name ?? `Channel ${channel.channelId}`,
        scopes: request.scopes,
        redirectUri,
        users: users.map((user) => ({ userId: user.userId, displayName: user.displayName })),
        selectedUserId: sessionUser?.userId ?? users[0]?.userId,
        botPrompt: request.botPrompt !== undefined,
        japanese: /^ja\b/i.test(request.uiLocales ?? ''),
      }),
    );
  }

  #parseAuthorizeRequest(
    channel: EmulatorChannel,
    redirectUri: string,
    mode: ResponseMode,
    ctx: Context,
  ): AuthorizeRequest | AuthorizeFailure {
    const q = ctx.query.values;
    const duplicate = ctx.query.duplicates[0];
    if (duplicate !== undefined) {
      // RFC 6749 §3.1: parameters must not be included more than once.
      return new AuthorizeFailure('INVALID_REQUEST', `duplicate parameter: ${duplicate}`);
    }
    const rawMode = field(q, 'response_mode');
    if (rawMode !== undefined && rawMode !== 'query' && rawMode !== 'form_post') {
      const known = ['query.jwt', 'form_post.jwt', 'jwt'].includes(rawMode);
      return new AuthorizeFailure(
        'INVALID_REQUEST',
        known ? `response_mode ${rawMode} is not supported by the emulator` : 'invalid response_mode',
      );
    }
    const responseType = field(q, 'response_type');
    if (responseType === undefined || responseType === '') {
      return new AuthorizeFailure('INVALID_REQUEST', 'response_type is required');
    }
    if (responseType !== 'code') {
      return new AuthorizeFailure('UNSUPPORTED_RESPONSE_TYPE', 'response_type must be code');
    }
    const state = field(q, 'state');
    if (state === undefined || state === '') {
      return new AuthorizeFailure('INVALID_REQUEST', 'state is required');
    }
    const scopes = parseScopes(field(q, 'scope'));
    if (scopes instanceof AuthorizeFailure) {
      return scopes;
    }
    const prompt = field(q, 'prompt');
    if (prompt !== undefined && prompt !== 'consent' && prompt !== 'none' && prompt !== 'login') {
      return new AuthorizeFailure('INVALID_REQUEST', 'invalid prompt');
    }
    const rawMaxAge = field(q, 'max_age');
    if (rawMaxAge !== undefined && !/^\d{1,10}$/.test(rawMaxAge)) {
      return new AuthorizeFailure('INVALID_REQUEST', 'invalid max_age');
    }
    const botPrompt = field(q, 'bot_prompt');
    if (botPrompt !== undefined && botPrompt !== 'normal' && botPrompt !== 'aggressive') {
      return new AuthorizeFailure('INVALID_REQUEST', 'invalid bot_prompt');
    }
    const codeChallenge = field(q, 'code_challenge');
    const challengeMethod = field(q, 'code_challenge_method');
    if (codeChallenge !== undefined || challengeMethod !== undefined) {
      // LINE supports S256 only, so the RFC 7636 default (`plain`) is not available either.
      if (challengeMethod !== 'S256') {
        return new AuthorizeFailure('INVALID_REQUEST', 'code_challenge_method must be S256');
      }
      if (codeChallenge === undefined || !PKCE_PATTERN.test(codeChallenge)) {
        return new AuthorizeFailure('INVALID_REQUEST', 'invalid code_challenge');
      }
    }
    return {
      channelId: channel.channelId,
      redirectUri,
      state,
      scopes,
      nonce: field(q, 'nonce'),
      prompt,
      maxAge: rawMaxAge === undefined ? undefined : Number(rawMaxAge),
      botPrompt,
      codeChallenge,
      responseMode: mode,
      uiLocales: field(q, 'ui_locales'),
      disableAutoLogin: field(q, 'disable_auto_login') === 'true',
      params: { ...q },
    };
  }

  #consent(ctx: Context): void {
    if (mediaType(ctx.req) !== FORM) {
      this.#sendPage(
        ctx,
        400,
        messagePage('400 Bad Request', 'The consent form must be posted as application/x-www-form-urlencoded.'),
      );
      return;
    }
    const form = ctx.form.values;
    const pendingId = field(form, 'pending');
    const pending = pendingId === undefined ? undefined : this.#pending.get(pendingId);
    if (pendingId === undefined || pending === undefined || pending.expiresAt <= this.#now()) {
      if (pendingId !== undefined) {
        this.#pending.delete(pendingId);
      }
      ctx.note = 'unknown or expired consent request';
      this.#sendPage(
        ctx,
        400,
        messagePage(
          '400 Bad Request',
          'This login request has expired or was already answered. Start the login again from the app.',
        ),
      );
      return;
    }
    // Single use: a replayed form post must not mint a second code.
    this.#pending.delete(pendingId);
    const { request } = pending;
    const action = field(form, 'action');
    if (ctx.denyConsent || action === 'cancel') {
      ctx.note = 'consent cancelled';
      this.#respondToClient(ctx, request.redirectUri, request.responseMode, {
        error: 'ACCESS_DENIED',
        error_description: 'The user has denied the approval.',
        state: request.state,
      });
      return;
    }
    const user = this.#users.get(field(form, 'user') ?? '');
    if (action !== 'allow' || user === undefined) {
      this.#sendPage(
        ctx,
        400,
        messagePage('400 Bad Request', action === 'allow' ? 'Unknown user.' : 'Unknown action.'),
      );
      return;
    }
    let friendshipChanged = false;
    if (request.botPrompt !== undefined && field(form, 'add_friend') === 'true') {
      const friendOf = user.friendOf ?? [];
      if (!friendOf.includes(request.channelId)) {
        user.friendOf = [...friendOf, request.channelId];
        friendshipChanged = true;
      }
    }
    this.#recordConsent(request.channelId, user.userId, request.scopes);
    const session = opaque(32);
    this.#sessions.set(session, user.userId);
    ctx.res.setHeader('set-cookie', `${SESSION_COOKIE}=${session}; Path=/; HttpOnly; SameSite=Lax`);
    this.#completeAuthorization(ctx, request, user, friendshipChanged);
  }

  #autoApproveUser(): EmulatorUser | undefined | AuthorizeFailure {
    if (this.#autoApprove === false) {
      return undefined;
    }
    const user = this.#autoApprove === true ? this.#users.values().next().value : this.#users.get(this.#autoApprove);
    return user ?? new AuthorizeFailure('SERVER_ERROR', 'emulator: the autoApprove user is not configured');
  }

  #sessionUser(req: IncomingMessage): EmulatorUser | undefined {
    const session = parseCookies(req.headers.cookie).get(SESSION_COOKIE);
    const userId = session === undefined ? undefined : this.#sessions.get(session);
    return userId === undefined ? undefined : this.#users.get(userId);
  }

  #recordConsent(channelId: string, userId: string, scopes: readonly Scope[]): void {
    const key = `${channelId}\n${userId}`;
    const granted = this.#consents.get(key) ?? new Set<Scope>();
    for (const scope of scopes) {
      granted.add(scope);
    }
    this.#consents.set(key, granted);
  }

  #hasConsent(channelId: string, userId: string, scopes: readonly Scope[]): boolean {
    const granted = this.#consents.get(`${channelId}\n${userId}`);
    return granted !== undefined && scopes.every((scope) => granted.has(scope));
  }

  #prunePending(): void {
    const now = this.#now();
    for (const [id, pending] of this.#pending) {
      if (pending.expiresAt <= now) {
        this.#pending.delete(id);
      }
    }
  }

  #completeAuthorization(
    ctx: Context,
    request: AuthorizeRequest,
    user: EmulatorUser,
    friendshipChanged: boolean,
  ): void {
    const now = this.#now();
    const code = opaque(16);
    this.#codes.set(code, {
      request,
      userId: user.userId,
      authTime: now,
      expiresAt: now + this.#codeLifetimeMs,
      used: false,
      grant: undefined,
    });
    const params: Record<string, string> = { code, state: request.state };
    if (request.botPrompt !== undefined) {
      params['friendship_status_changed'] = String(friendshipChanged);
    }
    this.#respondToClient(ctx, request.redirectUri, request.responseMode, params);
  }

  #respondToClient(ctx: Context, redirectUri: string, mode: ResponseMode, params: Record<string, string>): void {
    if (mode === 'form_post') {
      this.#sendPage(ctx, 200, formPostPage(redirectUri, params));
      return;
    }
    this.#send(
      ctx.res,
      302,
      { location: appendQuery(redirectUri, params), 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' },
      '',
    );
  }

  // ------------------------------------------------------------------------------------------
  // Token endpoint.

  #requireForm(ctx: Context): boolean {
    if (mediaType(ctx.req) !== FORM) {
      this.#oauthError(ctx, new OAuthFailure('invalid_request', `Content-Type must be ${FORM}`));
      return false;
    }
    const duplicate = ctx.form.duplicates[0];
    if (duplicate !== undefined) {
      // RFC 6749 §3.2: parameters must not be included more than once.
      this.#oauthError(ctx, new OAuthFailure('invalid_request', `duplicate parameter: ${duplicate}`));
      return false;
    }
    return true;
  }

  /** `secret: 'required'` for the code exchange; LINE ignores or checks it elsewhere, so only a sent one is checked. */
  #authenticateClient(form: Record<string, string>, secret: 'required' | 'ifSent'): EmulatorChannel | OAuthFailure {
    const clientId = field(form, 'client_id');
    if (clientId === undefined || clientId === '') {
      return new OAuthFailure('invalid_request', 'client_id is required');
    }
    const channel = this.#channels.get(clientId);
    if (channel === undefined) {
      return new OAuthFailure('invalid_client', 'invalid client_id');
    }
    const sent = field(form, 'client_secret');
    if (sent === undefined ? secret === 'required' : !constantTimeEqual(sent, channel.channelSecret)) {
      return new OAuthFailure('invalid_client', 'invalid client_secret');
    }
    return channel;
  }

  async #token(ctx: Context): Promise<void> {
    if (!this.#requireForm(ctx)) {
      return;
    }
    const grantType = field(ctx.form.values, 'grant_type');
    if (grantType === 'authorization_code') {
      await this.#exchangeCode(ctx);
    } else if (grantType === 'refresh_token') {
      this.#refresh(ctx);
    } else if (grantType === undefined || grantType === '') {
      this.#oauthError(ctx, new OAuthFailure('invalid_request', 'grant_type is required'));
    } else {
      this.#oauthError(ctx, new OAuthFailure('unsupported_grant_type', 'unsupported grant_type'));
    }
  }

  async #exchangeCode(ctx: Context): Promise<void> {
    const form = ctx.form.values;
    const channel = this.#authenticateClient(form, 'required');
    if (channel instanceof OAuthFailure) {
      this.#oauthError(ctx, channel);
      return;
    }
    const code = field(form, 'code');
    const redirectUri = field(form, 'redirect_uri');
    if (code === undefined || code === '') {
      this.#oauthError(ctx, new OAuthFailure('invalid_request', 'code is required'));
      return;
    }
    if (redirectUri === undefined) {
      this.#oauthError(ctx, new OAuthFailure('invalid_request', 'redirect_uri is required'));
      return;
    }
    const record = this.#codes.get(code);
    const invalidCode = new OAuthFailure('invalid_grant', 'invalid authorization code');
    if (record === undefined || record.request.channelId !== channel.channelId) {
      this.#oauthError(ctx, invalidCode);
      return;
    }
    if (record.used) {
      // RFC 6749 §4.1.2: a reused code should revoke the tokens already issued from it.
      if (record.grant !== undefined) {
        record.grant.revoked = true;
      }
      this.#oauthError(ctx, invalidCode);
      ctx.note = 'invalid_grant: authorization code reused; tokens issued from it revoked';
      return;
    }
    if (this.#now() >= record.expiresAt) {
      this.#codes.delete(code);
      this.#oauthError(ctx, invalidCode);
      ctx.note = 'invalid_grant: authorization code expired';
      return;
    }
    record.used = true;
    // RFC 6749 §4.1.3: the same redirect_uri, compared as a string.
    if (redirectUri !== record.request.redirectUri) {
      this.#oauthError(ctx, new OAuthFailure('invalid_grant', 'redirect_uri does not match'));
      return;
    }
    if (record.request.codeChallenge !== undefined) {
      const verifier = field(form, 'code_verifier');
      // RFC 7636 §4.6: S256, and a verifier is mandatory once a challenge was sent.
      if (verifier === undefined || !PKCE_PATTERN.test(verifier) || s256(verifier) !== record.request.codeChallenge) {
        this.#oauthError(ctx, new OAuthFailure('invalid_grant', 'invalid code_verifier'));
        return;
      }
    }
    const user = this.#users.get(record.userId);
    if (user === undefined) {
      this.#oauthError(ctx, invalidCode);
      return;
    }
    const authTime = record.request.maxAge === undefined ? undefined : Math.floor(record.authTime / 1000);
    const issued = await this.#issueTokens(channel, user, record.request.scopes, record.request.nonce, authTime);
    record.grant = issued.grant;
    this.#sendOAuthJson(ctx.res, 200, issued.body);
  }

  async #issueTokens(
    channel: EmulatorChannel,
    user: EmulatorUser,
    scopes: Scope[],
    nonce: string | undefined,
    authTime: number | undefined,
  ): Promise<{ grant: Grant; body: IssuedTokens }> {
    const now = this.#now();
    const grant: Grant = {
      channelId: channel.channelId,
      userId: user.userId,
      scopes,
      originalIssuedAt: now,
      revoked: false,
    };
    this.#grants.add(grant);
    const { accessToken, refreshToken } = this.#mintTokenPair(grant, now + this.#refreshTokenLifetimeMs);
    let idToken: string | undefined;
    if (scopes.includes('openid')) {
      idToken = await this.#mintIdToken(channel, user, scopes, nonce, authTime);
    }
    // Field order as in LINE's reference response.
    const body: IssuedTokens = {
      access_token: accessToken,
      expires_in: this.#accessTokenLifetimeSeconds,
      ...(idToken === undefined ? {} : { id_token: idToken }),
      refresh_token: refreshToken,
      scope: scopeString(scopes),
      token_type: 'Bearer',
    };
    return { grant, body };
  }

  #mintTokenPair(grant: Grant, refreshExpiresAt: number): { accessToken: string; refreshToken: string } {
    const accessToken = accessTokenValue();
    this.#accessTokens.set(accessToken, {
      grant,
      expiresAt: this.#now() + this.#accessTokenLifetimeSeconds * 1000,
      revoked: false,
    });
    const refreshToken = opaque(24);
    this.#refreshTokens.set(refreshToken, { grant, expiresAt: refreshExpiresAt, revoked: false, accessToken });
    return { accessToken, refreshToken };
  }

  async #mintIdToken(
    channel: EmulatorChannel,
    user: EmulatorUser,
    scopes: Scope[],
    nonce: string | undefined,
    authTime: number | undefined,
  ): Promise<string> {
    const iat = this.#nowSeconds();
    // Claim order as LINE's verify endpoint shows them.
    const payload: JWTPayload = {
      iss: this.authorizeBaseUrl,
      sub: user.userId,
      aud: channel.channelId,
      exp: iat + ID_TOKEN_LIFETIME_SECONDS,
      iat,
      ...(authTime === undefined ? {} : { auth_time: authTime }),
      ...(nonce === undefined ? {} : { nonce }),
      amr: ['pwd'],
      ...(scopes.includes('profile')
        ? { name: user.displayName, ...(user.pictureUrl === undefined ? {} : { picture: user.pictureUrl }) }
        : {}),
      ...(scopes.includes('email') && user.email !== undefined ? { email: user.email } : {}),
    };
    return this.#sign(channel, payload, channel.idTokenAlg ?? 'HS256', undefined);
  }

  async #sign(
    channel: EmulatorChannel,
    payload: JWTPayload,
    alg: 'HS256' | 'ES256',
    kid: string | undefined,
  ): Promise<string> {
    const header: JWTHeaderParameters = { typ: 'JWT', alg };
    if (alg === 'HS256') {
      // LINE web login: HMAC with the channel secret's UTF-8 bytes, no kid.
      if (kid !== undefined) {
        header.kid = kid;
      }
      return new SignJWT(payload).setProtectedHeader(header).sign(Buffer.from(channel.channelSecret, 'utf8'));
    }
    const current = this.#signingKey();
    const key = kid !== undefined && this.#previousKey?.kid === kid ? this.#previousKey : current;
    header.kid = kid ?? key.kid;
    return new SignJWT(payload).setProtectedHeader(header).sign(key.privateKey);
  }

  #refresh(ctx: Context): void {
    const form = ctx.form.values;
    const channel = this.#authenticateClient(form, 'ifSent');
    if (channel instanceof OAuthFailure) {
      this.#oauthError(ctx, channel);
      return;
    }
    const refreshToken = field(form, 'refresh_token');
    if (refreshToken === undefined || refreshToken === '') {
      this.#oauthError(ctx, new OAuthFailure('invalid_request', 'refresh_token is required'));
      return;
    }
    const record = this.#refreshTokens.get(refreshToken);
    if (
      record === undefined ||
      record.revoked ||
      record.grant.revoked ||
      record.grant.channelId !== channel.channelId ||
      this.#now() >= record.expiresAt
    ) {
      this.#oauthError(ctx, new OAuthFailure('invalid_grant', 'invalid refresh token'));
      return;
    }
    // Rotation: the old refresh token and the access token it came with both stop working.
    record.revoked = true;
    const oldAccess = this.#accessTokens.get(record.accessToken);
    if (oldAccess !== undefined) {
      oldAccess.revoked = true;
    }
    const { accessToken, refreshToken: newRefreshToken } = this.#mintTokenPair(record.grant, record.expiresAt);
    // LINE's refresh response: no id_token (the client keeps the one from sign-in).
    this.#sendOAuthJson(ctx.res, 200, {
      access_token: accessToken,
      token_type: 'Bearer',
      refresh_token: newRefreshToken,
      expires_in: this.#accessTokenLifetimeSeconds,
      scope: scopeString(record.grant.scopes),
    });
  }

  // ------------------------------------------------------------------------------------------
  // Verify, revoke.

  /** A live access token, `'expired'`, or undefined for unknown/revoked. */
  #lookupAccessToken(token: string | undefined): AccessTokenRecord | 'expired' | undefined {
    const record = token === undefined ? undefined : this.#accessTokens.get(token);
    if (record === undefined || record.revoked || record.grant.revoked) {
      return undefined;
    }
    return this.#secondsLeft(record) <= 0 ? 'expired' : record;
  }

  #secondsLeft(record: AccessTokenRecord): number {
    return Math.floor((record.expiresAt - this.#now()) / 1000);
  }

  #verifyAccessToken(ctx: Context): void {
    const token = field(ctx.query.values, 'access_token');
    if (token === undefined || token === '') {
      this.#oauthError(ctx, new OAuthFailure('invalid_request', 'access_token is required'));
      return;
    }
    const record = this.#lookupAccessToken(token);
    if (record === undefined) {
      this.#oauthError(ctx, new OAuthFailure('invalid_request', 'access token invalid'));
      return;
    }
    if (record === 'expired') {
      this.#oauthError(ctx, new OAuthFailure('invalid_request', 'access token expired'));
      return;
    }
    this.#sendJson(ctx.res, 200, {
      scope: scopeString(record.grant.scopes),
      client_id: record.grant.channelId,
      expires_in: this.#secondsLeft(record),
    });
  }

  #revoke(ctx: Context): void {
    if (!this.#requireForm(ctx)) {
      return;
    }
    const form = ctx.form.values;
    const channel = this.#authenticateClient(form, 'ifSent');
    if (channel instanceof OAuthFailure) {
      this.#oauthError(ctx, channel);
      return;
    }
    const token = field(form, 'access_token');
    if (token === undefined || token === '') {
      this.#oauthError(ctx, new OAuthFailure('invalid_request', 'access_token is required'));
      return;
    }
    const record = this.#accessTokens.get(token);
    // Another channel's token is left alone, but the answer is the same: LINE returns an empty 200 for
    // tokens it does not know, so the response reveals nothing.
    if (record !== undefined && record.grant.channelId === channel.channelId) {
      record.grant.revoked = true;
    }
    this.#send(ctx.res, 200, {}, '');
  }

  async #verifyIdToken(ctx: Context): Promise<void> {
    if (!this.#requireForm(ctx)) {
      return;
    }
    const form = ctx.form.values;
    const idToken = field(form, 'id_token');
    const clientId = field(form, 'client_id');
    const fail = (description: string): void => {
      this.#oauthError(ctx, new OAuthFailure('invalid_request', description));
    };
    if (clientId === undefined || clientId === '') {
      fail('client_id is required');
      return;
    }
    if (idToken === undefined || idToken === '') {
      fail('Invalid IdToken.');
      return;
    }
    const verified = await this.#verifySignature(idToken, clientId);
    if (verified === undefined) {
      fail('Invalid IdToken.');
      return;
    }
    const { payload, expired } = verified;
    if (payload.iss !== this.authorizeBaseUrl) {
      fail('Invalid IdToken Issuer.');
      return;
    }
    if (expired) {
      fail('IdToken expired.');
      return;
    }
    const audience = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (!audience.includes(clientId)) {
      fail('Invalid IdToken Audience.');
      return;
    }
    const nonce = field(form, 'nonce');
    if (nonce !== undefined && payload['nonce'] !== nonce) {
      fail('Invalid IdToken Nonce.');
      return;
    }
    const userId = field(form, 'user_id');
    if (userId !== undefined && payload.sub !== userId) {
      fail('Invalid IdToken Subject Identifier.');
      return;
    }
    this.#sendJson(ctx.res, 200, payload);
  }

  /**
   * The signature check behind POST /oauth2/v2.1/verify. The key comes from the algorithm LINE uses
   * for each token source (HS256: the channel secret; ES256: the emulator's keys by kid), and only
   * those two algorithms are accepted, so `alg: none` or a confused key type never verifies.
   */
  async #verifySignature(
    idToken: string,
    clientId: string,
  ): Promise<{ payload: JWTPayload; expired: boolean } | undefined> {
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(idToken);
    } catch {
      return undefined;
    }
    let key: Buffer | SigningKey['publicKey'];
    if (header.alg === 'HS256') {
      // The secret of the channel the token names, so a token sent with the wrong client_id is
      // reported as an audience mismatch rather than a bad signature.
      const channel = this.#channelOfUnverifiedAudience(idToken) ?? this.#channels.get(clientId);
      if (channel === undefined) {
        return undefined;
      }
      key = Buffer.from(channel.channelSecret, 'utf8');
    } else if (header.alg === 'ES256') {
      const signingKey = [this.#currentKey, this.#previousKey].find(
        (candidate) => candidate !== undefined && candidate.kid === header.kid,
      );
      if (signingKey === undefined) {
        return undefined;
      }
      key = signingKey.publicKey;
    } else {
      return undefined;
    }
    try {
      const { payload } = await jwtVerify(idToken, key, {
        algorithms: [header.alg],
        currentDate: new Date(this.#now()),
      });
      return { payload, expired: false };
    } catch (error) {
      // jose checks the signature before the claims, so an expired token here is authentic.
      if (error instanceof joseErrors.JWTExpired) {
        return { payload: error.payload, expired: true };
      }
      return undefined;
    }
  }

  #channelOfUnverifiedAudience(idToken: string): EmulatorChannel | undefined {
    const part = idToken.split('.')[1];
    if (part === undefined) {
      return undefined;
    }
    try {
      const claims = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
      if (typeof claims === 'object' && claims !== null && 'aud' in claims && typeof claims.aud === 'string') {
        return this.#channels.get(claims.aud);
      }
    } catch {
      return undefined;
    }
    return undefined;
  }

  // ------------------------------------------------------------------------------------------
  // Bearer endpoints.

  /** The user and grant behind `Authorization: Bearer`, or undefined after answering 401/403. */
  #bearer(ctx: Context, scope: Scope): { user: EmulatorUser; grant: Grant } | undefined {
    const token = bearerToken(ctx.req);
    const record = this.#lookupAccessToken(token);
    if (token === undefined || record === undefined || record === 'expired') {
      // RFC 6750 §3: no error code when the request carried no credentials at all.
      const challenge = token === undefined ? 'Bearer' : 'Bearer error="invalid_token"';
      ctx.note =
        token === undefined
          ? 'no bearer token'
          : record === 'expired'
            ? 'access token expired'
            : 'access token invalid';
      this.#sendJson(
        ctx.res,
        401,
        { message: record === 'expired' ? 'The access token expired' : AUTH_FAILED_MESSAGE },
        { 'www-authenticate': challenge },
      );
      return undefined;
    }
    const user = this.#users.get(record.grant.userId);
    if (user === undefined) {
      this.#sendJson(
        ctx.res,
        401,
        { message: AUTH_FAILED_MESSAGE },
        { 'www-authenticate': 'Bearer error="invalid_token"' },
      );
      return undefined;
    }
    if (!record.grant.scopes.includes(scope)) {
      ctx.note = `missing scope ${scope}`;
      this.#sendJson(
        ctx.res,
        403,
        { message: `The access token does not have the required scope (${scope}).` },
        { 'www-authenticate': `Bearer error="insufficient_scope", scope="${scope}"` },
      );
      return undefined;
    }
    return { user, grant: record.grant };
  }

  #userinfo(ctx: Context): void {
    const auth = this.#bearer(ctx, 'openid');
    if (auth === undefined) {
      return;
    }
    const { user, grant } = auth;
    const profile = grant.scopes.includes('profile');
    this.#sendJson(ctx.res, 200, {
      sub: user.userId,
      ...(profile ? { name: user.displayName } : {}),
      ...(profile && user.pictureUrl !== undefined ? { picture: user.pictureUrl } : {}),
    });
  }

  #profile(ctx: Context): void {
    const auth = this.#bearer(ctx, 'profile');
    if (auth === undefined) {
      return;
    }
    const { user } = auth;
    this.#sendJson(ctx.res, 200, {
      userId: user.userId,
      displayName: user.displayName,
      ...(user.pictureUrl === undefined ? {} : { pictureUrl: user.pictureUrl }),
      ...(user.statusMessage === undefined ? {} : { statusMessage: user.statusMessage }),
    });
  }

  #friendship(ctx: Context): void {
    const auth = this.#bearer(ctx, 'profile');
    if (auth === undefined) {
      return;
    }
    this.#sendJson(ctx.res, 200, { friendFlag: (auth.user.friendOf ?? []).includes(auth.grant.channelId) });
  }

  // ------------------------------------------------------------------------------------------
  // Channel access token, deauthorize.

  async #channelToken(ctx: Context): Promise<void> {
    if (!this.#requireForm(ctx)) {
      return;
    }
    const form = ctx.form.values;
    const grantType = field(form, 'grant_type');
    if (grantType === undefined || grantType === '') {
      this.#oauthError(ctx, new OAuthFailure('invalid_request', 'grant_type is required'));
      return;
    }
    if (grantType !== 'client_credentials') {
      this.#oauthError(ctx, new OAuthFailure('unsupported_grant_type', 'unsupported grant_type'));
      return;
    }
    const channel = this.#authenticateClient(form, 'required');
    if (channel instanceof OAuthFailure) {
      this.#oauthError(ctx, channel);
      return;
    }
    const iat = this.#nowSeconds();
    // Stateless: everything needed to check it later is inside the signed token.
    const token = await new SignJWT({ chn: channel.channelId })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuedAt(iat)
      .setExpirationTime(iat + STATELESS_CHANNEL_TOKEN_LIFETIME_SECONDS)
      .setJti(opaque(12))
      .sign(this.#channelTokenKey);
    this.#sendOAuthJson(ctx.res, 200, {
      token_type: 'Bearer',
      access_token: token,
      expires_in: STATELESS_CHANNEL_TOKEN_LIFETIME_SECONDS,
    });
  }

  async #channelOfChannelToken(token: string): Promise<string | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.#channelTokenKey, {
        algorithms: ['HS256'],
        currentDate: new Date(this.#now()),
      });
      const channelId = payload['chn'];
      return typeof channelId === 'string' && this.#channels.has(channelId) ? channelId : undefined;
    } catch {
      return undefined;
    }
  }

  async #deauthorize(ctx: Context): Promise<void> {
    const token = bearerToken(ctx.req);
    const channelId = token === undefined ? undefined : await this.#channelOfChannelToken(token);
    if (channelId === undefined) {
      ctx.note = 'channel access token invalid';
      this.#sendJson(
        ctx.res,
        401,
        { message: AUTH_FAILED_MESSAGE },
        { 'www-authenticate': token === undefined ? 'Bearer' : 'Bearer error="invalid_token"' },
      );
      return;
    }
    if (mediaType(ctx.req) !== 'application/json') {
      this.#sendJson(ctx.res, 400, { message: 'Content-Type must be application/json' });
      return;
    }
    const body = ctx.json;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      this.#sendJson(ctx.res, 400, { message: 'The request body could not be parsed as JSON' });
      return;
    }
    const userAccessToken = 'userAccessToken' in body ? body.userAccessToken : undefined;
    if (typeof userAccessToken !== 'string' || userAccessToken === '') {
      this.#sendJson(ctx.res, 400, {
        message: 'The request body has 1 error(s)',
        details: [{ message: 'must be specified', property: 'userAccessToken' }],
      });
      return;
    }
    const record = this.#lookupAccessToken(userAccessToken);
    if (record === undefined || record === 'expired' || record.grant.channelId !== channelId) {
      ctx.note = 'user access token invalid';
      this.#sendJson(ctx.res, 400, { message: 'invalid token' });
      return;
    }
    const { userId } = record.grant;
    for (const grant of this.#grants) {
      if (grant.channelId === channelId && grant.userId === userId) {
        grant.revoked = true;
      }
    }
    // The app no longer holds the user's permission: the next login asks again.
    this.#consents.delete(`${channelId}\n${userId}`);
    this.#send(ctx.res, 204, {}, '');
  }

  // ------------------------------------------------------------------------------------------
  // Keys and discovery.

  async #newSigningKey(): Promise<SigningKey> {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const kid = randomBytes(16).toString('hex');
    const { crv, x, y } = await exportJWK(publicKey);
    if (crv === undefined || x === undefined || y === undefined) {
      throw new Error('Could not export the ES256 public key.');
    }
    return { kid, privateKey, publicKey, jwk: { kty: 'EC', alg: 'ES256', use: 'sig', kid, crv, x, y } };
  }

  #signingKey(): SigningKey {
    if (this.#currentKey === undefined) {
      throw new Error('The LINE emulator has not been started.');
    }
    return this.#currentKey;
  }

  #certs(ctx: Context): void {
    this.#sendJson(ctx.res, 200, { keys: [this.#signingKey().jwk] });
  }

  /** LINE's published discovery document, with this server's URLs. */
  #discovery(ctx: Context): void {
    const api = this.apiBaseUrl;
    this.#sendJson(ctx.res, 200, {
      issuer: this.authorizeBaseUrl,
      authorization_endpoint: `${this.authorizeBaseUrl}/oauth2/v2.1/authorize`,
      token_endpoint: `${api}/oauth2/v2.1/token`,
      revocation_endpoint: `${api}/oauth2/v2.1/revoke`,
      userinfo_endpoint: `${api}/oauth2/v2.1/userinfo`,
      scopes_supported: ['openid', 'profile', 'email'],
      jwks_uri: `${api}/oauth2/v2.1/certs`,
      response_types_supported: ['code'],
      subject_types_supported: ['pairwise'],
      // As LINE publishes it: ES256 only, although web-login ID tokens are HS256 (a known pitfall).
      id_token_signing_alg_values_supported: ['ES256'],
      code_challenge_methods_supported: ['S256'],
    });
  }
}
