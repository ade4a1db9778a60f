import { defineMessages } from '../../shared/messages.ts';

export default defineMessages('list', {
  ru: {},
  en: {},
});
