#!/usr/bin/env python3
"""Writes the seed corpora of the jose fuzz targets (jwt_decode, jwt_verify, jwks_parse).

The keys in keys/ are throwaway fuzzing keys; jwt_verify.cc trusts their public halves (the JWKS
printed by --jwks), so the tokens below are valid for it at its clock (1700000000).
Run from anywhere: python3 fuzz/seeds/make_jose_seeds.py
"""
import base64
import hashlib
import json
import os
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "..", "corpus")
ISSUER = "https://login.microsoftonline.com/00000000-0000-0000-0000-00000000f022/v2.0"
NOW = 1700000000


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def load(name):
    with open(os.path.join(HERE, "keys", name), "rb") as f:
        return f.read()


rsa_key = serialization.load_pem_private_key(load("rsa.pem"), None)
ec_key = serialization.load_pem_private_key(load("ec.pem"), None)
rsa_cert = x509.load_pem_x509_certificate(load("rsa.crt"))
ec_cert = x509.load_pem_x509_certificate(load("ec.crt"))


def uint(n):
    return b64u(n.to_bytes((n.bit_length() + 7) // 8, "big"))


def rsa_jwk(kid, **extra):
    numbers = rsa_key.public_key().public_numbers()
    der = rsa_cert.public_bytes(serialization.Encoding.DER)
    jwk = {"kty": "RSA", "use": "sig", "kid": kid, "x5t": b64u(hashlib.sha1(der).digest()),
           "n": uint(numbers.n), "e": uint(numbers.e),
           "x5c": [base64.b64encode(der).decode()]}
    jwk.update(extra)
    return jwk


def ec_jwk(kid, **extra):
    numbers = ec_key.public_key().public_numbers()
    jwk = {"kty": "EC", "use": "sig", "kid": kid, "crv": "P-256",
           "x": b64u(numbers.x.to_bytes(32, "big")), "y": b64u(numbers.y.to_bytes(32, "big"))}
    jwk.update(extra)
    return jwk


def trusted_jwks():
    return {"keys": [rsa_jwk("fuzz-rsa", issuer=ISSUER), rsa_jwk("fuzz-rsa-ps", alg="PS256"),
                     ec_jwk("fuzz-ec", alg="ES256")]}


def sign(alg, header, claims):
    header = dict(header, alg=alg)
    signing_input = (b64u(json.dumps(header, separators=(",", ":")).encode()) + "." +
                     b64u(json.dumps(claims, separators=(",", ":")).encode())).encode()
    if alg == "RS256":
        sig = rsa_key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
    elif alg == "PS256":
        sig = rsa_key.sign(signing_input, padding.PSS(padding.MGF1(hashes.SHA256()), 32),
                           hashes.SHA256())
    elif alg == "ES256":
        r, s = decode_dss_signature(ec_key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
        sig = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    else:
        sig = b""
    return signing_input.decode() + "." + b64u(sig)


def claims(**extra):
    c = {"iss": ISSUER, "aud": "api://fuzz", "sub": "fuzz-user", "iat": NOW - 60,
         "nbf": NOW - 60, "exp": NOW + 3600, "scp": "fuzz.read fuzz.write", "tid":
         "00000000-0000-0000-0000-00000000f022", "ver": "2.0"}
    c.update(extra)
    return c


def tokens():
    rsa = {"typ": "JWT", "kid": "fuzz-rsa"}
    return {
        "rs256_valid": sign("RS256", rsa, claims()),
        "ps256_valid": sign("PS256", {"typ": "JWT", "kid": "fuzz-rsa-ps"}, claims()),
        "es256_valid": sign("ES256", {"typ": "JWT", "kid": "fuzz-ec"}, claims()),
        "aud_array": sign("RS256", rsa, claims(aud=["other", "api://fuzz"])),
        "expired": sign("RS256", rsa, claims(exp=NOW - 3600)),
        "not_yet_valid": sign("RS256", rsa, claims(nbf=NOW + 3600)),
        "wrong_issuer": sign("RS256", rsa, claims(iss="https://evil.example/v2.0")),
        "missing_sub": sign("RS256", rsa, {k: v for k, v in claims().items() if k != "sub"}),
        "alg_none": sign("none", {"typ": "JWT", "kid": "fuzz-rsa"}, claims()),
        "hs256_confusion": sign("HS256", rsa, claims())[:-1] + "AAAA",
        "kid_injection": sign("RS256", {"kid": "../../etc/passwd' OR 1=1 --"}, claims()),
        "jku_header": sign("RS256", dict(rsa, jku="https://evil.example/keys"), claims()),
        "crit_header": sign("RS256", dict(rsa, crit=["exp"]), claims()),
        "ps256_with_rs256_kid": sign("RS256", {"kid": "fuzz-rsa-ps"}, claims()),
        "string_exp": sign("RS256", rsa, claims(exp=str(NOW + 3600))),
    }


def write(target, name, data):
    folder = os.path.join(CORPUS, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "seed_" + name), "wb") as f:
        f.write(data.encode() if isinstance(data, str) else data)


def main():
    if sys.argv[1:] == ["--jwks"]:
        print(json.dumps(trusted_jwks(), separators=(",", ":")))
        return
    for name, token in tokens().items():
        write("jwt_verify", name, token)
        write("jwt_decode", name, token)
    write("jwt_decode", "base64_x5c", rsa_jwk("k")["x5c"][0])
    jwks = {
        "trusted": trusted_jwks(),
        "entra_shape": {"keys": [rsa_jwk("fuzz-rsa", issuer=ISSUER)]},
        "ec_only": {"keys": [ec_jwk("fuzz-ec")]},
        "skipped_members": {"keys": [rsa_jwk("enc", use="enc"), ec_jwk("ops", key_ops=["sign"]),
                                      {"kty": "oct", "kid": "hmac", "k": "c2VjcmV0"},
                                      ec_jwk("none", alg="none"), rsa_jwk("nokid-ignored")]},
        "alg_mismatch": {"keys": [ec_jwk("ec-rs", alg="RS256")]},
        "x5t_mismatch": {"keys": [rsa_jwk("bad-x5t", x5t=b64u(b"\0" * 20))]},
        "duplicate_kid": {"keys": [rsa_jwk("same"), ec_jwk("same")]},
        "private_member": {"keys": [ec_jwk("leak", d=b64u(b"\1" * 32))]},
        "jku_x5u": {"keys": [rsa_jwk("fuzz-rsa", jku="https://evil.example/k",
                                     x5u="https://evil.example/c")]},
        "empty": {"keys": []},
    }
    for name, document in jwks.items():
        write("jwks_parse", name, json.dumps(document, separators=(",", ":")))


if __name__ == "__main__":
    main()
