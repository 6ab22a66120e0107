// Two VS Code windows on one machine, as two real node processes: each runs the product's
// SecretTokenStore, FileLock and LineAccounts (test/support/windowProcess.ts) over one shared
// SecretStorage stand-in that, like VS Code's, shows a window's write to the other window only some
// milliseconds later, and whose store() sometimes throws. Round after round both windows refresh
// the same LINE accounts against the emulator, save and delete accounts of their own and change
// profiles, side by side. After each round nothing may be lost: every account holds the last thing
// its owner wrote, and every stored refresh token still works at LINE.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startLineEmulator, type LineEmulator } from '../../emulator/index';
import { LineAccounts } from '../../src/core/accounts';
import { createLineJwks } from '../../src/core/idToken';
import { LineLoginClient } from '../../src/core/lineClient';
import { FileLock } from '../../src/core/fileLock';
import { FileGenerationMark } from '../../src/core/machineLock';
import { ACCOUNTS_LOCK } from '../../src/core/snapshotTokenStore';
import { accountId, type AccountKey } from '../../src/core/tokenStore';
import type { TokenSet } from '../../src/core/types';
import { SecretTokenStore } from '../../src/vscode/secretTokenStore';
import { FileSecretStorage } from '../support/secretStorageFakes';
import { WindowProcess } from '../support/windowDriver';
import { seededRandom, type OpResult, type WindowOp } from '../support/windowProtocol';

const ROUNDS = Number(process.env.CROSS_WINDOW_ROUNDS ?? 40);
const SEED = Number(process.env.CROSS_WINDOW_SEED ?? 20_251_130);
const OPS_PER_LANE = 6;
const FAKE_SLOTS_PER_LANE = 2;
const STORE_FAULT_RATE = 0.25;
const LAG_MAX_MS = 8;

const CHANNEL = { channelId: '1680000001', channelSecret: '0f1e2d3c4b5a69788796a5b4c3d2e1f0' };
const USERS = ['U' + '1'.repeat(32), 'U' + '2'.repeat(32), 'U' + '3'.repeat(32)];
const REAL: AccountKey[] = USERS.map((userId) => ({ channelId: CHANNEL.channelId, userId }));

let emulator: LineEmulator;
let directory: string;
let windows: WindowProcess[] = [];
let store: SecretTokenStore;
let secrets: FileSecretStorage;
let lock: FileLock;
let accounts: LineAccounts;

function fakeTokenSet(window: string, lane: number, slot: number, marker: string): TokenSet {
  const now = 1_700_000_000_000;
  return {
    channelId: '1680000002',
    userId: `U${window}${String(lane)}${String(slot)}`.padEnd(33, '0'),
    accessToken: marker,
    tokenType: 'Bearer',
    scopes: ['profile'],
    accessTokenIssuedAt: now,
    accessTokenExpiresAt: now + 2_592_000_000,
    refreshToken: `refresh-${marker}`,
    originalIssuedAt: now,
  };
}

before(async () => {
  emulator = await startLineEmulator({
    channels: [{ ...CHANNEL, callbackUrls: ['http://127.0.0.1:9/callback'] }],
    users: USERS.map((userId, index) => ({ userId, displayName: `User ${String(index)}`, friendOf: [] })),
  });
  directory = mkdtempSync(join(tmpdir(), 'line-login-windows-'));
  const secretsDir = join(directory, 'secrets');
  const lockDir = join(directory, 'locks');
  lock = new FileLock(lockDir);
  secrets = new FileSecretStorage(secretsDir);
  store = new SecretTokenStore(secrets, {
    lock,
    generation: new FileGenerationMark(join(lockDir, 'accounts.generation')),
  });
  const client = new LineLoginClient({
    endpoints: { authorizeBaseUrl: emulator.authorizeBaseUrl, apiBaseUrl: emulator.apiBaseUrl },
  });
  accounts = new LineAccounts({
    client,
    store,
    lock,
    jwks: createLineJwks(emulator.apiBaseUrl),
    channelCredentials: () => Promise.resolve(CHANNEL),
  });
  for (const key of REAL) {
    const issued = await emulator.issueTokensDirectly(CHANNEL.channelId, key.userId, ['profile']);
    const now = Date.now();
    await store.put({
      ...key,
      accessToken: issued.access_token,
      tokenType: issued.token_type,
      scopes: issued.scope.split(' '),
      accessTokenIssuedAt: now,
      accessTokenExpiresAt: now + issued.expires_in * 1000,
      refreshToken: issued.refresh_token,
      refreshTokenExpiresAt: now + 90 * 86_400_000,
      originalIssuedAt: now,
      profile: { userId: key.userId, displayName: 'initial' },
    });
  }
  windows = await Promise.all(
    ['A', 'B'].map((window, index) =>
      WindowProcess.start({
        window,
        secretsDir,
        lockDir,
        apiBaseUrl: emulator.apiBaseUrl,
        authorizeBaseUrl: emulator.authorizeBaseUrl,
        channel: CHANNEL,
        lagMaxMs: LAG_MAX_MS,
        storeFaultRate: STORE_FAULT_RATE,
        seed: SEED + index + 1,
        lock: process.env.CROSS_WINDOW_LOCK === 'process' ? 'process' : 'file',
      }),
    ),
  );
});

