/**
 * The Maps the checked program's tables use when keyed by AST node. Both behave as a Map — same
 * entries, insertion order, get / set / has / delete / clear — and keep the insertion order in
 * fixed-size chunks.
 *
 * SlotMap (symbols, calls: the two large tables) keeps each entry's index in a field of the key
 * node (see the class comment). NodeMap (constants, the checker's own feature table: any node kind,
 * a few thousand entries) keeps its entries in many small Maps, one per KiB of each file's text (a
 * node's shard is found from its file and start offset).
 *
 * Why not one Map: a 10k-line strategy has ~31k symbol entries. A single Map that large
 * reallocates its hash table several times on the way, each time in V8's large-object space
 * (fresh, unfaulted memory) and rehashing everything; inserts into it cost ~10× those into a Map
 * of a few hundred entries, and the checker spent about a quarter of its time there. Small shards
 * stay in the young generation while they grow, and a lookup touches one small table.
 */
import type { Located } from "../../grammar/index.js";

/** log2 of the text length (in UTF-16 units) one shard covers. */
const SHARD_BITS = 10;
/** log2 of the entries per chunk of an insertion-order log. */
const CHUNK_BITS = 10;
/** Keys per chunk of an insertion-order log. */
const CHUNK = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK - 1;

/** A Map keyed by located objects (AST nodes); see the file comment. */
export class NodeMap<K extends Located, V> implements Map<K, V> {
  /** shards[file][start >>> SHARD_BITS]: the entries of nodes starting in that KiB of the file. */
  private readonly shards: Array<Array<Map<K, V> | undefined> | undefined> = [];
  /** Keys in insertion order, CHUNK per array (made at full size); deleted keys leave `undefined`. */
  private readonly order: Array<Array<K | undefined>> = [];
  /** Keys written to `order` (including deleted ones). */
  private logged = 0;
  private live = 0;

  get size(): number {
    return this.live;
  }

  get [Symbol.toStringTag](): string {
    return "NodeMap";
  }

  get(key: K): V | undefined {
    return this.shardOf(key, false)?.get(key);
  }

  has(key: K): boolean {
    return this.shardOf(key, false)?.has(key) === true;
  }

  set(key: K, value: V): this {
    const shard = this.shardOf(key, true)!;
    const size = shard.size;
    shard.set(key, value);
    if (shard.size !== size) {
      const at = this.logged++;
      const slot = at % CHUNK;
      if (slot === 0) this.order.push(new Array<K | undefined>(CHUNK).fill(undefined));
      this.order[this.order.length - 1]![slot] = key;
      this.live++;
    }
    return this;
  }

  delete(key: K): boolean {
    const shard = this.shardOf(key, false);
    if (shard === undefined || !shard.delete(key)) return false;
    this.live--;
    for (const chunk of this.order) {
      const i = chunk.indexOf(key);
      if (i >= 0) {
        chunk[i] = undefined;
        break;
      }
    }
    return true;
  }

  clear(): void {
    this.shards.length = 0;
    this.order.length = 0;
    this.logged = 0;
    this.live = 0;
  }

  forEach(callback: (value: V, key: K, map: Map<K, V>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.entries()) callback.call(thisArg, v, k, this);
  }

  *entries(): MapIterator<[K, V]> {
    for (const k of this.keys()) yield [k, this.shardOf(k, false)!.get(k)!];
    return undefined;
  }

  /** Keys in insertion order (chunks are filled in order; unused and deleted slots hold undefined). */
  *keys(): MapIterator<K> {
    for (const chunk of this.order) {
      for (let i = 0; i < CHUNK; i++) {
        const k = chunk[i];
        if (k !== undefined) yield k;
      }
    }
    return undefined;
  }

