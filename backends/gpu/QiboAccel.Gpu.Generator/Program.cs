using System.Reflection;
using System.Text;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.OpenCL;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;
using QiboAccel.Gpu.Kernels;
using QiboAccel.Gpu.Launch;

namespace QiboAccel.Gpu.Generator;

/// <summary>
/// Usage: QiboAccel.Gpu.Generator OUTPUT.cs. Compiles every kernel of <see cref="StateKernels"/> in each of its
/// variants (<see cref="Variants"/>: complex128 and complex64; reductions also complex64 summed in double) to OpenCL C
/// and to PTX for each <see cref="PtxTargets"/> entry, checks each argument layout against
/// <see cref="KernelAbi"/>, and writes the C# source (kernel texts, ids, typed launch wrappers) that libqibo_gpu.so
/// compiles in. Exit code 1 and a message in MSBuild's error format on any mismatch: the build fails.
/// </summary>
internal static class Program
{
    /// <summary>PTX flavours: the host loads the newest one the device's compute capability allows.</summary>
    private static readonly (CudaArchitecture Arch, CudaInstructionSet Isa)[] PtxTargets =
    [
        (CudaArchitecture.SM_60, CudaInstructionSet.ISA_60),
        (CudaArchitecture.SM_80, CudaInstructionSet.ISA_70),
    ];

    /// <summary>Instantiations of the state kernels (generic over T and its ops): one per state precision.</summary>
    private static readonly (string Suffix, Type[] Arguments)[] StateVariants =
    [
        ("F64", [typeof(double), typeof(F64Ops)]),
        ("F32", [typeof(float), typeof(F32Ops)]),
    ];

    /// <summary>
    /// Instantiations of the reduction kernels (generic over the state's T, the sum type and their ops): complex128
    /// summed in double, complex64 summed in compensated float (devices without fp64 only) and complex64 widened to
    /// double (F32D: every other device).
    /// </summary>
    private static readonly (string Suffix, Type[] Arguments)[] ReductionVariants =
    [
        ("F64", [typeof(double), typeof(double), typeof(F64Ops)]),
        ("F32", [typeof(float), typeof(float), typeof(F32Ops)]),
        ("F32D", [typeof(float), typeof(double), typeof(F32WideOps)]),
    ];

    /// <summary>The instantiations of a kernel, by its number of type parameters.</summary>
    internal static (string Suffix, Type[] Arguments)[] Variants(MethodInfo kernel) => kernel.GetGenericArguments().Length switch
    {
        2 => StateVariants,
        3 => ReductionVariants,
        _ => throw new GeneratorException($"{kernel.Name}: kernels are generic over <T, TOps> (state kernels) or <T, TSum, TOps> (reductions)"),
    };

    private static int Main(string[] args)
    {
        if (args.Length == 2 && args[0] == "--check-ptx") return CheckPtxFile(args[1]);
        if (args.Length == 2 && args[0] == "--ptxas") return AssembleWithPtxas(args[1]);
        if (args.Length != 1)
        {
            Console.Error.WriteLine("usage: QiboAccel.Gpu.Generator OUTPUT.cs | --check-ptx FILE.ptx | --ptxas PATH-TO-PTXAS");
            return 2;
        }
        try
        {
            string source = Generate();
            string output = Path.GetFullPath(args[0]);
            Directory.CreateDirectory(Path.GetDirectoryName(output)!);
            if (!File.Exists(output) || File.ReadAllText(output) != source) File.WriteAllText(output, source);
            Console.WriteLine($"QiboAccel.Gpu.Generator: wrote {output}");
            return 0;
        }
        catch (GeneratorException e)
        {
            Console.Error.WriteLine($"QiboAccel.Gpu.Generator : error QGPU001: {e.Message}");
            return 1;
        }
    }

    /// <summary>
    /// --check-ptx FILE: runs the build's branch check on a PTX file (tests feed it snippets) and prints the rewritten
    /// PTX; exit code 1 with the build's error line when the file has a thread-dependent .uni branch.
    /// </summary>
    private static int CheckPtxFile(string path)
    {
        try
        {
            PtxBranches.Result result = PtxBranches.Fix(Path.GetFileName(path), File.ReadAllText(path));
            Console.Out.Write(result.Ptx);
            Console.Error.WriteLine($"QiboAccel.Gpu.Generator: {path}: rewrote {result.Rewritten} uniform predicated .uni branch(es)");
            return 0;
        }
        catch (GeneratorException e)
        {
            Console.Error.WriteLine($"QiboAccel.Gpu.Generator : error QGPU002: {e.Message}");
            return 1;
        }
    }

