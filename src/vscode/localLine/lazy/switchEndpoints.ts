/**
 * "Use Local LINE for This Channel" and "Use LINE Again": this extension's own sign-in pointed at
 * Local LINE and back.
 *
 * The endpoint settings are global (one pair for every channel), and stored accounts are keyed by
 * channel and user only, not by which LINE issued them. So a switch in either direction would send
 * one LINE's tokens to the other (a verify, refresh or revoke from a tree node, or auto refresh).
 * The rule that keeps them apart: switching to Local LINE is refused while any account is stored
 * (all of them were issued by the LINE in use before); switching back signs out, locally, the
 * accounts stored meanwhile (Local LINE issued all of them; they are worthless anywhere else).
 * The person's endpoint settings are saved in globalState first and put back exactly.
 */
import vscode = require('vscode');
import type { LocalLineChannelConfig as EmulatorChannel } from '../../../../emulator/index';
import { parseChannelConfig, type ChannelConfig } from '../../../core/channels';
import { constantTimeEqual } from '../../../core/constantTime';
import { InputError, LocalLineError } from '../../../core/errors';
import { confirmDestructive, rejectUnknownArgs, type Invocation } from '../../commands/invocation';
import { COMMANDS, SETTINGS } from '../../constants';
import { notify, notifyWithActions } from '../../notifications';
import {
  LOCAL_LINE_COMMANDS,
  LOCAL_LINE_CONTEXT_KEYS,
  LOCAL_LINE_STATE_KEY,
  type LocalLineHost,
  type SavedEndpoints,
} from '../api';
import { servedChannel, type StartLocalLine } from './commands';

function endpointSettings(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SETTINGS.section);
}

function saved(host: LocalLineHost): SavedEndpoints | undefined {
  return host.globalState.get<SavedEndpoints>(LOCAL_LINE_STATE_KEY);
}

async function setInUse(host: LocalLineHost, value: SavedEndpoints | undefined): Promise<void> {
  await host.globalState.update(LOCAL_LINE_STATE_KEY, value);
  await vscode.commands.executeCommand('setContext', LOCAL_LINE_CONTEXT_KEYS.inUse, value !== undefined);
}

/** A callback URL of the Local LINE channel that this extension can receive on (loopback, fixed port). */
function usableCallbackUrl(channel: EmulatorChannel): string | undefined {
  return channel.callbackUrls.find((url) => {
    try {
      parseChannelConfig({ channelId: channel.channelId, callbackUrl: url });
      return true;
    } catch {
      return false;
    }
  });
}

/** This extension's channel for Local LINE's: the registered one when it matches, else a new one. */
async function matchingChannel(
  host: LocalLineHost,
  local: EmulatorChannel,
): Promise<{ channel: ChannelConfig; added: boolean }> {
  const { services } = host;
  const existing = services.channels.get(local.channelId);
  if (existing === undefined) {
    const callbackUrl = usableCallbackUrl(local);
    if (callbackUrl === undefined) {
      throw new InputError(
        'ERR_INVALID_CHANNEL',
        `Local LINE's channel ${local.channelId} has no callback URL this extension can receive: add one such as http://localhost:33418/callback to its callbackUrls.`,
        'callbackUrls',
      );
    }
    const channel = parseChannelConfig({ channelId: local.channelId, name: local.name, callbackUrl });
    services.logger.redactor.add(local.channelSecret);
    await services.channels.save(channel, local.channelSecret);
    return { channel, added: true };
  }
  if (!local.callbackUrls.includes(existing.callbackUrl)) {
    throw new InputError(
      'ERR_INVALID_CHANNEL',
      `Channel ${local.channelId}'s callback URL here, ${existing.callbackUrl}, is not one of its callback URLs in Local LINE (${local.callbackUrls.join(', ') || 'none'}). Add it there, as you would on the LINE Login tab.`,
      'callbackUrl',
    );
  }
  if (await services.channels.hasSecret(local.channelId)) {
    const { channelSecret } = await services.credentials(local.channelId);
    if (!constantTimeEqual(channelSecret, local.channelSecret)) {
      // Never replaced: the stored secret is most likely the real channel's.
      throw new InputError(
        'ERR_INVALID_CHANNEL',
        `Channel ${local.channelId} is registered here with another channel secret than Local LINE serves for it. The stored secret is kept: give Local LINE's channel the same secret, or use a Local LINE channel with an ID of its own.`,
        'channelSecret',
      );
    }
  } else {
    services.logger.redactor.add(local.channelSecret);
    await services.channels.save(existing, local.channelSecret);
  }
  return { channel: existing, added: false };
}

export interface UseLocalLineResult {
  channelId: string;
  authorizeBaseUrl: string;
  apiBaseUrl: string;
  /** True when the channel was registered in this extension from Local LINE. */
  addedChannel: boolean;
}

