/** One Server-Sent Events frame: a comment, or an event's fields. */
export interface SseFrame {
  comment?: string;
  event?: string;
  id?: string;
  data?: string;
}

function parseFrame(text: string): SseFrame {
  const frame: SseFrame = {};
  for (const line of text.split('\n')) {
    if (line.startsWith(':')) {
      frame.comment = line.slice(1).trim();
      continue;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event' || field === 'id') frame[field] = value;
    if (field === 'data') frame.data = frame.data === undefined ? value : `${frame.data}\n${value}`;
  }
  return frame;
}

/** Reads frames from a text/event-stream body as they arrive (frames end with a blank line). */
export class SseReader {
  private buffer = '';
  private readonly frames: SseFrame[] = [];
  private waiting: { resolve: (frame: SseFrame) => void; reject: (error: Error) => void } | undefined;
  private ended: Error | undefined;

  constructor(stream: NodeJS.ReadableStream) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      this.buffer += chunk;
      for (let end = this.buffer.indexOf('\n\n'); end >= 0; end = this.buffer.indexOf('\n\n')) {
        this.push(parseFrame(this.buffer.slice(0, end)));
        this.buffer = this.buffer.slice(end + 2);
      }
    });
    const finish = (error?: Error) => {
      this.ended ??= error ?? new Error('the event stream ended');
      this.waiting?.reject(this.ended);
      this.waiting = undefined;
    };
    stream.on('end', () => finish());
    stream.on('error', (error: Error) => finish(error));
    stream.on('close', () => finish());
  }

  private push(frame: SseFrame): void {
    if (this.waiting) {
      this.waiting.resolve(frame);
      this.waiting = undefined;
    } else {
      this.frames.push(frame);
    }
  }

  /** The next frame; rejects once the stream ended with nothing more to read. */
  next(): Promise<SseFrame> {
    const frame = this.frames.shift();
    if (frame) return Promise.resolve(frame);
    if (this.ended) return Promise.reject(this.ended);
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  /** The next event, passing over comments. */
  async nextEvent(): Promise<SseFrame> {
    for (;;) {
      const frame = await this.next();
      if (frame.comment === undefined) return frame;
    }
  }

  /** Resolves when the stream has ended (the server closed it). */
  async closed(): Promise<Error> {
    for (;;) {
      try {
        await this.next();
      } catch (error) {
        return error as Error;
      }
    }
  }
}
