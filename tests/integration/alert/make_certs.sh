#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Test PKI for the webhook TLS tests (not a product component), made fresh in DIR with
# openssl: ca.pem (signs server.pem for 127.0.0.1/localhost and client.pem), other-ca.pem
# (a CA that signed nothing here: verification against it must fail), capath/ (ca.pem
# under its subject hash, for CURLOPT_CAPATH). Keys are unencrypted, the certs live a day.
set -euo pipefail
d=${1:?usage: $0 DIR}
mkdir -p "$d/capath"
cd "$d"
q() { openssl "$@" >/dev/null 2>&1; }
q req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
  -subj "/CN=ward test CA" -keyout ca.key -out ca.pem
q req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
  -subj "/CN=ward other CA" -keyout other-ca.key -out other-ca.pem
for who in server client; do
  q req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=ward test $who" \
    -keyout "$who.key" -out "$who.csr"
done
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >server.ext
printf 'extendedKeyUsage=clientAuth\n' >client.ext
for who in server client; do
  q x509 -req -in "$who.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 1 \
    -extfile "$who.ext" -out "$who.pem"
done
cp ca.pem capath/
q rehash capath
ls capath/*.0 >/dev/null
