/**
 * A DNS message that cannot be read. The server maps it to FORMERR when the header was
 * readable (RFC 8906 §3.1.1: answer what you can), and to silence when it was not.
 */
import { FlatlabError } from '../../config/diagnostics.js';

export class DnsFormatError extends FlatlabError {
  /** Byte offset in the message where reading failed. */
  readonly offset: number;

  constructor(message: string, offset: number) {
    super('dns.format-error', `malformed DNS message at byte ${offset}: ${message}`, {
      hint: 'the peer sent bytes that are not a valid RFC 1035 message; a server answers FORMERR',
    });
    this.offset = offset;
  }
}

/** A name or record we were asked to put on the wire that cannot be encoded. */
export class DnsEncodeError extends FlatlabError {
  constructor(message: string, hint = 'check the zone data for this record') {
    super('dns.encode-error', message, { hint });
  }
}
