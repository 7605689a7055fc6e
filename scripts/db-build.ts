// `npm run db:build`: builds the embedded database now (CI, or before going offline). Same code path as start.
import { ensureEmbeddedBinary } from '#core/db/embedded';

console.log(`embedded database binary: ${ensureEmbeddedBinary()}`);
