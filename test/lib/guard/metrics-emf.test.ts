import { emfMetricsSink } from '../../../lib/guard/metrics-emf';

describe('emfMetricsSink', () => {
  const lines: string[] = [];
  const sink = emfMetricsSink((l) => lines.push(l), 'McpWarden', () => 1_790_000_000_000);
  beforeEach(() => lines.splice(0));

  it('writes a CloudWatch EMF line with per-agent and per-agent-and-tool dimension sets', () => {
    sink.put('support-agent', { Calls: 1, Denied: 0, Latency: 12 }, { Tool: 'get_order' });
    const doc = JSON.parse(lines[0]!);
    expect(doc).toEqual({
      _aws: {
        Timestamp: 1_790_000_000_000,
        CloudWatchMetrics: [
          {
            Namespace: 'McpWarden',
            Dimensions: [['Agent'], ['Agent', 'Tool']],
            Metrics: [
              { Name: 'Calls', Unit: 'Count' },
              { Name: 'Denied', Unit: 'Count' },
              { Name: 'Latency', Unit: 'Milliseconds' },
            ],
          },
        ],
      },
      Agent: 'support-agent',
      Tool: 'get_order',
      Calls: 1,
      Denied: 0,
      Latency: 12,
    });
  });

  it('uses only the Agent dimension when no tool is given', () => {
    sink.put('ghost', { Calls: 1, Denied: 1 });
    expect(JSON.parse(lines[0]!)._aws.CloudWatchMetrics[0].Dimensions).toEqual([['Agent']]);
  });

  it('references only dimension keys present at the root (EMF rule)', () => {
    sink.put('a', { Calls: 1 }, { Tool: 't' });
    const doc = JSON.parse(lines[0]!);
    for (const set of doc._aws.CloudWatchMetrics[0].Dimensions as string[][]) for (const key of set) expect(typeof doc[key]).toBe('string');
  });

  it('ends each line with a newline and writes nothing for no metrics', () => {
    sink.put('a', { Calls: 1 });
    sink.put('a', {});
    expect(lines).toHaveLength(1);
    expect(lines[0]!.endsWith('\n')).toBe(true);
  });

  it('never lets a dimension shadow the _aws metadata or a metric, nor carry an invalid value', () => {
    sink.put('a', { Calls: 1 }, { _aws: 'x', Calls: '5', Tool: 'x'.repeat(1025), Empty: '', Server: 'commerce' } as Record<string, string>);
    const doc = JSON.parse(lines[0]!);
    expect(doc._aws.CloudWatchMetrics[0].Dimensions).toEqual([['Agent'], ['Agent', 'Server']]);
    expect(doc.Calls).toBe(1);
    expect(doc.Tool).toBeUndefined();
  });

  it('replaces an empty agent name, which CloudWatch would reject', () => {
    sink.put('', { Calls: 1 });
    expect(JSON.parse(lines[0]!).Agent).toBe('(invalid)');
  });
});
