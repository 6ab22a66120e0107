// Local LINE keeps this extension's own sign-in out of "your app" (src/vscode/localLine/lazy/extensionTraffic.ts):
// over real HTTP on loopback, a login that starts at the extension's callback URL is claimed with
// everything it leads to (code, tokens, their use), and an app's login on the same channel is not.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startLineEmulator, type EmulatorExchange, type LineEmulator } from '../../emulator/index';
import { ExtensionTraffic } from '../../src/vscode/localLine/lazy/extensionTraffic';

const CHANNEL = {
  channelId: '1690000555',
  channelSecret: '00112233445566778899aabbccddeeff',
  callbackUrls: ['http://localhost:33418/callback', 'http://127.0.0.1:3000/callback'],
};
const USER = { userId: `U${'a1'.repeat(16)}`, displayName: 'Tester' };

let emulator: LineEmulator;
const extension = new ExtensionTraffic(() => [
  { channelId: CHANNEL.channelId, callbackUrl: 'http://localhost:33418/callback' },
]);
/** Each exchange with whether the filter claimed it. */
const seen: { path: string; claimed: boolean }[] = [];

/** A login as a client at `redirectUri` would make it: authorize (auto-approved), token, profile, verify. */
async function login(redirectUri: string): Promise<{ accessToken: string }> {
  const verifier = randomBytes(32).toString('base64url');
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: CHANNEL.channelId,
    redirect_uri: redirectUri,
    state: randomBytes(16).toString('hex'),
    scope: 'profile openid',
    nonce: randomBytes(16).toString('hex'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  const authorize = await fetch(`${emulator.apiBaseUrl}/oauth2/v2.1/authorize?${query.toString()}`, {
    redirect: 'manual',
  });
  const code = new URL(authorize.headers.get('location') ?? '').searchParams.get('code');
  assert.ok(code);
  const token = await fetch(`${emulator.apiBaseUrl}/oauth2/v2.1/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      client_id: CHANNEL.channelId,
      client_secret: CHANNEL.channelSecret,
      code_verifier: verifier,
    }),
  });
  const { access_token: accessToken } = (await token.json()) as { access_token: string };
  await fetch(`${emulator.apiBaseUrl}/v2/profile`, { headers: { authorization: `Bearer ${accessToken}` } });
  await fetch(`${emulator.apiBaseUrl}/oauth2/v2.1/verify?access_token=${encodeURIComponent(accessToken)}`);
  return { accessToken };
}

describe("Local LINE: this extension's own exchanges are not your app's", () => {
  before(async () => {
    emulator = await startLineEmulator({
      channels: [CHANNEL],
      users: [USER],
      autoApprove: true,
      onExchange: (exchange: EmulatorExchange) => {
        seen.push({ path: exchange.request.path, claimed: extension.claims(exchange) });
      },
    });
  });

  after(async () => {
    await emulator.close();
  });

  test("the extension's login is claimed from authorize to its last API call", async () => {
    seen.length = 0;
    await login('http://localhost:33418/callback');
    assert.deepEqual(
      seen.map(({ path, claimed }) => [path, claimed]),
      [
        ['/oauth2/v2.1/authorize', true],
        ['/oauth2/v2.1/token', true],
        ['/v2/profile', true],
        ['/oauth2/v2.1/verify', true],
      ],
    );
    assert.equal(extension.skipped, 4);
  });

  test("an app's login on the same channel, with its own callback URL, is not", async () => {
    seen.length = 0;
    await login('http://127.0.0.1:3000/callback');
    assert.deepEqual(
      seen.map(({ claimed }) => claimed),
      [false, false, false, false],
    );
    assert.equal(extension.skipped, 4);
  });
});
