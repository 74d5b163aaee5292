// proto/*.proto say exactly what protocol.md §3 says: packages, options, every message, field number,
// label, type and default, and every enum value; and the totals of §3.1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import * as protobuf from 'protobufjs';
import { repoRoot } from '../fixtures/loadFixtures';
import { loadSpecTables } from './specTables';

const protoDir = path.join(repoRoot(), 'proto');
const spec = loadSpecTables();

function loadRoot(): protobuf.Root {
  const files = readdirSync(protoDir).filter((f) => f.endsWith('.proto')).map((f) => path.join(protoDir, f));
  const root = new protobuf.Root().loadSync(files, { keepCase: true });
  root.resolveAll();
  return root;
}

function allOf<T>(ns: protobuf.NamespaceBase, kind: new (...a: never[]) => T): T[] {
  const out: T[] = [];
  for (const o of ns.nestedArray) {
    if (o instanceof kind) out.push(o);
    if (o instanceof protobuf.Namespace) out.push(...allOf(o, kind));
  }
  return out;
}

test('§3.1 totals: 110 messages per package, 23 enums, 388 fields', () => {
  const root = loadRoot();
  const types = allOf(root, protobuf.Type);
  assert.equal(types.length, spec.totals.messages);
  assert.equal(spec.messages.length, spec.totals.messages, 'spec tables vs spec totals');
  const perPackage: Record<string, number> = {};
  for (const t of types) { const pkg = t.parent!.name; perPackage[pkg] = (perPackage[pkg] ?? 0) + 1; }
  assert.deepEqual(perPackage, spec.totals.perPackage);
  assert.equal(allOf(root, protobuf.Enum).length, spec.totals.enums);
  assert.equal(types.reduce((n, t) => n + t.fieldsArray.length, 0), spec.totals.fields);
});

test('§3.1 files: package, imports, options, proto2 (no syntax line), nothing packed', () => {
  assert.equal(spec.files.length, 9);
  for (const f of spec.files) {
    const text = readFileSync(path.join(protoDir, f.file), 'utf8');
    assert.match(text, new RegExp(`^package ${f.pkg.replace(/\./g, '\\.')};$`, 'm'), f.file);
    assert.doesNotMatch(text, /^\s*syntax\s*=/m, `${f.file}: must stay proto2`);
    assert.doesNotMatch(text, /packed|oneof|\bmap<|service\s/, f.file);
    assert.match(text, /^option optimize_for = LITE_RUNTIME;$/m, f.file);
    const java = /java_package = com\.mogujie/.test(f.options);
    assert.equal(/^option java_package = "com\.mogujie\.tt\.protobuf";$/m.test(text), java, `${f.file}: java_package`);
    const imports = [...text.matchAll(/^import "([^"]+)";$/gm)].map((m) => m[1]);
    const usesBaseDefine = /IM\.BaseDefine\.\w/.test(text.replace(/^package .*$/m, ''));
    assert.deepEqual(imports, usesBaseDefine && f.pkg !== 'IM.BaseDefine' ? ['IM.BaseDefine.proto'] : [], `${f.file}: imports`);
  }
});

test('§3.4 every message field: number, label, type, explicit default', () => {
  const root = loadRoot();
  for (const m of spec.messages) {
    const type = root.lookupType(m.fullName);
    const ours = type.fieldsArray.map((f) => ({
      name: f.name,
      id: f.id,
      label: f.required ? 'required' : f.repeated ? 'repeated' : 'optional',
      type: f.resolvedType ? f.resolvedType.fullName.slice(1) : f.type,
      explicitDefault: f.options?.['default'] as string | undefined,
    }));
    const expected = m.fields.map((f) => ({ ...f, explicitDefault: f.explicitDefault }));
    assert.deepEqual(ours, expected, m.fullName);
  }
});

test('§2 and §3.3 enums: every value, in order, all in IM.BaseDefine', () => {
  const root = loadRoot();
  const enums = allOf(root, protobuf.Enum);
  assert.deepEqual(enums.map((e) => e.fullName).sort(), spec.enums.map((e) => `.IM.BaseDefine.${e.name}`).sort());
  for (const e of spec.enums) {
    const ours = root.lookupEnum(`IM.BaseDefine.${e.name}`);
    assert.deepEqual(Object.entries(ours.values), e.values, e.name);
  }
});

test('the explicit default: IMGroupCreateReq.group_type = GROUP_TYPE_TMP', () => {
  const root = loadRoot();
  const withDefaults = allOf(root, protobuf.Type).flatMap((t) => t.fieldsArray.filter((f) => f.options?.['default'] !== undefined));
  assert.deepEqual(withDefaults.map((f) => `${f.parent!.fullName}.${f.name}=${String(f.options!['default'])}`), ['.IM.Group.IMGroupCreateReq.group_type=GROUP_TYPE_TMP']);
});
