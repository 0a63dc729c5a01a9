/**
 * Writes tar archives byte by byte (ustar headers), for members no well-behaved tool would write: absolute
 * paths, '..', devices, links to anywhere. Real tools and node-tar build the well-formed fixtures.
 */
export interface RawTarMember {
  readonly name: string;
  /** ustar type flag: '0' file, '1' hardlink, '2' symlink, '3' char device, '4' block device, '5' dir, '6' FIFO. */
  readonly type?: string;
  readonly mode?: number;
  readonly linkname?: string;
  readonly data?: Buffer | string;
}

export function rawTar(members: readonly RawTarMember[]): Buffer {
  const blocks: Buffer[] = [];
  for (const member of members) {
    const data =
      typeof member.data === 'string' ? Buffer.from(member.data) : (member.data ?? Buffer.alloc(0));
    blocks.push(tarHeader(member, data.length));
    if (data.length > 0) {
      blocks.push(data, Buffer.alloc((512 - (data.length % 512)) % 512));
    }
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

function tarHeader(member: RawTarMember, size: number): Buffer {
  const header = Buffer.alloc(512);
  const name = Buffer.from(member.name, 'utf8');
  if (name.length > 100) throw new Error(`rawTar: name too long for a plain ustar header: ${member.name}`);
  name.copy(header, 0);
  octal(member.mode ?? 0o644, 8).copy(header, 100);
  octal(0, 8).copy(header, 108);
  octal(0, 8).copy(header, 116);
  octal(size, 12).copy(header, 124);
  octal(0, 12).copy(header, 136);
  header.write(member.type ?? '0', 156, 'latin1');
  Buffer.from(member.linkname ?? '', 'utf8').copy(header, 157);
  header.write('ustar\u000000', 257, 'latin1');
  header.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 'latin1');
  return header;
}

function octal(value: number, width: number): Buffer {
  return Buffer.from(`${value.toString(8).padStart(width - 1, '0')}\u0000`, 'latin1');
}

/** One pax extended-header record, "<length> <key>=<value>\n", where the length counts its own digits. */
export function paxRecord(text: string): string {
  const body = ` ${text}\n`;
  let length = Buffer.byteLength(body);
  while (Buffer.byteLength(`${length}${body}`) !== length) length = Buffer.byteLength(`${length}${body}`);
  return `${length}${body}`;
}