  *values(): MapIterator<V> {
    for (const k of this.keys()) yield this.shardOf(k, false)!.get(k)!;
    return undefined;
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  /** The shard of `key` (created when `create`); undefined for a key that is not a node. */
  private shardOf(key: K, create: boolean): Map<K, V> | undefined {
    const at = key as Partial<Located> | undefined;
    if (at?.file === undefined || at.start === undefined) return undefined;
    let file = this.shards[at.file];
    if (file === undefined) {
      if (!create) return undefined;
      while (this.shards.length <= at.file) this.shards.push(undefined);
      file = this.shards[at.file] = [];
    }
    const i = at.start >>> SHARD_BITS;
    if (i >= file.length) {
      if (!create) return undefined;
      while (file.length <= i) file.push(undefined); // dense, never a sparse (dictionary) array
    }
    let shard = file[i];
    if (shard === undefined && create) shard = file[i] = new Map();
    return shard;
  }
}

/** The node fields a SlotMap can keep its entry index in (grammar/ast.ts SymbolSlot, CallExpr). */
export type SlotName = "checkedSymbol" | "checkedCall";

/**
 * SlotMap: a Map keyed by AST node whose entry index lives in a field of the node itself
 * (`checkedSymbol` for the symbol table, `checkedCall` for the call table), with the keys and
 * values in insertion order in fixed-size chunks. get / has / set are a field read and an array
 * access: no hashing, and no hash table that regrows and survives (a 10k-line strategy has ~31k
 * symbol and ~11k call entries; as Maps they were ~15% of what a parse + check allocates).
 *
 * The slot holds an index, never the value: a symbol or a resolved call points back at nodes, and
 * the tree must stay acyclic (tools and tests JSON.stringify it). An index is trusted only when
 * this map's key at that index is the node itself, so a slot left by another map (another checked
 * program over the same tree, or an entry since deleted) reads as absent. A node whose kind has
 * no such field never gets an entry through the checker; `set` on one still works (the field is
 * added).
 */
export class SlotMap<K extends object, V> implements Map<K, V> {
  /** keys[i >>> CHUNK_BITS][i & CHUNK_MASK]: the key of entry i (undefined once deleted). */
  private readonly keyChunks: Array<Array<K | undefined>> = [];
  private readonly valueChunks: Array<Array<V | undefined>> = [];
  /** Entries written (including deleted ones): the next entry's index. */
  private logged = 0;
  private live = 0;

  constructor(private readonly slot: SlotName) {}

  get size(): number {
    return this.live;
  }

  get [Symbol.toStringTag](): string {
    return "SlotMap";
  }

  get(key: K): V | undefined {
    const i = this.indexOf(key);
    return i < 0 ? undefined : this.valueChunks[i >>> CHUNK_BITS]![i & CHUNK_MASK];
  }

  has(key: K): boolean {
    return this.indexOf(key) >= 0;
  }

  set(key: K, value: V): this {
    const i = this.indexOf(key);
    if (i >= 0) {
      this.valueChunks[i >>> CHUNK_BITS]![i & CHUNK_MASK] = value;
      return this;
    }
    const at = this.logged++;
    const slot = at & CHUNK_MASK;
    if (slot === 0) {
      this.keyChunks.push(new Array<K | undefined>(CHUNK).fill(undefined));
      this.valueChunks.push(new Array<V | undefined>(CHUNK).fill(undefined));
    }
    this.keyChunks[this.keyChunks.length - 1]![slot] = key;
    this.valueChunks[this.valueChunks.length - 1]![slot] = value;
    (key as Record<SlotName, number | undefined>)[this.slot] = at;
    this.live++;
    return this;
  }

  delete(key: K): boolean {
    const i = this.indexOf(key);
    if (i < 0) return false;
    this.keyChunks[i >>> CHUNK_BITS]![i & CHUNK_MASK] = undefined;
    this.valueChunks[i >>> CHUNK_BITS]![i & CHUNK_MASK] = undefined;
    (key as Record<SlotName, number | undefined>)[this.slot] = undefined;
    this.live--;
    return true;
  }

  clear(): void {
    for (const k of this.keys()) (k as Record<SlotName, number | undefined>)[this.slot] = undefined;
    this.keyChunks.length = 0;
    this.valueChunks.length = 0;
    this.logged = 0;
    this.live = 0;
  }

  forEach(callback: (value: V, key: K, map: Map<K, V>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.entries()) callback.call(thisArg, v, k, this);
  }

  *entries(): MapIterator<[K, V]> {
    for (let i = 0; i < this.logged; i++) {
      const k = this.keyChunks[i >>> CHUNK_BITS]![i & CHUNK_MASK];
      if (k !== undefined) yield [k, this.valueChunks[i >>> CHUNK_BITS]![i & CHUNK_MASK]!];
    }
    return undefined;
  }

  *keys(): MapIterator<K> {
    for (let i = 0; i < this.logged; i++) {
      const k = this.keyChunks[i >>> CHUNK_BITS]![i & CHUNK_MASK];
      if (k !== undefined) yield k;
    }
    return undefined;
  }

  *values(): MapIterator<V> {
    for (const [, v] of this.entries()) yield v;
    return undefined;
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  /** The entry index of `key` in this map, -1 when absent (or `key` is not an object). */
  private indexOf(key: K): number {
    if (typeof key !== "object" || key === null) return -1;
    const i = (key as Partial<Record<SlotName, number>>)[this.slot];
    if (i === undefined || i >= this.logged) return -1;
    return this.keyChunks[i >>> CHUNK_BITS]![i & CHUNK_MASK] === key ? i : -1;
  }
}
