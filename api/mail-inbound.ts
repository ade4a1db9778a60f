// Wire shapes of the inbound mail paths: provider webhooks, the raw-MIME endpoint and .eml upload.
import { z } from 'zod';
import { Id } from './common.ts';
import { InboundStage } from './mail.ts';

export const ChannelParams = z.object({ channelId: Id });

/** Webhook secret in the URL (providers that cannot send headers). */
export const TokenQuery = z.object({ token: z.string().max(200).optional() });

/** A webhook's answer: the mail is committed (2xx only after that). */
export const InboundAck = z.object({
  mailId: Id,
  duplicate: z.boolean(), // the same bytes were received before (retried delivery)
});

export const UploadQuery = z.object({ channelId: Id });

export const UploadResult = z.object({
  mailId: Id,
  duplicate: z.boolean(),
  stage: InboundStage,
});
