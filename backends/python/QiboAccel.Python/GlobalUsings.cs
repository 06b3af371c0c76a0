// The ABI-edge pieces every C# backend shares live in backends/kit (QiboAccel.BackendKit).
global using QiboAccel.BackendKit;
global using BridgeException = QiboAccel.BackendKit.BackendFault;
global using Handles = QiboAccel.BackendKit.Handles<QiboAccel.Python.Bridge.PythonBackend, QiboAccel.Python.Bridge.PythonState>;
