#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the BENCH lines of one guest run into results/bench.md and
results/bench.png, and print pass/fail for each target.

usage: report.py BENCH_LOG OUT_DIR MACHINE_DESCRIPTION
"""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def parse(path):
    rows = []
    for line in open(path, errors="replace"):
        line = line.strip()
        if not line.startswith("BENCH "):
            continue
        kind, *fields = line.split()[1:]
        row = {"type": kind}
        for f in fields:
            k, _, v = f.partition("=")
            row[k] = int(v) if v.isdigit() else v
        rows.append(row)
    return rows


def fit(xs, ys):
    """Least squares y = a + b x; returns a, b, R^2."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    b = sxy / sxx
    a = my - b * mx
    ss_res = sum((y - a - b * x) ** 2 for x, y in zip(xs, ys))
    ss_tot = sum((y - my) ** 2 for y in ys)
    return a, b, 1 - ss_res / ss_tot if ss_tot else 1.0


def main():
    log, out, machine = sys.argv[1], sys.argv[2], sys.argv[3]
    rows = parse(log)
    if not any(r["type"] == "done" for r in rows):
        sys.exit("report: the benchmark did not finish (no 'BENCH done')")
    info = next(r for r in rows if r["type"] == "info")
    persist = [r for r in rows if r["type"] == "persist"]
    faults = [r for r in rows if r["type"] == "fault"]
    act = [r for r in rows if r["type"] == "activate"]
    where = (f"Measured on {machine}; the guest ran under QEMU TCG (no KVM), pmem "
             "emulated with memmap=. Absolute times are emulation times, not pmem "
             "latencies: only the ratios, measured side by side in one run, mean "
             "anything.")
    md = ["# daxfile benchmark", "", where, "",
          f"Flush instruction: {info['flush']}; {info['n']} updates per method and size.", ""]
    targets = []

    names = {
        "pwrite_fdatasync": "(1) pwrite + fdatasync",
        "msync": "(2) MAP_SHARED store + msync(MS_SYNC)",
        "map_sync": "(3) MAP_SYNC (fallocated file) + flush + sfence",
        "static": "(4) static-dax mapping + flush + sfence",
        "floor": "(5) floor: faulted-in mapping + flush + sfence",
    }
    md += ["## Persistence latency per update (TCG guest)", "",
           "| update | method | median ns | p99 ns | median / floor | p99 / floor |",
           "|---|---|---:|---:|---:|---:|"]
    ratio = {}
    for size in sorted({r["size"] for r in persist}):
        by = {r["method"]: r for r in persist if r["size"] == size}
        floor = by["floor"]
        for m in names:
            r = by[m]
            rm = r["median_ns"] / max(floor["median_ns"], 1)
            rp = r["p99_ns"] / max(floor["p99_ns"], 1)
            ratio[(size, m)] = rm
            md.append(f"| {size} B | {names[m]} | {r['median_ns']} | {r['p99_ns']} | "
                      f"{rm:.2f}x | {rp:.2f}x |")
        st = ratio[(size, "static")]
        targets.append((f"static-dax persist <= 1.1x the floor ({size} B, median)",
                        st <= 1.1, f"{st:.2f}x"))
    sp = ratio[(64, "pwrite_fdatasync")] / ratio[(64, "static")]
    targets.append(("static-dax >= 100x faster than pwrite + fdatasync (64 B, median)",
                    sp >= 100, f"{sp:.0f}x"))
    md.append("")

    md += ["## First-touch write faults, 64 MiB mapping, every 4 KiB page touched", "",
           "| file | mapping | faults | ns per fault | ns per page | per page / static |",
           "|---|---|---:|---:|---:|---:|"]
    for mapping in ("4K", "2M"):
        by = {r["kind"]: r for r in faults if r["mapping"] == mapping}
        base = by["static"]["ns_per_page"] or 1
        for k in ("map_sync_unwritten", "map_sync_written", "static"):
            r = by[k]
            md.append(f"| {k.replace('_', ' ')} | {mapping} | {r['faults']} | "
                      f"{r['ns_per_fault']} | {r['ns_per_page']} | "
                      f"{r['ns_per_page'] / base:.2f}x |")
    md.append("")

    md += ["## Activation: daxctl(DAXCTL_F_STATIC) vs FIBMAP loop vs FIEMAP walk", "",
           "| layout | size | extents | enable ms | FIBMAP ms | FIEMAP ms | "
           "enable / FIBMAP | enable ns per block |",
           "|---|---:|---:|---:|---:|---:|---:|---:|"]
    worst = 0
    fits = {}
    for layout in ("contiguous", "fragmented"):
        rs = sorted((r for r in act if r["layout"] == layout), key=lambda r: r["size"])
        for r in rs:
            q = r["enable_ns"] / r["fibmap_ns"]
            worst = max(worst, q)
            md.append(f"| {layout} | {r['size'] >> 20} MiB | {r['extents']} | "
                      f"{r['enable_ns'] / 1e6:.1f} | {r['fibmap_ns'] / 1e6:.1f} | "
                      f"{r['fiemap_ns'] / 1e6:.2f} | {q:.2f}x | "
                      f"{r['enable_ns'] / r['blocks']:.0f} |")
        a, b, r2 = fit([r["blocks"] for r in rs], [r["enable_ns"] for r in rs])
        fits[layout] = (a, b, r2)
        targets.append((f"activation linear in size, {layout} (R^2 >= 0.99)", r2 >= 0.99,
                        f"R^2 = {r2:.4f}, {b:.0f} ns per block + {a / 1e6:.1f} ms"))
    targets.append(("activation <= 1.2x the FIBMAP loop (every size and layout)",
                    worst <= 1.2, f"worst {worst:.2f}x"))
    md.append("")
    md += ["The fragmented files are made by punching every other 64 KiB chunk out "
           "of a written file, letting a filler file take the freed blocks and "
           "writing the chunks again; the extents column shows how fragmented "
           "each one really became (ext4 may place the refill contiguously).", ""]
    md += ["Linear fits of enable time against blocks: " + "; ".join(
        f"{k}: {b:.0f} ns/block + {a / 1e6:.1f} ms, R^2 = {r2:.4f}"
        for k, (a, b, r2) in fits.items()) + ".", ""]

    md += ["## Targets", "", "| target | result | measured |", "|---|---|---|"]
    for name, ok, got in targets:
        md.append(f"| {name} | {'PASS' if ok else 'MISS'} | {got} |")
    md += ["", where, "", "Plot: bench.png (same run).", ""]
    open(f"{out}/bench.md", "w").write("\n".join(md))

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 5))
    ms = list(names)
    for i, size in enumerate(sorted({r["size"] for r in persist})):
        ax1.bar([x + i * 0.4 for x in range(len(ms))], [ratio[(size, m)] for m in ms],
                width=0.4, label=f"{size} B updates")
    ax1.set_xticks([x + 0.2 for x in range(len(ms))])
    ax1.set_xticklabels(["pwrite+\nfdatasync", "store+\nmsync", "MAP_SYNC\n+flush",
                         "static-dax\n+flush", "floor"])
    ax1.set_yscale("log")
    ax1.set_ylabel("median latency / floor (log)")
    ax1.set_title("Persistence cost per update, ratio to the floor")
    ax1.legend()
    for layout, style in (("contiguous", "-"), ("fragmented", "--")):
        rs = sorted((r for r in act if r["layout"] == layout), key=lambda r: r["size"])
        xs = [r["size"] >> 20 for r in rs]
        for key, label in (("enable_ns", "daxctl enable"), ("fibmap_ns", "FIBMAP loop"),
                           ("fiemap_ns", "FIEMAP walk")):
            ax2.plot(xs, [r[key] / 1e6 for r in rs], style, marker="o",
                     label=f"{label}, {layout}")
    ax2.set_xscale("log", base=2)
    ax2.set_yscale("log")
    ax2.set_xlabel("file size (MiB)")
    ax2.set_ylabel("time (ms, TCG guest)")
    ax2.set_title("Activation cost")
    ax2.legend(fontsize=7)
    fig.suptitle("daxfile, one run under QEMU TCG: compare ratios, not absolute times",
                 fontsize=10)
    fig.tight_layout()
    fig.savefig(f"{out}/bench.png", dpi=110)

    for name, ok, got in targets:
        print(f"bench: {'PASS' if ok else 'MISS'}: {name}: {got}")


if __name__ == "__main__":
    main()
