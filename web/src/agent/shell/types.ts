// Shapes the shell and the list share (types only: nothing from api/ reaches the bundle).
import type { z } from 'zod';
import type { View as ViewSchema, ViewCounts as ViewCountsSchema } from '../../../../api/views.ts';

export type View = z.infer<typeof ViewSchema>;
export type ViewCounts = z.infer<typeof ViewCountsSchema>;

/** A view's name in the reader's language. */
export function viewName(v: View, lang: 'ru' | 'en'): string {
  return lang === 'en' && v.nameEn ? v.nameEn : v.name;
}
