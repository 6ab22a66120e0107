import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startLineEmulator, type LineEmulator } from '../../emulator/index';
import { LineApiError } from '../../src/core/errors';
import { buildAuthorizeUrl, LineLoginClient, validateScopes } from '../../src/core/lineClient';
import { parseRetryAfter } from '../../src/core/lineFailures';
import type { LineRequestLogEntry } from '../../src/core/lineHttp';
import { createPkcePair } from '../../src/core/pkce';

const CHANNEL = { channelId: '1650000001', channelSecret: 'a3f1c9e2b7d84f0e9c1a2b3c4d5e6f70' };
const OTHER_CHANNEL = { channelId: '1650000002', channelSecret: 'b4e2d0f3c8e95a1fad2b3c4d5e6f7081' };
const CALLBACK = 'http://localhost:33418/callback';
const USER = {
  userId: `U${'1'.repeat(32)}`,
  displayName: 'Sato Hanako',
  pictureUrl: 'https://profile.line-scdn.net/demo',
  statusMessage: 'Hello',
  email: 'hanako@example.com',
};

let emulator: LineEmulator;
let now = Date.now();
const log: LineRequestLogEntry[] = [];

function client(
  options: {
    timeoutMs?: number;
    apiBaseUrl?: string;
    fetch?: (input: string, init: RequestInit) => Promise<Response>;
  } = {},
): LineLoginClient {
  return new LineLoginClient({
    endpoints: { authorizeBaseUrl: emulator.authorizeBaseUrl, apiBaseUrl: options.apiBaseUrl ?? emulator.apiBaseUrl },
    onRequest: (entry) => log.push(entry),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
}

/** Plays the browser: follows the authorize URL to the emulator's redirect and returns the code. */
async function authorize(url: string): Promise<string> {
  const response = await fetch(url, { redirect: 'manual' });
  assert.equal(response.status, 302, 'authorize redirects');
  const location = new URL(response.headers.get('location') ?? '');
  const code = location.searchParams.get('code');
  assert.ok(code, `redirect carries a code: ${location.search}`);
  return code;
}

async function signIn(scopes: string[] = ['profile', 'openid', 'email'], channel = CHANNEL) {
  const pkce = createPkcePair();
  const code = await authorize(
    client().buildAuthorizeUrl({
      channelId: channel.channelId,
      redirectUri: CALLBACK,
      state: 'state123',
      scopes,
      nonce: 'nonce123',
      codeChallenge: pkce.codeChallenge,
    }),
  );
  return client().issueTokens({ channel, code, redirectUri: CALLBACK, codeVerifier: pkce.codeVerifier });
}

function assertNoSecret(error: unknown, ...secrets: string[]): void {
  assert.ok(error instanceof Error);
  for (const secret of secrets) {
    assert.ok(!error.message.includes(secret), 'error message carries no secret');
    assert.ok(!JSON.stringify(error).includes(secret), 'error details carry no secret');
  }
}

before(async () => {
  emulator = await startLineEmulator({
    channels: [
      { ...CHANNEL, callbackUrls: [CALLBACK], idTokenAlg: 'HS256' },
      { ...OTHER_CHANNEL, callbackUrls: [CALLBACK], idTokenAlg: 'ES256' },
    ],
    users: [{ ...USER, friendOf: [CHANNEL.channelId] }],
    autoApprove: true,
    now: () => now,
  });
});

after(async () => {
  await emulator.close();
});

describe('buildAuthorizeUrl', () => {
  test('carries every LINE parameter, PKCE S256 and encodes the scope with spaces', () => {
    const url = new URL(
      buildAuthorizeUrl('https://access.line.me', {
        channelId: '1234',
        redirectUri: CALLBACK,
        state: 'abc',
        scopes: ['profile', 'openid'],
        nonce: 'n1',
        codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        options: {
          prompt: 'consent',
          botPrompt: 'aggressive',
          uiLocales: ['ja', 'en-US'],
          maxAge: 3600,
          initialAmrDisplay: 'lineqr',
          switchAmr: false,
          disableAutoLogin: true,
        },
      }),
    );
    assert.equal(url.origin + url.pathname, 'https://access.line.me/oauth2/v2.1/authorize');
    assert.deepEqual(Object.fromEntries(url.searchParams), {
      response_type: 'code',
      client_id: '1234',
      redirect_uri: CALLBACK,
      state: 'abc',
      scope: 'profile openid',
      nonce: 'n1',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
      prompt: 'consent',
      max_age: '3600',
      ui_locales: 'ja en-US',
      bot_prompt: 'aggressive',
      initial_amr_display: 'lineqr',
      switch_amr: 'false',
      disable_auto_login: 'true',
    });
  });

  test("encodes spaces as %20 in the raw query, as LINE's reference does (never +)", () => {
    const raw = buildAuthorizeUrl('https://access.line.me', {
      channelId: '1234',
      redirectUri: CALLBACK,
      state: 'abc',
      scopes: ['profile', 'openid', 'email'],
      codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      options: { uiLocales: ['ja', 'en-US'] },
    });
    // Read the string itself: URL/URLSearchParams would decode + and %20 alike.
    const query = raw.slice(raw.indexOf('?') + 1).split('&');
    assert.ok(query.includes('scope=profile%20openid%20email'), raw);
    assert.ok(query.includes('ui_locales=ja%20en-US'), raw);
    assert.ok(query.includes(`redirect_uri=${encodeURIComponent(CALLBACK)}`), raw);
    assert.ok(!raw.includes('+'), raw);
    assert.ok(raw.startsWith('https://access.line.me/oauth2/v2.1/authorize?response_type=code&client_id=1234&'), raw);
  });

  test('omits options that were not chosen', () => {
    const url = new URL(
      buildAuthorizeUrl('https://access.line.me', {
        channelId: '1',
        redirectUri: CALLBACK,
        state: 's',
        scopes: ['profile'],
        codeChallenge: 'c',
      }),
    );
    for (const name of [
      'nonce',
      'prompt',
      'max_age',
      'ui_locales',
      'bot_prompt',
      'initial_amr_display',
      'switch_amr',
      'disable_auto_login',
    ]) {
      assert.equal(url.searchParams.has(name), false, name);
    }
  });

  test('rejects scopes and options LINE would reject, with the field named', () => {
    assert.throws(
      () => {
        validateScopes(['email']);
      },
      { code: 'ERR_INVALID_INPUT', field: 'scopes' },
    );
    assert.throws(() => {
      validateScopes(['profile', 'email']);
    }, /email scope needs the openid/);
    assert.throws(() => {
      validateScopes(['profile', 'friends']);
    }, /Unknown scope "friends"/);
    assert.throws(
      () =>
        buildAuthorizeUrl('https://access.line.me', {
          channelId: '1',
          redirectUri: CALLBACK,
          state: 's',
          scopes: ['profile'],
          codeChallenge: 'c',
          options: { maxAge: -1 },
        }),
      { code: 'ERR_INVALID_INPUT', field: 'maxAge' },
    );
    assert.throws(
      () =>
        buildAuthorizeUrl('https://access.line.me', {
          channelId: '1',
          redirectUri: CALLBACK,
          state: 's',
          scopes: ['profile'],
          codeChallenge: 'c',
          options: { uiLocales: ['ja jp'] },
        }),
      { code: 'ERR_INVALID_INPUT', field: 'uiLocales' },
    );
  });
});

describe('issue tokens (authorization_code + PKCE)', () => {
  test('returns every field, with the ID token only for openid, and sends the verifier and exact redirect_uri', async () => {
    const tokens = await signIn();
    assert.equal(tokens.tokenType, 'Bearer');
    assert.equal(tokens.expiresIn, 2592000);
    assert.ok(tokens.accessToken.length > 20);
    assert.ok(tokens.refreshToken);
    assert.ok(tokens.idToken?.startsWith('eyJ'));
    assert.ok(!tokens.scope.includes('email'), 'LINE never lists email in scope');
    const tokenRequest = emulator.requests.filter((request) => request.endpoint === 'token').at(-1);
    assert.equal(tokenRequest?.form.redirect_uri, CALLBACK);
    assert.equal(tokenRequest.form.client_secret, CHANNEL.channelSecret);
    assert.match(tokenRequest.form.code_verifier ?? '', /^[A-Za-z0-9_-]{43}$/);
  });

  test('a response without id_token (no openid scope) is valid', async () => {
    const tokens = await signIn(['profile']);
    assert.equal(tokens.idToken, undefined);
    assert.deepEqual(tokens.scope, ['profile']);
  });

  test("a used code is invalid_grant, and the error carries LINE's words and request ID but no secret", async () => {
    const pkce = createPkcePair();
    const code = await authorize(
      client().buildAuthorizeUrl({
        channelId: CHANNEL.channelId,
        redirectUri: CALLBACK,
        state: 's1',
        scopes: ['profile'],
        codeChallenge: pkce.codeChallenge,
      }),
    );
    await client().issueTokens({ channel: CHANNEL, code, redirectUri: CALLBACK, codeVerifier: pkce.codeVerifier });
    const error: unknown = await client()
      .issueTokens({ channel: CHANNEL, code, redirectUri: CALLBACK, codeVerifier: pkce.codeVerifier })
      .catch((caught: unknown) => caught);
    assert.ok(error instanceof LineApiError);
    assert.equal(error.code, 'ERR_LINE_INVALID_GRANT');
    assert.equal(error.details.status, 400);
    assert.equal(error.details.lineError, 'invalid_grant');
    assert.ok(error.details.requestId, 'x-line-request-id kept');
    assert.match(error.message, /x-line-request-id/);
    assertNoSecret(error, code, CHANNEL.channelSecret, pkce.codeVerifier);
  });

  test('a wrong verifier, a different redirect_uri and a wrong secret are each rejected', async () => {
    const pkce = createPkcePair();
    const authorizeUrl = (): string =>
      client().buildAuthorizeUrl({
        channelId: CHANNEL.channelId,
        redirectUri: CALLBACK,
        state: 's',
        scopes: ['profile'],
        codeChallenge: pkce.codeChallenge,
      });
    const wrongVerifier = createPkcePair().codeVerifier;
    await assert.rejects(
      client().issueTokens({
        channel: CHANNEL,
        code: await authorize(authorizeUrl()),
        redirectUri: CALLBACK,
        codeVerifier: wrongVerifier,
      }),
      { code: 'ERR_LINE_INVALID_GRANT' },
    );
    await assert.rejects(
      client().issueTokens({
        channel: CHANNEL,
        code: await authorize(authorizeUrl()),
        redirectUri: 'http://localhost:33418/other',
        codeVerifier: pkce.codeVerifier,
      }),
      { code: 'ERR_LINE_INVALID_GRANT' },
    );
    const error: unknown = await client()
      .issueTokens({
        channel: { ...CHANNEL, channelSecret: 'wrong-secret-0000' },
        code: await authorize(authorizeUrl()),
        redirectUri: CALLBACK,
        codeVerifier: pkce.codeVerifier,
      })
      .catch((caught: unknown) => caught);
    assert.ok(error instanceof LineApiError);
    assert.equal(error.code, 'ERR_LINE_INVALID_CLIENT');
    assertNoSecret(error, 'wrong-secret-0000');
  });
});

describe('refresh', () => {
  test('returns a new access token, no ID token, and the refresh token LINE sent back (the same one by default)', async () => {
    const first = await signIn();
    assert.ok(first.refreshToken);
    const refreshed = await client().refreshAccessToken({ channel: CHANNEL, refreshToken: first.refreshToken });
    assert.notEqual(refreshed.accessToken, first.accessToken);
    assert.equal(refreshed.idToken, undefined);
    // LINE's reference (emulator/README.md ledger L2): the response carries the refresh token that was sent.
    assert.equal(refreshed.refreshToken, first.refreshToken);
  });

  test('a refresh token past 90 days after the original sign-in is invalid_grant', async () => {
    const tokens = await signIn(['profile']);
    assert.ok(tokens.refreshToken);
    const saved = now;
    now += 91 * 24 * 3600 * 1000;
    try {
      const error: unknown = await client()
        .refreshAccessToken({ channel: CHANNEL, refreshToken: tokens.refreshToken })
        .catch((caught: unknown) => caught);
      assert.ok(error instanceof LineApiError);
      assert.equal(error.code, 'ERR_LINE_INVALID_GRANT');
      assert.equal(error.details.lineErrorDescription, 'invalid refresh token');
    } finally {
      now = saved;
    }
  });
});

describe('verify access token', () => {
  test('returns scope, client_id and expires_in, and URL-encodes the token in the query', async () => {
    const tokens = await signIn(['profile', 'openid']);
    const verification = await client().checkAccessToken(tokens.accessToken, CHANNEL.channelId);
    assert.equal(verification.clientId, CHANNEL.channelId);
    assert.ok(verification.expiresIn > 0);
    assert.deepEqual([...verification.scope].sort(), ['openid', 'profile']);
    const request = emulator.requests.filter((r) => r.endpoint === 'verify' && r.method === 'GET').at(-1);
    assert.equal(request?.query.access_token, tokens.accessToken, 'token arrives intact, / and + included');
  });

  test('a token of another channel fails the client_id check (LINE security checklist)', async () => {
    const tokens = await signIn(['profile'], OTHER_CHANNEL);
    await assert.rejects(client().checkAccessToken(tokens.accessToken, CHANNEL.channelId), {
      code: 'ERR_ACCESS_TOKEN_CHANNEL_MISMATCH',
    });
  });

  test('an expired token is reported as such by LINE', async () => {
    const tokens = await signIn(['profile']);
    const saved = now;
    now += 31 * 24 * 3600 * 1000;
    try {
      const error: unknown = await client()
        .verifyAccessToken(tokens.accessToken)
        .catch((caught: unknown) => caught);
      assert.ok(error instanceof LineApiError);
      assert.equal(error.code, 'ERR_LINE_ACCESS_TOKEN_INVALID');
      assert.equal(error.details.lineErrorDescription, 'access token expired');
    } finally {
      now = saved;
    }
  });

  test('the request log has the path but never the query that carries the token', async () => {
    const tokens = await signIn(['profile']);
    await client().verifyAccessToken(tokens.accessToken);
    const entry = log.filter((e) => e.path === '/oauth2/v2.1/verify').at(-1);
    assert.ok(entry);
    assert.equal(entry.status, 200);
    assert.ok(entry.requestId);
    assert.ok(!JSON.stringify(log).includes(tokens.accessToken));
  });
});

describe('revoke', () => {
  test("resolves on LINE's empty 200 and really invalidates the token and its refresh token", async () => {
    const tokens = await signIn(['profile']);
    assert.ok(tokens.refreshToken);
    await client().revokeAccessToken({ channel: CHANNEL, accessToken: tokens.accessToken });
    const request = emulator.requests.filter((r) => r.endpoint === 'revoke').at(-1);
    assert.equal(request?.form.access_token, tokens.accessToken, "LINE's field name is access_token");
    await assert.rejects(client().verifyAccessToken(tokens.accessToken), { code: 'ERR_LINE_ACCESS_TOKEN_INVALID' });
    await assert.rejects(client().refreshAccessToken({ channel: CHANNEL, refreshToken: tokens.refreshToken }), {
      code: 'ERR_LINE_INVALID_GRANT',
    });
  });
});

describe('verify ID token on the server', () => {
  test('returns the payload with nonce and user_id checks passed', async () => {
    const tokens = await signIn();
    assert.ok(tokens.idToken);
    const claims = await client().verifyIdTokenOnServer({
      idToken: tokens.idToken,
      channelId: CHANNEL.channelId,
      nonce: 'nonce123',
      userId: USER.userId,
    });
    assert.equal(claims.sub, USER.userId);
    assert.equal(claims.aud, CHANNEL.channelId);
    assert.equal(claims.iss, emulator.authorizeBaseUrl);
    assert.equal(claims.nonce, 'nonce123');
    assert.equal(claims.email, USER.email);
    assert.equal(claims.name, USER.displayName);
  });

  test('a wrong nonce is LINE\'s "Invalid IdToken Nonce."', async () => {
    const tokens = await signIn();
    assert.ok(tokens.idToken);
    const error: unknown = await client()
      .verifyIdTokenOnServer({ idToken: tokens.idToken, channelId: CHANNEL.channelId, nonce: 'other' })
      .catch((caught: unknown) => caught);
    assert.ok(error instanceof LineApiError);
    assert.equal(error.code, 'ERR_LINE_BAD_REQUEST');
    assert.equal(error.details.lineErrorDescription, 'Invalid IdToken Nonce.');
    assertNoSecret(error, tokens.idToken);
  });
});

describe('user endpoints', () => {
  test('userinfo, profile and friendship status with the Bearer header', async () => {
    const tokens = await signIn(['profile', 'openid']);
    const api = client();
    assert.deepEqual(await api.getUserInfo(tokens.accessToken), {
      sub: USER.userId,
      name: USER.displayName,
      picture: USER.pictureUrl,
    });
    assert.deepEqual(await api.getProfile(tokens.accessToken), {
      userId: USER.userId,
      displayName: USER.displayName,
      pictureUrl: USER.pictureUrl,
      statusMessage: USER.statusMessage,
    });
    assert.deepEqual(await api.getFriendshipStatus(tokens.accessToken), { friendFlag: true });
    const profileRequest = emulator.requests.filter((r) => r.endpoint === 'profile').at(-1);
    assert.equal(profileRequest?.headers.authorization, `Bearer ${tokens.accessToken}`);
    assert.deepEqual(profileRequest.query, {}, 'no token in the URL');
  });

  test("a revoked token gets LINE's {message} error body, mapped to a code", async () => {
    const tokens = await signIn(['profile']);
    await client().revokeAccessToken({ channel: CHANNEL, accessToken: tokens.accessToken });
    const error: unknown = await client()
      .getProfile(tokens.accessToken)
      .catch((caught: unknown) => caught);
    assert.ok(error instanceof LineApiError);
    assert.equal(error.code, 'ERR_LINE_ACCESS_TOKEN_INVALID');
    assert.equal(error.details.status, 401);
    assert.ok(error.details.lineMessage);
  });

  test('userinfo without the openid scope is forbidden', async () => {
    const tokens = await signIn(['profile']);
    await assert.rejects(client().getUserInfo(tokens.accessToken), { code: 'ERR_LINE_FORBIDDEN' });
  });
});

describe('deauthorize', () => {
  test("obtains a stateless channel access token, gets 204, and the user's tokens stop working", async () => {
    const tokens = await signIn(['profile']);
    await client().deauthorize({ channel: CHANNEL, userAccessToken: tokens.accessToken });
    const channelTokenRequest = emulator.requests.filter((r) => r.endpoint === 'channelToken').at(-1);
    assert.equal(channelTokenRequest?.form.grant_type, 'client_credentials');
    const request = emulator.requests.filter((r) => r.endpoint === 'deauthorize').at(-1);
    assert.match(request?.headers.authorization ?? '', /^Bearer /);
    assert.notEqual(
      request?.headers.authorization,
      `Bearer ${tokens.accessToken}`,
      'authenticated with the channel token, not the user token',
    );
    await assert.rejects(client().verifyAccessToken(tokens.accessToken), { code: 'ERR_LINE_ACCESS_TOKEN_INVALID' });
  });

  test('an invalid user token is LINE\'s 400 {message: "invalid token"}', async () => {
    const error: unknown = await client()
      .deauthorize({ channel: CHANNEL, userAccessToken: 'not-a-token' })
      .catch((caught: unknown) => caught);
    assert.ok(error instanceof LineApiError);
    assert.equal(error.code, 'ERR_LINE_BAD_REQUEST');
    assert.equal(error.details.lineMessage, 'invalid token');
  });
});

describe('failures: each a clear, coded error, never a SyntaxError or TypeError', () => {
  beforeEach(() => {
    emulator.clearFaults();
  });

  test('429 is rate limited, says it will not retry, and keeps Retry-After', async () => {
    emulator.setFault(
      'verify',
      {
        kind: 'status',
        status: 429,
        body: '{"message":"Too many requests"}',
        contentType: 'application/json',
        retryAfter: 30,
      },
      1,
    );
    const before = emulator.requests.length;
    const error: unknown = await client()
      .verifyAccessToken('x')
      .catch((caught: unknown) => caught);
    assert.ok(error instanceof LineApiError);
    assert.equal(error.code, 'ERR_LINE_RATE_LIMITED');
    assert.equal(error.details.retryAfterSeconds, 30);
    assert.match(error.message, /never retries/);
    assert.equal(emulator.requests.length - before, 1, 'exactly one request: no retry loop');
  });

  test('500 is a server error', async () => {
    emulator.setFault(
      'token',
      { kind: 'status', status: 500, body: '{"error":"server_error"}', contentType: 'application/json' },
      1,
    );
    await assert.rejects(client().refreshAccessToken({ channel: CHANNEL, refreshToken: 'r' }), {
      code: 'ERR_LINE_SERVER_ERROR',
    });
  });

  test('an HTML proxy page says it was not JSON', async () => {
    emulator.setFault('profile', { kind: 'html' }, 1);
    const error: unknown = await client()
      .getProfile('x')
      .catch((caught: unknown) => caught);
    assert.ok(error instanceof LineApiError);
    assert.match(error.message, /not JSON/);
  });

  test('a truncated 200 body is a malformed response', async () => {
    emulator.setFault('verify', { kind: 'malformedJson' }, 1);
    const error: unknown = await client()
      .verifyAccessToken('x')
      .catch((caught: unknown) => caught);
    assert.ok(error instanceof LineApiError, `got ${String(error)}`);
    assert.equal(error.code, 'ERR_LINE_MALFORMED_RESPONSE');
  });

  test('an empty 200 where JSON is expected is a malformed response', async () => {
    emulator.setFault('token', { kind: 'emptyBody', status: 200 }, 1);
    await assert.rejects(client().refreshAccessToken({ channel: CHANNEL, refreshToken: 'r' }), {
      code: 'ERR_LINE_MALFORMED_RESPONSE',
      message: /empty/,
    });
  });

  test('an empty error body still gives the status', async () => {
    emulator.setFault('friendship', { kind: 'emptyBody', status: 403 }, 1);
    await assert.rejects(client().getFriendshipStatus('x'), {
      code: 'ERR_LINE_FORBIDDEN',
      message: /403: an empty body/,
    });
  });

  test('JSON of the wrong shape names the field', async () => {
    const fake = (): Promise<Response> =>
      Promise.resolve(
        new Response(JSON.stringify({ access_token: 42, expires_in: '10' }), {
          status: 200,
          headers: { 'x-line-request-id': 'req-1' },
        }),
      );
    await assert.rejects(client({ fetch: fake }).refreshAccessToken({ channel: CHANNEL, refreshToken: 'r' }), {
      code: 'ERR_LINE_MALFORMED_RESPONSE',
      message: /"access_token".*req-1/,
    });
  });

  test('expires_in outside 1 s … 1 year is a malformed response, never a stored absurdity', async () => {
    const answer = (expiresIn: unknown) => (): Promise<Response> =>
      Promise.resolve(
        new Response(
          JSON.stringify({
            access_token: 'at-0123456789',
            token_type: 'Bearer',
            expires_in: expiresIn,
            scope: 'profile',
          }),
          { status: 200 },
        ),
      );
    for (const expiresIn of [0, -1, 0.5, 1e300, 31_536_001, '3600', null]) {
      await assert.rejects(
        client({ fetch: answer(expiresIn) }).refreshAccessToken({ channel: CHANNEL, refreshToken: 'r' }),
        { code: 'ERR_LINE_MALFORMED_RESPONSE', message: /"expires_in"/ },
        `expires_in ${JSON.stringify(expiresIn)}`,
      );
    }
    for (const expiresIn of [1, 2_592_000, 31_536_000]) {
      const tokens = await client({ fetch: answer(expiresIn) }).refreshAccessToken({
        channel: CHANNEL,
        refreshToken: 'r',
      });
      assert.equal(tokens.expiresIn, expiresIn);
    }
  });

  test('a token that could not go into an Authorization header is a malformed response', async () => {
    for (const accessToken of ['abc\ndef', 'abc def', 'tök', 'a'.repeat(8193)]) {
      const fake = (): Promise<Response> =>
        Promise.resolve(
          new Response(JSON.stringify({ access_token: accessToken, expires_in: 3600, token_type: 'Bearer' }), {
            status: 200,
          }),
        );
      await assert.rejects(
        client({ fetch: fake }).refreshAccessToken({ channel: CHANNEL, refreshToken: 'r' }),
        (error: unknown) => {
          assert.ok(error instanceof LineApiError);
          assert.equal(error.code, 'ERR_LINE_MALFORMED_RESPONSE');
          assert.match(error.message, /"access_token" that is not a token/);
          assert.ok(!error.message.includes(accessToken));
          return true;
        },
      );
    }
  });

  test("an answer echoing the request's secrets (a confused proxy) shows them masked, and LINE's words otherwise", async () => {
    const refreshToken = 'rt-0123456789abcdef';
    const fake = (): Promise<Response> =>
      Promise.resolve(
        new Response(
          JSON.stringify({
            error: 'invalid_grant',
            error_description: `refresh_token ${refreshToken} with secret ${CHANNEL.channelSecret}\u0007 is invalid`,
          }),
          { status: 400, headers: { 'x-line-request-id': refreshToken } },
        ),
      );
    const error: unknown = await client({ fetch: fake })
      .refreshAccessToken({ channel: CHANNEL, refreshToken })
      .catch((caught: unknown) => caught);
    assert.ok(error instanceof LineApiError);
    assertNoSecret(error, refreshToken, CHANNEL.channelSecret);
    assert.equal(error.details.lineErrorDescription, 'refresh_token [REDACTED] with secret [REDACTED] is invalid');
    assert.equal(error.details.requestId, undefined, 'an echoed secret is no request ID');
    assert.match(error.message, /invalid_grant/);
  });

  test('Retry-After is read as delay-seconds or as an HTTP-date, with the injected clock', () => {
    const now = Date.UTC(2025, 0, 15, 9, 0, 0);
    assert.equal(parseRetryAfter('120', now), 120);
    assert.equal(parseRetryAfter(' 0 ', now), 0);
    assert.equal(parseRetryAfter(new Date(now + 90_000).toUTCString(), now), 90);
    assert.equal(parseRetryAfter('Wed, 15 Jan 2025 08:00:00 GMT', now), 0, 'a date in the past means now');
    for (const unusable of [null, '', '-5', '1.5', '1e9', 'soon', '99999999999']) {
      assert.equal(parseRetryAfter(unusable, now), undefined, String(unusable));
    }
  });

  test('a slow answer times out', async () => {
    emulator.setFault('verify', { kind: 'slow', delayMs: 1000 }, 1);
    await assert.rejects(client({ timeoutMs: 100 }).verifyAccessToken('x'), { code: 'ERR_NETWORK_TIMEOUT' });
  });

  test("the caller's AbortSignal cancels", async () => {
    emulator.setFault('verify', { kind: 'slow', delayMs: 1000 }, 1);
    const controller = new AbortController();
    const pending = client().verifyAccessToken('x', { signal: controller.signal });
    // Abort once the emulator holds the request, so the slow fault is used up by this test.
    setTimeout(() => {
      controller.abort();
    }, 100);
    await assert.rejects(pending, { code: 'ERR_NETWORK_ABORTED' });
  });

  test('a dropped connection is a network error', async () => {
    emulator.setFault('verify', { kind: 'destroySocket' }, 1);
    await assert.rejects(
      client().verifyAccessToken('x'),
      (error: unknown) => error instanceof LineApiError && error.code.startsWith('ERR_NETWORK'),
    );
  });

  test('a refused connection says to check the emulator or apiBaseUrl', async () => {
    const closed: Server = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) =>
      closed.close(() => {
        resolve();
      }),
    );
    await assert.rejects(client({ apiBaseUrl: `http://127.0.0.1:${port}` }).verifyAccessToken('x'), {
      code: 'ERR_NETWORK_REFUSED',
      message: /apiBaseUrl/,
    });
  });

  test('a DNS failure is named as such', async () => {
    // fetch's own shape for a failed lookup, without asking any resolver.
    const fake = (): Promise<Response> =>
      Promise.reject(
        new TypeError('fetch failed', {
          cause: Object.assign(new Error('getaddrinfo ENOTFOUND api.line.me'), { code: 'ENOTFOUND' }),
        }),
      );
    await assert.rejects(client({ fetch: fake }).verifyAccessToken('x'), { code: 'ERR_NETWORK_DNS' });
  });
});
