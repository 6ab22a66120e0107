// The accounts listing (src/core/accountListing.ts) and how SecretTokenStore keeps it next to the
// accounts document: no token in it, written after the document, trusted only while it matches.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { listedAccount, parseListing, serializeListing } from '../../src/core/accountListing';
import type { TokenSet } from '../../src/core/types';
import { SECRET_KEYS } from '../../src/vscode/constants';
import { SecretTokenStore } from '../../src/vscode/secretTokenStore';
import { MemorySecretStorage } from '../support/secretStorageFakes';
import { storedTokenSet } from '../support/tokenSets';

const ACCOUNTS = SECRET_KEYS.accounts;
const LISTING = SECRET_KEYS.accountsListing;

const tokenSet = storedTokenSet;

function storeOver(
  secrets: MemorySecretStorage,
  warnings: string[] = [],
  handedOut: TokenSet[] = [],
): SecretTokenStore {
  return new SecretTokenStore(secrets, {
    writeRetryDelaysMs: [],
    sleep: () => Promise.resolve(),
    onWarning: (message) => warnings.push(message),
    onHandedOut: (set) => handedOut.push(set),
    listingGraceMs: 0,
  });
}

const settle = (): Promise<void> => new Promise((resolveSettle) => setImmediate(resolveSettle));

describe('accounts listing', () => {
  test('holds what lists show and none of the tokens, the nonce or the ID token (property)', () => {
    const secretText = fc.string({ minLength: 12, maxLength: 80 }).filter((text) => text.trim().length >= 12);
    fc.assert(
      fc.property(secretText, secretText, secretText, secretText, (access, refresh, idToken, nonce) => {
        const set = tokenSet('U1', {
          accessToken: access,
          refreshToken: refresh,
          idToken,
          nonce,
          idTokenClaims: { iss: 'https://access.line.me', sub: 'U1', aud: '1', exp: 2, iat: 1, nonce, name: 'Amy' },
          profile: { userId: 'U1', displayName: 'Amy', pictureUrl: 'https://profile.line-scdn.net/a' },
        });
        const raw = serializeListing({ generation: 1, accounts: [listedAccount(set)] });
        for (const secret of [access, refresh, idToken, nonce]) {
          // Compared as JSON text too: an escaped form of a secret is still the secret.
          assert.ok(!raw.includes(secret) && !raw.includes(JSON.stringify(secret).slice(1, -1)), 'a secret was listed');
        }
        const listed = parseListing(raw)?.accounts[0];
        assert.equal(listed?.label, 'Amy');
        assert.equal(listed.hasRefreshToken, true);
        assert.equal(listed.hasIdToken, true);
        assert.equal(listed.pictureUrl, 'https://profile.line-scdn.net/a');
      }),
      { numRuns: 300 },
    );
  });

  test('keeps only https pictures and the user ID as the label of an account without a name', () => {
    const listed = listedAccount(
      tokenSet('U2', { profile: { userId: 'U2', displayName: ' ', pictureUrl: 'javascript:alert(1)' } }),
    );
    assert.equal(listed.label, 'U2');
    assert.equal(listed.pictureUrl, undefined);
    const withoutRefresh = tokenSet('U3');
    delete withoutRefresh.refreshToken;
    assert.equal(listedAccount(withoutRefresh).hasRefreshToken, false);
  });

  test('anything but a whole listing of this version is refused (the document is read instead)', () => {
    const good = JSON.parse(serializeListing({ generation: 3, accounts: [listedAccount(tokenSet('U1'))] })) as Record<
      string,
      unknown
    >;
    assert.equal(parseListing(JSON.stringify(good))?.generation, 3);
    for (const bad of [
      undefined,
      '',
      'not json',
      '[]',
      JSON.stringify({ ...good, version: 2 }),
      JSON.stringify({ ...good, generation: -1 }),
      JSON.stringify({ ...good, generation: '3' }),
      JSON.stringify({ ...good, accounts: [{ channelId: '1' }] }),
      JSON.stringify({ ...good, accounts: [{ ...listedAccount(tokenSet('U1')), label: '' }] }),
      JSON.stringify({ ...good, accounts: [{ ...listedAccount(tokenSet('U1')), revokeFailure: { at: 'x' } }] }),
    ]) {
      assert.equal(parseListing(bad), undefined, String(bad));
    }
  });
});

