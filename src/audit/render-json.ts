import type { AuditReport } from './report-types.js';

/**
 * The report as `JSON.stringify(report, null, 2)` would print it, yielded in pieces so a report with millions of
 * findings never has to exist as one string (V8 caps a string at about 512 MiB).
 */
export function* renderJsonChunks(report: AuditReport): Generator<string> {
  const entries = Object.entries(report).filter(([, v]) => v !== undefined && typeof v !== 'function');
  yield '{';
  let first = true;
  for (const [key, value] of entries) {
    yield `${first ? '' : ','}\n  ${JSON.stringify(key)}: `;
    first = false;
    if (Array.isArray(value) && value.length > 0) {
      let buffer = '[';
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        const text = JSON.stringify(item ?? null, null, 2).replaceAll('\n', '\n    ');
        buffer += `${i === 0 ? '' : ','}\n    ${text}`;
        if (buffer.length > 1 << 16) {
          yield buffer;
          buffer = '';
        }
      }
      yield `${buffer}\n  ]`;
    } else {
      yield JSON.stringify(value, null, 2).replaceAll('\n', '\n  ');
    }
  }
  yield entries.length > 0 ? '\n}' : '}';
}
