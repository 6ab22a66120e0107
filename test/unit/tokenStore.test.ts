import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InMemoryTokenStore } from '../../src/core/inMemoryTokenStore';
import { sampleTokenSet as tokenSet } from '../support/tokenSets';

// Concurrent writers are the two-process test's subject (crossWindow.test.ts): one in-memory store
// cannot show a race between windows.
describe('in-memory token store', () => {
  test('change events fire once per change; deletes report what they did', async () => {
    const store = new InMemoryTokenStore();
    let changes = 0;
    const subscription = store.onDidChange(() => (changes += 1));
    for (const userId of ['U1', 'U2', 'U3']) {
      await store.put(tokenSet({ userId }));
    }
    assert.equal((await store.list()).length, 3);
    assert.equal(changes, 3);
    assert.equal(await store.delete({ channelId: '1', userId: 'U2' }), true);
    assert.equal(await store.delete({ channelId: '1', userId: 'U2' }), false);
    await store.put(tokenSet({ channelId: '2', userId: 'U9' }));
    assert.equal(await store.deleteChannel('1'), 2);
    assert.deepEqual(
      (await store.list()).map((s) => s.userId),
      ['U9'],
    );
    subscription.dispose();
  });

  test('returns copies: changing a read value does not change the store', async () => {
    const store = new InMemoryTokenStore();
    await store.put(tokenSet());
    const read = await store.get({ channelId: '1', userId: `U${'c'.repeat(32)}` });
    assert.ok(read);
    read.accessToken = 'changed';
    assert.notEqual((await store.get(read))?.accessToken, 'changed');
  });
});
