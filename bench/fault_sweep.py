"""The fault sweep's table: every recorded operation x every fault class, over the five states (the four
account audits and the log-archive account judging a member's bucket and key as an --org run's guests).

    .venv/bin/python bench/fault_sweep.py            # prints the table and the totals (Markdown)

Same machinery as tests/faults (the test asserts the invariant; this prints what happened). Each cell is
"unchanged/to ERROR/still FAIL on other evidence" findings summed over the states where the operation
was called, and "!" with the count when the invariant broke. "-" means the fault class does not apply
(an empty answer is a valid answer of that operation, see tests/faults/sweep.py EMPTY_IS_VALID).
"""
from __future__ import annotations

import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "faults")]


def main() -> int:
    from testkit.env import install_fake_credentials

    install_fake_credentials()
    from sandbox.emulator import Emulator
    from states import build_states, live_controls
    from sweep import FAULTS, sweep

    start = time.perf_counter()
    with Emulator() as em:
        em.reset()
        states = build_states(em.endpoint_url, live_controls())
    built = time.perf_counter() - start
    cells: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # unchanged, to ERROR, FAIL', broken
    runs, violations, per_state = 0, [], {}
    start = time.perf_counter()
    for name, state in states.items():
        t0 = time.perf_counter()
        _, verdicts = sweep(state.calls, state.account_id, live_controls(), state.collected_at, guests=state.guests)
        per_state[name] = (len({v.op for v in verdicts}), len(verdicts), time.perf_counter() - t0)
        for v in verdicts:
            runs += 1
            cell = cells[(v.op, v.fault)]
            cell[0] += v.unchanged
            cell[1] += v.to_error
            cell[2] += v.fail_other_evidence
            cell[3] += len(v.violations)
            violations += v.violations
    swept = time.perf_counter() - start
    ops = sorted({op for op, _ in cells})
    print("| operation | " + " | ".join(FAULTS) + " |")
    print("|---|" + "---|" * len(FAULTS))
    for op in ops:
        row = []
        for fault in FAULTS:
            c = cells.get((op, fault))
            row.append("-" if c is None else f"{c[0]}/{c[1]}/{c[2]}" + (f" !{c[3]}" if c[3] else ""))
        print(f"| {op[0]}:{op[1]} | " + " | ".join(row) + " |")
    total = [sum(c[i] for c in cells.values()) for i in range(4)]
    print()
    for name, (n_ops, n_runs, secs) in per_state.items():
        print(f"- {name}: {n_ops} operations, {n_runs} faulted runs, {secs:.1f} s")
    print(f"\nTotals: {len(ops)} operations, {runs} faulted runs; findings unchanged {total[0]}, turned ERROR "
          f"naming the API {total[1]}, still FAIL on other evidence {total[2]}, invariant broken {total[3]}. "
          f"States built in {built:.1f} s, swept in {swept:.1f} s.")
    for v in violations[:20]:
        print(f"  ! {v}")
    return 1 if violations else 0


if __name__ == "__main__":
    raise SystemExit(main())
