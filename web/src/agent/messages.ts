// Agent app dictionaries: one file per area registers itself; this file imports them all.
import './list/messages.ts';
import './ticket/messages.ts';
import './reply/messages.ts';
import './lead/messages.ts';
import './shell/messages.ts';
