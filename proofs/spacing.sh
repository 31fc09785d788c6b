#!/bin/bash
# proofs/spacing.sh: Frama-C WP proof of the contracts of spec/ddpm_spacing.h
# as implemented in common/spacing.c (round-half-even and the leading,
# trailing and linspace timestep spacings), runtime errors included
# (-wp-rte with -warn-signed-downcast: no int/long long overflow, every cast
# to int in range). Provers: z3 + cvc4 (Debian 12: frama-c-base 25,
# why3 1.5.1, z3 4.8.12, cvc4 1.8); about 40 s on 2 cores.
#
# Prints WP's "[wp] Proved goals: N / M" line and exits 0 only if N == M > 0.
# Uses $WHY3CONFIG if it is set and names an existing file; otherwise builds a
# private Why3 config in proofs/out/ with proofs/why3/setup.sh.
# Full WP output: proofs/out/spacing.log.
set -u
cd "$(dirname "$0")/.." || exit 2

out=proofs/out
mkdir -p "$out" || exit 2

if [ -n "${WHY3CONFIG:-}" ] && [ -f "$WHY3CONFIG" ]; then
  export WHY3CONFIG
else
  conf=$out/why3-spacing.conf
  tmp=$out/why3-spacing.conf.$$
  if ! sh proofs/why3/setup.sh "$PWD/$tmp" >/dev/null 2>&1 || [ ! -s "$tmp" ]; then
    rm -f "$tmp"
    echo "spacing.sh: could not build a Why3 config with proofs/why3/setup.sh" >&2
    exit 2
  fi
  mv -f "$tmp" "$conf"
  export WHY3CONFIG=$PWD/$conf
fi

log=$out/spacing.log
frama-c -machdep gcc_x86_64 -warn-signed-downcast \
  -cpp-extra-args="-Ispec" common/spacing.c \
  -wp -wp-rte -wp-prover z3,cvc4 -wp-timeout 30 -wp-par 2 -wp-cache none \
  >"$log" 2>&1
rc=$?

line=$(grep -E '^\[wp\] Proved goals:' "$log" | tail -n 1)
if [ -z "$line" ]; then
  tail -n 20 "$log" >&2
  echo "spacing.sh: no \"Proved goals\" line (frama-c exit $rc); see $log" >&2
  exit 1
fi
echo "$line"

read -r proved total < <(sed -E 's/.*Proved goals: *([0-9]+) *\/ *([0-9]+).*/\1 \2/' <<<"$line")
if [ "$rc" -ne 0 ] || [ "$proved" -le 0 ] || [ "$proved" -ne "$total" ]; then
  # show what is not proved
  awk '/^\[wp\] \[(Failed|Unknown|Timeout|Stepout)\]|^\[wp\] Goal .*: not tried/ { show = 1; print; next }
       show && /^  / { print; next }
       { show = 0 }' "$log" >&2
  echo "spacing.sh: FAILED ($proved / $total goals proved, frama-c exit $rc); see $log" >&2
  exit 1
fi
exit 0
