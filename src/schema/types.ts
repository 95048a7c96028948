// Declarations as data, in the spirit of the kernel's YNL specs: attribute sets, structs (fixed
// headers), enums, flag sets, nests, multi-attrs, indexed arrays, sub-messages. The engine
// (engine.ts) turns them into decoders and builders; the types below turn them into TS types.

/** Integer types that decode to a number. */
export type IntType = 'u8' | 'u16' | 'u32' | 's8' | 's16' | 's32';
/** Integer types that decode to a bigint (64-bit, and the kernel's variable-width NLA_UINT/NLA_SINT). */
export type BigIntType = 'u64' | 's64' | 'uint' | 'sint';
/** Every integer type an attribute or array item can have. */
export type ScalarType = IntType | BigIntType;

/** Named values of an enum (e.g. route scopes). */
export interface EnumDef<V extends Record<string, number> = Record<string, number>> {
  readonly kind: 'enum';
  readonly name: string;
  readonly values: V;
  readonly byValue: ReadonlyMap<number, string>;
}
/** Named bits of a flag set (e.g. IFF_UP). */
export interface FlagsDef<V extends Record<string, number> = Record<string, number>> {
  readonly kind: 'flags';
  readonly name: string;
  readonly values: V;
}

/** Types of a fixed struct's fields ('pad' is skipped when decoding, zeroed when encoding). */
export type StructFieldType = IntType | BigIntType | 'pad' | 'ipv4' | 'ipv6' | 'mac' | 'binary';
/** One field of a fixed struct (a family header such as ifinfomsg). */
export interface StructField {
  readonly name: string;
  readonly type: StructFieldType;
  /** Byte length for 'pad', 'binary', 'mac' (default 6). */
  readonly len?: number;
  readonly byteOrder?: 'big-endian';
  readonly enum?: EnumDef;
  readonly flags?: FlagsDef;
  readonly doc?: string;
}

/** A fixed C struct (a family header such as ifinfomsg, or a struct attribute payload). */
export interface StructDef<F extends readonly StructField[] = readonly StructField[]> {
  readonly kind: 'struct';
  readonly name: string;
  readonly fields: F;
  /** sizeof the struct. */
  readonly size: number;
}

/** Decodes/encodes a value the declaration language cannot express (RTA_MULTIPATH, RTA_VIA...). */
export interface ValueCodec<T> {
  readonly name: string;
  /** The value of an attribute's payload; throws DecodeError for a malformed one. */
  decode(payload: Uint8Array, ctx: CodecContext): T;
  /** Size of the payload `value` encodes to. */
  byteLength(value: T): number;
  /** Writes the payload at `offset`; returns the offset after it. */
  encodeInto(value: T, view: DataView, offset: number): number;
}
/** What a custom codec is told while decoding. */
export interface CodecContext {
  /** Absolute offset of the payload in the buffer being decoded (for DecodeError offsets). */
  offset: number;
  /** The decoded family header of the enclosing message, when there is one. */
  fixedHeader?: Readonly<Record<string, unknown>>;
}

interface AttrCommon {
  readonly id: number;
  /** The attribute may repeat; the decoded value is an array. */
  readonly multi?: boolean;
  readonly doc?: string;
}
/** An integer attribute, optionally with enum or flags names for its values. */
export interface IntAttr extends AttrCommon {
  readonly type: IntType;
  readonly byteOrder?: 'big-endian';
  readonly enum?: EnumDef;
  readonly flags?: FlagsDef;
}
/** A 64-bit (or variable-width) integer attribute: decodes to bigint. */
export interface BigIntAttr extends AttrCommon {
  readonly type: BigIntType;
  readonly byteOrder?: 'big-endian';
}
/** A string attribute (NUL-terminated or not; decoding stops at the first NUL). */
export interface StringAttr extends AttrCommon { readonly type: 'string' }
/** An opaque attribute: decodes to its bytes. */
export interface BinaryAttr extends AttrCommon { readonly type: 'binary' }
/** A flag attribute: no payload, decodes to true when present. */
export interface FlagAttr extends AttrCommon { readonly type: 'flag' }
/** 'ip' is 4 or 16 bytes, decided by length (family-dependent attributes such as RTA_DST). */
export interface AddressAttr extends AttrCommon { readonly type: 'ipv4' | 'ipv6' | 'ip' | 'mac' }
/** NLA_BITFIELD32: a value and a selector of the bits that count. */
export interface Bitfield32Attr extends AttrCommon { readonly type: 'bitfield32' }
/** An attribute set, or a function returning one (for sets that nest each other). */
export type AttrSetRef = AttrSet | (() => AttrSet);
/** A nested attribute: its payload is an attribute list of another set. */
export interface NestAttr extends AttrCommon {
  readonly type: 'nest';
  readonly set: AttrSetRef;
  /** A fixed struct before the nested attributes (VETH_INFO_PEER carries an ifinfomsg). */
  readonly header?: StructDef;
}
/** A nest whose attributes are array elements numbered by their type (IFLA_VF_LIST, ...). */
export interface IndexedArrayAttr extends AttrCommon {
  readonly type: 'indexed-array';
  /** Each element is a nest of this set, or a scalar of this type. */
  readonly item: AttrSetRef | ScalarType;
  /** The type number of the first element when building (the kernel uses 0 or 1). */
  readonly indexBase?: number;
}
/** An attribute whose format depends on another value (IFLA_INFO_DATA depends on IFLA_INFO_KIND). */
export interface SubMessageAttr extends AttrCommon {
  readonly type: 'sub-message';
  /** Key of the sibling attribute whose value picks the format (IFLA_INFO_KIND for IFLA_INFO_DATA). */
  readonly selector: string;
  /**
   * 'header': `selector` names a field of the enclosing message's fixed header instead of a sibling
   * (IFLA_AF_SPEC and IFLA_PROTINFO are laid out by ifi_family).
   */
  readonly selectorIn?: 'header';
  readonly formats: Readonly<Record<string, AttrSetRef | StructDef>>;
}
/** An attribute whose payload is a fixed struct (rtnl_link_stats64, ...). */
export interface StructAttr extends AttrCommon { readonly type: 'struct'; readonly struct: StructDef }
/** A packed array of scalars (IFLA_INET_CONF is u32[]). */
export interface ArrayAttr extends AttrCommon { readonly type: 'array'; readonly item: ScalarType }
/** An attribute decoded and encoded by hand-written code. */
export interface CustomAttr<T = unknown> extends AttrCommon { readonly type: 'custom'; readonly codec: ValueCodec<T> }