describe('SecretTokenStore and its listing', () => {
  test('every write stores the document, then its listing with the same generation', async () => {
    const secrets = new MemorySecretStorage();
    const order: string[] = [];
    secrets.onDidChange((event) => order.push(event.key));
    const store = storeOver(secrets);
    await store.put(tokenSet('U1'));
    await store.put(tokenSet('U2'));
    assert.deepEqual(order, [ACCOUNTS, LISTING, ACCOUNTS, LISTING]);
    const listing = parseListing(secrets.values.get(LISTING));
    const document = JSON.parse(secrets.values.get(ACCOUNTS) ?? '{}') as { generation: number };
    assert.equal(listing?.generation, document.generation);
    assert.deepEqual(
      listing.accounts.map((account) => account.userId),
      ['U1', 'U2'],
    );
    await store.delete({ channelId: '1660000001', userId: 'U1' });
    assert.deepEqual(
      parseListing(secrets.values.get(LISTING))?.accounts.map((account) => account.userId),
      ['U2'],
    );
    store.dispose();
  });

  test('a listing that cannot be written is logged; lists read the document until one is', async () => {
    const secrets = new MemorySecretStorage();
    const warnings: string[] = [];
    const store = storeOver(secrets, warnings);
    await store.put(tokenSet('U1'));
    secrets.fail('store', { key: LISTING });
    await store.put(tokenSet('U2'));
    await settle();
    assert.match(warnings.join('\n'), /listing could not be saved/);
    assert.equal(parseListing(secrets.values.get(LISTING))?.accounts.length, 1, 'the stale listing is still there');
    const readers = new SecretTokenStore(secrets, { listingGraceMs: 0 });
    // This window knows its document is newer than the listing; it lists from the document.
    assert.deepEqual(
      (await store.listAccounts()).map((account) => account.userId),
      ['U1', 'U2'],
    );
    await store.put(tokenSet('U3'));
    assert.deepEqual(
      (await readers.listAccounts()).map((account) => account.userId),
      ['U1', 'U2', 'U3'],
    );
    store.dispose();
    readers.dispose();
  });

  test('an earlier version’s document without a listing is listed from the document', async () => {
    const secrets = new MemorySecretStorage();
    secrets.values.set(ACCOUNTS, JSON.stringify({ version: 1, accounts: [tokenSet('U1')] }));
    const store = storeOver(secrets);
    assert.deepEqual(
      (await store.listAccounts()).map((account) => account.label),
      ['U1'],
    );
    store.dispose();
  });

  test('every token set the store hands out reaches the redactor hook first, including other windows’', async () => {
    const secrets = new MemorySecretStorage();
    const handedOut: TokenSet[] = [];
    const store = storeOver(secrets, [], handedOut);
    await store.put(tokenSet('U1'));
    handedOut.length = 0;
    await store.listAccounts();
    assert.equal(handedOut.length, 0, 'listing hands out no tokens');
    secrets.storeFromAnotherWindow(
      ACCOUNTS,
      JSON.stringify({ version: 1, generation: 5, accounts: [tokenSet('U1'), tokenSet('U9')] }),
    );
    await new Promise((resolveWait) => setTimeout(resolveWait, 10));
    const fromOther = await store.get({ channelId: '1660000001', userId: 'U9' });
    assert.equal(handedOut.at(-1)?.accessToken, fromOther?.accessToken);
    await store.list();
    await store.getLatest({ channelId: '1660000001', userId: 'U1' });
    await store.update({ channelId: '1660000001', userId: 'U1' }, (current) =>
      current === undefined ? undefined : { ...current, accessToken: 'access-U1-new-secret' },
    );
    assert.deepEqual([...new Set(handedOut.map((set) => set.accessToken))].sort(), [
      'access-U1-new-secret',
      'access-U1-secret',
      'access-U9-secret',
    ]);
    store.dispose();
  });
});

