import { describe, expect, it } from 'vitest';
import { test as ftest, fc } from '@fast-check/vitest';
import { evaluateRules, frameFacts, ruleSchema, type FrameFacts, type Rule } from '../../src/zt/rules.js';

const none = new Map<number, number>();
const facts = (f: Partial<FrameFacts>): FrameFacts => ({ etherType: 0x0800, senderTags: none, receiverTags: none, ...f });

/** An Ethernet + IPv4 + TCP/UDP header with the given ports. */
function ipv4Frame(proto: number, sport: number, dport: number): Uint8Array {
  const f = new Uint8Array(14 + 20 + 8);
  const dv = new DataView(f.buffer);
  dv.setUint16(12, 0x0800);
  f[14] = 0x45;
  dv.setUint16(16, 28);
  f[23] = proto;
  dv.setUint16(34, sport);
  dv.setUint16(36, dport);
  return f;
}

describe('flow rules (ZeroTier rules engine subset)', () => {
  const blockTcp5001: Rule[] = [
    { type: 'MATCH_IP_PROTOCOL', ipProtocol: 6 },
    { type: 'MATCH_IP_DEST_PORT_RANGE', start: 5001, end: 5001 },
    { type: 'ACTION_DROP' },
    { type: 'ACTION_ACCEPT' },
  ];

  it('drops only what every match of the entry holds for', () => {
    expect(evaluateRules(blockTcp5001, facts({ ipProtocol: 6, destPort: 5001 }))).toBe('drop');
    expect(evaluateRules(blockTcp5001, facts({ ipProtocol: 17, destPort: 5001 }))).toBe('accept');
    expect(evaluateRules(blockTcp5001, facts({ ipProtocol: 6, destPort: 5002 }))).toBe('accept');
    expect(evaluateRules(blockTcp5001, facts({ etherType: 0x0806 }))).toBe('accept');
  });

  it('falling off the end drops; `not` negates; `or` joins', () => {
    expect(evaluateRules([], facts({}))).toBe('drop');
    const onlyIpv4OrArp: Rule[] = [
      { type: 'MATCH_ETHERTYPE', etherType: 0x0800, not: true },
      { type: 'MATCH_ETHERTYPE', etherType: 0x0806, not: true },
      { type: 'ACTION_DROP' },
      { type: 'ACTION_ACCEPT' },
    ];
    expect(evaluateRules(onlyIpv4OrArp, facts({ etherType: 0x86dd }))).toBe('drop');
    expect(evaluateRules(onlyIpv4OrArp, facts({ etherType: 0x0806 }))).toBe('accept');
    const tcpOrUdp: Rule[] = [
      { type: 'MATCH_IP_PROTOCOL', ipProtocol: 6 },
      { type: 'MATCH_IP_PROTOCOL', ipProtocol: 17, or: true },
      { type: 'ACTION_ACCEPT' },
    ];
    expect(evaluateRules(tcpOrUdp, facts({ ipProtocol: 17 }))).toBe('accept');
    expect(evaluateRules(tcpOrUdp, facts({ ipProtocol: 1 }))).toBe('drop');
  });

  it('tags: sender, receiver, and equal on both ends', () => {
    const r: Rule[] = [{ type: 'MATCH_TAGS_EQUAL', id: 1000, value: 0 }, { type: 'ACTION_ACCEPT' }];
    expect(evaluateRules(r, facts({ senderTags: new Map([[1000, 2]]), receiverTags: new Map([[1000, 2]]) }))).toBe('accept');
    expect(evaluateRules(r, facts({ senderTags: new Map([[1000, 2]]), receiverTags: new Map([[1000, 3]]) }))).toBe('drop');
    const s: Rule[] = [{ type: 'MATCH_TAG_SENDER', id: 7, value: 1 }, { type: 'ACTION_DROP' }, { type: 'ACTION_ACCEPT' }];
    expect(evaluateRules(s, facts({ senderTags: new Map([[7, 1]]) }))).toBe('drop');
    expect(evaluateRules(s, facts({ receiverTags: new Map([[7, 1]]) }))).toBe('accept');
  });

  it('reads ether type, protocol and ports from frames', () => {
    expect(frameFacts(ipv4Frame(6, 40000, 5001))).toEqual({ etherType: 0x0800, ipProtocol: 6, sourcePort: 40000, destPort: 5001 });
    expect(frameFacts(ipv4Frame(1, 0, 0))).toEqual({ etherType: 0x0800, ipProtocol: 1 });
    expect(frameFacts(new Uint8Array(5))).toEqual({ etherType: 0 });
  });

  it('the rule schema takes ZeroTier\'s JSON and rejects what it does not know', () => {
    expect(ruleSchema.safeParse({ type: 'MATCH_IP_DEST_PORT_RANGE', start: 1, end: 2 }).success).toBe(true);
    expect(ruleSchema.safeParse({ type: 'ACTION_TEE' }).success).toBe(false);
  });

  ftest.prop([fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 65535 })])('frameFacts and the port rule agree for any TCP/UDP frame', (proto, sport, dport) => {
    const f = frameFacts(ipv4Frame(proto, sport, dport));
    const v = evaluateRules(blockTcp5001, { ...f, senderTags: none, receiverTags: none });
    expect(v).toBe(proto === 6 && dport === 5001 ? 'drop' : 'accept');
  });

  ftest.prop([fc.uint8Array({ maxLength: 80 })])('frameFacts is total on arbitrary bytes', (bytes) => {
    expect(() => frameFacts(bytes)).not.toThrow();
  });
});
