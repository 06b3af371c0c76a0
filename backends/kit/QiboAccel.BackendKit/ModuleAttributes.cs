// Locals are not zeroed on entry (as in the cpu backend): record decoding and fusion run once per gate. Nothing here
// reads stack memory before writing it: every stackalloc is filled before use (keep it so).
[module: System.Runtime.CompilerServices.SkipLocalsInit]