    /// <summary>
    /// --ptxas PTXAS: compiles every kernel and assembles every PTX module for sm_80 and sm_90; prints the table of
    /// registers and spills (markdown) and exits 1 if ptxas refuses any module.
    /// </summary>
    private static int AssembleWithPtxas(string ptxas)
    {
        try
        {
            (_, List<CompiledKernelSet> kernels) = CompileAll();
            List<PtxAssembler.Row> rows = PtxAssembler.AssembleAll(ptxas, kernels, PtxCapabilities);
            var (major, minor) = PtxCapabilities[^1];
            Console.Out.Write(PtxAssembler.Table(rows, $"sm_{major}{minor}"));
            var refused = rows.Where(r => !r.Accepted).ToList();
            foreach (PtxAssembler.Row r in refused)
                Console.Error.WriteLine($"QiboAccel.Gpu.Generator : error QGPU003: ptxas -arch={r.Architecture} refused {r.Kernel} (PTX {r.PtxTarget}): {r.Log}");
            Console.Error.WriteLine($"QiboAccel.Gpu.Generator: ptxas accepted {rows.Count - refused.Count} of {rows.Count} module/architecture pairs " +
                $"({kernels.Count} kernels x {PtxCapabilities.Length} PTX targets x {string.Join(", ", PtxAssembler.Architectures)})");
            return refused.Count == 0 ? 0 : 1;
        }
        catch (GeneratorException e)
        {
            Console.Error.WriteLine($"QiboAccel.Gpu.Generator : error QGPU001: {e.Message}");
            return 1;
        }
    }

