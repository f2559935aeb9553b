/**
 * Flow rules: the subset of ZeroTier's rules engine the lab uses, in the JSON shape its
 * controller API takes (`rules: [{ type: "MATCH_…", not?, or?, … }, { type: "ACTION_…" }]`),
 * so the same list goes to a real controller in containerlab.
 *
 * Evaluation follows ZeroTier's (node/Network.cpp `_doZtFilter`): match entries accumulate
 * into one condition (AND by default, OR when an entry sets `or`, each negated by `not`); an
 * action entry applies when the condition so far holds, otherwise the condition resets and
 * evaluation goes on. Falling off the end drops the frame. ZeroTier runs the rules on both the
 * sender and the receiver; so does flatlab's overlay.
 */
import { z } from 'zod';

const flags = { not: z.boolean().optional(), or: z.boolean().optional() };

export const ruleSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ACTION_ACCEPT') }),
  z.strictObject({ type: z.literal('ACTION_DROP') }),
  z.strictObject({ type: z.literal('MATCH_ETHERTYPE'), etherType: z.number().int().min(0).max(0xffff), ...flags }),
  z.strictObject({ type: z.literal('MATCH_IP_PROTOCOL'), ipProtocol: z.number().int().min(0).max(255), ...flags }),
  z.strictObject({ type: z.literal('MATCH_IP_DEST_PORT_RANGE'), start: z.number().int().min(0).max(65535), end: z.number().int().min(0).max(65535), ...flags }),
  z.strictObject({ type: z.literal('MATCH_IP_SOURCE_PORT_RANGE'), start: z.number().int().min(0).max(65535), end: z.number().int().min(0).max(65535), ...flags }),
  z.strictObject({ type: z.literal('MATCH_TAGS_EQUAL'), id: z.number().int().min(0), value: z.number().int().min(0), ...flags }),
  z.strictObject({ type: z.literal('MATCH_TAG_SENDER'), id: z.number().int().min(0), value: z.number().int().min(0), ...flags }),
  z.strictObject({ type: z.literal('MATCH_TAG_RECEIVER'), id: z.number().int().min(0), value: z.number().int().min(0), ...flags }),
]);
export type Rule = z.infer<typeof ruleSchema>;

/** ZeroTier's default rule set for a new network: accept everything. */
export const DEFAULT_RULES: readonly Rule[] = [{ type: 'ACTION_ACCEPT' }];

/** What the rules look at in one frame. */
export interface FrameFacts {
  etherType: number;
  ipProtocol?: number;
  sourcePort?: number;
  destPort?: number;
  /** Tags (id → value) of the sending and the receiving member. */
  senderTags: ReadonlyMap<number, number>;
  receiverTags: ReadonlyMap<number, number>;
}

export type Verdict = 'accept' | 'drop';

function matches(rule: Exclude<Rule, { type: 'ACTION_ACCEPT' | 'ACTION_DROP' }>, f: FrameFacts): boolean {
  switch (rule.type) {
    case 'MATCH_ETHERTYPE':
      return f.etherType === rule.etherType;
    case 'MATCH_IP_PROTOCOL':
      return f.ipProtocol === rule.ipProtocol;
    case 'MATCH_IP_DEST_PORT_RANGE':
      return f.destPort !== undefined && f.destPort >= rule.start && f.destPort <= rule.end;
    case 'MATCH_IP_SOURCE_PORT_RANGE':
      return f.sourcePort !== undefined && f.sourcePort >= rule.start && f.sourcePort <= rule.end;
    case 'MATCH_TAGS_EQUAL': {
      const a = f.senderTags.get(rule.id);
      return a !== undefined && a === f.receiverTags.get(rule.id);
    }
    case 'MATCH_TAG_SENDER':
      return f.senderTags.get(rule.id) === rule.value;
    case 'MATCH_TAG_RECEIVER':
      return f.receiverTags.get(rule.id) === rule.value;
  }
}

export function evaluateRules(rules: readonly Rule[], f: FrameFacts): Verdict {
  let condition: boolean | undefined;
  for (const rule of rules) {
    if (rule.type === 'ACTION_ACCEPT' || rule.type === 'ACTION_DROP') {
      if (condition ?? true) return rule.type === 'ACTION_ACCEPT' ? 'accept' : 'drop';
      condition = undefined;
      continue;
    }
    const m = matches(rule, f) !== (rule.not ?? false);
    condition = condition === undefined ? m : rule.or ? condition || m : condition && m;
  }
  return 'drop';
}

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = 0x8100;

/** Ether type, IP protocol and ports of an Ethernet frame; fields the frame does not have stay undefined. */
export function frameFacts(frame: Uint8Array): { etherType: number; ipProtocol?: number; sourcePort?: number; destPort?: number } {
  if (frame.length < 14) return { etherType: 0 };
  const dv = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  let off = 12;
  let etherType = dv.getUint16(off);
  if (etherType === ETHERTYPE_VLAN && frame.length >= 18) {
    off += 4;
    etherType = dv.getUint16(off);
  }
  off += 2;
  let proto: number | undefined;
  let l4: number | undefined;
  if (etherType === ETHERTYPE_IPV4 && frame.length >= off + 20) {
    const ihl = (frame[off]! & 0x0f) * 4;
    proto = frame[off + 9]!;
    const fragOffset = dv.getUint16(off + 6) & 0x1fff;
    if (fragOffset === 0) l4 = off + ihl;
  } else if (etherType === ETHERTYPE_IPV6 && frame.length >= off + 40) {
    proto = frame[off + 6]!;
    l4 = off + 40;
  }
  const out: { etherType: number; ipProtocol?: number; sourcePort?: number; destPort?: number } = { etherType };
  if (proto !== undefined) out.ipProtocol = proto;
  // TCP, UDP, SCTP carry the ports in their first four bytes.
  if (proto !== undefined && (proto === 6 || proto === 17 || proto === 132) && l4 !== undefined && frame.length >= l4 + 4) {
    out.sourcePort = dv.getUint16(l4);
    out.destPort = dv.getUint16(l4 + 2);
  }
  return out;
}