describe('SecretTokenStore: the listing is written after the change resolved, under the lock', () => {
  test('put() resolves once the tokens are stored; the next write waits for the listing', async () => {
    const secrets = new MemorySecretStorage();
    const order: string[] = [];
    let release: () => void = () => undefined;
    let holdListing = true;
    const gated = {
      get: (k: string) => secrets.get(k),
      store: async (k: string, value: string) => {
        if (k === LISTING && holdListing) {
          holdListing = false;
          await new Promise<void>((resolveGate) => (release = resolveGate));
        }
        order.push(k);
        await secrets.store(k, value);
      },
      delete: (k: string) => secrets.delete(k),
      onDidChange: secrets.onDidChange.bind(secrets),
    };
    const store = new SecretTokenStore(gated, { listingGraceMs: 0 });
    await store.put(tokenSet('U1'));
    assert.deepEqual(order, [ACCOUNTS], 'resolved with the document stored, the listing still on its way');
    assert.deepEqual(
      (await store.listAccounts()).map((account) => account.userId),
      ['U1'],
      'this window lists what it wrote meanwhile',
    );
    let secondDone = false;
    const second = store.put(tokenSet('U2')).then(() => (secondDone = true));
    await new Promise((resolveWait) => setTimeout(resolveWait, 10));
    assert.equal(secondDone, false, 'the lock is held until the listing is written');
    release();
    await second;
    await new Promise((resolveWait) => setTimeout(resolveWait, 10));
    assert.deepEqual(order, [ACCOUNTS, LISTING, ACCOUNTS, LISTING]);
    assert.deepEqual(
      parseListing(secrets.values.get(LISTING))?.accounts.map((account) => account.userId),
      ['U1', 'U2'],
    );
    store.dispose();
  });

  test('the echo of its own write is not taken for another window’s write without a listing', async () => {
    const secrets = new MemorySecretStorage();
    const store = storeOver(secrets);
    let changes = 0;
    store.onDidChange(() => (changes += 1));
    await store.put(tokenSet('U1'));
    await new Promise((resolveWait) => setTimeout(resolveWait, 20));
    assert.equal(changes, 1, 'one change: the write (no late "listing never came" announcement)');
    store.dispose();
  });
});

describe('SecretTokenStore: a failed write expects no echo', () => {
  test('the next document event after a failed write is taken for another window’s', async () => {
    const secrets = new MemorySecretStorage();
    const store = storeOver(secrets);
    await store.put(tokenSet('U1'));
    await settle();
    let changes = 0;
    store.onDidChange(() => (changes += 1));
    secrets.fail('store', { key: ACCOUNTS, times: 1 });
    await assert.rejects(store.put(tokenSet('U2')), { code: 'ERR_STORE_WRITE_FAILED' });
    const afterFailure = changes;
    // A window of an earlier version writes the document only.
    secrets.storeFromAnotherWindow(
      ACCOUNTS,
      JSON.stringify({ version: 1, generation: 9, accounts: [tokenSet('U1'), tokenSet('U9')] }),
    );
    await new Promise((resolveWait) => setTimeout(resolveWait, 20));
    assert.equal(changes, afterFailure + 1, 'announced once the listing did not follow');
    assert.deepEqual(
      (await store.listAccounts()).map((account) => account.userId).sort(),
      ['U1', 'U2', 'U9'],
      'listed from the document, with the change still kept in memory',
    );
    store.dispose();
  });
});
