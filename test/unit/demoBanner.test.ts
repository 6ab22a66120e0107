import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_CHANNEL } from '../../emulator/demoData';
import { demoBanner } from '../host/demoBanner';

describe('npm start: the banner', () => {
  const url = 'http://127.0.0.1:8400/?folder=x';

  test('against the emulator, says everything a first sign-in needs, the demo secret included', () => {
    const text = demoBanner('1.100.3', url, {
      kind: 'emulator',
      authorizeBaseUrl: 'http://line-emulator.localhost:9400',
      apiBaseUrl: 'http://127.0.0.1:9400',
      channel: DEMO_CHANNEL,
    }).join('\n');
    assert.ok(text.includes(url));
    assert.ok(text.includes(DEMO_CHANNEL.channelId));
    assert.ok(text.includes(`enter: ${DEMO_CHANNEL.channelSecret}`));
    assert.ok(text.includes('LINE Login: Sign In…'));
  });

  test('for a real channel, never prints a secret', () => {
    const text = demoBanner('1.100.3', url, {
      kind: 'line',
      channelId: '1234567890',
      callbackUrl: 'http://localhost:33418/callback',
    }).join('\n');
    assert.ok(text.includes('1234567890'));
    assert.ok(!text.includes(DEMO_CHANNEL.channelSecret));
    assert.doesNotMatch(text, /secret, enter/);
  });
});
