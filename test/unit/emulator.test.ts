import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import type { JSONWebKeySet } from 'jose';
import { startLineEmulator } from '../../emulator/index';
import type {
  EmulatorChannel,
  EmulatorUser,
  IssuedTokens,
  LineEmulator,
  LineEmulatorOptions,
} from '../../emulator/index';

// ---------------------------------------------------------------------------------------------
// Fixtures and helpers.

const CALLBACK = 'http://127.0.0.1:33418/callback';
const CALLBACK_WITH_QUERY = 'http://localhost:33418/cb?app=1';

const WEB: EmulatorChannel = {
  channelId: '1650000001',
  channelSecret: '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
  callbackUrls: [CALLBACK, CALLBACK_WITH_QUERY],
  name: 'Web <b>"app"</b> & co',
};

const NATIVE: EmulatorChannel = {
  channelId: '1650000002',
  channelSecret: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
  callbackUrls: [CALLBACK],
  idTokenAlg: 'ES256',
  name: 'Native app',
};

const ALICE: EmulatorUser = {
  userId: `U${'a1'.repeat(16)}`,
  displayName: '<script>alert("x")</script>',
  pictureUrl: 'https://profile.example/alice',
  statusMessage: 'hello',
  email: 'alice@example.com',
  friendOf: [WEB.channelId],
};

const BOB: EmulatorUser = { userId: `U${'b2'.repeat(16)}`, displayName: '佐藤 次郎' };

const DAY = 24 * 60 * 60 * 1000;
const START = Date.UTC(2026, 0, 1);

interface Clock {
  now: () => number;
  advance: (ms: number) => void;
}

function clock(): Clock {
  let at = START;
  return {
    now: () => at,
    advance: (ms) => {
      at += ms;
    },
  };
}

async function start(options: LineEmulatorOptions = {}): Promise<LineEmulator> {
  return startLineEmulator({ channels: [WEB, NATIVE], users: [ALICE, BOB], ...options });
}

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizeUrl(emulator: LineEmulator, params: Record<string, string | undefined> = {}): string {
  const defaults: Record<string, string> = {
    response_type: 'code',
    client_id: WEB.channelId,
    redirect_uri: CALLBACK,
    state: randomBytes(16).toString('hex'),
    scope: 'profile openid',
  };
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries({ ...defaults, ...params })) {
    if (value !== undefined) {
      query.set(name, value);
    }
  }
  return `${emulator.authorizeBaseUrl}/oauth2/v2.1/authorize?${query.toString()}`;
}

async function authorize(
  emulator: LineEmulator,
  params: Record<string, string | undefined> = {},
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(authorizeUrl(emulator, params), { redirect: 'manual', headers });
}

function location(response: Response): URL {
  const value = response.headers.get('location');
  assert.ok(value !== null, `expected a redirect, got ${response.status}`);
  return new URL(value);
}

/** Authorize (auto-approve) and return the code. */
async function getCode(emulator: LineEmulator, params: Record<string, string | undefined> = {}): Promise<string> {
  const response = await authorize(emulator, params);
  assert.equal(response.status, 302);
  const code = location(response).searchParams.get('code');
  assert.ok(code !== null);
  return code;
}

async function postForm(
  url: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
}

async function exchange(
  emulator: LineEmulator,
  code: string,
  extra: Record<string, string> = {},
  channel: EmulatorChannel = WEB,
): Promise<Response> {
  return postForm(`${emulator.apiBaseUrl}/oauth2/v2.1/token`, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: CALLBACK,
    client_id: channel.channelId,
    client_secret: channel.channelSecret,
    ...extra,
  });
}

async function json<T>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

async function login(
  emulator: LineEmulator,
  params: Record<string, string | undefined> = {},
  channel: EmulatorChannel = WEB,
): Promise<IssuedTokens> {
  const code = await getCode(emulator, { client_id: channel.channelId, ...params });
  const response = await exchange(emulator, code, {}, channel);
  assert.equal(response.status, 200);
  return json<IssuedTokens>(response);
}

async function refresh(
  emulator: LineEmulator,
  refreshToken: string,
  extra: Record<string, string> = {},
): Promise<Response> {
  return postForm(`${emulator.apiBaseUrl}/oauth2/v2.1/token`, {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: WEB.channelId,
    client_secret: WEB.channelSecret,
    ...extra,
  });
}

async function verifyAccessToken(emulator: LineEmulator, accessToken: string): Promise<Response> {
  return fetch(`${emulator.apiBaseUrl}/oauth2/v2.1/verify?access_token=${encodeURIComponent(accessToken)}`);
}

async function assertOAuthError(
  response: Response,
  status: number,
  error: string,
  description?: string,
): Promise<void> {
  assert.equal(response.status, status);
  const body = await json<{ error: string; error_description: string }>(response);
  assert.equal(body.error, error);
  if (description !== undefined) {
    assert.equal(body.error_description, description);
  }
}

function hs256Key(channel: EmulatorChannel): Uint8Array {
  return new TextEncoder().encode(channel.channelSecret);
}

// ---------------------------------------------------------------------------------------------

