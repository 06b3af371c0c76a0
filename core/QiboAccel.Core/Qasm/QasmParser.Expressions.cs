using System.Globalization;

namespace QiboAccel.Qasm;

// Expressions. Grammar, loosest first:
//   expression := term (('+' | '-') term)*          left-associative
//   term       := unary (('*' | '/') unary)*         left-associative
//   unary      := '-' unary | '+' unary | power
//   power      := primary ('^' unary)?               right-associative; -2^2 = -(2^2), 2^-1 = 0.5
//   primary    := number | pi | parameter | function '(' expression ')' | '(' expression ')'
// Sub-expressions without gate parameters are folded to numbers as they are parsed.
public sealed partial class QasmParser
{
    private QasmValue ParseExpression()
    {
        EnterExpression();
        var left = ParseTerm();
        while (_tok.Kind is QasmTokenKind.Plus or QasmTokenKind.Minus)
        {
            var op = _tok.Kind;
            Advance();
            left = QasmValue.Binary(op, left, ParseTerm());
        }
        _depth--;
        return left;
    }

    private QasmValue ParseTerm()
    {
        var left = ParseUnary();
        while (_tok.Kind is QasmTokenKind.Star or QasmTokenKind.Slash)
        {
            var op = _tok.Kind;
            Advance();
            left = QasmValue.Binary(op, left, ParseUnary());
        }
        return left;
    }

    private QasmValue ParseUnary()
    {
        if (_tok.Kind is not (QasmTokenKind.Minus or QasmTokenKind.Plus)) return ParsePower();
        bool negate = _tok.Kind == QasmTokenKind.Minus;
        Advance();
        EnterExpression();
        var operand = ParseUnary();
        _depth--;
        return negate ? QasmValue.Negate(operand) : operand;
    }

    private QasmValue ParsePower()
    {
        var left = ParsePrimary();
        if (_tok.Kind != QasmTokenKind.Caret) return left;
        Advance();
        EnterExpression();
        var right = ParseUnary();
        _depth--;
        return QasmValue.Binary(QasmTokenKind.Caret, left, right);
    }

    private QasmValue ParsePrimary()
    {
        var token = _tok;
        switch (token.Kind)
        {
            case QasmTokenKind.Integer or QasmTokenKind.Real:
            {
                double value = double.Parse(Text(token), NumberStyles.Float, CultureInfo.InvariantCulture);
                if (double.IsInfinity(value)) throw Error(token, $"the number {Text(token)} is too large");
                Advance();
                return QasmValue.Of(value);
            }
            case QasmTokenKind.LParen:
            {
                Advance();
                var inner = ParseExpression();
                Expect(QasmTokenKind.RParen, "')' to close the parenthesis");
                return inner;
            }
            case QasmTokenKind.Identifier:
                return ParseIdentifierInExpression(token);
            default:
                throw Error(token, $"expected an expression, found {Describe(token)}");
        }
    }

    private QasmValue ParseIdentifierInExpression(QasmToken token)
    {
        var name = Text(token);
        if (name is "pi")
        {
            Advance();
            return QasmValue.Of(Math.PI);
        }
        if (QasmExpression.TryGetFunction(name, out var function))
        {
            Advance();
            if (_tok.Kind != QasmTokenKind.LParen)
            {
                throw Error(_tok, $"expected '(' after the function '{name}', found {Describe(_tok)}");
            }
            Advance();
            var argument = ParseExpression();
            if (_tok.Kind != QasmTokenKind.RParen)
            {
                throw Error(_tok, $"expected ')' to close the argument of '{name}', found {Describe(_tok)}");
            }
            Advance();
            return QasmValue.Call(function, argument);
        }
        for (int i = 0; i < _scopeParameters.Length; i++)
        {
            if (name.SequenceEqual(_scopeParameters[i]))
            {
                Advance();
                return QasmValue.Of(new QasmParameter(i));
            }
        }

        if (_definingGate is null && _inputs.TryGetValue(name.ToString(), out var input))
        {
            Advance();
            return QasmValue.Of(new QasmInput(input));
        }

        Advance();
        if (_tok.Kind == QasmTokenKind.LParen)
        {
            throw Error(token, $"unknown function '{name}' (OpenQASM 2.0 has sin, cos, tan, exp, ln and sqrt)");
        }
        if (_definingGate is null)
        {
            throw Error(token, $"undeclared identifier '{name}': outside a gate definition an expression may only use numbers, pi, functions and inputs (input angle {name};)");
        }
        throw Error(token, _scopeParameters.Length == 0
            ? $"undeclared identifier '{name}': gate '{_definingGate}' has no parameters"
            : $"undeclared identifier '{name}' in the definition of gate '{_definingGate}' (its parameters: {string.Join(", ", _scopeParameters)})");
    }

    private void EnterExpression()
    {
        if (++_depth > MaxExpressionDepth)
        {
            throw Error(_tok, $"expression nested too deeply (more than {MaxExpressionDepth} levels)");
        }
    }
}
