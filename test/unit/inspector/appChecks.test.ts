/** Each app-side check in isolation: a case where it fails and one where it passes. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  bearerCheck,
  clientAuthCheck,
  deauthorizeCheck,
  deauthorizeObservedCheck,
  logoutRevokeCheck,
  refreshWindowCheck,
  verifyClientIdCheck,
} from '../../../src/core/inspector/app/apiChecks';
import { isRegisteredCallback } from '../../../src/core/registeredCallback';
import {
  codeOnceCheck,
  codeTimelyCheck,
  estimatedEntropyBits,
  nonceCheck,
  pkceCheck,
  rawField,
  redirectIdenticalCheck,
  redirectRegisteredCheck,
  stateChecks,
} from '../../../src/core/inspector/app/loginChecks';
import type { Check, Verdict } from '../../../src/core/inspector/model';

const MIN = 60 * 1000;
const DAY = 24 * 60 * MIN;
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

function verdicts(checks: readonly Check[]): Record<string, Verdict> {
  return Object.fromEntries(checks.map((c) => [c.id, c.verdict]));
}

function cited(check: Check): void {
  assert.ok(check.citation.url.startsWith('https://'), check.id);
  assert.ok(check.citation.label.length > 0, check.id);
}

describe('app checks: the authorize request', () => {
  test('state: missing fails, a short or patterned one is guessable, a reused one fails', () => {
    assert.deepEqual(verdicts(stateChecks(undefined, false)), {
      'app.state.sent': 'fail',
      'app.state.unguessable': 'n/a',
      'app.state.unique': 'n/a',
    });
    assert.equal(verdicts(stateChecks('state1', false))['app.state.unguessable'], 'fail');
    assert.equal(verdicts(stateChecks('a'.repeat(64), false))['app.state.unguessable'], 'fail');
    assert.equal(verdicts(stateChecks(String(Date.UTC(2026, 0, 1)), false))['app.state.unguessable'], 'fail');
    assert.equal(verdicts(stateChecks('9f86d081884c7d659a2feaa0c55ad015', true))['app.state.unique'], 'fail');
    assert.deepEqual(verdicts(stateChecks('9f86d081884c7d659a2feaa0c55ad015', false)), {
      'app.state.sent': 'pass',
      'app.state.unguessable': 'pass',
      'app.state.unique': 'pass',
    });
    stateChecks(undefined, false).forEach(cited);
    assert.ok(estimatedEntropyBits(CHALLENGE) >= 128);
    assert.equal(estimatedEntropyBits(''), 0);
  });

  test('PKCE: S256 passes, none warns, plain or a malformed challenge fails', () => {
    assert.equal(pkceCheck('S256', CHALLENGE).verdict, 'pass');
    assert.equal(pkceCheck(undefined, undefined).verdict, 'warn');
    assert.equal(pkceCheck('plain', 'x'.repeat(43)).verdict, 'fail');
    assert.equal(pkceCheck(undefined, CHALLENGE).verdict, 'fail');
    assert.equal(pkceCheck('S256', 'short').verdict, 'fail');
    cited(pkceCheck('plain', 'x'));
  });

  test('nonce: required with openid, n/a without', () => {
    assert.equal(nonceCheck(['profile', 'openid'], undefined).verdict, 'fail');
    assert.equal(nonceCheck(['openid'], '').verdict, 'fail');
    assert.equal(nonceCheck(['openid'], 'n0nce-value-123456').verdict, 'pass');
    assert.equal(nonceCheck(['profile'], undefined).verdict, 'n/a');
  });

  test('redirect_uri registered: exactly, or with extra query parameters, as LINE compares', () => {
    const registered = ['http://127.0.0.1:3000/callback', 'http://127.0.0.1:3000/cb?app=1'];
    assert.equal(redirectRegisteredCheck('http://127.0.0.1:3000/callback', registered).verdict, 'pass');
    assert.equal(redirectRegisteredCheck('http://127.0.0.1:3000/callback?x=1', registered).verdict, 'pass');
    assert.equal(redirectRegisteredCheck('http://127.0.0.1:3000/cb?app=1&x=1', registered).verdict, 'pass');
    assert.equal(redirectRegisteredCheck('http://127.0.0.1:3000/callback/', registered).verdict, 'fail');
    assert.equal(redirectRegisteredCheck('http://127.0.0.1:3000/callback?', registered).verdict, 'fail');
    assert.equal(redirectRegisteredCheck(undefined, registered).verdict, 'fail');
    assert.equal(redirectRegisteredCheck('http://127.0.0.1:3000/callback', undefined).verdict, 'n/a');
    assert.equal(isRegisteredCallback('http://127.0.0.1:3000/callbackX', registered), false);
    assert.equal(
      isRegisteredCallback('http://127.0.0.1:3000/callback#x', registered),
      false,
      'a fragment is never allowed',
    );
  });
});

describe('app checks: the token request', () => {
  test('redirect_uri identical byte for byte; differently encoded warns; absent or different fails', () => {
    const raw = rawField('a=1&redirect_uri=http%3A%2F%2F127.0.0.1%3A3000%2Fcallback&b', 'redirect_uri');
    assert.equal(raw, 'http%3A%2F%2F127.0.0.1%3A3000%2Fcallback');
    assert.equal(rawField('a=1&b', 'b'), '');
    assert.equal(rawField('a=1', 'redirect_uri'), undefined);
    assert.equal(redirectIdenticalCheck(raw, raw).verdict, 'pass');
    assert.equal(redirectIdenticalCheck(raw, 'http://127.0.0.1:3000/callback').verdict, 'warn');
    assert.equal(redirectIdenticalCheck(raw, `${raw}%2F`).verdict, 'fail');
    assert.equal(redirectIdenticalCheck(raw, `${raw}%3Fx%3D1`).verdict, 'fail');
    assert.equal(redirectIdenticalCheck(raw, undefined).verdict, 'fail');
    assert.equal(redirectIdenticalCheck(undefined, raw).verdict, 'n/a');
  });

  test('the code: once, and within 10 minutes', () => {
    assert.equal(codeOnceCheck(0).verdict, 'pass');
    assert.equal(codeOnceCheck(1).verdict, 'fail');
    assert.equal(codeTimelyCheck(0, 10 * MIN).verdict, 'pass');
    assert.equal(codeTimelyCheck(0, 10 * MIN + 1000).verdict, 'fail');
    assert.equal(codeTimelyCheck(undefined, 0).verdict, 'n/a');
  });

  test('client credentials: in the form body; HTTP Basic fails', () => {
    const body = new URLSearchParams({ client_id: '1', client_secret: 's' });
    assert.equal(clientAuthCheck(undefined, body).verdict, 'pass');
    assert.equal(clientAuthCheck('Basic MTpz', body).verdict, 'fail');
    assert.equal(clientAuthCheck('basic MTpz', new URLSearchParams()).verdict, 'fail');
    assert.equal(clientAuthCheck(undefined, new URLSearchParams()).verdict, 'fail');
    cited(clientAuthCheck('Basic x', body));
  });
});

describe('app checks: API calls and the session', () => {
  test('the access token as a Bearer header, never in the query or body', () => {
    assert.equal(bearerCheck('header').verdict, 'pass');
    assert.equal(bearerCheck('query').verdict, 'fail');
    assert.equal(bearerCheck('body').verdict, 'fail');
    assert.equal(bearerCheck('none').verdict, 'fail');
  });

  test("verify ID token with the channel's client_id", () => {
    assert.equal(verifyClientIdCheck('1650000001', '1650000001').verdict, 'pass');
    assert.equal(verifyClientIdCheck('1650000002', '1650000001').verdict, 'fail');
    assert.equal(verifyClientIdCheck(undefined, '1650000001').verdict, 'fail');
    assert.equal(verifyClientIdCheck('1650000001', undefined).verdict, 'n/a');
  });

  test('refresh within 90 days of the original issue', () => {
    assert.equal(refreshWindowCheck(0, 89 * DAY, true).verdict, 'pass');
    assert.equal(refreshWindowCheck(0, 90 * DAY, true).verdict, 'fail');
    assert.equal(refreshWindowCheck(undefined, 0, false).verdict, 'n/a');
  });

  test('deauthorize with a channel access token; logout revokes', () => {
    assert.equal(deauthorizeCheck(false, true, 204).verdict, 'pass');
    assert.equal(deauthorizeCheck(true, true, 204).verdict, 'fail');
    assert.equal(deauthorizeCheck(false, false, 401).verdict, 'fail');
    assert.equal(deauthorizeCheck(false, true, 400).verdict, 'fail');
    assert.equal(deauthorizeObservedCheck(false)?.verdict, 'n/a');
    assert.equal(deauthorizeObservedCheck(true), undefined);
    assert.equal(logoutRevokeCheck(2, 2).verdict, 'pass');
    assert.equal(logoutRevokeCheck(2, 1).verdict, 'warn');
    assert.equal(logoutRevokeCheck(0, 0).verdict, 'n/a');
  });
});
