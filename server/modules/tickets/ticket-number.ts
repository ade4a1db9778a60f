import { isId } from '../../../api/common.ts';
import type { Config } from '../../config.ts';
import { AppError } from '../../errors.ts';

/** "SL-10427" from 10427. */
export const ticketRef = (config: Pick<Config, 'SLOVO_TICKET_PREFIX'>, n: string | number) => `${config.SLOVO_TICKET_PREFIX}-${n}`;

/** A path ref is either the internal id ("42") or the human number with prefix ("SL-10427"). */
export function parseTicketRef(config: Pick<Config, 'SLOVO_TICKET_PREFIX'>, ref: string): { id: string } | { number: string } {
  if (isId(ref)) return { id: ref };
  const m = /^([A-Za-z][A-Za-z0-9]{0,7})-([1-9][0-9]{0,18})$/.exec(ref);
  if (m && isId(m[2]) && m[1].toUpperCase() === config.SLOVO_TICKET_PREFIX) return { number: m[2] };
  throw new AppError('not_found', 'ticket not found');
}
