/** lineLogin.addChannel, editChannel, removeChannel. */
import vscode = require('vscode');
import {
  CHANNEL_DEFAULTS,
  channelLabel,
  parseChannelConfig,
  validateChannelId,
  validateChannelSecret,
  type ChannelConfig,
} from '../../core/channels';
import { LINE_SCOPES } from '../../core/types';
import { askChannelSecret, pickChannel } from '../pickers';
import type { WindowServices } from '../services';
import { channelFromInvocation, confirmDestructive, rejectUnknownArgs, stringArg, type Invocation } from './invocation';
import { messageOf } from '../../core/messageOf';
import { notify } from '../notifications';

export interface ChannelSummary {
  channelId: string;
  name?: string;
  callbackUrl: string;
  scopes: string[];
  hasSecret: boolean;
}

async function channelSummary(services: WindowServices, channel: ChannelConfig): Promise<ChannelSummary> {
  const summary: ChannelSummary = {
    channelId: channel.channelId,
    callbackUrl: channel.callbackUrl,
    scopes: [...channel.scopes],
    hasSecret: await services.channels.hasSecret(channel.channelId),
  };
  if (channel.name !== undefined) {
    summary.name = channel.name;
  }
  return summary;
}

const CHANNEL_ARGS = ['channelId', 'channelSecret', 'name', 'callbackUrl', 'scopes', 'loginOptions'] as const;

function channelFromArgs(args: Record<string, unknown>, existing: ChannelConfig | undefined): ChannelConfig {
  rejectUnknownArgs(args, CHANNEL_ARGS);
  return parseChannelConfig({
    channelId: args.channelId,
    name: args.name ?? existing?.name,
    callbackUrl: args.callbackUrl ?? existing?.callbackUrl,
    scopes: args.scopes ?? existing?.scopes,
    loginOptions: args.loginOptions ?? existing?.loginOptions,
  });
}

async function askChannelFields(
  existing: ChannelConfig | undefined,
  channelId: string,
): Promise<ChannelConfig | undefined> {
  const name = await vscode.window.showInputBox({
    title: vscode.l10n.t('Display name for channel {0}', channelId),
    value: existing?.name ?? '',
    prompt: vscode.l10n.t('Optional: how the channel appears in the token explorer.'),
    ignoreFocusOut: true,
  });
  if (name === undefined) {
    return undefined;
  }
  const callbackUrl = await vscode.window.showInputBox({
    title: vscode.l10n.t('Callback URL of channel {0}', channelId),
    value: existing?.callbackUrl ?? CHANNEL_DEFAULTS.callbackUrl,
    prompt: vscode.l10n.t(
      "Register exactly this URL on the channel's LINE Login tab (LINE requires an exact match, so the port is fixed).",
    ),
    ignoreFocusOut: true,
    validateInput: (value) => {
      try {
        parseChannelConfig({ channelId, callbackUrl: value });
        return undefined;
      } catch (error) {
        return messageOf(error);
      }
    },
  });
  if (callbackUrl === undefined) {
    return undefined;
  }
  const currentScopes = existing?.scopes ?? CHANNEL_DEFAULTS.scopes;
  const scopeItems = LINE_SCOPES.map((scope) => ({
    label: scope,
    picked: currentScopes.includes(scope),
  }));
  const scopes = await vscode.window.showQuickPick(scopeItems, {
    title: vscode.l10n.t('Default scopes'),
    placeHolder: vscode.l10n.t('profile or openid is required; email needs openid and the email permission'),
    canPickMany: true,
    ignoreFocusOut: true,
  });
  if (scopes === undefined) {
    return undefined;
  }
  return parseChannelConfig({
    channelId,
    name,
    callbackUrl,
    scopes: scopes.map((item) => item.label),
    loginOptions: existing?.loginOptions,
  });
}

