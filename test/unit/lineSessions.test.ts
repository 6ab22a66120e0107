// The provider's sessions against the emulator over real HTTP: matching, and the refresh of a
// token close to expiry before it is handed to another extension.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startLineEmulator, type LineEmulator } from '../../emulator/index';
import { LineAccounts } from '../../src/core/accounts';
import { createLineJwks } from '../../src/core/idToken';
import { LineLoginClient } from '../../src/core/lineClient';
import { LineSessions, SESSION_REFRESH_MARGIN_MS } from '../../src/core/lineSessions';
import type { AccountKey } from '../../src/core/tokenStore';
import { InMemoryTokenStore } from '../../src/core/inMemoryTokenStore';
import type { TokenSet } from '../../src/core/types';

const CHANNEL = { channelId: '1680000001', channelSecret: '0a1b2c3d4e5f60718293a4b5c6d7e8f9' };
const OTHER_CHANNEL = { channelId: '1680000002', channelSecret: '9f8e7d6c5b4a39281706f5e4d3c2b1a0' };
const USER = { userId: `U${'f'.repeat(32)}`, displayName: 'Kato' };

let emulator: LineEmulator;
let store: InMemoryTokenStore;
let accounts: LineAccounts;
let sessions: LineSessions;
let now: number;
let refreshCalls: number;
const refreshFailures: string[] = [];

async function signedIn(channel: typeof CHANNEL, scopes: string[], expiresInMs: number): Promise<TokenSet> {
  const issued = await emulator.issueTokensDirectly(channel.channelId, USER.userId, scopes);
  const tokenSet: TokenSet = {
    channelId: channel.channelId,
    userId: USER.userId,
    accessToken: issued.access_token,
    tokenType: 'Bearer',
    scopes,
    accessTokenIssuedAt: now,
    accessTokenExpiresAt: now + expiresInMs,
    refreshToken: issued.refresh_token,
    originalIssuedAt: now,
    ...(issued.id_token === undefined ? {} : { idToken: issued.id_token }),
  };
  await store.put(tokenSet);
  return tokenSet;
}

before(async () => {
  emulator = await startLineEmulator({
    channels: [
      { ...CHANNEL, callbackUrls: ['http://127.0.0.1:1/cb'], name: 'Shop' },
      { ...OTHER_CHANNEL, callbackUrls: ['http://127.0.0.1:1/cb'] },
    ],
    users: [{ ...USER, friendOf: [] }],
  });
});

after(async () => {
  await emulator.close();
});

beforeEach(() => {
  now = Date.now();
  refreshCalls = 0;
  refreshFailures.length = 0;
  emulator.clearFaults();
  emulator.requests.length = 0;
  store = new InMemoryTokenStore();
  const client = new LineLoginClient({
    endpoints: { authorizeBaseUrl: emulator.authorizeBaseUrl, apiBaseUrl: emulator.apiBaseUrl },
  });
  accounts = new LineAccounts({
    client,
    store,
    jwks: createLineJwks(emulator.apiBaseUrl),
    channelCredentials: (channelId) => Promise.resolve(channelId === CHANNEL.channelId ? CHANNEL : OTHER_CHANNEL),
    now: () => now,
  });
  sessions = new LineSessions({
    store,
    refresh: (key: AccountKey) => {
      refreshCalls += 1;
      return accounts.refresh(key);
    },
    channelName: (channelId) => (channelId === CHANNEL.channelId ? 'Shop' : undefined),
    now: () => now,
    onRefreshFailed: (_key, code) => refreshFailures.push(code ?? 'unknown'),
  });
});

describe('LineSessions', () => {
  test('returns the accounts matching the scopes, with exactly the requested scopes and stable labels', async () => {
    const shop = await signedIn(CHANNEL, ['profile', 'openid'], 30 * 24 * 3600_000);
    await signedIn(OTHER_CHANNEL, ['profile'], 30 * 24 * 3600_000);

    const all = await sessions.getSessions(undefined);
    assert.deepEqual(all.map((s) => [s.id, s.account.label, s.scopes]).sort(), [
      [`${CHANNEL.channelId}/${USER.userId}`, 'Shop (…ffffff)', ['profile', 'openid', `channel:${CHANNEL.channelId}`]],
      [
        `${OTHER_CHANNEL.channelId}/${USER.userId}`,
        `${OTHER_CHANNEL.channelId} (…ffffff)`,
        ['profile', `channel:${OTHER_CHANNEL.channelId}`],
      ],
    ]);

    const asked = ['openid', `channel:${CHANNEL.channelId}`];
    const [session, ...rest] = await sessions.getSessions(asked);
    assert.deepEqual(rest, []);
    assert.ok(session);
    assert.deepEqual(session.scopes, asked);
    assert.equal(session.accessToken, shop.accessToken);
    assert.equal(session.account.id, `${CHANNEL.channelId}/${USER.userId}`);

    assert.equal((await sessions.getSessions(['openid'])).length, 1, 'only the channel that granted openid');
    assert.equal((await sessions.getSessions(['email'])).length, 0);
    assert.equal(
      (await sessions.getSessions(['profile'], { accountId: `${OTHER_CHANNEL.channelId}/${USER.userId}` })).length,
      1,
    );
    await assert.rejects(sessions.getSessions(['chanel:1']), { code: 'ERR_INVALID_INPUT' });
    assert.equal(refreshCalls, 0, 'no refresh for tokens far from expiry');
  });

  test('a token within 5 minutes of expiry is refreshed first, once for concurrent callers, and the new token works', async () => {
    const before = await signedIn(CHANNEL, ['profile', 'openid'], SESSION_REFRESH_MARGIN_MS - 1000);
    const scopes = [`channel:${CHANNEL.channelId}`];
    const [a, b] = await Promise.all([sessions.getSessions(scopes), sessions.getSessions(scopes)]);
    assert.equal(refreshCalls, 2, 'both callers asked');
    assert.equal(emulator.requests.filter((r) => r.endpoint === 'token').length, 1, 'one refresh request reached LINE');
    assert.ok(a[0] && b[0]);
    assert.notEqual(a[0].accessToken, before.accessToken);
    assert.equal(a[0].accessToken, b[0].accessToken);
    assert.equal((await store.get(before))?.accessToken, a[0].accessToken, 'the refreshed token is stored');
    const profile = await fetch(`${emulator.apiBaseUrl}/v2/profile`, {
      headers: { authorization: `Bearer ${a[0].accessToken}` },
    });
    assert.equal(profile.status, 200);
  });

  test('a failed refresh hands out the stored token, keeps it stored, and says why', async () => {
    const before = await signedIn(CHANNEL, ['profile'], 1000);
    emulator.setFault('token', { kind: 'status', status: 500, body: '{}', contentType: 'application/json' }, 1);
    const [session] = await sessions.getSessions(['profile']);
    assert.equal(session?.accessToken, before.accessToken);
    assert.deepEqual(refreshFailures, ['ERR_LINE_SERVER_ERROR']);
    assert.deepEqual(await store.get(before), before);
  });
});
