import { defineMessages } from '../../shared/messages.ts';

export default defineMessages('lead', {
  ru: {},
  en: {},
});