describe('LINE emulator: authorize', () => {
  let emulator: LineEmulator;
  before(async () => {
    emulator = await start({ autoApprove: true });
  });
  after(async () => {
    await emulator.close();
  });

  test('auto-approve redirects to the exact redirect_uri with code and state', async () => {
    const response = await authorize(emulator, { state: 'st4te' });
    assert.equal(response.status, 302);
    const target = location(response);
    assert.equal(`${target.origin}${target.pathname}`, CALLBACK);
    assert.equal(target.searchParams.get('state'), 'st4te');
    assert.match(target.searchParams.get('code') ?? '', /^[A-Za-z0-9_-]{16,}$/);
    assert.equal(target.searchParams.has('friendship_status_changed'), false);
    assert.match(response.headers.get('x-line-request-id') ?? '', /^[0-9a-f]{32}$/);
  });

  test('bot_prompt adds friendship_status_changed=false when auto-approving', async () => {
    const target = location(await authorize(emulator, { bot_prompt: 'normal' }));
    assert.equal(target.searchParams.get('friendship_status_changed'), 'false');
  });

  test('an unregistered redirect_uri gets LINE’s 400 page and no redirect', async () => {
    for (const redirectUri of [
      `${CALLBACK}/`,
      'http://127.0.0.1:33419/callback',
      'http://evil.example/callback',
      `${CALLBACK}#x`,
    ]) {
      const response = await authorize(emulator, { redirect_uri: redirectUri });
      assert.equal(response.status, 400, redirectUri);
      assert.equal(response.headers.get('location'), null);
      assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(
        await response.text(),
        /Invalid redirect_uri value\. Check if it is registered in a LINE developers site\./,
      );
    }
  });

  test('an unknown or missing client_id gets the 400 page too', async () => {
    for (const clientId of ['9999999999', undefined]) {
      const response = await authorize(emulator, { client_id: clientId });
      assert.equal(response.status, 400);
      assert.equal(response.headers.get('location'), null);
    }
  });

  test('a registered callback with extra query parameters is accepted and its query kept as sent', async () => {
    const redirectUri = `${CALLBACK_WITH_QUERY}&extra=a%20b`;
    const response = await authorize(emulator, { redirect_uri: redirectUri, state: 's1' });
    assert.equal(response.status, 302);
    const value = response.headers.get('location') ?? '';
    assert.ok(value.startsWith(`${redirectUri}&code=`), value);
    assert.equal(new URL(value).searchParams.get('state'), 's1');
  });

  const errorCases: [string, Record<string, string | undefined>, string][] = [
    ['missing state', { state: undefined }, 'INVALID_REQUEST'],
    ['empty scope', { scope: '' }, 'INVALID_SCOPE'],
    ['unknown scope', { scope: 'profile friends' }, 'INVALID_SCOPE'],
    ['email without openid', { scope: 'profile email' }, 'INVALID_SCOPE'],
    ['neither profile nor openid', { scope: 'email' }, 'INVALID_SCOPE'],
    ['response_type=token', { response_type: 'token' }, 'UNSUPPORTED_RESPONSE_TYPE'],
    ['missing response_type', { response_type: undefined }, 'INVALID_REQUEST'],
    ['PKCE plain', { code_challenge: pkce().challenge, code_challenge_method: 'plain' }, 'INVALID_REQUEST'],
    ['PKCE without method', { code_challenge: pkce().challenge }, 'INVALID_REQUEST'],
    ['bad prompt', { prompt: 'select_account' }, 'INVALID_REQUEST'],
    ['bad max_age', { max_age: '-1' }, 'INVALID_REQUEST'],
    ['bad bot_prompt', { bot_prompt: 'always' }, 'INVALID_REQUEST'],
    ['JARM response_mode', { response_mode: 'query.jwt' }, 'INVALID_REQUEST'],
  ];
  for (const [name, params, error] of errorCases) {
    test(`${name} redirects with error=${error}`, async () => {
      const response = await authorize(emulator, { state: 'keep-me', ...params });
      assert.equal(response.status, 302);
      const target = location(response);
      assert.equal(target.searchParams.get('error'), error);
      assert.ok((target.searchParams.get('error_description') ?? '').length > 0);
      assert.equal(
        target.searchParams.get('state'),
        params['state'] === undefined && 'state' in params ? null : 'keep-me',
      );
      assert.equal(target.searchParams.has('code'), false);
    });
  }

  test('a repeated parameter is INVALID_REQUEST (RFC 6749 §3.1)', async () => {
    const response = await fetch(`${authorizeUrl(emulator, { state: 'a' })}&scope=openid`, { redirect: 'manual' });
    assert.equal(location(response).searchParams.get('error'), 'INVALID_REQUEST');
  });

  test('response_mode=form_post answers an auto-submitting form under a nonce CSP', async () => {
    const response = await authorize(emulator, { response_mode: 'form_post', state: 'fp' });
    assert.equal(response.status, 200);
    const csp = response.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'nonce-[^']+'/);
    assert.match(csp, /form-action http:\/\/127\.0\.0\.1:33418/);
    const html = await response.text();
    assert.match(html, new RegExp(`<form method="post" action="${CALLBACK.replace(/[.]/g, '\\.')}">`));
    assert.match(html, /name="code" value="[^"]+"/);
    assert.match(html, /name="state" value="fp"/);
  });
});

