/** Reading `dig +noall +comments +answer` output into an observation. */
import type { DnsObservation } from '../runtime.js';

export function parseDig(text: string): Omit<DnsObservation, 'elapsedMs'> {
  const status = /status: ([A-Z]+)/.exec(text)?.[1];
  const answers: DnsObservation['answers'] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith(';') || line.trim() === '') continue;
    const m = /^(\S+)\s+(\d+)\s+(\S+)\s+(\S+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const [, name, ttl, , type, data] = m as unknown as [string, string, string, string, string, string];
    answers.push({ name: name.replace(/\.$/, ''), type, ttl: Number(ttl), data: type === 'TXT' ? joinTxt(data) : data.replace(/\.$/, '') });
  }
  return { rcode: status ?? (text.includes('connection timed out') || text.includes('no servers could be reached') ? 'TIMEOUT' : 'UNKNOWN'), answers };
}

/** `"a" "b"` → `ab`, as a TXT record's strings read joined. */
function joinTxt(data: string): string {
  const parts = [...data.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!.replace(/\\(.)/g, '$1'));
  return parts.length ? parts.join('') : data;
}
