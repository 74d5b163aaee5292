// Reads the command and schema tables out of spec/protocol.md so tests can hold proto/ and
// src/pdu/commands.ts to the spec itself rather than to a second hand-typed copy.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { specDir } from '../fixtures/loadFixtures';

export interface SpecCommand { name: string; id: number; bodyType: string; section: number }
export interface SpecEnum { name: string; values: Array<[name: string, value: number]> }
export interface SpecField { name: string; id: number; label: string; type: string; explicitDefault?: string }
export interface SpecMessage { fullName: string; pkg: string; name: string; fields: SpecField[] }
export interface SpecTotals { messages: number; enums: number; fields: number; perPackage: Record<string, number> }

export interface SpecTables {
  services: Array<[name: string, id: number]>;
  commands: SpecCommand[];
  /** all enums of IM.BaseDefine: ServiceID, the 7 command enums (§2) and the other 15 (§3.3) */
  enums: SpecEnum[];
  messages: SpecMessage[];
  totals: SpecTotals;
  /** §3.1 files table: file -> package, file options text */
  files: Array<{ file: string; pkg: string; options: string }>;
}

const cells = (line: string): string[] => line.split('|').slice(1, -1).map((s) => s.trim());

export function loadSpecTables(): SpecTables {
  const lines = readFileSync(path.join(specDir(), 'protocol.md'), 'utf8').split('\n');
  const services: Array<[string, number]> = [];
  const commands: SpecCommand[] = [];
  const enums: SpecEnum[] = [];
  const messages: SpecMessage[] = [];
  const files: SpecTables['files'] = [];
  let totals: SpecTotals | undefined;
  const filesSection: string[] = [];
  let section = '';
  let curEnum: SpecEnum | undefined;
  let curMsg: SpecMessage | undefined;

  for (const line of lines) {
    const msg = /^##### IM\.(\w+)\.(\w+)/.exec(line);
    if (msg) { curMsg = { fullName: `IM.${msg[1]}.${msg[2]}`, pkg: msg[1]!, name: msg[2]!, fields: [] }; messages.push(curMsg); continue; }
    const h = /^#{2,5} (\d+(?:\.\d+)*)/.exec(line);
    if (h) {
      section = h[1]!;
      curEnum = undefined;
      curMsg = undefined;
      const cmdEnum = /^### 2\.([2-8]) .*\(enum `(\w+)`\)/.exec(line);
      if (cmdEnum) { curEnum = { name: cmdEnum[2]!, values: [] }; enums.push(curEnum); }
      if (/^### 2\.1 /.test(line)) { curEnum = { name: 'ServiceID', values: [] }; enums.push(curEnum); }
      continue;
    }
    if (section === '2.1' && line.startsWith('| 0x')) {
      const c = cells(line);
      services.push([c[2]!, Number(c[1])]);
      curEnum!.values.push([c[2]!, Number(c[1])]);
    } else if (/^2\.[2-8]$/.test(section) && line.startsWith('| 0x')) {
      const c = cells(line);
      commands.push({ name: c[2]!, id: Number(c[1]), bodyType: c[3]!, section: Number(section.split('.')[1]) });
      curEnum!.values.push([c[2]!, Number(c[1])]);
    } else if (section === '3.1') {
      filesSection.push(line);
      if (line.startsWith('| IM.')) { const c = cells(line); files.push({ file: c[0]!, pkg: c[1]!, options: c[3]! }); }
    } else if (section === '3.3') {
      const e = /^\*\*IM\.BaseDefine\.(\w+)\*\*/.exec(line);
      if (e) { curEnum = { name: e[1]!, values: [] }; enums.push(curEnum); }
      else if (curEnum && /^\| [A-Z]/.test(line) && !line.startsWith('| value')) { const c = cells(line); curEnum.values.push([c[0]!, Number(c[1])]); }
    } else if (curMsg && /^\| \w+ \| \d+ \|/.test(line)) {
      const c = cells(line);
      const explicit = /\*\*(\w+)\*\* \(explicit\)/.exec(c[4]!);
      const field: SpecField = { name: c[0]!, id: Number(c[1]), label: c[2]!, type: c[3]!.replace(/^(enum|message) /, '') };
      if (explicit) field.explicitDefault = explicit[1]!;
      curMsg.fields.push(field);
    }
  }
  // "* 110 messages (BaseDefine 15, Login 15, ...) and 23 enums, 388 fields in all." (wrapped)
  const t = /\* (\d+) messages \(([^)]*)\) and (\d+) enums, (\d+) fields in all/.exec(filesSection.join(' ').replace(/\s+/g, ' '));
  if (t) {
    const perPackage: Record<string, number> = {};
    for (const part of t[2]!.split(',')) { const [p, n] = part.trim().split(' '); perPackage[p!] = Number(n); }
    totals = { messages: Number(t[1]), enums: Number(t[3]), fields: Number(t[4]), perPackage };
  }
  if (totals === undefined) throw new Error('protocol.md §3.1: totals line not found');
  return { services, commands, enums, messages, totals, files };
}
