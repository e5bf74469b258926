/**
 * English messages for zod's mini build. The mini build runs the same checks as
 * the full one at about a quarter of its size in every function's cold start,
 * but loads no messages of its own (every problem would read "Invalid input").
 * Every module that parses with it imports this first. (Import `* as z from
 * 'zod/mini'` directly: re-exporting the namespace object would keep all of it,
 * every locale included, in the bundle.)
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());
