// SecretTokenStore under node over a SecretStorage stand-in that can throw (a locked or broken
// keychain): writes that fail are retried, new tokens are never dropped, an unreadable document is
// moved aside instead of bricking the store, and a sign-in can check the store before it starts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TokenError } from '../../src/core/errors';
import { InProcessLock, MemoryGenerationMark } from '../../src/core/machineLock';
import { listedAccount, serializeListing } from '../../src/core/accountListing';
import type { AccountKey } from '../../src/core/tokenStore';
import type { TokenSet } from '../../src/core/types';
import { SECRET_KEYS } from '../../src/vscode/constants';
import { SecretTokenStore, type SecretStorageLike } from '../../src/vscode/secretTokenStore';
import { MemorySecretStorage } from '../support/secretStorageFakes';
import { storedTokenSet } from '../support/tokenSets';

const ACCOUNTS = SECRET_KEYS.accounts;
const LISTING = SECRET_KEYS.accountsListing;

const tokenSet = storedTokenSet;

const key = (userId: string): AccountKey => ({ channelId: '1660000001', userId });

function storeOver(
  secrets: SecretStorageLike,
  options: ConstructorParameters<typeof SecretTokenStore>[1] = {},
): {
  store: SecretTokenStore;
  warnings: string[];
} {
  const warnings: string[] = [];
  const store = new SecretTokenStore(secrets, {
    writeRetryDelaysMs: [0, 0],
    sleep: () => Promise.resolve(),
    onWarning: (message) => warnings.push(message),
    now: () => Date.UTC(2025, 0, 2, 3, 4, 5),
    listingGraceMs: 0,
    ...options,
  });
  return { store, warnings };
}

function document(secrets: MemorySecretStorage): { version: number; generation?: number; accounts: TokenSet[] } {
  return JSON.parse(secrets.values.get(ACCOUNTS) ?? 'null') as {
    version: number;
    generation?: number;
    accounts: TokenSet[];
  };
}

