import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { memoryIO } from '../../src/cli/io.js';

describe('flatlab image (usage and input errors)', () => {
  it('keeps --version for the image version, not flatlab\'s', async () => {
    const io = memoryIO();
    const code = await main(['image', 'build', '--version', 'has space', '--out', join(tmpdir(), 'never-written')], io);
    expect(code).toBe(2);
    expect(io.text().stderr).toMatch(/version "has space" is not 1-32/);
  });

  it('rejects a bad slot size before building anything', async () => {
    const io = memoryIO();
    expect(await main(['image', 'build', '--slot-size', 'big'], io)).toBe(2);
    expect(io.text().stderr).toMatch(/--slot-size big is not a whole number of MiB/);
  });

  it('update and status name a disk that is not a FlatRacoon OS disk', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flatlab-image-cli-'));
    try {
      await writeFile(join(dir, 'not-a-disk.img'), Buffer.alloc(64 * 1024));
      await writeFile(join(dir, 'root.squashfs'), Buffer.from('hsqs-not-really'));
      const io = memoryIO();
      expect(await main(['image', 'status', '--disk', join(dir, 'not-a-disk.img')], io)).toBe(2);
      expect(io.text().stderr).toMatch(/has no GPT header \[image.update.not-gpt\]/);
      const io2 = memoryIO();
      expect(await main(['image', 'update', '--disk', join(dir, 'not-a-disk.img'), '--root', join(dir, 'missing.squashfs')], io2)).toBe(2);
      expect(io2.text().stderr).toMatch(/cannot read .*missing.squashfs/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
