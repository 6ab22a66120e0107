import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { parseLocalLineConfig, startLineEmulator, STARTER_LOCAL_LINE_CONFIG } from '../../../emulator/index';
import type { IssuedTokens, LineEmulator, LineEmulatorOptions, LocalLineConfig } from '../../../emulator/index';
import { clock, json, location, pkce, postForm, verifyAccessToken } from './fixtures';

function starter(): LocalLineConfig {
  const result = parseLocalLineConfig(STARTER_LOCAL_LINE_CONFIG);
  assert.ok(result.ok, JSON.stringify(result));
  return result.config;
}

function defined<T>(value: T | undefined): T {
  assert.ok(value !== undefined);
  return value;
}

const STARTER = starter();
const WEB = defined(STARTER.channels[0]);
const NATIVE = defined(STARTER.channels[1]);
const HANAKO = defined(STARTER.users[0]);
const ALEX = defined(STARTER.users[1]);
const WEB_CALLBACK = WEB.callbackUrls[0] ?? '';
const NATIVE_CALLBACK = NATIVE.callbackUrls[0] ?? '';

let running: LineEmulator | undefined;

async function start(options: LineEmulatorOptions = {}): Promise<LineEmulator> {
  running = await startLineEmulator({ config: STARTER, ...options });
  return running;
}

afterEach(async () => {
  await running?.close();
  running = undefined;
});

function authorizeUrl(emulator: LineEmulator, params: Record<string, string>): string {
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: WEB.channelId,
    redirect_uri: WEB_CALLBACK,
    state: 'state-1234567890',
    scope: 'profile openid email',
    ...params,
  });
  return `${emulator.authorizeBaseUrl}/oauth2/v2.1/authorize?${query.toString()}`;
}

/** The consent page for the request, and its pending ID. */
async function consentPage(
  emulator: LineEmulator,
  params: Record<string, string> = {},
): Promise<{ html: string; pending: string }> {
  const response = await fetch(authorizeUrl(emulator, params), { redirect: 'manual' });
  assert.equal(response.status, 200);
  const html = await response.text();
  const pending = /name="pending" value="([^"]+)"/.exec(html)?.[1];
  assert.ok(pending !== undefined, html);
  return { html, pending };
}

function submit(emulator: LineEmulator, pending: string, fields: Record<string, string>): Promise<Response> {
  return postForm(`${emulator.authorizeBaseUrl}/oauth2/v2.1/authorize/consent`, { pending, ...fields });
}

/** Through the consent page as `userId`: the callback URL the browser is sent to. */
async function loginCallback(
  emulator: LineEmulator,
  userId: string,
  params: Record<string, string> = {},
  fields: Record<string, string> = {},
): Promise<URL> {
  const { pending } = await consentPage(emulator, params);
  const response = await submit(emulator, pending, { action: 'allow', user: userId, ...fields });
  assert.equal(response.status, 302);
  return location(response);
}

function tokenRequest(emulator: LineEmulator, fields: Record<string, string>): Promise<Response> {
  return postForm(`${emulator.apiBaseUrl}/oauth2/v2.1/token`, fields);
}

/** A web channel refreshes with its client secret. */
function refreshWeb(emulator: LineEmulator, refreshToken: string): Promise<Response> {
  return tokenRequest(emulator, {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: WEB.channelId,
    client_secret: WEB.channelSecret,
  });
}

/** A mobile-app channel refreshes without client_secret (README ledger L1). */
function refreshNative(emulator: LineEmulator, refreshToken: string): Promise<Response> {
  return tokenRequest(emulator, {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: NATIVE.channelId,
  });
}

async function codeOf(callback: URL): Promise<string> {
  const code = callback.searchParams.get('code');
  assert.ok(code !== null, callback.toString());
  return Promise.resolve(code);
}

