/** dns-packet's decoder as an independent reader of our responses, with a loose result type. */
import packet from 'dns-packet';

export interface LooseRecord {
  name: string;
  type: string;
  class?: string;
  ttl?: number;
  data?: unknown;
  [k: string]: unknown;
}

export interface LooseMessage {
  id: number;
  rcode: string;
  opcode: string;
  flag_aa: boolean;
  flag_tc: boolean;
  flag_rd: boolean;
  flag_ra: boolean;
  questions?: LooseRecord[];
  answers?: LooseRecord[];
  authorities?: LooseRecord[];
  additionals?: LooseRecord[];
}

export function decodeResponse(bytes: Buffer): LooseMessage {
  return packet.decode(bytes) as unknown as LooseMessage;
}
