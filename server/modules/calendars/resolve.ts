// Which calendar a ticket lives in. CONTRACT STUB — helper A implements.
import type { Db } from '../../db/db.ts';
import type { Calendar } from './business-time.ts';

/** customer's calendar, else organization's, else group's, else the default calendar, else built-in Mon-Fri 09-18 Moscow. */
export async function calendarForTicket(_db: Db, _ticketId: string): Promise<Calendar> { throw new Error('not implemented'); }

/** A calendar by id (cached in-process briefly; writes invalidate), or the default one for null. */
export async function calendarById(_db: Db, _id: string | null): Promise<Calendar> { throw new Error('not implemented'); }
