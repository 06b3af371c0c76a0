// Locals are not zeroed on entry: a 10-qubit circuit's per-gate kernel setup (job structs of a few hundred bytes,
// copied through the dispatch layers) spent a tenth of its time clearing stack frames it then overwrote. Nothing
// here reads stack memory before writing it: every stackalloc is filled before use (checked when this was added;
// keep it so), and C#'s definite assignment covers everything else.
[module: System.Runtime.CompilerServices.SkipLocalsInit]
