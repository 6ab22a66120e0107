/**
 * "Run Again With Changes…": the sign-in parameters a person may edit, read from a recorded
 * authorize step, turned into `lineLogin.signIn` arguments, and the side-by-side comparison of two
 * runs (parameters, results, ID token claims). Per-attempt random values are never compared.
 */
import { InputError } from '../errors';
import type { Flow, JsonValue } from './model';
import { inlineMarkdown } from '../markdownText';

/** The authorize parameters issue 11 lets a re-run change, in LINE's spelling. */
export const EDITABLE_PARAMS = [
  'scope',
  'prompt',
  'bot_prompt',
  'ui_locales',
  'max_age',
  'initial_amr_display',
  'switch_amr',
  'disable_auto_login',
] as const;

/** Random per attempt (or derived from such): always differ, so never part of the diff. */
const PER_ATTEMPT = new Set(['state', 'nonce', 'code_challenge', 'code', 'iat', 'exp', 'auth_time', 'at_hash']);

export function editableParams(flow: Flow): Record<string, string> {
  const params = flow.steps.find((step) => step.name === 'authorize')?.request?.params ?? {};
  const editable: Record<string, string> = {};
  for (const name of EDITABLE_PARAMS) {
    const value = params[name];
    if (value !== undefined) {
      editable[name] = value;
    }
  }
  return editable;
}

/** `scope=profile openid&prompt=consent`: what the input box shows and reads back. */
export function formatParams(params: Record<string, string>): string {
  return Object.entries(params)
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

export function parseParams(text: string): Record<string, string> {
  const parsed: Record<string, string> = {};
  for (const part of text.split('&')) {
    const trimmed = part.trim();
    if (trimmed === '') {
      continue;
    }
    const at = trimmed.indexOf('=');
    const name = at < 0 ? trimmed : trimmed.slice(0, at).trim();
    if (!(EDITABLE_PARAMS as readonly string[]).includes(name)) {
      throw new InputError(
        'ERR_INVALID_INPUT',
        `"${name}" cannot be changed here. Use name=value pairs joined by &, with: ${EDITABLE_PARAMS.join(', ')}.`,
        'changes',
      );
    }
    parsed[name] = at < 0 ? '' : trimmed.slice(at + 1).trim();
  }
  return parsed;
}

function boolParam(name: string, value: string): boolean {
  if (value !== 'true' && value !== 'false') {
    throw new InputError('ERR_INVALID_INPUT', `${name} must be true or false.`, name);
  }
  return value === 'true';
}

/** The `lineLogin.signIn` automation arguments for these authorize parameters. */
export function signInArgs(channelId: string, params: Record<string, string>): Record<string, unknown> {
  const args: Record<string, unknown> = { channelId };
  const words = (value: string): string[] => value.split(/[\s+]+/).filter((word) => word !== '');
  for (const [name, value] of Object.entries(params)) {
    if (value === '') {
      continue;
    }
    switch (name) {
      case 'scope':
        args.scopes = words(value);
        break;
      case 'prompt':
        args.prompt = value;
        break;
      case 'bot_prompt':
        args.botPrompt = value;
        break;
      case 'ui_locales':
        args.uiLocales = words(value);
        break;
      case 'max_age': {
        const seconds = Number(value);
        if (!Number.isInteger(seconds) || seconds < 0) {
          throw new InputError('ERR_INVALID_INPUT', 'max_age must be a whole number of seconds, 0 or more.', 'max_age');
        }
        args.maxAge = seconds;
        break;
      }
      case 'initial_amr_display':
        args.initialAmrDisplay = value;
        break;
      case 'switch_amr':
        args.switchAmr = boolParam(name, value);
        break;
      case 'disable_auto_login':
        args.disableAutoLogin = boolParam(name, value);
        break;
    }
  }
  return args;
}

function text(value: JsonValue | undefined): string {
  return value === undefined ? '—' : typeof value === 'string' ? value : JSON.stringify(value);
}

function rows(a: Record<string, JsonValue>, b: Record<string, JsonValue>): string[] {
  const names = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((name) => !PER_ATTEMPT.has(name)).sort();
  return names.map((name) => {
    const left = text(a[name]);
    const right = text(b[name]);
    return `| ${left === right ? '' : '≠'} | ${inlineMarkdown(name)} | ${inlineMarkdown(left)} | ${inlineMarkdown(right)} |`;
  });
}

function results(flow: Flow): Record<string, JsonValue> {
  const token = flow.steps.find((step) => step.name === 'token');
  const callback = flow.steps.find((step) => step.name === 'callback');
  const result: Record<string, JsonValue> = { outcome: flow.outcome };
  if (flow.error !== undefined) {
    result.error = flow.error.code;
  }
  for (const [name, value] of Object.entries(callback?.request?.params ?? {})) {
    if (!PER_ATTEMPT.has(name)) {
      result[`callback ${name}`] = value;
    }
  }
  if (token?.response !== undefined) {
    result['token status'] = token.response.status;
    for (const name of ['scope', 'expires_in', 'token_type']) {
      const value = token.response.fields[name];
      if (value !== undefined) {
        result[`token ${name}`] = value;
      }
    }
  }
  const failed = flow.steps.flatMap((step) => step.checks.filter((c) => c.verdict === 'fail' || c.verdict === 'warn'));
  result['checks not passing'] = failed.map((c) => `${c.id} (${c.verdict})`).join(', ') || 'none';
  return result;
}

/** The comparison document of two runs: what was sent, what came back, what the ID token said. */
export function compareFlows(a: Flow, b: Flow): string {
  const header = ['|  | name | run A | run B |', '| --- | --- | --- | --- |'];
  const paramsOf = (flow: Flow): Record<string, JsonValue> =>
    flow.steps.find((step) => step.name === 'authorize')?.request?.params ?? {};
  const claimsOf = (flow: Flow): Record<string, JsonValue> =>
    flow.steps.find((step) => step.name === 'token')?.response?.idToken?.claims ?? {};
  return [
    '# LINE Login: two runs compared',
    '',
    `- Run A: ${inlineMarkdown(a.id)}, ${new Date(a.startedAt).toISOString()} (UTC)`,
    `- Run B: ${inlineMarkdown(b.id)}, ${new Date(b.startedAt).toISOString()} (UTC)`,
    '- ≠ marks a difference. state, nonce, code_challenge, iat, exp and auth_time differ on every run and are left out.',
    '',
    '## Authorize parameters',
    '',
    ...header,
    ...rows(paramsOf(a), paramsOf(b)),
    '',
    '## Results',
    '',
    ...header,
    ...rows(results(a), results(b)),
    '',
    '## ID token claims',
    '',
    ...header,
    ...rows(claimsOf(a), claimsOf(b)),
    '',
  ].join('\n');
}