describe('LINE emulator: consent page', () => {
  let emulator: LineEmulator;
  before(async () => {
    emulator = await start();
  });
  after(async () => {
    await emulator.close();
  });

  async function consentPage(
    params: Record<string, string | undefined> = {},
    headers: Record<string, string> = {},
  ): Promise<{ response: Response; html: string; pending: string }> {
    const response = await authorize(emulator, params, headers);
    assert.equal(response.status, 200);
    const html = await response.text();
    const pending = /name="pending" value="([^"]+)"/.exec(html)?.[1];
    assert.ok(pending !== undefined);
    return { response, html, pending };
  }

  async function submit(
    pending: string,
    fields: Record<string, string>,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    return postForm(`${emulator.authorizeBaseUrl}/oauth2/v2.1/authorize/consent`, { pending, ...fields }, headers);
  }

  test('is plain escaped HTML under a strict CSP, with the channel, scopes and a user picker', async () => {
    const { challenge } = pkce();
    const { response, html } = await consentPage({
      scope: 'profile openid email',
      state: 'state-value-123',
      nonce: 'nonce-value-456',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    assert.match(response.headers.get('content-type') ?? '', /^text\/html; charset=utf-8/);
    const csp = response.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /form-action 'self' http:\/\/127\.0\.0\.1:33418(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(response.headers.get('x-frame-options'), 'DENY');
    assert.match(html, /Web &lt;b&gt;&quot;app&quot;&lt;\/b&gt; &amp; co/);
    assert.doesNotMatch(html, /<b>"app"/);
    assert.match(html, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;/);
    assert.doesNotMatch(html, /<script/);
    assert.doesNotMatch(html, /(src|href)="https?:/);
    assert.match(html, /<select id="user" name="user">/);
    assert.match(html, /<button type="submit" id="allow"/);
    assert.match(html, /<button type="submit" id="cancel"/);
    for (const scope of ['profile', 'openid', 'email']) {
      assert.match(html, new RegExp(`\\(${scope}\\)`));
    }
    for (const value of ['state-value-123', 'nonce-value-456', challenge]) {
      assert.equal(html.includes(value), false, 'the page carries a pending id, not the request parameters');
    }
  });

  test('ui_locales=ja localises the page', async () => {
    const { html } = await consentPage({ ui_locales: 'ja en' });
    assert.match(html, /<html lang="ja">/);
    assert.match(html, /許可する/);
  });

  test('Allow redirects with code and state, sets a session, and the pending id is single use', async () => {
    const { pending } = await consentPage({ state: 'allow-state' });
    const response = await submit(pending, { user: BOB.userId, action: 'allow' });
    assert.equal(response.status, 302);
    const target = location(response);
    assert.equal(target.searchParams.get('state'), 'allow-state');
    const code = target.searchParams.get('code');
    assert.ok(code !== null);
    const cookie = response.headers.getSetCookie()[0] ?? '';
    assert.match(cookie, /^line_emulator_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax$/);

    const tokens = await json<IssuedTokens>(await exchange(emulator, code));
    const claims = (await jwtVerify(tokens.id_token ?? '', hs256Key(WEB))).payload;
    assert.equal(claims.sub, BOB.userId);

    const replay = await submit(pending, { user: BOB.userId, action: 'allow' });
    assert.equal(replay.status, 400);
    assert.equal(replay.headers.get('location'), null);
  });

  test('Cancel redirects with ACCESS_DENIED, a description and the state', async () => {
    const { pending } = await consentPage({ state: 'cancel-state' });
    const target = location(await submit(pending, { user: ALICE.userId, action: 'cancel' }));
    assert.equal(target.searchParams.get('error'), 'ACCESS_DENIED');
    assert.ok((target.searchParams.get('error_description') ?? '').length > 0);
    assert.equal(target.searchParams.get('state'), 'cancel-state');
    assert.equal(target.searchParams.has('code'), false);
  });

  test('an unknown pending id is a 400 page, never a redirect', async () => {
    const response = await submit('forged', { user: ALICE.userId, action: 'allow' });
    assert.equal(response.status, 400);
    assert.equal(response.headers.get('location'), null);
  });

  test('bot_prompt shows the add-friend option; adding reports friendship_status_changed=true', async () => {
    const { html, pending } = await consentPage({ bot_prompt: 'aggressive' });
    assert.match(html, /id="add_friend"/);
    const target = location(await submit(pending, { user: BOB.userId, action: 'allow', add_friend: 'true' }));
    assert.equal(target.searchParams.get('friendship_status_changed'), 'true');
    const tokens = await json<IssuedTokens>(await exchange(emulator, target.searchParams.get('code') ?? ''));
    const friendship = await fetch(`${emulator.apiBaseUrl}/friendship/v1/status`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    assert.deepEqual(await friendship.json(), { friendFlag: true });
  });

  test('prompt=none: LOGIN_REQUIRED without a session, INTERACTION_REQUIRED without consent, a code with both', async () => {
    const noSession = location(await authorize(emulator, { prompt: 'none', state: 'n1' }));
    assert.equal(noSession.searchParams.get('error'), 'LOGIN_REQUIRED');
    assert.equal(noSession.searchParams.get('state'), 'n1');

    const { pending } = await consentPage();
    const allowed = await submit(pending, { user: ALICE.userId, action: 'allow' });
    const cookie = (allowed.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';

    const silent = location(await authorize(emulator, { prompt: 'none' }, { cookie }));
    assert.ok(silent.searchParams.get('code') !== null);

    const widerScope = location(
      await authorize(emulator, { prompt: 'none', scope: 'profile openid email' }, { cookie }),
    );
    assert.equal(widerScope.searchParams.get('error'), 'INTERACTION_REQUIRED');

    // Like LINE's SSO: consent already given → straight back, unless the app forces the screen.
    assert.equal((await authorize(emulator, {}, { cookie })).status, 302);
    assert.equal((await authorize(emulator, { prompt: 'consent' }, { cookie })).status, 200);
    assert.equal((await authorize(emulator, { disable_auto_login: 'true' }, { cookie })).status, 200);
  });

  test('the denyConsent fault redirects with ACCESS_DENIED', async () => {
    emulator.setFault('authorize', { kind: 'denyConsent' }, 1);
    const target = location(await authorize(emulator, { state: 'deny' }));
    assert.equal(target.searchParams.get('error'), 'ACCESS_DENIED');
    assert.equal(target.searchParams.get('state'), 'deny');
    assert.equal((await authorize(emulator)).status, 200, 'the fault was used up');
  });
});

describe('LINE emulator: token endpoint', () => {
  const time = clock();
  let emulator: LineEmulator;
  before(async () => {
    emulator = await start({ autoApprove: ALICE.userId, now: time.now });
  });
  after(async () => {
    await emulator.close();
  });

  test('exchanges a code for LINE’s token response', async () => {
    const nonce = randomBytes(16).toString('hex');
    const code = await getCode(emulator, { scope: 'profile openid email', nonce, max_age: '600' });
    const response = await exchange(emulator, code);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.match(response.headers.get('x-line-request-id') ?? '', /^[0-9a-f]{32}$/);
    const body = await json<IssuedTokens>(response);
    assert.deepEqual(Object.keys(body), [
      'access_token',
      'expires_in',
      'id_token',
      'refresh_token',
      'scope',
      'token_type',
    ]);
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.expires_in, 2592000);
    assert.equal(body.scope, 'profile openid', 'LINE never lists email in scope');
    assert.match(body.access_token, /\+/);
    assert.match(body.access_token, /\//);

    const { payload, protectedHeader } = await jwtVerify(body.id_token ?? '', hs256Key(WEB), {
      algorithms: ['HS256'],
      currentDate: new Date(time.now()),
    });
    assert.equal(protectedHeader.kid, undefined);
    assert.equal(payload.iss, emulator.authorizeBaseUrl);
    assert.equal(payload.sub, ALICE.userId);
    assert.equal(payload.aud, WEB.channelId);
    assert.equal(payload.iat, Math.floor(time.now() / 1000));
    assert.equal(payload.exp, (payload.iat ?? 0) + 3600);
    assert.equal(payload['nonce'], nonce);
    assert.equal(payload['auth_time'], Math.floor(time.now() / 1000));
    assert.deepEqual(payload['amr'], ['pwd']);
    assert.equal(payload['name'], ALICE.displayName);
    assert.equal(payload['picture'], ALICE.pictureUrl);
    assert.equal(payload['email'], ALICE.email);
  });

  test('no id_token without openid, and no auth_time without max_age', async () => {
    const profileOnly = await login(emulator, { scope: 'profile' });
    assert.equal(profileOnly.id_token, undefined);
    assert.equal('id_token' in profileOnly, false);
    assert.equal(profileOnly.scope, 'profile');

    const openidOnly = await login(emulator, { scope: 'openid' });
    const claims = (await jwtVerify(openidOnly.id_token ?? '', hs256Key(WEB), { currentDate: new Date(time.now()) }))
      .payload;
    assert.equal(claims['auth_time'], undefined);
    assert.equal(claims['nonce'], undefined);
    assert.equal(claims['name'], undefined, 'name needs the profile scope');
  });

  test('ES256 channels get ID tokens signed with the JWKS key named by kid', async () => {
    const tokens = await login(emulator, {}, NATIVE);
    const jwks = await json<JSONWebKeySet>(await fetch(`${emulator.apiBaseUrl}/oauth2/v2.1/certs`));
    const header = decodeProtectedHeader(tokens.id_token ?? '');
    assert.equal(header.alg, 'ES256');
    assert.equal(header.kid, jwks.keys[0]?.kid);
    const { payload } = await jwtVerify(tokens.id_token ?? '', createLocalJWKSet(jwks), {
      algorithms: ['ES256'],
      currentDate: new Date(time.now()),
    });
    assert.equal(payload.aud, NATIVE.channelId);
  });

  test('a code is single use, and reusing it revokes what it issued (RFC 6749 §4.1.2)', async () => {
    const code = await getCode(emulator);
    const first = await json<IssuedTokens>(await exchange(emulator, code));
    assert.equal((await verifyAccessToken(emulator, first.access_token)).status, 200);
    await assertOAuthError(await exchange(emulator, code), 400, 'invalid_grant');
    await assertOAuthError(
      await verifyAccessToken(emulator, first.access_token),
      400,
      'invalid_request',
      'access token invalid',
    );
    await assertOAuthError(await refresh(emulator, first.refresh_token), 400, 'invalid_grant', 'invalid refresh token');
  });

  test('a code expires after 10 minutes', async () => {
    const fresh = await getCode(emulator);
    time.advance(10 * 60 * 1000 - 1000);
    assert.equal((await exchange(emulator, fresh)).status, 200);

    const stale = await getCode(emulator);
    time.advance(10 * 60 * 1000);
    await assertOAuthError(await exchange(emulator, stale), 400, 'invalid_grant');
  });

  test('redirect_uri must repeat the authorize one exactly', async () => {
    const code = await getCode(emulator);
    await assertOAuthError(
      await exchange(emulator, code, { redirect_uri: `${CALLBACK}/` }),
      400,
      'invalid_grant',
      'redirect_uri does not match',
    );
  });

  test('a wrong or missing client_secret is invalid_client', async () => {
    const code = await getCode(emulator);
    await assertOAuthError(
      await exchange(emulator, code, { client_secret: 'wrong' }),
      400,
      'invalid_client',
      'invalid client_secret',
    );
    const withoutSecret = await postForm(`${emulator.apiBaseUrl}/oauth2/v2.1/token`, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: CALLBACK,
      client_id: WEB.channelId,
    });
    await assertOAuthError(withoutSecret, 400, 'invalid_client', 'invalid client_secret');
    assert.equal((await exchange(emulator, code)).status, 200, 'failed client authentication does not burn the code');
  });

  test('another channel’s code is invalid_grant', async () => {
    const code = await getCode(emulator);
    await assertOAuthError(await exchange(emulator, code, {}, NATIVE), 400, 'invalid_grant');
  });

  test('PKCE: the verifier is required once a challenge was sent, and must match S256', async () => {
    const { verifier, challenge } = pkce();
    const params = { code_challenge: challenge, code_challenge_method: 'S256' };

    await assertOAuthError(
      await exchange(emulator, await getCode(emulator, params)),
      400,
      'invalid_grant',
      'invalid code_verifier',
    );
    await assertOAuthError(
      await exchange(emulator, await getCode(emulator, params), { code_verifier: pkce().verifier }),
      400,
      'invalid_grant',
      'invalid code_verifier',
    );
    await assertOAuthError(
      await exchange(emulator, await getCode(emulator, params), { code_verifier: 'short' }),
      400,
      'invalid_grant',
      'invalid code_verifier',
    );
    assert.equal((await exchange(emulator, await getCode(emulator, params), { code_verifier: verifier })).status, 200);
  });

  test('the body must be form-encoded, without repeated fields, with a known grant_type', async () => {
    const url = `${emulator.apiBaseUrl}/oauth2/v2.1/token`;
    const asJson = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'authorization_code' }),
    });
    await assertOAuthError(asJson, 400, 'invalid_request');
    const repeated = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=refresh_token&grant_type=refresh_token',
    });
    await assertOAuthError(repeated, 400, 'invalid_request');
    await assertOAuthError(
      await postForm(url, { grant_type: 'password', client_id: WEB.channelId }),
      400,
      'unsupported_grant_type',
    );
  });

  test('requests records what the client sent, secrets included (for assertions)', async () => {
    const { verifier, challenge } = pkce();
    const code = await getCode(emulator, { code_challenge: challenge, code_challenge_method: 'S256', nonce: 'n-0' });
    emulator.requests.length = 0;
    await exchange(emulator, code, { code_verifier: verifier });
    const [recorded] = emulator.requests;
    assert.ok(recorded !== undefined);
    assert.equal(recorded.endpoint, 'token');
    assert.equal(recorded.method, 'POST');
    assert.equal(recorded.path, '/oauth2/v2.1/token');
    assert.equal(recorded.form['code_verifier'], verifier);
    assert.equal(recorded.form['client_secret'], WEB.channelSecret);
    assert.equal(recorded.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.equal(recorded.at, time.now());
  });
});

