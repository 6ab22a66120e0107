/**
 * Local LINE's emulator in this window: started on the configured loopback port with a
 * configuration (the workspace's file or the demo data), reconfigured when the file changes,
 * stopped on Stop or when the window closes. Knows nothing of commands or views.
 */
import vscode = require('vscode');
import {
  startLineEmulator,
  type EmulatorExchange,
  type LineEmulator,
  type LocalLineConfig,
} from '../../../../emulator/index';
import { LocalLineError } from '../../../core/errors';
import { messageOf } from '../../../core/messageOf';
import { SETTINGS } from '../../constants';
import { LOCAL_LINE_CONTEXT_KEYS, LOCAL_LINE_SETTINGS, type LocalLineHost } from '../api';
import type { LocalLineSettings } from './settings';

/** Local LINE while it runs (the secrets are in `config`: never put this object in a result). */
export interface RunningLocalLine {
  readonly emulator: LineEmulator;
  /** What is served now: the last good configuration. */
  readonly config: LocalLineConfig;
  readonly source: 'file' | 'demo';
}

export function discoveryUrl(authorizeBaseUrl: string): string {
  return `${authorizeBaseUrl}/.well-known/openid-configuration`;
}

export class LocalLineServer implements vscode.Disposable {
  readonly #host: LocalLineHost;
  readonly #onExchange: (exchange: EmulatorExchange) => void;
  readonly #onDidChange = new vscode.EventEmitter<void>();
  readonly onDidChange = this.#onDidChange.event;
  #running: RunningLocalLine | undefined;
  #starting: Promise<RunningLocalLine> | undefined;

  constructor(host: LocalLineHost, onExchange: (exchange: EmulatorExchange) => void) {
    this.#host = host;
    this.#onExchange = onExchange;
  }

  get running(): RunningLocalLine | undefined {
    return this.#running;
  }

  /** Starts Local LINE, or returns the running one. */
  start(
    settings: LocalLineSettings,
    served: () => Promise<{ config: LocalLineConfig; source: 'file' | 'demo' }>,
  ): Promise<RunningLocalLine> {
    if (this.#running !== undefined) {
      return Promise.resolve(this.#running);
    }
    this.#starting ??= this.#start(settings, served).finally(() => {
      this.#starting = undefined;
    });
    return this.#starting;
  }

  async #start(
    settings: LocalLineSettings,
    served: () => Promise<{ config: LocalLineConfig; source: 'file' | 'demo' }>,
  ): Promise<RunningLocalLine> {
    const { logger } = this.#host.services;
    const { config, source } = await served();
    this.#rememberSecrets(config);
    let emulator: LineEmulator;
    try {
      emulator = await startLineEmulator({
        host: '127.0.0.1',
        port: settings.port,
        browserHost: settings.browserHost,
        config,
        log: (line) => {
          logger.info(`Local LINE: ${line}`);
        },
        onExchange: (exchange) => {
          this.#onExchange(exchange);
          // One-shot faults count down as requests arrive: the view's Faults follow.
          this.#onDidChange.fire();
        },
      });
    } catch (error) {
      if (typeof error === 'object' && error !== null && 'code' in error && error.code === 'EADDRINUSE') {
        throw new LocalLineError(
          'ERR_LOCAL_LINE_PORT_IN_USE',
          `Port ${settings.port} on 127.0.0.1 is taken (setting ${SETTINGS.section}.${LOCAL_LINE_SETTINGS.port}).`,
          { port: settings.port },
        );
      }
      throw error;
    }
    this.#running = { emulator, config, source };
    logger.info(
      `Local LINE started with the ${source === 'file' ? 'workspace configuration' : 'demo data'}: ${emulator.authorizeBaseUrl} (browser), ${emulator.apiBaseUrl} (API).`,
    );
    this.#changed();
    return this.#running;
  }

  #rememberSecrets(config: LocalLineConfig): void {
    for (const channel of config.channels) {
      this.#host.services.logger.redactor.add(channel.channelSecret);
    }
  }

  /** Serves this configuration from now on; throws (changing nothing) when the emulator cannot. */
  reconfigure(config: LocalLineConfig, source: 'file' | 'demo'): void {
    const running = this.require();
    this.#rememberSecrets(config);
    running.emulator.reconfigure(config);
    this.#running = { ...running, config, source };
    this.#changed();
  }

  /** The running Local LINE, or ERR_LOCAL_LINE_NOT_RUNNING. */
  require(): RunningLocalLine {
    if (this.#running === undefined) {
      throw new LocalLineError('ERR_LOCAL_LINE_NOT_RUNNING', '');
    }
    return this.#running;
  }

  /** After a fault or an action: the view shows it. */
  changed(): void {
    this.#onDidChange.fire();
  }

  async stop(): Promise<boolean> {
    const running = this.#running ?? (await this.#starting?.catch(() => undefined));
    if (running === undefined) {
      return false;
    }
    this.#running = undefined;
    try {
      await running.emulator.close();
    } catch (error) {
      this.#host.services.logger.warn(`Local LINE did not stop cleanly: ${messageOf(error)}`);
    }
    this.#host.services.logger.info('Local LINE stopped.');
    this.#changed();
    return true;
  }

  #changed(): void {
    void vscode.commands.executeCommand('setContext', LOCAL_LINE_CONTEXT_KEYS.running, this.#running !== undefined);
    this.#onDidChange.fire();
  }

  dispose(): void {
    void this.stop();
    this.#onDidChange.dispose();
  }
}
