/**
 * `flatlab bgp …`: BGP tools. Each subcommand is one registering function in the list at the
 * end of this file: `decode` here; the control API clients (neighbors, rib, announce, withdraw,
 * reset, shutdown, enable, reload) in bgp-control.ts.
 *
 * `bgp decode <hex|@file>` prints one BGP message (with its 16-byte marker) as JSON; the
 * session knobs that change the wire format are flags.
 *
 * Exit codes: 0 decoded (an UPDATE the RFC 7606 rules survive counts: its attribute errors and
 * treat-as-withdraw are in the JSON and summarised on stderr, since no NOTIFICATION is sent); 1 the message is invalid: the NOTIFICATION we would send goes to stdout as JSON and
 * a one-line reason to stderr; 2 the argument is unusable (not hex, unreadable file, bad flag).
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../config/diagnostics.js';
import { didYouMean } from '../config/suggest.js';
import { BgpDecodeError, codecContext, decodeErrorJson, decodedMessageJson, decodeMessage, type Family } from '../bgp/wire/index.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import type { CliIO } from './io.js';
import { reportError } from './report-error.js';
import type { Verb } from './verb.js';
import { controlSubcommands, type BgpSubcommand } from './bgp-control.js';
import { replayCommand } from './bgp-replay.js';

const FAMILIES: readonly Family[] = ['ipv4-unicast', 'ipv6-unicast'];

export interface DecodeOptions {
  twoOctetAs?: boolean;
  addPath?: string;
  ibgp?: boolean;
  extendedMessage?: boolean;
}

const HEX_TEXT = /^(0x)?[0-9a-fA-F\s:]*$/;

function parseHex(text: string, where: string): Uint8Array {
  const clean = text.trim().replace(/^0x/i, '').replace(/[\s:]/g, '');
  if (clean.length === 0) throw new InputError('cli.bgp.empty', `${where} is empty`, { hint: 'give one BGP message as hex, starting with the 16 ff bytes of the marker' });
  if (!/^[0-9a-fA-F]*$/.test(clean)) {
    const bad = clean.search(/[^0-9a-fA-F]/);
    throw new InputError('cli.bgp.not-hex', `${where} is not hex: "${clean.slice(bad, bad + 1)}" at character ${bad + 1}`, { hint: 'give hex digits (spaces and colons are ignored), or @FILE for a file' });
  }
  if (clean.length % 2 !== 0) throw new InputError('cli.bgp.odd-hex', `${where} has an odd number of hex digits (${clean.length})`, { hint: 'every byte is two hex digits' });
  return Uint8Array.from(Buffer.from(clean, 'hex'));
}

/** `@file` holds hex text, or the raw message bytes when it is not hex text. */
async function readInput(arg: string, io: CliIO): Promise<Uint8Array> {
  if (!arg.startsWith('@')) return parseHex(arg, 'the argument');
  const path = resolve(io.cwd, arg.slice(1));
  let raw: Buffer;
  try {
    raw = await readFile(path);
  } catch (e) {
    throw new InputError('cli.bgp.unreadable', `cannot read ${arg.slice(1)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { hint: 'check the path; @FILE is relative to the current directory' });
  }
  const text = raw.toString('latin1');
  return HEX_TEXT.test(text) ? parseHex(text, arg.slice(1)) : Uint8Array.from(raw);
}

function parseFamilies(list: string | undefined): Set<Family> {
  const out = new Set<Family>();
  if (list === undefined) return out;
  for (const f of list.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (!(FAMILIES as readonly string[]).includes(f)) {
      throw new InputError('cli.bgp.family', `unknown address family "${f}" in --add-path${didYouMean(f, FAMILIES)}`, { hint: `families: ${FAMILIES.join(', ')}` });
    }
    out.add(f as Family);
  }
  return out;
}

export async function runBgpDecode(arg: string, opts: DecodeOptions, io: CliIO): Promise<number> {
  let bytes: Uint8Array;
  let addPath: Set<Family>;
  try {
    addPath = parseFamilies(opts.addPath);
    bytes = await readInput(arg, io);
  } catch (err) {
    reportError(io, err);
    return EXIT_USAGE;
  }
  const ctx = codecContext({ fourOctetAs: !opts.twoOctetAs, addPathReceive: addPath, addPathSend: addPath, ibgp: Boolean(opts.ibgp), extendedMessage: Boolean(opts.extendedMessage) });
  try {
    const d = decodeMessage(bytes, ctx);
    io.stdout(`${JSON.stringify(decodedMessageJson(d), null, 2)}\n`);
    if (d.length < bytes.length) io.stderr(`flatlab: warning: ${bytes.length - d.length} bytes after the message were ignored\n`);
    for (const e of d.errors) io.stderr(`flatlab: warning: ${e.name}: ${e.error.message} → ${e.disposition} (RFC 7606)\n`);
    return EXIT_OK;
  } catch (err) {
    if (!(err instanceof BgpDecodeError)) {
      reportError(io, err);
      return EXIT_USAGE;
    }
    io.stdout(`${JSON.stringify(decodeErrorJson(err), null, 2)}\n`);
    io.stderr(`flatlab: invalid BGP message: ${err.message} [${err.code}]; would send NOTIFICATION ${err.errorCode}/${err.errorSubcode}\n`);
    return EXIT_FAILED;
  }
}

export const decodeCommand: BgpSubcommand = (bgp, io, done) => {
  bgp
    .command('decode')
    .description('decode one BGP message (with its marker) to JSON; an invalid one exits 1 with the NOTIFICATION it would cause')
    .argument('<message>', 'the message as hex, or @FILE holding hex text or raw bytes')
    .option('--two-octet-as', 'the session did not negotiate 4-octet AS numbers (RFC 6793): AS_PATH has 2-byte ASNs, AS4_PATH is merged')
    .option('--add-path <families>', `ADD-PATH negotiated for these families (comma-separated: ${FAMILIES.join(', ')})`)
    .option('--ibgp', 'the peer is internal (LOCAL_PREF, ORIGINATOR_ID, CLUSTER_LIST are kept, RFC 7606 §7)')
    .option('--extended-message', 'RFC 8654 extended messages negotiated (up to 65535 bytes)')
    .action(async (arg: string, o: DecodeOptions) => {
      done(await runBgpDecode(arg, o, io));
    });
};

const subcommands: readonly BgpSubcommand[] = [decodeCommand, ...controlSubcommands, replayCommand];

export const bgpVerb: Verb = {
  name: 'bgp',
  register(program: Command, io: CliIO, done: (code: number) => void): void {
    const bgp = program.command('bgp').description('BGP tools: decode messages; replay an MRT RIB dump into a router; talk to a running flatlab bgpd (neighbors, rib, announce, withdraw, reset, shutdown, enable, reload, mrt-dump)');
    for (const register of subcommands) register(bgp, io, done);
  },
};
