// Test support: a Server-Sent Events reader over a real socket (app.inject cannot stream).
import http from 'node:http';

export type SseEvent = { event: string; data: any; id?: string };

export type Stream = {
  status: number;
  headers: http.IncomingHttpHeaders;
  events: SseEvent[];
  /** raw text received so far (comments included) */
  text: () => string;
  /** the first event (already received or coming) matching pred */
  waitFor: (pred: (e: SseEvent) => boolean, ms?: number) => Promise<SseEvent>;
  /** resolves when the server ends the stream */
  ended: Promise<void>;
  close: () => void;
};

export function openStream(base: string, path: string, headers: Record<string, string>): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}${path}`, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      res.setEncoding('utf8');
      let raw = '';
      let buf = '';
      const events: SseEvent[] = [];
      const waiters: { pred: (e: SseEvent) => boolean; done: (e: SseEvent) => void }[] = [];
      let endResolve!: () => void;
      const ended = new Promise<void>((r) => { endResolve = r; });
      res.on('data', (chunk: string) => {
        raw += chunk;
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const e: Partial<SseEvent> = {};
          let data = '';
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) e.event = line.slice(7);
            else if (line.startsWith('data: ')) data += line.slice(6);
            else if (line.startsWith('id: ')) e.id = line.slice(4);
          }
          if (!e.event && !data) continue;
          const ev: SseEvent = { event: e.event ?? 'message', id: e.id, data: data ? JSON.parse(data) : null };
          events.push(ev);
          for (const w of [...waiters]) if (w.pred(ev)) { waiters.splice(waiters.indexOf(w), 1); w.done(ev); }
        }
      });
      res.on('end', () => endResolve());
      res.on('close', () => endResolve());
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        events,
        text: () => raw,
        ended,
        close: () => req.destroy(),
        waitFor: (pred, ms = 5000) => {
          const hit = events.find(pred);
          if (hit) return Promise.resolve(hit);
          return new Promise((ok, fail) => {
            const t = setTimeout(() => fail(new Error(`no matching event within ${ms} ms; got ${JSON.stringify(events)}`)), ms);
            waiters.push({ pred, done: (e) => { clearTimeout(t); ok(e); } });
          });
        },
      });
    });
    req.on('error', reject);
  });
}