async function webLogin(emulator: LineEmulator, userId: string): Promise<IssuedTokens> {
  const code = await codeOf(await loginCallback(emulator, userId));
  const response = await tokenRequest(emulator, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: WEB_CALLBACK,
    client_id: WEB.channelId,
    client_secret: WEB.channelSecret,
  });
  assert.equal(response.status, 200);
  return json<IssuedTokens>(response);
}

/** The native (LINE SDK style) login: PKCE, no client_secret. */
async function nativeLogin(emulator: LineEmulator, userId: string): Promise<IssuedTokens> {
  const { verifier, challenge } = pkce();
  const code = await codeOf(
    await loginCallback(emulator, userId, {
      client_id: NATIVE.channelId,
      redirect_uri: NATIVE_CALLBACK,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }),
  );
  const response = await tokenRequest(emulator, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: NATIVE_CALLBACK,
    client_id: NATIVE.channelId,
    code_verifier: verifier,
  });
  assert.equal(response.status, 200);
  return json<IssuedTokens>(response);
}

async function verifyStatus(emulator: LineEmulator, accessToken: string): Promise<{ status: number; body: unknown }> {
  const response = await verifyAccessToken(emulator, accessToken);
  return { status: response.status, body: await response.json() };
}

function friendFlag(emulator: LineEmulator, accessToken: string): Promise<Response> {
  return fetch(`${emulator.apiBaseUrl}/friendship/v1/status`, { headers: { authorization: `Bearer ${accessToken}` } });
}

