namespace QiboAccel.Cli;

/// <summary>Shows progress of long runs on stderr (only on a terminal, so piped output stays clean).</summary>
internal sealed class ConsoleProgress(string what) : IProgress<double>
{
    private readonly bool _enabled = !Console.IsErrorRedirected;
    private bool _shown;

    public void Report(double value)
    {
        if (!_enabled) return;
        _shown = true;
        Console.Error.Write($"\r{what}: {value * 100,5:0.0}%");
    }

    public void Done()
    {
        if (_shown) Console.Error.WriteLine();
    }
}
