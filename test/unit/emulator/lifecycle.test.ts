import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { jwtVerify } from 'jose';
import { startLineEmulator } from '../../../emulator/index';
import type { EmulatorExchange } from '../../../emulator/index';
import { WEB, ALICE, BOB, CALLBACK, start, login, hs256Key, getCode, exchange } from './fixtures';

describe('LINE emulator: lifecycle and options', () => {
  test('refuses to bind anything but loopback', async () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.10']) {
      await assert.rejects(startLineEmulator({ host }), /loopback/);
    }
  });

  test('browserHost shapes authorizeBaseUrl (the issuer); apiBaseUrl stays on the bind address', async () => {
    const emulator = await startLineEmulator({
      browserHost: 'line-emulator.localhost',
      channels: [WEB],
      users: [ALICE],
      autoApprove: true,
    });
    try {
      assert.equal(emulator.apiBaseUrl, `http://127.0.0.1:${emulator.port}`);
      assert.equal(emulator.authorizeBaseUrl, `http://line-emulator.localhost:${emulator.port}`);
      const tokens = await emulator.issueTokensDirectly(WEB.channelId, ALICE.userId, ['openid']);
      const claims = (await jwtVerify(tokens.id_token ?? '', hs256Key(WEB))).payload;
      assert.equal(claims.iss, emulator.authorizeBaseUrl);
    } finally {
      await emulator.close();
    }
  });

  test('addChannel and addUser work after start, and validate their input', async () => {
    const emulator = await startLineEmulator({ autoApprove: true });
    try {
      emulator.addChannel(WEB);
      emulator.addUser(BOB);
      const claims = (await jwtVerify((await login(emulator)).id_token ?? '', hs256Key(WEB))).payload;
      assert.equal(claims.sub, BOB.userId);
      assert.throws(() => {
        emulator.addUser({ userId: 'U123', displayName: 'short id' });
      }, TypeError);
      assert.throws(() => {
        emulator.addChannel({ channelId: '1', channelSecret: 's', callbackUrls: ['/relative'] });
      }, TypeError);
    } finally {
      await emulator.close();
    }
  });

  test('close() ends keep-alive connections and is idempotent', async () => {
    const emulator = await start();
    const { port } = emulator;
    assert.equal((await fetch(`${emulator.apiBaseUrl}/oauth2/v2.1/certs`)).status, 200);
    emulator.setFault('certs', { kind: 'slow', delayMs: 10_000 });
    const pending = fetch(`${emulator.apiBaseUrl}/oauth2/v2.1/certs`).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await Promise.all([emulator.close(), emulator.close()]);
    assert.ok(Date.now() - started < 2000);
    assert.ok((await pending) instanceof Error);
    await assert.rejects(fetch(`http://127.0.0.1:${port}/oauth2/v2.1/certs`));
  });

  test('onExchange sees each request raw with its answer; a dropped answer and a throwing observer change nothing', async () => {
    const seen: EmulatorExchange[] = [];
    const nth = (index: number): EmulatorExchange => {
      const item = seen[index];
      assert.ok(item, `exchange ${String(index)} was not observed`);
      return item;
    };
    let throwNext = false;
    const emulator = await start({
      autoApprove: true,
      onExchange: (item) => {
        seen.push(item);
        if (throwNext) {
          throwNext = false;
          throw new Error('observer broke');
        }
      },
    });
    try {
      const code = await getCode(emulator, { state: 'a b+c' });
      assert.equal(seen.length, 1);
      const authorizeExchange = nth(0);
      assert.equal(authorizeExchange.request.endpoint, 'authorize');
      // The raw query keeps the bytes the app sent (%20 and + are not the same thing here).
      assert.match(authorizeExchange.request.rawQuery, /state=a(%20|\+)b%2Bc/);
      const redirect = authorizeExchange.response;
      assert.ok(redirect);
      assert.equal(redirect.status, 302);
      assert.ok(String(redirect.headers.location).startsWith(CALLBACK));
      throwNext = true;
      const answer = await exchange(emulator, code);
      assert.equal(answer.status, 200, 'a throwing observer must not change the answer');
      const tokenExchange = nth(1);
      assert.equal(tokenExchange.request.endpoint, 'token');
      assert.equal(new URLSearchParams(tokenExchange.request.rawBody).get('code'), code);
      assert.ok((JSON.parse(tokenExchange.response?.body ?? '{}') as { access_token?: string }).access_token);
      emulator.setFault('verify', { kind: 'destroySocket' }, 1);
      await assert.rejects(fetch(`${emulator.apiBaseUrl}/oauth2/v2.1/verify?access_token=x`));
      assert.equal(nth(2).request.endpoint, 'verify');
      assert.equal(nth(2).response, undefined);
    } finally {
      await emulator.close();
    }
  });
});
