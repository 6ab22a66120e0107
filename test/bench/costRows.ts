// Rows of the figures issue 15 added: the lazily loaded bundles, the tree at scale as the view asks
// for it, a change from another window, the Flows view's first paint and the Inspector's cost per step.
import type { WorkloadResult } from './benchProtocol';
import type { InspectorResult } from './inspectorBench';
import type { Row } from './report';
import { summarize, type Summary } from './stats';

function single(value: number): Summary {
  return { median: value, min: value, max: value, n: 1 };
}

export function lazyPartRows(section: string, parts: readonly { file: string; bytes: number }[]): Row[] {
  return parts.map((part) => ({
    section,
    figure: `  lazy part dist/${part.file} (loaded on first use)`,
    unit: 'bytes',
    value: single(part.bytes),
  }));
}

function goalRow(section: string, figure: string, value: Summary | undefined, limitMs: number): Row {
  return {
    section,
    figure,
    unit: 'ms',
    value,
    goal: `≤ ${limitMs} ms`,
    ...(value === undefined ? {} : { met: value.median <= limitMs }),
  };
}

export function lazyLoadRows(section: string, workload: WorkloadResult | undefined): Row[] {
  if (workload === undefined) {
    return [];
  }
  return [
    {
      section,
      figure: 'first command: loads dist/features.js (extra)',
      unit: 'ms',
      value: single(workload.firstCommandExtraMs),
      goal: 'not loaded at activation',
      met: !workload.featuresLoadedBeforeFirstCommand,
    },
  ];
}

export function scaleRows(section: string, workload: WorkloadResult | undefined): Row[] {
  const scale = workload?.scale ?? [];
  return [
    goalRow(section, 'first level: refresh + 50 channels', summarize(scale.map((sample) => sample.firstLevelMs)), 20),
    goalRow(
      section,
      "a channel's 20 accounts (expand)",
      summarize(scale.map((sample) => sample.channelAccountsMs)),
      10,
    ),
    goalRow(
      section,
      "another window's change, once stored → tree shows it",
      summarize(scale.map((sample) => sample.crossWindowMs - sample.otherWindowWriteMs)),
      50,
    ),
    {
      section,
      figure: "  with the other window's store() calls",
      unit: 'ms',
      value: summarize(scale.map((sample) => sample.crossWindowMs)),
      note: 'the document (1.5 MB) and its listing written by the other window, then shown here',
    },
  ];
}

export function inspectorRows(workload: WorkloadResult | undefined, inspector: InspectorResult | undefined): Row[] {
  const section = '6. Inspector';
  const overhead = summarize(inspector?.overheadPerStepMs ?? []);
  const bare = summarize(inspector?.barePerStepMs ?? []);
  return [
    {
      section,
      figure: 'recording overhead per step (plain node)',
      unit: 'ms',
      value: overhead,
      baseline: { name: 'unrecorded step', median: bare?.median },
      goal: '≤ 1 ms',
      ...(overhead === undefined ? {} : { met: overhead.median <= 1 }),
      ...(inspector === undefined
        ? {}
        : {
            note: `${inspector.flowsPerRound} flows × ${inspector.stepsPerFlow} steps per round`,
          }),
    },
    {
      section,
      figure: `Flows view first paint, ${workload?.flowsShown ?? 50} flows`,
      unit: 'ms',
      value: summarize(workload?.flowsFirstPaintMs ?? []),
    },
  ];
}
