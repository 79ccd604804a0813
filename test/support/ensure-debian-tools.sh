#!/usr/bin/env bash
# The Debian tools some tests use, installed when missing, so `npm ci && npm test` is all the set-up
# a fresh machine needs (npm runs this before `npm test`; .ci/run too). Quick when all are present.
#   jing                      validates our Atom output against RFC 4287's RELAX NG schema
#   python3-feedparser        reads our feeds as a real feed reader would
#   chromium                  runs GraphiQL in the browser test (playwright-core drives it)
#   fonts-lohit-beng-bengali  so that test's screenshot shows Bengali rather than empty boxes
#   docker-compose            validates docker-compose.yml offline (no Docker engine runs here)
# Without root or apt-get it only says what is missing: the tests that need a tool say so too.
set -u
missing=()
command -v jing >/dev/null 2>&1 || missing+=(jing)
/usr/bin/python3 -c 'import feedparser' >/dev/null 2>&1 || missing+=(python3-feedparser)
[ -x /usr/bin/chromium ] || missing+=(chromium)
fc-list :lang=bn 2>/dev/null | grep -q . || missing+=(fonts-lohit-beng-bengali)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "missing Debian packages (install them to run every test): ${missing[*]}" >&2
  exit 0
fi
echo "installing Debian packages the tests use: ${missing[*]}" >&2
if ! (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") >/dev/null 2>&1; then
  echo "warning: could not install ${missing[*]}" >&2
fi
exit 0
