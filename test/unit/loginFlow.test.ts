import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startLineEmulator, type LineEmulator } from '../../emulator/index';
import { createLineJwks } from '../../src/core/idToken';
import { LineLoginClient } from '../../src/core/lineClient';
import {
  beginAuthorization,
  completeWithRedirectedUrl,
  prepareAuthorization,
  signInWithLoopback,
  type LoginFlowDependencies,
  type SignInStage,
} from '../../src/core/loginFlow';
import { InMemoryTokenStore } from '../../src/core/inMemoryTokenStore';
import { REFRESH_TOKEN_LIFETIME_MS } from '../../src/core/types';
import { SecretTokenStore } from '../../src/vscode/secretTokenStore';
import { freePort } from '../support/ports';
import { MemorySecretStorage } from '../support/secretStorageFakes';

const HS_CHANNEL = { channelId: '1660000001', channelSecret: 'c1c2c3c4c5c6c7c8c9d0d1d2d3d4d5d6' };
const ES_CHANNEL = { channelId: '1660000002', channelSecret: 'e1e2e3e4e5e6e7e8e9f0f1f2f3f4f5f6' };
const USER = {
  userId: `U${'a'.repeat(32)}`,
  displayName: '田中 太郎',
  pictureUrl: 'https://profile.line-scdn.net/taro',
  email: 'taro@example.com',
};

let emulator: LineEmulator;
let callbackUrl: string;

function dependencies(store = new InMemoryTokenStore()): LoginFlowDependencies & { store: InMemoryTokenStore } {
  const client = new LineLoginClient({
    endpoints: { authorizeBaseUrl: emulator.authorizeBaseUrl, apiBaseUrl: emulator.apiBaseUrl },
  });
  return { client, store, jwks: createLineJwks(emulator.apiBaseUrl) };
}

/** The system browser, played by fetch: authorize page → 302 → our loopback server → 302 → result page. */
async function browser(url: string): Promise<boolean> {
  const authorize = await fetch(url, { redirect: 'manual' });
  const location = authorize.headers.get('location');
  assert.ok(location, 'the emulator redirects back');
  // Follow through to the result page, so the listener has closed when the attempt ends.
  const resultPage = await fetch(location, { redirect: 'follow' });
  await resultPage.text();
  return true;
}

before(async () => {
  callbackUrl = `http://127.0.0.1:${await freePort()}/callback`;
  emulator = await startLineEmulator({
    channels: [
      { ...HS_CHANNEL, callbackUrls: [callbackUrl], idTokenAlg: 'HS256' },
      { ...ES_CHANNEL, callbackUrls: [callbackUrl], idTokenAlg: 'ES256' },
    ],
    users: [USER],
    autoApprove: true,
  });
});

after(async () => {
  await emulator.close();
});

