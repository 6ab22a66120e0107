// The .env export in a real git repository: a tracked file is refused, an ignored one is written
// owner-only, other lines survive, and the refresh token appears only when asked for.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseDotEnv, renderDotEnv, writeDotEnv, type DotEnvExport } from '../../src/core/exports/dotEnv';
import { gitExposure, gitignorePattern, ignoreBesideFile } from '../../src/core/exports/gitSafety';
import { sampleTokenSet } from '../support/tokenSets';

let repo: string;
let outside: string;

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: repo, encoding: 'utf8' });
}

const SOURCE: DotEnvExport = {
  tokenSet: sampleTokenSet({
    accessToken: 'access+token/value==',
    refreshToken: 'refresh-token-value',
    idToken: 'a.b.c',
  }),
  apiBaseUrl: 'http://127.0.0.1:4000',
  includeRefreshToken: false,
};

before(async () => {
  repo = await mkdtemp(join(tmpdir(), 'line-dotenv-repo-'));
  outside = await mkdtemp(join(tmpdir(), 'line-dotenv-plain-'));
  git('init', '--quiet');
  git('config', 'user.email', 'test@example.com');
  git('config', 'user.name', 'Test');
  await writeFile(join(repo, '.gitignore'), 'ignored.env\n');
  await writeFile(join(repo, 'tracked.env'), 'APP=1\n');
  git('add', '.gitignore', 'tracked.env');
  git('commit', '--quiet', '-m', 'init');
});

after(async () => {
  await rm(repo, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

describe('.env export', () => {
  test('git exposure is asked of git itself', async () => {
    assert.equal(await gitExposure(join(repo, 'tracked.env')), 'tracked');
    assert.equal(await gitExposure(join(repo, 'ignored.env')), 'ignored');
    assert.equal(await gitExposure(join(repo, 'new.env')), 'notIgnored');
    assert.equal(await gitExposure(join(outside, '.env')), 'outsideRepository');
  });

  test('refuses a file git tracks, and leaves it untouched', async () => {
    await assert.rejects(writeDotEnv(join(repo, 'tracked.env'), SOURCE), {
      code: 'ERR_EXPORT_REFUSED',
      message: /git tracks tracked\.env.*git rm --cached/,
    });
    assert.equal(await readFile(join(repo, 'tracked.env'), 'utf8'), 'APP=1\n');
  });

  test('writes the four LINE variables (and the base URL), owner-only, without the refresh token by default', async () => {
    const file = join(repo, 'ignored.env');
    const result = await writeDotEnv(file, SOURCE);
    assert.equal(result.exposure, 'ignored');
    const values = parseDotEnv(await readFile(file, 'utf8'));
    assert.deepEqual(Object.fromEntries(values), {
      LINE_API_BASE_URL: 'http://127.0.0.1:4000',
      LINE_CHANNEL_ID: SOURCE.tokenSet.channelId,
      LINE_USER_ID: SOURCE.tokenSet.userId,
      LINE_ACCESS_TOKEN: 'access+token/value==',
      LINE_ACCESS_TOKEN_URL_ENCODED: 'access%2Btoken%2Fvalue%3D%3D',
      LINE_ID_TOKEN: 'a.b.c',
    });
    if (process.platform !== 'win32') {
      assert.equal((await stat(file)).mode & 0o777, 0o600);
    }
    assert.equal(git('status', '--porcelain'), '', 'git sees nothing to commit');
  });

  test('the refresh token only on the explicit choice; a later export without it removes it', async () => {
    const file = join(repo, 'ignored.env');
    await writeFile(file, '# mine\nAPP_PORT=3000\nLINE_ACCESS_TOKEN=old\n');
    await writeDotEnv(file, { ...SOURCE, includeRefreshToken: true });
    let text = await readFile(file, 'utf8');
    assert.equal(parseDotEnv(text).get('LINE_REFRESH_TOKEN'), 'refresh-token-value');
    assert.equal(parseDotEnv(text).get('APP_PORT'), '3000', 'other variables are kept');
    assert.ok(text.startsWith('# mine\nAPP_PORT=3000\n'));
    assert.equal(text.match(/LINE_ACCESS_TOKEN=/g)?.length, 1, 'the old value is replaced, not duplicated');
    await writeDotEnv(file, SOURCE);
    text = await readFile(file, 'utf8');
    assert.equal(parseDotEnv(text).has('LINE_REFRESH_TOKEN'), false);
    assert.equal(text.match(/# LINE Login DevTools/g)?.length, 1);
  });

  test('a not-ignored file is written and reported, and ignoring it beside the file makes git ignore it', async () => {
    const file = join(repo, 'sub dir', 'local.env');
    execFileSync('mkdir', ['-p', join(repo, 'sub dir')]);
    const result = await writeDotEnv(file, SOURCE);
    assert.equal(result.exposure, 'notIgnored');
    assert.equal(await ignoreBesideFile(file), 'ignored');
    assert.equal(await readFile(join(repo, 'sub dir', '.gitignore'), 'utf8'), '/local.env\n');
    assert.equal(git('status', '--porcelain', '--untracked-files=all'), '?? "sub dir/.gitignore"\n');
  });

  test('a file name with glob characters is ignored literally', async () => {
    assert.equal(gitignorePattern('a*b[1].env'), 'a\\*b\\[1\\].env');
    assert.equal(gitignorePattern('#x '), '\\#x\\ ');
    const file = join(repo, '!weird*.env');
    await writeFile(join(repo, '!weirdXX.env'), '');
    await writeDotEnv(file, SOURCE);
    assert.equal(await ignoreBesideFile(file), 'ignored');
    assert.equal(await gitExposure(join(repo, '!weirdXX.env')), 'notIgnored', 'the * matched only itself');
  });

  test('a value a .env parser would read differently is refused', () => {
    assert.throws(() => renderDotEnv('', new Map([['LINE_ACCESS_TOKEN', 'a b']])), { code: 'ERR_INVALID_INPUT' });
    assert.throws(() => renderDotEnv('', new Map([['LINE_ACCESS_TOKEN', 'a\nEVIL=1']])), { code: 'ERR_INVALID_INPUT' });
  });
});