export async function useLocalLineForChannel(
  host: LocalLineHost,
  start: StartLocalLine,
  invocation: Invocation,
): Promise<UseLocalLineResult | undefined> {
  if (invocation.automated) {
    rejectUnknownArgs(invocation.args, ['channelId']);
  }
  const running = await start();
  const local = await servedChannel(running, invocation, vscode.l10n.t('Sign in to which Local LINE channel?'));
  if (local === undefined) {
    return undefined;
  }
  const previous = saved(host);
  if (previous === undefined) {
    const accounts = await host.services.store.list();
    if (accounts.length > 0) {
      const channels = [...new Set(accounts.map((account) => account.channelId))];
      throw new LocalLineError(
        'ERR_LOCAL_LINE_TOKENS_MIXED',
        `${accounts.length} signed-in account(s) of channel(s) ${channels.join(', ')} hold tokens from ${host.services.client.endpoints.apiBaseUrl}; with Local LINE in use they would be sent to Local LINE.`,
      );
    }
  }
  const { channel, added } = await matchingChannel(host, local);
  const config = endpointSettings();
  if (previous === undefined) {
    const authorize = config.inspect<string>(SETTINGS.authorizeBaseUrl)?.globalValue;
    const api = config.inspect<string>(SETTINGS.apiBaseUrl)?.globalValue;
    await setInUse(host, {
      ...(authorize === undefined ? {} : { authorizeBaseUrl: authorize }),
      ...(api === undefined ? {} : { apiBaseUrl: api }),
      addedChannelIds: added ? [channel.channelId] : [],
    });
  } else if (added && !previous.addedChannelIds.includes(channel.channelId)) {
    await setInUse(host, { ...previous, addedChannelIds: [...previous.addedChannelIds, channel.channelId] });
  }
  const { emulator } = running;
  await config.update(SETTINGS.authorizeBaseUrl, emulator.authorizeBaseUrl, vscode.ConfigurationTarget.Global);
  await config.update(SETTINGS.apiBaseUrl, emulator.apiBaseUrl, vscode.ConfigurationTarget.Global);
  host.services.logger.info(
    `This extension now uses Local LINE (${emulator.apiBaseUrl}) for channel ${channel.channelId}.`,
  );
  if (!invocation.automated) {
    const signIn = { title: vscode.l10n.t('Sign In') };
    const back = { title: vscode.l10n.t('Use LINE Again') };
    void notifyWithActions(
      'info',
      vscode.l10n.t(
        'Sign-ins to channel {0} now go to Local LINE. "Use LINE Again" puts your endpoint settings back.',
        channel.channelId,
      ),
      [signIn, back],
    ).then(async (picked) => {
      if (picked === signIn) {
        await vscode.commands.executeCommand(COMMANDS.signIn, { channelId: channel.channelId });
      } else if (picked === back) {
        await vscode.commands.executeCommand(LOCAL_LINE_COMMANDS.useLineAgain);
      }
    });
  }
  return {
    channelId: channel.channelId,
    authorizeBaseUrl: emulator.authorizeBaseUrl,
    apiBaseUrl: emulator.apiBaseUrl,
    addedChannel: added,
  };
}

export interface UseLineAgainResult {
  restored: boolean;
  signedOutAccounts: number;
  removedChannels: string[];
}

export async function useLineAgain(
  host: LocalLineHost,
  invocation: Invocation,
): Promise<UseLineAgainResult | undefined> {
  if (invocation.automated) {
    rejectUnknownArgs(invocation.args, ['confirmed']);
  }
  const previous = saved(host);
  if (previous === undefined) {
    if (!invocation.automated) {
      notify('info', vscode.l10n.t('This extension already uses LINE, not Local LINE.'));
    }
    return { restored: false, signedOutAccounts: 0, removedChannels: [] };
  }
  const { services } = host;
  const accounts = await services.store.list();
  if (accounts.length > 0 || previous.addedChannelIds.length > 0) {
    const confirmed = await confirmDestructive(
      invocation,
      vscode.l10n.t('Use LINE again?'),
      vscode.l10n.t(
        'The {0} account(s) signed in through Local LINE are signed out here (their tokens are valid only on Local LINE), and the {1} channel(s) added from Local LINE are removed. Your endpoint settings are put back.',
        accounts.length,
        previous.addedChannelIds.length,
      ),
      vscode.l10n.t('Use LINE Again'),
    );
    if (!confirmed) {
      return undefined;
    }
  }
  for (const account of accounts) {
    await services.store.delete({ channelId: account.channelId, userId: account.userId });
  }
  const removedChannels: string[] = [];
  for (const channelId of previous.addedChannelIds) {
    if (services.channels.get(channelId) !== undefined) {
      await services.channels.remove(channelId);
      removedChannels.push(channelId);
    }
  }
  const config = endpointSettings();
  await config.update(SETTINGS.authorizeBaseUrl, previous.authorizeBaseUrl, vscode.ConfigurationTarget.Global);
  await config.update(SETTINGS.apiBaseUrl, previous.apiBaseUrl, vscode.ConfigurationTarget.Global);
  await setInUse(host, undefined);
  services.logger.info(
    `This extension uses its previous endpoint settings again (${accounts.length} Local LINE account(s) signed out).`,
  );
  if (!invocation.automated) {
    notify('info', vscode.l10n.t('This extension uses LINE again; your endpoint settings are back.'));
  }
  return { restored: true, signedOutAccounts: accounts.length, removedChannels };
}
