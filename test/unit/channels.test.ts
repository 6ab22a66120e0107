import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CHANNEL_DEFAULTS,
  parseChannelConfig,
  parseLoginOptions,
  validateChannelId,
  validateChannelSecret,
} from '../../src/core/channels';
import { DEFAULT_CALLBACK_URL } from '../../src/core/callback';
import { LINE_SCOPES } from '../../src/core/types';

describe('channel configuration', () => {
  test('parses a full entry and fills defaults', () => {
    assert.deepEqual(parseChannelConfig({ channelId: '1234567890' }), {
      channelId: '1234567890',
      callbackUrl: 'http://localhost:33418/callback',
      scopes: ['profile', 'openid'],
      loginOptions: {},
    });
    const own = { callbackUrl: 'http://127.0.0.1:9/cb', scopes: ['openid'] };
    assert.deepEqual(parseChannelConfig({ channelId: '1' }, own), { channelId: '1', ...own, loginOptions: {} });
    assert.deepEqual(
      parseChannelConfig({
        channelId: '1',
        name: ' Shop ',
        callbackUrl: 'http://127.0.0.1:9000/cb',
        scopes: ['openid', 'email'],
        loginOptions: { prompt: 'consent', uiLocales: 'ja en', maxAge: 0 },
      }),
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
    assert.throws(() => parseChannelConfig({ channelId: '1', callbackUrl: 'https://example.com/cb' }), {
      code: 'ERR_CALLBACK_URL_INVALID',
    });
    assert.throws(() => parseChannelConfig({ channelId: '1', scopes: ['email'] }), {
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

describe('channel defaults', () => {
  // package.json cannot import a constant, so this is what keeps the setting's schema and the code in step.
  const manifest = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as {
    contributes: {
      configuration: {
        properties: {
          'lineLogin.channels': {
            items: {
              properties: {
                callbackUrl: { default: string };
                scopes: { default: string[]; items: { enum: string[] } };
              };
            };
          };
        };
      };
    };
  };
  const entry = manifest.contributes.configuration.properties['lineLogin.channels'].items.properties;

  test('the setting schema offers the same defaults and scopes as the code', () => {
    assert.equal(entry.callbackUrl.default, CHANNEL_DEFAULTS.callbackUrl);
    assert.equal(entry.callbackUrl.default, DEFAULT_CALLBACK_URL);
    assert.deepEqual(entry.scopes.default, CHANNEL_DEFAULTS.scopes);
    assert.deepEqual(entry.scopes.items.enum, LINE_SCOPES);
  });
});
