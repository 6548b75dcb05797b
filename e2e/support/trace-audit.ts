import { fromJaeger, pollUntil, runChecks, type Finding, type Trace } from '@hoptrace/traces';
import { jaeger } from './traces';

/**
 * trace:check's checks over a set of traces, waiting (with a deadline) for late spans: services
 * export every second, so a trace read right after its order completed may still be growing.
 * Returns the findings that remain at the deadline; none means every trace is whole.
 */
export async function auditTraces(traceIds: string[], timeoutMs = 60_000): Promise<{ traces: Trace[]; findings: Finding[] }> {
  const read = async () => {
    const traces: Trace[] = [];
    const missing: string[] = [];
    for (let i = 0; i < traceIds.length; i += 20) {
      const batch = await Promise.all(traceIds.slice(i, i + 20).map((id) => jaeger.getTrace(id)));
      batch.forEach((raw, j) => (raw ? traces.push(fromJaeger(raw)) : missing.push(traceIds[i + j]!)));
    }
    const findings: Finding[] = [
      ...missing.map((traceId) => ({ check: 'missing-service', traceId, message: 'trace not found in Jaeger' }) as Finding),
      ...runChecks(traces),
    ];
    return { traces, findings };
  };
  return (await pollUntil(read, ({ findings }) => findings.length === 0, { timeoutMs, intervalMs: 1000 })).value;
}

export function describeFindings(findings: Finding[], max = 25): string {
  const lines = findings.slice(0, max).map((f) => `  ${f.check}  trace ${f.traceId}${f.service ? ` ${f.service}` : ''}: ${f.message}`);
  return `${findings.length} finding(s):\n${lines.join('\n')}${findings.length > max ? `\n  … and ${findings.length - max} more` : ''}`;
}
