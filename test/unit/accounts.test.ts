import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startLineEmulator, type LineEmulator } from '../../emulator/index';
import { LineAccounts } from '../../src/core/accounts';
import { InputError } from '../../src/core/errors';
import { createLineJwks } from '../../src/core/idToken';
import { LineLoginClient } from '../../src/core/lineClient';
import { signInWithLoopback } from '../../src/core/loginFlow';
import { InMemoryTokenStore, type AccountKey } from '../../src/core/tokenStore';
import type { TokenSet } from '../../src/core/types';
import { freePort } from '../support/ports';

const CHANNEL = { channelId: '1670000001', channelSecret: 'f0e1d2c3b4a5968778695a4b3c2d1e0f' };
const USER = {
  userId: `U${'b'.repeat(32)}`,
  displayName: 'Suzuki Ichiro',
  pictureUrl: 'https://profile.line-scdn.net/ichiro',
};
const KEY: AccountKey = { channelId: CHANNEL.channelId, userId: USER.userId };

let emulator: LineEmulator;
let callbackUrl: string;
let store: InMemoryTokenStore;
let client: LineLoginClient;
let accounts: LineAccounts;
let now = Date.now();

function makeAccounts(fetchOverride?: (input: string, init: RequestInit) => Promise<Response>): LineAccounts {
  const api = new LineLoginClient({
    endpoints: { authorizeBaseUrl: emulator.authorizeBaseUrl, apiBaseUrl: emulator.apiBaseUrl },
    ...(fetchOverride ? { fetch: fetchOverride } : {}),
  });
  return new LineAccounts({
    client: api,
    store,
    jwks: createLineJwks(emulator.apiBaseUrl),
    channelCredentials: (channelId) => {
      if (channelId !== CHANNEL.channelId) {
        return Promise.reject(new InputError('ERR_INVALID_CHANNEL', 'unknown channel'));
      }
      return Promise.resolve(CHANNEL);
    },
    now: () => now,
  });
}

async function signIn(scopes = ['profile', 'openid']): Promise<TokenSet> {
  const result = await signInWithLoopback(
    { channel: CHANNEL, callbackUrl, scopes },
    { client, store, jwks: createLineJwks(emulator.apiBaseUrl), now: () => now },
    {
      openBrowser: async (url) => {
        const location = (await fetch(url, { redirect: 'manual' })).headers.get('location') ?? '';
        await (await fetch(location)).text();
        return true;
      },
      timeoutMs: 10_000,
    },
  );
  return result.tokenSet;
}

before(async () => {
  callbackUrl = `http://127.0.0.1:${await freePort()}/callback`;
  emulator = await startLineEmulator({
    channels: [{ ...CHANNEL, callbackUrls: [callbackUrl] }],
    users: [{ ...USER, friendOf: [] }],
    autoApprove: true,
    now: () => now,
  });
});

after(async () => {
  await emulator.close();
});

beforeEach(() => {
  now = Date.now();
  emulator.clearFaults();
  store = new InMemoryTokenStore();
  client = new LineLoginClient({
    endpoints: { authorizeBaseUrl: emulator.authorizeBaseUrl, apiBaseUrl: emulator.apiBaseUrl },
  });
  accounts = makeAccounts();
});

describe('refresh', () => {
  test('replaces the access and refresh tokens, keeps the ID token, claims, profile and the original 90-day limit', async () => {
    const original = await signIn();
    now += 60_000;
    const refreshed = await accounts.refresh(KEY);
    assert.notEqual(refreshed.accessToken, original.accessToken);
    // LINE's reference (emulator/README.md ledger L2): the refresh token that was sent comes back.
    assert.equal(refreshed.refreshToken, original.refreshToken);
    assert.equal(refreshed.idToken, original.idToken);
    assert.deepEqual(refreshed.idTokenClaims, original.idTokenClaims);
    assert.deepEqual(refreshed.profile, original.profile);
    assert.equal(
      refreshed.refreshTokenExpiresAt,
      original.refreshTokenExpiresAt,
      'refreshing does not extend the refresh token',
    );
    assert.equal(refreshed.originalIssuedAt, original.originalIssuedAt);
    assert.equal(refreshed.accessTokenIssuedAt, now);
    assert.deepEqual(await store.get(KEY), refreshed);
  });

  test('keeps the old refresh token when LINE returns none', async () => {
    const original = await signIn();
    const withoutRefreshToken = async (input: string, init: RequestInit): Promise<Response> => {
      const response = await fetch(input, init);
      if (!input.endsWith('/oauth2/v2.1/token')) {
        return response;
      }
      const body = (await response.json()) as Record<string, unknown>;
      delete body.refresh_token;
      return new Response(JSON.stringify(body), { status: response.status, headers: response.headers });
    };
    const refreshed = await makeAccounts(withoutRefreshToken).refresh(KEY);
    assert.notEqual(refreshed.accessToken, original.accessToken);
    assert.equal(refreshed.refreshToken, original.refreshToken);
  });

  test('a failed refresh keeps every stored token', async () => {
    const original = await signIn();
    emulator.setFault(
      'token',
      { kind: 'status', status: 500, body: '{"error":"server_error"}', contentType: 'application/json' },
      1,
    );
    await assert.rejects(accounts.refresh(KEY), { code: 'ERR_LINE_SERVER_ERROR' });
    emulator.setFault('token', { kind: 'malformedJson' }, 1);
    await assert.rejects(accounts.refresh(KEY), { code: 'ERR_LINE_MALFORMED_RESPONSE' });
    assert.deepEqual(await store.get(KEY), original);
  });

  test('an expired refresh token is invalid_grant ("sign in again") and deletes nothing', async () => {
    const original = await signIn();
    now += 91 * 24 * 3600 * 1000;
    await assert.rejects(accounts.refresh(KEY), { code: 'ERR_LINE_INVALID_GRANT', message: /sign in again/ });
    assert.deepEqual(await store.get(KEY), original);
  });

  test('concurrent refreshes of one account make one request to LINE', async () => {
    await signIn();
    const before = emulator.requests.filter((r) => r.endpoint === 'token').length;
    const [a, b, c] = await Promise.all([accounts.refresh(KEY), accounts.refresh(KEY), accounts.refresh(KEY)]);
    assert.equal(emulator.requests.filter((r) => r.endpoint === 'token').length - before, 1);
    assert.equal(a.accessToken, b.accessToken);
    assert.equal(b.accessToken, c.accessToken);
  });

  test('an account signed out during the refresh is not brought back', async () => {
    await signIn();
    emulator.setFault('token', { kind: 'slow', delayMs: 200 }, 1);
    const refreshing = accounts.refresh(KEY);
    await accounts.signOut(KEY);
    await refreshing;
    assert.equal(await store.get(KEY), undefined);
  });

  test('an unknown account is a coded error', async () => {
    await assert.rejects(accounts.refresh({ channelId: CHANNEL.channelId, userId: 'Unobody' }), {
      code: 'ERR_ACCOUNT_NOT_FOUND',
    });
  });
});

