#!/usr/bin/python3
"""dev_certificate.py DIR: a self-signed development certificate for localhost, made once.

Writes DIR/dev.pem (certificate + key, what HAProxy loads) and DIR/dev-cert.pem (the certificate
alone, for clients: NODE_EXTRA_CA_CERTS, curl --cacert). Keeps existing files."""
import datetime
import ipaddress
import os
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

folder = sys.argv[1]
bundle, certificate_only = os.path.join(folder, "dev.pem"), os.path.join(folder, "dev-cert.pem")
if os.path.exists(bundle) and os.path.exists(certificate_only):
    print(f"keeping {bundle}")
    sys.exit(0)

key = ec.generate_private_key(ec.SECP256R1())
name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
now = datetime.datetime.now(datetime.timezone.utc)
certificate = (
    x509.CertificateBuilder()
    .subject_name(name)
    .issuer_name(name)
    .public_key(key.public_key())
    .serial_number(x509.random_serial_number())
    .not_valid_before(now - datetime.timedelta(minutes=5))
    .not_valid_after(now + datetime.timedelta(days=365))
    .add_extension(
        x509.SubjectAlternativeName(
            [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.IPAddress(ipaddress.ip_address("::1"))]
        ),
        critical=False,
    )
    .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
    .sign(key, hashes.SHA256())
)
certificate_pem = certificate.public_bytes(serialization.Encoding.PEM)
key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
os.makedirs(folder, exist_ok=True)
with open(certificate_only, "wb") as out:
    out.write(certificate_pem)
# Readable by HAProxy's own user in its container; a development key, never a real one.
with open(bundle, "wb") as out:
    out.write(certificate_pem + key_pem)
os.chmod(bundle, 0o644)
print(f"wrote {bundle} and {certificate_only}")
