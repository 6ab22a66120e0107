import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { accountSummary } from '../../src/core/accountSummary';
import {
  parseChannelConfig,
  parseLoginOptions,
  validateChannelId,
  validateChannelSecret,
} from '../../src/core/channels';
import { Redactor, redactPatterns, tokenPreview } from '../../src/core/redact';
import { recommendSignInMode, type ExtensionHostEnvironment, type SignInMode } from '../../src/core/signInMode';
import { InMemoryTokenStore } from '../../src/core/tokenStore';
import type { TokenSet } from '../../src/core/types';

const DEFAULTS = { callbackUrl: 'http://localhost:33418/callback', scopes: ['profile', 'openid'] };

function tokenSet(overrides: Partial<TokenSet> = {}): TokenSet {
  return {
    channelId: '1',
    userId: `U${'c'.repeat(32)}`,
    accessToken: 'eyJhbGciOiJIUzI1NiJ9.access+token/with==',
    tokenType: 'Bearer',
    scopes: ['profile', 'openid'],
    accessTokenIssuedAt: 1_700_000_000_000,
    accessTokenExpiresAt: 1_700_000_000_000 + 2592000_000,
    refreshToken: 'refresh-token-value-123',
    refreshTokenExpiresAt: 1_700_000_000_000 + 90 * 86400_000,
    originalIssuedAt: 1_700_000_000_000,
    idToken: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJVIn0.sig',
    idTokenClaims: {
      iss: 'https://access.line.me',
      sub: 'U',
      aud: '1',
      exp: 1_700_003_600,
      iat: 1_700_000_000,
      nonce: 'secret-nonce-value',
      name: 'ID name',
      email: 'a@example.com',
    },
    nonce: 'secret-nonce-value',
    profile: { userId: 'U', displayName: 'Profile name', pictureUrl: 'https://p.example/x' },
    ...overrides,
  };
}

describe('redaction', () => {
  test('masks known secrets, also URL-encoded, and JWTs, Bearer values and secret-carrying fields it was never told about', () => {
    const redactor = new Redactor();
    redactor.add('my/channel+secret');
    const text = redactor.redact(
      'secret=my/channel+secret enc=my%2Fchannel%2Bsecret jwt=eyJabc.eyJdef.ghi Authorization: Bearer abc/def+ghi ' +
        'POST code=abc123&state=xyz&code_verifier=vvv {"access_token":"tok","refresh_token":"rt","client_secret":"cs"}',
    );
    for (const leaked of [
      'my/channel+secret',
      'my%2Fchannel%2Bsecret',
      'eyJabc',
      'abc/def+ghi',
      'abc123',
      'xyz',
      'vvv',
      '"tok"',
      '"rt"',
      '"cs"',
    ]) {
      assert.ok(!text.includes(leaked), `${leaked} leaked in ${text}`);
    }
    assert.match(text, /Bearer \[REDACTED\]/);
  });

  test('leaves ordinary text alone and ignores too-short secrets', () => {
    const redactor = new Redactor();
    redactor.add('abc');
    assert.equal(
      redactor.redact('GET /v2/profile · 200 · 12 ms · x-line-request-id=abc'),
      'GET /v2/profile · 200 · 12 ms · x-line-request-id=abc',
    );
    assert.equal(redactPatterns('the code path is fine'), 'the code path is fine');
  });

  test('tokenPreview shows at most six characters', () => {
    assert.equal(tokenPreview('abcdefghijklmnopqrstuvwxyz'), 'abcdef…');
    assert.equal(tokenPreview('short'), '…');
  });
});

describe('channel configuration', () => {
  test('parses a full entry and fills defaults', () => {
    assert.deepEqual(parseChannelConfig({ channelId: '1234567890' }, DEFAULTS), {
      channelId: '1234567890',
      callbackUrl: DEFAULTS.callbackUrl,
      scopes: DEFAULTS.scopes,
      loginOptions: {},
    });
    assert.deepEqual(
      parseChannelConfig(
        {
          channelId: '1',
          name: ' Shop ',
          callbackUrl: 'http://127.0.0.1:9000/cb',
          scopes: ['openid', 'email'],
          loginOptions: { prompt: 'consent', uiLocales: 'ja en', maxAge: 0 },
        },
        DEFAULTS,
      ),
      {
        channelId: '1',
        name: 'Shop',
        callbackUrl: 'http://127.0.0.1:9000/cb',
        scopes: ['openid', 'email'],
        loginOptions: { prompt: 'consent', uiLocales: ['ja', 'en'], maxAge: 0 },
      },
    );
  });

  test('rejects what LINE would reject, naming the field', () => {
    assert.throws(() => validateChannelId('abc'), { code: 'ERR_INVALID_CHANNEL', field: 'channelId' });
    assert.throws(() => validateChannelSecret(' has space '), { code: 'ERR_INVALID_CHANNEL', field: 'channelSecret' });
    assert.equal(validateChannelSecret(' abcdef0123 '), 'abcdef0123');
    assert.throws(() => parseChannelConfig({ channelId: '1', callbackUrl: 'https://example.com/cb' }, DEFAULTS), {
      code: 'ERR_CALLBACK_URL_INVALID',
    });
    assert.throws(() => parseChannelConfig({ channelId: '1', scopes: ['email'] }, DEFAULTS), {
      code: 'ERR_INVALID_INPUT',
    });
    assert.throws(() => parseLoginOptions({ prompt: 'always' }), { field: 'prompt' });
    assert.throws(() => parseLoginOptions({ botPrompt: 'loud' }), { field: 'botPrompt' });
    assert.throws(() => parseLoginOptions({ maxAge: 1.5 }), { field: 'maxAge' });
    assert.throws(() => parseLoginOptions({ initialAmrDisplay: 'pwd' }), { field: 'initialAmrDisplay' });
    assert.throws(() => parseLoginOptions({ switchAmr: 'no' }), { field: 'switchAmr' });
    assert.throws(() => parseLoginOptions({ disableAutoLogin: 1 }), { field: 'disableAutoLogin' });
  });
});

