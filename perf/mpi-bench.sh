#!/usr/bin/env bash
# perf/mpi-bench.sh [LO HI [GATES]] — the mpi mode's communication benchmark: n = LO..HI qubits (default 24..27) on
# 1, 2 and 4 ranks of this machine, complex128. Prints one JSON line per (ranks, n) and a Markdown table.
#   RANKS="1 2" perf/mpi-bench.sh 24 26      (other rank counts)
# Keep 2^HI amplitudes within what the machine can spare: each rank holds 2^n / ranks of them, plus 2 x 16 MiB of
# exchange buffers per rank.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lo="${1:-24}" hi="${2:-27}" gates="${3:-8}"
"$root/qiboaccel" build >&2
dotnet build "$root/perf/QiboAccel.MpiBench" -c Release -nologo -v quiet >&2
bench="$root/perf/QiboAccel.MpiBench/bin/Release/net10.0/QiboAccel.MpiBench.dll"
out="$(mktemp -d)"
unset TERM # mpirun gives ranks a pseudo-terminal; .NET would write terminal set-up sequences into the output
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl_vader_single_copy_mechanism=none
for ranks in ${RANKS:-1 2 4}; do
  echo "perf/mpi-bench.sh: $ranks rank(s), $lo..$hi qubits" >&2
  QIBO_MPI_STATS="$out/stats-$ranks" mpirun -np "$ranks" --oversubscribe \
    dotnet "$bench" "$root/build/backends/mpi.json" "$lo" "$hi" "$gates" | sed "s/^{/{\"ranks\":$ranks,/" | tee -a "$out/rows.jsonl"
done
python3 - "$out/rows.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
mib = lambda b: b / 2**20
print("\n| ranks | n | local gate | global gate | sent per global gate (per rank) | QFT | QFT exchanges, sent per rank | random (10n gates) | random exchanges, sent per rank |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for r in rows:
    print(f"| {r['ranks']} | {r['qubits']} | {r['local_gate_ms']:.1f} ms | {r['global_gate_ms']:.1f} ms | {mib(r['global_bytes_per_gate']):.0f} MiB "
          f"| {r['qft_seconds']:.2f} s | {r['qft_exchanges']}, {mib(r['qft_bytes']):.0f} MiB | {r['random_seconds']:.2f} s | {r['random_exchanges']}, {mib(r['random_bytes']):.0f} MiB |")
PY
rm -rf "$out"
