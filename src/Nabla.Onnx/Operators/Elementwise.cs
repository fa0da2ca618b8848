namespace Nabla.Onnx;

internal static partial class OnnxOperators
{
    private static void AddElementwise(Dictionary<string, Func<NodeContext, object[]>> ops)
    {
        ops["Add"] = Binary(Tf.Add);
        ops["Sub"] = Binary(Tf.Subtract);
        ops["Mul"] = Binary(Tf.Multiply);
        ops["Div"] = Binary(Divide);
        ops["Pow"] = Binary((x, y) => Tf.Pow(x, y.DType == x.DType ? y : Tf.Cast(y, x.DType)));
        ops["Mod"] = One(n => Mod(n.Input(0), n.Input(1), n.Int("fmod", 0) != 0));
        ops["Max"] = Variadic(Tf.Maximum);
        ops["Min"] = Variadic(Tf.Minimum);
        ops["Sum"] = Variadic(Tf.Add);
        ops["Mean"] = One(n => Variadic(Tf.Add)(n)[0] / (double)n.InputCount);
        ops["Equal"] = Binary(Tf.Equal);
        ops["Greater"] = Binary(Tf.Greater);
        ops["GreaterOrEqual"] = Binary(Tf.GreaterEqual);
        ops["Less"] = Binary(Tf.Less);
        ops["LessOrEqual"] = Binary(Tf.LessEqual);
        ops["And"] = Binary(Tf.LogicalAnd);
        ops["Or"] = Binary(Tf.LogicalOr);
        ops["Xor"] = Binary(Tf.NotEqual);
        ops["Not"] = Unary(Tf.LogicalNot);
        ops["Where"] = One(n => Tf.Where(n.Input(0), n.Input(1), n.Input(2)));

        ops["Abs"] = Unary(Tf.Abs);
        ops["Neg"] = Unary(Tf.Negative);
        ops["Sign"] = Unary(Tf.Sign);
        ops["Ceil"] = Unary(Tf.Ceil);
        ops["Floor"] = Unary(Tf.Floor);
        ops["Round"] = Unary(Tf.Round);   // half to even, as ONNX's
        ops["Reciprocal"] = Unary(Tf.Reciprocal);
        ops["Sqrt"] = Unary(Tf.Sqrt);
        ops["Exp"] = Unary(Tf.Exp);
        ops["Log"] = Unary(Tf.Log);
        ops["Erf"] = Unary(Tf.Erf);
        ops["Sin"] = Unary(Tf.Sin);
        ops["Cos"] = Unary(Tf.Cos);
        ops["Tan"] = Unary(Tf.Tan);
        ops["Asin"] = Unary(Tf.Asin);
        ops["Acos"] = Unary(Tf.Acos);
        ops["Atan"] = Unary(Tf.Atan);
        ops["Sinh"] = Unary(Tf.Sinh);
        ops["Cosh"] = Unary(Tf.Cosh);
        ops["Asinh"] = Unary(Tf.Asinh);
        ops["Acosh"] = Unary(Tf.Acosh);
        ops["Atanh"] = Unary(Tf.Atanh);
        ops["Identity"] = Unary(Tf.Identity);
        ops["IsNaN"] = Unary(Tf.IsNan);
        ops["IsInf"] = One(IsInf);
        ops["Clip"] = One(Clip);
        ops["BitShift"] = One(BitShift);
        ops["Cast"] = One(n => Tf.Cast(n.Input(0), DTypeAttribute(n, "to")));
        ops["CastLike"] = One(n => Tf.Cast(n.Input(0), n.Input(1).DType));
    }

    /// <summary>ONNX's Div: true division for floats, division truncated toward zero for integers (C's).</summary>
    private static Tensor Divide(Tensor x, Tensor y)
    {
        if (!x.DType.IsInteger)
        {
            return Tf.Divide(x, y);
        }

        Tensor floor = Tf.FloorDiv(x, y);
        Tensor inexact = Tf.NotEqual(Tf.FloorMod(x, y), Scalar(0, x));
        Tensor signsDiffer = Tf.NotEqual(Tf.Less(x, Scalar(0, x)), Tf.Less(y, Scalar(0, y)));
        return Tf.Where(Tf.LogicalAnd(inexact, signsDiffer), floor + Scalar(1, floor), floor);
    }

