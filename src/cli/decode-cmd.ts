// nlwire decode: bytes from anywhere (hex, pcap, stdin) to readable text or JSON.
import { readFileSync } from 'node:fs';
import { protocolNumber, type ProtocolName } from '../core/constants.js';
import { DecodeError } from '../core/errors.js';
import { parseHex } from '../core/hex.js';
import '../families/registry.js';
import { decode } from '../decode.js';
import { readPcap } from '../pcap/pcap.js';
import type { WalkEngine } from '../walk/index.js';
import { messageJson, messageText, stringify } from './format.js';
import { UsageError, type CliIO } from './io.js';

export const DECODE_HELP = `Usage: nlwire decode [--protocol route|generic|netfilter|sock_diag|N] [--engine wasm|js] [-j [-p]]
                     (--hex HEX | --pcap FILE | --file FILE | -)

Decodes netlink messages from hex text, a pcap/pcapng capture (LINKTYPE_NETLINK), a binary
file, or hex on standard input ('-'). Bad bytes exit with status 1 and the byte offset.

Examples:
  nlwire decode --hex 1400000003000200010000000000000000000000
  nlwire decode --pcap capture.pcap -j
  xxd -p dump.bin | nlwire decode -
`;

export async function decodeCommand(args: string[], io: CliIO, json: boolean, pretty: boolean, engine?: WalkEngine): Promise<number> {
  let protocol: ProtocolName | number = 'route';
  const inputs: Array<{ kind: 'hex' | 'pcap' | 'file' | 'stdin'; value: string }> = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const val = (): string => {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    switch (a) {
      case '--protocol': { const v = val(); protocol = /^\d+$/.test(v) ? Number(v) : (v as ProtocolName); protocolNumber(protocol); break; }
      case '--engine': { const v = val(); if (v !== 'wasm' && v !== 'js') throw new UsageError(`--engine is wasm or js, not '${v}'`); engine = v; break; }
      case '--hex': inputs.push({ kind: 'hex', value: val() }); break;
      case '--pcap': inputs.push({ kind: 'pcap', value: val() }); break;
      case '--file': inputs.push({ kind: 'file', value: val() }); break;
      case '-': inputs.push({ kind: 'stdin', value: '' }); break;
      case '-j': case '--json': json = true; break;
      case '-p': case '--pretty': pretty = true; break;
      default: throw new UsageError(`decode: unknown argument '${a}' (see nlwire decode --help)`);
    }
  }
  if (inputs.length === 0) throw new UsageError('decode: give --hex HEX, --pcap FILE, --file FILE or - (see nlwire decode --help)');
  const opts = (p: ProtocolName | number) => (engine ? { protocol: p, engine } : { protocol: p });
  const emit = (bytes: Uint8Array, p: number | ProtocolName, where: string): void => {
    try {
      for (const m of decode(bytes, opts(p))) {
        io.stdout(json ? stringify(messageJson(m, protocolNumber(p)), pretty) + '\n' : messageText(m) + '\n');
      }
    } catch (e) {
      if (e instanceof DecodeError) throw new DecodeError(e.reason, e.offset, `${where}: ${e.message.replace(/ at byte offset \d+$/, '')}`);
      throw e;
    }
  };
  for (const input of inputs) {
    if (input.kind === 'pcap') {
      const cap = readPcap(new Uint8Array(readFileSync(input.value)));
      cap.records.forEach((r, i) => emit(r.data, r.protocol, `${input.value} record ${i + 1}`));
    } else if (input.kind === 'file') {
      emit(new Uint8Array(readFileSync(input.value)), protocol, input.value);
    } else {
      const text = input.kind === 'hex' ? input.value : new TextDecoder().decode(await io.readStdin());
      // One buffer per line when several lines are given (as recv() buffers are usually logged).
      const lines = input.kind === 'stdin' && text.includes('\n') && !/[^0-9a-fA-F\s]/.test(text) && text.trim().split('\n').every((l) => l.trim().length % 2 === 0 && l.trim().length >= 32)
        ? text.trim().split('\n') : [text];
      lines.forEach((l, i) => emit(parseHex(l), protocol, lines.length > 1 ? `line ${i + 1}` : 'input'));
    }
  }
  return 0;
}