describe('SecretTokenStore: reading and writing', () => {
  test('one JSON document with a generation per write; change events for its own and other windows’ writes', async () => {
    const secrets = new MemorySecretStorage();
    const { store } = storeOver(secrets);
    let changes = 0;
    store.onDidChange(() => (changes += 1));
    await store.put(tokenSet('U1'));
    await store.put(tokenSet('U2'));
    assert.deepEqual(
      (await store.list()).map((set) => set.userId),
      ['U1', 'U2'],
    );
    assert.equal(document(secrets).version, 1);
    assert.equal(document(secrets).generation, 2);
    assert.equal(changes, 2);
    assert.equal(await store.delete(key('U1')), true);
    assert.equal(await store.delete(key('U1')), false, 'nothing to delete: no write, no event');
    assert.equal(changes, 3);
    assert.equal(document(secrets).generation, 3);

    // A window of an earlier version writes the document only (VS Code fires onDidChange for it
    // here): the change is announced once the listing had time to follow, and lists read the document.
    const other = { ...document(secrets), accounts: [...document(secrets).accounts, tokenSet('U3')] };
    secrets.storeFromAnotherWindow(ACCOUNTS, JSON.stringify(other));
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(changes, 4);
    assert.deepEqual(
      (await store.listAccounts()).map((account) => account.userId),
      ['U2', 'U3'],
    );
    assert.equal((await store.get(key('U3')))?.accessToken, 'access-U3-secret');
    assert.equal(await store.deleteChannel('1660000001'), 2);
    store.dispose();
  });

  test('reads a document an earlier version wrote (no generation) and carries on from it', async () => {
    const secrets = new MemorySecretStorage();
    secrets.values.set(ACCOUNTS, JSON.stringify({ version: 1, accounts: [tokenSet('U1')] }));
    const { store } = storeOver(secrets);
    assert.equal((await store.get(key('U1')))?.userId, 'U1');
    await store.put(tokenSet('U2'));
    assert.deepEqual(
      document(secrets).accounts.map((set) => set.userId),
      ['U1', 'U2'],
    );
    assert.equal(document(secrets).generation, 1);
  });

  test('a store() that fails once is retried and the change is saved', async () => {
    const secrets = new MemorySecretStorage();
    const { store, warnings } = storeOver(secrets);
    secrets.fail('store', { times: 1 });
    await store.put(tokenSet('U1'));
    assert.equal(secrets.faultsInjected, 1);
    assert.equal(document(secrets).accounts[0]?.userId, 'U1');
    assert.equal(warnings.length, 1);
    assert.ok(!warnings[0]?.includes('access-U1-secret'), 'warnings carry no token');
  });

  test('new tokens that cannot be saved are kept in memory, reported, and saved once storage works', async () => {
    const secrets = new MemorySecretStorage();
    const { store } = storeOver(secrets);
    await store.put(tokenSet('U1'));
    secrets.fail('store');
    const renewed = tokenSet('U1', { accessToken: 'renewed-access-secret', refreshToken: 'renewed-refresh-secret' });
    const error = await store.put(renewed).then(
      () => assert.fail('the write cannot succeed'),
      (caught: unknown) => caught as Error & { code: string },
    );
    assert.equal(error.code, 'ERR_STORE_WRITE_FAILED');
    assert.match(error.message, /keeps them in memory/);
    assert.ok(!/renewed-|access-U1/.test(error.message), 'the message carries no token');
    assert.equal(secrets.faultsInjected, 3, 'three attempts');
    // Readers of this window see the new tokens; the document still has the old ones.
    assert.equal((await store.get(key('U1')))?.accessToken, 'renewed-access-secret');
    assert.equal(document(secrets).accounts[0]?.accessToken, 'access-U1-secret');
    assert.deepEqual(store.unsavedAccounts(), [key('U1')]);
    assert.equal(await store.saveUnsaved().catch(() => false), false, 'still failing');

    secrets.heal();
    assert.equal(await store.saveUnsaved(), true);
    assert.equal(document(secrets).accounts[0]?.accessToken, 'renewed-access-secret');
    assert.deepEqual(store.unsavedAccounts(), []);
  });

  test('new tokens are kept in memory whatever fails: the read before the write, or the lock', async () => {
    const secrets = new MemorySecretStorage();
    let lockFails = false;
    const { store } = storeOver(secrets, {
      lock: {
        run: (_name, operation) =>
          lockFails ? Promise.reject(new TokenError('ERR_STORE_BUSY', 'another window holds it')) : operation(),
      },
    });
    await store.put(tokenSet('U1'));
    // A change announced by another window: the next write must read the document again.
    secrets.storeFromAnotherWindow(ACCOUNTS, secrets.values.get(ACCOUNTS) ?? '');
    secrets.fail('get', { key: ACCOUNTS, times: 1 });
    await assert.rejects(store.put(tokenSet('U1', { accessToken: 'after-read-failure' })), {
      code: 'ERR_STORE_WRITE_FAILED',
    });
    assert.equal((await store.get(key('U1')))?.accessToken, 'after-read-failure');
    lockFails = true;
    await assert.rejects(store.put(tokenSet('U2')), { code: 'ERR_STORE_WRITE_FAILED', message: /another window/ });
    await assert.rejects(store.delete(key('U1')), { code: 'ERR_STORE_BUSY' });
    lockFails = false;
    assert.equal(await store.saveUnsaved(), true);
    assert.deepEqual(
      document(secrets).accounts.map((set) => [set.userId, set.accessToken]),
      [
        ['U1', 'after-read-failure'],
        ['U2', 'access-U2-secret'],
      ],
    );
  });

  test('changes kept in memory go out with the next successful write of any account', async () => {
    const secrets = new MemorySecretStorage();
    const { store } = storeOver(secrets);
    secrets.fail('store', { times: 3 });
    await assert.rejects(store.put(tokenSet('U1')), { code: 'ERR_STORE_WRITE_FAILED' });
    await store.put(tokenSet('U2'));
    assert.deepEqual(
      document(secrets).accounts.map((set) => set.userId),
      ['U1', 'U2'],
    );
    assert.deepEqual(store.unsavedAccounts(), []);
  });

  test('a delete that cannot be written changes nothing and says so', async () => {
    const secrets = new MemorySecretStorage();
    const { store } = storeOver(secrets);
    await store.put(tokenSet('U1'));
    secrets.fail('store');
    await assert.rejects(store.delete(key('U1')), { code: 'ERR_STORE_UNAVAILABLE', message: /nothing was changed/ });
    secrets.heal();
    assert.equal((await store.get(key('U1')))?.userId, 'U1');
  });

  test('a get() that throws is ERR_STORE_UNAVAILABLE for readers, and nothing is written', async () => {
    const secrets = new MemorySecretStorage();
    const { store } = storeOver(secrets);
    await store.put(tokenSet('U1'));
    const before = secrets.values.get(ACCOUNTS);
    secrets.fail('get');
    // Readers share what was last read or written until a change is announced (issue 15): announce one.
    secrets.storeFromAnotherWindow(ACCOUNTS, before ?? '');
    await assert.rejects(store.list(), { code: 'ERR_STORE_UNAVAILABLE', message: /secret storage/ });
    // New tokens are not dropped: kept in memory (see below), and the document is untouched.
    await assert.rejects(store.put(tokenSet('U2')), { code: 'ERR_STORE_WRITE_FAILED' });
    assert.equal(secrets.values.get(ACCOUNTS), before);
  });
});

