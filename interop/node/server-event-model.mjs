// The Node SDK's model of the GA server events, as far as it exists at run time: the SDK ships no
// validator, only TypeScript declarations. This reads the installed package's own declaration file,
// takes the members of its `RealtimeServerEvent` union and, for each, the top-level properties of its
// interface, and checks a received frame against them:
//   - its `type` is one the union declares (else: an event the SDK does not know);
//   - every required (non-`?`) property is present;
//   - a property declared as a string literal, `string`, `number` or `boolean` (optionally `| null`)
//     holds a value of that kind.
// Nested objects (session, item, response) are not checked here: the Python SDK's pydantic models
// check those strictly in the same flows. Properties the interface does not declare are listed.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The declaration file of the GA realtime resource in the installed `openai` package. */
function declarationFile() {
  const js = require.resolve('openai/resources/realtime/realtime');
  return js.replace(/\.js$/, '.d.ts');
}

function withoutComments(source) {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

/** The body of `interface <name> {...}` (brace-matched), or null. */
function interfaceBody(source, name) {
  const start = new RegExp(`interface ${name}\\s*(?:extends [^{]+)?\\{`).exec(source);
  if (!start) {
    return null;
  }
  let depth = 1;
  let i = start.index + start[0].length;
  const from = i;
  for (; i < source.length && depth > 0; i++) {
    if (source[i] === '{') depth++;
    else if (source[i] === '}') depth--;
  }
  return source.slice(from, i - 1);
}

/** Top-level properties of an interface body: name -> { optional, type }. */
function properties(body) {
  const props = new Map();
  let depth = 0;
  let statement = '';
  for (const ch of body) {
    if (ch === '{' || ch === '(' || ch === '<' || ch === '[') depth++;
    if (ch === '}' || ch === ')' || ch === '>' || ch === ']') depth--;
    if (ch === ';' && depth === 0) {
      const m = /^\s*([A-Za-z_$][\w$]*)(\?)?\s*:\s*([\s\S]*)$/.exec(statement);
      if (m) {
        props.set(m[1], { optional: m[2] === '?', type: m[3].trim().replace(/\s+/g, ' ') });
      }
      statement = '';
    } else {
      statement += ch;
    }
  }
  return props;
}

/** Loads the union: event type -> { interface name, properties }. */
export function loadServerEventModel() {
  const file = declarationFile();
  const source = withoutComments(readFileSync(file, 'utf8'));
  const union = /export type RealtimeServerEvent\s*=\s*([^;]+);/.exec(source);
  if (!union) {
    throw new Error(`no RealtimeServerEvent union in ${file}`);
  }
  const model = new Map();
  for (const member of union[1].split('|').map((s) => s.trim())) {
    const name = member.replace(/^RealtimeServerEvent\./, '');
    const body = interfaceBody(source, name);
    if (body === null) {
      throw new Error(`union member ${member} has no interface in ${file}`);
    }
    const props = properties(body);
    const typeLiteral = /^'([^']+)'$/.exec(props.get('type')?.type ?? '');
    if (!typeLiteral) {
      throw new Error(`union member ${member} has no string-literal type property`);
    }
    model.set(typeLiteral[1], { name, props });
  }
  if (model.size < 30) {
    // The GA union has over 40 members; far fewer means the declarations changed shape under this reader.
    throw new Error(`read only ${model.size} server event types from ${file}`);
  }
  return { file, model };
}

function kindMatches(type, value) {
  const alternatives = type.split('|').map((s) => s.trim());
  if (value === null) {
    return alternatives.includes('null');
  }
  const literals = alternatives.filter((a) => /^'[^']*'$/.test(a));
  const simple = alternatives.filter((a) => ['string', 'number', 'boolean'].includes(a));
  if (literals.length + simple.length + (alternatives.includes('null') ? 1 : 0) !== alternatives.length) {
    return true; // an object, array or named type: not checked here (see the file's comment)
  }
  return simple.includes(typeof value) || literals.includes(`'${value}'`);
}

/**
 * Checks one parsed frame; returns { problems: [...], undeclared: [...] }. An unknown type or a missing
 * or mistyped property is a problem; a property the interface does not declare is only listed.
 */
export function checkServerEvent(model, event) {
  const entry = model.get(event?.type);
  if (!entry) {
    return { problems: [`event type ${JSON.stringify(event?.type)} is not in the SDK's RealtimeServerEvent union`], undeclared: [] };
  }
  const problems = [];
  for (const [name, { optional, type }] of entry.props) {
    if (!(name in event)) {
      if (!optional) problems.push(`${entry.name}.${name} (${type}) is required but missing`);
    } else if (!kindMatches(type, event[name])) {
      problems.push(`${entry.name}.${name} is declared ${type} but is ${JSON.stringify(event[name])}`);
    }
  }
  const undeclared = Object.keys(event).filter((k) => !entry.props.has(k));
  return { problems, undeclared };
}
