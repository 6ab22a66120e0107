/** The test side of windowProcess.ts: starts a "window" process and talks to it. */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { FromWindow, ToWindow, WindowInit } from './windowProtocol';

export class WindowProcess {
  readonly #child: ChildProcess;
  readonly #waiting: {
    type: FromWindow['type'];
    resolve: (message: FromWindow) => void;
    reject: (error: Error) => void;
  }[] = [];
  #failure: Error | undefined;

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.on('message', (message: FromWindow) => {
      if (message.type === 'failed') {
        this.#fail(new Error(`window process failed: ${message.message}`));
        return;
      }
      const index = this.#waiting.findIndex((waiter) => waiter.type === message.type);
      const [waiter] = index === -1 ? [] : this.#waiting.splice(index, 1);
      waiter?.resolve(message);
    });
    child.on('exit', (code) => {
      this.#fail(new Error(`window process exited (${String(code)})`));
    });
  }

  static async start(init: Omit<WindowInit, 'type'>): Promise<WindowProcess> {
    const child = fork(join(__dirname, 'windowProcess.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const window = new WindowProcess(child);
    await window.request({ type: 'init', ...init }, 'ready');
    return window;
  }

  /** Sends a message and resolves with the first answer of the given type. */
  request<T extends FromWindow['type']>(message: ToWindow, answer: T): Promise<Extract<FromWindow, { type: T }>> {
    if (this.#failure !== undefined) {
      return Promise.reject(this.#failure);
    }
    const reply = new Promise<FromWindow>((resolve, reject) => {
      this.#waiting.push({ type: answer, resolve, reject });
    });
    this.#child.send(message);
    return reply as Promise<Extract<FromWindow, { type: T }>>;
  }

  send(message: ToWindow): void {
    this.#child.send(message);
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) {
      return;
    }
    const exited = new Promise<void>((resolve) => {
      this.#child.once('exit', () => {
        resolve();
      });
    });
    this.#child.disconnect();
    await exited;
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    for (const waiter of this.#waiting.splice(0)) {
      waiter.reject(error);
    }
  }
}
