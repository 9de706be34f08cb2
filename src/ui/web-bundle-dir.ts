// Where the build puts the dashboard's front end: dist/ui-web (src/ui/build-web-bundle.ts).
import { fileURLToPath } from 'node:url';

export const WEB_BUNDLE_DIR = fileURLToPath(new URL('../../ui-web/', import.meta.url));
