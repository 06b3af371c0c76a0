// The ABI-edge pieces every C# backend shares live in backends/kit (QiboAccel.BackendKit).
global using QiboAccel.BackendKit;
global using BridgeException = QiboAccel.BackendKit.BackendFault;
