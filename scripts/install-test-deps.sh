#!/bin/sh
# System packages the test suite uses beyond PyPI: Debian's chromium, driven by Playwright
# in tests/test_browser.py. Installs it with apt-get when running as root and it is missing;
# otherwise says what to do. Never fails the build: without chromium that test is skipped
# with its reason.
set -u

if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
    echo "install-test-deps: chromium is installed"
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-test-deps: no apt-get here; install a Chromium browser by hand" \
         "(the browser test is skipped without one; set STORYWEAVE_CHROMIUM to its path)"
    exit 0
fi
if [ "$(id -u)" != "0" ]; then
    echo "install-test-deps: chromium is missing; run as root (or: sudo apt-get install chromium)" \
         "to enable the browser test, which is skipped without it"
    exit 0
fi
echo "install-test-deps: installing chromium with apt-get"
if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; then
    echo "install-test-deps: chromium installed"
else
    echo "install-test-deps: apt-get could not install chromium; the browser test will be skipped"
fi
exit 0
