// Only lambdas/adapters/net/guarded-fetch.ts may open connections of its own:
// any other Lambda module that imports a socket or HTTP module, or calls the
// global fetch, could be pointed at an owner-supplied URL and skip the SSRF guard.
// (AWS SDK and provider SDK clients are fine: they are not these modules.)
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const lambdas = path.join(root, 'lambdas');
const theGuardedModule = 'lambdas/adapters/net/guarded-fetch.ts';

const NETWORK_MODULES = new Set(['undici', 'http', 'https', 'http2', 'net', 'tls', 'dgram']);
const GLOBAL_OBJECTS = new Set(['globalThis', 'global', 'self', 'window']);

const isNetworkModule = (specifier: string): boolean => {
  const bare = specifier.replace(/^node:/, '');
  return NETWORK_MODULES.has(bare.split('/')[0] ?? bare);
};

/** What in `source` reaches the network on its own, one line per finding. */
function findEgress(fileName: string, source: string): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const findings: string[] = [];
  const report = (node: ts.Node, what: string): void => {
    const { line } = file.getLineAndCharacterOfPosition(node.getStart(file));
    findings.push(`${fileName}:${line + 1}: ${what}`);
  };
  const checkSpecifier = (node: ts.Node, specifier: ts.Node | undefined): void => {
    if (specifier === undefined) return;
    if (!ts.isStringLiteralLike(specifier)) report(node, 'loads a module whose name is computed');
    else if (isNetworkModule(specifier.text)) report(node, `imports ${specifier.text}`);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) checkSpecifier(node, node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      checkSpecifier(node, node.moduleReference.expression);
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require')) {
        checkSpecifier(node, node.arguments[0]);
      } else if (ts.isIdentifier(callee) && callee.text === 'fetch') report(node, 'calls the global fetch');
    } else if (ts.isPropertyAccessExpression(node) && node.name.text === 'fetch' && ts.isIdentifier(node.expression) && GLOBAL_OBJECTS.has(node.expression.text)) {
      report(node, `uses ${node.expression.text}.fetch`);
    } else if (ts.isElementAccessExpression(node) && ts.isIdentifier(node.expression) && GLOBAL_OBJECTS.has(node.expression.text)) {
      report(node, `reads a property of ${node.expression.text} by computed name`);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return findings;
}

function lambdaSources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return lambdaSources(full);
    return /\.(c|m)?tsx?$/.test(entry.name) ? [full] : [];
  });
}

describe('the egress boundary', () => {
  const files = lambdaSources(lambdas).map((file) => path.relative(root, file).split(path.sep).join('/'));

  it('scans the whole lambdas tree, the guarded module included', () => {
    expect(files.length).toBeGreaterThan(20);
    expect(files).toContain(theGuardedModule);
    expect(files).toContain('lambdas/adapters/net/address-policy.ts');
  });

  it('lets no Lambda module but the guarded fetch open connections itself', () => {
    const findings = files
      .filter((file) => file !== theGuardedModule)
      .flatMap((file) => findEgress(file, fs.readFileSync(path.join(root, file), 'utf8')));
    expect(findings).toEqual([]);
  });

  it('would notice the guarded module itself, which does use undici and node:net', () => {
    const findings = findEgress(theGuardedModule, fs.readFileSync(path.join(root, theGuardedModule), 'utf8'));
    expect(findings.some((finding) => finding.endsWith('imports undici'))).toBe(true);
    expect(findings.some((finding) => finding.endsWith('imports node:net'))).toBe(true);
  });

  it.each([
    ["import { fetch } from 'undici';", 'imports undici'],
    ["import { Agent } from 'undici/types/agent';", 'imports undici/types/agent'],
    ["import http from 'node:http';", 'imports node:http'],
    ["import * as https from 'https';", 'imports https'],
    ["import net from 'node:net';", 'imports node:net'],
    ["import { connect } from 'node:tls';", 'imports node:tls'],
    ["import dgram from 'node:dgram';", 'imports node:dgram'],
    ["export { request } from 'node:http';", 'imports node:http'],
    ["import type { Socket } from 'node:net';", 'imports node:net'],
    ["const m = await import('node:https');", 'imports node:https'],
    ["const m = await import(name);", 'loads a module whose name is computed'],
    ["const m = require('net');", 'imports net'],
    ["import tls = require('tls');", 'imports tls'],
    ["const r = await fetch(url);", 'calls the global fetch'],
    ["const r = await globalThis.fetch(url);", 'uses globalThis.fetch'],
    ["const f = globalThis['fe' + 'tch'];", 'reads a property of globalThis by computed name'],
  ])('flags %s', (source, what) => {
    expect(findEgress('sample.ts', source)).toEqual([`sample.ts:1: ${what}`]);
  });

  it.each([
    "import { S3Client } from '@aws-sdk/client-s3';",
    "import OpenAI from 'openai';",
    "import { randomUUID } from 'node:crypto';",
    "import { Readable } from 'node:stream';",
    "const r = await client.fetch(url);",
    "const r = await this.fetch(url);",
    "const r = await guardedFetch(url);",
    "// we never call fetch(url) here",
    "const text = 'fetch(url) and node:http in a string';",
    "const client = new OpenAI({ fetch: guardedFetch });",
  ])('lets %s pass', (source) => {
    expect(findEgress('sample.ts', source)).toEqual([]);
  });
});
