/**
 * A LINE Login channel as this tool knows it. Everything but the secret is plain configuration a
 * team can share; the secret is looked up separately from secret storage.
 */
import { DEFAULT_CALLBACK_URL, parseCallbackUrl } from './callback';
import { InputError } from './errors';
import { validateScopes } from './lineClient';
import type { LineBotPrompt, LinePrompt, LoginOptions } from './types';

export interface ChannelConfig {
  channelId: string;
  name?: string;
  callbackUrl: string;
  scopes: string[];
  loginOptions: LoginOptions;
}

export interface ChannelDefaults {
  callbackUrl: string;
  scopes: readonly string[];
}

/** What an entry that leaves them out gets; the \`lineLogin.channels\` defaults in package.json say the same. */
export const CHANNEL_DEFAULTS: ChannelDefaults = { callbackUrl: DEFAULT_CALLBACK_URL, scopes: ['profile', 'openid'] };

export const CHANNEL_ID_PATTERN = /^[0-9]{1,20}$/;

export function validateChannelId(channelId: unknown): string {
  if (typeof channelId !== 'string' || !CHANNEL_ID_PATTERN.test(channelId)) {
    throw new InputError(
      'ERR_INVALID_CHANNEL',
      "A channel ID is the number shown on the channel's Basic settings tab in the LINE Developers Console (digits only).",
      'channelId',
    );
  }
  return channelId;
}

export function validateChannelSecret(channelSecret: unknown): string {
  // LINE channel secrets are 32 hex characters; emulators and older channels may differ, so only
  // reject what cannot be a secret at all.
  if (typeof channelSecret !== 'string' || channelSecret.trim() === '' || /\s/.test(channelSecret.trim())) {
    throw new InputError(
      'ERR_INVALID_CHANNEL',
      "The channel secret is missing or contains spaces. Copy it from the channel's Basic settings tab.",
      'channelSecret',
    );
  }
  return channelSecret.trim();
}

/** Validates one entry of the `lineLogin.channels` setting, whatever a person typed into it. */
export function parseChannelConfig(raw: unknown, defaults: ChannelDefaults = CHANNEL_DEFAULTS): ChannelConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new InputError(
      'ERR_INVALID_CHANNEL',
      'Each entry of lineLogin.channels must be an object with channelId and callbackUrl.',
      'lineLogin.channels',
    );
  }
  const record = raw as Record<string, unknown>;
  const channelId = validateChannelId(record.channelId);
  const callbackUrl =
    typeof record.callbackUrl === 'string' && record.callbackUrl !== '' ? record.callbackUrl : defaults.callbackUrl;
  parseCallbackUrl(callbackUrl);
  const scopes =
    Array.isArray(record.scopes) && record.scopes.every((s): s is string => typeof s === 'string')
      ? record.scopes
      : defaults.scopes;
  validateScopes(scopes);
  const channel: ChannelConfig = {
    channelId,
    callbackUrl,
    scopes: [...scopes],
    loginOptions: parseLoginOptions(record.loginOptions),
  };
  if (typeof record.name === 'string' && record.name.trim() !== '') {
    channel.name = record.name.trim();
  }
  return channel;
}

const PROMPTS: readonly LinePrompt[] = ['consent', 'none', 'login'];
const BOT_PROMPTS: readonly LineBotPrompt[] = ['normal', 'aggressive'];

/** Login options from settings or a command argument; unknown values are errors, not silently dropped. */
export function parseLoginOptions(raw: unknown): LoginOptions {
  if (raw === undefined || raw === null) {
    return {};
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InputError('ERR_INVALID_INPUT', 'Login options must be an object.', 'loginOptions');
  }
  const record = raw as Record<string, unknown>;
  const options: LoginOptions = {};
  if (record.prompt !== undefined) {
    if (!PROMPTS.includes(record.prompt as LinePrompt)) {
      throw new InputError('ERR_INVALID_INPUT', 'prompt must be consent, none or login.', 'prompt');
    }
    options.prompt = record.prompt as LinePrompt;
  }
  if (record.botPrompt !== undefined) {
    if (!BOT_PROMPTS.includes(record.botPrompt as LineBotPrompt)) {
      throw new InputError('ERR_INVALID_INPUT', 'botPrompt must be normal or aggressive.', 'botPrompt');
    }
    options.botPrompt = record.botPrompt as LineBotPrompt;
  }
  if (record.uiLocales !== undefined) {
    const value =
      typeof record.uiLocales === 'string' ? record.uiLocales.split(/\s+/).filter((s) => s !== '') : record.uiLocales;
    if (!Array.isArray(value) || !value.every((s): s is string => typeof s === 'string')) {
      throw new InputError(
        'ERR_INVALID_INPUT',
        'uiLocales must be a list of language tags such as ["ja", "en"].',
        'uiLocales',
      );
    }
    options.uiLocales = value;
  }
  if (record.maxAge !== undefined) {
    if (typeof record.maxAge !== 'number' || !Number.isInteger(record.maxAge) || record.maxAge < 0) {
      throw new InputError('ERR_INVALID_INPUT', 'maxAge must be a whole number of seconds, 0 or more.', 'maxAge');
    }
    options.maxAge = record.maxAge;
  }
  if (record.initialAmrDisplay !== undefined) {
    if (record.initialAmrDisplay !== 'lineqr') {
      throw new InputError('ERR_INVALID_INPUT', 'initialAmrDisplay can only be lineqr.', 'initialAmrDisplay');
    }
    options.initialAmrDisplay = 'lineqr';
  }
  for (const flag of ['switchAmr', 'disableAutoLogin'] as const) {
    const value = record[flag];
    if (value !== undefined) {
      if (typeof value !== 'boolean') {
        throw new InputError('ERR_INVALID_INPUT', `${flag} must be true or false.`, flag);
      }
      options[flag] = value;
    }
  }
  return options;
}

export function channelLabel(channel: Pick<ChannelConfig, 'channelId' | 'name'>): string {
  return channel.name ?? channel.channelId;
}