after(async () => {
  // A change resolves once its document is stored; its listing is written after, under the lock:
  // taking the lock once more waits for that, and settled() for the files to be in the folder.
  await lock.run(ACCOUNTS_LOCK, () => Promise.resolve());
  await secrets.settled();
  await Promise.all(windows.map((window) => window.stop()));
  await emulator.close();
  rmSync(directory, { recursive: true, force: true });
});

function refreshCalls(): number {
  return emulator.requests.filter((r) => r.endpoint === 'token' && r.form.grant_type === 'refresh_token').length;
}

/** What each lane of each window does in one round; fake accounts belong to one lane, so their final state is known. */
function schedule(random: () => number, round: number): Map<string, WindowOp[][]> {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const plans = new Map<string, WindowOp[][]>();
  for (const window of ['A', 'B']) {
    const lanes: WindowOp[][] = [];
    for (let lane = 0; lane < 2; lane++) {
      const ops: WindowOp[] = [];
      for (let index = 0; index < OPS_PER_LANE; index++) {
        const roll = random();
        const slot = Math.floor(random() * FAKE_SLOTS_PER_LANE);
        const marker = `fake-${window}${String(lane)}-r${String(round)}-o${String(index)}`;
        if (roll < 0.35) {
          ops.push({ kind: 'refresh', account: pick(REAL) });
        } else if (roll < 0.6) {
          ops.push({ kind: 'put', tokenSet: fakeTokenSet(window, lane, slot, marker) });
        } else if (roll < 0.75) {
          ops.push({ kind: 'profile', account: pick(REAL), displayName: marker });
        } else if (roll < 0.85) {
          ops.push({ kind: 'delete', account: fakeTokenSet(window, lane, slot, marker) });
        } else {
          ops.push({ kind: 'pause', ms: Math.floor(random() * 5) });
        }
      }
      lanes.push(ops);
    }
    plans.set(window, lanes);
  }
  return plans;
}

