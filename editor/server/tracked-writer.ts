/**
 * A message writer that knows when everything it was given has reached the transport. The
 * server waits for that before a long synchronous check: a response or a publish already
 * computed must not sit in the process's output buffer while the event loop is busy checking
 * (a 300 KB publish does not fit in a pipe at once; the rest is written only when the loop turns).
 */
import type { Message, MessageWriter } from "vscode-languageserver/node.js";

/** Wraps a writer; `flushed()` resolves once every message written so far has been written out. */
export class TrackedMessageWriter implements MessageWriter {
  private pending = 0;
  private waiters: Array<() => void> = [];

  constructor(private readonly inner: MessageWriter) {}

  get onError(): MessageWriter["onError"] {
    return this.inner.onError;
  }

  get onClose(): MessageWriter["onClose"] {
    return this.inner.onClose;
  }

  write(msg: Message): Promise<void> {
    this.pending++;
    const done = (): void => {
      this.pending--;
      if (this.pending === 0) {
        const ws = this.waiters;
        this.waiters = [];
        for (const w of ws) w();
      }
    };
    const p = this.inner.write(msg);
    p.then(done, done);
    return p;
  }

  /** Resolves when no message is waiting to be written (at once when none is). */
  flushed(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  end(): void {
    this.inner.end();
  }

  dispose(): void {
    this.inner.dispose();
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w();
  }
}
