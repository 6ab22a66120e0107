import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, symlink, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

import type { LineEmulator } from '../../emulator/index';
import { backendSnippets, type SnippetContext } from '../../src/core/backendSnippets';
import { ALICE, NATIVE, WEB, exchange, getCode, json, start } from './emulator/fixtures';

const run = promisify(execFile);

function which(command: string): Promise<boolean> {
  return run('sh', ['-c', `command -v ${command}`]).then(
    () => true,
    () => false,
  );
}

/** The snippets run with the real clock: the emulator here uses it too, so exp is in the future. */
describe('backend verification snippets, executed against emulator-issued tokens', () => {
  let emulator: LineEmulator;
  let dir: string;
  let webToken: string;
  let nativeToken: string;

  before(async () => {
    emulator = await start({ autoApprove: true });
    dir = await mkdtemp(join(tmpdir(), 'line-snippets-'));
    // ESM ignores NODE_PATH: the snippet's bare `import 'jose'` resolves through a node_modules beside it.
    await mkdir(join(dir, 'node_modules'));
    await symlink(resolve('node_modules', 'jose'), join(dir, 'node_modules', 'jose'), 'dir');
    const web = await json<{ id_token?: string }>(await exchange(emulator, await getCode(emulator)));
    const code = await getCode(emulator, { client_id: NATIVE.channelId });
    const native = await json<{ id_token?: string }>(
      await exchange(emulator, code, { id_token_key_type: 'JWK' }, NATIVE),
    );
    assert.ok(web.id_token && native.id_token);
    webToken = web.id_token;
    nativeToken = native.id_token;
  });
  after(async () => {
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
  });

  function context(channelId: string, kind: SnippetContext['kind']): SnippetContext {
    return {
      channelId,
      kind,
      issuer: emulator.authorizeBaseUrl,
      jwksUrl: `${emulator.apiBaseUrl}/oauth2/v2.1/certs`,
      verifyUrl: `${emulator.apiBaseUrl}/oauth2/v2.1/verify`,
    };
  }

  function snippet(channelId: string, kind: SnippetContext['kind'], language: string): string {
    const found = backendSnippets(context(channelId, kind)).find((item) => item.language === language);
    assert.ok(found);
    return found.code;
  }

  async function runNode(
    code: string,
    env: Record<string, string>,
  ): Promise<{ ok: true; claims: Record<string, unknown> } | { ok: false; stderr: string }> {
    const file = join(dir, `verify-${randomBytes(6).toString('hex')}.mjs`);
    await writeFile(file, code);
    try {
      const { stdout } = await run(process.execPath, [file], { env: { PATH: process.env.PATH ?? '', ...env } });
      return { ok: true, claims: JSON.parse(stdout) as Record<string, unknown> };
    } catch (error) {
      return { ok: false, stderr: String((error as { stderr?: unknown }).stderr) };
    }
  }

  test('no snippet inlines the channel secret; each names the channel ID and reads the secret from the environment', () => {
    for (const kind of ['web-login', 'native-sdk-or-liff'] as const) {
      for (const item of backendSnippets(context(WEB.channelId, kind))) {
        assert.ok(!item.code.includes(WEB.channelSecret), `${item.language} holds no secret`);
        assert.ok(item.code.includes(WEB.channelId), `${item.language} names the channel`);
        assert.ok(item.code.includes('LINE_ID_TOKEN'), `${item.language} reads the token from the environment`);
      }
      const node = snippet(WEB.channelId, kind, 'node');
      assert.equal(node.includes('LINE_CHANNEL_SECRET'), kind === 'web-login', 'only HS256 needs the secret');
    }
    assert.throws(() => backendSnippets(context("1'; rm -rf /", 'web-login')), { code: 'ERR_INVALID_CHANNEL' });
  });

  test('Node (jose), HS256: accepts the web-login token, rejects a wrong secret and another channel', async () => {
    const code = snippet(WEB.channelId, 'web-login', 'node');
    const ok = await runNode(code, { LINE_ID_TOKEN: webToken, LINE_CHANNEL_SECRET: WEB.channelSecret });
    assert.ok(ok.ok, ok.ok ? '' : ok.stderr);
    assert.equal(ok.claims.sub, ALICE.userId);
    const wrongSecret = await runNode(code, { LINE_ID_TOKEN: webToken, LINE_CHANNEL_SECRET: NATIVE.channelSecret });
    assert.ok(!wrongSecret.ok);
    assert.match(wrongSecret.stderr, /ERR_JWS_SIGNATURE_VERIFICATION_FAILED/);
    const otherChannel = await runNode(snippet(NATIVE.channelId, 'web-login', 'node'), {
      LINE_ID_TOKEN: webToken,
      LINE_CHANNEL_SECRET: WEB.channelSecret,
    });
    assert.ok(!otherChannel.ok);
    assert.match(otherChannel.stderr, /ERR_JWT_CLAIM_VALIDATION_FAILED.*"aud"/);
  });

  test("Node (jose), ES256: accepts the SDK token with the emulator's JWKS, rejects an HS256 token", async () => {
    const code = snippet(NATIVE.channelId, 'native-sdk-or-liff', 'node');
    const ok = await runNode(code, { LINE_ID_TOKEN: nativeToken });
    assert.ok(ok.ok, ok.ok ? '' : ok.stderr);
    assert.equal(ok.claims.aud, NATIVE.channelId);
    const hs = await emulator.signIdToken(NATIVE.channelId, { sub: ALICE.userId }, { alg: 'HS256' });
    const rejected = await runNode(code, { LINE_ID_TOKEN: hs });
    assert.ok(!rejected.ok);
    assert.match(rejected.stderr, /ERR_JOSE_ALG_NOT_ALLOWED/);
  });

  test('curl: LINE’s verify endpoint accepts the token for its channel and rejects it for another', async (t) => {
    if (!(await which('curl'))) {
      t.skip('curl is not installed on this machine, so the curl snippet cannot be executed');
      return;
    }
    const runCurl = async (channelId: string, token: string): Promise<Record<string, unknown>> => {
      const code = snippet(channelId, 'native-sdk-or-liff', 'curl');
      const { stdout } = await run('sh', ['-c', code], { env: { PATH: process.env.PATH ?? '', LINE_ID_TOKEN: token } });
      return JSON.parse(stdout) as Record<string, unknown>;
    };
    const accepted = await runCurl(NATIVE.channelId, nativeToken);
    assert.equal(accepted.sub, ALICE.userId);
    const webAccepted = await runCurl(WEB.channelId, webToken);
    assert.equal(webAccepted.aud, WEB.channelId);
    const rejected = await runCurl(WEB.channelId, nativeToken);
    assert.equal(rejected.error, 'invalid_request');
    assert.equal(rejected.error_description, 'Invalid IdToken Audience.');
  });

  test('Python (PyJWT): executed when python3 with PyJWT is installed, else syntax-checked', async (t) => {
    if (!(await which('python3'))) {
      t.skip('python3 is not installed on this machine');
      return;
    }
    for (const [kind, channelId] of [
      ['web-login', WEB.channelId],
      ['native-sdk-or-liff', NATIVE.channelId],
    ] as const) {
      const file = join(dir, `verify_${kind.replace(/-/g, '_')}.py`);
      await writeFile(file, snippet(channelId, kind, 'python'));
      await run('python3', ['-m', 'py_compile', file]);
    }
    // The PATH's python3 may be a version manager's without PyJWT; Debian's python3-jwt lives beside /usr/bin/python3.
    let python: string | undefined;
    for (const candidate of ['python3', '/usr/bin/python3']) {
      if (
        await run(candidate, ['-c', 'import jwt, cryptography']).then(
          () => true,
          () => false,
        )
      ) {
        python = candidate;
        break;
      }
    }
    if (python === undefined) {
      t.skip('PyJWT (with cryptography) is not installed: the Python snippets were syntax-checked only');
      return;
    }
    const { stdout } = await run(python, [join(dir, 'verify_web_login.py')], {
      env: { PATH: process.env.PATH ?? '', LINE_ID_TOKEN: webToken, LINE_CHANNEL_SECRET: WEB.channelSecret },
    });
    assert.equal((JSON.parse(stdout) as Record<string, unknown>).sub, ALICE.userId);
  });

  test('Go (lestrrat-go/jwx/v2): executed only where a Go toolchain and the module are present', async (t) => {
    if (!(await which('go'))) {
      t.skip('no Go toolchain on this machine (not installed for this test): the Go snippet is not executed');
      return;
    }
    t.skip(
      'a Go toolchain exists, but fetching github.com/lestrrat-go/jwx/v2 needs the network, which tests never use',
    );
  });
});
