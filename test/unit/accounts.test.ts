import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startLineEmulator, type LineEmulator } from '../../emulator/index';
import { LineAccounts } from '../../src/core/accounts';
import { InputError } from '../../src/core/errors';
import { createLineJwks } from '../../src/core/idToken';
import { LineLoginClient } from '../../src/core/lineClient';
import { signInWithLoopback } from '../../src/core/loginFlow';
import { InProcessLock } from '../../src/core/machineLock';
import { InMemoryTokenStore } from '../../src/core/inMemoryTokenStore';
import type { AccountKey, TokenStore } from '../../src/core/tokenStore';
import { REFRESH_TOKEN_LIFETIME_MS, type TokenSet } from '../../src/core/types';
import { SecretTokenStore } from '../../src/vscode/secretTokenStore';
import { freePort } from '../support/ports';
import { MemorySecretStorage } from '../support/secretStorageFakes';
import { eventually } from '../support/wait';

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

type Fetch = (input: string, init: RequestInit) => Promise<Response>;

function makeAccounts(
  fetchOverride?: Fetch,
  more: Partial<ConstructorParameters<typeof LineAccounts>[0]> & { store?: TokenStore } = {},
): LineAccounts {
  const api = new LineLoginClient({
    endpoints: { authorizeBaseUrl: emulator.authorizeBaseUrl, apiBaseUrl: emulator.apiBaseUrl },
    ...(fetchOverride ? { fetch: fetchOverride } : {}),
  });
  return new LineAccounts({
    client: api,
    store,
    ...more,
    jwks: createLineJwks(emulator.apiBaseUrl),
    channelCredentials: (channelId) => {
      if (channelId !== CHANNEL.channelId) {
        return Promise.reject(new InputError('ERR_INVALID_CHANNEL', 'unknown channel'));
      }
      return Promise.resolve(CHANNEL);
    },
    now: () => now,
    ...more,
  });
}

/**
 * LINE as its reference documents refresh: the response carries the refresh token that was sent.
 * The emulator rotates them, so this client-side shim keeps handing the first one back and
 * translates it to the emulator's current one on the way in.
 */
function sameRefreshTokenFetch(): Fetch {
  const live = new Map<string, string>();
  return async (input, init) => {
    const form = new URLSearchParams(typeof init.body === 'string' ? init.body : '');
    if (!input.endsWith('/oauth2/v2.1/token') || form.get('grant_type') !== 'refresh_token') {
      return fetch(input, init);
    }
    const held = form.get('refresh_token') ?? '';
    form.set('refresh_token', live.get(held) ?? held);
    const response = await fetch(input, { ...init, body: form.toString() });
    if (!response.ok) {
      return response;
    }
    const body = (await response.json()) as { refresh_token: string };
    live.set(held, body.refresh_token);
    return new Response(JSON.stringify({ ...body, refresh_token: held }), {
      status: response.status,
      headers: { 'content-type': 'application/json' },
    });
  };
}

