import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  EXPIRING_WITHIN_MS,
  accessTokenContextValue,
  accessTokenStatus,
  accountContextValue,
  accountLabel,
  accountFlags,
  decodeStoredIdToken,
  groupAccountsByChannel,
  httpsUrl,
  idTokenStatus,
  pickShownAccount,
  refreshTokenExpiresAt,
  refreshTokenStatus,
  shortUserId,
  statusLevel,
} from '../../src/core/accountModel';
import { listedAccount } from '../../src/core/accountListing';
import type { ChannelConfig } from '../../src/core/channels';
import { REFRESH_TOKEN_LIFETIME_MS, type TokenSet } from '../../src/core/types';

const NOW = 1_700_000_000_000;

function account(channelId: string, userId: string, overrides: Partial<TokenSet> = {}): TokenSet {
  return {
    channelId,
    userId,
    accessToken: 'access',
    tokenType: 'Bearer',
    scopes: ['profile'],
    accessTokenIssuedAt: NOW,
    accessTokenExpiresAt: NOW + 30 * 86_400_000,
    originalIssuedAt: NOW,
    ...overrides,
  };
}

function channel(channelId: string): ChannelConfig {
  return { channelId, callbackUrl: 'http://localhost:33418/callback', scopes: ['profile'], loginOptions: {} };
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('token states', () => {
  test('an access token is expired at its expiry, expiring within a day of it, else valid', () => {
    assert.equal(accessTokenStatus(NOW, NOW), 'expired');
    assert.equal(accessTokenStatus(NOW + 1, NOW), 'expiring');
    assert.equal(accessTokenStatus(NOW + EXPIRING_WITHIN_MS - 1, NOW), 'expiring');
    assert.equal(accessTokenStatus(NOW + EXPIRING_WITHIN_MS, NOW), 'valid');
    assert.deepEqual((['valid', 'expiring', 'expired'] as const).map(statusLevel), ['none', 'warning', 'error']);
  });

  test('a refresh token expires 90 days after the original sign-in unless LINE said otherwise', () => {
    assert.equal(refreshTokenExpiresAt({ originalIssuedAt: NOW }), undefined);
    assert.equal(refreshTokenExpiresAt({ refreshToken: 'r', originalIssuedAt: NOW }), NOW + REFRESH_TOKEN_LIFETIME_MS);
    assert.equal(
      refreshTokenExpiresAt({ refreshToken: 'r', refreshTokenExpiresAt: NOW + 5, originalIssuedAt: NOW }),
      NOW + 5,
    );
    assert.equal(refreshTokenStatus(NOW, NOW), 'expired');
    assert.equal(refreshTokenStatus(NOW + 1, NOW), 'valid');
  });

  test('an ID token without exp never expires by its own claims', () => {
    assert.equal(idTokenStatus(undefined, NOW), 'valid');
    assert.equal(idTokenStatus(NOW, NOW), 'expired');
    assert.equal(idTokenStatus(NOW + 1, NOW), 'valid');
  });
});

describe('stored ID token', () => {
  test('is decoded for display, with exp in milliseconds', () => {
    const idToken = `${base64url({ alg: 'ES256', kid: 'k' })}.${base64url({ sub: 'U1', exp: 1_700_003_600 })}.sig`;
    const decoded = decodeStoredIdToken({ idToken });
    assert.deepEqual(decoded, {
      header: { alg: 'ES256', kid: 'k' },
      claims: { sub: 'U1', exp: 1_700_003_600 },
      expiresAt: 1_700_003_600_000,
      alg: 'ES256',
    });
  });

  test('falls back to the claims stored with it when it cannot be decoded, and is absent without a token', () => {
    const claims = { iss: 'https://access.line.me', sub: 'U1', aud: '1', exp: 1_700_003_600, iat: 1_700_000_000 };
    const decoded = decodeStoredIdToken({ idToken: 'not-a-jwt', idTokenClaims: claims });
    assert.ok(decoded);
    assert.deepEqual(decoded.claims, claims);
    assert.equal(decoded.alg, undefined);
    assert.equal(decoded.expiresAt, 1_700_003_600_000);
    assert.equal(decodeStoredIdToken({ idToken: 'not-a-jwt' }), undefined);
    assert.equal(decodeStoredIdToken({ idTokenClaims: claims }), undefined);
  });
});

describe('contextValue strings', () => {
  // The menus in package.json select nodes with `viewItem =~ /…/`; these are the patterns they use.
  const manifest = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as {
    contributes: { menus: { 'view/item/context': { command: string; when?: string }[] } };
  };
  const menuPatterns = manifest.contributes.menus['view/item/context'].flatMap((item) => {
    const match = /viewItem =~ \/(.+)\/$/.exec(item.when ?? '');
    const source = match?.[1];
    return source === undefined ? [] : [{ command: item.command, pattern: new RegExp(source) }];
  });
  const commandsFor = (contextValue: string): Set<string> =>
    new Set(menuPatterns.filter((entry) => entry.pattern.test(contextValue)).map((entry) => entry.command));

  test('flags come in the order the menus expect, and each flag unlocks exactly its commands', () => {
    const full = accountContextValue(
      accountFlags({ hasRefreshToken: true, hasIdToken: true, scopes: ['profile', 'openid'] }, true),
    );
    assert.equal(full, 'account:selected:refreshable:idToken:openid');
    const bare = accountContextValue(
      accountFlags({ hasRefreshToken: false, hasIdToken: false, scopes: ['profile'] }, false),
    );
    assert.equal(bare, 'account');
    const extra = [...commandsFor(full)].filter((command) => !commandsFor(bare).has(command)).sort();
    assert.deepEqual(extra, ['lineLogin.getUserInfo', 'lineLogin.refreshAccessToken', 'lineLogin.verifyIdToken']);
    assert.equal(
      accountContextValue(accountFlags({ hasRefreshToken: true, hasIdToken: false, scopes: [] }, false)),
      'account:refreshable',
    );
  });

  test('token nodes say their kind and state', () => {
    assert.equal(accessTokenContextValue('expiring'), 'token:access:expiring');
    assert.ok(commandsFor(accessTokenContextValue('expired')).has('lineLogin.copyAccessToken'));
  });
});

describe('names', () => {
  test('the label is the profile name, else the ID token name, else the user ID; blank names do not count', () => {
    const claims = { iss: 'i', sub: 'U1', aud: '1', exp: 1, iat: 1, name: 'ID name' };
    assert.equal(
      accountLabel({ userId: 'U1', profile: { userId: 'U1', displayName: 'Profile' }, idTokenClaims: claims }),
      'Profile',
    );
    assert.equal(
      accountLabel({ userId: 'U1', profile: { userId: 'U1', displayName: ' ' }, idTokenClaims: claims }),
      'ID name',
    );
    assert.equal(accountLabel({ userId: 'U1' }), 'U1');
  });

  test('long user IDs are shortened for lists; only https picture URLs are kept', () => {
    assert.equal(shortUserId('U123456789012'), 'U1234…9012');
    assert.equal(shortUserId('U12345678901'), 'U12345678901');
    assert.equal(httpsUrl('https://profile.line-scdn.net/x'), 'https://profile.line-scdn.net/x');
    assert.equal(httpsUrl('http://profile.line-scdn.net/x'), undefined);
    assert.equal(httpsUrl('javascript:alert(1)'), undefined);
    assert.equal(httpsUrl('not a url'), undefined);
    assert.equal(httpsUrl(undefined), undefined);
  });
});

describe('grouping', () => {
  const zed = listedAccount(account('2', 'U2', { profile: { userId: 'U2', displayName: 'Zed' } }));
  const amy = listedAccount(account('2', 'U3', { profile: { userId: 'U3', displayName: 'Amy' } }));
  const orphan = listedAccount(account('9', 'U9'));
  const orphan2 = listedAccount(account('10', 'U10'));

  test('configured channels in settings order, then stored-only channels by ID; accounts by name', () => {
    const groups = groupAccountsByChannel([channel('2'), channel('1')], [orphan, zed, orphan2, amy]);
    assert.deepEqual(
      groups.map((group) => [group.channelId, group.channel !== undefined, group.accounts.map((a) => a.userId)]),
      [
        ['2', true, ['U3', 'U2']],
        ['1', true, []],
        ['10', false, ['U10']],
        ['9', false, ['U9']],
      ],
    );
  });

  test('the shown account is the selected one, else the first in tree order', () => {
    const channels = [channel('2')];
    const tokenSets = [zed, amy, orphan];
    assert.equal(pickShownAccount(channels, tokenSets, { channelId: '9', userId: 'U9' }), orphan);
    assert.equal(pickShownAccount(channels, tokenSets, undefined), amy);
    assert.equal(pickShownAccount(channels, tokenSets, { channelId: '9', userId: 'gone' }), amy);
    assert.equal(pickShownAccount(channels, [], undefined), undefined);
  });
});
