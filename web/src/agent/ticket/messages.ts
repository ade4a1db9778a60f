import { defineMessages } from '../../shared/messages.ts';

export default defineMessages('ticket', {
  ru: {},
  en: {},
});
