/**
 * The checks the Inspector applies to each step, computed at capture while the attempt's secrets
 * (state, nonce) are still in memory; only the verdicts reach the trace. Each check names the rule
 * it applies. Values quoted from LINE are data and stay plain text.
 */
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { constantTimeEqual } from '../constantTime';
import { DEFAULT_CLOCK_TOLERANCE_SECONDS } from '../idToken';
import { isLoopbackHost } from '../loopback';
import { CITE } from './citations';
import type { Check, Citation, StepName, Verdict } from './model';

/** What the recorder knows about a sign-in attempt; secrets here never leave memory. */
export interface SignInContext {
  channelId: string;
  redirectUri: string;
  scopes: string[];
  state: string;
  nonce?: string;
  /** The authorize URL's origin: LINE's `iss` (or the emulator's). */
  issuer: string;
  prompt?: string;
  botPrompt?: string;
}

/** LINE's access tokens live 30 days (LINE: Managing access tokens). */
export const LINE_ACCESS_TOKEN_LIFETIME_SECONDS = 30 * 24 * 60 * 60;

function check(id: string, verdict: Verdict, explanation: string, citation: Citation): Check {
  return { id, verdict, explanation, citation };
}

export function authorizeChecks(params: URLSearchParams): Check[] {
  const checks: Check[] = [];
  const responseType = params.get('response_type');
  checks.push(
    check(
      'authorize.response_type',
      responseType === 'code' ? 'pass' : 'fail',
      responseType === 'code'
        ? 'response_type=code: the authorization code flow.'
        : 'LINE Login needs response_type=code.',
      CITE.authorizeRequest,
    ),
  );
  const scopes = (params.get('scope') ?? '').split(' ').filter((s) => s !== '');
  const unknown = scopes.filter((s) => !['profile', 'openid', 'email'].includes(s));
  let scopeVerdict: Verdict = 'pass';
  let scopeText = `Scopes requested: ${scopes.join(' ')}.`;
  if (unknown.length > 0 || (!scopes.includes('profile') && !scopes.includes('openid'))) {
    scopeVerdict = 'fail';
    scopeText = 'LINE accepts profile, openid and email, with profile or openid required.';
  } else if (scopes.includes('email') && !scopes.includes('openid')) {
    scopeVerdict = 'fail';
    scopeText = 'email needs openid: the address arrives only in the ID token.';
  } else if (!scopes.includes('openid')) {
    scopeVerdict = 'warn';
    scopeText = 'No openid scope: no ID token, so the user is known only through the profile API.';
  }
  checks.push(check('authorize.scope', scopeVerdict, scopeText, CITE.authorizeRequest));
  const state = params.get('state') ?? '';
  checks.push(
    check(
      'authorize.state',
      state.length >= 32 ? 'pass' : 'fail',
      state.length >= 32
        ? 'A fresh random state binds the callback to this attempt (CSRF protection).'
        : 'The state is missing or too short to resist guessing.',
      CITE.rfc9700Csrf,
    ),
  );
  const nonce = params.get('nonce');
  checks.push(
    check(
      'authorize.nonce',
      nonce !== null && nonce.length >= 32 ? 'pass' : scopes.includes('openid') ? 'warn' : 'n/a',
      nonce !== null
        ? 'A nonce ties the ID token to this attempt (replay protection).'
        : 'No nonce: a replayed ID token would not be noticed.',
      CITE.oidcAuthRequest,
    ),
  );
  const method = params.get('code_challenge_method');
  const challenge = params.get('code_challenge') ?? '';
  const pkceOk = method === 'S256' && /^[A-Za-z0-9_-]{43}$/.test(challenge);
  checks.push(
    check(
      'authorize.pkce',
      pkceOk ? 'pass' : method === null ? 'warn' : 'fail',
      pkceOk
        ? 'PKCE with S256, as LINE supports and RFC 9700 asks of every client.'
        : method === null
          ? 'No PKCE: a stolen authorization code could be redeemed.'
          : 'LINE supports only code_challenge_method=S256 with a 43-character challenge.',
      pkceOk || method === null ? CITE.rfc9700Pkce : CITE.rfc7636Challenge,
    ),
  );
  checks.push(redirectUriCheck(params.get('redirect_uri') ?? ''));
  return checks;
}

