using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace QiboAccel.Safety;

/// <summary>
/// Checks an ELF shared library before anything loads it: dlopen maps the file and runs its constructors, so a
/// truncated file (a segment past the end of the file: SIGBUS when touched), a library for another machine, or a
/// library that is not a backend at all must be refused from its bytes alone. Checked: the ELF header (64-bit,
/// this machine's byte order and architecture, type ET_DYN), the program headers and every loadable segment inside
/// the file, the section table inside the file, and the dynamic symbol table exporting the required symbols.
/// </summary>
/// <remarks>Also compiled into libqibo_python.so (it must not depend on anything but the base library).</remarks>
internal static class ElfImage
{
    private const int HeaderSize = 64, ProgramHeaderSize = 56, SectionHeaderSize = 64, SymbolSize = 24;
    private const uint PtLoad = 1, ShtDynSym = 11, ShtNoBits = 8;
    private const long MaxTableBytes = 256L << 20;

    /// <summary>
    /// Why this process cannot load <paramref name="path"/> as a shared library exporting <paramref name="exports"/> —
    /// a phrase to follow the quoted path ("is truncated: …", "does not export qibo_backend_get_api") — or null when it can.
    /// </summary>
    public static string? Problem(string path, params string[] exports)
    {
        UnixFile.Status status;
        Microsoft.Win32.SafeHandles.SafeFileHandle handle;
        try
        {
            handle = UnixFile.OpenRegular(path, out status);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // UnixFile's messages start with the quoted path, which the caller writes already.
            string quoted = $"'{MessageText.Clip(path)}' ";
            return e.Message.StartsWith(quoted, StringComparison.Ordinal) ? e.Message[quoted.Length..] : "cannot be read: " + e.Message;
        }
        using (handle)
        using (var file = new FileStream(handle, FileAccess.Read, bufferSize: 0))
        {
            try
            {
                return Inspect(file, status.Size, exports);
            }
            catch (IOException e)
            {
                return "cannot be read: " + e.Message;
            }
        }
    }

