import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { isLineLoginError } from '../../src/core/errors';
import {
  accountKeyFromSessionId,
  canonicalSessionScopes,
  diffSessions,
  parseSessionScopes,
  sessionAccountLabel,
  sessionMatches,
} from '../../src/core/sessionScopes';

const ALICE = `U${'a'.repeat(31)}1`;

describe('session scopes: the grammar a consumer of the line provider uses', () => {
  test('LINE scopes and one channel: scope parse; order and duplicates do not matter', () => {
    assert.deepEqual(parseSessionScopes(['openid', 'channel:1650000001', 'profile', 'openid']), {
      lineScopes: ['profile', 'openid'],
      channelId: '1650000001',
    });
    assert.deepEqual(parseSessionScopes([]), { lineScopes: [] });
    assert.deepEqual(parseSessionScopes(['channel:1', 'channel:1']), { lineScopes: [], channelId: '1' });
  });

  test('anything else is refused with a message naming the grammar', () => {
    for (const [scopes, pattern] of [
      [['Profile'], /Unknown scope "Profile".*channel:<channel ID>/],
      [['offline_access'], /Unknown scope/],
      [['channel:'], /not a channel scope/],
      [['channel:12a'], /not a channel scope/],
      [['channel:1', 'channel:2'], /at most one channel/],
    ] as const) {
      assert.throws(
        () => parseSessionScopes(scopes),
        (error: unknown) =>
          isLineLoginError(error) && error.code === 'ERR_INVALID_INPUT' && pattern.test(error.message),
      );
    }
  });

  test('a session matches when it is on the named channel and holds every LINE scope asked for', () => {
    const account = { channelId: '1650000001', scopes: ['profile', 'openid'] };
    assert.equal(sessionMatches(parseSessionScopes(['profile']), account), true);
    assert.equal(sessionMatches(parseSessionScopes([]), account), true);
    assert.equal(sessionMatches(parseSessionScopes(['profile', 'channel:1650000001']), account), true);
    assert.equal(sessionMatches(parseSessionScopes(['profile', 'channel:1650000002']), account), false);
    assert.equal(sessionMatches(parseSessionScopes(['email']), account), false);
    assert.equal(
      sessionMatches(parseSessionScopes(['openid', 'email']), { ...account, scopes: ['openid', 'email'] }),
      true,
    );
  });

  test('matching is the subset relation, for any scopes and any granted set (property)', () => {
    const scope = fc.constantFrom('profile', 'openid', 'email');
    fc.assert(
      fc.property(fc.array(scope), fc.uniqueArray(scope), fc.boolean(), (asked, granted, sameChannel) => {
        const request = parseSessionScopes([...asked, `channel:${sameChannel ? '7' : '8'}`]);
        const expected = sameChannel && asked.every((s) => granted.includes(s));
        return sessionMatches(request, { channelId: '7', scopes: granted }) === expected;
      }),
      { numRuns: 500 },
    );
  });

  test('the Accounts menu sees granted scopes in LINE order, then the channel', () => {
    assert.deepEqual(canonicalSessionScopes({ channelId: '9', scopes: ['email', 'openid', 'profile'] }), [
      'profile',
      'openid',
      'email',
      'channel:9',
    ]);
    assert.deepEqual(parseSessionScopes(canonicalSessionScopes({ channelId: '9', scopes: ['openid'] })), {
      lineScopes: ['openid'],
      channelId: '9',
    });
  });

  test('the account label is the channel name and the end of the user ID, never a display name', () => {
    assert.equal(sessionAccountLabel('Shop', ALICE), 'Shop (…aaaaa1)');
  });

  test('session IDs are channelId/userId and nothing else', () => {
    assert.deepEqual(accountKeyFromSessionId(`1650000001/${ALICE}`), { channelId: '1650000001', userId: ALICE });
    assert.equal(accountKeyFromSessionId('x/y'), undefined);
    assert.equal(accountKeyFromSessionId('1/a/b'), undefined);
  });

  test('diffSessions: sign-ins are added, sign-outs removed, refreshes changed', () => {
    assert.deepEqual(
      diffSessions(
        [
          { id: 'a', version: '1' },
          { id: 'b', version: '2' },
          { id: 'c', version: '3' },
        ],
        [
          { id: 'b', version: '2' },
          { id: 'c', version: '4' },
          { id: 'd', version: '5' },
        ],
      ),
      { added: ['d'], removed: ['a'], changed: ['c'] },
    );
  });
});
