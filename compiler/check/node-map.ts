/**
 * NodeMap: the Map the checked program's tables use when keyed by AST node (symbols, calls,
 * constants). It behaves as a Map — same entries, insertion order, get / set / has / delete — but
 * keeps its entries in many small Maps, one per KiB of each file's text (a node's shard is found
 * from its file and start offset), and the insertion order in fixed-size chunks.
 *
 * Why: a 10k-line strategy has ~30k symbol entries. A single Map that large reallocates its hash
 * table several times on the way, each time in V8's large-object space (fresh, unfaulted memory)
 * and rehashing everything; inserts into it cost ~10× those into a Map of a few hundred entries,
 * and the checker spent about a quarter of its time there. Small shards stay in the young
 * generation while they grow, and a lookup touches one small table.
 */
import type { Located } from "../../grammar/index.js";

/** log2 of the text length (in UTF-16 units) one shard covers. */
const SHARD_BITS = 10;
/** Keys per chunk of the insertion-order log. */
const CHUNK = 1024;

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