describe('LINE emulator: refresh, verify, revoke', () => {
  const time = clock();
  let emulator: LineEmulator;
  before(async () => {
    emulator = await start({ autoApprove: true, now: time.now });
  });
  after(async () => {
    await emulator.close();
  });

  test('verify answers scope, client_id and the seconds left; the token must be URL-encoded', async () => {
    const tokens = await login(emulator, { scope: 'openid profile email' });
    time.advance(1000);
    const response = await verifyAccessToken(emulator, tokens.access_token);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), {
      scope: 'openid profile',
      client_id: WEB.channelId,
      expires_in: 2592000 - 1,
    });
    // Unencoded, `+` arrives as a space: the token is then unknown, as at LINE.
    await assertOAuthError(
      await fetch(`${emulator.apiBaseUrl}/oauth2/v2.1/verify?access_token=${tokens.access_token}`),
      400,
      'invalid_request',
      'access token invalid',
    );
  });

  test('verify says expired after 30 days', async () => {
    const tokens = await login(emulator);
    time.advance(30 * DAY);
    await assertOAuthError(
      await verifyAccessToken(emulator, tokens.access_token),
      400,
      'invalid_request',
      'access token expired',
    );
  });

  test('refresh returns a new access and refresh token, no id_token, and kills the old pair', async () => {
    const tokens = await login(emulator);
    const response = await refresh(emulator, tokens.refresh_token);
    assert.equal(response.status, 200);
    const body = await json<IssuedTokens>(response);
    assert.deepEqual(Object.keys(body).sort(), ['access_token', 'expires_in', 'refresh_token', 'scope', 'token_type']);
    assert.notEqual(body.access_token, tokens.access_token);
    assert.notEqual(body.refresh_token, tokens.refresh_token);
    assert.equal(body.scope, 'profile openid');
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.expires_in, 2592000);

    await assertOAuthError(
      await refresh(emulator, tokens.refresh_token),
      400,
      'invalid_grant',
      'invalid refresh token',
    );
    await assertOAuthError(
      await verifyAccessToken(emulator, tokens.access_token),
      400,
      'invalid_request',
      'access token invalid',
    );
    assert.equal((await verifyAccessToken(emulator, body.access_token)).status, 200);
  });

  test('the refresh token dies 90 days after the ORIGINAL issue, however often it was refreshed', async () => {
    let tokens = await login(emulator);
    for (const step of [40 * DAY, 40 * DAY, 9 * DAY]) {
      time.advance(step);
      const response = await refresh(emulator, tokens.refresh_token);
      assert.equal(response.status, 200, 'within 90 days of the first sign-in');
      tokens = await json<IssuedTokens>(response);
    }
    time.advance(DAY);
    await assertOAuthError(
      await refresh(emulator, tokens.refresh_token),
      400,
      'invalid_grant',
      'invalid refresh token',
    );
  });

  test('refresh checks client_secret when it is sent, and accepts it left out', async () => {
    const tokens = await login(emulator);
    await assertOAuthError(
      await refresh(emulator, tokens.refresh_token, { client_secret: 'nope' }),
      400,
      'invalid_client',
    );
    const withoutSecret = await postForm(`${emulator.apiBaseUrl}/oauth2/v2.1/token`, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      client_id: WEB.channelId,
    });
    assert.equal(withoutSecret.status, 200);
  });

  test('revoke answers 200 with an empty body and ends the access and refresh token', async () => {
    const tokens = await login(emulator);
    const response = await postForm(`${emulator.apiBaseUrl}/oauth2/v2.1/revoke`, {
      access_token: tokens.access_token,
      client_id: WEB.channelId,
      client_secret: WEB.channelSecret,
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-length'), '0');
    assert.equal(await response.text(), '');
    assert.match(response.headers.get('x-line-request-id') ?? '', /^[0-9a-f]{32}$/);
    await assertOAuthError(
      await verifyAccessToken(emulator, tokens.access_token),
      400,
      'invalid_request',
      'access token invalid',
    );
    await assertOAuthError(await refresh(emulator, tokens.refresh_token), 400, 'invalid_grant');
  });

  test('revoke of an unknown token is the same empty 200', async () => {
    const response = await postForm(`${emulator.apiBaseUrl}/oauth2/v2.1/revoke`, {
      access_token: 'never-issued',
      client_id: WEB.channelId,
      client_secret: WEB.channelSecret,
    });
    assert.equal(response.status, 200);
    assert.equal(await response.text(), '');
  });
});

