/** The contract modules: each route said once, read by the route table, the functions and the browser bundles. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { adminContracts } from '../../lambdas/contracts/admin.ts';
import { routeKeyOf, routesOf } from '../../lambdas/contracts/contract.ts';
import { widgetContract } from '../../lambdas/contracts/widget.ts';
import { routes } from '../../lambdas/http/routes.ts';
import { ROUTE_SAMPLES, sampleBodyOf } from '../fixtures/route-samples.ts';

const root = path.resolve(import.meta.dirname, '../..');

const sourceFiles = (dir: string): string[] =>
  fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'dist' ? [] : sourceFiles(rel);
    return /\.ts$/.test(entry.name) ? [rel] : [];
  });

describe('the contracts', () => {
  const all = routesOf(...Object.values(adminContracts), widgetContract);

  it('are the route table, route for route', () => {
    expect(routes.map(routeKeyOf)).toEqual(all.map(routeKeyOf));
    expect(routes.length).toBeGreaterThanOrEqual(56);
  });

  it('name each route once, and each method and path once', () => {
    expect(new Set(all.map((r) => r.name)).size).toBe(all.length);
    expect(new Set(all.map(routeKeyOf)).size).toBe(all.length);
  });

  it('give every admin route the JWT and the admin function, and every widget route public access', () => {
    for (const r of routesOf(...Object.values(adminContracts))) expect([r.fn, r.auth, r.path.startsWith('/v1/')], routeKeyOf(r)).toEqual(['admin-api', 'jwt', true]);
    for (const r of routesOf(widgetContract)) {
      expect([r.auth, r.path.startsWith('/widget/v1/{publicId}/')], routeKeyOf(r)).toEqual(['public', true]);
      expect(r.fn === 'chat-stream', routeKeyOf(r)).toBe(r.path.endsWith('/chat'));
    }
  });

  it('send no body on a 204 and take none on GET, DELETE or OPTIONS', () => {
    for (const r of all) {
      if (['GET', 'DELETE', 'OPTIONS'].includes(r.method)) expect(r.body, routeKeyOf(r)).toBeUndefined();
    }
    expect(all.filter((r) => r.status === 204).map((r) => r.method)).not.toContain('GET');
  });

  it('have a sample body for every route that takes one, which its schema accepts', () => {
    const withBody = all.filter((r) => r.body);
    expect(withBody.length).toBeGreaterThanOrEqual(14);
    for (const r of withBody) {
      const parsed = z.safeParse(r.body!, sampleBodyOf(r));
      expect({ route: r.name, ok: parsed.success, issues: parsed.error?.issues }).toEqual({ route: r.name, ok: true, issues: undefined });
    }
    // A sample for no route would be a stale name.
    expect(Object.keys(ROUTE_SAMPLES).sort()).toEqual(withBody.map((r) => r.name).sort());
    // And the schemas refuse what is not a body of theirs.
    for (const r of withBody) expect(z.safeParse(r.body!, { unexpected: true }).success, r.name).toBe(false);
  });

  it('name audit actions that the code records (no typo can hide a route from the log)', () => {
    const code = ['lambdas/core', 'lambdas/handlers'].flatMap(sourceFiles).map((f) => fs.readFileSync(path.join(root, f), 'utf8')).join('\n');
    const actions = [...new Set(all.flatMap((r) => r.audit ?? []))];
    expect(actions).toContain('bot.create');
    for (const action of actions) {
      // `visitor.${kind}` records visitor.handoff and visitor.lead.
      const recorded = code.includes(`'${action}'`) || (action.startsWith('visitor.') && code.includes('`visitor.${kind}`'));
      expect(recorded, action).toBe(true);
    }
  });
});

describe('the browser bundles', () => {
  // A value import would bring zod and server code into widget.js or the panel.
  it('import the contracts and records as types only', () => {
    const imports = ['widget/src', 'admin/src'].flatMap(sourceFiles).flatMap((f) =>
      [...fs.readFileSync(path.join(root, f), 'utf8').matchAll(/^(?:import|export)\s+([^;]*?)\s+from\s+'([^']*\/lambdas\/[^']*)'/gms)]
        .map(([line, what, from]) => ({ line: `${f}: ${line}`, what: what!, from: from! })));
    expect(imports.filter((i) => i.from.includes('/lambdas/contracts/')).length).toBeGreaterThanOrEqual(2);
    // core/providers.ts holds the provider list the panel shows; contracts/contract.ts the panel's path filler.
    // Both import nothing at run time (checked below), so no server code enters a bundle.
    const runtime = ['/lambdas/core/providers.ts', '/lambdas/contracts/contract.ts'];
    const offending = imports.filter((i) => !/^type\b/.test(i.what) && !runtime.some((r) => i.from.endsWith(r))).map((i) => i.line);
    expect(offending).toEqual([]);
    for (const file of runtime) {
      const valueImports = [...fs.readFileSync(path.join(root, file), 'utf8').matchAll(/^import\s+(?!type\b)[^;]*;/gm)].map((m) => m[0]);
      expect(valueImports, file).toEqual([]);
    }
  });

  it('read their response types from the contracts', () => {
    expect(fs.readFileSync(path.join(root, 'widget/src/api.ts'), 'utf8')).toMatch(/import type \{[^}]*WidgetConfig[^}]*\} from '..\/..\/lambdas\/contracts\/views.ts'/);
    expect(fs.readFileSync(path.join(root, 'admin/src/types.ts'), 'utf8')).toContain("from '../../lambdas/contracts/views.ts'");
  });
});