function tokenRequests(grantType: string): number {
  return emulator.requests.filter((r) => r.endpoint === 'token' && r.form.grant_type === grantType).length;
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
    const before = tokenRequests('refresh_token');
    const refreshing = accounts.refresh(KEY);
    await eventually(() => tokenRequests('refresh_token') > before, 'the refresh reaches LINE');
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

describe('refresh across windows (one lock, one store, two LineAccounts)', () => {
  test('the window that waited for the lock uses the refresh the other made: one LINE call, no "sign in again"', async () => {
    await signIn();
    const lock = new InProcessLock();
    const windowA = makeAccounts(undefined, { lock });
    const windowB = makeAccounts(undefined, { lock });
    emulator.setFault('token', { kind: 'slow', delayMs: 100 }, 1);
    const before = tokenRequests('refresh_token');
    const [a, b] = await Promise.all([windowA.refresh(KEY), windowB.refresh(KEY)]);
    assert.equal(tokenRequests('refresh_token') - before, 1);
    assert.equal(b.accessToken, a.accessToken);
    assert.equal(b.refreshToken, a.refreshToken);
    assert.equal((await store.get(KEY))?.accessToken, a.accessToken);
  });

  test('with LINE returning the same refresh token, the waiting window still sees the refresh (by its access token)', async () => {
    await signIn();
    const lock = new InProcessLock();
    const shim = sameRefreshTokenFetch();
    const windowA = makeAccounts(shim, { lock });
    const windowB = makeAccounts(shim, { lock });
    emulator.setFault('token', { kind: 'slow', delayMs: 100 }, 1);
    const before = tokenRequests('refresh_token');
    const [a, b] = await Promise.all([windowA.refresh(KEY), windowB.refresh(KEY)]);
    assert.equal(tokenRequests('refresh_token') - before, 1);
    assert.equal(b.accessToken, a.accessToken);
  });

  test('new tokens whose save fails are saved by a retry made while the lock is still held', async () => {
    const secrets = new MemorySecretStorage();
    const secretStore = new SecretTokenStore(secrets, { writeRetryDelaysMs: [0, 0], sleep: () => Promise.resolve() });
    store = secretStore as unknown as InMemoryTokenStore;
    const original = await signIn();
    const sleeps: number[] = [];
    const windowA = makeAccounts(undefined, {
      store: secretStore,
      saveRetryDelaysMs: [5, 5, 5],
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
    });
    // Three failed attempts in update(), three more in the first retry: the second retry saves.
    secrets.fail('store', { times: 6 });
    const refreshed = await windowA.refresh(KEY);
    assert.notEqual(refreshed.accessToken, original.accessToken);
    assert.deepEqual(sleeps, [5, 5]);
    assert.equal((await secretStore.get(KEY))?.accessToken, refreshed.accessToken);
    assert.deepEqual(secretStore.unsavedAccounts(), []);
    const stored = JSON.parse(secrets.values.get('lineLogin.accounts.v1') ?? '{}') as { accounts: TokenSet[] };
    assert.equal(stored.accounts[0]?.refreshToken, refreshed.refreshToken);
  });

  test('when saving keeps failing: ERR_STORE_WRITE_FAILED, the new tokens stay usable in memory, and are saved later', async () => {
    const secrets = new MemorySecretStorage();
    const secretStore = new SecretTokenStore(secrets, { writeRetryDelaysMs: [0], sleep: () => Promise.resolve() });
    store = secretStore as unknown as InMemoryTokenStore;
    const original = await signIn();
    const windowA = makeAccounts(undefined, {
      store: secretStore,
      saveRetryDelaysMs: [0, 0],
      sleep: () => Promise.resolve(),
    });
    secrets.fail('store');
    await assert.rejects(windowA.refresh(KEY), { code: 'ERR_STORE_WRITE_FAILED', message: /keeps them in memory/ });
    const inMemory = await secretStore.get(KEY);
    assert.ok(inMemory);
    assert.notEqual(inMemory.accessToken, original.accessToken);
    // The old refresh token is spent at the emulator; the kept one is what works.
    assert.equal((await windowA.verifyAccessToken(KEY)).clientId, CHANNEL.channelId);
    secrets.heal();
    assert.equal(await secretStore.saveUnsaved(), true);
    const again = await windowA.refresh(KEY);
    assert.notEqual(again.accessToken, inMemory.accessToken, 'the saved refresh token works at LINE');
  });
});

describe("a refresh that returns the refresh token it was sent (LINE's documented behaviour)", () => {
  test('works again and again, and the refresh token keeps the 90-day limit of the original sign-in', async () => {
    const original = await signIn();
    const sameToken = makeAccounts(sameRefreshTokenFetch());
    now += 3 * 86_400_000;
    const first = await sameToken.refresh(KEY);
    now += 20 * 86_400_000;
    const second = await sameToken.refresh(KEY);
    assert.equal(first.refreshToken, original.refreshToken);
    assert.equal(second.refreshToken, original.refreshToken);
    assert.notEqual(second.accessToken, first.accessToken);
    assert.equal(second.accessTokenIssuedAt, now);
    assert.equal(second.originalIssuedAt, original.originalIssuedAt);
    assert.equal(second.refreshTokenExpiresAt, original.originalIssuedAt + REFRESH_TOKEN_LIFETIME_MS);
    assert.deepEqual(await store.get(KEY), second);
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

  const unreachable: [string, Parameters<LineEmulator['setFault']>[1]][] = [
    ['the connection drops', { kind: 'destroySocket' }],
    ['LINE answers 500', { kind: 'status', status: 500, body: '{"error":"server_error"}' }],
    ['a proxy answers 502 with an HTML page', { kind: 'html' }],
  ];
  for (const [what, fault] of unreachable) {
    test(`${what}: the account is kept and marked, and a retry that reaches LINE deletes it`, async () => {
      const tokenSet = await signIn();
      emulator.setFault('revoke', fault, 1);
      now += 1000;
      const result = await accounts.revoke(KEY);
      assert.equal(result.revokedOnServer, false);
      assert.equal(result.deletedLocally, false);
      assert.ok(result.serverErrorCode?.startsWith('ERR_'));
      const kept = await store.get(KEY);
      assert.equal(kept?.accessToken, tokenSet.accessToken, 'the only copy is kept');
      assert.deepEqual(kept.revokeFailure, { at: now, errorCode: result.serverErrorCode });
      // Still valid at LINE: that is why it was kept.
      assert.equal((await client.verifyAccessToken(tokenSet.accessToken)).clientId, CHANNEL.channelId);

      assert.deepEqual(await accounts.revoke(KEY), { revokedOnServer: true, deletedLocally: true });
      assert.equal(await store.get(KEY), undefined);
    });
  }

  test('LINE not answering in time: kept and marked', async () => {
    await signIn();
    const impatient = new LineAccounts({
      client: new LineLoginClient({
        endpoints: { authorizeBaseUrl: emulator.authorizeBaseUrl, apiBaseUrl: emulator.apiBaseUrl },
        timeoutMs: 50,
      }),
      store,
      jwks: createLineJwks(emulator.apiBaseUrl),
      channelCredentials: () => Promise.resolve(CHANNEL),
      now: () => now,
    });
    emulator.setFault('revoke', { kind: 'slow', delayMs: 5_000 }, 1);
    const result = await impatient.revoke(KEY);
    assert.deepEqual(
      { ...result, serverErrorMessage: undefined },
      {
        revokedOnServer: false,
        deletedLocally: false,
        serverErrorCode: 'ERR_NETWORK_TIMEOUT',
        serverErrorMessage: undefined,
      },
    );
    assert.equal((await store.get(KEY))?.revokeFailure?.errorCode, 'ERR_NETWORK_TIMEOUT');
  });

  test('LINE answering 400 invalid_request (an already invalid token) counts as an answer: deleted locally', async () => {
    await signIn();
    emulator.setFault('revoke', { kind: 'status', status: 400, body: '{"error":"invalid_request"}' }, 1);
    const result = await accounts.revoke(KEY);
    assert.equal(result.revokedOnServer, false);
    assert.equal(result.deletedLocally, true);
    assert.equal(result.serverErrorCode, 'ERR_LINE_BAD_REQUEST');
    assert.equal(await store.get(KEY), undefined);
  });

  test('a rejected channel secret or a 429 did not judge the token: kept', async () => {
    await signIn();
    emulator.setFault(
      'revoke',
      { kind: 'status', status: 401, body: '{"error":"invalid_client","error_description":"bad secret"}' },
      1,
    );
    assert.equal((await accounts.revoke(KEY)).deletedLocally, false);
    emulator.setFault('revoke', { kind: 'status', status: 429, retryAfter: 30 }, 1);
    const limited = await accounts.revoke(KEY);
    assert.equal(limited.deletedLocally, false);
    assert.equal(limited.serverErrorCode, 'ERR_LINE_RATE_LIMITED');
    assert.ok(await store.get(KEY));
  });

  test('deleteLocallyOnFailure deletes even when LINE could not be reached, and says LINE did not revoke', async () => {
    await signIn();
    emulator.setFault('revoke', { kind: 'destroySocket' }, 1);
    const result = await accounts.revoke(KEY, { deleteLocallyOnFailure: true });
    assert.equal(result.revokedOnServer, false);
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
