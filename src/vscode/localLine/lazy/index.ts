/**
 * The entry of dist/localLine.js, loaded on first use by src/vscode/localLine/loader.ts: Local
 * LINE's controller (the emulator in this window, its view and its command handlers).
 */
import type { LocalLineController, LocalLineHost } from '../api';
import { LOCAL_LINE_COMMANDS } from '../api';
import { copyLocalLineEnv, copyLocalLineValue, startLocalLine, stopLocalLine } from './commands';
import { LocalLineServer } from './server';
import { useLineAgain, useLocalLineForChannel } from './switchEndpoints';
import { LocalLineView } from './view';

export function createLocalLine(host: LocalLineHost): LocalLineController {
  const server = new LocalLineServer(host);
  const view = new LocalLineView(server);
  return {
    view,
    commands: {
      [LOCAL_LINE_COMMANDS.start]: (invocation) => startLocalLine(server, invocation),
      [LOCAL_LINE_COMMANDS.stop]: (invocation) => stopLocalLine(server, invocation),
      [LOCAL_LINE_COMMANDS.copyEnv]: (invocation) => copyLocalLineEnv(server, invocation),
      [LOCAL_LINE_COMMANDS.copyValue]: (invocation) => copyLocalLineValue(server, invocation),
      [LOCAL_LINE_COMMANDS.useForChannel]: (invocation) => useLocalLineForChannel(host, server, invocation),
      [LOCAL_LINE_COMMANDS.useLineAgain]: (invocation) => useLineAgain(host, invocation),
    },
    testing: {
      addChannel: (channel) => {
        server.addChannel(channel);
      },
    },
    dispose: () => {
      view.dispose();
      server.dispose();
    },
  };
}
