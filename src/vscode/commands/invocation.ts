/**
 * What a command is invoked with, and how every command is registered. A command called with a
 * plain argument object is automation (`vscode.commands.executeCommand(id, { … })`): it never
 * prompts, returns a plain result and rejects with a coded error. Called from the palette or the tree, it prompts as needed and shows
 * errors as notifications with next steps.
 */
import vscode = require('vscode');
import { InputError, isLineLoginError, type LineLoginErrorCode } from '../../core/errors';
import type { AccountKey } from '../../core/tokenStore';
import { actionLabel, presentError, type ErrorAction } from '../errorMessages';
import { confirmModal, notifyWithActions } from '../notifications';
import type { WindowServices } from '../services';
import { messageOf } from '../../core/messageOf';
import { diagnose } from '../../core/inspector/doctor';
import { flowKindOfCommand } from '../inspector/commandKinds';

export interface Invocation {
  /** True when called with a plain argument object: no prompts, no notifications. */
  automated: boolean;
  /** The plain argument object (empty when not automated). */
  args: Record<string, unknown>;
  /** The tree node a menu passed, if any. */
  node: unknown;
  /** What a person chose, as automation arguments, so an error's "retry" can repeat it without asking again. */
  retryArgs?: Record<string, unknown>;
}

/** An Error for automation callers: a message that says what went wrong, plus the stable code. */
export class CommandError extends Error {
  /** The Inspector flow this failure ended, for `lineLogin.diagnose { flowId }`. */
  flowId?: string;

  constructor(
    readonly code: LineLoginErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'LineLoginCommandError';
  }
}

export type CommandHandler = (invocation: Invocation) => Promise<unknown>;

export interface ErrorActionHandlers {
  run(action: ErrorAction, error: unknown, invocation: Invocation): Promise<void>;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

export function registerCommand(
  id: string,
  handler: CommandHandler,
  services: WindowServices,
  errorActions: ErrorActionHandlers,
): vscode.Disposable {
  return vscode.commands.registerCommand(id, wrapCommand(id, handler, services, errorActions));
}

/** What a command runs: the handler inside an Inspector flow, its failures logged and presented. */
export function wrapCommand(
  id: string,
  handler: CommandHandler,
  services: WindowServices,
  errorActions: ErrorActionHandlers,
): (arg: unknown) => Promise<unknown> {
  return async (arg: unknown) => {
    const automated = isPlainObject(arg);
    const invocation: Invocation = { automated, args: automated ? arg : {}, node: automated ? undefined : arg };
    const channelId = invocation.args.channelId;
    try {
      // Every LINE request the command makes is recorded as one Inspector flow (issue 11).
      return await services.recorder.run(
        { kind: flowKindOfCommand(id), ...(typeof channelId === 'string' ? { channelId } : {}) },
        () => handler(invocation),
      );
    } catch (error) {
      const flow = services.recorder.flowOfError(error);
      const redact = (text: string): string => services.logger.redactor.redact(text);
      services.logger.error(
        `${id} failed: ${isLineLoginError(error) ? `${error.code} ${error.message}` : String(error)}`,
      );
      if (automated) {
        const commandError = isLineLoginError(error)
          ? new CommandError(error.code, redact(error.message))
          : new CommandError('ERR_INVALID_INPUT', redact(messageOf(error)));
        if (flow !== undefined) {
          commandError.flowId = flow.id;
        }
        throw commandError;
      }
      const presented = presentError(error);
      const labels: { action: ErrorAction | 'showDiagnosis'; title: string }[] = presented.actions.map((action) => ({
        action,
        title: actionLabel(action),
      }));
      if (flow !== undefined && diagnose(flow) !== undefined) {
        labels.push({ action: 'showDiagnosis', title: vscode.l10n.t('Show Diagnosis') });
      }
      void notifyWithActions('error', redact(presented.message), labels).then(async (picked) => {
        if (picked?.action === 'showDiagnosis') {
          await vscode.commands.executeCommand('lineLogin.showFlow', { flowId: flow?.id });
        } else if (picked !== undefined) {
          await errorActions.run(picked.action, error, invocation);
        }
      });
      return undefined;
    }
  };
}

/** Reads a string argument; a missing or wrongly typed one is a clear error naming the field. */
export function stringArg(args: Record<string, unknown>, field: string): string;
export function stringArg(args: Record<string, unknown>, field: string, optional: 'optional'): string | undefined;
export function stringArg(args: Record<string, unknown>, field: string, optional?: 'optional'): string | undefined {
  const value = args[field];
  if (value === undefined && optional === 'optional') {
    return undefined;
  }
  if (typeof value !== 'string' || value === '') {
    throw new InputError('ERR_INVALID_INPUT', `The argument "${field}" must be a non-empty string.`, field);
  }
  return value;
}

/** Reads an optional boolean argument: absent is false, anything but true/false is a clear error. */
export function booleanArg(args: Record<string, unknown>, field: string): boolean {
  const value = args[field];
  if (value === undefined) {
    return false;
  }
  if (typeof value !== 'boolean') {
    throw new InputError('ERR_INVALID_INPUT', `The argument "${field}" must be true or false.`, field);
  }
  return value;
}

export function rejectUnknownArgs(args: Record<string, unknown>, allowed: readonly string[]): void {
  const unknown = Object.keys(args).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    throw new InputError(
      'ERR_INVALID_INPUT',
      `Unknown argument ${unknown.map((k) => `"${k}"`).join(', ')}. Allowed: ${allowed.join(', ')}.`,
      unknown[0],
    );
  }
}

/** `{ channelId, userId }` from automation, or the account a tree node stands for. */
export function accountFromInvocation(invocation: Invocation): AccountKey | undefined {
  if (invocation.automated) {
    return { channelId: stringArg(invocation.args, 'channelId'), userId: stringArg(invocation.args, 'userId') };
  }
  const node = invocation.node;
  if (typeof node === 'object' && node !== null && 'account' in node) {
    const account = node.account;
    if (typeof account === 'object' && account !== null) {
      const { channelId, userId } = account as Partial<AccountKey>;
      if (typeof channelId === 'string' && typeof userId === 'string') {
        return { channelId, userId };
      }
    }
  }
  return undefined;
}

/** The channel ID from automation `{ channelId }` or a channel/account tree node. */
export function channelFromInvocation(invocation: Invocation): string | undefined {
  if (invocation.automated) {
    return stringArg(invocation.args, 'channelId');
  }
  const node = invocation.node;
  if (typeof node === 'object' && node !== null) {
    if ('channelId' in node && typeof node.channelId === 'string') {
      return (node as { channelId: string }).channelId;
    }
    return accountFromInvocation(invocation)?.channelId;
  }
  return undefined;
}

/** Destructive automation calls must say `{ confirmed: true }`; people get a modal question. */
export async function confirmDestructive(
  invocation: Invocation,
  question: string,
  detail: string,
  confirmLabel: string,
): Promise<boolean> {
  if (invocation.automated) {
    if (invocation.args.confirmed !== true) {
      throw new InputError(
        'ERR_INVALID_INPUT',
        'This command changes or deletes data: pass { confirmed: true } to run it without a prompt.',
        'confirmed',
      );
    }
    return true;
  }
  return confirmModal(question, detail, confirmLabel);
}
