import { installSourceMapPolicy } from './source-maps';

// Imported first by the server's entry points, before Next or any package loads (see source-maps.ts).
installSourceMapPolicy();
