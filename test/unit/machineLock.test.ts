import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FileLock, lockFileName } from '../../src/core/fileLock';
import { FileGenerationMark, InProcessLock, MemoryGenerationMark } from '../../src/core/machineLock';
import { WindowProcess } from '../support/windowDriver';
import { delay } from '../support/wait';

let directory: string;

before(() => {
  directory = mkdtempSync(join(tmpdir(), 'line-login-lock-'));
});

after(() => {
  rmSync(directory, { recursive: true, force: true });
});

/** Resolves when released; `entered` records the order operations started in. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe('InProcessLock', () => {
  test('runs the operations of one name one at a time, in call order; a failure does not block the next', async () => {
    const lock = new InProcessLock();
    const events: string[] = [];
    const first = gate();
    const a = lock.run('x', async () => {
      events.push('a start');
      await first.promise;
      events.push('a end');
      throw new Error('a failed');
    });
    const b = lock.run('x', () => {
      events.push('b');
      return Promise.resolve('b done');
    });
    // Another name does not wait for x.
    await lock.run('y', () => {
      events.push('y');
      return Promise.resolve();
    });
    first.open();
    await assert.rejects(a, /a failed/);
    assert.equal(await b, 'b done');
    assert.deepEqual(events, ['a start', 'y', 'a end', 'b']);
  });
});

describe('FileLock', () => {
  test('another process holding the lock keeps this one out until it releases', async () => {
    const lockDir = join(directory, 'two-processes');
    const other = await WindowProcess.start({
      window: 'other',
      secretsDir: join(directory, 'two-processes-secrets'),
      lockDir,
      apiBaseUrl: 'http://127.0.0.1:9',
      authorizeBaseUrl: 'http://127.0.0.1:9',
      channel: { channelId: '1', channelSecret: 'x' },
      lagMaxMs: 0,
      storeFaultRate: 0,
      seed: 1,
      lock: 'file',
    });
    try {
      await other.request({ type: 'hold', name: 'refresh:1/U1' }, 'holding');
      const order: string[] = [];
      const entered = new FileLock(lockDir).run('refresh:1/U1', () => {
        order.push('entered');
        return Promise.resolve();
      });
      // Long enough for a lock that does not exclude to let us in; nothing is asserted about time.
      await delay(300);
      order.push('other releases');
      other.send({ type: 'release' });
      await entered;
      assert.deepEqual(order, ['other releases', 'entered']);
    } finally {
      await other.stop();
    }
  });

  test('a lock left behind by a window that died is taken over once stale', async () => {
    const lockDir = join(directory, 'stale');
    mkdirSync(join(lockDir, `${lockFileName('accounts')}.lock`), { recursive: true });
    const longAgo = new Date(Date.now() - 60_000);
    utimesSync(join(lockDir, `${lockFileName('accounts')}.lock`), longAgo, longAgo);
    const result = await new FileLock(lockDir, { staleMs: 5_000, waitMs: 1_000 }).run('accounts', () =>
      Promise.resolve('ran'),
    );
    assert.equal(result, 'ran');
  });

  test('a holder that stays too long makes the waiter give up with ERR_STORE_BUSY, running nothing', async () => {
    const lockDir = join(directory, 'busy');
    const holder = new FileLock(lockDir);
    const held = gate();
    const holding = gate();
    const first = holder.run('accounts', async () => {
      holding.open();
      await held.promise;
    });
    await holding.promise;
    let ran = false;
    await assert.rejects(
      new FileLock(lockDir, { waitMs: 200 }).run('accounts', () => {
        ran = true;
        return Promise.resolve();
      }),
      { code: 'ERR_STORE_BUSY', message: /Another VS Code window/ },
    );
    assert.equal(ran, false);
    held.open();
    await first;
    // Released: the next holder gets in.
    assert.equal(await new FileLock(lockDir, { waitMs: 200 }).run('accounts', () => Promise.resolve(1)), 1);
  });

  test('a lock folder that cannot be created is ERR_STORE_UNAVAILABLE, and the operation does not run', async () => {
    const file = join(directory, 'a-file');
    writeFileSync(file, 'not a folder');
    let ran = false;
    await assert.rejects(
      new FileLock(join(file, 'locks')).run('accounts', () => {
        ran = true;
        return Promise.resolve();
      }),
      { code: 'ERR_STORE_UNAVAILABLE', message: /could not be created/ },
    );
    assert.equal(ran, false);
  });

  test('lock file names are safe and distinct for any account ID', () => {
    const names = [
      'refresh:1/U1',
      'refresh:1/U1 ',
      'refresh:../../etc',
      'refresh:1\\U1',
      'refresh:1/ü',
      'a'.repeat(300),
    ];
    const files = names.map(lockFileName);
    assert.equal(new Set(files).size, names.length);
    for (const file of files) {
      assert.match(file, /^[A-Za-z0-9-]{1,60}$/);
    }
  });
});

describe('generation marks', () => {
  test('the file mark reads 0 when missing or unreadable, and another process reads what was written; the memory mark never goes back', async () => {
    const file = join(directory, 'marks', 'accounts.generation');
    const mark = new FileGenerationMark(file);
    assert.equal(await mark.read(), 0);
    await mark.write(7);
    assert.equal(await mark.read(), 7);
    assert.equal(await new FileGenerationMark(file).read(), 7, 'another process reads the same number');
    writeFileSync(file, 'garbage');
    assert.equal(await mark.read(), 0);
    const memory = new MemoryGenerationMark();
    await memory.write(3);
    assert.equal(await memory.read(), 3);
    await memory.write(2);
    assert.equal(await memory.read(), 2, 'a write that failed takes its announcement back');
  });
});
