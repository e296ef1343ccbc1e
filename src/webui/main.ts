// The web UI's entry point from a checkout (bin/tibox-webui; `tibox webui` in the image): run.ts.
import { runWebUi } from './run.ts';

await runWebUi(process.argv.slice(2));
