// Words of the live parts shared by the agent screens (presence badge).
import { defineMessages } from './messages.ts';

export default defineMessages('live', {
  ru: {
    'live.presence.viewing': '{name} просматривает',
    'live.presence.replying': '{name} пишет ответ',
    'live.presence.label': 'Кто ещё в этом обращении',
  },
  en: {
    'live.presence.viewing': '{name} is viewing',
    'live.presence.replying': '{name} is replying',
    'live.presence.label': 'Who else is on this ticket',
  },
});
