using QiboAccel.Parameters;

namespace QiboAccel.Qasm;

/// <summary>The functions OpenQASM 2.0 expressions may call.</summary>
internal enum QasmFunction : byte
{
    Sin,
    Cos,
    Tan,
    Exp,
    Ln,
    Sqrt,
}

/// <summary>
/// A real-valued expression inside a gate definition body, over the gate's parameters (by index).
/// Expressions without parameters are folded to numbers while parsing (<see cref="QasmValue"/>), so only
/// bodies of gate definitions keep trees.
/// </summary>
internal abstract class QasmExpression
{
    /// <summary>The value for the given actual parameters of the enclosing gate.</summary>
    public abstract double Evaluate(ReadOnlySpan<double> parameters);

    /// <summary>
    /// The value when some actual parameters depend on circuit inputs (<c>input angle theta;</c>): an angle affine in
    /// them. Sums, differences, scaling and division by numbers keep it affine; anything else of an input is an error
    /// (<see cref="NotAffineException"/>), because gradients need the chain rule's coefficients.
    /// </summary>
    public abstract Angle EvaluateAngle(ReadOnlySpan<Angle> parameters);

    /// <summary>Applies a binary operator (one of + - * / ^). Shared by folding and evaluation.</summary>
    public static double Apply(QasmTokenKind op, double left, double right) => op switch
    {
        QasmTokenKind.Plus => left + right,
        QasmTokenKind.Minus => left - right,
        QasmTokenKind.Star => left * right,
        QasmTokenKind.Slash => left / right,
        QasmTokenKind.Caret => Math.Pow(left, right),
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "not a binary operator"),
    };

    /// <summary>Applies a function. Shared by folding and evaluation.</summary>
    public static double Apply(QasmFunction function, double x) => function switch
    {
        QasmFunction.Sin => Math.Sin(x),
        QasmFunction.Cos => Math.Cos(x),
        QasmFunction.Tan => Math.Tan(x),
        QasmFunction.Exp => Math.Exp(x),
        QasmFunction.Ln => Math.Log(x),
        QasmFunction.Sqrt => Math.Sqrt(x),
        _ => throw new ArgumentOutOfRangeException(nameof(function), function, "not a function"),
    };

    /// <summary>The function called <paramref name="name"/>, if any.</summary>
    public static bool TryGetFunction(ReadOnlySpan<char> name, out QasmFunction function)
    {
        switch (name)
        {
            case "sin": function = QasmFunction.Sin; return true;
            case "cos": function = QasmFunction.Cos; return true;
            case "tan": function = QasmFunction.Tan; return true;
            case "exp": function = QasmFunction.Exp; return true;
            case "ln": function = QasmFunction.Ln; return true;
            case "sqrt": function = QasmFunction.Sqrt; return true;
            default: function = default; return false;
        }
    }
}

/// <summary>A number (only appears as an operand of a non-constant expression).</summary>
internal sealed class QasmConstant(double value) : QasmExpression
{
    public double Value { get; } = value;

    public override double Evaluate(ReadOnlySpan<double> parameters) => Value;

    public override Angle EvaluateAngle(ReadOnlySpan<Angle> parameters) => Value;
}

/// <summary>A parameter of the enclosing gate definition.</summary>
internal sealed class QasmParameter(int index) : QasmExpression
{
    public int Index { get; } = index;

    public override double Evaluate(ReadOnlySpan<double> parameters) => parameters[Index];

    public override Angle EvaluateAngle(ReadOnlySpan<Angle> parameters) => parameters[Index];
}

/// <summary>A circuit input (<c>input angle theta;</c>, a QiboAccel extension), used at the top level.</summary>
internal sealed class QasmInput(Parameter parameter) : QasmExpression
{
    public Parameter Parameter { get; } = parameter;

    public override double Evaluate(ReadOnlySpan<double> parameters) =>
        throw new InvalidOperationException($"input '{Parameter.Name}' has no value while parsing");

    public override Angle EvaluateAngle(ReadOnlySpan<Angle> parameters) => Parameter;
}