describe('LINE emulator: POST /oauth2/v2.1/verify (ID token)', () => {
  const time = clock();
  let emulator: LineEmulator;
  before(async () => {
    emulator = await start({ autoApprove: true, now: time.now });
  });
  after(async () => {
    await emulator.close();
  });

  async function verifyIdToken(fields: Record<string, string>): Promise<Response> {
    return postForm(`${emulator.apiBaseUrl}/oauth2/v2.1/verify`, fields);
  }

  test('answers the payload for a valid token, checking nonce and user_id when sent', async () => {
    const tokens = await login(emulator, { nonce: 'nonce-1' });
    const response = await verifyIdToken({
      id_token: tokens.id_token ?? '',
      client_id: WEB.channelId,
      nonce: 'nonce-1',
      user_id: ALICE.userId,
    });
    assert.equal(response.status, 200);
    const payload = await json<Record<string, unknown>>(response);
    assert.equal(payload['iss'], emulator.authorizeBaseUrl);
    assert.equal(payload['sub'], ALICE.userId);
    assert.equal(payload['aud'], WEB.channelId);
    assert.equal(payload['nonce'], 'nonce-1');
  });

  test('reports each failure with LINE’s wording', async () => {
    const tokens = await login(emulator, { nonce: 'nonce-2' });
    const idToken = tokens.id_token ?? '';
    const wrongIssuer = await emulator.signIdToken(WEB.channelId, { iss: 'https://access.line.me', sub: ALICE.userId });
    const unknownKid = await emulator.signIdToken(NATIVE.channelId, { sub: ALICE.userId }, { kid: 'not-a-key' });
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ iss: emulator.authorizeBaseUrl, aud: WEB.channelId })).toString('base64url')}.`;
    const [head, body, signature] = idToken.split('.');
    const tampered = `${head ?? ''}.${body ?? ''}x.${signature ?? ''}`;
    const cases: [Record<string, string>, string][] = [
      [{ id_token: 'garbage', client_id: WEB.channelId }, 'Invalid IdToken.'],
      [{ id_token: tampered, client_id: WEB.channelId }, 'Invalid IdToken.'],
      [{ id_token: unsigned, client_id: WEB.channelId }, 'Invalid IdToken.'],
      [{ id_token: unknownKid, client_id: NATIVE.channelId }, 'Invalid IdToken.'],
      [{ id_token: wrongIssuer, client_id: WEB.channelId }, 'Invalid IdToken Issuer.'],
      [{ id_token: idToken, client_id: NATIVE.channelId }, 'Invalid IdToken Audience.'],
      [{ id_token: idToken, client_id: WEB.channelId, nonce: 'other' }, 'Invalid IdToken Nonce.'],
      [{ id_token: idToken, client_id: WEB.channelId, user_id: BOB.userId }, 'Invalid IdToken Subject Identifier.'],
    ];
    for (const [fields, description] of cases) {
      await assertOAuthError(await verifyIdToken(fields), 400, 'invalid_request', description);
    }
    time.advance(3600 * 1000);
    await assertOAuthError(
      await verifyIdToken({ id_token: idToken, client_id: WEB.channelId }),
      400,
      'invalid_request',
      'IdToken expired.',
    );
  });

  test('ES256 tokens verify by kid; after a rotation the JWKS holds only the new key', async () => {
    const before = await json<JSONWebKeySet>(await fetch(`${emulator.apiBaseUrl}/oauth2/v2.1/certs`));
    assert.equal(before.keys.length, 1);
    const oldKey = before.keys[0];
    assert.ok(oldKey !== undefined);
    assert.equal(oldKey.kty, 'EC');
    assert.equal(oldKey.crv, 'P-256');
    assert.equal(oldKey.alg, 'ES256');
    assert.equal(oldKey.use, 'sig');
    assert.equal('d' in oldKey, false, 'no private key material');

    const oldToken = await emulator.signIdToken(NATIVE.channelId, { sub: ALICE.userId });
    const newKid = await emulator.rotateSigningKey();
    assert.notEqual(newKid, oldKey.kid);
    const after = await json<JSONWebKeySet>(await fetch(`${emulator.apiBaseUrl}/oauth2/v2.1/certs`));
    assert.deepEqual(
      after.keys.map((key) => key.kid),
      [newKid],
    );

    const newToken = await emulator.signIdToken(NATIVE.channelId, { sub: ALICE.userId });
    assert.equal(decodeProtectedHeader(newToken).kid, newKid);
    await jwtVerify(newToken, createLocalJWKSet(after), { currentDate: new Date(time.now()) });
    await assert.rejects(jwtVerify(oldToken, createLocalJWKSet(after), { currentDate: new Date(time.now()) }));
    assert.equal((await verifyIdToken({ id_token: newToken, client_id: NATIVE.channelId })).status, 200);
    assert.equal(
      (await verifyIdToken({ id_token: oldToken, client_id: NATIVE.channelId })).status,
      200,
      'grace period for the previous key',
    );
  });

  test('signIdToken: claims override the defaults, undefined removes one', async () => {
    const token = await emulator.signIdToken(WEB.channelId, { sub: BOB.userId, amr: undefined, exp: 1 });
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<
      string,
      unknown
    >;
    assert.equal(claims['sub'], BOB.userId);
    assert.equal(claims['exp'], 1);
    assert.equal('amr' in claims, false);
    assert.equal(claims['iss'], emulator.authorizeBaseUrl);
  });

  test('issueTokensDirectly skips the browser', async () => {
    const tokens = await emulator.issueTokensDirectly(
      NATIVE.channelId,
      BOB.userId,
      ['openid', 'profile'],
      'direct-nonce',
    );
    assert.equal(tokens.scope, 'openid profile');
    const response = await verifyIdToken({
      id_token: tokens.id_token ?? '',
      client_id: NATIVE.channelId,
      nonce: 'direct-nonce',
    });
    assert.equal(response.status, 200);
    const withoutOpenid = await emulator.issueTokensDirectly(WEB.channelId, BOB.userId, ['profile']);
    assert.equal(withoutOpenid.id_token, undefined);
    await assert.rejects(emulator.issueTokensDirectly(WEB.channelId, BOB.userId, ['email']));
  });
});

describe('LINE emulator: user endpoints, channel token, deauthorize', () => {
  const time = clock();
  let emulator: LineEmulator;
  before(async () => {
    emulator = await start({ autoApprove: true, now: time.now });
  });
  after(async () => {
    await emulator.close();
  });

  function bearer(token: string): Record<string, string> {
    return { authorization: `Bearer ${token}` };
  }

  async function channelToken(channel: EmulatorChannel = WEB, secret = channel.channelSecret): Promise<Response> {
    return postForm(`${emulator.apiBaseUrl}/oauth2/v3/token`, {
      grant_type: 'client_credentials',
      client_id: channel.channelId,
      client_secret: secret,
    });
  }

  async function deauthorize(channelAccessToken: string, body: unknown): Promise<Response> {
    return fetch(`${emulator.apiBaseUrl}/user/v1/deauthorize`, {
      method: 'POST',
      headers: { ...bearer(channelAccessToken), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  test('userinfo (GET and POST), profile and friendship answer LINE’s shapes', async () => {
    const tokens = await login(emulator, { scope: 'profile openid' });
    for (const method of ['GET', 'POST']) {
      const userinfo = await fetch(`${emulator.apiBaseUrl}/oauth2/v2.1/userinfo`, {
        method,
        headers: bearer(tokens.access_token),
      });
      assert.deepEqual(await userinfo.json(), {
        sub: ALICE.userId,
        name: ALICE.displayName,
        picture: ALICE.pictureUrl,
      });
    }
    const profile = await fetch(`${emulator.apiBaseUrl}/v2/profile`, { headers: bearer(tokens.access_token) });
    assert.deepEqual(await profile.json(), {
      userId: ALICE.userId,
      displayName: ALICE.displayName,
      pictureUrl: ALICE.pictureUrl,
      statusMessage: ALICE.statusMessage,
    });
    const friendship = await fetch(`${emulator.apiBaseUrl}/friendship/v1/status`, {
      headers: bearer(tokens.access_token),
    });
    assert.deepEqual(await friendship.json(), { friendFlag: true });

    const nativeTokens = await login(emulator, {}, NATIVE);
    const notFriend = await fetch(`${emulator.apiBaseUrl}/friendship/v1/status`, {
      headers: bearer(nativeTokens.access_token),
    });
    assert.deepEqual(await notFriend.json(), { friendFlag: false });
  });

  test('a missing, unknown or expired Bearer token is 401 {message}; a missing scope is 403', async () => {
    const missing = await fetch(`${emulator.apiBaseUrl}/v2/profile`);
    assert.equal(missing.status, 401);
    assert.equal(missing.headers.get('www-authenticate'), 'Bearer');
    assert.equal(typeof (await json<{ message: unknown }>(missing)).message, 'string');

    const unknown = await fetch(`${emulator.apiBaseUrl}/oauth2/v2.1/userinfo`, { headers: bearer('nope') });
    assert.equal(unknown.status, 401);
    assert.match(unknown.headers.get('www-authenticate') ?? '', /invalid_token/);

    const profileOnly = await login(emulator, { scope: 'profile' });
    const forbidden = await fetch(`${emulator.apiBaseUrl}/oauth2/v2.1/userinfo`, {
      headers: bearer(profileOnly.access_token),
    });
    assert.equal(forbidden.status, 403);
    assert.equal(typeof (await json<{ message: unknown }>(forbidden)).message, 'string');

    const openidOnly = await login(emulator, { scope: 'openid' });
    assert.equal(
      (await fetch(`${emulator.apiBaseUrl}/v2/profile`, { headers: bearer(openidOnly.access_token) })).status,
      403,
    );

    time.advance(30 * DAY);
    const expired = await fetch(`${emulator.apiBaseUrl}/v2/profile`, { headers: bearer(profileOnly.access_token) });
    assert.equal(expired.status, 401);
  });

  test('POST /oauth2/v3/token issues a stateless channel access token (15 minutes)', async () => {
    const response = await channelToken();
    assert.equal(response.status, 200);
    const body = await json<{ access_token: string; expires_in: number; token_type: string }>(response);
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.expires_in, 900);
    assert.ok(body.access_token.length > 20);
    await assertOAuthError(await channelToken(WEB, 'wrong'), 400, 'invalid_client');
  });

  test('deauthorize answers 204 and ends every token of that user on that channel', async () => {
    const first = await login(emulator);
    const second = await login(emulator);
    const other = await login(emulator, {}, NATIVE);
    const { access_token: channelAccessToken } = await json<{ access_token: string }>(await channelToken());

    const response = await deauthorize(channelAccessToken, { userAccessToken: first.access_token });
    assert.equal(response.status, 204);
    assert.equal(await response.text(), '');
    for (const tokens of [first, second]) {
      await assertOAuthError(
        await verifyAccessToken(emulator, tokens.access_token),
        400,
        'invalid_request',
        'access token invalid',
      );
      await assertOAuthError(await refresh(emulator, tokens.refresh_token), 400, 'invalid_grant');
    }
    assert.equal((await verifyAccessToken(emulator, other.access_token)).status, 200, 'other channels are untouched');
    const recorded = emulator.requests.filter((request) => request.endpoint === 'deauthorize').at(-1);
    assert.equal(recorded?.form['userAccessToken'], first.access_token);
    assert.equal(recorded.headers['authorization'], `Bearer ${channelAccessToken}`);
  });

  test('deauthorize: an invalid user token is 400 invalid token, a bad channel token 401', async () => {
    const { access_token: channelAccessToken } = await json<{ access_token: string }>(await channelToken());
    const invalid = await deauthorize(channelAccessToken, { userAccessToken: 'not-a-token' });
    assert.equal(invalid.status, 400);
    assert.deepEqual(await invalid.json(), { message: 'invalid token' });

    const otherChannel = await login(emulator, {}, NATIVE);
    assert.equal((await deauthorize(channelAccessToken, { userAccessToken: otherChannel.access_token })).status, 400);

    const tokens = await login(emulator);
    const badChannelToken = await deauthorize('not-a-channel-token', { userAccessToken: tokens.access_token });
    assert.equal(badChannelToken.status, 401);
    assert.equal(typeof (await json<{ message: unknown }>(badChannelToken)).message, 'string');

    time.advance(15 * 60 * 1000);
    assert.equal(
      (await deauthorize(channelAccessToken, { userAccessToken: tokens.access_token })).status,
      401,
      'the channel token lives 15 minutes',
    );
  });
});

describe('LINE emulator: discovery, routing, faults', () => {
  let emulator: LineEmulator;
  const logLines: string[] = [];
  before(async () => {
    emulator = await start({ autoApprove: true, log: (line) => logLines.push(line) });
  });
  after(async () => {
    await emulator.close();
  });

  test('the discovery document mirrors LINE’s, with this server’s URLs', async () => {
    const doc = await json<Record<string, unknown>>(
      await fetch(`${emulator.authorizeBaseUrl}/.well-known/openid-configuration`),
    );
    assert.equal(doc['issuer'], emulator.authorizeBaseUrl);
    assert.equal(doc['authorization_endpoint'], `${emulator.authorizeBaseUrl}/oauth2/v2.1/authorize`);
    assert.equal(doc['token_endpoint'], `${emulator.apiBaseUrl}/oauth2/v2.1/token`);
    assert.equal(doc['revocation_endpoint'], `${emulator.apiBaseUrl}/oauth2/v2.1/revoke`);
    assert.equal(doc['userinfo_endpoint'], `${emulator.apiBaseUrl}/oauth2/v2.1/userinfo`);
    assert.equal(doc['jwks_uri'], `${emulator.apiBaseUrl}/oauth2/v2.1/certs`);
    assert.deepEqual(doc['id_token_signing_alg_values_supported'], ['ES256']);
    assert.deepEqual(doc['subject_types_supported'], ['pairwise']);
    assert.deepEqual(doc['code_challenge_methods_supported'], ['S256']);
    assert.deepEqual(doc['response_types_supported'], ['code']);
  });

  test('unknown paths are 404 {message}, wrong methods 405, both with x-line-request-id', async () => {
    const notFound = await fetch(`${emulator.apiBaseUrl}/oauth2/v2.1/tokens`);
    assert.equal(notFound.status, 404);
    assert.deepEqual(await notFound.json(), { message: 'Not found' });
    assert.match(notFound.headers.get('x-line-request-id') ?? '', /^[0-9a-f]{32}$/);

    const wrongMethod = await fetch(`${emulator.apiBaseUrl}/oauth2/v2.1/token`);
    assert.equal(wrongMethod.status, 405);
    assert.equal(wrongMethod.headers.get('allow'), 'POST');
    assert.match(wrongMethod.headers.get('x-line-request-id') ?? '', /^[0-9a-f]{32}$/);
  });

  test('an oversized body is 413 {message}', async () => {
    const response = await postForm(`${emulator.apiBaseUrl}/oauth2/v2.1/token`, {
      grant_type: 'authorization_code',
      code: 'x'.repeat(100_000),
    });
    assert.equal(response.status, 413);
    assert.equal(typeof (await json<{ message: unknown }>(response)).message, 'string');
    assert.match(response.headers.get('x-line-request-id') ?? '', /^[0-9a-f]{32}$/);
  });

  test('request ids differ per response', async () => {
    const ids = new Set<string | null>();
    for (let i = 0; i < 5; i += 1) {
      ids.add((await fetch(`${emulator.apiBaseUrl}/oauth2/v2.1/certs`)).headers.get('x-line-request-id'));
    }
    assert.equal(ids.size, 5);
  });

  test('a foreign Host header is refused (DNS rebinding)', async () => {
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port: emulator.port,
          path: '/oauth2/v2.1/certs',
          headers: { host: `attacker.example:${emulator.port}` },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode);
        },
      );
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 400);
    assert.equal((await fetch(`http://localhost:${emulator.port}/oauth2/v2.1/certs`)).status, 200);
  });

  test('status fault: 429 with Retry-After, counted down by times', async () => {
    emulator.setFault('token', { kind: 'status', status: 429, retryAfter: 30 }, 2);
    for (let i = 0; i < 2; i += 1) {
      const response = await exchange(emulator, 'any');
      assert.equal(response.status, 429);
      assert.equal(response.headers.get('retry-after'), '30');
      assert.match(response.headers.get('x-line-request-id') ?? '', /^[0-9a-f]{32}$/);
      assert.equal(typeof (await json<{ message: unknown }>(response)).message, 'string');
    }
    await assertOAuthError(await exchange(emulator, 'any'), 400, 'invalid_grant');
  });

  test('status fault with a custom body and content type', async () => {
    emulator.setFault('profile', { kind: 'status', status: 500, body: 'upstream exploded', contentType: 'text/plain' });
    const response = await fetch(`${emulator.apiBaseUrl}/v2/profile`);
    assert.equal(response.status, 500);
    assert.equal(response.headers.get('content-type'), 'text/plain');
    assert.equal(await response.text(), 'upstream exploded');
    emulator.clearFaults();
    assert.equal((await fetch(`${emulator.apiBaseUrl}/v2/profile`)).status, 401);
  });

  test('malformedJson fault: a 200 whose JSON is cut short', async () => {
    emulator.setFault('verify', { kind: 'malformedJson' }, 1);
    const response = await fetch(`${emulator.apiBaseUrl}/oauth2/v2.1/verify?access_token=x`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /application\/json/);
    const text = await response.text();
    assert.throws(() => JSON.parse(text) as unknown, SyntaxError);
  });

  test('html fault: a 502 proxy page without a request id', async () => {
    emulator.setFault('token', { kind: 'html' }, 1);
    const response = await exchange(emulator, 'any');
    assert.equal(response.status, 502);
    assert.match(response.headers.get('content-type') ?? '', /text\/html/);
    assert.equal(response.headers.get('x-line-request-id'), null);
    assert.match(await response.text(), /502 Bad Gateway/);
  });

  test('emptyBody fault: the status with nothing in the body', async () => {
    emulator.setFault('revoke', { kind: 'emptyBody', status: 500 }, 1);
    const response = await postForm(`${emulator.apiBaseUrl}/oauth2/v2.1/revoke`, {
      access_token: 'x',
      client_id: WEB.channelId,
    });
    assert.equal(response.status, 500);
    assert.equal(await response.text(), '');
  });

  test('destroySocket fault: the connection closes without an answer', async () => {
    emulator.setFault('certs', { kind: 'destroySocket' }, 1);
    await assert.rejects(fetch(`${emulator.apiBaseUrl}/oauth2/v2.1/certs`), TypeError);
    assert.equal((await fetch(`${emulator.apiBaseUrl}/oauth2/v2.1/certs`)).status, 200);
  });

  test('slow fault: a normal answer after the delay', async () => {
    emulator.setFault('certs', { kind: 'slow', delayMs: 150 }, 1);
    const started = Date.now();
    const response = await fetch(`${emulator.apiBaseUrl}/oauth2/v2.1/certs`);
    assert.equal(response.status, 200);
    assert.ok(Date.now() - started >= 140);
    assert.ok(Array.isArray((await json<{ keys: unknown }>(response)).keys));
  });

  test('faults are recorded requests too, and setFault validates its input', async () => {
    emulator.requests.length = 0;
    emulator.setFault('userinfo', { kind: 'status', status: 503 }, 1);
    await fetch(`${emulator.apiBaseUrl}/oauth2/v2.1/userinfo`, { headers: { authorization: 'Bearer t' } });
    assert.equal(emulator.requests[0]?.endpoint, 'userinfo');
    assert.equal(emulator.requests[0].headers['authorization'], 'Bearer t');
    assert.throws(() => {
      emulator.setFault('token', { kind: 'denyConsent' });
    }, TypeError);
    assert.throws(() => {
      emulator.setFault('token', { kind: 'status', status: 429 }, 0);
    }, RangeError);
  });

  test('the log never carries tokens, codes or secrets', async () => {
    logLines.length = 0;
    const { verifier, challenge } = pkce();
    const code = await getCode(emulator, { code_challenge: challenge, code_challenge_method: 'S256' });
    const tokens = await json<IssuedTokens>(await exchange(emulator, code, { code_verifier: verifier }));
    await verifyAccessToken(emulator, tokens.access_token);
    await exchange(emulator, code, { code_verifier: verifier });
    assert.ok(logLines.length >= 4);
    const all = logLines.join('\n');
    for (const secret of [
      code,
      verifier,
      tokens.access_token,
      tokens.refresh_token,
      tokens.id_token ?? '',
      WEB.channelSecret,
      encodeURIComponent(tokens.access_token),
    ]) {
      assert.equal(all.includes(secret), false);
    }
    assert.match(all, /GET \/oauth2\/v2\.1\/verify 200/);
    assert.match(all, /invalid_grant/);
  });
});

