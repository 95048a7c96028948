import type { Rtnl } from '../rtnl/rtnl.js';
import type { CaptureSink } from '../socket/netlink-socket.js';
import type { WalkEngine } from '../walk/index.js';
import type { CliIO } from './io.js';

/** Global options, parsed once, handed to every command. */
export interface CliContext {
  io: CliIO;
  netns?: string;
  json: boolean;
  pretty: boolean;
  details: boolean;
  /** -s given this many times (ip -s -s: 2). */
  stats: number;
  /** Numeric output (ip -N): protocol/scope/table as numbers. */
  numeric: boolean;
  family?: 4 | 6;
  timestamps: boolean;
  /** -o / -oneline: each object on one line, its line breaks written as '\\' (ip's _SL_). */
  oneline?: boolean;
  /** -c / -color: colour the text as ip does. */
  color?: boolean;
  /** -br / -brief: ip's one-line summary of links and addresses. */
  brief?: boolean;
  engine?: WalkEngine;
  /** Set by --pcap-out: every socket the command opens records its traffic here. */
  capture?: CaptureSink;
  /** An open Rtnl that commands use instead of opening their own (nlwire -batch shares one). */
  rtnl?: Rtnl;
}