describe('Local LINE: the emulator serving a configuration', () => {
  test('the starter file serves a web login: consent page, code, HS256 ID token with email', async () => {
    const emulator = await start();
    const { html } = await consentPage(emulator);
    assert.match(html, /My web app/);
    assert.match(html, /Hanako Yamada/);
    assert.match(html, /Your email address/);
    const tokens = await webLogin(emulator, HANAKO.userId);
    assert.equal(decodeProtectedHeader(tokens.id_token ?? '').alg, 'HS256');
    const { payload } = await jwtVerify(tokens.id_token ?? '', new TextEncoder().encode(WEB.channelSecret), {
      issuer: emulator.authorizeBaseUrl,
      audience: WEB.channelId,
    });
    assert.equal(payload.sub, HANAKO.userId);
    assert.equal(payload['email'], 'hanako@example.com');
    assert.equal(tokens.expires_in, 2_592_000);
    assert.equal((await verifyStatus(emulator, tokens.access_token)).status, 200);
  });

  test('a native channel: ES256 ID tokens from the JWKS, PKCE without client_secret, no email without the permission', async () => {
    const emulator = await start();
    const { html } = await consentPage(emulator, { client_id: NATIVE.channelId, redirect_uri: NATIVE_CALLBACK });
    assert.doesNotMatch(html, /Your email address/);
    const tokens = await nativeLogin(emulator, HANAKO.userId);
    assert.equal(decodeProtectedHeader(tokens.id_token ?? '').alg, 'ES256');
    const jwks = createRemoteJWKSet(new URL(`${emulator.apiBaseUrl}/oauth2/v2.1/certs`));
    const { payload } = await jwtVerify(tokens.id_token ?? '', jwks, { audience: NATIVE.channelId });
    assert.equal(payload.sub, HANAKO.userId);
    assert.equal('email' in payload, false);
    // A mobile-app channel refreshes without client_secret (README ledger L1).
    const refreshed = await refreshNative(emulator, tokens.refresh_token);
    assert.equal(refreshed.status, 200);
  });

  test('a user with email null gets no email claim even where the channel has the permission', async () => {
    const emulator = await start();
    const tokens = await webLogin(emulator, ALEX.userId);
    const { payload } = await jwtVerify(tokens.id_token ?? '', new TextEncoder().encode(WEB.channelSecret));
    assert.equal(payload['name'], 'Alex Taylor');
    assert.equal('email' in payload, false);
  });

  test('a linked Official Account: bot_prompt offers it, the callback and friendship endpoint report it', async () => {
    const emulator = await start();
    const { html, pending } = await consentPage(emulator, { bot_prompt: 'normal' });
    assert.match(html, /id="add_friend"/);
    const response = await submit(emulator, pending, { action: 'allow', user: ALEX.userId, add_friend: 'true' });
    const callback = location(response);
    assert.equal(callback.searchParams.get('friendship_status_changed'), 'true');
    const code = await codeOf(callback);
    const tokens = await json<IssuedTokens>(
      await tokenRequest(emulator, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: WEB_CALLBACK,
        client_id: WEB.channelId,
        client_secret: WEB.channelSecret,
      }),
    );
    assert.deepEqual(await (await friendFlag(emulator, tokens.access_token)).json(), { friendFlag: true });
  });

  test('no linked Official Account: bot_prompt offers nothing, no friendship_status_changed, friendFlag false', async () => {
    const config: LocalLineConfig = {
      ...STARTER,
      users: STARTER.users.map((user) => ({ ...user, friendOf: [NATIVE.channelId] })),
    };
    const emulator = await start({ config });
    const params = { client_id: NATIVE.channelId, redirect_uri: NATIVE_CALLBACK, bot_prompt: 'aggressive' };
    const { html } = await consentPage(emulator, params);
    assert.doesNotMatch(html, /add_friend/);
    const callback = await loginCallback(emulator, HANAKO.userId, params, { add_friend: 'true' });
    assert.equal(callback.searchParams.has('friendship_status_changed'), false);
    const tokens = await nativeLogin(emulator, HANAKO.userId);
    // README ledger L25: nothing to be a friend of, whatever friendOf says.
    assert.deepEqual(await (await friendFlag(emulator, tokens.access_token)).json(), { friendFlag: false });
  });

  test('consent mode autoApprove approves at once as autoApproveUserId; token lifetimes apply', async () => {
    const emulator = await start({
      config: {
        ...STARTER,
        consent: { mode: 'autoApprove', autoApproveUserId: ALEX.userId },
        tokenLifetimes: { accessTokenSeconds: 120 },
      },
    });
    const response = await fetch(authorizeUrl(emulator, {}), { redirect: 'manual' });
    assert.equal(response.status, 302);
    const code = await codeOf(location(response));
    const tokens = await json<IssuedTokens>(
      await tokenRequest(emulator, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: WEB_CALLBACK,
        client_id: WEB.channelId,
        client_secret: WEB.channelSecret,
      }),
    );
    assert.equal(tokens.expires_in, 120);
    const { payload } = await jwtVerify(tokens.id_token ?? '', new TextEncoder().encode(WEB.channelSecret));
    assert.equal(payload.sub, ALEX.userId);
  });

  test('config and the options it covers are not combined', async () => {
    await assert.rejects(
      startLineEmulator({ config: STARTER, autoApprove: true }),
      /Pass either config or autoApprove/,
    );
  });

  test('snapshot: channels and users served, no secrets', async () => {
    const emulator = await start();
    const snapshot = emulator.snapshot();
    assert.deepEqual(snapshot, {
      channels: [
        { channelId: WEB.channelId, name: 'My web app', kind: 'web', callbackUrls: [WEB_CALLBACK] },
        { channelId: NATIVE.channelId, name: 'My LIFF app', kind: 'native', callbackUrls: [NATIVE_CALLBACK] },
      ],
      users: [
        { userId: HANAKO.userId, displayName: 'Hanako Yamada', email: 'hanako@example.com' },
        { userId: ALEX.userId, displayName: 'Alex Taylor' },
      ],
    });
    const text = JSON.stringify(snapshot);
    assert.equal(text.includes(WEB.channelSecret), false);
    assert.equal(text.includes(NATIVE.channelSecret), false);
  });
});