    /// <summary>Compiles every kernel in each of its variants (the build's step, also called by the tests).</summary>
    internal static (MethodInfo[] Methods, List<CompiledKernelSet> Kernels) CompileAll()
    {
        using var context = Context.Create(builder => builder.Optimize(OptimizationLevel.O2));
        var kernels = new List<CompiledKernelSet>();
        MethodInfo[] methods = typeof(StateKernels).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m.IsGenericMethodDefinition && m.GetParameters().FirstOrDefault()?.ParameterType == typeof(Index1D))
            .OrderBy(m => m.MetadataToken)
            .ToArray();
        if (methods.Length == 0) throw new GeneratorException("no kernels found in StateKernels");
        foreach (MethodInfo method in methods)
        {
            foreach (var (suffix, arguments) in Variants(method))
            {
                kernels.Add(Compile(context, method, suffix, arguments));
            }
        }
        return (methods, kernels);
    }

    /// <summary>The compute capabilities of the PTX flavours, oldest first.</summary>
    internal static (int Major, int Minor)[] PtxCapabilities => PtxTargets.Select(t => (t.Arch.Major, t.Arch.Minor)).ToArray();

    private static string Generate()
    {
        (MethodInfo[] methods, List<CompiledKernelSet> kernels) = CompileAll();
        return CodeWriter.Write(methods, kernels, PtxCapabilities);
    }

    private static CompiledKernelSet Compile(Context context, MethodInfo definition, string suffix, Type[] arguments)
    {
        MethodInfo method = definition.MakeGenericMethod(arguments);
        string name = $"{definition.Name}_{suffix}";
        ParameterInfo[] parameters = method.GetParameters()[1..];
        var kinds = new KernelParamKind[parameters.Length];
        var elements = new string[parameters.Length];
        for (int i = 0; i < parameters.Length; i++) (kinds[i], elements[i]) = Classify(name, parameters[i]);
        CheckConventions(name, parameters, kinds);

        var entry = EntryPointDescription.FromImplicitlyGroupedKernel(method);
        var specialization = KernelSpecialization.Empty;
        bool isDouble = arguments.Contains(typeof(double));

        string openCl;
        using (var backend = new CLBackend(context, new CLCapabilityContext(float16: false, float64: isDouble,
            genericAddressSpace: false, int64_Atomics: false, subGroups: false), CLDeviceVendor.Other, CLCVersion.CL20))
        {
            openCl = ((CLCompiledKernel)backend.Compile(entry, specialization)).Source;
        }
        openCl = FixOpenCl(name, openCl, isDouble);
        string clEntry = LayoutCheck.OpenCl(name, openCl, KernelAbi.OpenCl(kinds), elements);

        var ptx = new List<string>();
        string? ptxEntry = null;
        foreach (var (arch, isa) in PtxTargets)
        {
            using var backend = new PTXBackend(context, new CudaCapabilityContext(arch), arch, isa, null);
            string assembly = ((PTXCompiledKernel)backend.Compile(entry, specialization)).PTXAssembly;
            assembly = PtxBranches.Fix($"{name} (PTX sm_{arch.Major}{arch.Minor})", assembly).Ptx;
            string e = LayoutCheck.Ptx(name, assembly, KernelAbi.Ptx(kinds), arch.Major, arch.Minor);
            if (ptxEntry != null && e != ptxEntry) throw new GeneratorException($"{name}: PTX entry names differ between targets ({ptxEntry}, {e})");
            ptxEntry = e;
            ptx.Add(assembly);
        }
        return new CompiledKernelSet(definition.Name, name, suffix, isDouble, kinds, elements, parameters.Select(p => p.Name!).ToArray(), clEntry, openCl, ptxEntry!, ptx);
    }

    private static (KernelParamKind Kind, string Element) Classify(string kernel, ParameterInfo parameter)
    {
        Type type = parameter.ParameterType;
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ArrayView<>))
        {
            Type element = type.GetGenericArguments()[0];
            string c = element == typeof(double) ? "double" : element == typeof(float) ? "float" : element == typeof(long) ? "long"
                : throw new GeneratorException($"{kernel}: view '{parameter.Name}' of {element.Name} (only double, float, long views are supported)");
            return (KernelParamKind.View, c);
        }
        if (type == typeof(int)) return (KernelParamKind.Int32, "int");
        if (type == typeof(long)) return (KernelParamKind.Int64, "long");
        if (type == typeof(float)) return (KernelParamKind.Float32, "float");
        if (type == typeof(double)) return (KernelParamKind.Float64, "double");
        throw new GeneratorException($"{kernel}: parameter '{parameter.Name}' has type {type.Name}; kernels take views, int, long, float and double only");
    }

    /// <summary>Views first, then <c>long offset</c> (the launcher's chunking relies on it), then scalars.</summary>
    private static void CheckConventions(string name, ParameterInfo[] parameters, KernelParamKind[] kinds)
    {
        int views = kinds.TakeWhile(k => k == KernelParamKind.View).Count();
        if (kinds.Skip(views).Any(k => k == KernelParamKind.View))
            throw new GeneratorException($"{name}: every view must come before the scalars");
        if (views >= kinds.Length || kinds[views] != KernelParamKind.Int64 || parameters[views].Name != "offset")
            throw new GeneratorException($"{name}: the first parameter after the views must be 'long offset'");
    }

    /// <summary>
    /// Kernels with any double (complex128, and complex64 reductions summed in double): enable cl_khr_fp64 on the
    /// first line (ILGPU declares double typedefs before its pragma). The others (complex64 state kernels and the
    /// compensated-float reductions): must not mention double at all, so devices without fp64 can build them.
    /// </summary>
    private static string FixOpenCl(string name, string source, bool isDouble)
    {
        const string Pragma = "#pragma OPENCL EXTENSION cl_khr_fp64 : enable";
        source = source.Replace("\r\n", "\n");
        if (isDouble) return Pragma + "\n" + source;
        source = source.Replace(Pragma + "\n", "");
        if (System.Text.RegularExpressions.Regex.IsMatch(source, @"\bdouble\b"))
            throw new GeneratorException($"{name}: the complex64 kernel's OpenCL C uses double");
        return source;
    }
}

/// <summary>A failure that stops the build.</summary>
internal sealed class GeneratorException(string message) : Exception(message);

/// <summary>One kernel instantiation: its OpenCL C and PTX texts and its parameters.</summary>
/// <param name="Method">The StateKernels method.</param>
/// <param name="Name">Method_Suffix, e.g. MarginalPartial_F32D.</param>
/// <param name="Suffix">The variant: F64, F32 or F32D.</param>
/// <param name="IsDouble">True when the kernel uses double anywhere (the device needs fp64).</param>
/// <param name="Kinds">The parameters after the index.</param>
/// <param name="Elements">Per parameter: a view's element type (double, float, long) or the scalar's C type.</param>
/// <param name="ParameterNames">The parameters' names.</param>
/// <param name="OpenClEntry">The OpenCL kernel name.</param>
/// <param name="OpenClSource">The OpenCL C program.</param>
/// <param name="PtxEntry">The PTX entry name.</param>
/// <param name="Ptx">One PTX module per PTX target.</param>
internal sealed record CompiledKernelSet(
    string Method,
    string Name,
    string Suffix,
    bool IsDouble,
    KernelParamKind[] Kinds,
    string[] Elements,
    string[] ParameterNames,
    string OpenClEntry,
    string OpenClSource,
    string PtxEntry,
    List<string> Ptx);
