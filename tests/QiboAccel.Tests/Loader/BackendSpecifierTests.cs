using QiboAccel.Discovery;

namespace QiboAccel.Tests.Loader;

public class BackendSpecifierTests
{
    [Theory]
    [InlineData("cpu", "cpu", null, "")]
    [InlineData("cpu:threads=1", "cpu", null, "threads=1")]
    [InlineData("gpu:opencl:0", "gpu", null, "opencl:0")]
    [InlineData("python@numpy", "python", null, "numpy")]
    [InlineData("python@mine;pythonpath=/abs/dir", "python", null, "mine;pythonpath=/abs/dir")]
    [InlineData("python@../../etc", "python", null, "../../etc")]
    [InlineData("./dir@2/libx.so", null, "./dir@2/libx.so", "")]
    [InlineData("./libx.so", null, "./libx.so", "")]
    [InlineData("libx.so", null, "libx.so", "")]
    [InlineData("/opt/b/x.json?threads=2", null, "/opt/b/x.json", "threads=2")]
    public void Parses(string text, string? name, string? path, string options)
    {
        var s = BackendSpecifier.Parse(text);
        Assert.Equal(name, s.Name);
        Assert.Equal(path, s.Path);
        Assert.Equal(options, s.Options);
    }

    [Theory]
    [InlineData("")]
    [InlineData("@numpy")]
    [InlineData("python@")]
    [InlineData("no good@x")]
    public void RejectsMalformed(string text) => Assert.Throws<FormatException>(() => BackendSpecifier.Parse(text));
}
