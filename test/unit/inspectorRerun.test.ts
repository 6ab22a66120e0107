import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Flow } from '../../src/core/inspector/model';
import { compareFlows, editableParams, formatParams, parseParams, signInArgs } from '../../src/core/inspector/rerun';

function signInFlow(id: string, params: Record<string, string>, claims: Record<string, string | number>): Flow {
  return {
    id,
    kind: 'signIn',
    channelId: '1660000001',
    startedAt: 0,
    durationMs: 1,
    outcome: 'succeeded',
    steps: [
      {
        name: 'authorize',
        startedAt: 0,
        durationMs: 0,
        request: { method: 'GET', url: 'https://access.line.me/oauth2/v2.1/authorize', params, headers: {} },
        checks: [],
      },
      {
        name: 'token',
        startedAt: 0,
        durationMs: 0,
        response: { status: 200, fields: { scope: params.scope ?? '' }, idToken: { header: { alg: 'HS256' }, claims } },
        checks: [],
      },
    ],
  };
}

describe('Run Again With Changes', () => {
  test('reads the editable parameters, and only those, from the authorize step', () => {
    const flow = signInFlow('a', { scope: 'profile openid', state: 'abcdef…', prompt: 'consent', client_id: '1' }, {});
    assert.deepEqual(editableParams(flow), { scope: 'profile openid', prompt: 'consent' });
    assert.equal(formatParams(editableParams(flow)), 'scope=profile openid&prompt=consent');
  });

  test('parses edits into lineLogin.signIn arguments; unknown names and bad values are clear errors', () => {
    const params = parseParams(
      'scope=profile openid email & bot_prompt=aggressive&ui_locales=ja en&max_age=600&switch_amr=false&disable_auto_login=true&initial_amr_display=lineqr',
    );
    assert.deepEqual(signInArgs('1660000001', params), {
      channelId: '1660000001',
      scopes: ['profile', 'openid', 'email'],
      botPrompt: 'aggressive',
      uiLocales: ['ja', 'en'],
      maxAge: 600,
      switchAmr: false,
      disableAutoLogin: true,
      initialAmrDisplay: 'lineqr',
    });
    assert.throws(() => parseParams('redirect_uri=http://evil/'), {
      code: 'ERR_INVALID_INPUT',
      message: /redirect_uri.*scope, prompt/,
    });
    assert.throws(() => signInArgs('1', { max_age: '-1' }), { code: 'ERR_INVALID_INPUT' });
    assert.throws(() => signInArgs('1', { switch_amr: 'no' }), { code: 'ERR_INVALID_INPUT' });
  });

  test('the comparison marks what differs and leaves per-attempt values out', () => {
    const a = signInFlow(
      'a',
      { scope: 'profile openid email', state: 'aaaaaa…', nonce: 'n1n1n1…' },
      { sub: 'U1', email: 'ta…@example.com', iat: 1 },
    );
    const b = signInFlow(
      'b',
      { scope: 'profile openid', prompt: 'consent', state: 'bbbbbb…', nonce: 'n2n2n2…' },
      { sub: 'U1', iat: 2 },
    );
    const doc = compareFlows(a, b);
    assert.ok(doc.includes('| ≠ | scope | profile openid email | profile openid |'), doc);
    assert.ok(doc.includes('| ≠ | prompt | — | consent |'));
    assert.ok(doc.includes('|  | sub | U1 | U1 |'));
    assert.ok(doc.includes('| ≠ | email | ta…\\@example.com | — |'));
    assert.ok(!/\| state \||\| nonce \||\| iat \|/.test(doc));
  });
});
