import { z } from 'zod';
import type { Site } from '../../../domain/site.ts';
import type { Gateway } from '../../../gateway.ts';
import { Errors } from '../../errors.ts';

export const SiteParams = z.object({ site: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });

export function siteOf(gateway: Gateway, id: string): Site {
  const site = gateway.gate.site(id);
  if (!site) throw new Errors.UnknownSite(id);
  return site;
}

export const Paging = {
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
};

export const ErrorReply = z.object({
  statusCode: z.number(),
  code: z.string(),
  error: z.string(),
  message: z.string(),
});