    private static string? Inspect(FileStream file, long size, string[] exports)
    {
        if (size < 4) return $"is not a shared library (no ELF header: the file has {size} bytes)";
        byte[] header = Read(file, 0, (int)Math.Min(HeaderSize, size));
        if (header[0] != 0x7f || header[1] != (byte)'E' || header[2] != (byte)'L' || header[3] != (byte)'F')
        {
            return "is not a shared library (no ELF header)";
        }
        if (size < HeaderSize) return $"is truncated: an ELF header needs {HeaderSize} bytes, the file has {size}";
        if (header[4] != 2) return header[4] == 1 ? "is a 32-bit ELF file (ELFCLASS32); this process is 64-bit" : $"has an unknown ELF class {header[4]}";
        if (header[5] != (BitConverter.IsLittleEndian ? 1 : 2))
        {
            return $"is a {(header[5] == 2 ? "big" : header[5] == 1 ? "little" : "unknown")}-endian ELF file; this machine is {(BitConverter.IsLittleEndian ? "little" : "big")}-endian";
        }
        ushort type = U16(header, 16), machine = U16(header, 18);
        if (type != 3)
        {
            return type switch
            {
                1 => "is an object file (ET_REL), not a shared library: link it with -shared",
                2 => "is an executable (ET_EXEC), not a shared library",
                4 => "is a core dump, not a shared library",
                _ => $"is an ELF file of type {type}, not a shared library (ET_DYN)",
            };
        }
        (ushort expected, string arch) = ExpectedMachine();
        if (expected != 0 && machine != expected) return $"is built for {MachineName(machine)}; this process runs on {arch}";

        ulong phoff = U64(header, 32), shoff = U64(header, 40);
        int phentsize = U16(header, 54), shentsize = U16(header, 58);
        long phnum = U16(header, 56), shnum = U16(header, 60);
        if (shoff == 0) return "has no section table; the loader reads the exported symbols from it before loading a library";
        if (shentsize < SectionHeaderSize) return $"is corrupt: section headers of {shentsize} bytes (ELF64 needs {SectionHeaderSize})";
        if (shoff + SectionHeaderSize > (ulong)size) return $"is truncated: its section table starts at byte {shoff} but the file has {size} bytes";
        byte[] first = Read(file, (long)shoff, SectionHeaderSize);
        if (shnum == 0) shnum = (long)Math.Min(U64(first, 32), (ulong)(long.MaxValue / shentsize)); // more than 0xff00 sections
        if (phnum == 0xffff) phnum = U32(first, 44);
        ulong shEnd = shoff + (ulong)shnum * (ulong)shentsize;
        if (shEnd > (ulong)size) return $"is truncated or corrupt: its section table ends at byte {shEnd} but the file has {size} bytes";
        if (phnum > 0)
        {
            if (phnum * phentsize > MaxTableBytes) return $"is corrupt: it claims {phnum} program headers";
            if (phentsize < ProgramHeaderSize) return $"is corrupt: program headers of {phentsize} bytes (ELF64 needs {ProgramHeaderSize})";
            ulong phEnd = phoff + (ulong)phnum * (ulong)phentsize;
            if (phEnd > (ulong)size || phEnd < phoff) return $"is truncated or corrupt: its program headers end at byte {phEnd} but the file has {size} bytes";
            byte[] programs = Read(file, (long)phoff, (int)(phnum * phentsize));
            for (long i = 0; i < phnum; i++)
            {
                int at = (int)(i * phentsize);
                if (U32(programs, at) != PtLoad) continue;
                ulong offset = U64(programs, at + 8), fileSize = U64(programs, at + 32);
                if (offset + fileSize > (ulong)size || offset + fileSize < offset)
                {
                    return $"is truncated: a loadable segment ends at byte {offset + fileSize} but the file has {size} bytes";
                }
            }
        }
        else
        {
            return "has no program headers: there is nothing to load";
        }
        if (shnum > 1 << 20 || shnum * shentsize > MaxTableBytes) return $"is corrupt: it claims {shnum} sections";
        byte[] sections = Read(file, (long)shoff, (int)(shnum * shentsize));
        int dynsym = -1;
        for (int i = 0; i < shnum; i++)
        {
            int at = i * shentsize;
            uint sectionType = U32(sections, at + 4);
            ulong offset = U64(sections, at + 24), length = U64(sections, at + 32);
            if (sectionType != ShtNoBits && sectionType != 0 && (offset + length > (ulong)size || offset + length < offset))
            {
                return $"is truncated or corrupt: section {i} ends at byte {offset + length} but the file has {size} bytes";
            }
            if (sectionType == ShtDynSym && dynsym < 0) dynsym = i;
        }
        if (exports.Length == 0) return null;
        if (dynsym < 0) return $"exports no symbols (it has no dynamic symbol table), so not {exports[0]}";
        int symAt = dynsym * shentsize;
        ulong symOffset = U64(sections, symAt + 24), symBytes = U64(sections, symAt + 32);
        uint link = U32(sections, symAt + 40);
        if (link >= shnum) return "is corrupt: its dynamic symbol table names no string table";
        int strAt = (int)link * shentsize;
        ulong strOffset = U64(sections, strAt + 24), strBytes = U64(sections, strAt + 32);
        if (symBytes > MaxTableBytes || strBytes > MaxTableBytes) return "is corrupt: its dynamic symbol table is unreasonably large";
        byte[] symbols = Read(file, (long)symOffset, (int)symBytes);
        byte[] strings = Read(file, (long)strOffset, (int)strBytes);
        var wanted = exports.Select(e => Encoding.UTF8.GetBytes(e)).ToArray();
        var found = new bool[exports.Length];
        for (int at = 0; at + SymbolSize <= symbols.Length; at += SymbolSize)
        {
            uint name = U32(symbols, at);
            byte info = symbols[at + 4];
            ushort sectionIndex = U16(symbols, at + 6);
            int binding = info >> 4;
            if (sectionIndex == 0 || binding is not (1 or 2 or 10) || name >= strings.Length) continue;
            ReadOnlySpan<byte> text = strings.AsSpan((int)name);
            int end = text.IndexOf((byte)0);
            if (end >= 0) text = text[..end];
            for (int k = 0; k < wanted.Length; k++)
            {
                if (text.SequenceEqual(wanted[k])) found[k] = true;
            }
        }
        int missing = Array.IndexOf(found, false);
        return missing < 0 ? null : $"does not export {exports[missing]}";
    }

    private static byte[] Read(FileStream file, long offset, int count)
    {
        var buffer = new byte[count];
        file.Position = offset;
        file.ReadExactly(buffer);
        return buffer;
    }

    private static ushort U16(byte[] b, int at) => BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(at));

    private static uint U32(byte[] b, int at) => BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(at));

    private static ulong U64(byte[] b, int at) => BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(at));

    private static (ushort Machine, string Name) ExpectedMachine() => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => (62, "x86-64"),
        Architecture.Arm64 => (183, "AArch64"),
        Architecture.RiscV64 => (243, "RISC-V"),
        Architecture.LoongArch64 => (258, "LoongArch"),
        Architecture.Ppc64le => (21, "PowerPC64"),
        Architecture.S390x => (22, "s390x"),
        _ => (0, RuntimeInformation.ProcessArchitecture.ToString()),
    };

    private static string MachineName(ushort machine) => machine switch
    {
        3 => "x86 (32-bit, EM_386)",
        40 => "ARM (32-bit, EM_ARM)",
        62 => "x86-64 (EM_X86_64)",
        183 => "AArch64 (EM_AARCH64)",
        243 => "RISC-V (EM_RISCV)",
        258 => "LoongArch (EM_LOONGARCH)",
        21 => "PowerPC64 (EM_PPC64)",
        22 => "s390x (EM_S390)",
        _ => $"machine type {machine}",
    };
}