describe('sign-in mode (security checklist §7)', () => {
  const cases: [string, ExtensionHostEnvironment, SignInMode][] = [
    ['desktop, local', { uiKind: 'desktop', remoteName: undefined }, 'loopback'],
    ['desktop, WSL', { uiKind: 'desktop', remoteName: 'wsl' }, 'pasteRedirectUrl'],
    [
      'desktop, SSH remote',
      { uiKind: 'desktop', remoteName: 'ssh-remote', remoteHost: 'build.example' },
      'pasteRedirectUrl',
    ],
    ['desktop, dev container', { uiKind: 'desktop', remoteName: 'dev-container' }, 'pasteRedirectUrl'],
    [
      'web, server elsewhere',
      { uiKind: 'web', remoteName: undefined, remoteHost: 'vscode.example.com' },
      'pasteRedirectUrl',
    ],
    ['web, server on this machine', { uiKind: 'web', remoteName: undefined, remoteHost: '127.0.0.1' }, 'loopback'],
    ['web, codespaces', { uiKind: 'web', remoteName: 'codespaces' }, 'pasteRedirectUrl'],
    [
      'web, VS Code server on this machine (remoteName is its authority)',
      { uiKind: 'web', remoteName: '127.0.0.1:8400', remoteHost: '127.0.0.1' },
      'loopback',
    ],
    [
      'web, VS Code server elsewhere',
      { uiKind: 'web', remoteName: 'devbox.example:8400', remoteHost: 'devbox.example' },
      'pasteRedirectUrl',
    ],
  ];
  for (const [name, environment, mode] of cases) {
    test(name, () => {
      assert.equal(recommendSignInMode(environment).mode, mode);
    });
  }
});

describe('account summary', () => {
  test('describes the account without any token, nonce or secret', () => {
    const set = tokenSet();
    const summary = accountSummary(set, set.accessTokenIssuedAt + 1000);
    assert.equal(summary.displayName, 'Profile name');
    assert.equal(summary.email, 'a@example.com');
    assert.equal(summary.accessTokenExpired, false);
    assert.equal(summary.accessTokenExpiresAt, new Date(set.accessTokenExpiresAt).toISOString());
    const serialized = JSON.stringify(summary);
    for (const secret of [set.accessToken, set.refreshToken ?? '', set.idToken ?? '', 'secret-nonce-value']) {
      assert.ok(!serialized.includes(secret));
    }
  });
});

describe('in-memory token store', () => {
  test('concurrent puts of different accounts are all kept; change events fire; deletes report what they did', async () => {
    const store = new InMemoryTokenStore();
    let changes = 0;
    const subscription = store.onDidChange(() => (changes += 1));
    await Promise.all(['U1', 'U2', 'U3'].map((userId) => store.put(tokenSet({ userId }))));
    assert.equal((await store.list()).length, 3);
    assert.equal(changes, 3);
    assert.equal(await store.delete({ channelId: '1', userId: 'U2' }), true);
    assert.equal(await store.delete({ channelId: '1', userId: 'U2' }), false);
    await store.put(tokenSet({ channelId: '2', userId: 'U9' }));
    assert.equal(await store.deleteChannel('1'), 2);
    assert.deepEqual(
      (await store.list()).map((s) => s.userId),
      ['U9'],
    );
    subscription.dispose();
  });

  test('returns copies: changing a read value does not change the store', async () => {
    const store = new InMemoryTokenStore();
    await store.put(tokenSet());
    const read = await store.get({ channelId: '1', userId: `U${'c'.repeat(32)}` });
    assert.ok(read);
    read.accessToken = 'changed';
    assert.notEqual((await store.get(read))?.accessToken, 'changed');
  });
});