function redirectUriCheck(redirectUri: string): Check {
  let url: URL;
  try {
    url = new URL(redirectUri);
  } catch {
    return check('authorize.redirect_uri', 'fail', 'The redirect_uri is not an absolute URL.', CITE.callbackUrl);
  }
  if (url.protocol === 'https:') {
    return check(
      'authorize.redirect_uri',
      'pass',
      'An https callback URL; LINE compares it exactly.',
      CITE.callbackUrl,
    );
  }
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname) && url.port !== '') {
    return check(
      'authorize.redirect_uri',
      'pass',
      'A loopback callback URL with a fixed port: LINE compares it character for character, so the port cannot change.',
      CITE.rfc8252Loopback,
    );
  }
  return check(
    'authorize.redirect_uri',
    'warn',
    'An http callback URL that is not loopback with a fixed port: the code travels unencrypted.',
    CITE.rfc9700RedirectUri,
  );
}

export type CallbackResult =
  | { ok: true; stateMatched: true; friendshipStatusChanged?: boolean }
  | { ok: false; errorCode: string; lineError?: string; lineErrorDescription?: string };

export function callbackChecks(result: CallbackResult, ctx: SignInContext): Check[] {
  const checks: Check[] = [];
  if (result.ok) {
    checks.push(
      check(
        'callback.state',
        'pass',
        'The returned state equals the one sent (compared in constant time).',
        CITE.rfc6749Csrf,
      ),
    );
    checks.push(check('callback.code', 'pass', 'An authorization code arrived.', CITE.receivingCode));
  } else if (result.errorCode === 'ERR_STATE_MISMATCH' || result.errorCode === 'ERR_STATE_MISSING') {
    checks.push(
      check(
        'callback.state',
        'fail',
        result.errorCode === 'ERR_STATE_MISSING'
          ? 'The callback carried no state, so it cannot belong to this attempt.'
          : 'The returned state is not the one this attempt sent: an old tab, another attempt, or a forged request.',
        CITE.rfc6749Csrf,
      ),
    );
  } else if (result.lineError !== undefined) {
    const description = result.lineErrorDescription === undefined ? '' : ` (${result.lineErrorDescription})`;
    checks.push(
      check(
        'callback.error',
        'fail',
        `LINE redirected with error=${result.lineError}${description}.`,
        CITE.rfc6749AuthError,
      ),
    );
  } else {
    checks.push(check('callback.received', 'fail', `No usable callback: ${result.errorCode}.`, CITE.receivingCode));
  }
  if (ctx.botPrompt !== undefined && result.ok) {
    const present = result.friendshipStatusChanged !== undefined;
    checks.push(
      check(
        'callback.friendship_status_changed',
        present ? 'pass' : 'warn',
        present
          ? `bot_prompt was sent and LINE answered friendship_status_changed=${String(result.friendshipStatusChanged)}.`
          : 'bot_prompt was sent but the callback has no friendship_status_changed: no LINE Official Account is linked to the channel.',
        CITE.addFriend,
      ),
    );
  }
  return checks;
}

export function tokenRequestChecks(form: URLSearchParams, ctx: SignInContext | undefined): Check[] {
  if (form.get('grant_type') !== 'authorization_code') {
    return [];
  }
  const checks: Check[] = [];
  const sent = form.get('redirect_uri');
  if (ctx !== undefined) {
    const same = sent === ctx.redirectUri;
    checks.push(
      check(
        'token.redirect_uri',
        same ? 'pass' : 'fail',
        same
          ? 'The token request repeats the authorize request redirect_uri exactly.'
          : 'The token request redirect_uri differs from the one sent to authorize: LINE answers invalid_grant.',
        CITE.rfc6749TokenRequest,
      ),
    );
  }
  const verifier = form.get('code_verifier') ?? '';
  checks.push(
    check(
      'token.code_verifier',
      /^[A-Za-z0-9._~-]{43,128}$/.test(verifier) ? 'pass' : 'fail',
      verifier === '' ? 'No code_verifier: PKCE cannot be completed.' : 'The PKCE code_verifier is sent with the code.',
      CITE.rfc7636Verifier,
    ),
  );
  return checks;
}

