// Parse worker entry: plain JS so it loads under `node bin/slovo.js` (tsx registered by API) as well as
// under `node --import tsx` (npm test). It registers tsx for this thread, then loads the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./parse.worker.ts');
