/** Start, Stop, and copying what an app needs from Local LINE. */
import vscode = require('vscode');
import type { LocalLineChannelConfig } from '../../../../emulator/index';
import { InputError, LocalLineError } from '../../../core/errors';
import { channelFromInvocation, rejectUnknownArgs, stringArg, type Invocation } from '../../commands/invocation';
import { notifyWithActions, notify } from '../../notifications';
import { LOCAL_LINE_COMMANDS, LOCAL_LINE_VIEW_ID } from '../api';
import { ENV_VARIABLES, envLines } from './envLines';
import { discoveryUrl, type LocalLineServer, type RunningLocalLine } from './server';
import { LocalLineNode } from './view';

/** What Start returns: everything an app needs except the channel secrets. */
export interface LocalLineSummary {
  running: true;
  /** 'file': .vscode/line-emulator.json; 'demo': the emulator's demo data (no file). */
  source: 'file' | 'demo';
  port: number;
  authorizeBaseUrl: string;
  apiBaseUrl: string;
  discoveryUrl: string;
  channels: { channelId: string; name?: string; callbackUrls: string[] }[];
  users: { userId: string; displayName: string }[];
}

export function summarize(running: RunningLocalLine): LocalLineSummary {
  const { emulator, config: served, source } = running;
  return {
    running: true,
    source,
    port: emulator.port,
    authorizeBaseUrl: emulator.authorizeBaseUrl,
    apiBaseUrl: emulator.apiBaseUrl,
    discoveryUrl: discoveryUrl(emulator.authorizeBaseUrl),
    channels: served.channels.map((channel) => ({
      channelId: channel.channelId,
      ...(channel.name === undefined ? {} : { name: channel.name }),
      callbackUrls: [...channel.callbackUrls],
    })),
    users: served.users.map((user) => ({ userId: user.userId, displayName: user.displayName })),
  };
}

/** Starts Local LINE with this window's settings and configuration (or returns the running one). */
export type StartLocalLine = () => Promise<RunningLocalLine>;

export async function startLocalLine(
  server: LocalLineServer,
  start: StartLocalLine,
  invocation: Invocation,
): Promise<LocalLineSummary> {
  if (invocation.automated) {
    rejectUnknownArgs(invocation.args, []);
  }
  const wasRunning = server.running !== undefined;
  const running = await start();
  if (!invocation.automated && !wasRunning) {
    void vscode.commands.executeCommand(`${LOCAL_LINE_VIEW_ID}.focus`);
    const copy = { title: vscode.l10n.t('Copy Settings for Your App') };
    void notifyWithActions(
      'info',
      vscode.l10n.t(
        'Local LINE is running: point your app at {0} (browser) and {1} (API).',
        running.emulator.authorizeBaseUrl,
        running.emulator.apiBaseUrl,
      ),
      [copy],
    ).then(async (picked) => {
      if (picked === copy) {
        await vscode.commands.executeCommand(LOCAL_LINE_COMMANDS.copyEnv);
      }
    });
  }
  return summarize(running);
}

export async function stopLocalLine(server: LocalLineServer, invocation: Invocation): Promise<{ running: false }> {
  if (invocation.automated) {
    rejectUnknownArgs(invocation.args, []);
  }
  await server.stop();
  return { running: false };
}

/** The channel from `{ channelId }`, a view node, the only one served, or a pick. */
export async function servedChannel(
  running: RunningLocalLine,
  invocation: Invocation,
  title: string,
): Promise<LocalLineChannelConfig | undefined> {
  const channels = running.config.channels;
  const channelId =
    invocation.node instanceof LocalLineNode ? invocation.node.channel?.channelId : channelFromInvocation(invocation);
  if (channelId !== undefined) {
    const channel = channels.find((candidate) => candidate.channelId === channelId);
    if (channel === undefined) {
      throw new LocalLineError(
        'ERR_LOCAL_LINE_CHANNEL_UNKNOWN',
        `Channel ${channelId} is not one of Local LINE's channels (${channels.map((c) => c.channelId).join(', ') || 'none'}).`,
        { channelId },
      );
    }
    return channel;
  }
  if (channels.length === 1 || invocation.automated) {
    return channels[0];
  }
  const picked = await vscode.window.showQuickPick(
    channels.map((channel) => ({ label: channel.name ?? channel.channelId, description: channel.channelId, channel })),
    { title, ignoreFocusOut: true },
  );
  return picked?.channel;
}

export async function copyLocalLineEnv(
  server: LocalLineServer,
  invocation: Invocation,
): Promise<{ channelId: string; variables: string[] } | undefined> {
  if (invocation.automated) {
    rejectUnknownArgs(invocation.args, ['channelId']);
  }
  const running = server.require();
  const channel = await servedChannel(running, invocation, vscode.l10n.t('Copy the settings of which channel?'));
  if (channel === undefined) {
    return undefined;
  }
  await vscode.env.clipboard.writeText(envLines(channel, running.emulator));
  if (!invocation.automated) {
    notify(
      'info',
      vscode.l10n.t(
        "Copied {0} for channel {1}. Paste them into your app's environment (a .env file that git ignores).",
        ENV_VARIABLES.join(', '),
        channel.channelId,
      ),
    );
  }
  return { channelId: channel.channelId, variables: [...ENV_VARIABLES] };
}

const COPYABLE = ['authorizeBaseUrl', 'apiBaseUrl', 'discoveryUrl'] as const;

/** Copies a view node's value (a URL, a channel or user ID), or `{ item }` of the URLs. */
export async function copyLocalLineValue(
  server: LocalLineServer,
  invocation: Invocation,
): Promise<{ copied: string } | undefined> {
  let value: string | undefined;
  if (invocation.automated) {
    rejectUnknownArgs(invocation.args, ['item']);
    const item = stringArg(invocation.args, 'item');
    const { emulator } = server.require();
    const urls: Record<(typeof COPYABLE)[number], string> = {
      authorizeBaseUrl: emulator.authorizeBaseUrl,
      apiBaseUrl: emulator.apiBaseUrl,
      discoveryUrl: discoveryUrl(emulator.authorizeBaseUrl),
    };
    value = (COPYABLE as readonly string[]).includes(item) ? urls[item as (typeof COPYABLE)[number]] : undefined;
    if (value === undefined) {
      throw new InputError('ERR_INVALID_INPUT', `"item" must be one of ${COPYABLE.join(', ')}.`, 'item');
    }
  } else if (invocation.node instanceof LocalLineNode && invocation.node.kind !== 'env') {
    value = invocation.node.value;
  }
  if (value === undefined) {
    return undefined;
  }
  await vscode.env.clipboard.writeText(value);
  return { copied: value };
}