describe('signInWithLoopback', () => {
  test('runs the whole flow: tokens stored under the ID token sub, ID token verified (HS256), profile fetched', async () => {
    const deps = dependencies();
    const stages: SignInStage[] = [];
    const before = Date.now();
    const result = await signInWithLoopback(
      { channel: HS_CHANNEL, callbackUrl, scopes: ['profile', 'openid', 'email'], options: { maxAge: 600 } },
      deps,
      {
        openBrowser: browser,
        onStage: (stage) => stages.push(stage),
        timeoutMs: 10_000,
      },
    );
    assert.deepEqual(stages, ['listening', 'browserOpened', 'callbackReceived', 'exchanging', 'storing', 'stored']);
    const stored = await deps.store.get({ channelId: HS_CHANNEL.channelId, userId: USER.userId });
    assert.deepEqual(stored, result.tokenSet);
    assert.equal(result.tokenSet.idTokenClaims?.sub, USER.userId);
    assert.equal(result.tokenSet.idTokenClaims.email, USER.email);
    assert.ok(result.tokenSet.scopes.includes('email'), 'email scope recorded from the ID token');
    assert.equal(result.tokenSet.profile?.displayName, USER.displayName);
    assert.ok(result.tokenSet.accessTokenIssuedAt >= before);
    assert.equal(result.tokenSet.accessTokenExpiresAt - result.tokenSet.accessTokenIssuedAt, 2592000 * 1000);
    assert.equal(result.tokenSet.refreshTokenExpiresAt, result.tokenSet.originalIssuedAt + REFRESH_TOKEN_LIFETIME_MS);
    const authorizeRequest = emulator.requests.filter((r) => r.endpoint === 'authorize').at(-1);
    assert.equal(authorizeRequest?.query.code_challenge_method, 'S256');
    assert.equal(authorizeRequest.query.max_age, '600');
    assert.equal(authorizeRequest.query.nonce, result.tokenSet.nonce);
    const tokenRequest = emulator.requests.filter((r) => r.endpoint === 'token').at(-1);
    assert.equal(tokenRequest?.form.redirect_uri, callbackUrl, 'the exact redirect_uri is repeated');
  });

  test('verifies an ES256 ID token with the JWKS', async () => {
    const deps = dependencies();
    const result = await signInWithLoopback({ channel: ES_CHANNEL, callbackUrl, scopes: ['openid'] }, deps, {
      openBrowser: browser,
      timeoutMs: 10_000,
    });
    assert.equal(result.tokenSet.userId, USER.userId);
    assert.equal(result.tokenSet.profile, undefined, 'no profile without the profile scope');
    assert.ok(emulator.requests.some((r) => r.endpoint === 'certs'));
  });

  test('without openid the user comes from the profile and no ID token is stored', async () => {
    const deps = dependencies();
    const result = await signInWithLoopback({ channel: HS_CHANNEL, callbackUrl, scopes: ['profile'] }, deps, {
      openBrowser: browser,
      timeoutMs: 10_000,
    });
    assert.equal(result.tokenSet.userId, USER.userId);
    assert.equal(result.tokenSet.idToken, undefined);
    assert.equal(result.tokenSet.nonce, undefined);
  });

  test('openid requested but no id_token returned: ERR_ID_TOKEN_MISSING and nothing stored', async () => {
    const store = new InMemoryTokenStore();
    // LINE (or a proxy in between) answering the token request without the ID token it owes.
    const client = new LineLoginClient({
      endpoints: { authorizeBaseUrl: emulator.authorizeBaseUrl, apiBaseUrl: emulator.apiBaseUrl },
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        if (!input.endsWith('/oauth2/v2.1/token')) {
          return response;
        }
        const { id_token: _dropped, ...rest } = (await response.json()) as Record<string, unknown>;
        assert.equal(typeof _dropped, 'string', 'the emulator did issue one');
        return new Response(JSON.stringify(rest), { status: response.status, headers: response.headers });
      },
    });
    await assert.rejects(
      signInWithLoopback(
        { channel: HS_CHANNEL, callbackUrl, scopes: ['profile', 'openid'] },
        { client, store, jwks: createLineJwks(emulator.apiBaseUrl) },
        { openBrowser: browser, timeoutMs: 10_000 },
      ),
      { code: 'ERR_ID_TOKEN_MISSING', message: /no id_token/ },
    );
    assert.deepEqual(await store.list(), []);
  });

  test('consent denied: a coded error and nothing stored', async () => {
    const deps = dependencies();
    emulator.setFault('authorize', { kind: 'denyConsent' }, 1);
    await assert.rejects(
      signInWithLoopback({ channel: HS_CHANNEL, callbackUrl, scopes: ['profile'] }, deps, {
        openBrowser: browser,
        timeoutMs: 10_000,
      }),
      { code: 'ERR_ACCESS_DENIED' },
    );
    assert.deepEqual(await deps.store.list(), []);
  });

  test('a wrong channel secret fails the exchange with ERR_LINE_INVALID_CLIENT and stores nothing', async () => {
    const deps = dependencies();
    await assert.rejects(
      signInWithLoopback(
        { channel: { ...HS_CHANNEL, channelSecret: 'not-the-secret-123' }, callbackUrl, scopes: ['profile'] },
        deps,
        { openBrowser: browser, timeoutMs: 10_000 },
      ),
      { code: 'ERR_LINE_INVALID_CLIENT' },
    );
    assert.deepEqual(await deps.store.list(), []);
  });

  test('the browser not opening cancels and frees the port', async () => {
    const deps = dependencies();
    await assert.rejects(
      signInWithLoopback({ channel: HS_CHANNEL, callbackUrl, scopes: ['profile'] }, deps, {
        openBrowser: () => Promise.resolve(false),
      }),
      { code: 'ERR_CANCELLED' },
    );
    // The port is free again: a new attempt can listen on it.
    const result = await signInWithLoopback({ channel: HS_CHANNEL, callbackUrl, scopes: ['profile'] }, deps, {
      openBrowser: browser,
      timeoutMs: 10_000,
    });
    assert.equal(result.tokenSet.userId, USER.userId);
  });

  test('cancel through the AbortSignal', async () => {
    const controller = new AbortController();
    const attempt = signInWithLoopback({ channel: HS_CHANNEL, callbackUrl, scopes: ['profile'] }, dependencies(), {
      openBrowser: () => {
        setTimeout(() => {
          controller.abort();
        }, 20);
        return Promise.resolve(true);
      },
      signal: controller.signal,
    });
    await assert.rejects(attempt, { code: 'ERR_CANCELLED' });
  });
});

