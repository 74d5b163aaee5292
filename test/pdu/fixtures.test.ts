// Every PDU the original servers exchanged in the golden transcripts decodes with our codec to exactly
// the fixture's decoded view, and re-encoding what we decoded gives back the original bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDecoder } from 'node:util';
import { decodePdu, encodeBody } from '../../src/pdu/codec';
import { encodeFrame } from '../../src/pdu/Pdu';
import { decodeAttach } from '../../src/pdu/attach';
import { MsgCipher } from '../../src/pdu/crypto';
import { allPduEntries, fixturesDir, FixtureBytes, loadRawChunks } from '../fixtures/loadFixtures';
import { peekLength } from '../../src/pdu/header';

// The fixtures README: clients and servers of the capture used the sample aesKey.
const cipher = new MsgCipher('12345678901234567890123456789012');
const utf8 = new TextDecoder('utf-8', { fatal: true });
const ENCRYPTED_FIELDS = new Set(['msg_data', 'latest_msg_data']);

/** protobufjs camelCase name -> the .proto's snake_case name the fixtures use. */
function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** Our view of a bytes field, following the fixtures' README conventions, computed with our own codecs. */
function bytesView(field: string, b: Uint8Array): FixtureBytes {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  const view: FixtureBytes = { hex: buf.toString('hex') };
  const isCdbAttach = field === 'attach_data' && buf.length === 12;
  if (!isCdbAttach) {
    try { view.utf8 = utf8.decode(buf); } catch { /* not UTF-8: hex only */ }
  }
  if (ENCRYPTED_FIELDS.has(field)) view.aes_decrypted_utf8 = cipher.decryptText(buf);
  if (isCdbAttach) {
    const a = decodeAttach(buf);
    view.cdb_attach = { type: a.type, handle: a.handle, service_type: a.serviceType };
  }
  return view;
}

/** toObject output (camelCase, enums as names, bytes as Uint8Array) -> the fixtures' JSON shape. */
function fixtureView(value: unknown, field: string): unknown {
  if (value instanceof Uint8Array) return bytesView(field, value);
  if (Array.isArray(value)) return value.map((v) => fixtureView(v, field));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[snake(k)] = fixtureView(v, snake(k));
    return out;
  }
  return value;
}

test('every fixture PDU decodes to the fixture view and re-encodes byte for byte', (t) => {
  const entries = allPduEntries();
  let checked = 0;
  for (const e of entries) {
    const where = `${e.source} (${e.decoded.command})`;
    const d = decodePdu(e.bytes);
    const h = e.decoded.header;
    assert.deepEqual(
      { length: d.header.length, version: d.header.version, flag: d.header.flag, service_id: d.header.serviceId, command_id: d.header.commandId, seq_num: d.header.seq, reserved: d.header.reserved },
      h, `${where}: header`);
    assert.equal(d.info.serviceName, e.decoded.service, `${where}: service name`);
    assert.equal(d.info.name, e.decoded.command, `${where}: command name`);
    assert.equal(d.body.length, e.decoded.body_len, `${where}: body length`);
    assert.equal(d.info.bodyTypeName, e.decoded.body_type, `${where}: body type`);

    const obj = d.info.bodyType.toObject(d.message, { enums: String });
    assert.deepEqual(fixtureView(obj, ''), e.decoded.body, `${where}: body fields`);

    const body = encodeBody(d.info.bodyType as never, d.message as never);
    assert.equal(body.toString('hex'), Buffer.from(d.body).toString('hex'), `${where}: re-encoded body`);
    const frame = encodeFrame(d.header.commandId, body, { seq: d.header.seq, version: d.header.version, flag: d.header.flag, reserved: d.header.reserved });
    assert.equal(frame.toString('hex'), e.hex, `${where}: re-encoded frame`);
    checked++;
  }
  // In the runner's report (TAP/spec "# ..." line), not only on the file's stdout.
  const summary = `fixtures: ${checked} PDUs from ${fixturesDir()} decoded, compared and re-encoded`;
  t.diagnostic(summary);
  assert.ok(checked > 0, 'no fixture PDUs found');
});

test('the raw client-link reads reassemble into whole PDUs that all decode (reads may hold several)', () => {
  const streams = new Map<string, Buffer[]>();
  for (const c of loadRawChunks()) {
    if (c.link !== 'client<->msg_server' || c.dir.endsWith('_eof')) continue;
    const key = `${c.conn}/${c.dir}`;
    streams.set(key, [...(streams.get(key) ?? []), c.bytes]);
  }
  let pdus = 0;
  for (const [key, chunks] of streams) {
    const stream = Buffer.concat(chunks);
    let pos = 0;
    while (pos < stream.length) {
      const len = peekLength(stream, pos);
      assert.ok(pos + len <= stream.length, `${key}: stream ends inside a PDU`);
      decodePdu(stream.subarray(pos, pos + len));
      pos += len;
      pdus++;
    }
  }
  const clientPdus = allPduEntries().filter((e) => e.link === 'client<->msg_server').length;
  assert.equal(pdus, clientPdus, 'every client-link PDU of the scenario files is in the raw reads');
});
