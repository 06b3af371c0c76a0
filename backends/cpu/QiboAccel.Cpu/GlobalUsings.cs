// The ABI-edge pieces every C# backend shares live in backends/kit (QiboAccel.BackendKit).
global using QiboAccel.BackendKit;
global using CpuException = QiboAccel.BackendKit.BackendFault;
global using Handles = QiboAccel.BackendKit.Handles<QiboAccel.Cpu.CpuBackend, QiboAccel.Cpu.StateVector>;
