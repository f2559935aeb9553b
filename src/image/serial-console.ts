/**
 * The VM's serial console on a unix socket (QEMU `-serial unix:PATH,server=on,wait=off`): lines
 * out, text in. The guest runs a root shell on ttyS0 (inittab), so `exec` runs a command between
 * two marker lines and reads its output and exit status; the supervisor's FLATRACOON-HEALTH lines
 * arrive on the same console and are told apart by their prefix.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { FlatlabError } from '../config/diagnostics.js';
import { HEALTH_LINE_PREFIX } from './guest-system.js';

export class ConsoleError extends FlatlabError {}

export interface HealthReport {
  version: string;
  slot: string;
  boot: string;
  healthy: boolean;
  slotGood: boolean;
  services: { name: string; state: string; healthy: boolean; pid?: string; restarts?: number }[];
  uptime: number;
}

export function parseHealthLine(line: string): HealthReport | undefined {
  const at = line.indexOf(HEALTH_LINE_PREFIX);
  if (at < 0) return undefined;
  try {
    return JSON.parse(line.slice(at + HEALTH_LINE_PREFIX.length)) as HealthReport;
  } catch {
    return undefined;
  }
}

type Waiter = { match: (line: string) => boolean; resolve: (line: string) => void };

export class SerialConsole {
  private socket: Socket | undefined;
  private partial = '';
  private waiters: Waiter[] = [];
  /** Every line seen, for reports and debugging (bounded). */
  readonly lines: string[] = [];
  private readonly onLine: ((line: string) => void) | undefined;

  constructor(private readonly path: string, opts: { onLine?: (line: string) => void } = {}) {
    this.onLine = opts.onLine;
  }

  /** Connect, retrying while QEMU has not created the socket yet. */
  async connect(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        this.socket = await new Promise<Socket>((resolve, reject) => {
          const s = connect(this.path);
          s.once('connect', () => resolve(s));
          s.once('error', reject);
        });
        break;
      } catch (err) {
        if (Date.now() > deadline) throw new ConsoleError('image.console.connect', `cannot connect to the serial console ${this.path}: ${(err as Error).message}`, { hint: 'is the VM running? its QEMU log is next to the socket' });
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    this.socket.setEncoding('latin1');
    this.socket.on('data', (chunk: string) => this.push(chunk));
    this.socket.on('error', () => undefined);
  }

  private push(chunk: string): void {
    this.partial += chunk;
    let nl: number;
    while ((nl = this.partial.indexOf('\n')) >= 0) {
      const line = this.partial.slice(0, nl).replace(/\r/g, '');
      this.partial = this.partial.slice(nl + 1);
      this.lines.push(line);
      if (this.lines.length > 5000) this.lines.splice(0, 1000);
      this.onLine?.(line);
      for (const w of [...this.waiters]) {
        if (w.match(line)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  }

  /** The next line (from now on) that matches, or a typed error after `timeoutMs`. */
  waitForLine(match: (line: string) => boolean, timeoutMs: number, what: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const w: Waiter = { match, resolve: (l) => { clearTimeout(timer); resolve(l); } };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        reject(new ConsoleError('image.console.timeout', `no ${what} on the serial console within ${timeoutMs / 1000} s; last lines: ${this.lines.slice(-5).join(' | ')}`, { hint: 'the VM may be slow (TCG) or failing to boot; read the whole console log' }));
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  /** The next health report satisfying `ok`. */
  async waitForHealth(ok: (h: HealthReport) => boolean, timeoutMs: number, what = 'healthy FLATRACOON-HEALTH line'): Promise<HealthReport> {
    const line = await this.waitForLine((l) => { const h = parseHealthLine(l); return h !== undefined && ok(h); }, timeoutMs, what);
    return parseHealthLine(line)!;
  }

  write(text: string): void {
    if (!this.socket) throw new ConsoleError('image.console.closed', `serial console ${this.path} is not connected`, { hint: 'call connect() first' });
    this.socket.write(text);
  }

  /** Run a shell command on the console's root shell; output and exit status. */
  async exec(command: string, timeoutMs = 30_000, signal?: AbortSignal): Promise<{ exitCode: number; stdout: string }> {
    const id = randomBytes(4).toString('hex');
    const begin = `FLATLAB-BEGIN-${id}`;
    const endPrefix = `FLATLAB-END-${id} `;
    const from = this.lines.length;
    const endPattern = new RegExp(`${endPrefix}(\\d+)$`);
    const ended = this.waitForLine((l) => endPattern.test(l), timeoutMs, `end of command "${command}"`);
    // A newline first ends whatever a previous user left half-typed; the guest's console loop
    // (guest-system.ts) does not echo or prompt, but markers are still found at line ends.
    this.write(`\necho ${begin}; ( ${command} ) 2>&1; echo "${endPrefix}$?"\n`);
    const aborted = new Promise<never>((_, reject) => {
      if (!signal) return;
      const stop = () => reject(new ConsoleError('image.console.aborted', `command "${command}" on the serial console was abandoned`, { hint: 'the guest may be rebooting; try again' }));
      if (signal.aborted) stop();
      else signal.addEventListener('abort', stop, { once: true });
    });
    aborted.catch(() => undefined);
    ended.catch(() => undefined);
    const endLine = await Promise.race([ended, aborted]);
    const seen = this.lines.slice(from);
    const start = seen.findIndex((l) => l.endsWith(begin));
    const end = seen.lastIndexOf(endLine);
    const body = start >= 0 ? seen.slice(start + 1, end) : [];
    const tail = endLine.slice(0, endLine.search(endPattern));
    if (tail) body.push(tail);
    return { exitCode: Number(endPattern.exec(endLine)![1]), stdout: body.filter((l) => !l.startsWith(HEALTH_LINE_PREFIX)).join('\n') };
  }

  close(): void {
    this.socket?.destroy();
    this.socket = undefined;
  }
}