/// <summary>An input used in a way that is not affine (sin(theta), theta*phi, 2^theta).</summary>
internal sealed class NotAffineException(string message) : Exception(message);

/// <summary>Unary minus.</summary>
internal sealed class QasmNegate(QasmExpression operand) : QasmExpression
{
    public override double Evaluate(ReadOnlySpan<double> parameters) => -operand.Evaluate(parameters);

    public override Angle EvaluateAngle(ReadOnlySpan<Angle> parameters) => -operand.EvaluateAngle(parameters);
}

/// <summary>A binary operation (+ - * / ^).</summary>
internal sealed class QasmBinary(QasmTokenKind op, QasmExpression left, QasmExpression right) : QasmExpression
{
    public override double Evaluate(ReadOnlySpan<double> parameters)
        => Apply(op, left.Evaluate(parameters), right.Evaluate(parameters));

    public override Angle EvaluateAngle(ReadOnlySpan<Angle> parameters)
    {
        Angle a = left.EvaluateAngle(parameters), b = right.EvaluateAngle(parameters);
        if (a.IsConstant && b.IsConstant) return Apply(op, a.Constant, b.Constant);
        return op switch
        {
            QasmTokenKind.Plus => a + b,
            QasmTokenKind.Minus => a - b,
            QasmTokenKind.Star when a.IsConstant => a.Constant * b,
            QasmTokenKind.Star when b.IsConstant => a * b.Constant,
            QasmTokenKind.Slash when b.IsConstant => a / b.Constant,
            QasmTokenKind.Star => throw new NotAffineException($"({a})*({b}) multiplies inputs together"),
            QasmTokenKind.Slash => throw new NotAffineException($"({a})/({b}) divides by an input"),
            _ => throw new NotAffineException($"({a})^({b}) raises to a power involving an input"),
        };
    }
}

/// <summary>A call of sin, cos, tan, exp, ln or sqrt.</summary>
internal sealed class QasmCall(QasmFunction function, QasmExpression argument) : QasmExpression
{
    public override double Evaluate(ReadOnlySpan<double> parameters) => Apply(function, argument.Evaluate(parameters));

    public override Angle EvaluateAngle(ReadOnlySpan<Angle> parameters)
    {
        Angle x = argument.EvaluateAngle(parameters);
        return x.IsConstant ? Apply(function, x.Constant)
            : throw new NotAffineException($"{function.ToString().ToLowerInvariant()}({x}) applies a function to an input");
    }
}

/// <summary>
/// The result of parsing an expression: a plain number when it involves no gate parameter (no allocation),
/// otherwise a tree.
/// </summary>
internal readonly struct QasmValue
{
    private QasmValue(double constant, QasmExpression? node)
    {
        Constant = constant;
        Node = node;
    }

    /// <summary>The value when <see cref="IsConstant"/>.</summary>
    public double Constant { get; }

    /// <summary>The tree when the value depends on gate parameters.</summary>
    public QasmExpression? Node { get; }

    public bool IsConstant => Node is null;

    public static QasmValue Of(double value) => new(value, null);

    public static QasmValue Of(QasmExpression node) => new(0, node);

    /// <summary>A tree for this value (a <see cref="QasmConstant"/> when it is a number).</summary>
    public QasmExpression ToExpression() => Node ?? new QasmConstant(Constant);

    public static QasmValue Negate(QasmValue x) => x.IsConstant ? Of(-x.Constant) : Of(new QasmNegate(x.Node!));

    public static QasmValue Binary(QasmTokenKind op, QasmValue left, QasmValue right)
        => left.IsConstant && right.IsConstant
            ? Of(QasmExpression.Apply(op, left.Constant, right.Constant))
            : Of(new QasmBinary(op, left.ToExpression(), right.ToExpression()));

    public static QasmValue Call(QasmFunction function, QasmValue x)
        => x.IsConstant ? Of(QasmExpression.Apply(function, x.Constant)) : Of(new QasmCall(function, x.Node!));
}
