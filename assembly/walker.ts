// Netlink walker: indexes messages and (nested) attributes of a buffer in linear memory.
// Same algorithm and output as src/walk/ts-walker.ts; the format is documented in
// src/walk/format.ts. Memory layout is owned by the JS side: every area is passed in.
//
// No recursion and no separate stack: the resume offset of the innermost nested attribute
// lives in a local, and the attribute table already holds every entry's offset, length and
// parent, so leaving a deeper level reads the enclosing attribute back from the table.
// The caller sizes the areas: msgCap * 20 and attrCap * 16 bytes must fit in memory.

// Status codes (WalkStatus in src/walk/format.ts).
const OK: u32 = 0;
const MSG_TRUNCATED: u32 = 1;
const MSG_BAD_LENGTH: u32 = 2;
const MSG_SHORT_FOR_HEADER: u32 = 3;
const ATTR_TRUNCATED: u32 = 4;
const ATTR_BAD_LENGTH: u32 = 5;
const DEPTH: u32 = 6;
const CAPACITY: u32 = 7;

const NO_INDEX: u32 = 0xffffffff;
const SKIP_ATTRS: u32 = 0xff;
const NLA_F_NESTED: u32 = 0x8000;
const NLMSG_MIN_TYPE: u32 = 0x10;

// @ts-ignore: decorator
@inline function align4(n: u32): u32 {
  return (n + 3) & ~3;
}

export function walk(
  base: usize,
  len: u32,
  hdrTable: usize,
  maxDepth: u32,
  msgOut: usize,
  msgCap: u32,
  attrOut: usize,
  attrCap: u32,
  result: usize,
): u32 {
  let off: u32 = 0;
  let status: u32 = OK;
  let errorOffset: u32 = 0;
  // Entry pointers instead of counters: fewer live values keep the hot loop in registers.
  let msgEntry = msgOut;
  const msgLimit = msgOut + <usize>msgCap * 20;
  let attrEntry = attrOut;
  const attrLimit = attrOut + (<usize>attrCap << 4);

  while (off < len) {
    const remaining = len - off;
    if (remaining < 16) {
      status = MSG_TRUNCATED;
      errorOffset = off;
      break;
    }
    const msgPtr = base + <usize>off;
    const nlmsgLen = load<u32>(msgPtr);
    if (nlmsgLen < 16 || nlmsgLen > remaining) {
      status = MSG_BAD_LENGTH;
      errorOffset = off;
      break;
    }
    if (msgEntry >= msgLimit) {
      status = CAPACITY;
      errorOffset = off;
      break;
    }
    const typeFlags = load<u32>(msgPtr, 4);
    const msgType = typeFlags & 0xffff;
    const firstEntry = attrEntry;

    if (msgType >= NLMSG_MIN_TYPE) {
      const hdrSize = <u32>load<u8>(hdrTable + <usize>msgType);
      if (hdrSize != SKIP_ATTRS) {
        if (nlmsgLen - 16 < hdrSize) {
          status = MSG_SHORT_FOR_HEADER;
          errorOffset = off;
          break;
        }
        let at = off + 16 + align4(hdrSize);
        let end = off + nlmsgLen; // end of the attribute area being walked
        // The entry's last two words (parent, depth) as one u64: one register, one store.
        let parentDepth: u64 = <u64>NO_INDEX;
        let resumeAt: u32 = 0; // where the current nested parent's next sibling starts
        // One compare covers both limits: below maxDepth it is the table end; past
        // maxDepth it is 0, so the next attribute fails and the slow path tells which.
        let limit = attrLimit;

        while (true) {
          // Signed: an aligned step may overshoot an unaligned end by 1..3 bytes.
          const areaLeft = <i32>(end - at);
          if (areaLeft < 4) {
            if (areaLeft > 0) {
              status = ATTR_TRUNCATED;
              break;
            }
            // The area is done.
            if (parentDepth == <u64>NO_INDEX) break;
            // Leave the nested attribute: continue after it, inside its parent's area.
            at = resumeAt;
            const depth = <u32>(parentDepth >> 32) - 1;
            limit = depth > maxDepth ? 0 : attrLimit;
            if (depth == 0) {
              // Back at top level: everything is known without touching memory.
              parentDepth = <u64>NO_INDEX;
              end = off + nlmsgLen;
            } else {
              // Deeper: the table holds the enclosing attribute's extent and parent.
              const parent = load<u32>(attrOut + (<usize>(<u32>parentDepth) << 4), 8);
              parentDepth = <u64>parent | (<u64>depth << 32);
              const enclosing = attrOut + (<usize>parent << 4);
              const enclosingAt = load<u32>(enclosing);
              const enclosingLen = load<u32>(enclosing, 4) & 0xffff;
              end = enclosingAt + enclosingLen;
              resumeAt = enclosingAt + align4(enclosingLen);
            }
            continue;
          }
          // nla_len | nla_type << 16 is exactly the entry's second word.
          const lenType = load<u32>(base + <usize>at);
          const nlaLen = <i32>(lenType & 0xffff);
          // One branch for both: negative when nla_len < 4 or nla_len > areaLeft.
          if (((nlaLen - 4) | (areaLeft - nlaLen)) < 0) {
            status = nlaLen < 4 ? ATTR_BAD_LENGTH : ATTR_TRUNCATED;
            break;
          }
          if (attrEntry >= limit) {
            status = <u32>(parentDepth >> 32) > maxDepth ? DEPTH : CAPACITY;
            break;
          }
          store<u32>(attrEntry, at);
          store<u32>(attrEntry, lenType, 4);
          store<u64>(attrEntry, parentDepth, 8);
          if (lenType & (NLA_F_NESTED << 16)) {
            const depth = <u32>(parentDepth >> 32) + 1;
            parentDepth = <u64>((attrEntry - attrOut) >> 4) | (<u64>depth << 32);
            if (depth > maxDepth) limit = 0;
            resumeAt = at + align4(<u32>nlaLen);
            end = at + <u32>nlaLen;
            at += 4;
          } else {
            at += align4(<u32>nlaLen);
          }
          attrEntry += 16;
        }
        if (status != OK) {
          // CAPACITY stops at the start of the message so the caller can resume there.
          errorOffset = status == CAPACITY ? off : at;
          attrEntry = firstEntry;
          break;
        }
      }
    }

    store<u32>(msgEntry, off);
    store<u32>(msgEntry, nlmsgLen, 4);
    store<u32>(msgEntry, typeFlags, 8);
    store<u32>(msgEntry, <u32>((firstEntry - attrOut) >> 4), 12);
    store<u32>(msgEntry, <u32>((attrEntry - firstEntry) >> 4), 16);
    msgEntry += 20;
    off += align4(nlmsgLen);
  }

  const msgCount = <u32>((msgEntry - msgOut) / 20);
  store<u32>(result, status);
  store<u32>(result, errorOffset, 4);
  store<u32>(result, msgCount, 8);
  store<u32>(result, <u32>((attrEntry - attrOut) >> 4), 12);
  store<u32>(result, status == OK ? len : off, 16);
  store<u32>(result, status == OK ? NO_INDEX : msgCount, 20);
  return status;
}

export { extract } from './extract';
