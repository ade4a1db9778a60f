import { defineMessages } from '../../shared/messages.ts';

export default defineMessages('reply', {
  ru: {},
  en: {},
});
