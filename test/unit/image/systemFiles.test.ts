import { describe, expect, it } from 'vitest';
import { PARTUUID } from '../../../image/partitions.ts';
import { renderSystemFiles } from '../../../image/systemFiles.ts';

const files = Object.fromEntries(renderSystemFiles().map((f) => [f.path, f.text]));

describe("the image's system files", () => {
  it('mount the shared data partition and the ESP by PARTUUID, and the writable places the services need', () => {
    const fstab = files['/etc/fstab']!.split('\n');
    // Executable: the DHCP clients run the lease hooks the agent writes there.
    expect(fstab).toContain(`PARTUUID=${PARTUUID.data} /var/lib/tibox ext4 defaults,noatime,nosuid,nodev 0 2`);
    expect(fstab.some((l) => l.startsWith(`PARTUUID=${PARTUUID.esp} /boot/efi vfat `))).toBe(true);
    expect(fstab).toContain('/var/lib/tibox/webui /var/lib/tibox-web none bind,x-systemd.requires-mounts-for=/var/lib/tibox 0 0');
    for (const dir of ['/tmp', '/var/tmp', '/var/log']) expect(fstab.some((l) => l.startsWith(`tmpfs ${dir} tmpfs `)), dir).toBe(true);
  });

  it('keep the journal in memory with a bound', () => {
    expect(files['/etc/systemd/journald.conf.d/tibox.conf']).toContain('Storage=volatile\nRuntimeMaxUse=16M\n');
  });

  it("run charon on kernel XFRM, its systemd daemon reading charon's settings", () => {
    const conf = files['/etc/strongswan.conf']!;
    expect(conf).toMatch(/load = .*kernel-netlink/);
    expect(conf).not.toContain('kernel-libipsec');
    expect(conf).toContain('install_routes = no');
    expect(conf).toContain('charon-systemd : charon {\n}\n');
  });

  it("name the reference machine's ports as the agent's config does", () => {
    expect(files['/etc/systemd/network/10-tibox-wan0.link']).toContain('[Match]\nPath=pci-0000:00:10.0\n\n[Link]\nName=wan0\n');
    expect(files['/etc/systemd/network/11-tibox-lan0.link']).toContain('Name=lan0');
    expect(files['/etc/systemd/network/12-tibox-term0.link']).toContain('Name=term0');
  });

  it('let the initramfs mount a squashfs slot', () => {
    expect(files['/etc/initramfs-tools/modules']!.split('\n')).toContain('squashfs');
  });
});
