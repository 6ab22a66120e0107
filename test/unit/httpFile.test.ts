// The generated .http file, read as REST Client reads it and run against the emulator over loopback
// with the credentials of a real .env export: every request succeeds, and the file itself holds
// no credential.
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startLineEmulator, type LineEmulator } from '../../emulator/index';
import { parseDotEnv, writeDotEnv } from '../../src/core/exports/dotEnv';
import { renderHttpFile } from '../../src/core/exports/httpFile';
import type { TokenSet } from '../../src/core/types';
import { parseHttpFile } from '../support/restClient';

const CHANNEL = { channelId: '1680000011', channelSecret: '11223344556677889900aabbccddeeff' };
const USER = { userId: `U${'7'.repeat(32)}`, displayName: 'Ito' };

let emulator: LineEmulator;
let folder: string;
let tokenSet: TokenSet;

before(async () => {
  emulator = await startLineEmulator({
    channels: [{ ...CHANNEL, callbackUrls: ['http://127.0.0.1:1/cb'] }],
    users: [{ ...USER, friendOf: [CHANNEL.channelId] }],
  });
  folder = await mkdtemp(join(tmpdir(), 'line-http-'));
  const issued = await emulator.issueTokensDirectly(CHANNEL.channelId, USER.userId, ['profile', 'openid'], 'n0nce');
  tokenSet = {
    channelId: CHANNEL.channelId,
    userId: USER.userId,
    accessToken: issued.access_token,
    tokenType: 'Bearer',
    scopes: ['profile', 'openid'],
    accessTokenIssuedAt: 0,
    accessTokenExpiresAt: 0,
    refreshToken: issued.refresh_token,
    originalIssuedAt: 0,
    ...(issued.id_token === undefined ? {} : { idToken: issued.id_token }),
  };
});

after(async () => {
  await emulator.close();
  await rm(folder, { recursive: true, force: true });
});

describe('.http file', () => {
  test('holds no credential, only $dotenv references', () => {
    const text = renderHttpFile();
    for (const value of [
      tokenSet.accessToken,
      tokenSet.refreshToken ?? '',
      tokenSet.idToken ?? '',
      CHANNEL.channelSecret,
    ]) {
      assert.ok(!text.includes(value));
    }
    assert.match(text, /^@accessToken = \{\{\$dotenv LINE_ACCESS_TOKEN\}\}$/m);
    assert.equal(text.match(/^### /gm)?.length, 6);
  });

  test('every request runs against the emulator with the exported .env', async () => {
    const envFile = join(folder, '.env');
    await writeDotEnv(envFile, { tokenSet, apiBaseUrl: emulator.apiBaseUrl, includeRefreshToken: true });
    // The extension never writes the channel secret; the person adds it to refresh from the file.
    await appendFile(envFile, `LINE_CHANNEL_SECRET=${CHANNEL.channelSecret}\n`);
    const requests = parseHttpFile(renderHttpFile(), parseDotEnv(await readFile(envFile, 'utf8')));
    assert.deepEqual(
      requests.map((r) => `${r.method} ${new URL(r.url).pathname}`),
      [
        'GET /v2/profile',
        'GET /oauth2/v2.1/userinfo',
        'GET /friendship/v1/status',
        'GET /oauth2/v2.1/verify',
        'POST /oauth2/v2.1/verify',
        'POST /oauth2/v2.1/token',
      ],
    );
    const answers: Record<string, unknown>[] = [];
    for (const request of requests) {
      const response = await fetch(request.url, {
        method: request.method,
        headers: request.headers,
        ...(request.body === undefined ? {} : { body: request.body }),
      });
      assert.equal(response.status, 200, `${request.name}: ${response.status} ${await response.clone().text()}`);
      answers.push((await response.json()) as Record<string, unknown>);
    }
    const [profile, userinfo, friendship, verify, idToken, refreshed] = answers;
    assert.equal(profile?.['userId'], USER.userId);
    assert.equal(userinfo?.['sub'], USER.userId);
    assert.equal(friendship?.['friendFlag'], true);
    assert.equal(verify?.['client_id'], CHANNEL.channelId);
    assert.equal(idToken?.['sub'], USER.userId);
    assert.equal(typeof refreshed?.['access_token'], 'string');
    assert.notEqual(refreshed?.['access_token'], tokenSet.accessToken);
  });

  test('without the .env a request fails to resolve instead of sending an empty token', () => {
    assert.throws(() => parseHttpFile(renderHttpFile(), new Map()), /\{\{accessToken\}\} is not defined/);
  });
});