describe('Local LINE: reconfigure on a running emulator', () => {
  test('what remains keeps working; a removed channel’s or user’s tokens and codes stop', async () => {
    const emulator = await start();
    const kept = await webLogin(emulator, HANAKO.userId);
    const removedUser = await webLogin(emulator, ALEX.userId);
    const removedChannel = await nativeLogin(emulator, HANAKO.userId);
    const keptCode = await codeOf(await loginCallback(emulator, HANAKO.userId));
    const removedUserCode = await codeOf(await loginCallback(emulator, ALEX.userId));

    emulator.reconfigure({
      ...STARTER,
      channels: [{ ...WEB, name: 'Renamed web app' }],
      users: [HANAKO],
      tokenLifetimes: { accessTokenSeconds: 60 },
    });

    const keptVerify = await verifyStatus(emulator, kept.access_token);
    assert.equal(keptVerify.status, 200);
    // Issued before: keeps the lifetime it was issued with.
    assert.ok((keptVerify.body as { expires_in: number }).expires_in > 60);
    for (const gone of [removedUser, removedChannel]) {
      assert.deepEqual(await verifyStatus(emulator, gone.access_token), {
        status: 400,
        body: { error: 'invalid_request', error_description: 'access token invalid' },
      });
    }
    const redeem = (code: string): Promise<Response> =>
      tokenRequest(emulator, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: WEB_CALLBACK,
        client_id: WEB.channelId,
        client_secret: WEB.channelSecret,
      });
    const fromKeptCode = await redeem(keptCode);
    assert.equal(fromKeptCode.status, 200);
    assert.equal((await json<IssuedTokens>(fromKeptCode)).expires_in, 60);
    assert.equal((await redeem(removedUserCode)).status, 400);
    const refreshGone = await refreshNative(emulator, removedChannel.refresh_token);
    assert.equal(refreshGone.status, 400);
    const refreshKept = await refreshWeb(emulator, kept.refresh_token);
    assert.equal(refreshKept.status, 200);
    const { html } = await consentPage(emulator);
    assert.match(html, /Renamed web app/);
    assert.doesNotMatch(html, /Alex Taylor/);
    assert.deepEqual(
      emulator.snapshot().users.map((user) => user.userId),
      [HANAKO.userId],
    );
  });

  test('a removed user’s consents go with them: added again, they are asked again', async () => {
    const emulator = await start();
    const { pending } = await consentPage(emulator);
    const allowed = await submit(emulator, pending, { action: 'allow', user: HANAKO.userId });
    const cookie = (allowed.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
    const again = (): Promise<Response> =>
      fetch(authorizeUrl(emulator, {}), { redirect: 'manual', headers: { cookie } });
    // LINE's SSO: consented already, so no page (README ledger L21).
    assert.equal((await again()).status, 302);
    emulator.reconfigure({ ...STARTER, users: [ALEX] });
    emulator.reconfigure(STARTER);
    assert.equal((await again()).status, 200);
  });

  test('a configuration it cannot serve throws and changes nothing', async () => {
    const emulator = await start();
    const tokens = await webLogin(emulator, ALEX.userId);
    assert.throws(() => {
      emulator.reconfigure({
        ...STARTER,
        users: [HANAKO],
        consent: { mode: 'autoApprove', autoApproveUserId: ALEX.userId },
      });
    }, /autoApproveUserId/);
    assert.throws(() => {
      emulator.reconfigure({ ...STARTER, users: [{ userId: 'Ubad', displayName: 'Bad' }] });
    }, /userId/);
    assert.equal(emulator.snapshot().users.length, 2);
    assert.equal((await verifyStatus(emulator, tokens.access_token)).status, 200);
  });

  test('switching the consent mode takes effect on the next login', async () => {
    const emulator = await start();
    assert.equal((await fetch(authorizeUrl(emulator, {}), { redirect: 'manual' })).status, 200);
    emulator.reconfigure({ ...STARTER, consent: { mode: 'autoApprove' } });
    const response = await fetch(authorizeUrl(emulator, {}), { redirect: 'manual' });
    assert.equal(response.status, 302);
    assert.ok(location(response).searchParams.has('code'));
    emulator.reconfigure(STARTER);
    assert.equal((await fetch(authorizeUrl(emulator, {}), { redirect: 'manual' })).status, 200);
  });
});

