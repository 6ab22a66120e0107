/**
 * Stand-ins for vscode.SecretStorage under plain node:
 * - MemorySecretStorage: one process, with faults (get/store/delete that throw, like a locked or
 *   broken system keychain).
 * - FileSecretStorage: one file per key in a folder that several processes share, written behind
 *   like VS Code's own: `store()` resolves at once and this process reads its own value at once,
 *   while other processes see it only after a delay (VS Code flushes a window's storage about
 *   100 ms later and then tells the other windows).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SecretStorageLike } from '../../src/vscode/secretTokenStore';

export type SecretOperation = 'get' | 'store' | 'delete';

type Listener = (event: { readonly key: string }) => unknown;

class ChangeEvents {
  readonly #listeners = new Set<Listener>();

  subscribe(listener: Listener): { dispose(): void } {
    this.#listeners.add(listener);
    return { dispose: () => this.#listeners.delete(listener) };
  }

  fire(key: string): void {
    for (const listener of [...this.#listeners]) {
      listener({ key });
    }
  }
}

interface Fault {
  operation: SecretOperation;
  /** Only this key (any key when undefined). */
  key: string | undefined;
  /** Calls left to fail; Infinity until healed. */
  remaining: number;
}

export class MemorySecretStorage implements SecretStorageLike {
  readonly values = new Map<string, string>();
  /** How many calls failed on purpose. */
  faultsInjected = 0;
  readonly calls: Record<SecretOperation, number> = { get: 0, store: 0, delete: 0 };
  readonly #faults: Fault[] = [];
  readonly #events = new ChangeEvents();

  /** The next `times` calls of `operation` (on `key`, or any) throw, as a failing keychain would. */
  fail(operation: SecretOperation, options: { times?: number; key?: string } = {}): void {
    this.#faults.push({ operation, key: options.key, remaining: options.times ?? Infinity });
  }

  heal(): void {
    this.#faults.length = 0;
  }

  get(key: string): Promise<string | undefined> {
    this.calls.get += 1;
    return this.#guard('get', key, () => this.values.get(key));
  }

  store(key: string, value: string): Promise<void> {
    this.calls.store += 1;
    return this.#guard('store', key, () => {
      this.values.set(key, value);
      this.#events.fire(key);
    });
  }

  delete(key: string): Promise<void> {
    this.calls.delete += 1;
    return this.#guard('delete', key, () => {
      if (this.values.delete(key)) {
        this.#events.fire(key);
      }
    });
  }

  /** Another window writing: the value changes and the change event fires here. */
  storeFromAnotherWindow(key: string, value: string): void {
    this.values.set(key, value);
    this.#events.fire(key);
  }

  onDidChange(listener: Listener): { dispose(): void } {
    return this.#events.subscribe(listener);
  }

  #guard<T>(operation: SecretOperation, key: string, run: () => T): Promise<T> {
    const fault = this.#faults.find(
      (candidate) => candidate.operation === operation && (candidate.key === undefined || candidate.key === key),
    );
    if (fault !== undefined) {
      fault.remaining -= 1;
      if (fault.remaining <= 0) {
        this.#faults.splice(this.#faults.indexOf(fault), 1);
      }
      this.faultsInjected += 1;
      return Promise.reject(new Error(`secret storage ${operation} failed (injected fault)`));
    }
    return Promise.resolve(run());
  }
}

export interface FileSecretStorageOptions {
  /** Milliseconds before a write reaches the folder (and so other processes). */
  lagMs?: () => number;
  /** True when this store() call should throw (a fault), decided per call. */
  failStore?: () => boolean;
}

export class FileSecretStorage implements SecretStorageLike {
  readonly #directory: string;
  readonly #lagMs: () => number;
  /** This process's writes not yet in the folder, by key (undefined: a pending delete). */
  readonly #pending = new Map<string, string | undefined>();
  #flushing: Promise<void> = Promise.resolve();
  readonly #events = new ChangeEvents();
  failStore: () => boolean;
  faultsInjected = 0;

  constructor(directory: string, options: FileSecretStorageOptions = {}) {
    this.#directory = directory;
    mkdirSync(directory, { recursive: true });
    this.#lagMs = options.lagMs ?? (() => 0);
    this.failStore = options.failStore ?? (() => false);
  }

  async get(key: string): Promise<string | undefined> {
    if (this.#pending.has(key)) {
      return this.#pending.get(key);
    }
    try {
      return await readFile(this.#file(key), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return undefined;
      }
      throw error;
    }
  }

  store(key: string, value: string): Promise<void> {
    if (this.failStore()) {
      this.faultsInjected += 1;
      return Promise.reject(new Error('secret storage store failed (injected fault)'));
    }
    this.#enqueue(key, value);
    return Promise.resolve();
  }

  delete(key: string): Promise<void> {
    this.#enqueue(key, undefined);
    return Promise.resolve();
  }

  onDidChange(listener: Listener): { dispose(): void } {
    return this.#events.subscribe(listener);
  }

  /** Resolves when every write of this process has reached the folder. */
  async settled(): Promise<void> {
    let current: Promise<void>;
    do {
      current = this.#flushing;
      await current;
    } while (current !== this.#flushing);
  }

  #enqueue(key: string, value: string | undefined): void {
    this.#pending.set(key, value);
    this.#events.fire(key);
    const lag = this.#lagMs();
    // In order, one at a time, as VS Code's storage flushes.
    this.#flushing = this.#flushing.then(async () => {
      await new Promise((resolve) => setTimeout(resolve, lag));
      await this.#writeThrough(key, value);
      if (this.#pending.get(key) === value) {
        this.#pending.delete(key);
      }
    });
  }

  async #writeThrough(key: string, value: string | undefined): Promise<void> {
    const file = this.#file(key);
    if (value === undefined) {
      await unlink(file).catch(() => undefined);
      return;
    }
    const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(temporary, value, 'utf8');
    await rename(temporary, file);
  }

  #file(key: string): string {
    return join(this.#directory, `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.secret`);
  }
}
