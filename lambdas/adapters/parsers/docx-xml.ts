/** What every WordprocessingML part reader needs: the namespace prefix, and a part's relationships. */
import { scanMarkup } from './markup.ts';

const WORD_NAMESPACES = new Set([
  'http://schemas.openxmlformats.org/wordprocessingml/2006/main',
  'http://purl.oclc.org/ooxml/wordprocessingml/main',
]);

/** `w:` is the usual prefix of WordprocessingML, but the root element's declarations decide. */
export const wordPrefixOf = (attributes: ReadonlyMap<string, string>): string => {
  for (const [key, value] of attributes) {
    if (!WORD_NAMESPACES.has(value)) continue;
    if (key === 'xmlns') return '';
    if (key.startsWith('xmlns:')) return `${key.slice(6)}:`;
  }
  return 'w:';
};

/**
 * A part's relationship targets by the last segment of their type
 * (`footnotes`, `endnotes`, `comments`, `numbering`, `styles`, `officeDocument`),
 * as package paths resolved against `folder` (the folder of the part they belong to).
 */
export const readRelationships = (xml: string | undefined, folder: string): Map<string, string> => {
  const targets = new Map<string, string>();
  if (!xml) return targets;
  scanMarkup(xml, 'xml', {
    open(tag, attributes) {
      const type = /\/([^/]+)$/.exec(attributes.get('Type') ?? '')?.[1];
      const target = attributes.get('Target');
      if (!tag.endsWith('Relationship') || !type || !target || targets.has(type) || attributes.get('TargetMode') === 'External') return;
      targets.set(type, resolvePartPath(folder, target));
    },
    close() {},
    text() {},
  });
  return targets;
};

/** `target` relative to `folder`, or from the package root when it starts with a slash; `..` segments followed. */
const resolvePartPath = (folder: string, target: string): string => {
  const segments = target.startsWith('/') ? [] : folder.split('/').filter(Boolean);
  for (const segment of target.split('/')) {
    if (segment === '..') segments.pop();
    else if (segment && segment !== '.') segments.push(segment);
  }
  return segments.join('/');
};