describe('revoke', () => {
  test('calls LINE, then deletes locally, and reports the server answer', async () => {
    const tokenSet = await signIn();
    const result = await accounts.revoke(KEY);
    assert.deepEqual(result, { revokedOnServer: true, deletedLocally: true });
    assert.equal(await store.get(KEY), undefined);
    await assert.rejects(client.verifyAccessToken(tokenSet.accessToken), { code: 'ERR_LINE_ACCESS_TOKEN_INVALID' });
  });

  test('deletes locally even when LINE fails, and says so', async () => {
    await signIn();
    emulator.setFault('revoke', { kind: 'status', status: 500, body: '', contentType: 'text/plain' }, 1);
    const result = await accounts.revoke(KEY);
    assert.equal(result.revokedOnServer, false);
    assert.equal(result.serverErrorCode, 'ERR_LINE_SERVER_ERROR');
    assert.equal(result.deletedLocally, true);
    assert.equal(await store.get(KEY), undefined);
  });
});

describe('verify', () => {
  test("access token: LINE's answer with the channel and lifetime checks", async () => {
    await signIn();
    const verification = await accounts.verifyAccessToken(KEY);
    assert.equal(verification.clientId, CHANNEL.channelId);
    assert.ok(verification.expiresIn > 0);
  });

  test('ID token: local and server verdicts side by side, no differences while valid', async () => {
    await signIn();
    const comparison = await accounts.verifyIdToken(KEY);
    assert.equal(comparison.local.ok, true);
    assert.equal(comparison.server.ok, true);
    assert.deepEqual(comparison.differences, []);
    assert.equal(comparison.local.claims?.sub, USER.userId);
  });

  test('ID token: an hour later both say expired; with a differing verdict it is listed', async () => {
    await signIn();
    now += 2 * 3600 * 1000;
    const comparison = await accounts.verifyIdToken(KEY);
    assert.equal(comparison.local.errorCode, 'ERR_ID_TOKEN_EXPIRED');
    assert.equal(comparison.server.ok, false);
    assert.deepEqual(comparison.differences, []);
    emulator.setFault('verifyIdToken', { kind: 'status', status: 500, body: '{}', contentType: 'application/json' }, 1);
    now -= 2 * 3600 * 1000;
    const differing = await accounts.verifyIdToken(KEY);
    assert.equal(differing.local.ok, true);
    assert.equal(differing.server.errorCode, 'ERR_LINE_SERVER_ERROR');
    assert.deepEqual(differing.differences, ['verdict']);
  });

  test('ID token: none stored without openid', async () => {
    await signIn(['profile']);
    await assert.rejects(accounts.verifyIdToken(KEY), { code: 'ERR_ACCOUNT_NOT_FOUND', message: /openid/ });
  });
});

describe('user data, deauthorize, sign out', () => {
  test('getProfile refreshes the stored profile; friendship and userinfo use the stored token', async () => {
    await signIn();
    const profile = await accounts.getProfile(KEY);
    assert.equal(profile.displayName, USER.displayName);
    assert.deepEqual((await store.get(KEY))?.profile, profile);
    assert.deepEqual(await accounts.getFriendshipStatus(KEY), { friendFlag: false });
    assert.equal((await accounts.getUserInfo(KEY)).sub, USER.userId);
  });

  test('deauthorize ends the tokens on LINE and removes the account', async () => {
    const tokenSet = await signIn();
    assert.deepEqual(await accounts.deauthorize(KEY), { deauthorizedOnServer: true, deletedLocally: true });
    await assert.rejects(client.verifyAccessToken(tokenSet.accessToken), { code: 'ERR_LINE_ACCESS_TOKEN_INVALID' });
    assert.equal(await store.get(KEY), undefined);
  });

  test('sign out is local only: the token still works on LINE', async () => {
    const tokenSet = await signIn();
    assert.equal(await accounts.signOut(KEY), true);
    assert.equal(await store.get(KEY), undefined);
    assert.equal((await client.verifyAccessToken(tokenSet.accessToken)).clientId, CHANNEL.channelId);
  });
});