/** Any attribute declaration. */
export type AttrDef =
  | IntAttr | BigIntAttr | StringAttr | BinaryAttr | FlagAttr | AddressAttr | Bitfield32Attr
  | NestAttr | IndexedArrayAttr | SubMessageAttr | StructAttr | ArrayAttr | CustomAttr<unknown>;

/** An attribute set's declarations, by attribute name. */
export type AttrDefs = Readonly<Record<string, AttrDef>>;

/** A named attribute set. */
export interface AttrSet<A extends AttrDefs = AttrDefs> {
  readonly kind: 'attr-set';
  readonly name: string;
  readonly attrs: A;
}

/** An attribute the declaration does not know (or a repeat of a single-valued one): kept as is. */
export interface UnknownAttr {
  /** Raw nla_type, flag bits included. */
  type: number;
  data: Uint8Array;
}

// ---- TS types derived from declarations ------------------------------------------------------

type Resolve<S> = S extends () => infer R ? R : S;
type SetAttrs<S> = Resolve<S> extends AttrSet<infer A> ? A : never;

/** The decoded value of a struct declaration: one property per field (pads left out). */
export type StructValue<S> = S extends StructDef<infer F>
  ? { -readonly [E in F[number] as E extends { type: 'pad' } ? never : E['name']]: FieldValue<E> }
  : never;
type FieldValue<E> = E extends { type: IntType } ? number
  : E extends { type: BigIntType } ? bigint
  : E extends { type: 'ipv4' | 'ipv6' | 'mac' } ? string
  : Uint8Array;

/** The decoded value of a bitfield32 attribute. */
export interface Bitfield32 { value: number; selector: number }

/** The decoded value of one attribute. */
export type AttrValue<D> =
  D extends { type: IntType } ? number
  : D extends { type: BigIntType } ? bigint
  : D extends { type: 'string' | 'ipv4' | 'ipv6' | 'ip' | 'mac' } ? string
  : D extends { type: 'binary' } ? Uint8Array
  : D extends { type: 'flag' } ? true
  : D extends { type: 'bitfield32' } ? Bitfield32
  : D extends { type: 'nest'; header: infer H; set: infer S } ? (H extends StructDef ? { header: StructValue<H>; attrs: Decoded<SetAttrs<S>> } : Decoded<SetAttrs<S>>)
  : D extends { type: 'nest'; set: infer S } ? Decoded<SetAttrs<S>>
  : D extends { type: 'indexed-array'; item: infer I } ? Array<I extends ScalarType ? (I extends IntType ? number : bigint) : Decoded<SetAttrs<I>>>
  : D extends { type: 'sub-message'; formats: infer F } ? SubMessageValue<F>
  : D extends { type: 'struct'; struct: infer S } ? StructValue<S>
  : D extends { type: 'array'; item: infer I } ? Array<I extends IntType ? number : bigint>
  : D extends { type: 'custom'; codec: ValueCodec<infer T> } ? T
  : never;

type SubMessageValue<F> = {
  [K in keyof F]: F[K] extends StructDef ? StructValue<F[K]> : Decoded<SetAttrs<F[K]>>
}[keyof F] | Uint8Array;

/** The decoded form of an attribute set: one optional key per declared attribute. */
export type Decoded<A> = {
  -readonly [K in keyof A]?: A[K] extends { multi: true } ? AttrValue<A[K]>[] : AttrValue<A[K]>
} & { unknown?: UnknownAttr[] };

/** Decoded<typeof someSet> for an AttrSet value. */
export type DecodedSet<S> = Decoded<SetAttrs<S>>;