describe('SecretTokenStore: an unreadable document', () => {
  test('is moved to a backup key (its text unchanged), the person is told once, and the store works again', async () => {
    const secrets = new MemorySecretStorage();
    const raw = '{"version":1,"accounts":[{"channelId":"1","userId":"U1","accessToken":"cut-off-secret';
    secrets.values.set(ACCOUNTS, raw);
    const { store, warnings } = storeOver(secrets);
    const reports: unknown[] = [];
    store.onDidSetAside((report) => reports.push(report));
    assert.deepEqual(await store.list(), []);
    assert.equal(reports.length, 1);
    const [report] = reports as { backupKey: string; reason: string; salvaged: number }[];
    assert.ok(report);
    assert.equal(report.reason, 'not JSON');
    assert.equal(report.salvaged, 0);
    assert.ok(report.backupKey.startsWith(SECRET_KEYS.accountsSetAsidePrefix));
    assert.match(report.backupKey, /\.unreadable\.2025-01-02T03:04:05\.000Z\.[0-9a-f]{8}$/);
    assert.equal(secrets.values.get(report.backupKey), raw, 'nothing destroyed');
    assert.deepEqual(JSON.parse(secrets.values.get(SECRET_KEYS.accountsSetAsideIndex) ?? '[]'), [report.backupKey]);
    assert.ok(warnings.some((warning) => warning.includes(report.backupKey)));
    assert.ok(!warnings.join('\n').includes('cut-off-secret'), 'the log never gets the text');

    // Told once: later reads find a healthy document.
    await store.list();
    await store.put(tokenSet('U2'));
    assert.equal(reports.length, 1);
    assert.deepEqual(
      document(secrets).accounts.map((set) => set.userId),
      ['U2'],
    );
  });

  test('keeps every readable account and sets the whole text aside when only some entries are broken', async () => {
    const secrets = new MemorySecretStorage();
    const raw = JSON.stringify({ version: 1, generation: 4, accounts: [tokenSet('U1'), { channelId: 1 }] });
    secrets.values.set(ACCOUNTS, raw);
    const { store } = storeOver(secrets);
    const reports: { backupKey: string; salvaged: number; reason: string }[] = [];
    store.onDidSetAside((report) => reports.push(report));
    assert.deepEqual(
      (await store.list()).map((set) => set.userId),
      ['U1'],
    );
    const [report] = reports;
    assert.ok(report);
    assert.equal(report.salvaged, 1);
    assert.match(report.reason, /1 account\(s\) in an unknown format/);
    assert.equal(secrets.values.get(report.backupKey), raw);
    assert.equal(document(secrets).generation, 5);
  });

  test('a write is not refused for ever: put() moves the unreadable document aside and saves', async () => {
    const secrets = new MemorySecretStorage();
    secrets.values.set(ACCOUNTS, JSON.stringify({ version: 99, accounts: 'elsewhere' }));
    const { store } = storeOver(secrets);
    await store.put(tokenSet('U1'));
    assert.deepEqual(
      document(secrets).accounts.map((set) => set.userId),
      ['U1'],
    );
  });

  test('when it cannot be set aside either, nothing is overwritten: ERR_STORE_CORRUPT names the reset command', async () => {
    const secrets = new MemorySecretStorage();
    secrets.values.set(ACCOUNTS, 'garbage');
    const { store } = storeOver(secrets);
    secrets.fail('store');
    await assert.rejects(store.list(), { code: 'ERR_STORE_CORRUPT', message: /Reset Stored Tokens/ });
    await assert.rejects(store.delete(key('U1')), { code: 'ERR_STORE_CORRUPT' });
    await assert.rejects(store.put(tokenSet('U1')), { code: 'ERR_STORE_WRITE_FAILED', message: /Reset Stored Tokens/ });
    assert.equal(secrets.values.get(ACCOUNTS), 'garbage');
  });
});

