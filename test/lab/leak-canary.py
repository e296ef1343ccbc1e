#!/usr/bin/env python3
# Sends one packet that looks exactly like a leak: a practice host's UDP packet to a TI address,
# in clear, written straight onto a link (AF_PACKET), past the box's routing and firewall. A leak
# capture that sees it can see a real one. The Ethernet destination is broadcast, so the router on
# the far side records it but never forwards it (Linux forwards only frames addressed to it).
# Usage: leak-canary.py DEV SOURCE DESTINATION PORT
import socket
import struct
import sys


def checksum(data: bytes) -> int:
    total = sum(struct.unpack(f'!{len(data) // 2}H', data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def main() -> None:
    dev, source, destination, port = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    payload = b'tibox leak canary'
    udp = struct.pack('!HHHH', port, port, 8 + len(payload), 0) + payload
    header = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 0, 0x4000, 64, socket.IPPROTO_UDP, 0,
                         socket.inet_aton(source), socket.inet_aton(destination))
    ip = header[:10] + struct.pack('!H', checksum(header)) + header[12:] + udp
    with open(f'/sys/class/net/{dev}/address') as f:
        own_mac = bytes.fromhex(f.read().strip().replace(':', ''))
    frame = b'\xff' * 6 + own_mac + b'\x08\x00' + ip
    with socket.socket(socket.AF_PACKET, socket.SOCK_RAW) as s:
        s.bind((dev, 0))
        s.send(frame)


main()
