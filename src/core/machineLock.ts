/**
 * What the VS Code windows of one machine share besides SecretStorage: a lock per name, and the
 * generation of the accounts document last written. Each window runs its own extension host
 * process, so an in-memory queue cannot keep two windows from writing at once; a lock directory
 * on disk can (fileLock.ts). That one is its own module because proper-lockfile brings graceful-fs,
 * which patches `fs` for the whole extension host: it is loaded when a lock is first taken, not at
 * activation.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface MachineLock {
  /** Runs `operation` while no other holder of `name`, in this process or another one, runs. */
  run<T>(name: string, operation: () => Promise<T>): Promise<T>;
}

/** One process only: operations on a name run one after another, in call order. */
export class InProcessLock implements MachineLock {
  readonly #tails = new Map<string, Promise<unknown>>();

  run<T>(name: string, operation: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(name) ?? Promise.resolve();
    const result = previous.then(operation, operation);
    const tail = result.catch(() => undefined);
    this.#tails.set(name, tail);
    void tail.then(() => {
      if (this.#tails.get(name) === tail) {
        this.#tails.delete(name);
      }
    });
    return result;
  }
}

/**
 * The generation of the accounts document last written on this machine. VS Code hands a window's
 * SecretStorage write to other windows some time after `store()` resolved (each window caches the
 * secret state and hears of changes later), so a window holding the lock may still read the
 * document as it was before the previous holder's write. The counter on disk is current at once:
 * a read older than it is waited for rather than written over.
 */
export interface GenerationMark {
  read(): Promise<number>;
  write(generation: number): Promise<void>;
}

export class MemoryGenerationMark implements GenerationMark {
  #generation = 0;

  read(): Promise<number> {
    return Promise.resolve(this.#generation);
  }

  write(generation: number): Promise<void> {
    this.#generation = generation;
    return Promise.resolve();
  }
}

export class FileGenerationMark implements GenerationMark {
  readonly #file: string;

  constructor(file: string) {
    this.#file = file;
  }

  async read(): Promise<number> {
    try {
      const value = Number((await readFile(this.#file, 'utf8')).trim());
      return Number.isSafeInteger(value) && value >= 0 ? value : 0;
    } catch {
      // Missing (first run) or unreadable: nothing to wait for.
      return 0;
    }
  }

  /** Written whole and renamed into place, so a reader never sees half a number. */
  async write(generation: number): Promise<void> {
    const temporary = `${this.#file}.${randomBytes(6).toString('hex')}.tmp`;
    await mkdir(dirname(this.#file), { recursive: true });
    await writeFile(temporary, String(generation), 'utf8');
    await rename(temporary, this.#file);
  }
}
