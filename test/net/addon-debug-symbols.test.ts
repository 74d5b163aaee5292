// The addon is built RelWithDebInfo with its symbols kept (issue 4; docs/debugging.md relies on
// it): build/Release/tt_net.node carries DWARF (.debug_info, .debug_line), a symbol table with the
// functions gdb breaks on, and the compiler recorded an optimised build with -g. Read straight
// from the ELF section headers, no readelf needed.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { addonPath } from '../../src/net/nativeAddon';

interface Section { name: string; type: number; offset: number; size: number; link: number; entsize: number }

const SHT_SYMTAB = 2;

/** The section headers of a 64-bit little-endian ELF file (what x86-64 and arm64 Linux build). */
function sections(elf: Buffer): Section[] {
  assert.equal(elf.toString('latin1', 0, 4), '\x7fELF', 'an ELF file');
  assert.equal(elf[4], 2, 'ELFCLASS64');
  assert.equal(elf[5], 1, 'little endian');
  const shoff = Number(elf.readBigUInt64LE(0x28));
  const shentsize = elf.readUInt16LE(0x3a);
  const shnum = elf.readUInt16LE(0x3c);
  const shstrndx = elf.readUInt16LE(0x3e);
  assert.ok(shoff > 0 && shnum > 0, 'section headers present');
  const raw = Array.from({ length: shnum }, (_, i) => {
    const h = shoff + i * shentsize;
    return {
      nameOff: elf.readUInt32LE(h),
      type: elf.readUInt32LE(h + 4),
      offset: Number(elf.readBigUInt64LE(h + 0x18)),
      size: Number(elf.readBigUInt64LE(h + 0x20)),
      link: elf.readUInt32LE(h + 0x28),
      entsize: Number(elf.readBigUInt64LE(h + 0x38)),
    };
  });
  const names = raw[shstrndx]!;
  return raw.map((r) => ({ ...r, name: cString(elf, names.offset + r.nameOff) }));
}

function cString(buf: Buffer, at: number): string {
  const end = buf.indexOf(0, at);
  return buf.toString('latin1', at, end < 0 ? buf.length : end);
}

/** Names in .symtab (the full table, which `strip` removes; .dynsym only has the exports). */
function symbolNames(elf: Buffer, secs: Section[]): string[] {
  const symtab = secs.find((s) => s.type === SHT_SYMTAB);
  if (!symtab) return [];
  const strtab = secs[symtab.link]!;
  const out: string[] = [];
  for (let p = symtab.offset; p + symtab.entsize <= symtab.offset + symtab.size; p += symtab.entsize) {
    out.push(cString(elf, strtab.offset + elf.readUInt32LE(p)));
  }
  return out;
}

describe('the built addon keeps its debug information', () => {
  const file = addonPath();

  it(`${file} has DWARF sections, a full symbol table and an optimised -g build`, () => {
    const elf = fs.readFileSync(file);
    const secs = sections(elf);
    const byName = new Map(secs.map((s) => [s.name, s]));
    for (const name of ['.debug_info', '.debug_line', '.debug_abbrev']) {
      assert.ok((byName.get(name)?.size ?? 0) > 0, `${name} present and non-empty (sections: ${[...byName.keys()].join(' ')})`);
    }
    // What docs/debugging.md tells people to break on must be there by name.
    const syms = symbolNames(elf, secs);
    for (const fn of ['DoAccept', 'RunBatch', 'TrySend', 'CloseNative']) {
      assert.ok(syms.some((s) => s.startsWith('_ZN5ttnet4Loop') && s.includes(`${fn.length}${fn}E`)), `ttnet::Loop::${fn} in .symtab`);
    }
    // RelWithDebInfo = -O2 -g: gcc records its flags in each unit's DW_AT_producer string
    // (-grecord-gcc-switches is its default; clang records none unless asked to).
    const strs = byName.get('.debug_str');
    assert.ok(strs, '.debug_str present');
    const gnu = elf.toString('latin1', strs.offset, strs.offset + strs.size).split('\0').filter((s) => s.startsWith('GNU C'));
    if (gnu.length > 0) {
      assert.ok(gnu.every((p) => / -g\b/.test(p)), `every unit compiled with -g: ${gnu.join(' | ')}`);
      assert.ok(gnu.every((p) => / -O2\b/.test(p)), `optimised like RelWithDebInfo (-O2), not Debug (-O0): ${gnu.join(' | ')}`);
    }
  });
});
