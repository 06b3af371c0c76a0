// Ported from abi/include/qibo/backend.h (opaque handles).
namespace QiboAccel.Abi;

/// <summary>Opaque qibo_error; only ever used through a pointer.</summary>
public struct QiboError { }

/// <summary>Opaque qibo_backend; only ever used through a pointer.</summary>
public struct QiboBackend { }

/// <summary>Opaque qibo_state; only ever used through a pointer.</summary>
public struct QiboState { }
