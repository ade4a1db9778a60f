// Portal shapes, as types only (never runtime values from api/).
import type { z } from 'zod';
import type { Attachment as AttachmentSchema } from '../../../api/tickets.ts';
import type { PortalField, PortalMessage, PortalProfile, PortalTicket } from '../../../api/portal.ts';
import type { PortalPromise } from '../../../api/promises.ts';

export type Ticket = z.infer<typeof PortalTicket>;
export type Message = z.infer<typeof PortalMessage>;
export type Field = z.infer<typeof PortalField>;
export type Profile = z.infer<typeof PortalProfile>;
export type Promise_ = z.infer<typeof PortalPromise>;
export type Attachment = z.infer<typeof AttachmentSchema>;
export type Page<T> = { items: T[]; nextCursor: string | null };
