/**
 * restify, loaded without the one deprecation warning it always causes. restify 11 loads `spdy`
 * (for its HTTP/2 option, which this bot does not use), and spdy's `http-deceiver` reads
 * `process.binding('http_parser')` as it loads (DEP0111 on Node 20 and 22). Deprecation warnings
 * are switched off only while restify itself loads, so any other one still shows.
 */
import type * as Restify from "restify";

const shown = process.noDeprecation;
process.noDeprecation = true;
const loaded = (await import("restify")) as unknown as { default: typeof Restify };
process.noDeprecation = shown;

const restify: typeof Restify = loaded.default;
export default restify;
