namespace QiboAccel.Qasm;

/// <summary>Kinds of OpenQASM 2.0 tokens. Keywords are lexed as identifiers and told apart by the parser.</summary>
internal enum QasmTokenKind : byte
{
    EndOfFile,
    Identifier,
    Integer,
    Real,
    String,
    LParen,
    RParen,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    Semicolon,
    Comma,
    Arrow,
    EqualEqual,
    Plus,
    Minus,
    Star,
    Slash,
    Caret,
}

/// <summary>A token: its kind and where its text is in the source (no string is allocated for it).</summary>
/// <param name="Kind">The kind.</param>
/// <param name="Start">Index of its first character in the source.</param>
/// <param name="Length">Number of characters (a string token includes its quotes).</param>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column.</param>
internal readonly record struct QasmToken(QasmTokenKind Kind, int Start, int Length, int Line, int Column);
