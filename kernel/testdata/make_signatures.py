"""Writes signatures.json: message signatures computed by jupyter_client's
Session (the reference implementation), for kernel/message_test.go.

Run with Debian's Python: /usr/bin/python3 kernel/testdata/make_signatures.py
"""
import json
import os

from jupyter_client.session import Session

parts = [
    b'{"msg_id":"a1","session":"s","username":"u","date":"2024-01-02T03:04:05.000006Z","msg_type":"execute_request","version":"5.3"}',
    b"{}",
    b"{}",
    b'{"code":"fmt.Println(\\"h\\u00e9llo\\")","silent":false}',
]
vectors = []
for scheme in ["hmac-sha256", "hmac-sha1", "hmac-sha512", "hmac-md5"]:
    for key in [b"0123456789abcdef", b"a much longer key that is longer than the block size of sha-256, sixty-four bytes"]:
        s = Session(key=key, signature_scheme=scheme)
        vectors.append({
            "scheme": scheme,
            "key": key.decode(),
            "parts": [p.decode() for p in parts],
            "signature": s.sign(parts).decode(),
        })
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "signatures.json")
with open(out + ".tmp", "w") as f:
    json.dump(vectors, f, indent=1)
    f.write("\n")
    f.flush()
    os.fsync(f.fileno())
os.replace(out + ".tmp", out)
