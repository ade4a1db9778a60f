import { defineMessages } from '../../shared/messages.ts';

export default defineMessages('admin', {
  ru: {},
  en: {},
});
