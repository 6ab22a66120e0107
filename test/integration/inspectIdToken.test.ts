// lineLogin.inspectIdToken in the real VS Code: foreign ID tokens (as LIFF or the LINE SDK would
// hand a backend) minted by the emulator, checked through automation. Leaves no channel and no
// endpoint setting behind, so later test files start from a fresh install.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { startLineEmulator, type LineEmulator } from '../../emulator/index';

const EXTENSION_ID = 'line-login-devtools.line-login-devtools';
const WEB = { channelId: '1690000101', channelSecret: '00112233445566778899aabbccddeeff', name: 'Web (inspect)' };
const NATIVE = { channelId: '1690000102', channelSecret: 'ffeeddccbbaa99887766554433221100', name: 'App (inspect)' };
const USER_ID = `U${'c'.repeat(32)}`;

interface Inspection {
  kind: string;
  alg: string;
  kid?: string;
  valid: boolean;
  signature: { checked: boolean; ok: boolean; method: string; errorCode?: string };
  claims: Record<string, unknown>;
  times: { status: string; skewSeconds: number; exp?: { secondsFromNow: number } };
  problems: { code: string; message: string }[];
  server?: { ok: boolean; errorCode?: string; agreesWithLocal: boolean };
}

describe('lineLogin.inspectIdToken (foreign ID tokens)', function () {
  this.timeout(60_000);
  let emulator: LineEmulator;
  const results: unknown[] = [];
  const secrets: string[] = [WEB.channelSecret, NATIVE.channelSecret, 'nonce-inspect-0123456789'];

  async function inspect(args: Record<string, unknown>): Promise<Inspection> {
    const result = await vscode.commands.executeCommand<Inspection>('lineLogin.inspectIdToken', args);
    results.push(result);
    return result;
  }

  function tamper(token: string): string {
    const [head, body, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(body ?? '', 'base64url').toString()) as Record<string, unknown>;
    return `${head ?? ''}.${Buffer.from(JSON.stringify({ ...claims, sub: `U${'f'.repeat(32)}` })).toString('base64url')}.${signature ?? ''}`;
  }

  before(async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    await extension.activate();
    emulator = await startLineEmulator({
      channels: [
        { ...WEB, callbackUrls: [] },
        { ...NATIVE, callbackUrls: [], idTokenAlg: 'ES256' },
      ],
      users: [{ userId: USER_ID, displayName: 'Inspector' }],
    });
    const config = vscode.workspace.getConfiguration('lineLogin');
    await config.update('authorizeBaseUrl', emulator.authorizeBaseUrl, vscode.ConfigurationTarget.Global);
    await config.update('apiBaseUrl', emulator.apiBaseUrl, vscode.ConfigurationTarget.Global);
    for (const channel of [WEB, NATIVE]) {
      await vscode.commands.executeCommand('lineLogin.addChannel', {
        ...channel,
        callbackUrl: 'http://127.0.0.1:33999/callback',
        scopes: ['openid', 'profile'],
      });
    }
  });

  after(async () => {
    for (const channel of [WEB, NATIVE]) {
      await vscode.commands.executeCommand('lineLogin.removeChannel', {
        channelId: channel.channelId,
        confirmed: true,
      });
    }
    const config = vscode.workspace.getConfiguration('lineLogin');
    await config.update('authorizeBaseUrl', undefined, vscode.ConfigurationTarget.Global);
    await config.update('apiBaseUrl', undefined, vscode.ConfigurationTarget.Global);
    await emulator.close();
  });

  it('a valid HS256 web-login token: verified with the channel secret, locally and by LINE', async () => {
    const token = await emulator.signIdToken(WEB.channelId, { sub: USER_ID, nonce: secrets[2] }, { alg: 'HS256' });
    secrets.push(token);
    const result = await inspect({ token, channelId: WEB.channelId, onServer: true });
    assert.equal(result.kind, 'web-login');
    assert.equal(result.alg, 'HS256');
    assert.deepEqual(result.signature, { checked: true, ok: true, method: 'HS256-channel-secret' });
    assert.equal(result.valid, true);
    assert.deepEqual(result.problems, []);
    assert.equal(result.times.status, 'valid');
    assert.equal(result.claims.sub, USER_ID);
    assert.equal(result.claims.nonce, 'nonce-…');
    assert.deepEqual([result.server?.ok, result.server?.agreesWithLocal], [true, true]);
  });

  it('a valid ES256 SDK/LIFF token: verified with the JWKS by kid; without channelId the audience names it', async () => {
    const token = await emulator.signIdToken(NATIVE.channelId, { sub: USER_ID }, { alg: 'ES256' });
    secrets.push(token);
    const result = await inspect({ token, channelId: NATIVE.channelId, onServer: true });
    assert.equal(result.kind, 'native-sdk-or-liff');
    assert.match(result.kid ?? '', /^[0-9a-f]{64}$/);
    assert.deepEqual(result.signature, { checked: true, ok: true, method: 'ES256-jwks' });
    assert.equal(result.valid, true);
    assert.deepEqual([result.server?.ok, result.server?.agreesWithLocal], [true, true]);
  });

  it('tampered, expired and other-channel tokens are each told apart', async () => {
    const web = await emulator.signIdToken(WEB.channelId, { sub: USER_ID }, { alg: 'HS256' });
    const native = await emulator.signIdToken(NATIVE.channelId, { sub: USER_ID }, { alg: 'ES256' });
    const nowSeconds = Math.floor(Date.now() / 1000);
    const expired = await emulator.signIdToken(
      NATIVE.channelId,
      { sub: USER_ID, iat: nowSeconds - 7200, exp: nowSeconds - 3600 },
      { alg: 'ES256' },
    );
    secrets.push(web, native, expired);

    for (const [token, channelId] of [
      [tamper(web), WEB.channelId],
      [tamper(native), NATIVE.channelId],
    ] as const) {
      const tampered = await inspect({ token, channelId, onServer: true });
      assert.deepEqual(
        [tampered.signature.ok, tampered.signature.errorCode, tampered.valid],
        [false, 'ERR_ID_TOKEN_SIGNATURE_INVALID', false],
      );
      assert.deepEqual([tampered.server?.ok, tampered.server?.agreesWithLocal], [false, true]);
    }

    const old = await inspect({ token: expired, channelId: NATIVE.channelId });
    assert.equal(old.signature.ok, true);
    assert.equal(old.times.status, 'expired');
    assert.ok((old.times.exp?.secondsFromNow ?? 0) <= -3600);
    assert.deepEqual(
      old.problems.map((problem) => problem.code),
      ['ERR_ID_TOKEN_EXPIRED'],
    );

    const otherHs = await inspect({ token: web, channelId: NATIVE.channelId });
    assert.deepEqual(
      otherHs.problems.map((problem) => problem.code),
      ['ERR_ID_TOKEN_SIGNATURE_INVALID', 'ERR_ID_TOKEN_AUDIENCE_INVALID'],
    );
    const otherEs = await inspect({ token: native, channelId: WEB.channelId });
    assert.equal(otherEs.signature.ok, true);
    assert.deepEqual(
      otherEs.problems.map((problem) => problem.code),
      ['ERR_ID_TOKEN_AUDIENCE_INVALID'],
    );
  });

  it('rejects bad arguments with a code, never echoing the token', async () => {
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('lineLogin.inspectIdToken', { token: 'x', onServer: 'yes' })),
      { code: 'ERR_INVALID_INPUT' },
    );
    await assert.rejects(
      Promise.resolve(
        vscode.commands.executeCommand('lineLogin.inspectIdToken', { token: 'a.b.c', channelId: '999', extra: 1 }),
      ),
      { code: 'ERR_INVALID_INPUT' },
    );
  });

  it('no result holds a token, a channel secret or the nonce', () => {
    const text = JSON.stringify(results);
    assert.ok(results.length >= 7);
    for (const secret of secrets) {
      assert.ok(!text.includes(secret), 'a secret reached a command result');
    }
  });
});
