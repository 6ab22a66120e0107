/** A flow's source: absent (flows and summaries stored by earlier versions) reads as the extension's. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { flowSource, type Flow, type FlowSummary } from '../../../src/core/inspector/model';
import { flowDocument, toSummary } from '../../../src/core/inspector/report';

const BASE: Flow = {
  id: 'f1',
  kind: 'signIn',
  startedAt: Date.UTC(2026, 0, 1),
  durationMs: 5,
  outcome: 'succeeded',
  steps: [],
};

describe('flow source', () => {
  test('a summary persisted before the field existed is the extension’s', () => {
    const persisted: unknown = JSON.parse(
      '{"id":"old","kind":"signIn","startedAt":1,"durationMs":2,"outcome":"succeeded","steps":[]}',
    );
    assert.equal(flowSource(persisted as FlowSummary), 'extension');
    assert.equal(flowSource(BASE), 'extension');
    assert.equal(toSummary(BASE).source, undefined);
  });

  test('an app flow keeps its source and session in its summary and its document', () => {
    const app: Flow = {
      ...BASE,
      source: 'app',
      app: { sessionId: 's1', channelId: '1650000001', app: 'http://127.0.0.1:3000', loginFlowId: 'f0' },
    };
    const summary = toSummary(app);
    assert.equal(flowSource(summary), 'app');
    assert.deepEqual(summary.app, app.app);
    assert.match(flowDocument(app), /- Source: your app \(http:\\\/\/127\.0\.0\.1:3000\)/);
    assert.doesNotMatch(flowDocument(BASE), /Source:/);
  });
});