describe('SecretTokenStore: checks and reset', () => {
  test('checkWritable writes, reads back and removes a probe; a failing get or store is ERR_STORE_UNAVAILABLE', async () => {
    const secrets = new MemorySecretStorage();
    const { store } = storeOver(secrets);
    await store.checkWritable();
    assert.equal(secrets.values.has(SECRET_KEYS.storeProbe), false);
    assert.equal(secrets.calls.store, 1);

    secrets.fail('store', { key: SECRET_KEYS.storeProbe, times: 1 });
    await assert.rejects(store.checkWritable(), { code: 'ERR_STORE_UNAVAILABLE', message: /nothing was sent to LINE/ });
    secrets.fail('get', { times: 1 });
    await assert.rejects(store.checkWritable(), { code: 'ERR_STORE_UNAVAILABLE' });
    await store.checkWritable();
  });

  test('checkWritable refuses while tokens kept in memory cannot be saved', async () => {
    const secrets = new MemorySecretStorage();
    const { store } = storeOver(secrets);
    secrets.fail('store', { key: ACCOUNTS });
    await assert.rejects(store.put(tokenSet('U1')), { code: 'ERR_STORE_WRITE_FAILED' });
    await assert.rejects(store.checkWritable(), { code: 'ERR_STORE_UNAVAILABLE' });
    secrets.heal();
    await store.checkWritable();
    assert.deepEqual(store.unsavedAccounts(), []);
  });

  test('reset empties the document (even an unreadable one) and deletes the set-aside copies', async () => {
    const secrets = new MemorySecretStorage();
    secrets.values.set(ACCOUNTS, 'garbage');
    const { store } = storeOver(secrets);
    await store.list();
    await store.put(tokenSet('U1'));
    secrets.storeFromAnotherWindow(ACCOUNTS, 'garbage again');
    await store.list();
    const backups = JSON.parse(secrets.values.get(SECRET_KEYS.accountsSetAsideIndex) ?? '[]') as string[];
    assert.equal(backups.length, 2);
    await store.put(tokenSet('U2'));

    assert.deepEqual(await store.reset(), { removedAccounts: 1, removedBackups: 2 });
    assert.deepEqual(document(secrets).accounts, []);
    for (const backup of [...backups, SECRET_KEYS.accountsSetAsideIndex]) {
      assert.equal(secrets.values.has(backup), false);
    }

    secrets.values.set(ACCOUNTS, 'garbage');
    secrets.fail('get', { key: ACCOUNTS, times: 1 });
    assert.deepEqual(await store.reset(), { removedAccounts: undefined, removedBackups: 0 });
    assert.deepEqual(document(secrets).accounts, []);
  });
});

/** Another window's view of one SecretStorage: it sees the accounts document only when told to catch up. */
class LaggingView extends MemorySecretStorage {
  readonly #shared: MemorySecretStorage;
  #seen: string | undefined;

  constructor(shared: MemorySecretStorage) {
    super();
    this.#shared = shared;
    this.#seen = shared.values.get(ACCOUNTS);
  }

  catchUp(): void {
    this.#seen = this.#shared.values.get(ACCOUNTS);
  }