/** Status and request-id checks every LINE answer gets. */
export function httpChecks(
  name: StepName,
  status: number,
  lineRequestId: string | undefined,
  retryAfter: string | undefined,
): Check[] {
  const checks: Check[] = [];
  const ok = status >= 200 && status <= 299;
  let explanation = `LINE answered ${status}.`;
  if (status === 429) {
    explanation = `429 Too Many Requests${retryAfter === undefined ? '' : `, Retry-After ${retryAfter} s`}: LINE is rate limiting the channel.`;
  }
  checks.push(
    check(`${name}.status`, ok ? 'pass' : 'fail', explanation, status === 429 ? CITE.rateLimits : CITE.statusCodes),
  );
  checks.push(
    check(
      `${name}.x-line-request-id`,
      lineRequestId !== undefined ? 'pass' : 'warn',
      lineRequestId !== undefined
        ? 'LINE identified the request; quote this ID to LINE support.'
        : 'No x-line-request-id: a proxy, not LINE, may have answered.',
      CITE.responseHeaders,
    ),
  );
  return checks;
}

/** The token endpoint's 200 answer (code exchange or refresh). */
export function tokenResponseChecks(
  name: 'token' | 'refresh',
  body: Record<string, unknown>,
  ctx: SignInContext | undefined,
): Check[] {
  const cite = name === 'token' ? CITE.issueToken : CITE.refreshToken;
  const checks: Check[] = [];
  const tokenType = body.token_type;
  checks.push(
    check(
      `${name}.token_type`,
      tokenType === 'Bearer' ? 'pass' : 'fail',
      tokenType === 'Bearer' ? 'token_type is Bearer.' : 'LINE documents token_type Bearer.',
      CITE.rfc6749TokenResponse,
    ),
  );
  const expiresIn = body.expires_in;
  const expiresOk = typeof expiresIn === 'number' && expiresIn > 0 && expiresIn <= LINE_ACCESS_TOKEN_LIFETIME_SECONDS;
  checks.push(
    check(
      `${name}.expires_in`,
      expiresOk ? 'pass' : typeof expiresIn === 'number' && expiresIn > 0 ? 'warn' : 'fail',
      typeof expiresIn === 'number'
        ? `The access token lives ${expiresIn} s (LINE: at most 30 days, ${LINE_ACCESS_TOKEN_LIFETIME_SECONDS} s).`
        : 'No numeric expires_in.',
      CITE.managingTokens,
    ),
  );
  checks.push(
    check(
      `${name}.refresh_token`,
      typeof body.refresh_token === 'string' ? 'pass' : 'fail',
      typeof body.refresh_token === 'string'
        ? 'A refresh token came with the access token.'
        : 'No refresh token in the answer.',
      cite,
    ),
  );
  if (name === 'token' && ctx !== undefined) {
    const granted = typeof body.scope === 'string' ? body.scope.split(' ') : [];
    // LINE never lists `email` in scope: whether it was granted shows in the ID token only.
    const missing = ctx.scopes.filter((s) => s !== 'email' && !granted.includes(s));
    checks.push(
      check(
        'token.scope',
        missing.length === 0 ? 'pass' : 'fail',
        missing.length === 0
          ? `Granted: ${granted.join(' ')} (email is never listed; see the ID token).`
          : `Requested but not granted: ${missing.join(' ')}.`,
        CITE.rfc6749Scope,
      ),
    );
    if (ctx.scopes.includes('openid')) {
      checks.push(
        check(
          'token.id_token',
          typeof body.id_token === 'string' ? 'pass' : 'fail',
          typeof body.id_token === 'string'
            ? 'An ID token came with the openid scope.'
            : 'openid was requested but no ID token came back.',
          cite,
        ),
      );
    }
  }
  return checks;
}

