"""A self-signed certificate for the embedded broker, made when it starts (``cryptography``).

No certificate authority knows it, so the stations do not ask one: the URL the instructor hands
out carries the certificate's SHA-256 fingerprint (``?fp=``) and a station accepts exactly that
certificate (pressure/classroom/tls.py). The key never leaves this machine: it is written to a
private temporary folder for amqtt to load and removed when the broker stops.
"""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import os
from pathlib import Path


def make_certificate(folder: Path, names: list[str], days: int = 7) -> tuple[Path, Path, str]:
    """(certificate file, key file, SHA-256 fingerprint of the certificate, hex) in ``folder``."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "pressure classroom broker")])
    alt = []
    for n in dict.fromkeys(names):
        try:
            alt.append(x509.IPAddress(ipaddress.ip_address(n)))
        except ValueError:
            alt.append(x509.DNSName(n))
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=days))
            .add_extension(x509.SubjectAlternativeName(alt), critical=False)
            .sign(key, hashes.SHA256()))
    der = cert.public_bytes(serialization.Encoding.DER)
    cert_file, key_file = folder / "broker.crt", folder / "broker.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    return cert_file, key_file, hashlib.sha256(der).hexdigest()