  override get(secretKey: string): Promise<string | undefined> {
    return Promise.resolve(secretKey === ACCOUNTS ? this.#seen : this.#shared.values.get(secretKey));
  }

  override store(secretKey: string, value: string): Promise<void> {
    if (secretKey === ACCOUNTS) {
      this.#seen = value;
    }
    return this.#shared.store(secretKey, value);
  }
}

describe('SecretTokenStore: a write another window has not seen yet', () => {
  test('is waited for, not written over (VS Code shows a window the other windows’ writes late)', async () => {
    const shared = new MemorySecretStorage();
    const lock = new InProcessLock();
    const generation = new MemoryGenerationMark();
    const windowA = storeOver(shared, { lock, generation }).store;
    const viewB = new LaggingView(shared);
    let sleeps = 0;
    const windowB = storeOver(viewB, {
      lock,
      generation,
      sleep: () => {
        sleeps += 1;
        if (sleeps === 3) {
          viewB.catchUp();
        }
        return Promise.resolve();
      },
    }).store;

    await windowA.put(tokenSet('U1'));
    await windowB.put(tokenSet('U2'));
    assert.equal(sleeps, 3, 'B waited until it saw generation 1');
    assert.deepEqual(
      document(shared)
        .accounts.map((set) => set.userId)
        .sort(),
      ['U1', 'U2'],
    );
  });

  test('a write announced but never arriving (its window closed) is waited for a bounded time, then logged', async () => {
    const shared = new MemorySecretStorage();
    const generation = new MemoryGenerationMark();
    await generation.write(9);
    let sleeps = 0;
    const { store, warnings } = storeOver(shared, {
      generation,
      freshReadBudgetMs: 100,
      sleep: () => {
        sleeps += 1;
        return Promise.resolve();
      },
    });
    shared.values.set(ACCOUNTS, JSON.stringify({ version: 1, generation: 3, accounts: [tokenSet('U1')] }));
    await store.put(tokenSet('U2'));
    assert.equal(sleeps, 4);
    assert.match(warnings.join('\n'), /generation 9 was announced/);
    assert.equal(document(shared).generation, 10);
    assert.equal(document(shared).accounts.length, 2);
  });
});

/** Waits until pending microtasks and immediate callbacks (the change event's read) have run. */
const settle = (): Promise<void> => new Promise((resolveSettle) => setImmediate(resolveSettle));

/** Another window of this version: the document, then its listing, each announced here. */
function anotherWindowWrites(secrets: MemorySecretStorage, accounts: TokenSet[], generation: number): void {
  secrets.storeFromAnotherWindow(ACCOUNTS, JSON.stringify({ version: 1, generation, accounts }));
  secrets.storeFromAnotherWindow(LISTING, serializeListing({ generation, accounts: accounts.map(listedAccount) }));
}

describe('SecretTokenStore: one read and one parse per change (issue 15)', () => {
  test('readers after this window wrote share what it wrote: no SecretStorage read, nothing lost', async () => {
    const secrets = new MemorySecretStorage();
    const { store } = storeOver(secrets);
    await store.put(tokenSet('U1'));
    await store.put(tokenSet('U2', { accessToken: 'access-U2-new-secret' }));
    await settle();
    const readsBefore = secrets.calls.get;
    const lists = await Promise.all([store.list(), store.list(), store.get(key('U2'))]);
    assert.equal(secrets.calls.get, readsBefore, 'the tree, the status bar and a command read no SecretStorage');
    assert.deepEqual(
      lists[0].map((set) => set.userId),
      ['U1', 'U2'],
    );
    assert.deepEqual(lists[0], document(secrets).accounts, 'what readers get is exactly what is stored');
    assert.equal(lists[2]?.accessToken, 'access-U2-new-secret');
  });

  test("another window's change: lists read its listing only, readers of tokens share one read", async () => {
    const secrets = new MemorySecretStorage();
    const { store } = storeOver(secrets);
    await store.put(tokenSet('U1'));
    await settle();
    let changes = 0;
    const readKeys: string[] = [];
    const counting: SecretStorageLike = {
      get: (k) => {
        readKeys.push(k);
        return secrets.get(k);
      },
      store: (k, value) => secrets.store(k, value),
      delete: (k) => secrets.delete(k),
      onDidChange: (listener) => secrets.onDidChange(listener),
    };
    const { store: watching } = storeOver(counting);
    await watching.listAccounts();
    watching.onDidChange(() => (changes += 1));
    readKeys.length = 0;
    anotherWindowWrites(secrets, [tokenSet('U1'), tokenSet('U3')], 7);
    await settle();
    assert.equal(changes, 1, 'one change event for the document and its listing');
    assert.deepEqual(readKeys, [LISTING], 'the change event reads the listing, not the tokens');
    assert.deepEqual(
      (await Promise.all([watching.listAccounts(), watching.listAccounts()])).map((list) =>
        list.map((account) => account.label),
      ),
      [
        ['U1', 'U3'],
        ['U1', 'U3'],
      ],
    );
    assert.deepEqual(readKeys, [LISTING], 'lists need no further read');
    const [first, second] = await Promise.all([watching.list(), watching.list()]);
    assert.deepEqual(
      first.map((set) => set.userId),
      ['U1', 'U3'],
    );
    assert.deepEqual(second, first);
    assert.deepEqual(readKeys, [LISTING, ACCOUNTS], 'one read of the tokens for all readers');
    assert.equal(first[1]?.accessToken, 'access-U3-secret');
    store.dispose();
    watching.dispose();
  });

  test('a change announced while this window was writing is read afresh, not answered from the cache', async () => {
    const secrets = new MemorySecretStorage();
    const foreign = JSON.stringify({ version: 1, generation: 9, accounts: [tokenSet('U9')] });
    // The change event's read of the other window's text is held back until the test lets it go.
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolveGate) => (release = resolveGate));
    let hold = false;
    const racing: SecretStorageLike = {
      get: async (k) => {
        if (hold) {
          await gate;
        }
        return secrets.get(k);
      },
      store: async (k, value) => {
        await secrets.store(k, value);
        if (k === ACCOUNTS && value !== foreign) {
          hold = true;
          secrets.storeFromAnotherWindow(ACCOUNTS, foreign);
        }
      },
      delete: (k) => secrets.delete(k),
      onDidChange: (listener) => secrets.onDidChange(listener),
    };
    const { store: racingStore } = storeOver(racing);
    await racingStore.put(tokenSet('U1'));
    const listing = racingStore.list();
    release();
    assert.deepEqual(
      (await listing).map((set) => set.userId),
      ['U9'],
      "the other window's write, not this window's cached one",
    );
  });
});

