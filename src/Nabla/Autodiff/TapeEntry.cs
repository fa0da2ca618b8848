namespace Nabla;

/// <summary>One recorded op call: enough to replay its gradient rule later.</summary>
internal readonly record struct TapeEntry(Op Op, Tensor[] Inputs, Tensor Output);

/// <summary>How <see cref="GradientTape.Gradient(IReadOnlyList{Tensor}, IReadOnlyList{Tensor}, IReadOnlyList{Tensor}, UnconnectedGradients)"/> answers for a source the target does not depend on.</summary>
public enum UnconnectedGradients
{
    /// <summary>Return null (TensorFlow's default, <c>None</c>).</summary>
    None,

    /// <summary>Return zeros of the source's shape.</summary>
    Zero,
}