export async function addChannel(
  services: WindowServices,
  invocation: Invocation,
): Promise<ChannelSummary | undefined> {
  if (invocation.automated) {
    const channel = channelFromArgs(invocation.args, undefined);
    const secret = validateChannelSecret(stringArg(invocation.args, 'channelSecret'));
    await saveChannel(services, channel, secret);
    services.logger.info(`Channel ${channel.channelId} added.`);
    return channelSummary(services, channel);
  }
  const channelIdInput = await vscode.window.showInputBox({
    title: vscode.l10n.t('Add LINE Login channel'),
    prompt: vscode.l10n.t("Channel ID (digits), from the channel's Basic settings tab in the LINE Developers Console"),
    ignoreFocusOut: true,
    validateInput: (value) => {
      try {
        validateChannelId(value.trim());
        return undefined;
      } catch (error) {
        return messageOf(error);
      }
    },
  });
  if (channelIdInput === undefined) {
    return undefined;
  }
  const channelId = validateChannelId(channelIdInput.trim());
  const existing = services.channels.get(channelId);
  const channel = await askAndSaveChannel(services, channelId, existing, existing === undefined);
  if (channel === undefined) {
    return undefined;
  }
  services.logger.info(`Channel ${channel.channelId} saved.`);
  notify(
    'info',
    vscode.l10n.t(
      'Channel {0} saved. Make sure {1} is registered as a callback URL on its LINE Login tab.',
      channelLabel(channel),
      channel.callbackUrl,
    ),
  );
  return channelSummary(services, channel);
}

export async function editChannel(
  services: WindowServices,
  invocation: Invocation,
): Promise<ChannelSummary | undefined> {
  const channelId = channelFromInvocation(invocation) ?? (await pickChannelId(services));
  if (channelId === undefined) {
    return undefined;
  }
  const existing = services.channels.require(channelId);
  if (invocation.automated) {
    const channel = channelFromArgs(invocation.args, existing);
    const secretArg = stringArg(invocation.args, 'channelSecret', 'optional');
    const secret = secretArg === undefined ? undefined : validateChannelSecret(secretArg);
    await saveChannel(services, channel, secret);
    return channelSummary(services, channel);
  }
  const secretRequired = !(await services.channels.hasSecret(channelId));
  const channel = await askAndSaveChannel(services, channelId, existing, secretRequired);
  return channel === undefined ? undefined : channelSummary(services, channel);
}

/** The secret is known to the log's redactor before it is stored; undefined keeps the stored one. */
async function saveChannel(
  services: WindowServices,
  channel: ChannelConfig,
  secret: string | undefined,
): Promise<void> {
  services.logger.redactor.add(secret);
  await services.channels.save(channel, secret);
}

/** Asks for the secret, then the other fields, then saves; an empty secret keeps the stored one. */
async function askAndSaveChannel(
  services: WindowServices,
  channelId: string,
  existing: ChannelConfig | undefined,
  secretRequired: boolean,
): Promise<ChannelConfig | undefined> {
  const secret = await askChannelSecret(channelId, secretRequired);
  if (secret === undefined) {
    return undefined;
  }
  const channel = await askChannelFields(existing, channelId);
  if (channel === undefined) {
    return undefined;
  }
  await saveChannel(services, channel, secret === '' ? undefined : secret);
  return channel;
}

export async function removeChannel(
  services: WindowServices,
  invocation: Invocation,
): Promise<{ channelId: string; removedAccounts: number } | undefined> {
  const channelId = channelFromInvocation(invocation) ?? (await pickChannelId(services));
  if (channelId === undefined) {
    return undefined;
  }
  const channel = services.channels.require(channelId);
  const accounts = (await services.store.list()).filter((tokenSet) => tokenSet.channelId === channelId).length;
  const confirmed = await confirmDestructive(
    invocation,
    vscode.l10n.t('Remove channel {0}?', channelLabel(channel)),
    vscode.l10n.t(
      'Its channel secret and the tokens of {0} signed-in account(s) are deleted from this VS Code. Nothing is revoked on LINE.',
      accounts,
    ),
    vscode.l10n.t('Remove'),
  );
  if (!confirmed) {
    return undefined;
  }
  const removedAccounts = await services.store.deleteChannel(channelId);
  await services.channels.remove(channelId);
  const selected = services.selection.get();
  if (selected?.channelId === channelId) {
    await services.selection.set(undefined);
  }
  services.logger.info(`Channel ${channelId} removed with ${removedAccounts} account(s).`);
  return { channelId, removedAccounts };
}

async function pickChannelId(services: WindowServices): Promise<string | undefined> {
  return (await pickChannel(services, vscode.l10n.t('Which channel?')))?.channelId;
}