describe('Local LINE: faults and actions from the UI', () => {
  test('faults are listed with what remains, counted down, and cleared one endpoint at a time', async () => {
    const emulator = await start();
    emulator.setFault('token', { kind: 'status', status: 429, retryAfter: 7 }, 1);
    emulator.setFault('profile', { kind: 'status', status: 500 });
    assert.deepEqual(emulator.activeFaults(), [
      { endpoint: 'token', fault: { kind: 'status', status: 429, retryAfter: 7 }, remaining: 1 },
      { endpoint: 'profile', fault: { kind: 'status', status: 500 }, remaining: undefined },
    ]);
    // A view holding the list cannot change the faults.
    const listed = emulator.activeFaults()[1]?.fault;
    assert.ok(listed?.kind === 'status');
    listed.status = 200;
    assert.deepEqual(emulator.activeFaults()[1]?.fault, { kind: 'status', status: 500 });
    const limited = await tokenRequest(emulator, { grant_type: 'refresh_token' });
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '7');
    assert.deepEqual(
      emulator.activeFaults().map((fault) => fault.endpoint),
      ['profile'],
    );
    for (let i = 0; i < 2; i += 1) {
      assert.equal((await fetch(`${emulator.apiBaseUrl}/v2/profile`)).status, 500);
    }
    emulator.clearFault('profile');
    assert.deepEqual(emulator.activeFaults(), []);
    for (const bad of [
      { kind: 'slow', delayMs: -1 },
      { kind: 'slow', delayMs: Number.NaN },
      { kind: 'status', status: 429, retryAfter: 1.5 },
      { kind: 'status', status: 429, retryAfter: -1 },
    ] as const) {
      assert.throws(() => {
        emulator.setFault('certs', bad);
      }, RangeError);
    }
    assert.deepEqual(emulator.activeFaults(), []);
    assert.equal((await fetch(`${emulator.apiBaseUrl}/v2/profile`)).status, 401);
  });

  test('429, 500, slow and malformed JSON are each reachable one-shot and sticky', async () => {
    const log: string[] = [];
    const emulator = await start({ log: (line) => log.push(line) });
    const certs = (): Promise<Response> => fetch(`${emulator.apiBaseUrl}/oauth2/v2.1/certs`);
    const faults = [
      { fault: { kind: 'status', status: 429, retryAfter: 30 }, check: (r: Response) => r.status === 429 },
      { fault: { kind: 'status', status: 500 }, check: (r: Response) => r.status === 500 },
      { fault: { kind: 'malformedJson' }, check: (r: Response) => r.status === 200 },
      { fault: { kind: 'slow', delayMs: 1 }, check: (r: Response) => r.status === 200 },
    ] as const;
    for (const { fault, check } of faults) {
      emulator.setFault('certs', fault, 1);
      log.length = 0;
      const once = await certs();
      assert.ok(check(once), `${fault.kind} one-shot`);
      const text = await once.text();
      if (fault.kind === 'malformedJson') {
        assert.throws(() => JSON.parse(text) as unknown, SyntaxError);
      }
      assert.match(log.join('\n'), new RegExp(`fault ${fault.kind}`));
      assert.deepEqual(emulator.activeFaults(), []);
      const normal = await (await certs()).text();
      assert.doesNotThrow(() => JSON.parse(normal) as unknown);

      emulator.setFault('certs', fault);
      for (let i = 0; i < 3; i += 1) {
        log.length = 0;
        const sticky = await certs();
        assert.ok(check(sticky), `${fault.kind} sticky`);
        await sticky.text();
        assert.match(log.join('\n'), new RegExp(`fault ${fault.kind}`));
      }
      emulator.clearFault('certs');
    }
  });

  test('cancelConsent: the page closes, nothing goes back to the app; denyConsent redirects ACCESS_DENIED', async () => {
    const emulator = await start();
    emulator.setFault('authorize', { kind: 'cancelConsent' }, 1);
    const cancelled = await fetch(authorizeUrl(emulator, {}), { redirect: 'manual' });
    assert.equal(cancelled.status, 200);
    assert.equal(cancelled.headers.get('location'), null);
    assert.match(await cancelled.text(), /Login cancelled/);
    // Cancelling on the consent page itself.
    const { pending } = await consentPage(emulator);
    emulator.setFault('authorize', { kind: 'cancelConsent' }, 1);
    const closed = await submit(emulator, pending, { action: 'allow', user: HANAKO.userId });
    assert.equal(closed.status, 200);
    assert.equal(closed.headers.get('location'), null);

    emulator.setFault('authorize', { kind: 'denyConsent' }, 1);
    const denied = await fetch(authorizeUrl(emulator, {}), { redirect: 'manual' });
    assert.equal(location(denied).searchParams.get('error'), 'ACCESS_DENIED');
    assert.throws(() => {
      emulator.setFault('token', { kind: 'cancelConsent' });
    }, TypeError);
  });

  test('expireUserTokens: that user’s access tokens answer as expired; refresh still works; others unaffected', async () => {
    const time = clock();
    const emulator = await start({ now: time.now });
    const hanako = await webLogin(emulator, HANAKO.userId);
    const alex = await webLogin(emulator, ALEX.userId);
    emulator.expireUserTokens(HANAKO.userId);
    assert.deepEqual(await verifyStatus(emulator, hanako.access_token), {
      status: 400,
      body: { error: 'invalid_request', error_description: 'access token expired' },
    });
    const profile = await fetch(`${emulator.apiBaseUrl}/v2/profile`, {
      headers: { authorization: `Bearer ${hanako.access_token}` },
    });
    assert.equal(profile.status, 401);
    assert.deepEqual(await profile.json(), { message: 'The access token expired' });
    assert.equal((await verifyStatus(emulator, alex.access_token)).status, 200);
    const refreshed = await refreshWeb(emulator, hanako.refresh_token);
    assert.equal(refreshed.status, 200);
    const fresh = await json<IssuedTokens>(refreshed);
    assert.equal((await verifyStatus(emulator, fresh.access_token)).status, 200);
    assert.throws(() => {
      emulator.expireUserTokens(`U${'0'.repeat(32)}`);
    }, /Unknown user/);
  });

  test('revokeAll: every access and refresh token stops working; new logins work', async () => {
    const emulator = await start();
    const web = await webLogin(emulator, HANAKO.userId);
    const native = await nativeLogin(emulator, ALEX.userId);
    emulator.revokeAll();
    for (const tokens of [web, native]) {
      assert.equal((await verifyStatus(emulator, tokens.access_token)).status, 400);
    }
    const refresh = await refreshWeb(emulator, web.refresh_token);
    assert.equal(refresh.status, 400);
    const again = await webLogin(emulator, HANAKO.userId);
    assert.equal((await verifyStatus(emulator, again.access_token)).status, 200);
  });

  test('setFriendship: the user unfriends the Official Account, and adds it again', async () => {
    const emulator = await start();
    const tokens = await webLogin(emulator, HANAKO.userId);
    assert.deepEqual(await (await friendFlag(emulator, tokens.access_token)).json(), { friendFlag: true });
    emulator.setFriendship(HANAKO.userId, WEB.channelId, false);
    assert.deepEqual(await (await friendFlag(emulator, tokens.access_token)).json(), { friendFlag: false });
    emulator.setFriendship(HANAKO.userId, WEB.channelId, true);
    assert.deepEqual(await (await friendFlag(emulator, tokens.access_token)).json(), { friendFlag: true });
    assert.throws(() => {
      emulator.setFriendship(HANAKO.userId, '9999999999', true);
    }, /Unknown channel/);
  });
});