describe('paste the redirected URL', () => {
  test('completes with the same checks as the loopback flow', async () => {
    const deps = dependencies();
    const pending = prepareAuthorization(deps.client, {
      channel: HS_CHANNEL,
      callbackUrl,
      scopes: ['profile', 'openid'],
    });
    const authorize = await fetch(pending.authorizeUrl, { redirect: 'manual' });
    const redirected = authorize.headers.get('location') ?? '';
    const result = await completeWithRedirectedUrl(pending, `  ${redirected}\n`, deps);
    assert.equal(result.tokenSet.userId, USER.userId);
  });

  test('a URL from another attempt fails the state check', async () => {
    const deps = dependencies();
    const first = prepareAuthorization(deps.client, { channel: HS_CHANNEL, callbackUrl, scopes: ['profile'] });
    const second = prepareAuthorization(deps.client, { channel: HS_CHANNEL, callbackUrl, scopes: ['profile'] });
    const redirected = (await fetch(first.authorizeUrl, { redirect: 'manual' })).headers.get('location') ?? '';
    await assert.rejects(completeWithRedirectedUrl(second, redirected, deps), { code: 'ERR_STATE_MISMATCH' });
    assert.deepEqual(await deps.store.list(), []);
  });

  test("an ID token whose nonce is not this attempt's is rejected and nothing is stored", async () => {
    const deps = dependencies();
    const pending = prepareAuthorization(deps.client, { channel: HS_CHANNEL, callbackUrl, scopes: ['openid'] });
    // Replay: the browser comes back with a code whose ID token carries another attempt's nonce.
    const url = new URL(pending.authorizeUrl);
    url.searchParams.set('nonce', 'someone-elses-nonce');
    const redirected = (await fetch(url, { redirect: 'manual' })).headers.get('location') ?? '';
    await assert.rejects(completeWithRedirectedUrl(pending, redirected, deps), { code: 'ERR_ID_TOKEN_NONCE_INVALID' });
    assert.deepEqual(await deps.store.list(), []);
  });

  test('a URL that is not the callback URL is refused', async () => {
    const deps = dependencies();
    const pending = prepareAuthorization(deps.client, { channel: HS_CHANNEL, callbackUrl, scopes: ['profile'] });
    await assert.rejects(completeWithRedirectedUrl(pending, 'https://evil.example/callback?code=x&state=y', deps), {
      code: 'ERR_REDIRECT_URL_INVALID',
    });
  });
});

describe('a store that cannot keep tokens (docs/security.md §20: no code redeemed into it)', () => {
  function brokenStore(operation: 'get' | 'store'): { store: SecretTokenStore; secrets: MemorySecretStorage } {
    const secrets = new MemorySecretStorage();
    secrets.fail(operation);
    return {
      secrets,
      store: new SecretTokenStore(secrets, { writeRetryDelaysMs: [], sleep: () => Promise.resolve() }),
    };
  }

  for (const operation of ['get', 'store'] as const) {
    test(`a SecretStorage whose ${operation} throws stops the loopback sign-in before the browser opens`, async () => {
      const { store, secrets } = brokenStore(operation);
      const requestsBefore = emulator.requests.length;
      let opened = false;
      await assert.rejects(
        signInWithLoopback(
          { channel: HS_CHANNEL, callbackUrl, scopes: ['profile', 'openid'] },
          { ...dependencies(), store },
          {
            openBrowser: async (url) => {
              opened = true;
              return browser(url);
            },
            timeoutMs: 10_000,
          },
        ),
        { code: 'ERR_STORE_UNAVAILABLE' },
      );
      assert.equal(opened, false, 'the browser never opened');
      assert.equal(emulator.requests.length, requestsBefore, 'LINE was never asked for anything');
      assert.ok(secrets.faultsInjected >= 1);
      // The callback port was never taken: a retry can listen on it.
      secrets.heal();
      const result = await signInWithLoopback(
        { channel: HS_CHANNEL, callbackUrl, scopes: ['profile', 'openid'] },
        { ...dependencies(), store },
        { openBrowser: browser, timeoutMs: 10_000 },
      );
      assert.equal((await store.get(result.tokenSet))?.accessToken, result.tokenSet.accessToken);
    });
  }

  test('the paste flow checks the store before it makes the authorize URL', async () => {
    const { store } = brokenStore('store');
    await assert.rejects(
      beginAuthorization({ channel: HS_CHANNEL, callbackUrl, scopes: ['profile'] }, { ...dependencies(), store }),
      { code: 'ERR_STORE_UNAVAILABLE', message: /nothing was sent to LINE/ },
    );
  });
});