/** OIDC Core §3.1.3.7 as LINE profiles it; `nowMs` is the recorder's clock. */
export function idTokenChecks(idToken: string, ctx: SignInContext, nowMs: number): Check[] {
  let header: { alg?: unknown };
  let claims: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(idToken);
    claims = decodeJwt(idToken);
  } catch {
    return [check('idToken.format', 'fail', 'The ID token is not a well-formed JWT.', CITE.oidcIdTokenValidation)];
  }
  const checks: Check[] = [];
  const alg = typeof header.alg === 'string' ? header.alg : '(none)';
  checks.push(
    check(
      'idToken.alg',
      alg === 'HS256' ? 'pass' : alg === 'ES256' ? 'warn' : 'fail',
      alg === 'HS256'
        ? 'HS256, signed with the channel secret: what web login issues.'
        : alg === 'ES256'
          ? 'ES256 (JWKS key): what LIFF and the native SDKs get, unexpected for web login.'
          : `alg ${alg}: LINE signs ID tokens with HS256 or ES256 only.`,
      CITE.verifyIdTokenDoc,
    ),
  );
  checks.push(
    check(
      'idToken.iss',
      claims.iss === ctx.issuer ? 'pass' : 'fail',
      claims.iss === ctx.issuer ? `iss is ${ctx.issuer}.` : `iss is not ${ctx.issuer}.`,
      CITE.oidcIdTokenValidation,
    ),
  );
  const aud = claims.aud;
  const audOk = aud === ctx.channelId || (Array.isArray(aud) && aud.length === 1 && aud[0] === ctx.channelId);
  checks.push(
    check(
      'idToken.aud',
      audOk ? 'pass' : 'fail',
      audOk ? 'aud is this channel ID.' : 'aud is not this channel ID: a token for another channel.',
      CITE.oidcIdTokenValidation,
    ),
  );
  const now = Math.floor(nowMs / 1000);
  const skew = DEFAULT_CLOCK_TOLERANCE_SECONDS;
  const exp = typeof claims.exp === 'number' ? claims.exp : undefined;
  const iat = typeof claims.iat === 'number' ? claims.iat : undefined;
  checks.push(
    check(
      'idToken.exp',
      exp !== undefined && exp + skew > now ? 'pass' : 'fail',
      exp === undefined
        ? 'No exp claim.'
        : exp + skew > now
          ? `Valid for another ${exp - now} s by this machine's clock.`
          : `Expired ${now - exp} s ago by this machine's clock (tolerance ${skew} s).`,
      CITE.oidcIdTokenValidation,
    ),
  );
  checks.push(
    check(
      'idToken.iat',
      iat !== undefined && iat <= now + skew ? 'pass' : 'fail',
      iat === undefined
        ? 'No iat claim.'
        : iat <= now + skew
          ? `Issued ${now - iat} s ago by this machine's clock.`
          : `Issued ${iat - now} s in the future by this machine's clock (tolerance ${skew} s): the clock is behind.`,
      CITE.oidcIdTokenValidation,
    ),
  );
  if (ctx.nonce !== undefined) {
    const nonceOk = typeof claims.nonce === 'string' && constantTimeEqual(claims.nonce, ctx.nonce);
    checks.push(
      check(
        'idToken.nonce',
        nonceOk ? 'pass' : 'fail',
        nonceOk
          ? 'The nonce equals the one sent (compared in constant time).'
          : typeof claims.nonce === 'string'
            ? 'The nonce differs from the one sent: a replayed or mixed-up ID token.'
            : 'The ID token has no nonce although one was sent.',
        CITE.oidcNonce,
      ),
    );
  }
  if (ctx.scopes.includes('email')) {
    const has = typeof claims.email === 'string';
    checks.push(
      check(
        'idToken.email',
        has ? 'pass' : 'warn',
        has
          ? 'The email claim is present.'
          : 'email was requested but the ID token has no email claim: the channel lacks email permission, or the user declined or has no address.',
        CITE.emailPermission,
      ),
    );
  }
  return checks;
}

/** GET /oauth2/v2.1/verify's answer. */
export function verifyAccessTokenChecks(body: Record<string, unknown>, channelId: string | undefined): Check[] {
  const checks: Check[] = [];
  if (channelId !== undefined) {
    checks.push(
      check(
        'verifyAccessToken.client_id',
        body.client_id === channelId ? 'pass' : 'fail',
        body.client_id === channelId ? 'client_id is this channel.' : 'The access token was issued to another channel.',
        CITE.verifyAccessToken,
      ),
    );
  }
  const expiresIn = body.expires_in;
  checks.push(
    check(
      'verifyAccessToken.expires_in',
      typeof expiresIn === 'number' && expiresIn > 0 ? 'pass' : 'fail',
      typeof expiresIn === 'number' ? `${expiresIn} s left.` : 'No expires_in.',
      CITE.verifyAccessToken,
    ),
  );
  return checks;
}
