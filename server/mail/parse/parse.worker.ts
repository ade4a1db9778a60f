// The parse worker: one mail at a time, answers with a ParseResult (blob bytes transferred, not copied).
import { parentPort } from 'node:worker_threads';
import type { ParseLimits, ParseResult } from '../types.ts';
import { parseMail } from './parse-mail.ts';

type Job = { id: number; raw: Uint8Array; limits: ParseLimits };

const port = parentPort!;
port.on('message', async (job: Job) => {
  let result: ParseResult;
  try {
    result = await parseMail(Buffer.from(job.raw.buffer, job.raw.byteOffset, job.raw.byteLength), job.limits);
  } catch (e) {
    result = { ok: false, code: 'parse_failed', reason: String((e as Error)?.message ?? e).slice(0, 300) };
  }
  const transfer: ArrayBuffer[] = [];
  if (result.ok) {
    result.blobs = result.blobs.map((b) => {
      const copy = new Uint8Array(b.data.length); // own buffer: mailparser's may share a pooled slab
      copy.set(b.data);
      transfer.push(copy.buffer);
      return { sha256: b.sha256, data: copy as Buffer };
    });
  }
  port.postMessage({ type: 'result', id: job.id, result }, transfer);
});
port.postMessage({ type: 'ready' });
