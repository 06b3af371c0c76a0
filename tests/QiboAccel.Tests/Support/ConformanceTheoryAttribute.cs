using QiboAccel.Conformance;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace QiboAccel.Tests.Support;

/// <summary>
/// A theory whose rows end as <b>skipped, with the reason</b> when they throw <see cref="ConformanceNotApplicable"/>
/// (e.g. a complex64 case on a complex128-only backend) instead of passing silently or failing. xunit 2 has no
/// dynamic skip, so the discoverer wraps each row in <see cref="NotApplicableTestCase"/>, which turns the failure
/// message of that one exception into a skip message carrying the exception's text.
/// </summary>
[XunitTestCaseDiscoverer("QiboAccel.Tests.Support.NotApplicableTheoryDiscoverer", "QiboAccel.Tests")]
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class ConformanceTheoryAttribute : TheoryAttribute;

/// <summary>xunit's theory discoverer, producing test cases that report <see cref="ConformanceNotApplicable"/> as skipped.</summary>
public sealed class NotApplicableTheoryDiscoverer(IMessageSink diagnosticMessageSink) : TheoryDiscoverer(diagnosticMessageSink)
{
    protected override IEnumerable<IXunitTestCase> CreateTestCasesForDataRow(ITestFrameworkDiscoveryOptions discoveryOptions,
        ITestMethod testMethod, IAttributeInfo theoryAttribute, object[] dataRow) =>
        [new NotApplicableTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, dataRow)];

    protected override IEnumerable<IXunitTestCase> CreateTestCasesForTheory(ITestFrameworkDiscoveryOptions discoveryOptions,
        ITestMethod testMethod, IAttributeInfo theoryAttribute) =>
        [new NotApplicableTheoryTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod)];
}

/// <summary>One theory row (data known at discovery) whose <see cref="ConformanceNotApplicable"/> is a skip.</summary>
public sealed class NotApplicableTestCase : XunitTestCase
{
    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public NotApplicableTestCase()
    {
    }

    public NotApplicableTestCase(IMessageSink sink, TestMethodDisplay display, TestMethodDisplayOptions options, ITestMethod method, object[] arguments)
        : base(sink, display, options, method, arguments)
    {
    }

    public override async Task<RunSummary> RunAsync(IMessageSink diagnosticMessageSink, IMessageBus messageBus, object[] constructorArguments,
        ExceptionAggregator aggregator, CancellationTokenSource cancellationTokenSource)
    {
        var bus = new NotApplicableMessageBus(messageBus);
        RunSummary summary = await base.RunAsync(diagnosticMessageSink, bus, constructorArguments, aggregator, cancellationTokenSource);
        return bus.Adjust(summary);
    }
}

/// <summary>A theory whose data is only known at run time, with the same treatment of <see cref="ConformanceNotApplicable"/>.</summary>
public sealed class NotApplicableTheoryTestCase : XunitTheoryTestCase
{
    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public NotApplicableTheoryTestCase()
    {
    }

    public NotApplicableTheoryTestCase(IMessageSink sink, TestMethodDisplay display, TestMethodDisplayOptions options, ITestMethod method)
        : base(sink, display, options, method)
    {
    }

    public override async Task<RunSummary> RunAsync(IMessageSink diagnosticMessageSink, IMessageBus messageBus, object[] constructorArguments,
        ExceptionAggregator aggregator, CancellationTokenSource cancellationTokenSource)
    {
        var bus = new NotApplicableMessageBus(messageBus);
        RunSummary summary = await base.RunAsync(diagnosticMessageSink, bus, constructorArguments, aggregator, cancellationTokenSource);
        return bus.Adjust(summary);
    }
}

/// <summary>Passes every message on, except that a test failed by <see cref="ConformanceNotApplicable"/> is reported as skipped with its message.</summary>
internal sealed class NotApplicableMessageBus(IMessageBus inner) : IMessageBus
{
    private static readonly string SkipType = typeof(ConformanceNotApplicable).FullName!;

    private int _skipped;

    public bool QueueMessage(IMessageSinkMessage message)
    {
        if (message is ITestFailed failed && failed.ExceptionTypes.FirstOrDefault() == SkipType)
        {
            Interlocked.Increment(ref _skipped);
            string reason = failed.Messages.FirstOrDefault() ?? "not applicable";
            int colon = reason.IndexOf(SkipType + " : ", StringComparison.Ordinal);
            if (colon >= 0) reason = reason[(colon + SkipType.Length + 3)..];
            return inner.QueueMessage(new TestSkipped(failed.Test, $"not applicable: {reason}"));
        }
        return inner.QueueMessage(message);
    }

    /// <summary>The run's summary with the rewritten failures counted as skips.</summary>
    public RunSummary Adjust(RunSummary summary)
    {
        summary.Failed -= _skipped;
        summary.Skipped += _skipped;
        return summary;
    }

    public void Dispose()
    {
    }
}
