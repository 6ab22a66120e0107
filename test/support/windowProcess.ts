/**
 * One "VS Code window" for the two-process test: its own node process with the product's
 * SecretTokenStore, FileLock and LineAccounts over a SecretStorage stand-in whose files it shares
 * with the other window. Driven by test/unit/crossWindow.test.ts over the IPC channel.
 */
import { join } from 'node:path';
import { LineAccounts } from '../../src/core/accounts';
import { isLineLoginError } from '../../src/core/errors';
import { createLineJwks } from '../../src/core/idToken';
import { LineLoginClient } from '../../src/core/lineClient';
import { FileLock } from '../../src/core/fileLock';
import { FileGenerationMark, InProcessLock, type MachineLock } from '../../src/core/machineLock';
import { SecretTokenStore } from '../../src/vscode/secretTokenStore';
import { FileSecretStorage } from './secretStorageFakes';
import {
  seededRandom,
  type FromWindow,
  type OpResult,
  type ToWindow,
  type WindowInit,
  type WindowOp,
} from './windowProtocol';

interface Window {
  secrets: FileSecretStorage;
  store: SecretTokenStore;
  accounts: LineAccounts;
  lock: MachineLock;
}

function send(message: FromWindow): void {
  process.send?.(message);
}

function open(init: WindowInit): Window {
  const random = seededRandom(init.seed);
  const secrets = new FileSecretStorage(init.secretsDir, {
    lagMs: () => Math.floor(random() * (init.lagMaxMs + 1)),
    failStore: () => random() < init.storeFaultRate,
  });
  const lock = init.lock === 'file' ? new FileLock(init.lockDir, { staleMs: 10_000 }) : new InProcessLock();
  const store = new SecretTokenStore(secrets, {
    lock,
    generation: new FileGenerationMark(join(init.lockDir, 'accounts.generation')),
    writeRetryDelaysMs: [2, 5, 10],
  });
  const client = new LineLoginClient({
    endpoints: { authorizeBaseUrl: init.authorizeBaseUrl, apiBaseUrl: init.apiBaseUrl },
  });
  const accounts = new LineAccounts({
    client,
    store,
    lock,
    jwks: createLineJwks(init.apiBaseUrl),
    channelCredentials: () => Promise.resolve(init.channel),
    saveRetryDelaysMs: [5, 10, 20, 40],
  });
  return { secrets, store, accounts, lock };
}

async function runOp(window: Window, op: WindowOp): Promise<OpResult> {
  try {
    switch (op.kind) {
      case 'refresh':
        await window.accounts.refresh(op.account);
        break;
      case 'put':
        await window.store.put(op.tokenSet);
        break;
      case 'profile':
        await window.store.update(op.account, (latest) =>
          latest === undefined
            ? undefined
            : { ...latest, profile: { userId: op.account.userId, displayName: op.displayName } },
        );
        break;
      case 'delete':
        await window.store.delete(op.account);
        break;
      case 'pause':
        await new Promise((resolve) => setTimeout(resolve, op.ms));
        break;
    }
    return { ok: true };
  } catch (error) {
    return { ok: false, errorCode: isLineLoginError(error) ? error.code : String(error) };
  }
}

let window: Window | undefined;
let releaseHeld: (() => void) | undefined;

async function handle(message: ToWindow): Promise<void> {
  switch (message.type) {
    case 'init':
      window = open(message);
      send({ type: 'ready' });
      return;
    case 'round': {
      const current = window;
      if (current === undefined) {
        throw new Error('round before init');
      }
      const results = await Promise.all(
        message.lanes.map(async (lane) => {
          const laneResults: OpResult[] = [];
          for (const op of lane) {
            laneResults.push(await runOp(current, op));
          }
          return laneResults;
        }),
      );
      send({ type: 'roundDone', round: message.round, results });
      return;
    }
    case 'flush': {
      const current = window;
      if (current === undefined) {
        throw new Error('flush before init');
      }
      const failStore = current.secrets.failStore;
      current.secrets.failStore = () => false;
      await current.store.saveUnsaved();
      await current.secrets.settled();
      current.secrets.failStore = failStore;
      send({
        type: 'flushed',
        unsavedLeft: current.store.unsavedAccounts().length,
        faultsInjected: current.secrets.faultsInjected,
      });
      return;
    }
    case 'hold': {
      const current = window;
      if (current === undefined) {
        throw new Error('hold before init');
      }
      void current.lock.run(message.name, async () => {
        send({ type: 'holding' });
        await new Promise<void>((resolve) => {
          releaseHeld = resolve;
        });
      });
      return;
    }
    case 'release':
      releaseHeld?.();
      releaseHeld = undefined;
      // The lock is released once run() has returned; a tick later is enough for the release call.
      setTimeout(() => {
        send({ type: 'released' });
      }, 0);
      return;
  }
}

process.on('message', (message: ToWindow) => {
  handle(message).catch((error: unknown) => {
    send({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  });
});
process.on('disconnect', () => {
  process.exit(0);
});
