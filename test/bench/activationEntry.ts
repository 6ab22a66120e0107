// Extension-host entry (`extensionTestsPath`) of one activation sample: times
// `await vscode.extensions.getExtension(id).activate()` for the extension named in
// $BENCH_EXTENSION_ID, in an extension host that has activated nothing of it yet, and records the
// extension host's memory before and after. It imports nothing but `vscode` and node built-ins, so
// the only code the measured call loads is the measured extension's.
import * as vscode from 'vscode';
import { EXTENSION_ID_ENV, gcFunction, memorySnapshot, writeResult, type ActivationSample } from './benchProtocol';
import { delay } from '../support/wait';

/** Lets the workbench finish starting (restoring views, resolving built-in activations) first. */
const SETTLE_BEFORE_MS = 1_000;
/** Lets the work activate() started (store reads, the first tree load) finish before "after". */
const SETTLE_AFTER_MS = 500;

async function measure(extensionId: string): Promise<ActivationSample> {
  await delay(SETTLE_BEFORE_MS);
  const extension = vscode.extensions.getExtension(extensionId);
  if (extension === undefined) {
    throw new Error(`Extension ${extensionId} is not installed in this extension host`);
  }
  const gc = gcFunction();
  const activeBefore = vscode.extensions.all.filter((candidate) => candidate.isActive).map((candidate) => candidate.id);
  const wasActive = extension.isActive;
  const before = memorySnapshot(gc);
  const started = performance.now();
  await extension.activate();
  const activateMs = performance.now() - started;
  await delay(SETTLE_AFTER_MS);
  const after = memorySnapshot(gc);
  return { extensionId, wasActive, activateMs, before, after, gcForced: gc !== undefined, activeBefore };
}

export async function run(): Promise<void> {
  const extensionId = process.env[EXTENSION_ID_ENV] ?? '';
  try {
    await writeResult({ ok: true, activation: await measure(extensionId) });
  } catch (error) {
    await writeResult({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
}
