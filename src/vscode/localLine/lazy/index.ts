/**
 * The entry of dist/localLine.js, loaded on first use by src/vscode/localLine/loader.ts: Local
 * LINE's controller (the emulator in this window, its configuration file, its view, the "your app"
 * tracker and its command handlers).
 */
import { AppTrafficTracker } from '../../../core/inspector/app/index';
import type { LocalLineController, LocalLineHost } from '../api';
import { LOCAL_LINE_COMMANDS } from '../api';
import { copyLocalLineEnv, copyLocalLineValue, startLocalLine, stopLocalLine } from './commands';
import { ConfigSource, createLocalLineConfig } from './configSource';
import { ExtensionTraffic } from './extensionTraffic';
import {
  clearLocalLineFault,
  expireLocalLineUserTokens,
  revokeAllLocalLineTokens,
  rotateLocalLineKeys,
  setLocalLineFault,
  setLocalLineFriendship,
} from './faults';
import { LocalLineServer } from './server';
import { readLocalLineSettings } from './settings';
import { useLineAgain, useLocalLineForChannel } from './switchEndpoints';
import { LocalLineView } from './view';

export function createLocalLine(host: LocalLineHost): LocalLineController {
  const { services } = host;
  // The tracker asks for the channels served at the time of each exchange (set once the server exists).
  let served: () => readonly { channelId: string; callbackUrls: string[]; channelSecret: string }[] = () => [];
  const tracker = new AppTrafficTracker({ now: Date.now, channels: () => served() });
  const flowSubscription = tracker.onFlow((flow) => {
    host.recordAppFlow(flow);
  });
  const own = new ExtensionTraffic(() => services.channels.list());
  const running = new LocalLineServer(host, (exchange) => {
    if (!own.claims(exchange)) {
      tracker.observe(exchange);
    }
  });
  served = () => running.running?.config.channels ?? [];
  const config = new ConfigSource(host, running);
  const view = new LocalLineView(running);
  const start = () => running.start(readLocalLineSettings(), () => config.served());
  return {
    view,
    commands: {
      [LOCAL_LINE_COMMANDS.start]: (invocation) => startLocalLine(running, start, invocation),
      [LOCAL_LINE_COMMANDS.stop]: (invocation) => stopLocalLine(running, invocation),
      [LOCAL_LINE_COMMANDS.copyEnv]: (invocation) => copyLocalLineEnv(running, invocation),
      [LOCAL_LINE_COMMANDS.copyValue]: (invocation) => copyLocalLineValue(running, invocation),
      [LOCAL_LINE_COMMANDS.useForChannel]: (invocation) => useLocalLineForChannel(host, start, invocation),
      [LOCAL_LINE_COMMANDS.useLineAgain]: (invocation) => useLineAgain(host, invocation),
      [LOCAL_LINE_COMMANDS.createConfig]: async (invocation) => {
        const created = await createLocalLineConfig(invocation);
        // A new .vscode folder may be created with the file, which a file watcher can miss.
        await config.reload();
        return created;
      },
      [LOCAL_LINE_COMMANDS.setFault]: (invocation) => setLocalLineFault(running, invocation),
      [LOCAL_LINE_COMMANDS.clearFault]: (invocation) => clearLocalLineFault(running, invocation),
      [LOCAL_LINE_COMMANDS.expireUserTokens]: (invocation) => expireLocalLineUserTokens(running, invocation),
      [LOCAL_LINE_COMMANDS.rotateKeys]: (invocation) => rotateLocalLineKeys(running, invocation),
      [LOCAL_LINE_COMMANDS.revokeAll]: (invocation) => revokeAllLocalLineTokens(running, invocation),
      [LOCAL_LINE_COMMANDS.unfriend]: (invocation) => setLocalLineFriendship(running, invocation),
    },
    testing: {
      extensionExchangesSkipped: () => own.skipped,
    },
    dispose: () => {
      flowSubscription.dispose();
      config.dispose();
      view.dispose();
      running.dispose();
    },
  };
}
