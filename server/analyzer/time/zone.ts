// An IANA zone for luxon whose offsets are cached: luxon asks Intl for every offset, which was
// most of the analyzer's time. Offsets change only at 15-minute-aligned instants, so a cache by
// 15-minute bucket is exact.
import { IANAZone, Zone } from 'luxon';

const BUCKET = 15 * 60 * 1000;
const MAX = 50000;

function fmt(offset: number, format: 'narrow' | 'short' | 'techie'): string {
  const sign = offset < 0 ? '-' : '+';
  const a = Math.abs(offset);
  const h = Math.floor(a / 60);
  const m = a % 60;
  const hh = String(h).padStart(2, '0');
  const mm = String(m).padStart(2, '0');
  if (format === 'narrow') return `${sign}${h}${m ? `:${mm}` : ''}`;
  if (format === 'techie') return `${sign}${hh}${mm}`;
  return `${sign}${hh}:${mm}`;
}

export class CachedZone extends Zone {
  private z: IANAZone;
  private cache = new Map<number, number>();
  constructor(z: IANAZone) {
    super();
    this.z = z;
  }
  get type(): string {
    return 'iana';
  }
  get name(): string {
    return this.z.name;
  }
  get ianaName(): string {
    return this.z.name;
  }
  get isUniversal(): boolean {
    return false;
  }
  get isValid(): boolean {
    return this.z.isValid;
  }
  offsetName(ts: number, opts: Parameters<Zone['offsetName']>[1]): string | null {
    return this.z.offsetName(ts, opts);
  }
  formatOffset(ts: number, format: 'narrow' | 'short' | 'techie'): string {
    return fmt(this.offset(ts), format);
  }
  offset(ts: number): number {
    const b = Math.floor(ts / BUCKET);
    let v = this.cache.get(b);
    if (v === undefined) {
      if (this.cache.size >= MAX) this.cache.clear();
      v = this.z.offset(ts);
      this.cache.set(b, v);
    }
    return v;
  }
  equals(other: Zone): boolean {
    return other instanceof CachedZone && other.name === this.name;
  }
}

const zones = new Map<string, CachedZone | null>();

/** the cached zone for an IANA name; null when the name is not a valid zone */
export function cachedZone(name: string): CachedZone | null {
  let z = zones.get(name);
  if (z === undefined) {
    const iana = IANAZone.create(name);
    z = iana.isValid ? new CachedZone(iana) : null;
    if (zones.size < 1000) zones.set(name, z);
  }
  return z;
}
