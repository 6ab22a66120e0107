import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  parseChannelConfig,
  parseLoginOptions,
  validateChannelId,
  validateChannelSecret,
} from '../../src/core/channels';

const DEFAULTS = { callbackUrl: 'http://localhost:33418/callback', scopes: ['profile', 'openid'] };

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