describe('LINE emulator: lifecycle and options', () => {
  test('refuses to bind anything but loopback', async () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.10']) {
      await assert.rejects(startLineEmulator({ host }), /loopback/);
    }
  });

  test('browserHost shapes authorizeBaseUrl (the issuer); apiBaseUrl stays on the bind address', async () => {
    const emulator = await startLineEmulator({
      browserHost: 'line-emulator.localhost',
      channels: [WEB],
      users: [ALICE],
      autoApprove: true,
    });
    try {
      assert.equal(emulator.apiBaseUrl, `http://127.0.0.1:${emulator.port}`);
      assert.equal(emulator.authorizeBaseUrl, `http://line-emulator.localhost:${emulator.port}`);
      const tokens = await emulator.issueTokensDirectly(WEB.channelId, ALICE.userId, ['openid']);
      const claims = (await jwtVerify(tokens.id_token ?? '', hs256Key(WEB))).payload;
      assert.equal(claims.iss, emulator.authorizeBaseUrl);
    } finally {
      await emulator.close();
    }
  });

  test('addChannel and addUser work after start, and validate their input', async () => {
    const emulator = await startLineEmulator({ autoApprove: true });
    try {
      emulator.addChannel(WEB);
      emulator.addUser(BOB);
      const claims = (await jwtVerify((await login(emulator)).id_token ?? '', hs256Key(WEB))).payload;
      assert.equal(claims.sub, BOB.userId);
      assert.throws(() => {
        emulator.addUser({ userId: 'U123', displayName: 'short id' });
      }, TypeError);
      assert.throws(() => {
        emulator.addChannel({ channelId: '1', channelSecret: 's', callbackUrls: ['/relative'] });
      }, TypeError);
    } finally {
      await emulator.close();
    }
  });

  test('close() ends keep-alive connections and is idempotent', async () => {
    const emulator = await start();
    const { port } = emulator;
    assert.equal((await fetch(`${emulator.apiBaseUrl}/oauth2/v2.1/certs`)).status, 200);
    emulator.setFault('certs', { kind: 'slow', delayMs: 10_000 });
    const pending = fetch(`${emulator.apiBaseUrl}/oauth2/v2.1/certs`).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await Promise.all([emulator.close(), emulator.close()]);
    assert.ok(Date.now() - started < 2000);
    assert.ok((await pending) instanceof Error);
    await assert.rejects(fetch(`http://127.0.0.1:${port}/oauth2/v2.1/certs`));
  });
});
