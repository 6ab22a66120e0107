import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { accountSummary } from '../../src/core/accountSummary';
import { sampleTokenSet as tokenSet } from '../support/tokenSets';

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