describe('two windows (two processes) sharing one secret storage', () => {
  test('refreshes, sign-ins, deletes and profile changes side by side lose nothing; one LINE refresh per turn', async (t) => {
    const random = seededRandom(SEED);
    /** The last value each fake account's owner meant to keep (undefined: deleted). */
    const expected = new Map<string, string | undefined>();
    const figures = {
      rounds: 0,
      operations: 0,
      refreshOperations: 0,
      lineRefreshCalls: 0,
      keptInMemory: 0,
      failedDeletes: 0,
      lost: 0,
    };
    for (let round = 1; round <= ROUNDS; round++) {
      const plans = schedule(random, round);
      const callsBefore = refreshCalls();
      const done = await Promise.all(
        windows.map((window, index) =>
          window.request({ type: 'round', round, lanes: plans.get(index === 0 ? 'A' : 'B') ?? [] }, 'roundDone'),
        ),
      );
      for (const window of windows) {
        const flushed = await window.request({ type: 'flush' }, 'flushed');
        assert.equal(flushed.unsavedLeft, 0, 'tokens kept in memory are saved once storage works again');
      }
      figures.lineRefreshCalls += refreshCalls() - callsBefore;

      const profileNames = new Map<string, Set<string>>();
      done.forEach((reply, index) => {
        const lanes = plans.get(index === 0 ? 'A' : 'B') ?? [];
        lanes.forEach((ops, lane) => {
          ops.forEach((op, opIndex) => {
            const result: OpResult = reply.results[lane]?.[opIndex] ?? { ok: false, errorCode: 'missing' };
            figures.operations += 1;
            const kept = result.errorCode === 'ERR_STORE_WRITE_FAILED';
            if (kept) {
              figures.keptInMemory += 1;
            }
            switch (op.kind) {
              case 'refresh':
                figures.refreshOperations += 1;
                assert.ok(result.ok || kept, `round ${String(round)}: refresh failed with ${String(result.errorCode)}`);
                break;
              case 'put':
                assert.ok(result.ok || kept, `round ${String(round)}: put failed with ${String(result.errorCode)}`);
                expected.set(accountId(op.tokenSet), op.tokenSet.accessToken);
                break;
              case 'profile': {
                assert.ok(result.ok || kept, `round ${String(round)}: profile failed with ${String(result.errorCode)}`);
                const names = profileNames.get(accountId(op.account)) ?? new Set<string>();
                names.add(op.displayName);
                profileNames.set(accountId(op.account), names);
                break;
              }
              case 'delete':
                if (result.ok) {
                  expected.set(accountId(op.account), undefined);
                } else {
                  // A delete whose write failed changes nothing, and says so.
                  assert.equal(result.errorCode, 'ERR_STORE_UNAVAILABLE');
                  figures.failedDeletes += 1;
                }
                break;
              case 'pause':
                break;
            }
          });
        });
      });

      // Read fresh, under the lock: this folder-backed stand-in, unlike VS Code's SecretStorage, does
      // not announce the other process's writes, and plain readers share the last read until one is.
      const stored = new Map<string, TokenSet | undefined>();
      for (const id of new Set([...expected.keys(), ...REAL.map(accountId)])) {
        const [channelId = '', userId = ''] = id.split('/');
        stored.set(id, await store.getLatest({ channelId, userId }));
      }
      for (const [id, accessToken] of expected) {
        if (stored.get(id)?.accessToken !== accessToken) {
          figures.lost += 1;
          assert.fail(
            `round ${String(round)}: ${id} holds ${String(stored.get(id)?.accessToken)}, expected ${String(accessToken)}`,
          );
        }
      }
      for (const key of REAL) {
        const tokenSet = stored.get(accountId(key));
        assert.ok(tokenSet, `round ${String(round)}: ${accountId(key)} is still stored`);
        const names = profileNames.get(accountId(key));
        if (names !== undefined && !names.has(tokenSet.profile?.displayName ?? '')) {
          figures.lost += 1;
          assert.fail(`round ${String(round)}: a profile change of ${accountId(key)} was written over`);
        }
        // The stored tokens are the live ones: LINE accepts the access token and the refresh token.
        await accounts.verifyAccessToken(key);
        await accounts.refresh(key).catch((error: unknown) => {
          figures.lost += 1;
          throw error;
        });
      }
      figures.rounds += 1;
    }
    assert.equal(figures.lost, 0);
    assert.ok(
      figures.lineRefreshCalls <= figures.refreshOperations,
      'never more LINE refreshes than refresh operations',
    );
    const faults = (await Promise.all(windows.map((window) => window.request({ type: 'flush' }, 'flushed')))).reduce(
      (sum, flushed) => sum + flushed.faultsInjected,
      0,
    );
    t.diagnostic(
      `${String(figures.rounds)} rounds, 2 processes × 2 lanes, ${String(figures.operations)} operations; ` +
        `${String(figures.refreshOperations)} refreshes took ${String(figures.lineRefreshCalls)} LINE calls ` +
        `(${String(figures.refreshOperations - figures.lineRefreshCalls)} took the result of a refresh already made or in flight); ` +
        `${String(faults)} store() faults injected, ${String(figures.keptInMemory)} changes kept in memory and saved later, ` +
        `${String(figures.failedDeletes)} deletes refused; tokens lost: ${String(figures.lost)} (seed ${String(SEED)})`,
    );
  });
});
