namespace Nabla;

/// <summary>
/// Told by <see cref="GradientTape.Gradient(IReadOnlyList{Tensor}, IReadOnlyList{Tensor}, IReadOnlyList{Tensor}, UnconnectedGradients, GradientReadyCallback)"/>
/// that the gradient of one source is final, while the backward pass goes on with the others (PyTorch's
/// per-parameter gradient hooks, which data-parallel training uses to start averaging a gradient across workers as
/// soon as it exists). Called exactly once per entry of the sources list, on the calling thread, with the very tensor
/// <c>Gradient</c> returns at that index (null where the targets do not depend on the source, zeros with
/// <see cref="UnconnectedGradients.Zero"/>). Sources read last in the recorded computation are usually told first.
/// An exception thrown here ends the <c>Gradient</c> call.
/// </summary>
/// <param name="sourceIndex">The index of the source in the list given to <c>Gradient</c>.</param>
/// <param name="gradient">Its final gradient.</param>
public delegate void GradientReadyCallback(int sourceIndex, Tensor? gradient);
