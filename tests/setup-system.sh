#!/usr/bin/env bash
# Installs the system packages the test suite needs (idempotent, quiet; exit 0 when already present).
#   chromium: tests/integration/test_report_chromium.py opens the quarterly report in headless Chromium.
set -euo pipefail
if [ ! -x /usr/bin/chromium ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive DEBCONF_NOWARNINGS=yes
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core fonts-liberation >/dev/null
fi
exit 0
