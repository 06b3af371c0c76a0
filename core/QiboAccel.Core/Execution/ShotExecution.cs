namespace QiboAccel.Execution;

/// <summary>
/// How a state-vector circuit with mid-circuit measurement, reset, <c>if</c> or noise trajectories runs its shots.
/// Both give the same shots for the same seed (each shot draws from its own stream, see <see cref="HostRandom"/>).
/// </summary>
public enum ShotExecution
{
    /// <summary>
    /// Shot branching (the default): the circuit runs once for all shots; at a measurement, reset or noise channel the
    /// shots split among the outcomes they draw and each distinct outcome continues on its own state.
    /// </summary>
    Branching,

    /// <summary>The circuit runs once per shot, from the start (to compare with branching).</summary>
    PerShot,
}