    /// <summary>ONNX's Mod: the divisor's sign (Python's %, TensorFlow's FloorMod), or the dividend's with fmod=1 (C's fmod).</summary>
    private static Tensor Mod(Tensor x, Tensor y, bool fmod)
    {
        if (!fmod)
        {
            return Tf.FloorMod(x, y);
        }

        Tensor floorMod = Tf.FloorMod(x, y);
        // fmod differs from the floor modulo by one divisor when the remainder is nonzero and the signs differ.
        Tensor adjust = Tf.LogicalAnd(Tf.NotEqual(floorMod, Scalar(0, floorMod)), Tf.NotEqual(Tf.Less(x, Scalar(0, x)), Tf.Less(y, Scalar(0, y))));
        return Tf.Where(adjust, floorMod - y, floorMod);
    }

    private static Func<NodeContext, Tensor[]> Variadic(Func<Tensor, Tensor, Tensor> op) => node =>
    {
        Tensor result = node.Input(0);
        for (int i = 1; i < node.InputCount; i++)
        {
            result = op(result, node.Input(i));
        }

        return [node.InputCount == 1 ? Tf.Identity(result) : result];
    };

    private static Tensor IsInf(NodeContext n)
    {
        Tensor x = n.Input(0);
        Tensor positive = Tf.Equal(x, Scalar(double.PositiveInfinity, x));
        Tensor negative = Tf.Equal(x, Scalar(double.NegativeInfinity, x));
        bool detectPositive = n.Int("detect_positive", 1) != 0, detectNegative = n.Int("detect_negative", 1) != 0;
        return detectPositive && detectNegative ? Tf.LogicalOr(positive, negative)
            : detectPositive ? positive
            : detectNegative ? negative
            : Tf.ZerosLike(x, DType.Bool);
    }

    private static Tensor Clip(NodeContext n)
    {
        Tensor x = n.Input(0);
        Tensor? min = n.OptionalInput(1), max = n.OptionalInput(2);
        if (n.Opset < 11)
        {
            min = n.HasAttribute("min") ? Scalar(n.Float("min", 0), x) : null;
            max = n.HasAttribute("max") ? Scalar(n.Float("max", 0), x) : null;
        }

        Tensor result = min is null ? x : Tf.Maximum(x, min);
        result = max is null ? result : Tf.Minimum(result, max);
        return ReferenceEquals(result, x) ? Tf.Identity(x) : result;
    }

    /// <summary>
    /// BitShift of unsigned integers (uint8, the one Nabla has): x · 2ʸ modulo 2⁸ (LEFT) or ⌊x / 2ʸ⌋ (RIGHT), in int64,
    /// which is the shift exactly; a shift by 8 or more gives 0, as NumPy's.
    /// </summary>
    private static Tensor BitShift(NodeContext n)
    {
        Tensor x = n.Input(0), y = n.Input(1);
        if (x.DType != DType.UInt8 || y.DType != DType.UInt8)
        {
            throw new ArgumentException($"{n.What}: shifts unsigned integers (uint8 in Nabla), got {x.DType} {x.Shape} and {y.DType} {y.Shape}.");
        }

        const int Bits = 8;
        Tensor exponent = Tf.Cast(Tf.Minimum(y, Scalar(Bits, y)), DType.Float64);
        Tensor power = Tf.Cast(Tf.Pow(Scalar(2, exponent), exponent), DType.Int64);
        Tensor wide = Tf.Cast(x, DType.Int64);
        Tensor shifted = n.String("direction", "") switch
        {
            "LEFT" => Tf.FloorMod(wide * power, Scalar(1 << Bits, wide)),
            "RIGHT" => Tf.FloorDiv(wide, power),
            string other => throw new ArgumentException($"{n.What}: direction must be LEFT or RIGHT, got '{other}'."),
        };
        return Tf.Cast(shifted, x.DType);
    }

    /// <summary>A dtype attribute (Cast's "to", EyeLike's "dtype") as a Nabla dtype.</summary>
    private static DType DTypeAttribute(NodeContext n, string name)
    {
        int type = (int)n.Int(name, 0);
        return OnnxTensors.TryDType(type) ?? throw n.Unsupported($"element type {OnnxTensors.ElementTypeName(type)}");
    }
}
