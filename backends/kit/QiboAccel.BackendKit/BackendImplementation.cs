namespace QiboAccel.BackendKit;

/// <summary>
/// A backend library's behaviour behind the kit's exports. The library's entry point (its
/// <c>qibo_backend_get_api</c>) hands one instance to <see cref="ApiTable.Answer"/>; from then on every slot of the
/// function table checks its arguments in the kit and dispatches here. So the edge — argument checks, handles,
/// error objects, the circuit validator — is the same code in every C# backend, and only the behaviour differs.
/// </summary>
public abstract class BackendImplementation
{
    /// <summary>
    /// backend_create: a backend instance configured by <paramref name="options"/> (the caller's UTF-8 string; ""
    /// for NULL). Throw a <see cref="BackendFault"/> naming the offending option for bad options.
    /// </summary>
    public abstract BackendInstance CreateBackend(string options);

    /// <summary>
    /// The slots the ABI lets a backend leave NULL that this library fills. The kit puts a slot in the table only
    /// when its flag is here, and the matching <see cref="BackendState"/> method must then be overridden. Later
    /// minor versions add flags (and virtual members) for their new optional slots, so a library that does not
    /// implement them keeps compiling and hands out NULL for them.
    /// </summary>
    public virtual OptionalSlots OptionalSlots => OptionalSlots.None;
}

/// <summary>Table slots a backend may leave NULL ("not supported"; the host falls back where it can).</summary>
[Flags]
public enum OptionalSlots
{
    /// <summary>Only the required slots.</summary>
    None = 0,

    /// <summary>state_reset (<see cref="BackendState.Reset"/>); the host falls back to set_amplitudes.</summary>
    StateReset = 1,

    /// <summary>state_probabilities (<see cref="BackendState.Probabilities"/>); the host falls back to the amplitudes.</summary>
    StateProbabilities = 2,

    /// <summary>state_sample (<see cref="BackendState.Sample"/>); the host falls back to the amplitudes.</summary>
    StateSample = 4,

    /// <summary>Every optional slot of ABI 1.0.</summary>
    AllOf1_0 = StateReset | StateProbabilities | StateSample,

    /// <summary>state_copy (ABI 1.1, <see cref="BackendState.CopyTo"/>); the host falls back to amplitudes.</summary>
    StateCopy = 8,

    /// <summary>state_inner_product (ABI 1.1, <see cref="BackendState.InnerProduct"/>); the host falls back to amplitudes.</summary>
    StateInnerProduct = 16,

    /// <summary>state_expectation (ABI 1.1, <see cref="BackendState.Expectation"/>); the host falls back to amplitudes.</summary>
    StateExpectation = 32,

    /// <summary>Every optional slot up to ABI 1.1.</summary>
    AllOf1_1 = AllOf1_0 | StateCopy | StateInnerProduct | StateExpectation,
}
