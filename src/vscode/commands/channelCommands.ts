/** lineLogin.addChannel, editChannel, removeChannel. */
import vscode = require('vscode');
import { parseChannelConfig, validateChannelId, validateChannelSecret, type ChannelConfig } from '../../core/channels';
import { DEFAULT_CALLBACK_URL, DEFAULT_SCOPES } from '../constants';
import { notify } from '../notifications';
import { askChannelSecret, pickChannel } from '../pickers';
import type { LineLoginServices } from '../services';
import { channelFromInvocation, confirmDestructive, rejectUnknownArgs, stringArg, type Invocation } from './commandKit';

export interface ChannelSummary {
  channelId: string;
  name?: string;
  callbackUrl: string;
  scopes: string[];
  hasSecret: boolean;
}

async function channelSummary(services: LineLoginServices, channel: ChannelConfig): Promise<ChannelSummary> {
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
  return parseChannelConfig(
    {
      channelId: args.channelId,
      name: args.name ?? existing?.name,
      callbackUrl: args.callbackUrl ?? existing?.callbackUrl,
      scopes: args.scopes ?? existing?.scopes,
      loginOptions: args.loginOptions ?? existing?.loginOptions,
    },
    { callbackUrl: DEFAULT_CALLBACK_URL, scopes: DEFAULT_SCOPES },
  );
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
    value: existing?.callbackUrl ?? DEFAULT_CALLBACK_URL,
    prompt: vscode.l10n.t(
      "Register exactly this URL on the channel's LINE Login tab (LINE requires an exact match, so the port is fixed).",
    ),
    ignoreFocusOut: true,
    validateInput: (value) => {
      try {
        parseChannelConfig(
          { channelId, callbackUrl: value },
          { callbackUrl: DEFAULT_CALLBACK_URL, scopes: DEFAULT_SCOPES },
        );
        return undefined;
      } catch (error) {
        return error instanceof Error ? error.message : String(error);
      }
    },
  });
  if (callbackUrl === undefined) {
    return undefined;
  }
  const currentScopes = existing?.scopes ?? DEFAULT_SCOPES;
  const scopeItems = ['profile', 'openid', 'email'].map((scope) => ({
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
  return parseChannelConfig(
    { channelId, name, callbackUrl, scopes: scopes.map((item) => item.label), loginOptions: existing?.loginOptions },
    { callbackUrl: DEFAULT_CALLBACK_URL, scopes: DEFAULT_SCOPES },
  );
}

export async function addChannel(
  services: LineLoginServices,
  invocation: Invocation,
): Promise<ChannelSummary | undefined> {
  if (invocation.automated) {
    const channel = channelFromArgs(invocation.args, undefined);
    const secret = validateChannelSecret(stringArg(invocation.args, 'channelSecret'));
    services.logger.redactor.add(secret);
    await services.channels.save(channel, secret);
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
        return error instanceof Error ? error.message : String(error);
      }
    },
  });
  if (channelIdInput === undefined) {
    return undefined;
  }
  const channelId = validateChannelId(channelIdInput.trim());
  const existing = services.channels.get(channelId);
  const secret = await askChannelSecret(channelId, existing === undefined);
  if (secret === undefined) {
    return undefined;
  }
  const channel = await askChannelFields(existing, channelId);
  if (channel === undefined) {
    return undefined;
  }
  if (secret !== '') {
    services.logger.redactor.add(secret);
  }
  await services.channels.save(channel, secret === '' ? undefined : secret);
  services.logger.info(`Channel ${channel.channelId} saved.`);
  notify(
    'info',
    vscode.l10n.t(
      'Channel {0} saved. Make sure {1} is registered as a callback URL on its LINE Login tab.',
      channel.name ?? channel.channelId,
      channel.callbackUrl,
    ),
  );
  return channelSummary(services, channel);
}

export async function editChannel(
  services: LineLoginServices,
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
    services.logger.redactor.add(secret);
    await services.channels.save(channel, secret);
    return channelSummary(services, channel);
  }
  const secret = await askChannelSecret(channelId, !(await services.channels.hasSecret(channelId)));
  if (secret === undefined) {
    return undefined;
  }
  const channel = await askChannelFields(existing, channelId);
  if (channel === undefined) {
    return undefined;
  }
  if (secret !== '') {
    services.logger.redactor.add(secret);
  }
  await services.channels.save(channel, secret === '' ? undefined : secret);
  return channelSummary(services, channel);
}

export async function removeChannel(
  services: LineLoginServices,
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
    vscode.l10n.t('Remove channel {0}?', channel.name ?? channelId),
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

async function pickChannelId(services: LineLoginServices): Promise<string | undefined> {
  return (await pickChannel(services, vscode.l10n.t('Which channel?')))?.channelId;
}