describe('SecretTokenStore: a write that knows the stored document (issue 15)', () => {
  /** This window's view of the shared storage, with other windows' change events never delivered. */
  const deaf = (shared: MemorySecretStorage, reads: string[]): SecretStorageLike => ({
    get: (k) => {
      reads.push(k);
      return shared.get(k);
    },
    store: (k, value) => shared.store(k, value),
    delete: (k) => shared.delete(k),
    onDidChange: () => ({ dispose: () => undefined }),
  });

  test('the next write of the same window reads no SecretStorage when nothing was announced since', async () => {
    const shared = new MemorySecretStorage();
    const reads: string[] = [];
    const { store } = storeOver(deaf(shared, reads), { generation: new MemoryGenerationMark() });
    await store.put(tokenSet('U1'));
    reads.length = 0;
    await store.put(tokenSet('U2'));
    assert.deepEqual(reads, [], 'the document it wrote is the stored one');
    assert.deepEqual(
      document(shared).accounts.map((set) => set.userId),
      ['U1', 'U2'],
    );
  });

  test("another window's write is announced before it is written, so it is read even if its event never came", async () => {
    const shared = new MemorySecretStorage();
    const lock = new InProcessLock();
    const generation = new MemoryGenerationMark();
    const reads: string[] = [];
    let waits = 0;
    const { store: windowA } = storeOver(deaf(shared, reads), {
      lock,
      generation,
      sleep: () => {
        waits += 1;
        return Promise.resolve();
      },
    });
    const { store: windowB } = storeOver(shared, { lock, generation });
    await windowA.put(tokenSet('U1'));
    await windowB.put(tokenSet('U2'));
    reads.length = 0;
    await windowA.put(tokenSet('U3'));
    assert.deepEqual(reads, [ACCOUNTS], 'read once: what it knew is older than what was announced');
    assert.equal(waits, 0, 'and not mistaken for a write still on its way');
    assert.deepEqual(
      document(shared).accounts.map((set) => set.userId),
      ['U1', 'U2', 'U3'],
      "B's account is not written over",
    );
  });

  test('a write that fails takes its announcement back, so the next one does not wait for it', async () => {
    const secrets = new MemorySecretStorage();
    const generation = new MemoryGenerationMark();
    let sleeps = 0;
    const { store } = storeOver(secrets, {
      generation,
      writeRetryDelaysMs: [],
      sleep: () => {
        sleeps += 1;
        return Promise.resolve();
      },
    });
    await store.put(tokenSet('U1'));
    secrets.fail('store', { key: ACCOUNTS, times: 1 });
    await assert.rejects(store.put(tokenSet('U2')), { code: 'ERR_STORE_WRITE_FAILED' });
    assert.equal(await generation.read(), 1);
    assert.equal(await store.saveUnsaved(), true);
    assert.equal(sleeps, 0, 'nothing announced was waited for');
    assert.equal(document(secrets).generation, 2);
  });
});
